#!/usr/bin/env bash
# Idle memory of CamStudio as installed (issue 8; docs/benchmarks.md "Footprint"):
#   scripts/footprint.sh                 # publishes linux-x64 (as scripts/publish.sh) unless CAMSTUDIO_FOOTPRINT_APP names one
#   scripts/footprint.sh --limit 100     # the memory limit of the last phase, in MiB (default 120)
#   scripts/footprint.sh --no-limited    # leave the limited phase out (it drops the machine's page cache: not while
#                                        # others measure on the same machine, e.g. for A/B runs of two publishes)
# Three phases, each a fresh process of the self-contained publish with the service's environment
# (deploy/camstudio.service: workstation GC, 4 MiB gen0, two malloc arenas), SQLite, no cameras streaming:
#   first run  - empty data directory: the database is created and migrated
#   restart    - the same data directory again: what a Pi shows on every boot after the first
#   limited    - the restart inside a memory cgroup of --limit MiB (page cache included, swap excluded), after
#                dropping the page cache: what the app needs, not what it holds while memory is free. Needs root and a
#                writable cgroup memory controller (v1 or v2); without them this phase says so and is left out.
#                Dropping the page cache is machine-wide: other programs re-read their files afterwards.
# Run as root, it publishes as root too (root-owned obj/ and artifacts/): pass CAMSTUDIO_FOOTPRINT_APP=<publish dir>
# to measure a build made by your own user.
# In each phase: wait for /health/live, GET / (the sign-in/setup page), GET /health/ready, 10 s idle, then VmRSS and
# its parts from /proc/<pid>/status, and (limited phase) the page's response time.
# The restart phase then reads twice more (issue 16, docs/benchmarks/footprint.md "Issue 16: image pages at idle"):
#   20 and 60 s after start - past the app's start-up memory release (Memory:StartupSettleTime, 15 s by default),
#                      which takes the mapped images' pages out of the resident set (Memory:ImagePagesWhenIdle);
#                      a build without it is read at the same moments
#   after a page     - GET / again (timed; major page faults counted: the pages read back from disk), GET /health/ready,
#                      10 s idle: how much comes back when someone opens the sign-in page
set -euo pipefail
cd "$(dirname "$0")/.."
limit=120
limited=1
while (( $# > 0 )); do
  case "$1" in
    --limit) limit="$2"; shift 2 ;;
    --no-limited) limited=0; shift ;;
    *) echo "usage: $0 [--limit MiB] [--no-limited]" >&2; exit 2 ;;
  esac
done

app="${CAMSTUDIO_FOOTPRINT_APP:-}"
if [[ -z "$app" ]]; then
  bash scripts/publish.sh linux-x64
  app=artifacts/publish/linux-x64
fi
app="$(cd "$app" && pwd)"
[[ -x "$app/CamStudio.Web" ]] || { echo "no CamStudio.Web in $app" >&2; exit 2; }

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cgroup=""
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [[ -n "$cgroup" && -d "$cgroup" ]] && rmdir "$cgroup" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

# The service's runtime tuning, read from deploy/camstudio.service.
eval "$(bash scripts/service-env.sh)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
base="http://127.0.0.1:$port"

start() { # $1 = cgroup.procs file or empty
  local procs="$1"
  started_at=$(date +%s%N)
  bash -c 'if [[ -n "$1" ]]; then echo $$ > "$1" || exit 97; fi; shift; exec "$@"' _ "$procs" \
    env CAMSTUDIO_DATA="$data" WebRtc__UdpPort=0 WebRtc__BindAddress=127.0.0.1 \
    "$app/CamStudio.Web" --urls "$base" --contentRoot "$app" >"$data/app.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$base/health/live" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "CamStudio did not start; its log:" >&2; cat "$data/app.log" >&2; exit 1
}

settle() {
  curl -fsL -o /dev/null "$base/"
  curl -s -o /dev/null "$base/health/ready"
  sleep 10
}

report() { # $1 = phase label
  awk -v label="$1" '
    /^VmRSS:/ {rss=$2} /^RssAnon:/ {anon=$2} /^RssFile:/ {file=$2} /^RssShmem:/ {shm=$2}
    END {printf "| %s | %.1f | %.1f | %.1f | %.1f | %.1f |\n", label, rss/1024, anon/1024, shm/1024, (anon+shm)/1024, file/1024}
  ' "/proc/$pid/status"
}

stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

majflt() { awk '{print $12}' "/proc/$pid/stat"; }

