#!/usr/bin/env bash
# Fetch Apicurio Registry (the in-memory, Confluent-compatible test registry) from Maven
# Central into a cache folder, once, and unpack it. Idempotent: returns at once when the
# runner jar is already there.
#
#   bash tests/registry/fetch_apicurio.sh       # prints the folder holding the -runner.jar
#
# Environment:
#   EVTCTL_APICURIO_VERSION  Apicurio Registry version (default below)
#   EVTCTL_APICURIO_HOME     target folder (default ~/.cache/evtctl/apicurio-<version>)
set -euo pipefail

VERSION="${EVTCTL_APICURIO_VERSION:-2.6.13.Final}"
ARTIFACT="io.apicurio:apicurio-registry-app:$VERSION:zip:all"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
HOME_DIR="${EVTCTL_APICURIO_HOME:-$HOME/.cache/evtctl/apicurio-$VERSION}"
MARKER="$HOME_DIR/.complete-$VERSION"

if [[ -f "$MARKER" ]]; then
    echo "$HOME_DIR"
    exit 0
fi

command -v mvn >/dev/null || { echo "fetch_apicurio: mvn (Apache Maven) is not installed" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch_apicurio: java (17 or newer) is not installed" >&2; exit 1; }
command -v unzip >/dev/null || command -v python3 >/dev/null \
    || { echo "fetch_apicurio: neither unzip nor python3 is available to unpack the zip" >&2; exit 1; }

staging="$HOME_DIR.partial.$$"
rm -rf "$staging"
mkdir -p "$staging"
trap 'rm -rf "$staging"' EXIT
echo "fetch_apicurio: fetching $ARTIFACT into $HOME_DIR" >&2
# dependency:copy verifies the checksums Maven Central publishes for the artifact.
mvn -B -q "$DEPENDENCY_PLUGIN:copy" -Dartifact="$ARTIFACT" -DoutputDirectory="$staging/zip" \
    -Dmdep.useBaseVersion=true >&2
zip="$(ls "$staging"/zip/*.zip)"
if command -v unzip >/dev/null; then
    unzip -q "$zip" -d "$staging/app"
else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$zip" "$staging/app"
fi
rm -rf "$staging/zip"
runner="$(find "$staging/app" -name '*-runner.jar' | head -n 1)"
[[ -n "$runner" ]] || { echo "fetch_apicurio: no -runner.jar in $zip" >&2; exit 1; }
rm -rf "$HOME_DIR"
mkdir -p "$(dirname "$HOME_DIR")"
mv "$staging/app" "$HOME_DIR"
touch "$MARKER"
echo "$HOME_DIR"
