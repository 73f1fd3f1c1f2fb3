import { Body, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  backupListQuery,
  backupRunParams,
  backupRunRequest,
  type BackupRun,
  type BackupRunList,
  type BackupRunStarted,
  type BackupVerification,
  type BackupVerificationList,
} from '@comply/contracts';
import { DATABASE_CLIENT, validated } from '@comply/service-runtime';
import { ReaderGuard, RequestId } from '@comply/tenant-directory';
import { BackupCatalogRepository } from '../catalog/backup-catalog.repository';
import { backupRunView, verificationView } from '../catalog/catalog-views';
import { CatalogDatabase } from '../database/backup-database';
import { BackupRunRow } from '../database/schema';
import { RestoreDrill } from '../verification/restore-drill';
import { BackupRunner } from './backup-runner';
import { OperatorGuard } from './operator.guard';

/** The operator API: the catalog, a backup now, a restore drill now. */
@Controller('v1/backups')
@UseGuards(ReaderGuard, OperatorGuard)
export class BackupsController {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CatalogDatabase,
    private readonly catalog: BackupCatalogRepository,
    private readonly runner: BackupRunner,
    private readonly drill: RestoreDrill,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<BackupRunList> {
    const filter = validated(backupListQuery, query, 'query');
    return this.database.db.transaction(async (tx) => {
      const runs = await this.catalog.runs(tx, filter);
      const verifications = await this.catalog.latestVerifications(tx, runs.map((run) => run.id));
      return { backups: runs.map((run) => backupRunView(run, verifications.get(run.id))) };
    });
  }

  @Post()
  @HttpCode(202)
  async start(@Body() body: unknown, @RequestId() requestId: string): Promise<BackupRunStarted> {
    const { database } = validated(backupRunRequest, body, 'body');
    const started = await this.runner.start(database, { trigger: 'operator', requestId });
    if (!started) throw new ConflictException(`A backup of ${database} is in progress`);
    // Its outcome is recorded and logged by the runner; the caller follows it with GET /v1/backups/:id.
    started.done.catch(() => undefined);
    return { id: started.run.id, database, status: 'running' };
  }

  @Get(':id')
  async get(@Param() params: Record<string, unknown>): Promise<BackupRun> {
    const { id } = validated(backupRunParams, params, 'params');
    const run = await this.existing(id);
    const verifications = await this.database.db.transaction((tx) => this.catalog.latestVerifications(tx, [id]));
    return backupRunView(run, verifications.get(id));
  }

  @Post(':id/verify')
  @HttpCode(200)
  async verify(@Param() params: Record<string, unknown>, @RequestId() requestId: string): Promise<BackupVerification> {
    const { id } = validated(backupRunParams, params, 'params');
    const run = await this.existing(id);
    if (run.status !== 'completed') throw new ConflictException(`Backup ${id} is ${run.status}; only a completed backup can be verified`);
    return verificationView(await this.drill.verify(run, requestId));
  }

  @Get(':id/verifications')
  async verifications(@Param() params: Record<string, unknown>): Promise<BackupVerificationList> {
    const { id } = validated(backupRunParams, params, 'params');
    await this.existing(id);
    const rows = await this.database.db.transaction((tx) => this.catalog.verifications(tx, id));
    return { verifications: rows.map(verificationView) };
  }

  private async existing(id: string): Promise<BackupRunRow> {
    const run = await this.database.db.transaction((tx) => this.catalog.run(tx, id));
    if (!run) throw new NotFoundException(`No backup run ${id}`);
    return run;
  }
}
