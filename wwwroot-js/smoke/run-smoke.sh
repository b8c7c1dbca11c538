#!/bin/sh
# Real-Chromium smoke test of the player, inside a private network namespace (Chromium gathers no ICE candidates on
# loopback; see ../shared/TESTING.md). Needs root for unshare. Usage: sh wwwroot-js/smoke/run-smoke.sh
set -e
dir=$(cd "$(dirname "$0")" && pwd)
exec unshare -n "$dir/../../scripts/netns-run.sh" node "$dir/run.mjs"
