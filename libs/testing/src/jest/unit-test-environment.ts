import NodeEnvironment from 'jest-environment-node';
import { forbidNetwork } from './network-guard';

export const UNIT_SPEC_NETWORK_ERROR = 'unit specs (*.spec.ts) must not use the network: rename to *.int.spec.ts';

/**
 * The unit tier's test environment (tools/jest/test-tiers.ts): Node's, with the network forbidden
 * while a spec file runs, from its imports to its last afterAll. The guard patches Node's shared
 * socket classes, so teardown lifts it: the same jest worker goes on to run int specs.
 */
export default class UnitTestEnvironment extends NodeEnvironment {
  private allowNetwork: (() => void) | undefined;

  override async setup(): Promise<void> {
    await super.setup();
    this.allowNetwork = forbidNetwork(UNIT_SPEC_NETWORK_ERROR);
  }

  override async teardown(): Promise<void> {
    this.allowNetwork?.();
    this.allowNetwork = undefined;
    await super.teardown();
  }
}
