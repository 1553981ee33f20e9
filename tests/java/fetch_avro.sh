#!/usr/bin/env bash
# Fetch the Apache Avro Java library (org.apache.avro:avro) and its runtime dependencies
# from Maven Central into a cache folder, once. Idempotent: returns at once when the jars
# are already there. The Avro differential test and bench/bench_avro.py run it.
#
#   bash tests/java/fetch_avro.sh              # prints the libs folder on stdout
#
# Environment:
#   EVTCTL_AVRO_JAVA_VERSION  Avro version (default below)
#   EVTCTL_AVRO_LIBS          target folder (default ~/.cache/evtctl/avro-<version>/libs)
set -euo pipefail

AVRO_VERSION="${EVTCTL_AVRO_JAVA_VERSION:-1.12.2}"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
LIBS="${EVTCTL_AVRO_LIBS:-$HOME/.cache/evtctl/avro-$AVRO_VERSION/libs}"
MARKER="$LIBS/.complete-$AVRO_VERSION"

if [[ -f "$MARKER" ]]; then
    echo "$LIBS"
    exit 0
fi

command -v mvn >/dev/null || { echo "fetch_avro: mvn (Apache Maven) is not installed" >&2; exit 1; }
command -v javac >/dev/null || { echo "fetch_avro: javac (JDK 17 or newer) is not installed" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.evtctl</groupId>
  <artifactId>avro-oracle</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.avro</groupId>
      <artifactId>avro</artifactId>
      <version>$AVRO_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM

staging="$LIBS.partial.$$"
rm -rf "$staging"
mkdir -p "$staging"
echo "fetch_avro: fetching Avro $AVRO_VERSION jars into $LIBS" >&2
mvn -B -q -f "$work/pom.xml" \
    "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$staging" >&2

ls "$staging"/avro-"$AVRO_VERSION".jar >/dev/null
rm -rf "$LIBS"
mkdir -p "$(dirname "$LIBS")"
mv "$staging" "$LIBS"
touch "$MARKER"
echo "$LIBS"
