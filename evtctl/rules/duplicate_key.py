"""A mapping must not repeat a key.

Most YAML loaders keep the last value silently, so a repeated key hides a typo or a
merge mistake. evtctl reports the repeat, and the first definition as related.

Failing::

    topics:
      - name: arcadia.identity.personaservice.events
        partitions: 6
        partitions: 12

Passing::

    topics:
      - name: arcadia.identity.personaservice.events
        partitions: 12
"""

ID = "EVT003"
NAME = "duplicate-key"
SUMMARY = "A YAML mapping must not repeat a key."
CATEGORY = "loading"
