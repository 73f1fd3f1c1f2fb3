import { DynamicModule, Module } from '@nestjs/common';
import { DocsController, OPENAPI_DOCUMENT } from './docs.controller';

/** A service's API reference: `/docs/openapi.json` (generated from its contracts) and `/docs`, a page that reads it. */
@Module({})
export class DocsModule {
  static forDocument(document: () => Record<string, unknown>): DynamicModule {
    return { module: DocsModule, controllers: [DocsController], providers: [{ provide: OPENAPI_DOCUMENT, useFactory: document }] };
  }
}
