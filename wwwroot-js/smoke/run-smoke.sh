#!/bin/sh
# Real-Chromium smoke test of the player, inside a private network namespace (Chromium gathers no ICE candidates on
# loopback; see /work/shared/TESTING.md). Needs root for unshare. Usage: sh wwwroot-js/smoke/run-smoke.sh
set -e
dir=$(cd "$(dirname "$0")" && pwd)
exec unshare -n sh -c "
  ip link set lo up
  ip link add cs0 type veth peer name cs1
  ip addr add 10.213.0.1/24 dev cs0; ip addr add 10.213.0.2/24 dev cs1
  ip link set cs0 up; ip link set cs1 up
  ip route add default via 10.213.0.2 dev cs0
  node '$dir/run.mjs'
"
