import { ServiceBusClient } from '@azure/service-bus';
import { SERVICES, type ServiceName } from '@comply/config';
import { BACKUP_DATABASES, PLATFORM_TOPOLOGY } from '@comply/contracts';
import { queryOnce } from '@comply/testing';
import { documentedScopes, fetchOperations, operationName, type Operation } from '../isolation/openapi-operations';
import { arrangeTenants, startPlatform, type RunningPlatform, type TenantFixture } from '../isolation/platform-fixture';
import { busCasesOf, busFindings, harvestDeadLetters, sendAll, type BusCase, type DeadLetterHarvest } from './bus-fuzz';
import { FUZZ_CASES, FUZZ_SEED } from './fuzz-settings';
import { casesOf, fuzzable, fuzzOperation, httpFindings, type HttpExchange } from './http-fuzz';
import { authorizationFor } from './malformed-requests';
import { changedTables, settledCounts, type TableCounts } from './table-counts';

/** Only what the fuzz sends may write: no scheduled backups or drills, and refused keys audited within a second. */
const QUIET_PLATFORM: NodeJS.ProcessEnv = {
  ...Object.fromEntries(BACKUP_DATABASES.map((name) => [`BACKUP_INTERVAL_${name.toUpperCase()}_MS`, '0'])),
  BACKUP_VERIFY_INTERVAL_MS: '0',
  AUTH_FAILURE_AUDIT_INTERVAL_MS: '1000',
};

/** Services whose `/health/ready` is not 200 (or whose process has exited). */
async function unready(platform: RunningPlatform): Promise<string[]> {
  const answers = await Promise.all(
    SERVICES.map(async ({ name }) => {
      if (!platform.isRunning(name)) return `${name}: process exited\n${platform.outputOf(name)}`;
      const response = await fetch(`${platform.urls[name]}/health/ready`, { signal: AbortSignal.timeout(10_000) }).catch((error: Error) => ({ status: 0, text: async () => error.message }));
      return response.status === 200 ? '' : `${name}: /health/ready ${response.status} ${await response.text()}`;
    }),
  );
  return answers.filter(Boolean);
}

