"""Loading every contract version's schema once, for the contract rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evtctl.manifest.model import Contract, ContractVersion, Service, Topic
from evtctl.rules.base import Context


@dataclass(frozen=True)
class LoadedVersion:
    service: Service
    topic: Topic
    contract: Contract
    version: ContractVersion
    schema: Any | None  # a compat_cache.SchemaHandle, or None when it could not be loaded
    error: Any | None  # a SchemaFileError, or a missing/outside-the-project message
    missing: bool = False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def load_version(ctx: Context, version: ContractVersion) -> tuple[Any | None, Any | None, bool]:
    """(schema, error, missing) for one version, memoised per file and version number."""
    path = version.schema_path
    key = ("schema", path, version.version)
    if key in ctx.memo:
        return ctx.memo[key]  # type: ignore[no-any-return]
    root = ctx.config.root
    result: tuple[Any | None, Any | None, bool]
    if not _inside(path, root):
        result = (None, f"schema {version.schema!r} is outside the project folder {root}; "
                  "keep schemas inside the project", True)
    elif not path.is_file():
        result = (None, f"schema file {version.schema!r} does not exist "
                  f"(looked for {path.as_posix()})", True)
    else:
        from evtctl.compat.schemafile import SchemaFileError

        try:
            schema = compat_cache(ctx).load_schema(path, version.version, root,
                                                   ctx.config.allow_remote_refs)
            result = (schema, None, False)
        except SchemaFileError as exc:
            result = (None, exc, False)
    ctx.memo[key] = result
    return result


def compat_cache(ctx: Context) -> Any:
    """The run's ``CompatCache`` (opened once; off with ``--no-cache``)."""
    cache = ctx.memo.get("compat-cache")
    if cache is None:
        from evtctl.compat_cache import CompatCache

        cache = ctx.memo["compat-cache"] = CompatCache.open(enabled=ctx.use_cache)
    return cache


def loaded_versions(ctx: Context) -> Iterator[LoadedVersion]:
    for service, topic in ctx.org.topics():
        for contract in topic.contracts:
            for version in contract.versions:
                schema, error, missing = load_version(ctx, version)
                yield LoadedVersion(service, topic, contract, version, schema, error, missing)
    compat_cache(ctx).flush()  # what this pass learnt is kept even if a later rule fails
