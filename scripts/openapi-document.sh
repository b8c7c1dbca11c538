#!/usr/bin/env bash
# Regenerates the checked-in OpenAPI document (CamStudio.Web/Api/openapi-v1.json) after a change to the REST API:
#   scripts/openapi-document.sh
# The app serves that file at /openapi/v1.json instead of running ASP.NET's generator (docs/benchmarks.md "Footprint").
# This runs the app in memory with the generator on (OpenApi:GenerateAtRunTime=true), the same way OpenApiDocumentTests
# compares the two, and writes what it produces. Commit the file; the test fails while it is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build CamStudio.Tests/CamStudio.Tests.csproj -c Release -nologo -v:q
CAMSTUDIO_WRITE_OPENAPI=1 dotnet test CamStudio.Tests/CamStudio.Tests.csproj -c Release --no-build -nologo \
  --filter "FullyQualifiedName~OpenApiDocumentTests.Checked_in_document_is_what_the_generator_makes_from_the_routes_now"
# The embedded copy is read at build time: build again so the app serves the new document.
dotnet build CamStudio.Web/CamStudio.Web.csproj -c Release -nologo -v:q
git --no-pager diff --stat -- CamStudio.Web/Api/openapi-v1.json
