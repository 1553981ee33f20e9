#!/usr/bin/env bash
# Run issue 9's planted mistakes with two evtctl builds, e.g.
#   run.sh /work/wt-before/.venv/bin/evtctl .venv/bin/evtctl CASES PLAINTEXT SASL
# CASES is plant.sh's output; PLAINTEXT and SASL are the bootstrap addresses of
# tests/kafka/local_kafka.py (run it by hand; it prints both). Provision only plans.
set -uo pipefail
before=$1 after=$2 cases=$3 plain=$4 sasl=$5
props() { printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=alice\nsasl.password=%s\n' "$1" > "$cases/$2"; }
props alice-secret alice.properties; props not-the-password wrong.properties
show() {  # show CASE ARGS...: both builds, in the case's folder, output trimmed
  local case=$1; shift
  for side in before after; do
    local bin=${!side} t0=$SECONDS
    echo "### [$side] (cd $case && evtctl $*)"
    (cd "$cases/$case" && timeout 120 "$bin" "$@" > "$cases/out.txt" 2>&1; echo "exit=$?" >> "$cases/out.txt")
    sed -n '1,14p' "$cases/out.txt"; tail -n 3 "$cases/out.txt" | grep -v -x -F -f <(sed -n '1,14p' "$cases/out.txt")
    echo "(lines: $(wc -l < "$cases/out.txt"), seconds: $((SECONDS - t0)))"; echo
  done
}
for c in apiversion-key apiversion-value top-level-list broken-manifest misspelt-topics-key \
         config-contract-typo ignores-unused; do show $c lint .; done
show clean lint billing
show apiversion-key provision . --env dev --bootstrap-server "$plain" --allow-delete
show misspelt-topics-key provision . --env dev --bootstrap-server "$plain" --allow-delete
show clean provision . --env dev --bootstrap-server "$sasl" --command-config ../alice.properties
show clean provision . --env dev --bootstrap-server "$sasl" --command-config ../alice.properties --acls
show clean provision . --env dev --bootstrap-server 127.0.0.1:1
show clean provision . --env dev --bootstrap-server "$sasl" --command-config ../wrong.properties
