#!/usr/bin/env bash
# Makes sure the Go toolchain and the libraries tools/helm-render builds against exist (Debian's
# golang-go, sprig v3 and yaml.v3, used in GOPATH mode from /usr/share/gocode, so nothing is
# downloaded by go itself). Installs them with apt-get when running as root. Quiet on success;
# prints the go executable's path.
set -euo pipefail

gocode=/usr/share/gocode/src
packages=(golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev)

present() {
  command -v go >/dev/null &&
    [[ -d "$gocode/github.com/Masterminds/sprig/v3" || -d "$gocode/github.com/Masterminds/sprig" ]] &&
    [[ -d "$gocode/gopkg.in/yaml.v3" ]]
}

if present; then
  command -v go
  exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
  echo "ensure-go: Go or its libraries are missing and this user cannot install them;" \
    "run 'apt-get install -y ${packages[*]}' as root" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null; then
  echo "ensure-go: Go or its libraries are missing and there is no apt-get to install them;" \
    "install Go (1.19 or later) and put sprig v3 and gopkg.in/yaml.v3 under $gocode" >&2
  exit 1
fi

# Test workers may get here at once on a fresh machine: one installs, the others wait and see it done.
exec 9>/var/lock/comply-ensure-go.lock
flock 9
if present; then
  command -v go
  exit 0
fi

echo "ensure-go: installing ${packages[*]}" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "ensure-go: apt-get could not install ${packages[*]}" >&2
  exit 1
fi

if ! present; then
  echo "ensure-go: apt-get installed ${packages[*]} but go or the libraries under $gocode are still missing" >&2
  exit 1
fi
command -v go
