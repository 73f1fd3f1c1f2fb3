import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { EMULATOR_CONNECTION_STRING, messagingSettings } from './service-settings';

const production = { NODE_ENV: 'production' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(messagingSettings(), env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.variable);
  }
}

describe('Service Bus in production', () => {
  it('refuses the default connection string, which addresses the local emulator', () => {
    let error: unknown;
    try {
      loadConfig(messagingSettings(), production);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('SERVICEBUS_CONNECTION_STRING: addresses the local Service Bus emulator');
    expect((error as ConfigError).message).not.toContain(EMULATOR_CONNECTION_STRING);
  });

  it('refuses any connection string with UseDevelopmentEmulator=true', () => {
    const emulator = 'Endpoint=sb://bus.internal:5672;SharedAccessKeyName=k;SharedAccessKey=v; usedevelopmentemulator = TRUE';
    expect(problemsOf({ ...production, SERVICEBUS_CONNECTION_STRING: emulator })).toEqual(['SERVICEBUS_CONNECTION_STRING']);
  });

  it("accepts a namespace's connection string, or Entra ID through SERVICEBUS_NAMESPACE", () => {
    const namespace = 'Endpoint=sb://comply.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=abc=';
    expect(problemsOf({ ...production, SERVICEBUS_CONNECTION_STRING: namespace })).toEqual([]);
    expect(problemsOf({ ...production, SERVICEBUS_NAMESPACE: 'comply.servicebus.windows.net' })).toEqual([]);
  });

  it('keeps the emulator as the local default outside production', () => {
    expect(loadConfig(messagingSettings(), {}).SERVICEBUS_CONNECTION_STRING).toBe(EMULATOR_CONNECTION_STRING);
  });
});
