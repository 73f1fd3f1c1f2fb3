import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The page's policy: its own scripts, styles and API only; nothing inline, nothing from elsewhere. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface DashboardAsset {
  body: string;
  contentType: string;
  /** Strong validator of the body, quoted as an ETag. */
  etag: string;
}

const PUBLIC_DIR = join(__dirname, 'public');

/** The files the page links, by the name they are served under (`/dashboard/<name>`). */
const ASSET_FILES: Record<string, { path: () => string; contentType: string }> = {
  'dashboard.js': { path: () => join(PUBLIC_DIR, 'dashboard.js'), contentType: 'text/javascript; charset=utf-8' },
  'dashboard.css': { path: () => join(PUBLIC_DIR, 'dashboard.css'), contentType: 'text/css; charset=utf-8' },
  'uplot.js': { path: () => require.resolve('uplot/dist/uPlot.iife.min.js'), contentType: 'text/javascript; charset=utf-8' },
  'uplot.css': { path: () => require.resolve('uplot/dist/uPlot.min.css'), contentType: 'text/css; charset=utf-8' },
};

export const DASHBOARD_ASSET_NAMES = Object.keys(ASSET_FILES);

function assetOf(body: string, contentType: string): DashboardAsset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/**
 * The dashboard's files, read once at start (a missing file fails the start, not a request). The
 * page links each asset with its ETag as a version, so assets can be cached for good and the page,
 * revalidated on every load, picks up new ones.
 */
@Injectable()
export class DashboardAssets {
  readonly page: DashboardAsset;
  private readonly assets = new Map<string, DashboardAsset>();

  constructor() {
    for (const [name, file] of Object.entries(ASSET_FILES)) this.assets.set(name, assetOf(readFileSync(file.path(), 'utf8'), file.contentType));
    const html = readFileSync(join(PUBLIC_DIR, 'dashboard.html'), 'utf8').replace(/\{\{([\w.]+)\}\}/g, (placeholder, name: string) => {
      const asset = this.assets.get(name);
      if (!asset) throw new Error(`dashboard.html links an unknown asset ${placeholder}`);
      return `/dashboard/${name}?v=${asset.etag.slice(1, 13)}`;
    });
    this.page = assetOf(html, 'text/html; charset=utf-8');
  }

  asset(name: string): DashboardAsset | undefined {
    return this.assets.get(name);
  }
}
