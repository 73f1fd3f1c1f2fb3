import { Controller, Get, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DASHBOARD_ASSET_NAMES, DASHBOARD_CSP, type DashboardAsset, DashboardAssets } from './dashboard-assets';

/**
 * The built-in dashboard: a static page and its assets, unauthenticated because they hold no data.
 * The page asks for a credential and sends it with each /v1/analytics/* request it makes.
 */
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly assets: DashboardAssets) {}

  @Get()
  page(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): string {
    reply.header('content-security-policy', DASHBOARD_CSP).header('referrer-policy', 'no-referrer');
    return send(reply, this.assets.page, 'no-cache', ifNoneMatch);
  }

  @Get(':asset')
  asset(@Param('asset') name: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): string {
    const asset = this.assets.asset(name);
    if (!asset) throw new NotFoundException(`No dashboard asset "${name.slice(0, 50)}": one of ${DASHBOARD_ASSET_NAMES.join(', ')}`);
    // The page links assets with a version of their content, so a cached copy is never stale.
    return send(reply, asset, 'public, max-age=31536000, immutable', ifNoneMatch);
  }
}

function send(reply: FastifyReply, asset: DashboardAsset, cacheControl: string, ifNoneMatch: string | undefined): string {
  reply.header('content-type', asset.contentType).header('cache-control', cacheControl).header('etag', asset.etag).header('x-content-type-options', 'nosniff');
  if (ifNoneMatch === asset.etag) {
    reply.status(304);
    return '';
  }
  return asset.body;
}
