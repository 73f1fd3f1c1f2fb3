import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '@comply/config';
import { workspaceRoot } from '@comply/testing';
import { CALLER_KINDS } from './caller-kinds';
import { challengesMissing, distinguishable, Exchange, failures, leaks, planOf, renderMatrix, runMatrix, wrongStatuses } from './isolation-matrix';
import { documentedScopes, fetchOperations, Operation, operationName } from './openapi-operations';
import { arrangeTenants, RunningPlatform, startPlatform, TenantFixture } from './platform-fixture';
import { leakedMarkers } from './tenant-leak-scan';

const MATRIX_FILE = join(workspaceRoot(__dirname), '.artifacts', 'isolation-matrix.md');

// One platform serves the whole matrix: starting five services takes most of a minute, and the
// matrix is a sequence whose order matters (reads, writes, deletions, erasure).
describe('isolation matrix: every documented operation of every service × every kind of caller', () => {
  let platform: RunningPlatform | undefined;
  let fixture: TenantFixture;
  let operations: Operation[];
  let exchanges: Exchange[];

  beforeAll(async () => {
    platform = await startPlatform();
    const documents = await Promise.all(SERVICES.map((service) => fetchOperations(service.name, platform!.urls[service.name])));
    operations = documents.flat();
    fixture = await arrangeTenants(platform, documentedScopes(operations));
    exchanges = await runMatrix(planOf(operations), { urls: platform.urls, keys: fixture.keys, ids: fixture.ids });
    mkdirSync(join(MATRIX_FILE, '..'), { recursive: true });
    writeFileSync(MATRIX_FILE, renderMatrix(exchanges, operations));
    console.log(`Isolation matrix: ${operations.length} operations × ${CALLER_KINDS.length} caller kinds, ${exchanges.length} requests: ${MATRIX_FILE}`);
  }, 900_000);

  afterAll(() => platform?.stop(), 120_000);

  it('reads every service\'s OpenAPI document and calls every operation in it with every caller kind', () => {
    expect(new Set(operations.map((operation) => operation.service))).toEqual(new Set(SERVICES.map((service) => service.name)));
    const missing = operations.flatMap((operation) =>
      CALLER_KINDS.filter((caller) => caller !== 'owner-key')
        .filter((caller) => !exchanges.some((exchange) => exchange.operation === operation && exchange.caller === caller))
        .map((caller) => `${operationName(operation)} · ${caller}`),
    );
    expect(missing).toEqual([]);
  });

  it('answers each caller the status the document (or, where it is silent, the guard) gives', () => {
    expect(wrongStatuses(exchanges)).toEqual([]);
  });

  it('never fails with a 5xx', () => {
    expect(failures(exchanges, platform!.outputOf)).toEqual([]);
  });

  it('challenges every 401 with WWW-Authenticate: Bearer', () => {
    expect(challengesMissing(exchanges)).toEqual([]);
  });

  it("shows tenant B's ids, keys and data to nobody but B and the operator", () => {
    expect(leaks(exchanges, fixture.markersOfB)).toEqual([]);
    // The scan is not blind: it finds B's marker where B reads its own record.
    const recordOfB = exchanges.find((e) => e.caller === 'owner-key' && e.operation.service === 'core-store' && e.operation.path === '/v1/records/{id}');
    expect(leakedMarkers(recordOfB!, fixture.markersOfB, [])).toContain("B's marker (record and tenant name)");
  });

  it("answers a caller naming B's things exactly as if they did not exist", () => {
    const namingB = exchanges.filter((exchange) => exchange.caller === 'tenant-key' && exchange.target === 'B');
    expect(new Set(namingB.map((exchange) => exchange.operation.service)).size).toBeGreaterThanOrEqual(3);
    expect(distinguishable(exchanges)).toEqual([]);
  });

  it("proves B's ids real: B's key on B's things is answered as A's key on A's things", () => {
    const ownerReads = exchanges.filter((exchange) => exchange.caller === 'owner-key' && exchange.operation.security.apiKey);
    expect(ownerReads.length).toBeGreaterThan(0);
    const asymmetric = ownerReads.flatMap((owner) => {
      const own = exchanges.find((exchange) => exchange.operation === owner.operation && exchange.caller === 'tenant-key' && exchange.target === 'A');
      return own?.status === owner.status ? [] : [`${operationName(owner.operation)}: B on B ${owner.status}, A on A ${own?.status}`];
    });
    expect(asymmetric).toEqual([]);
    const recordOfB = ownerReads.find((exchange) => exchange.operation.service === 'core-store' && exchange.operation.path === '/v1/records/{id}');
    expect(recordOfB?.status).toBe(200);
    expect(recordOfB?.body).toContain(fixture.markerOfB);
  });

  it('leaves tenant B as it was: its record readable, its key valid on every service', async () => {
    const owner = { authorization: `Bearer ${fixture.keys.owner.key}` };
    const record = await fetch(`${platform!.urls['core-store']}/v1/records/${fixture.ids.B.record}`, { headers: owner });
    expect(record.status).toBe(200);
    expect(await record.text()).toContain(fixture.markerOfB);
    for (const service of SERVICES) {
      const whoami = await fetch(`${platform!.urls[service.name]}/v1/whoami`, { headers: owner });
      expect({ service: service.name, status: whoami.status }).toEqual({ service: service.name, status: 200 });
    }
  });
});
