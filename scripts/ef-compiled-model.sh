#!/usr/bin/env bash
# Regenerates the EF Core compiled models (CamStudio.Core/Data/CompiledModels/{Sqlite,PostgreSql}) after any change to
# the entities, their configurations or the contexts - the same moment a migration is added (CamStudio.Core/Data/README.md):
#   scripts/ef-compiled-model.sh
# The app uses the compiled model of its provider instead of building the model at start (less JIT-compiled code resident
# for the life of the process; docs/benchmarks.md "Footprint"). CompiledModelTests fails while a compiled model is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
build=""
for p in Sqlite PostgreSql; do
  # The old model is deleted first: a stale compiled model would still be picked up by the build the tool makes.
  rm -rf "CamStudio.Core/Data/CompiledModels/$p"
done
for p in Sqlite PostgreSql; do
  # shellcheck disable=SC2086
  dotnet ef dbcontext optimize $build --project CamStudio.Core --startup-project CamStudio.Web \
    --context "${p}CamStudioDbContext" --output-dir "Data/CompiledModels/$p" --namespace "CamStudio.Core.Data.CompiledModels.$p"
  build="--no-build"
done
