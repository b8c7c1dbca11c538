#!/usr/bin/env bash
# Builds a self-contained CamStudio for one runtime (no .NET needed on the target):
#   scripts/publish.sh                 # linux-arm64 (Raspberry Pi OS 64-bit, Debian arm64)
#   scripts/publish.sh linux-x64
# Output: artifacts/publish/<rid>/ (CamStudio.Web plus the runtime). The arm64 runtime packs restore from NuGet.
# Install it on the Pi with: sudo scripts/install-pi.sh artifacts/publish/linux-arm64
# ReadyToRun (ahead-of-time compiled IL, crossgen2 from NuGet) is on: start-up on a Pi - and under qemu emulation - is
# dominated by JIT otherwise (measured under qemu: ~57 s with ReadyToRun vs ~139 s without). CAMSTUDIO_READY_TO_RUN=0 turns it off.
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-arm64}"
case "$rid" in
  linux-arm64|linux-x64) ;;
  *) echo "usage: $0 [linux-arm64|linux-x64]" >&2; exit 2 ;;
esac
out="artifacts/publish/$rid"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf "$out"
dotnet publish CamStudio.Web/CamStudio.Web.csproj -c Release -r "$rid" --self-contained \
  -p:PublishReadyToRun="$([[ "${CAMSTUDIO_READY_TO_RUN:-1}" == 0 ]] && echo false || echo true)" \
  -p:UseAppHost=true -o "$out" -nologo -v:q
echo "Published $rid to $out ($(du -sh "$out" | cut -f1))" >&2
