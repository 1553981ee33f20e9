"""A manifest must be readable YAML.

A file that is, or looks like, a manifest is read as one; if it is not UTF-8, holds a
NUL byte, has a syntax error, nests deeper than 100 levels, expands aliases beyond
two million nodes, or holds a number too long to be one, evtctl cannot read it and says
where. A YAML file is skipped only when nothing in it looks like a manifest (CI workflows,
Kubernetes objects, compose files). What a broken manifest still shows (its service, the
topic names under ``topics:``) is kept, so other manifests' references to it are not
reported as unknown: the one finding is here.

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
