"""The one value every diff format renders, and the exit status it implies."""

from __future__ import annotations

from dataclasses import dataclass, field

from evtctl.diff.breaking import Affected, Reviewed, review
from evtctl.diff.changes import compare
from evtctl.diff.sides import Side, check_dropped, org_counts
from evtctl.manifest.model import Organisation

FAIL_ON = ("breaking", "any", "none")


@dataclass(frozen=True)
class SideInfo:
    label: str
    services: int
    topics: int
    contracts: int
    commit: str | None = None  # the commit a git side was read from
    lint_problems: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiffResult:
    old: SideInfo
    new: SideInfo
    changes: tuple[Reviewed, ...]
    fail_on: str = "breaking"
    # Both organisations, for reporters that draw them (markdown --graph).
    orgs: tuple[Organisation, Organisation] | None = field(default=None, compare=False,
                                                           repr=False)

    @property
    def breaking(self) -> tuple[Reviewed, ...]:
        return tuple(r for r in self.changes if r.verdict.breaking)

    @property
    def failed(self) -> bool:
        if self.fail_on == "any":
            return bool(self.changes)
        if self.fail_on == "breaking":
            return bool(self.breaking)
        return False

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def affected_services(self) -> tuple[Affected, ...]:
        """Every service some breaking change affects, once (first relation wins)."""
        seen: dict[str, Affected] = {}
        for r in self.breaking:
            for a in r.verdict.affected:
                seen.setdefault(a.service, a)
        return tuple(seen[k] for k in sorted(seen))


def side_info(side: Side, commit: str | None = None) -> SideInfo:
    counts = org_counts(side.org)
    return SideInfo(side.label, counts["services"], counts["topics"], counts["contracts"],
                    commit=commit, lint_problems=len(side.problems), notes=side.notes)


def diff_sides(old: Side, new: Side, fail_on: str = "breaking",
               commits: tuple[str | None, str | None] = (None, None)) -> DiffResult:
    """Compare two loaded sides. Raises DiffInputError when a manifest lost services."""
    check_dropped(old, new)
    reviewed = review(compare(old, new), old.org, new.org)
    return DiffResult(side_info(old, commits[0]), side_info(new, commits[1]), reviewed,
                      fail_on, (old.org, new.org))
