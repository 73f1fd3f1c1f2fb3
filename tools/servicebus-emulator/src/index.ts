export { startEmulator, emulatorConnectionString, DEFAULT_EMULATOR_PORT } from './start-emulator';
export type { StartEmulatorOptions, RunningEmulator } from './start-emulator';
export { loadTopologyFile } from './topology';
export type {
  EmulatorTopology,
  QueueDefinition,
  TopicDefinition,
  SubscriptionDefinition,
  RuleDefinition,
  CorrelationFilterDefinition,
  EntitySettings,
  SendSettings,
} from './topology';
