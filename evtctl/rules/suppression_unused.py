"""An inline suppression must suppress something.

When the problem a suppression hid is fixed, the comment should go with it: a stale
suppression would silently hide the next, unrelated finding of the same rule on that
line. A suppression that names a rule evtctl does not know is reported here too.
Suppressions of rules that the project config turns off are not reported.

The engine checks this rule while it applies suppressions (it has no check of its own).

Failing (the topic name is fine, so nothing is suppressed)::

    topics:
      # evtctl: ignore[topic-name-grammar] legacy name, renamed in Q3
      - name: arcadia.identity.personaservice.events

Passing (the suppression covers a finding of that rule on the next line)::

    topics:
      # evtctl: ignore[topic-name-grammar] legacy name, renamed in Q3
      - name: arcadia.identity.personaservice.personas
"""

ID = "EVT902"
NAME = "suppression-unused"
SUMMARY = "An inline suppression must suppress at least one finding."
CATEGORY = "suppressions"
SEVERITY = "warning"
