import { join } from 'node:path';
import { SERVICE_NAMES } from '@comply/config';
import { subscriptionsOf } from '@comply/contracts';
import { workspaceRoot } from '@comply/local-infra';
import { handledSubjects } from './subscription-handlers';

const root = workspaceRoot(__dirname);
// Every service but core-store (which owns the directory) replicates it with this library's handlers.
const directorySubjects = handledSubjects(join(root, 'libs', 'tenant-directory', 'src'));

describe('subscriptions and handlers', () => {
  it.each(SERVICE_NAMES)('%s has a handler for every subject it subscribes to, and subscribes to every subject it handles', (service) => {
    const own = handledSubjects(join(root, 'apps', service, 'src'));
    const handled = new Set([...own, ...directorySubjects]);
    const subscribed = subscriptionsOf(service).flatMap((subscription) => subscription.subjects.map((subject) => ({ topic: subscription.topic, subject })));
    // A subject without a handler is dead-lettered as NoHandler, message after message.
    expect(subscribed.filter(({ subject }) => !handled.has(subject))).toEqual([]);
    expect([...own].filter((subject) => !subscribed.some((s) => s.subject === subject))).toEqual([]);
  });
});
