"""A manifest must follow format v1 (``schemas/manifest.schema.json``).

Every value must have the type and form the format gives it: required keys present,
integers where integers belong, compatibility modes spelled as Confluent spells them,
event references as ``Name`` or ``Name@version``, and ``apiVersion: evtctl/v1``.

Near misses are reported here rather than skipped: an ``apiVersion`` close to
``evtctl/v1`` (``evtclt/v1``) or naming a format this evtctl does not know
(``evtctl/v2``), a document with ``kind: Service`` and topics but no ``apiVersion``, and a
top-level YAML list of manifests (write one manifest per YAML document, separated by
``---``). Such a document is not loaded; the summary counts it as failed.

Failing::

    topics:
      - name: arcadia.identity.personaservice.events
        partitions: "six"

Passing::

    topics:
      - name: arcadia.identity.personaservice.events
        partitions: 6
"""

ID = "EVT004"
NAME = "manifest-structure"
SUMMARY = "A manifest must match format v1: required keys, types and values."
CATEGORY = "loading"
