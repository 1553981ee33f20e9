"""Every schema file is a valid JSON Schema whose local ``$ref``s resolve.

The file must parse (JSON, or YAML loaded safely), be valid against the metaschema of
the draft it declares, and every ``$ref`` must point at a file and place that exist
(relative to the referring file). Reported at the manifest line that names the
schema, with the place inside the schema file in the message.

A problem Schema Registry itself gets past — a keyword the metaschema forbids by value
(``"required": []`` in draft 4, ``"minLength": -1``), a ``$schema`` the registry does not
know (read as draft 7), a ``#/$defs/X`` the registry finds only in ``definitions`` — is
reported too, one finding per problem, but the contract's versions are still compared
(EVT505): lower this rule to ``warning`` to migrate such a registry subject as it is.

Failing (``persona-created.v1.json`` holds ``{"type": "objekt"}``)::

    versions:
      - {version: 1, schema: schemas/persona-created.v1.json}

Passing: the file holds ``{"type": "object"}``.
"""

from collections.abc import Iterator

from evtctl.findings import Location, Problem, Related, display_path
from evtctl.rules.base import Context
from evtctl.rules.contract_schemas import loaded_versions

ID = "EVT503"
NAME = "schema-invalid"
SUMMARY = "A schema must be valid JSON Schema with resolvable local $refs."
CATEGORY = "contracts"


def is_remote(error: object) -> bool:
    from evtctl.compat.formats import SchemaErrorKind

    return getattr(error, "kind", None) == SchemaErrorKind.REMOTE_REFERENCE


def describe(error: object) -> tuple[str, tuple[Related, ...]]:
    path = getattr(error, "path", None)
    line = getattr(error, "line", 0) or 0
    column = getattr(error, "column", 0) or 0
    message = str(getattr(error, "message", error))
    if path is None:
        return message, ()
    place = f"{display_path(path)}:{line}:{column}" if line else display_path(path)
    return f"{place}: {message}", (Related(Location(path, line, column), message),)


def check(ctx: Context) -> Iterator[Problem]:
    for lv in loaded_versions(ctx):
        anchor = f"{lv.topic.name}/{lv.contract.name}@{lv.version.version}"
        # Problems that leave the version comparable (EVT505 still checks it).
        for diagnostic in getattr(lv.schema, "diagnostics", ()):
            text, related = describe(diagnostic)
            yield Problem(f"{lv.contract.name} v{lv.version.version}: {text}",
                          lv.version.at("schema"), related=related,
                          anchor=f"{anchor}:{diagnostic.kind}:{diagnostic.message}")
        if lv.error is None or lv.missing or is_remote(lv.error):
            continue
        text, related = describe(lv.error)
        yield Problem(f"{lv.contract.name} v{lv.version.version}: {text}",
                      lv.version.at("schema"), related=related, anchor=anchor)
