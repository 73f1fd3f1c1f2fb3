import { Module } from '@nestjs/common';
import { ReferenceController } from './reference.controller';
import { ReferenceRepository } from './reference.repository';

/** Read access to the seeded reference data: taxonomy labels and compliance mappings. */
@Module({ controllers: [ReferenceController], providers: [ReferenceRepository] })
export class ReferenceModule {}
