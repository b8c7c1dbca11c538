#!/usr/bin/env bash
# Installs a published CamStudio build as a systemd service on Raspberry Pi OS / Debian (run as root):
#   sudo scripts/install-pi.sh [BUILD_DIR]            # default: artifacts/publish/linux-arm64 (or linux-x64 on x86-64)
#   sudo scripts/install-pi.sh --port 8080 [BUILD_DIR]
#   sudo scripts/install-pi.sh --uninstall             # removes service and binaries, KEEPS /var/lib/camstudio
#   sudo scripts/install-pi.sh --uninstall --purge     # ... and deletes the data (database + key ring) and the user
#   scripts/install-pi.sh --dry-run ...                # prints every step, changes nothing (no root needed)
# Steps: apt-get install ffmpeg; system user 'camstudio'; data dir /var/lib/camstudio (0700); build -> /opt/camstudio;
# deploy/camstudio.service -> /etc/systemd/system; /etc/default/camstudio (port); enable + start; print the URL.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
prefix=/opt/camstudio
data=/var/lib/camstudio
unit=/etc/systemd/system/camstudio.service
defaults=/etc/default/camstudio
user=camstudio
port=5080
dry_run=0 uninstall=0 purge=0 build=""

while (($# > 0)); do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --uninstall) uninstall=1 ;;
    --purge) purge=1 ;;
    --port) port="${2:?--port needs a number}"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "install-pi.sh: unknown option $1" >&2; exit 2 ;;
    *) build="$1" ;;
  esac
  shift
done
if ((purge && !uninstall)); then
  echo "install-pi.sh: --purge only goes with --uninstall" >&2; exit 2
fi
if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
  echo "install-pi.sh: --port must be 1-65535" >&2; exit 2
fi

# Every change goes through run: in --dry-run it is only printed.
run() {
  if ((dry_run)); then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}
say() { echo "install-pi.sh: $*" >&2; }

if ((!dry_run)) && [[ $(id -u) -ne 0 ]]; then
  say "run as root (sudo), or with --dry-run to see the steps"; exit 1
fi
have_systemd=1
if ! command -v systemctl >/dev/null 2>&1; then have_systemd=0; fi

if ((uninstall)); then
  if ((have_systemd || dry_run)); then
    run systemctl disable --now camstudio.service || true
  fi
  run rm -f "$unit"
  if ((have_systemd || dry_run)); then run systemctl daemon-reload; fi
  run rm -rf "$prefix"
  if ((purge)); then
    say "--purge: deleting $data (database AND key ring) and the $user user"
    run rm -rf "$data" "$defaults"
    if id "$user" >/dev/null 2>&1 || ((dry_run)); then run userdel "$user"; fi
  else
    say "kept $data (database and key ring); delete it with --uninstall --purge"
  fi
  say "uninstalled"
  exit 0
fi

if [[ -z "$build" ]]; then
  case "$(uname -m)" in
    aarch64|arm64) build="$repo/artifacts/publish/linux-arm64" ;;
    x86_64) build="$repo/artifacts/publish/linux-x64" ;;
    *) say "unsupported machine $(uname -m): CamStudio needs 64-bit (arm64 or x86-64)"; exit 1 ;;
  esac
fi
if [[ -d "$build" ]]; then build="$(cd "$build" && pwd)"; fi
if [[ ! -x "$build/CamStudio.Web" ]]; then
  say "no build at $build (expected $build/CamStudio.Web). Build it first: scripts/publish.sh linux-arm64"
  exit 1
fi

say "installing FFmpeg"
if ! dpkg-query -W -f='${Status}' ffmpeg 2>/dev/null | grep -q "install ok installed"; then
  run env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg
else
  say "ffmpeg already installed"
fi

say "creating user $user and $data"
if ! id "$user" >/dev/null 2>&1; then
  run useradd --system --user-group --home-dir "$data" --no-create-home --shell /usr/sbin/nologin "$user"
fi
run install -d -m 0700 -o "$user" -g "$user" "$data"

say "copying $build to $prefix"
# Copy beside, then swap: a half-copied tree never becomes the live one.
run rm -rf "$prefix.new"
run cp -a "$build" "$prefix.new"
run chown -R root:root "$prefix.new"
run chmod -R go-w "$prefix.new"
if [[ -d "$repo/docs" ]]; then run cp -r "$repo/docs" "$prefix.new/docs"; fi
if ((have_systemd || dry_run)); then run systemctl stop camstudio.service || true; fi
run rm -rf "$prefix"
run mv "$prefix.new" "$prefix"

say "installing $unit"
run install -m 0644 "$repo/deploy/camstudio.service" "$unit"
if [[ ! -f "$defaults" ]] || ((dry_run)); then
  # Only written once: later installs keep the operator's edits.
  if ((dry_run)); then
    echo "+ write $defaults: ASPNETCORE_URLS=http://0.0.0.0:$port"
  else
    printf '# Overrides for camstudio.service (see /opt/camstudio/docs/operations.md)\nASPNETCORE_URLS=http://0.0.0.0:%s\n' "$port" >"$defaults"
  fi
fi

if ((have_systemd || dry_run)); then
  run systemctl daemon-reload
  run systemctl enable --now camstudio.service
else
  say "no systemd here: start it with  sudo -u $user env CAMSTUDIO_DATA=$data $prefix/CamStudio.Web"
fi

address="$(hostname -I 2>/dev/null | awk '{print $1}')"
echo "CamStudio installed. Open http://${address:-<this-pi>}:$port  (health: /health/ready, metrics: /metrics)"
