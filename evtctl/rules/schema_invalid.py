"""Every schema file is a valid contract of its format, whose local references resolve.

The format comes from the contract's ``schemaType`` or the file's extension: JSON Schema
(``.json``, ``.yaml``, ``.yml``; JSON, or YAML loaded safely), Avro (``.avsc``) or Protobuf
(``.proto``). The file must parse, be a valid schema of its format (for JSON Schema, valid
against the metaschema of the draft it declares; for Avro, what Schema Registry's strict
parser accepts; for Protobuf, what the compiler accepts), and every local reference — a
``$ref``, an Avro named type from a referenced file, a Protobuf import — must point at a file
and a place that exist. Reported at the manifest line that names the schema, with the place
inside the schema file in the message. A problem that leaves the schema comparable (a JSON
Schema keyword that violates its draft's metaschema, which the registry still accepts) is
reported too, and the compatibility check of the contract goes on.

Failing (``persona-created.v1.json`` holds ``{"type": "objekt"}``)::

    versions:
      - {version: 1, schema: schemas/persona-created.v1.json}

Passing: the file holds ``{"type": "object"}``.
"""

from collections.abc import Iterator

from evtctl.compat.formats import SchemaErrorKind, SchemaFileError
from evtctl.contracts.store import LoadedVersion
from evtctl.findings import Location, Problem, Related, display_path
from evtctl.rules.base import Context

ID = "EVT503"
NAME = "schema-invalid"
SUMMARY = "A schema must be a valid contract of its format, with resolvable local references."
CATEGORY = "contracts"


def describe(error: SchemaFileError) -> tuple[str, tuple[Related, ...]]:
    """The error's message with its place in the schema file, and that place as related
    (named, not repeated: the message already says what is wrong)."""
    place = (f"{display_path(error.path)}:{error.line}:{error.column}" if error.line
             else display_path(error.path))
    return (f"{place}: {error.message}",
            (Related(Location(error.path, error.line, error.column), "the problem is here"),))


def check(ctx: Context) -> Iterator[Problem]:
    for lv in ctx.contracts.versions(ctx.org):
        error = lv.error
        name = f"{lv.contract.name} v{lv.version.version}"
        if error is not None and not lv.missing and error.kind != SchemaErrorKind.REMOTE_REFERENCE:
            text, related = describe(error)
            yield Problem(f"{name}: {text}", lv.version.at("schema"), related=related,
                          anchor=lv.anchor)
        yield from diagnostic_problems(lv, advisory=False)


def diagnostic_problems(lv: LoadedVersion, advisory: bool) -> Iterator[Problem]:
    """The version's diagnostics of one sort (see ``Diagnostic.advisory``) as problems."""
    name = f"{lv.contract.name} v{lv.version.version}"
    for d in lv.state.diagnostics:
        if d.advisory != advisory:
            continue
        place = f"{display_path(d.path)}:{d.line}:{d.column}" if d.line else display_path(d.path)
        yield Problem(f"{name}: {place}: {d.message}", lv.version.at("schema"),
                      related=(Related(Location(d.path, d.line, d.column), "about this place"),),
                      anchor=f"{lv.anchor}:{d.kind}:{d.line}:{d.column}")