echo "CamStudio footprint: $app ($(git rev-parse --short HEAD 2>/dev/null || echo '?')), $(nproc) cores, $(uname -m), $(date -u +%FT%TZ)"
echo
echo "| phase | VmRSS MiB | anonymous | shmem (JIT code) | private (anon + shmem) | file-backed (mapped images) |"
echo "|---|---:|---:|---:|---:|---:|"
start ""; settle; report "first run (empty data directory)"; stop
start ""; settle; report "restart (existing database)"
# The same process 20 s after it was started (issue 16's moment; the start-up release runs 15 s after start-up by
# default) and 60 s after.
sleep_until() { # $1 = seconds after start
  local wait_ms=$(( $1 * 1000 - ($(date +%s%N) - started_at) / 1000000 ))
  (( wait_ms > 0 )) && sleep "$(awk -v ms="$wait_ms" 'BEGIN {printf "%.3f", ms / 1000}')"
  return 0
}
sleep_until 20; report "restart, 20 s after start"
sleep_until 60; report "restart, 60 s after start"
faults_before=$(majflt)
page_times=()
for _ in 1 2 3; do page_times+=("$(curl -fsL -o /dev/null -w '%{time_total}' "$base/")"); done
faults_after=$(majflt)
curl -s -o /dev/null "$base/health/ready"
sleep 10
report "restart, then the sign-in page again (+10 s)"
after_page="GET / 60 s after start took ${page_times[*]} s with $((faults_after - faults_before)) major page faults ($(majflt) since start)"
stop

# The limited phase: a memory cgroup of its own, v2 or v1.
echo; echo "$after_page"
if (( ! limited )); then
  echo; echo "limited phase left out (--no-limited)"; exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo; echo "limited phase left out: needs root (a memory cgroup and dropping the page cache)"; exit 0
fi
limit_file=""
if [[ -f /sys/fs/cgroup/cgroup.subtree_control ]] && grep -qw memory /sys/fs/cgroup/cgroup.subtree_control; then
  cgroup="/sys/fs/cgroup/camstudio-footprint-$$"; limit_file=memory.max; swap_file=memory.swap.max
elif [[ -d /sys/fs/cgroup/memory ]]; then
  cgroup="/sys/fs/cgroup/memory/camstudio-footprint-$$"; limit_file=memory.limit_in_bytes; swap_file=memory.memsw.limit_in_bytes
fi
if [[ -z "$limit_file" ]] || ! mkdir "$cgroup" 2>/dev/null || ! echo $((limit * 1024 * 1024)) > "$cgroup/$limit_file" 2>/dev/null; then
  echo; echo "limited phase left out: no writable memory cgroup controller"; exit 0
fi
# No swapping out instead of dropping pages (v1: memory+swap may equal the limit; absent without swap accounting).
if [[ -f "$cgroup/$swap_file" ]]; then
  if [[ "$swap_file" == memory.swap.max ]]; then echo 0 > "$cgroup/$swap_file"; else echo $((limit * 1024 * 1024)) > "$cgroup/$swap_file"; fi
fi
# Pages the earlier phases (and the publish) left in the page cache are charged to whoever read them first; drop
# them so the limited process pays for every page it maps, as it would on a freshly booted Pi.
sync; echo 3 > /proc/sys/vm/drop_caches
began=$(date +%s%N); start "$cgroup/cgroup.procs"; started_ms=$(( ($(date +%s%N) - began) / 1000000 ))
grep -q "camstudio-footprint-$$" "/proc/$pid/cgroup" || { echo "CamStudio is not in $cgroup" >&2; exit 1; }
settle
report "restart inside a ${limit} MiB memory limit"
times=()
for _ in 1 2 3; do times+=("$(curl -fsL -o /dev/null -w '%{time_total}' "$base/")"); done
majflt=$(awk '{print $12}' "/proc/$pid/stat")
if [[ -f "$cgroup/memory.events" ]]; then pressure="cgroup memory.events: $(tr '\n' ' ' < "$cgroup/memory.events")"
else pressure="cgroup v1: limit hit $(cat "$cgroup/memory.failcnt") times (memory+swap: $(cat "$cgroup/memory.memsw.failcnt" 2>/dev/null || echo n/a)), peak $(( $(cat "$cgroup/memory.max_usage_in_bytes") / 1048576 )) MiB"; fi
echo
echo "Inside the ${limit} MiB limit: started (health/live answering) in ${started_ms} ms; GET / (sign-in page) took ${times[*]} s;"
echo "${majflt} major page faults (pages read back from disk) since start; ${pressure}"
stop
