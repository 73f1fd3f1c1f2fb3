#!/bin/sh
# Entrypoint of every service image (see the Dockerfile):
#   (no arguments)            start the service (/app/main.js)
#   migrate [<database>...]   run the migration runner (all five databases when none is named)
#   <command> [<arg>...]      run that command instead (e.g. node -e '…' to inspect the image)
# exec, so the program is PID 1 and receives SIGTERM itself.
set -e
app=$(dirname "$0")
case "${1:-}" in
  "") exec node "$app/main.js" ;;
  migrate)
    shift
    exec node "$app/migrate/main.js" "$@"
    ;;
  *) exec "$@" ;;
esac
