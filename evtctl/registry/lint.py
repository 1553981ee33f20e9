"""``evtctl lint --registry URL``: each contract's earlier versions as production has them.

For every contract history the contract store compares (EVT505), :class:`RegistryLint`
finds the contract's subject (:func:`~evtctl.registry.history.contract_subject`), reads its
registered versions (:class:`~evtctl.registry.history.RegistryHistories`), and judges the
versions in git that the registry does not have yet against them, with evtctl's own engine
(``ContractFormat.check``, chained, the registered history's own pairs left out). A
contract whose subject is not in the registry is checked from git as without
``--registry``. The registry's own verdict on the first new version is asked for as well;
where it disagrees with evtctl's, :attr:`RegistryLint.disagreements` says so (lint prints
them beside its findings) — evtctl's verdict is never replaced by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evtctl.compat import Change
from evtctl.compat.formats import LoadedSchema, get_format
from evtctl.config import ProjectConfig
from evtctl.registry.history import RegistryHistories, contract_subject
from evtctl.registry.model import Payload, RequestFailed, SchemaRegistry

if TYPE_CHECKING:
    from evtctl.contracts.store import ContractHistory, ContractStore


@dataclass(frozen=True)
class Disagreement:
    subject: str
    version: int
    location: str  # "file:line:column" of the version in its manifest
    evtctl_compatible: bool
    registry_messages: tuple[str, ...]

    def line(self, url: str) -> str:
        theirs = "compatible" if not self.evtctl_compatible else "INCOMPATIBLE"
        ours = "compatible" if self.evtctl_compatible else "incompatible"
        said = f": {'; '.join(self.registry_messages)}" if self.registry_messages else ""
        return (f"{self.location}: the registry at {url} finds v{self.version} of subject "
                f"{self.subject} {theirs}, evtctl {ours}{said} (evtctl's verdict stands; see "
                "docs/registry.md, 'When the registry disagrees')")


class RegistryLint:
    """The contract store's source of earlier versions under ``lint --registry``."""

    def __init__(self, registry: SchemaRegistry, config: ProjectConfig) -> None:
        self.registry = registry
        self.config = config
        self.histories = RegistryHistories(registry)
        self.disagreements: list[Disagreement] = []
        self.checked_subjects: list[str] = []  # subjects whose registered versions were used

    def incompatible_changes(self, store: ContractStore,
                             history: ContractHistory) -> tuple[Change, ...] | None:
        """Raises RegistryError when the registry cannot be read (lint exits 2)."""
        if history.mode == "NONE" or history.schema_type is None or not history.versions:
            return store.git_incompatible_changes(history)
        handles = [v.state.handle for v in history.versions]
        if any(h is None for h in handles):
            return store.git_incompatible_changes(history)  # EVT502/EVT503 say why
        loaded = [h.loaded() for h in handles if h is not None]
        subject = contract_subject(self.config, history.topic.name, history.contract,
                                   loaded[-1])
        record = get_format(loaded[-1].schema_type).registry_schema(loaded[-1]).record_name
        registered = self.histories.earlier_versions(subject, record) if subject else None
        if subject is None or registered is None:
            return store.git_incompatible_changes(history)
        self.checked_subjects.append(subject)
        numbers = {n for n, _v in registered}
        candidates = [v for v in loaded if v.version not in numbers]
        if not candidates:
            return ()
        fmt = get_format(history.schema_type)
        result = fmt.check([v for _n, v in registered] + candidates, history.mode,
                           history.policy, chain=True, examples=True)
        new = {c.version for c in candidates}
        changes = tuple(c for c in result.changes if c.to_version in new and not c.compatible)
        first = candidates[0]
        self._ask(history, subject, first,
                  compatible=not any(c.to_version == first.version for c in changes))
        return changes

    def _ask(self, history: ContractHistory, subject: str, candidate: LoadedSchema, *,
             compatible: bool) -> None:
        form = get_format(candidate.schema_type).registry_schema(candidate)
        if form.references:
            return  # named only once its references are registered (evtctl registry)
        try:
            verdict = self.registry.test_compatibility(
                subject, Payload(form.schema_type, form.text))
        except RequestFailed:
            return
        if verdict.compatible == compatible:
            return
        version = history.contract.version(candidate.version)
        where = version.loc if version is not None else history.contract.loc
        location = f"{where.display_file()}:{where.line}:{where.column}"
        self.disagreements.append(Disagreement(subject, candidate.version, location,
                                               compatible, verdict.messages))
