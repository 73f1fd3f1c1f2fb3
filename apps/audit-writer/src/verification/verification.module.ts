import { Module } from '@nestjs/common';
import { LATEST_CHECKPOINT_SOURCE, NoCheckpoints } from './latest-checkpoint-source';
import { LogVerificationService } from './log-verification.service';
import { VerificationController } from './verification.controller';

/** GET /v1/audit/verify: a log checked end to end, against its latest checkpoint when there is one. */
@Module({
  controllers: [VerificationController],
  providers: [LogVerificationService, { provide: LATEST_CHECKPOINT_SOURCE, useClass: NoCheckpoints }],
  exports: [LogVerificationService],
})
export class VerificationModule {}
