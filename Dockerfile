# syntax=docker/dockerfile:1
# One image per service of the platform:
#   docker build --build-arg SERVICE=core-store -t comply/core-store .
# (SERVICE: core-store, billing, analytics-ingest, audit-writer or backup-worker). Every image also
# holds the migration runner:
#   docker run <image>                        starts the service (HOST=0.0.0.0, PORT=8080)
#   docker run -e DATABASE_URL=… <image> migrate [<database>...]
# What goes in is tools/service-build's output: one bundle, the few packages it cannot bundle, the
# SQL migrations. No TypeScript, no dev dependencies, no npm in the final stage.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json ./
# esbuild and swc come as platform packages, so no install script needs to run.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "missing --build-arg SERVICE=<service>" >&2; exit 1; }
RUN npx nx run-many -t build --projects="${SERVICE},db-migrate" --outputStyle=static

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
RUN groupadd --system --gid 10001 comply \
 && useradd --system --uid 10001 --gid comply --home-dir /app --no-create-home --shell /usr/sbin/nologin comply
WORKDIR /app
# dist/<service>/: main.js, node_modules/ (its externals only), migrations/, package.json.
COPY --from=build /src/dist/${SERVICE}/ /app/
COPY --from=build /src/dist/db-migrate/main.js /app/migrate/
COPY tools/service-build/container/entrypoint.sh /app/entrypoint.sh
# The only writable folder: local key files of the development stand-ins (LOCAL_KEK_FILE and
# AUDIT_SIGNING_KEY_FILE default to .data/), which NODE_ENV=production refuses anyway.
RUN mkdir /app/.data && chown comply:comply /app/.data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 MIGRATIONS_DIR=/app/migrations
LABEL org.opencontainers.image.title="comply/${SERVICE}"
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/bin/sh", "/app/entrypoint.sh"]
