/**
 * The platform service this process runs, set once at start. Records made outside any HTTP
 * request (message handlers, periodic jobs) still say where they come from; audit events take
 * their `source.service` from it.
 */
let service: string | undefined;

export function setServiceIdentity(name: string | undefined): void {
  service = name;
}

export function serviceIdentity(): string | undefined {
  return service;
}
