"""jsonschema validators for a :class:`SchemaVersion`, with its local documents registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evtctl.compat.jsonschema import SchemaVersion

DRAFT_URIS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
}


def validator_class(schema: Any) -> Any:
    """The jsonschema validator class for a schema's ``$schema`` (draft 7 when absent)."""
    from jsonschema import Draft7Validator
    from jsonschema.validators import validator_for

    return validator_for(schema, default=Draft7Validator)


def validator_for_version(version: SchemaVersion) -> Callable[[Any], bool] | None:
    """A function telling whether an instance is valid; None if the schema cannot be compiled.

    The function may raise (an unresolvable ``$ref``, say): callers treat that as "cannot tell".
    """
    from referencing import Registry, Resource
    from referencing.jsonschema import specification_with

    cls = validator_class(version.schema)
    spec = specification_with(cls.META_SCHEMA.get("$schema", ""), default=None) or None  # type: ignore[arg-type]
    resources: list[tuple[str, Resource[Any]]] = []
    for uri, doc in {**dict(version.documents), version.base_uri: version.schema}.items():
        if spec is not None:
            resources.append((uri, spec.create_resource(doc)))
        else:
            resources.append((uri, Resource.from_contents(doc)))
    registry: Registry[Any] = Registry().with_resources(resources)
    try:
        if version.base_uri and isinstance(version.schema, dict) and "$id" not in version.schema:
            schema: Any = (
                {**version.schema, "$id": version.base_uri}
                if cls.ID_OF(version.schema) is None
                else version.schema
            )
        else:
            schema = version.schema
        validator = cls(schema, registry=registry)
    except Exception:
        return None

    def is_valid(instance: Any) -> bool:
        return bool(validator.is_valid(instance))

    return is_valid
