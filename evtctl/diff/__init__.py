"""``evtctl diff``: what a change does to the contracts between services.

The pipeline reads like the linter's::

    sides (two trees: folders, or git refs materialised read-only)
      → changes (typed differences, schema changes judged by the compatibility engine)
        → breaking (a verdict with its reason, and the services affected)
          → DiffResult (one value)
            → report (text, json, markdown)

Nothing here prints except the reporters; :mod:`evtctl.diff.run` ties the steps together
for the command line.
"""

from __future__ import annotations
