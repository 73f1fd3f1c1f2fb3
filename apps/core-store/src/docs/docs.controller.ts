import { Controller, Get, Header } from '@nestjs/common';
import { coreStoreOpenApi } from '@comply/contracts';
import { DOCS_PAGE, DOCS_PAGE_POLICY } from './docs-page';

/** Unauthenticated: the document describes the API, it holds no tenant data. */
@Controller('docs')
export class DocsController {
  private readonly document = coreStoreOpenApi();

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