// One platform for the whole fuzz: starting five services takes most of a minute. FUZZ_CASES sets
// the cases per operation and per subject (bounded in `npm test`, 1,000 in `npm run test:fuzz`);
// PROPERTY_SEED what they are. A finding names its case's index under that seed.
describe(`fuzz: malformed input to every operation and every subscription (seed ${FUZZ_SEED}, ${FUZZ_CASES} cases each)`, () => {
  let platform: RunningPlatform | undefined;
  let fixture: TenantFixture;
  let operations: Operation[];
  let adminUrls: Record<string, string>;

  beforeAll(async () => {
    platform = await startPlatform(QUIET_PLATFORM);
    const documents = await Promise.all(SERVICES.map((service) => fetchOperations(service.name, platform!.urls[service.name])));
    operations = documents.flat();
    fixture = await arrangeTenants(platform, documentedScopes(operations));
    adminUrls = Object.fromEntries(Object.entries(platform.databases).map(([service, database]) => [service, database.adminUrl]));
  }, 600_000);

  afterAll(() => platform?.stop(), 120_000);

  describe('HTTP', () => {
    const exchanges: HttpExchange[] = [];
    const unreadyAfter: string[] = [];
    let before: TableCounts;
    let after: TableCounts;

    beforeAll(async () => {
      const started = Date.now();
      before = await settledCounts(adminUrls);
      for (const operation of operations.filter(fuzzable)) {
        const target = { baseUrl: platform!.urls[operation.service as ServiceName], tenantKey: fixture.keys.full.key, adminToken: fixture.keys.adminToken, ids: fixture.ids.A };
        const authorization = authorizationFor(operation, fixture.keys.full.key, fixture.keys.adminToken);
        // Generated one operation at a time: the emulator shares this process, and generating
        // every case first stalls it for minutes, until the services' receivers time out.
        const cases = casesOf(operation, fixture.ids.A, FUZZ_CASES, FUZZ_SEED);
        exchanges.push(...(await fuzzOperation(operation, cases, target, authorization)));
        unreadyAfter.push(...(await unready(platform!)).map((problem) => `after ${operationName(operation)}: ${problem}`));
      }
      after = await settledCounts(adminUrls);
      const statuses = exchanges.reduce<Record<number, number>>((count, { answer }) => ({ ...count, [answer.status]: (count[answer.status] ?? 0) + 1 }), {});
      console.log(
        `HTTP fuzz (PROPERTY_SEED=${FUZZ_SEED} FUZZ_CASES=${FUZZ_CASES}): ${operations.filter(fuzzable).length} operations, ${exchanges.length} requests in ${Math.round((Date.now() - started) / 1000)} s; statuses ${JSON.stringify(statuses)}`,
      );
    }, 3_600_000);

    it('sends every operation that takes a body or parameters at least FUZZ_CASES malformed inputs', () => {
      expect(new Set(operations.map((operation) => operation.service))).toEqual(new Set(SERVICES.map((service) => service.name)));
      const short = operations.filter(fuzzable).flatMap((operation) => {
        const sent = exchanges.filter((exchange) => exchange.operation === operation).length;
        return sent >= FUZZ_CASES ? [] : [`${operationName(operation)}: ${sent}`];
      });
      expect(short).toEqual([]);
    });

    it('answers every malformed input with the 4xx that says what is wrong: never a 2xx, never a 5xx', () => {
      expect(httpFindings(exchanges, platform!.outputOf)).toEqual([]);
    });

    it('stays up and ready after each operation', () => {
      expect(unreadyAfter).toEqual([]);
    });

    it('writes nothing for a refused request', () => {
      expect(changedTables(before, after)).toEqual([]);
    });
  });

  describe('Service Bus', () => {
    let cases: BusCase[];
    let harvest: DeadLetterHarvest;
    let before: TableCounts;
    let after: TableCounts;
    let client: ServiceBusClient;

    beforeAll(async () => {
      const started = Date.now();
      client = new ServiceBusClient(platform!.serviceBusConnectionString);
      cases = busCasesOf(PLATFORM_TOPOLOGY, FUZZ_CASES, FUZZ_SEED);
      before = await settledCounts(adminUrls);
      await sendAll(client, cases);
      harvest = await harvestDeadLetters(client, cases, { timeoutMs: 120_000 + cases.length * 100, quietMs: 30_000 });
      after = await settledCounts(adminUrls);
      const kinds = cases.reduce<Record<string, number>>((count, { message }) => ({ ...count, [message.kind]: (count[message.kind] ?? 0) + 1 }), {});
      console.log(
        [
          `Service Bus fuzz (PROPERTY_SEED=${FUZZ_SEED} FUZZ_CASES=${FUZZ_CASES}): ${cases.length} messages to ${new Set(cases.map((c) => c.topic)).size} topics in ${Math.round((Date.now() - started) / 1000)} s; kinds ${JSON.stringify(kinds)}`,
          `dead letters not the fuzzer's: ${JSON.stringify(harvest.others)}`,
          `fuzzed dead letters a peek did not show: ${harvest.missedByPeek.length}${harvest.missedByPeek.length ? ` (e.g. ${harvest.missedByPeek.slice(0, 5).join(', ')})` : ''}`,
        ].join('\n'),
      );
    }, 3_600_000);

    afterAll(() => client?.close());

    it('sends every subscription at least FUZZ_CASES malformed messages per subject', () => {
      const short = PLATFORM_TOPOLOGY.flatMap((topic) =>
        topic.subscriptions.flatMap((subscription) =>
          subscription.subjects.flatMap((subject) => {
            const sent = cases.filter((c) => c.topic === topic.name && c.message.subject === subject && c.subscriptions.includes(subscription.name)).length;
            return sent >= FUZZ_CASES ? [] : [`${topic.name}/${subscription.name} ${subject}: ${sent}`];
          }),
        ),
      );
      expect(short).toEqual([]);
    });

    it("dead-letters each one in every subscription it reaches, with the validation's reason and a description of the problem", () => {
      expect(busFindings(cases, harvest.deadLetters)).toEqual([]);
    });

    it('stays up and ready', async () => {
      expect(await unready(platform!)).toEqual([]);
    });

    it('writes nothing: no inbox row for a malformed message, no table changed', async () => {
      const inboxed = (
        await Promise.all(
          Object.entries(adminUrls).map(async ([service, url]) =>
            (await queryOnce<{ subscription: string; message_id: string }>(url, "select subscription, message_id from messaging_inbox where message_id like 'fuzz-%'"))
              .map((row) => `${service}: ${row.subscription} ${row.message_id}`),
          ),
        )
      ).flat();
      expect(inboxed).toEqual([]);
      expect(changedTables(before, after)).toEqual([]);
    });
  });
});
