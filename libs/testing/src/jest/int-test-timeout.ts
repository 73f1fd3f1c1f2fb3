// A guard against hangs, not a speed limit: on a loaded machine, starting or closing a service
// with its broker links (in a hook) can take longer than jest's default 5 s. A test or hook that
// passes its own timeout keeps it. (`testTimeout` in a project's config is ignored by jest.)
jest.setTimeout(30_000);
