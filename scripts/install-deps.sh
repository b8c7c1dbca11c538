#!/usr/bin/env bash
# Installs the Debian packages CamStudio needs. Idempotent: only missing packages are installed.
#   install-deps.sh app    -> what running the app needs (FFmpeg)
#   install-deps.sh test   -> everything the test suite needs (FFmpeg, PostgreSQL, Chromium,
#                             the GStreamer RTSP test camera, iproute2 for the network namespace, coturn as the
#                             TURN relay of the relay tests and caddy as the TLS reverse proxy of the proxy tests —
#                             both started by the tests themselves, never as services, and nftables, the packet
#                             filter of the HLS fallback tests, used only inside the tests' own namespace, and
#                             redis-server, the cluster tests' Redis, also started by the tests (the system service
#                             Debian enables on install is stopped and disabled again))
#   install-deps.sh bench  -> test + Janus (the benchmark's reference WebRTC relay)
#   install-deps.sh arm64  -> test + running the Raspberry Pi (linux-arm64) build on x86-64: qemu-user-static and the
#                             arm64 runtime libraries through multiarch (dpkg --add-architecture arm64)
set -euo pipefail
profile="${1:-app}"
pkgs=(ffmpeg)
if [[ "$profile" == "test" || "$profile" == "bench" || "$profile" == "arm64" ]]; then
  pkgs+=(postgresql chromium iproute2 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp
         gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
         gstreamer1.0-tools gstreamer1.0-x coturn caddy nftables redis-server)
fi
if [[ "$profile" == "bench" ]]; then
  pkgs+=(janus)
fi
if [[ "$profile" == "arm64" ]]; then
  pkgs+=(qemu-user-static libc6:arm64 libstdc++6:arm64 libicu72:arm64 libssl3:arm64 zlib1g:arm64)
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    # apt-get update below (only run when something is missing) then fetches the arm64 package lists.
    if [[ $(id -u) -ne 0 ]]; then sudo dpkg --add-architecture arm64; else dpkg --add-architecture arm64; fi
  fi
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "Installing: ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [[ " ${missing[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  # The tests start their own redis-server per fixture on a spare loopback port; a system Redis on 6379 is not needed.
  $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
