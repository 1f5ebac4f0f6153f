#!/bin/bash
# Container entrypoint of every platform image: runs the one published app in $APP_DIR with the
# container's arguments (`--migrate-only` for the migration job).
#
# bash, not sh: dash (/bin/sh on Debian and Ubuntu) silently drops environment variables whose
# names hold '-', such as ReverseProxy__Clusters__connector-stripe__Destinations__primary__Address.
set -euo pipefail

app_dir=${APP_DIR:-/app}
shopt -s nullglob
configs=("$app_dir"/*.runtimeconfig.json)
if ((${#configs[@]} != 1)); then
    echo "platform-entrypoint: expected one *.runtimeconfig.json in $app_dir, found ${#configs[@]}" >&2
    exit 1
fi
# The content root (appsettings.json) is the working directory.
cd "$app_dir"
exec dotnet "${configs[0]%.runtimeconfig.json}.dll" "$@"
