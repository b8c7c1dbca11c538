#!/usr/bin/env bash
# Removes the CamStudio service and binaries; keeps /var/lib/camstudio (database + key ring) unless --purge.
#   sudo scripts/uninstall-pi.sh [--purge] [--dry-run]
exec "$(dirname "$0")/install-pi.sh" --uninstall "$@"
