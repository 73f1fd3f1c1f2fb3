import { Module } from '@nestjs/common';
import { CheckpointsModule } from '../checkpoints/checkpoints.module';
import { ArchivedBoundaryRepository } from './archived-boundary.repository';
import { LogVerificationService } from './log-verification.service';
import { VerificationController } from './verification.controller';

/** GET /v1/audit/verify: a log checked end to end, against its latest signed checkpoint when there is one. */
@Module({
  imports: [CheckpointsModule],
  controllers: [VerificationController],
  providers: [LogVerificationService, ArchivedBoundaryRepository],
  exports: [LogVerificationService],
})
export class VerificationModule {}
