#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh and proves the key ring can decrypt the restored database:
#   scripts/restore.sh ARCHIVE.tar.gz [--data DIR] [--app APP] [--no-verify]
# DIR defaults to $CAMSTUDIO_DATA, else /var/lib/camstudio. APP is the CamStudio.Web executable or CamStudio.Web.dll
# used for the check (default /opt/camstudio/CamStudio.Web). Steps:
#   1. refuse an archive without keys/: restoring a database without its key ring makes every stored camera password
#      unreadable;
#   2. stop camstudio.service if it runs; move the current data directory aside to DIR.pre-restore-<time>;
#   3. put the archive's camstudio.db and keys/ in place;
#   4. run the app once in check mode (--Operations:VerifyData=true): it decrypts every stored password and exits 0,
#      or 3 when the key ring does not belong to the database - then the previous data directory is put back;
#   5. start camstudio.service again if it was running.
set -euo pipefail
archive="" data="${CAMSTUDIO_DATA:-/var/lib/camstudio}" app=/opt/camstudio/CamStudio.Web verify=1
while (($# > 0)); do
  case "$1" in
    --data) data="${2:?--data needs a directory}"; shift ;;
    --app) app="${2:?--app needs a path}"; shift ;;
    --no-verify) verify=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "restore.sh: unknown option $1" >&2; exit 2 ;;
    *) archive="$1" ;;
  esac
  shift
done
say() { echo "restore.sh: $*" >&2; }
if [[ -z "$archive" || ! -f "$archive" ]]; then
  say "usage: restore.sh ARCHIVE.tar.gz [--data DIR] [--app APP] [--no-verify]"; exit 2
fi

umask 077
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
tar -C "$stage" -xzf "$archive"
src="$stage/camstudio"
if [[ ! -d "$src" ]]; then
  say "REFUSED: $archive is not a CamStudio backup (no camstudio/ folder)"; exit 1
fi
if [[ ! -d "$src/keys" ]] || ! compgen -G "$src/keys/*.xml" >/dev/null; then
  say "REFUSED: $archive has no Data Protection key ring (keys/*.xml). Restoring a database without the key ring it"
  say "was written with makes every stored camera password unreadable. Use a backup made by scripts/backup.sh."
  exit 1
fi
if ((verify)) && [[ ! -e "$app" ]]; then
  say "cannot verify: no app at $app (pass --app path/to/CamStudio.Web or CamStudio.Web.dll, or --no-verify)"; exit 1
fi

was_active=0
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet camstudio.service 2>/dev/null; then
  was_active=1
  say "stopping camstudio.service"
  systemctl stop camstudio.service
fi

previous=""
if [[ -e "$data" ]]; then
  previous="$data.pre-restore-$(date -u +%Y%m%dT%H%M%SZ)"
  mv "$data" "$previous"
  say "previous data moved to $previous"
fi
mkdir -p "$data"
chmod 0700 "$data"
cp -rp "$src/keys" "$data/keys"
if [[ -f "$src/camstudio.db" ]]; then cp -p "$src/camstudio.db" "$data/"; fi
for suffix in -wal -shm; do
  if [[ -f "$src/camstudio.db$suffix" ]]; then cp -p "$src/camstudio.db$suffix" "$data/"; fi
done

rollback() {
  rm -rf "$data"
  if [[ -n "$previous" ]]; then mv "$previous" "$data"; say "previous data put back in $data"; fi
}

if ((verify)); then
  cmd=("$app")
  if [[ "$app" == *.dll ]]; then cmd=(dotnet "$app"); fi
  set +e
  CAMSTUDIO_DATA="$data" "${cmd[@]}" --DataDirectory="$data" --Operations:VerifyData=true \
    --urls http://127.0.0.1:0 --WebRtc:UdpPort=0 --WebRtc:BindAddress=127.0.0.1 --Logging:LogLevel:Default=Warning \
    --contentRoot "$(dirname "$app")" </dev/null >"$stage/verify.log" 2>&1
  rc=$?
  set -e
  grep '^verify-data:' "$stage/verify.log" >&2 || true
  if ((rc != 0)); then
    tail -n 20 "$stage/verify.log" >&2
    say "FAILED: the restored key ring cannot decrypt the restored database (check exit code $rc); nothing restored"
    rollback
    exit 1
  fi
fi

if id camstudio >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then chown -R camstudio:camstudio "$data"; fi
say "restored $archive into $data"
if ((was_active)); then
  say "starting camstudio.service"
  systemctl start camstudio.service
fi
