#!/usr/bin/env bash
# Plant each of issue 9's mistakes in its own copy of a sample organisation.
# usage: plant.sh SAMPLE_DIR OUT_DIR   (OUT_DIR/<case>/ is one copy per mistake)
set -euo pipefail
sample=$1 out=$2
rm -rf "$out" && mkdir -p "$out"
# clean: the sample fitted to a one-broker test cluster (no replication factor 3)
cp -r "$sample" "$out/clean"
sed -i -e '/replicationFactor: 3/d' -e 's/, min.insync.replicas: "2"//' "$out"/clean/*/*/service.yaml
copy() { cp -r "$out/clean" "$out/$1"; echo "$out/$1"; }

d=$(copy apiversion-key)   # first key misspelt
sed -i 's/^apiVersion:/apiversion:/' "$d/billing/paymentservice/service.yaml"

d=$(copy apiversion-value) # value misspelt
sed -i 's#^apiVersion: evtctl/v1#apiVersion: evtclt/v1#' "$d/billing/paymentservice/service.yaml"

d=$(copy top-level-list)   # the manifest written as an item of a top-level YAML list
f="$d/billing/ledgerservice/service.yaml"
awk '/^apiVersion:/{print "- " $0; on=1; next} on{print "  " $0; next} {print}' "$f" > "$f.new"
mv "$f.new" "$f"

d=$(copy broken-manifest)  # a YAML syntax error in the manifest others consume from
sed -i '0,/    partitions: 12/s//    partitions: [12/' "$d/billing/invoiceservice/service.yaml"

d=$(copy misspelt-topics-key)   # found while proving: a section key misspelt
sed -i 's/^topics:/topcs:/' "$d/billing/paymentservice/service.yaml"

d=$(copy config-contract-typo)   # a contract that does not exist under compatibility.contracts
sed -i 's#^  policy: lenient$#&\n  contracts:\n    arcadia.billing.invoiceservice.events/InvoicePayed: FULL#' "$d/evtctl.yaml"

d=$(copy ignores-unused)
cat >> "$d/evtctl.yaml" <<'YAML'
ignores:
  - rule: unknown-topic
    path: legacy/**
    reason: legacy services are onboarded in Q3
YAML
