import { serviceNamed } from '@comply/config';
import { statusTable } from './status-table';
import type { ServiceProcess } from './service-process';

const stop = async () => undefined;

describe('statusTable', () => {
  it('lists the services, then where PostgreSQL, Service Bus and blob storage are', () => {
    const service = { service: serviceNamed('backup-worker'), url: 'http://127.0.0.1:3005', logFile: '/w/.data/logs/backup-worker.log' } as ServiceProcess;
    const text = statusTable(
      {
        services: [service],
        postgres: { adminUrl: 'postgres://postgres@127.0.0.1:54329/postgres', description: 'embedded PostgreSQL 127.0.0.1:54329 (/w/.data/postgres)', stop },
        serviceBus: { connectionString: 'x', printableConnectionString: 'x', description: 'emulator 127.0.0.1:5673 (durable, .data/servicebus, 6 topics)', stop },
        blobStorage: { serviceEnv: {}, printableConnectionString: undefined, description: 'Azurite 127.0.0.1:10000 (/w/.data/azurite)', stop },
      },
      '/w',
    );
    expect(text).toBe(
      [
        'service        url                    database  log',
        '-------------  ---------------------  --------  ----------------------------',
        'backup-worker  http://127.0.0.1:3005  backup    .data/logs/backup-worker.log',
        '',
        'infrastructure  where',
        '--------------  -------------------------------------------------------------',
        'PostgreSQL      embedded PostgreSQL 127.0.0.1:54329 (/w/.data/postgres)',
        'Service Bus     emulator 127.0.0.1:5673 (durable, .data/servicebus, 6 topics)',
        'Blob storage    Azurite 127.0.0.1:10000 (/w/.data/azurite)',
      ].join('\n'),
    );
  });
});
