"""``evtctl compat --registry URL --subject S FILE``: a candidate checked against the versions
production has, with evtctl's engine; the registry's own verdict beside it.

The earlier versions come from the registry (:mod:`evtctl.registry.history`); the mode is
``--mode`` when given, else the subject's level in the registry (what it enforces). The
registry is then asked for its verdict on the same candidate (verbose), and when the two
disagree both are shown — the exit status stays evtctl's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evtctl.compat import CompatResult
from evtctl.compat.formats import (
    LoadOptions,
    RegistrySchema,
    SchemaFileError,
    choose_format,
    get_format,
)
from evtctl.registry.history import open_registry, registered_history
from evtctl.registry.model import (
    Payload,
    RegistryError,
    RequestFailed,
    SchemaRegistry,
    Verdict,
)


@dataclass(frozen=True)
class RegistryCheck:
    result: CompatResult
    url: str
    subject: str
    versions: tuple[int, ...]  # the registered versions checked against
    mode: str
    mode_source: str  # "--mode", "subject level" or "global level"
    verdict: Verdict | None  # the registry's; None when it could not give one
    verdict_note: str | None  # why there is none, or a caveat

    @property
    def agrees(self) -> bool | None:
        return None if self.verdict is None else self.verdict.compatible == self.result.compatible

    def as_dict(self) -> dict[str, object]:
        return {
            "url": self.url, "subject": self.subject, "versions": list(self.versions),
            "mode_source": self.mode_source,
            "verdict": None if self.verdict is None else {
                "compatible": self.verdict.compatible, "messages": list(self.verdict.messages)},
            "agrees": self.agrees, "note": self.verdict_note,
        }


def check_against_registry(file: Path, subject: str, url: str | None, mode: str | None,
                           policy: str | None, *, examples: bool,
                           load: LoadOptions = LoadOptions(), schema_type: str | None = None,
                           registry_config: Path | None = None,
                           environ: Mapping[str, str] | None = None,
                           timeout: float = 30.0) -> RegistryCheck:
    """Raises RegistryError (exit 2), SchemaFileError (the candidate does not load) and
    ValueError (a policy the format does not have). ``policy`` None: the format's default."""
    registry = open_registry(url, registry_config, environ, timeout)
    try:
        history = registered_history(registry, subject, record_name=load.message)
        if history is None:
            raise RegistryError(
                f"subject {subject!r} is not in the Schema Registry at {registry.url}: there "
                "is nothing to check against (a first version is always accepted)",
                "check --subject (evtctl registry shows the subjects the manifests make)")
        if not history:
            raise RegistryError(f"subject {subject!r} has no live versions in the Schema "
                                f"Registry at {registry.url}: nothing to check against")
        try:
            level = registry.compatibility(subject)
            source = "the subject's level"
            if level is None:
                level, source = registry.global_compatibility(), "the global level"
        except RequestFailed as error:
            raise RegistryError(f"reading the compatibility level of {subject} failed: "
                                f"{error.message}") from None
        chosen = mode.upper() if mode else level.upper()
        latest = history[-1][1]
        choice = choose_format(file.name, schema_type)
        fmt = get_format(choice.schema_type or latest.schema_type)
        if fmt.schema_type != latest.schema_type:
            raise RegistryError(f"{file} is {fmt.title}, but subject {subject} holds "
                                f"{latest.schema_type} schemas")
        chosen_policy = policy if policy is not None else (
            fmt.policies[0] if fmt.policies else "")
        if chosen_policy and chosen_policy not in fmt.policies:
            known = ", ".join(fmt.policies) if fmt.policies else "none (omit --policy)"
            raise ValueError(f"{fmt.title} has no policy {chosen_policy!r}; its policies: "
                             f"{known}")
        candidate = fmt.load(file, history[-1][0] + 1, load)
        result = fmt.check([v for _n, v in history] + [candidate], chosen, chosen_policy,
                           chain=False, examples=examples)
        verdict, note = _registry_verdict(registry, subject, fmt.registry_schema(candidate),
                                          chosen, level)
        return RegistryCheck(result, registry.url, subject, tuple(n for n, _v in history),
                             chosen, "--mode" if mode else source, verdict, note)
    finally:
        registry.close()


def _registry_verdict(registry: SchemaRegistry, subject: str, form: RegistrySchema, mode: str,
                      level: str) -> tuple[Verdict | None, str | None]:
    if form.references:
        # The candidate's references would have to be registered first to be named.
        return None, ("the candidate references other files; the registry can only judge it "
                      "once they are registered (evtctl registry does that)")
    try:
        verdict = registry.test_compatibility(subject, Payload(form.schema_type, form.text))
    except RequestFailed as error:
        return None, f"the registry gave no verdict: {error.message}"
    note = None
    if mode != level.upper():
        note = f"the registry judged under its level {level.upper()}, evtctl under {mode}"
    return verdict, note


__all__ = ["RegistryCheck", "SchemaFileError", "check_against_registry"]
