import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { emulatorTopology, RunningEmulator, startEmulator } from '@comply/servicebus-emulator';

/**
 * A private Service Bus for one test suite: the emulator on a free loopback port with the
 * platform's topology. Stop it in afterAll.
 */
export function startTestServiceBus(): Promise<RunningEmulator> {
  return startEmulator({ host: '127.0.0.1', port: 0, topology: emulatorTopology(PLATFORM_TOPOLOGY) });
}
