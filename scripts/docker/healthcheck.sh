#!/bin/bash
# Container health check without curl or wget in the image: GET a health path (default
# /health/ready) on the port of $Urls (default 8080) and succeed on HTTP 200.
# Usage: healthcheck [PATH]
set -uo pipefail

path=${1:-/health/ready}
urls=${Urls:-http://0.0.0.0:8080}
port=${urls%%;*}
port=${port##*:}
port=${port%/}
[[ $port =~ ^[0-9]+$ ]] || { echo "healthcheck: no port in Urls='$urls'" >&2; exit 1; }

exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS=' ' read -r -t 5 _ status _ <&3 || { echo "healthcheck: no answer on port $port" >&2; exit 1; }
[[ $status == 200 ]] || { echo "healthcheck: $path answered $status" >&2; exit 1; }
