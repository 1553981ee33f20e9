"""Earlier versions of a contract as production has them: from a Schema Registry, loaded
through the format seam so evtctl's own engine compares them with versions from files.

This is the registry side of ``evtctl compat --registry`` and ``evtctl lint --registry``:

* :func:`open_registry` — a :class:`SchemaRegistry` from ``--url`` / a properties file /
  ``EVTCTL_REGISTRY_*`` (as ``evtctl registry`` connects);
* :func:`contract_subject` — the subject a contract's versions live in (the strategy of
  the manifest or evtctl.yaml, the record name from the format);
* :func:`registered_history` — ``subject -> [(version, LoadedSchema)]``, oldest first,
  each read with ``ContractFormat.load_registered``;
* :class:`RegistryHistories` — the same, remembered per subject for a whole run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from evtctl.compat.formats import LoadedSchema, SchemaFileError, get_format
from evtctl.config import ProjectConfig
from evtctl.manifest.model import Contract
from evtctl.registry.forms import DanglingReference, RegisteredForms
from evtctl.registry.model import RegistryError, RequestFailed, SchemaRegistry
from evtctl.registry.observe import DEFAULT_WORKERS, parallel, read_referenced
from evtctl.registry.subjects import subject_name

History = list[tuple[int, LoadedSchema]]


def open_registry(url: str | None, registry_config: Path | None = None,
                  environ: Mapping[str, str] | None = None,
                  timeout: float = 30.0) -> SchemaRegistry:
    """Connect as ``evtctl registry`` does, and check the registry answers as one. Raises
    RegistryError (one line for the user)."""
    from evtctl.registry.connection import client_config
    from evtctl.registry.rest import RestRegistry

    settings = client_config(url, registry_config, os.environ if environ is None else environ)
    registry = RestRegistry(settings, timeout)
    try:
        registry.subjects()  # the first contact says what is wrong: unreachable, 401, not one
    except RegistryError:
        registry.close()
        raise
    return registry


def contract_subject(config: ProjectConfig, topic: str, contract: Contract,
                     latest: LoadedSchema, role: str = "value") -> str | None:
    """The subject of a contract's value (or key) versions; None when its strategy needs a
    record name the schema lacks. ``latest`` is any loaded version of it (the record name
    comes from its registry form)."""
    strategy = contract.subject_strategy or config.registry.subject_strategy
    record = None
    if strategy != "topic":
        record = get_format(latest.schema_type).registry_schema(latest).record_name
    return subject_name(strategy, topic, role, record)


def registered_history(registry: SchemaRegistry, subject: str, *,
                       workers: int = DEFAULT_WORKERS,
                       record_name: str | None = None) -> History | None:
    """Every live version of ``subject``, oldest first; None when the registry has no such
    subject. ``record_name``: the contract's record (Protobuf: its ``message``), which the
    registry does not store. Raises RegistryError when the registry cannot be read or holds
    something evtctl cannot load (named by subject and version)."""
    try:
        numbers = registry.versions(subject)
        if numbers is None:
            return None
        numbers = sorted(numbers)
        versions = parallel(lambda n: registry.version(subject, n), numbers, workers)
        known = read_referenced(registry, {subject: dict(zip(numbers, versions, strict=True))},
                                workers)
    except RequestFailed as error:
        raise RegistryError(f"reading subject {subject} from the Schema Registry at "
                            f"{registry.url} failed: {error.message}") from None
    forms = RegisteredForms(known)
    out: History = []
    for number, version in zip(numbers, versions, strict=True):
        source = f"registry subject {subject} v{number}"
        try:
            form = forms.form(version, record_name)
            loaded = get_format(form.schema_type).load_registered(form, number, source)
        except DanglingReference as error:
            raise RegistryError(str(error)) from None
        except KeyError:
            raise RegistryError(f"{source} is a {version.payload.schema_type} schema, which "
                                "evtctl does not know") from None
        except SchemaFileError as error:
            raise RegistryError(f"{error}") from None
        except NotImplementedError:
            raise RegistryError(f"{source}: evtctl cannot read {form.schema_type} schemas from a "
                                "registry yet") from None
        out.append((number, loaded))
    return out


class RegistryHistories:
    """Registered histories by subject, each read once per run (for lint's contract store)."""

    def __init__(self, registry: SchemaRegistry, workers: int = DEFAULT_WORKERS) -> None:
        self.registry = registry
        self.workers = workers
        self._seen: dict[str, History | None] = {}

    def earlier_versions(self, subject: str, record_name: str | None = None) -> History | None:
        if subject not in self._seen:
            self._seen[subject] = registered_history(self.registry, subject,
                                                     workers=self.workers,
                                                     record_name=record_name)
        return self._seen[subject]
