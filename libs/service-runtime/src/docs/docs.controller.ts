import { Controller, Get, Header, Inject } from '@nestjs/common';
import { DOCS_PAGE, DOCS_PAGE_POLICY } from './docs-page';

export const OPENAPI_DOCUMENT = Symbol('OpenApiDocument');

/** Unauthenticated: the document describes the API, it holds no tenant data. */
@Controller('docs')
export class DocsController {
  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: Record<string, unknown>) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', DOCS_PAGE_POLICY)
  page(): string {
    return DOCS_PAGE;
  }

  @Get('openapi.json')
  @Header('content-type', 'application/json; charset=utf-8')
  openApi(): Record<string, unknown> {
    return this.document;
  }
}
