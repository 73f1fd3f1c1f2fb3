import 'reflect-metadata';
import { Controller, Get, Module, Query } from '@nestjs/common';
import { runService } from '../run-service';

/** A service with one deliberately slow route, run as a real process by the shutdown tests. */
@Controller('slow')
class SlowController {
  @Get()
  async wait(@Query('ms') ms = '500') {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { waitedMs: Number(ms) };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

void runService({ service: 'audit-writer', module: SlowModule, messaging: false });
