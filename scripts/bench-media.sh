#!/usr/bin/env bash
# Media core micro-benchmarks (issue 3, acceptance 7): SRTP protect vs raw AES, per-viewer fan-out cost,
# receive-path parsers, with allocations per operation. Full run: a few minutes on 2 cores.
#   scripts/bench-media.sh                 # everything
#   scripts/bench-media.sh --filter '*FanOut*'
#   scripts/bench-media.sh --smoke         # one invocation each (what CI runs), < 60 s
# Results (GitHub markdown + JSON per class) go to artifacts/benchmarks/results.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_ARTIFACTS:-artifacts/benchmarks}"
mkdir -p "$out"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version)"
dotnet build -c Release CamStudio.Benchmarks/CamStudio.Benchmarks.csproj -nologo -v quiet
dotnet run -c Release --no-build --project CamStudio.Benchmarks -- --artifacts "$out" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Results: $out/results/ (*-report-github.md, *-report-brief.json)"
ls -1 "$out/results"
