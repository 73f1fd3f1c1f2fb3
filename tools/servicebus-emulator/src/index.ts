export { startEmulator, emulatorConnectionString, DEFAULT_EMULATOR_PORT } from './start-emulator';
export type { StartEmulatorOptions, RunningEmulator } from './start-emulator';
export type { Clock, TimerHandle } from './broker/clock';
export { ManualClock } from './testing/manual-clock';
export { ShiftedClock } from './testing/shifted-clock';
export { startEmulatorProcess, type EmulatorProcess, type EmulatorProcessOptions } from './emulator-process';
export { emulatorTopology } from './platform-topology';
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
