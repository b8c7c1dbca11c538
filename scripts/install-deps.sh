#!/usr/bin/env bash
# Installs the Debian packages CamStudio needs. Idempotent: only missing packages are installed.
#   install-deps.sh app    -> what running the app needs (FFmpeg)
#   install-deps.sh test   -> everything the test suite needs (FFmpeg, PostgreSQL, Chromium,
#                             the GStreamer RTSP test camera, iproute2 for the network namespace)
set -euo pipefail
profile="${1:-app}"
pkgs=(ffmpeg)
if [[ "$profile" == "test" || "$profile" == "bench" ]]; then
  pkgs+=(postgresql chromium iproute2 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp
         gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
         gstreamer1.0-tools gstreamer1.0-x)
fi
if [[ "$profile" == "bench" ]]; then
  pkgs+=(janus)
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
