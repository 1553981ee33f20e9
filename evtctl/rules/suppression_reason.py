"""An inline suppression must name its rules and say why.

``# evtctl: ignore[RULE] reason`` hides the findings of RULE on the line it sits on
(or, alone on its line, on the next line). The reason is what a reviewer reads a year
later to decide whether the suppression can go; without one, nobody can. A comment
that starts with ``# evtctl:`` but cannot be read as a suppression is reported here
too. The suppression still applies, so this is the only finding to fix.

The engine checks this rule while it applies suppressions (it has no check of its own).

Failing::

    topics:
      - name: arcadia.identity.personaservice.events
      - name: arcadia.identity.personaservice.events.address  # evtctl: ignore[EVT105]

Passing::

    topics:
      - name: arcadia.identity.personaservice.events
      # evtctl: ignore[multiple-event-topics] consumers read address changes on their own
      - name: arcadia.identity.personaservice.events.address
"""

ID = "EVT901"
NAME = "suppression-without-reason"
SUMMARY = "An inline suppression must name its rules and give a reason."
CATEGORY = "suppressions"
