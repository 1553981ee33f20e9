"""Rules named in ``evtctl.yaml`` (under ``rules`` and ``ignores``) must exist.

A misspelt rule name in ``rules`` changes no severity, and in ``ignores`` hides nothing —
or, worse, nothing the reader expects. Rules are named by id (``EVT401``) or name
(``unknown-topic``); ``ignores`` also accepts ``*``. A did-you-mean is offered for near
spellings of names (ids one digit apart are different rules, so none is offered for ids).

Failing::

    rules:
      unknown-topik: warning

Passing::

    rules:
      unknown-topic: warning
"""

from collections.abc import Iterator

from evtctl.findings import Location, Problem
from evtctl.rules.base import Context
from evtctl.suggest import closest

ID = "EVT802"
NAME = "config-unknown-rule"
SUMMARY = "Rule ids and names in evtctl.yaml must be rules evtctl has."
CATEGORY = "config"


def check(ctx: Context) -> Iterator[Problem]:
    from evtctl.rules import all_rules, find_rule

    config = ctx.config
    if config.path is None:
        return
    names = [spec.name for spec in all_rules()]
    named = [(key, f"rules/{key}", "rules") for key in config.rule_severities]
    named += [(ig.rule, f"ignores/{n}/rule", "ignores") for n, ig in enumerate(config.ignores)
              if ig.rule != "*"]
    for key, location_key, where in named:
        if find_rule(key) is not None:
            continue
        close = None if key.upper().startswith("EVT") else closest(key, names)
        hint = f"did you mean {close!r}?" if close else "see 'evtctl rules' for ids and names"
        line, column = config.locations.get(location_key, (1, 1))
        yield Problem(f"{where}: {key!r} is not a rule; {hint}",
                      Location(config.path, line, column), anchor=f"{where}:{key}")
