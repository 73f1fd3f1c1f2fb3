import { Injectable } from '@nestjs/common';
import { BlobStore } from '@comply/blob-storage';
import type { BackupDatabase } from '@comply/contracts';
import type { Readable } from 'node:stream';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import { BackupFailure } from './backup-failure';

const BACKUP_SUFFIX = '.cbk';
const MANIFEST_SUFFIX = '.manifest.json';

/** `backups/<database>/<yyyy>/<mm>/<dd>/<run id>.cbk`, dated by the run's start (UTC). */
export function backupBlobName(database: BackupDatabase, runId: string, startedAt: Date): string {
  const [yyyy, mm, dd] = startedAt.toISOString().slice(0, 10).split('-');
  return `backups/${database}/${yyyy}/${mm}/${dd}/${runId}${BACKUP_SUFFIX}`;
}

/** The manifest beside a backup blob: `<run id>.manifest.json`. */
export function manifestBlobName(backupBlob: string): string {
  return `${backupBlob.endsWith(BACKUP_SUFFIX) ? backupBlob.slice(0, -BACKUP_SUFFIX.length) : backupBlob}${MANIFEST_SUFFIX}`;
}

/** Backups and their manifests in the service's container, create-only: a name is written once. */
@Injectable()
export class BackupBlobs {
  constructor(private readonly blobs: BlobStore) {}

  get container(): string {
    return this.blobs.containerName;
  }

  /** Streams the ciphertext into `name`; a blob already there is left alone and the run fails. */
  async upload(name: string, ciphertext: Readable): Promise<void> {
    const { created } = await this.blobs.uploadStreamIfAbsent(name, ciphertext, 'application/octet-stream');
    if (!created) throw new BackupFailure('BlobExists', `blob ${name} already exists in container ${this.container}; it was left as it is`);
  }

  /** The manifest as JSON beside the backup; one already there must be byte for byte this one. */
  async writeManifest(backupBlob: string, manifest: SnapshotManifest): Promise<void> {
    const name = manifestBlobName(backupBlob);
    const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const { created } = await this.blobs.putIfAbsent(name, body, 'application/json');
    if (!created && !(await this.blobs.get(name))?.equals(body)) {
      throw new BackupFailure('ManifestWriteFailed', `blob ${name} already exists with another manifest; it was left as it is`);
    }
  }

  /** The backup's bytes; undefined when the blob is gone. */
  open(name: string): Promise<Readable | undefined> {
    return this.blobs.getStream(name);
  }

  /** The manifest stored beside a backup; undefined when absent. */
  async manifest(backupBlob: string): Promise<SnapshotManifest | undefined> {
    const body = await this.blobs.get(manifestBlobName(backupBlob));
    return body ? (JSON.parse(body.toString('utf8')) as SnapshotManifest) : undefined;
  }

  /** Removes a backup and its manifest (retention, past the immutability window); idempotent. */
  async remove(backupBlob: string): Promise<void> {
    await this.blobs.deleteIfExists(manifestBlobName(backupBlob));
    await this.blobs.deleteIfExists(backupBlob);
  }
}
