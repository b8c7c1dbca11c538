#!/usr/bin/env bash
# THE system benchmark command (issue 7; README "Benchmarks", docs/benchmarks.md):
#   scripts/bench.sh                 # full run: 720p + 1080p cameras, 1/10/50 viewers, Janus and JPEG references
#   scripts/bench.sh --smoke         # CI smoke: one camera, few viewers, short windows, < 2 min; exit 1 if any
#                                    # metric could not be measured
#   scripts/bench.sh --only fanout,janus   # parts: memory, fanout, hls, browser, janus, g2g, jpeg, audio, sync, health, fixed (the last four not in --smoke)
#   scripts/bench.sh --only audio [--rounds 5]   # issue 15: CPU per camera with audio (AAC->Opus, G.711 copy) vs video only
#   scripts/bench.sh --only sync           # issue 15: lip sync in Chromium (flash + beep test camera), AAC and PCMA
#   scripts/bench.sh --only health [--rounds 3]  # issue 17: CPU of background health checks, 30 idle cameras (off/60 s/5 s)
#   scripts/bench.sh --only fixed --cameras 720p [--rounds 3] [--app-base <other build>]   # issue 16: one camera's fixed
#                                    # CPU (idle / running / 1 viewer; app and FFmpeg split) vs Janus, optionally A/B
#   scripts/bench.sh --only failover [--rounds 5]   # issue 18: cluster failover, owner killed -> tile resumes (the two-node test scenario per round)
#   scripts/bench.sh --only idlepages [--rounds 3]   # issue 16: the image-page release at idle, Unmap/Evict/Keep (RSS, major faults, first view)
#   scripts/bench.sh --only memory [--memory-cameras 4,8,16] [--rounds 3]  # idle/per-camera RSS, and FFmpeg PSS next
#                                    # to RSS with 4, 8 and 16 running cameras (issue 16)
# 1. installs the parts (FFmpeg, the GStreamer RTSP test camera, Chromium, Janus) and the Node dependencies of bench/
#    (npm ci from the committed package-lock.json);
# 2. publishes CamStudio Release for linux-x64 (scripts/publish.sh, ReadyToRun as installed on a Pi), unless
#    CAMSTUDIO_BENCH_APP names a folder that already holds CamStudio.Web (scripts/test.sh passes its Release build);
# 3. runs bench/run.mjs inside a private network namespace (scripts/netns-run.sh): WebRTC uses 10.213.0.1, nothing
#    leaves the machine.
# Results: artifacts/bench/results.json (machine-readable) and results.md (the tables for docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/install-deps.sh bench
if ! command -v node >/dev/null || (( $(node -p 'process.versions.node.split(".")[0]') < 20 )); then
  echo "bench.sh needs Node.js >= 20 (node: $(node --version 2>/dev/null || echo missing))" >&2
  exit 2
fi
(cd bench && npm ci --no-audit --no-fund --loglevel=error)

app="${CAMSTUDIO_BENCH_APP:-}"
if [[ -z "$app" ]]; then
  bash scripts/publish.sh linux-x64
  app=artifacts/publish/linux-x64
fi

# The failover part runs the two-node scenario of the test suite: build it here, where NuGet is reachable.
if [[ " $* " == *failover* ]]; then
  bash scripts/install-deps.sh test
  dotnet build CamStudio.sln -c Release -warnaserror -v quiet -nologo
fi

netns=(unshare -n)
if [[ $(id -u) -ne 0 ]]; then
  netns=(unshare -rn)
fi
"${netns[@]}" scripts/netns-run.sh node bench/run.mjs --app "$app" "$@" </dev/null
