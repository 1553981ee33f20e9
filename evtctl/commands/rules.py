"""`evtctl rules`: every rule with its id, name, default severity and purpose; one rule's docs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from evtctl.rules.base import RuleSpec


def register(app: typer.Typer) -> None:
    @app.command("rules")
    def rules_command(
        rule: str | None = typer.Argument(None, help="A rule id or name: show its documentation."),
        format: str = typer.Option("text", "--format", "-f", help="Output format: text or json."),
    ) -> None:
        """List every lint rule, or show one rule's documentation with examples."""
        raise typer.Exit(run(rule, format))


def run(rule: str | None, format: str) -> int:
    import json
    import sys

    from evtctl.cli_errors import fail
    from evtctl.rules import all_rules, find_rule

    if format not in ("text", "json"):
        return fail(f"unknown format {format!r}", where="rules --format",
                    hint="choose text or json")
    specs: tuple[RuleSpec, ...] = all_rules()
    if rule is not None:
        found = find_rule(rule)
        if found is None:
            return fail(f"unknown rule {rule!r}", where="rules", hint=_unknown(rule, specs))
        specs = (found,)
    if format == "json":
        # One shape with or without a rule given (docs/output.md).
        data = {"formatVersion": 1, "rules": [spec_dict(s) for s in specs]}
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif rule is not None:
        sys.stdout.write(describe(specs[0]))
    else:
        sys.stdout.write(table(specs))
    return 0


def spec_dict(spec: RuleSpec) -> dict[str, object]:
    return {"id": spec.id, "name": spec.name, "severity": spec.severity.value,
            "category": spec.category, "scope": spec.scope, "summary": spec.summary,
            "aliases": list(spec.aliases), "doc": spec.doc}


def table(specs: tuple[RuleSpec, ...]) -> str:
    rows = [(s.id, s.name, s.severity.value, s.category, s.summary) for s in specs]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r[:4])) + "  " + r[4]
             for r in rows]
    lines.append("")
    lines.append("Show one rule's documentation: evtctl rules ID|NAME")
    return "\n".join(lines) + "\n"


def describe(spec: RuleSpec) -> str:
    head = f"{spec.id} {spec.name} (default severity: {spec.severity.value}, " \
           f"category: {spec.category})"
    parts = [head, spec.summary]
    if spec.aliases:
        parts.append("Also known as: " + ", ".join(spec.aliases))
    return "\n".join(parts) + "\n\n" + spec.doc.rstrip() + "\n"


def _unknown(key: str, specs: tuple[RuleSpec, ...]) -> str:
    from evtctl.suggest import closest

    close = None if key.upper().startswith("EVT") else closest(key, [s.name for s in specs])
    return f"did you mean {close!r}?" if close else "'evtctl rules' lists them all"
