#!/usr/bin/env bash
# Makes sure a headless Chromium exists for the page tests (playwright-core launches it by path;
# no browser build is downloaded). Uses CHROMIUM_PATH if set, else Debian's chromium, installing it
# with apt-get when running as root. Prints the executable's path on success.
set -euo pipefail

default_path=/usr/bin/chromium
path="${CHROMIUM_PATH:-$default_path}"

if [[ -x "$path" ]]; then
  echo "$path"
  exit 0
fi

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi

if [[ "$(id -u)" != 0 ]]; then
  echo "ensure-chromium: $default_path is missing and this user cannot install it;" \
    "run 'apt-get install -y chromium' as root, or set CHROMIUM_PATH to a Chromium executable" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: $default_path is missing and there is no apt-get to install it;" \
    "install Chromium and set CHROMIUM_PATH to its executable" >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

if [[ ! -x "$default_path" ]]; then
  echo "ensure-chromium: apt-get installed chromium but $default_path is not there" >&2
  exit 1
fi
echo "$default_path"
