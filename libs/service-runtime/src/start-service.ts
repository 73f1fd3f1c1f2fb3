import { Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SettingsSpec } from '@comply/config';
import { ExceptionPassthroughFilter } from '@comply/messaging';
import { NestPinoLogger, setServiceIdentity } from '@comply/observability';
import { HttpErrorFilter } from './http/http-error.filter';
import { instrumentHttp, requestIdFor } from './http/http-instrumentation';
import { refuseInvalidUtf8Bodies } from './http/utf8-body';
import { PlatformModule } from './platform.module';
import { CommonServiceConfig } from './service-config';
import { createServiceRuntime, RuntimeOptions, ServiceRuntime } from './service-runtime';

export interface StartServiceOptions<E extends SettingsSpec> extends RuntimeOptions<E> {
  /** The app's root feature module. */
  module: Type<unknown>;
}

export interface RunningService {
  runtime: ServiceRuntime;
  app: NestFastifyApplication;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the pools. */
  close(): Promise<void>;
}

@Module({})
class ServiceRootModule {}

/** Builds and starts one service: configuration, logging, metrics, health, database, HTTP. */
export async function startService<E extends SettingsSpec>(options: StartServiceOptions<E>): Promise<RunningService> {
  const runtime = createServiceRuntime(options);
  setServiceIdentity(runtime.service.name);
  const { logger, metrics } = runtime;
  const config: CommonServiceConfig = runtime.config;
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: requestIdFor,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    bodyLimit: options.bodyLimit?.(runtime.config),
  });
  let closing: Promise<void> | undefined;
  instrumentHttp(adapter.getInstance(), metrics, () => closing !== undefined, runtime.service.name);
  refuseInvalidUtf8Bodies(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: ServiceRootModule, imports: [PlatformModule.forRuntime(runtime), options.module] },
    adapter,
    // rawBody: the Stripe webhook's signature is over the bytes, and refuseInvalidUtf8Bodies reads them.
    { logger: new NestPinoLogger(logger), rawBody: true },
  );
  app.useGlobalFilters(new HttpErrorFilter(logger));
  try {
    if (runtime.messaging) {
      // Deferred, so the filter is in place before Nest builds the handlers' exception zones; a
      // config of its own, so the filter (RPC only) does not reach the HTTP routes.
      const consumer = app.connectMicroservice({ strategy: runtime.messaging.transport }, { inheritAppConfig: false, deferInitialization: true });
      consumer.useGlobalFilters(new ExceptionPassthroughFilter());
      await app.startAllMicroservices();
      await runtime.messaging.relay.start();
    }
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  logger.info({ url, database: config.DB_NAME }, `${runtime.service.name} listening`);
  return {
    runtime,
    app,
    url,
    close: () => (closing ??= app.close()),
  };
}
