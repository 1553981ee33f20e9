"""A manifest must follow format v1 (``schemas/manifest.schema.json``).

Every value must have the type and form the format gives it: required keys present,
integers where integers belong, compatibility modes spelled as Confluent spells them,
event references as ``Name`` or ``Name@version``, and ``apiVersion: evtctl/v1``.

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
