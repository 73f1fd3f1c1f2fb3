import { Module } from '@nestjs/common';
import { DashboardAssets } from './dashboard-assets';
import { DashboardController } from './dashboard.controller';

/** GET /dashboard: a page that draws the /v1/analytics/* reports, served with its assets (no CDN). */
@Module({ controllers: [DashboardController], providers: [DashboardAssets] })
export class DashboardModule {}
