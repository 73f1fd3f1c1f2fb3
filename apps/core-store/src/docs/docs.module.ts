import { Module } from '@nestjs/common';
import { DocsController } from './docs.controller';

/** The API reference: the OpenAPI document generated from the contracts, and a page that reads it. */
@Module({ controllers: [DocsController] })
export class DocsModule {}
