#!/usr/bin/env bash
# `npm test`'s pretest: what the tests need beyond npm, installed from Debian's packages when this
# machine lacks it and can install it (root with apt-get) — Chromium for the page tests, Go and
# sprig for the Helm chart's renderer. Never fails the run: where something cannot be installed,
# the tests that need it fail with the reason.
cd "$(dirname "$0")/.."
for script in tools/browser/ensure-chromium.sh tools/helm-render/ensure-go.sh; do
  bash "$script" >/dev/null || echo "test prerequisites: $script failed; the tests that need it will say what is missing" >&2
done
exit 0
