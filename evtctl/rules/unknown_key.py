"""Unknown keys are errors, so typos never pass silently.

A misspelt key (``partitons``) would otherwise be ignored and the topic created with
the default. The message names the closest known key. A misspelt ``apiVersion``
(``apiversion``, ``api_version``) is reported here too: without it the document is not read
as a manifest.

Failing::

    topics:
      - name: arcadia.identity.personaservice.events
        partitons: 6

Passing::

    topics:
      - name: arcadia.identity.personaservice.events
        partitions: 6
"""

ID = "EVT005"
NAME = "unknown-key"
SUMMARY = "A manifest must not contain keys that format v1 does not define."
CATEGORY = "loading"
