#!/usr/bin/env bash
# Backs up CamStudio's data directory while the app keeps running (nothing is stopped):
#   scripts/backup.sh [--data DIR] [--out FILE.tar.gz]
# DIR defaults to $CAMSTUDIO_DATA, else /var/lib/camstudio. FILE defaults to ./camstudio-backup-<UTC time>.tar.gz.
# The archive holds camstudio.db (a consistent online copy) AND keys/ (the Data Protection key ring). The two belong
# together: the stored camera passwords are encrypted with those keys, and a database without its key ring has every
# camera password unreadable. The archive therefore contains secrets: it is created mode 0600; store it accordingly.
# SQLite only; with Database:Provider=PostgreSQL back the database up with pg_dump - this still saves keys/.
set -euo pipefail
data="${CAMSTUDIO_DATA:-/var/lib/camstudio}"
out=""
while (($# > 0)); do
  case "$1" in
    --data) data="${2:?--data needs a directory}"; shift ;;
    --out) out="${2:?--out needs a file name}"; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "backup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
out="${out:-$PWD/camstudio-backup-$(date -u +%Y%m%dT%H%M%SZ).tar.gz}"
db="$data/camstudio.db"
say() { echo "backup.sh: $*" >&2; }

if [[ ! -d "$data/keys" ]] || ! compgen -G "$data/keys/*.xml" >/dev/null; then
  say "no key ring in $data/keys: refusing to make a backup whose passwords could never be decrypted"; exit 1
fi

umask 077
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/camstudio"

if [[ -f "$db" ]]; then
  if command -v sqlite3 >/dev/null 2>&1; then
    # The online backup API copies a consistent snapshot while writers continue.
    sqlite3 "$db" ".timeout 10000" ".backup '$stage/camstudio/camstudio.db'"
    method="sqlite3 .backup"
  elif command -v python3 >/dev/null 2>&1 && python3 -c 'import sqlite3' 2>/dev/null; then
    python3 - "$db" "$stage/camstudio/camstudio.db" <<'PY'
import sqlite3, sys
src = sqlite3.connect(sys.argv[1], timeout=10)
dst = sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close(); src.close()
PY
    method="python3 sqlite3.backup"
  else
    # Last resort without any SQLite client: copy the file with its WAL and shared-memory index so a reader
    # replays the log; consistent unless a write lands mid-copy, which is why the tools above are preferred.
    say "neither sqlite3 nor python3 found: copying camstudio.db with its -wal file (install sqlite3 for an atomic copy)"
    cp -p "$db" "$stage/camstudio/"
    for suffix in -wal -shm; do
      if [[ -f "$db$suffix" ]]; then cp -p "$db$suffix" "$stage/camstudio/"; fi
    done
    method="file copy"
  fi
else
  say "no $db (PostgreSQL provider?): archiving the key ring only - back the database up with pg_dump"
  method="none (no SQLite database)"
fi

cp -rp "$data/keys" "$stage/camstudio/keys"
{
  echo "created_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "source=$data"
  echo "database_method=$method"
  echo "key_files=$(find "$stage/camstudio/keys" -name '*.xml' | wc -l)"
} >"$stage/camstudio/BACKUP-INFO"

tar -C "$stage" -czf "$out.partial" camstudio
mv "$out.partial" "$out"
say "wrote $out ($method; $(du -h "$out" | cut -f1))"
echo "$out"
