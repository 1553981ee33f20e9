#!/usr/bin/env bash
# Fetch the Apache Kafka broker jars (and an slf4j backend) from Maven Central into a
# cache folder, once. Idempotent: returns at once when the jars are already there.
#
#   bash tests/kafka/fetch_kafka.sh            # prints the libs folder on stdout
#
# Environment:
#   EVTCTL_KAFKA_VERSION  Kafka version (default below)
#   EVTCTL_KAFKA_LIBS     target folder (default ~/.cache/evtctl/kafka-<version>/libs)
set -euo pipefail

KAFKA_VERSION="${EVTCTL_KAFKA_VERSION:-4.4.0}"
SLF4J_VERSION="2.0.17"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
LIBS="${EVTCTL_KAFKA_LIBS:-$HOME/.cache/evtctl/kafka-$KAFKA_VERSION/libs}"
MARKER="$LIBS/.complete-$KAFKA_VERSION"

if [[ -f "$MARKER" ]]; then
    echo "$LIBS"
    exit 0
fi

command -v mvn >/dev/null || { echo "fetch_kafka: mvn (Apache Maven) is not installed" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch_kafka: java (17 or newer) is not installed" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.evtctl</groupId>
  <artifactId>kafka-test-broker</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
      <version>$SLF4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>$SLF4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM

staging="$LIBS.partial.$$"
rm -rf "$staging"
mkdir -p "$staging"
echo "fetch_kafka: fetching Kafka $KAFKA_VERSION jars into $LIBS" >&2
mvn -B -q -f "$work/pom.xml" \
    "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$staging" >&2

ls "$staging"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null
rm -rf "$LIBS"
mkdir -p "$(dirname "$LIBS")"
mv "$staging" "$LIBS"
touch "$MARKER"
echo "$LIBS"
