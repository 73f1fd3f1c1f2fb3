import { Module } from '@nestjs/common';
import { ReferenceController } from './reference.controller';

/** Read access to the seeded reference data: taxonomy labels and compliance mappings. */
@Module({ controllers: [ReferenceController] })
export class ReferenceModule {}
