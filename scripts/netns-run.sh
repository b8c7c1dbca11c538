#!/usr/bin/env bash
# Runs a command inside the private network namespace the WebRTC tests need. Start it as
#   unshare -n scripts/netns-run.sh <command...>
# (root). Chromium gathers no ICE candidates on loopback alone, and on the host network it would use the
# machine's real address, which tests must never send to. Inside a fresh namespace a veth pair gives an
# ordinary-looking address, 10.213.0.1, that no packet can leave. The interfaces are deliberately not called
# veth*/tap*/tun*: some WebRTC stacks skip those.
set -euo pipefail
if (($# == 0)); then
  echo "usage: unshare -n $0 <command...>" >&2
  exit 2
fi
if ip -o addr show 2>/dev/null | grep -q ' 10\.213\.0\.1/'; then
  # Already set up (nested call): just run.
  exec "$@"
fi
if ip -o link show | grep -vq ': lo:'; then
  echo "netns-run.sh: refusing to configure a namespace that has interfaces besides lo (run it via 'unshare -n')" >&2
  exit 2
fi
ip link set lo up
ip link add cs0 type veth peer name cs1
ip addr add 10.213.0.1/24 dev cs0
ip addr add 10.213.0.2/24 dev cs1
ip link set cs0 up
ip link set cs1 up
ip route add default via 10.213.0.2 dev cs0
exec "$@"
