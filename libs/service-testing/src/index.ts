/**
 * One service started in-process on real infrastructure, for that service's int and e2e tests:
 * its own scratch database, optionally a private Service Bus emulator, and the calls tests make.
 */
export { startServiceTestApp, type HttpResult, type OutboxRow, type RequestOptions, type ServiceTestApp, type ServiceTestAppOptions } from './service-test-app';
export { settingsDocumentation } from './settings-documentation';
export { askWithHostileQueries, HOSTILE_QUERY_VALUES, type HostileQueryOutcome, type HostileQueryRoute } from './hostile-queries';
export { routeDocumentation, type OpenApiPaths, type RouteDocumentation } from './route-documentation';
