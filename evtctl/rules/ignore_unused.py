"""An ``ignores`` entry of ``evtctl.yaml`` must match at least one finding.

An entry that matches nothing is stale (the problem was fixed) or wrong (a path or rule that
does not match what was meant): either way it would silently hide the next finding that
happens to match. This is the config's counterpart of EVT902 for inline suppressions.

The engine checks this rule after applying the ignores, and only when the whole project is
linted: linting a part, the findings an entry was written for may lie outside it. Entries
naming a rule that does not exist are EVT802 instead.

Failing (nothing under ``legacy/`` has an unknown-topic finding)::

    ignores:
      - {rule: unknown-topic, path: legacy/**, reason: onboarded in Q3}

Passing: the entry matches a finding, or is removed.
"""

ID = "EVT903"
NAME = "ignore-unused"
SUMMARY = "An ignores entry in evtctl.yaml must match at least one finding."
CATEGORY = "suppressions"
SEVERITY = "warning"
