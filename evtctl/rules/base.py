"""What a rule is: a frozen spec that declares itself, and the context it checks."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from types import ModuleType

from evtctl.config import ProjectConfig
from evtctl.contracts.store import ContractStore
from evtctl.findings import Problem, Severity
from evtctl.manifest.model import Organisation


@dataclass
class Context:
    """Everything a rule may look at. Rules never print and never raise on bad input."""

    org: Organisation
    config: ProjectConfig
    today: date
    contracts: ContractStore  # every contract version, loaded once for all rules


Check = Callable[[Context], Iterator[Problem]]


@dataclass(frozen=True)
class RuleSpec:
    id: str  # stable, never reused: EVT + three digits
    name: str  # kebab-case; accepted wherever an id is
    summary: str  # one line: what the rule protects
    category: str
    severity: Severity  # the default; configuration may change it
    check: Check | None  # None: checked while loading (the loader reports it)
    doc: str  # the module docstring: explanation, passing and failing example
    aliases: tuple[str, ...] = ()
    # "service": the rule looks at each service alone; "organisation": it reads other
    # services too (references, ownership, duplicates), so it needs the whole project loaded.
    scope: str = "service"

    @property
    def title(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.summary


def rule_from_module(module: ModuleType) -> RuleSpec:
    """Build a spec from a rule module's constants, its check() and its docstring."""
    check = getattr(module, "check", None)
    return RuleSpec(
        id=module.ID,
        name=module.NAME,
        summary=module.SUMMARY,
        category=module.CATEGORY,
        severity=Severity(getattr(module, "SEVERITY", "error")),
        check=check,
        doc=inspect.cleandoc(module.__doc__ or ""),
        aliases=tuple(getattr(module, "ALIASES", ())),
        scope=getattr(module, "SCOPE", "service"),
    )

