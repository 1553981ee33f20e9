"""A manifest must be readable YAML.

A file that mentions ``evtctl/`` is read as a manifest; if it is not UTF-8, holds a
NUL byte, has a syntax error, nests deeper than 100 levels, expands aliases beyond
two million nodes, or holds a number too long to be one, evtctl cannot read it and says
where. Files that do not mention ``evtctl/`` are not manifests and are skipped.

Failing::

    apiVersion: evtctl/v1
    kind: Service
    metadata: {company: arcadia, namespace: identity, name: personaservice
    topics: []

Passing::

    apiVersion: evtctl/v1
    kind: Service
    metadata: {company: arcadia, namespace: identity, name: personaservice}
"""

ID = "EVT001"
NAME = "yaml-invalid"
SUMMARY = "The manifest file must be readable YAML (UTF-8, valid syntax, within limits)."
CATEGORY = "loading"
