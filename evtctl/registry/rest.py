"""The only module that talks to a Schema Registry: :class:`SchemaRegistry` over Confluent's
REST API, through confluent-kafka's ``SchemaRegistryClient`` (authentication, TLS, retries,
several URLs). The client's ``test_compatibility`` keeps only the yes/no of a verdict, so
the verbose verdict is asked for on the same client's REST session.

Every failure becomes a :class:`RequestFailed` (one request) or, on the first contact, a
:class:`RegistryUnavailable` that says whether the registry is unreachable, refuses the
credentials, or is not a Schema Registry at all; no message carries a secret.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from evtctl.registry.connection import display_url, redact_text
from evtctl.registry.model import (
    Payload,
    Reference,
    RegisteredVersion,
    RegistryError,
    RegistryUnavailable,
    RequestFailed,
    Verdict,
)

T = TypeVar("T")
_NUMBERS = ("max.retries", "retries.wait.ms", "retries.max.wait.ms")
# Fewer and shorter retries than the client's defaults: a CLI must say "unreachable" soon.
_DEFAULTS = {"max.retries": 2, "retries.wait.ms": 200, "retries.max.wait.ms": 2000}
NO_SUBJECT_LEVEL = 40408  # Confluent: the subject has no compatibility level of its own
SUBJECT_NOT_FOUND = 40401


def _bearer_fields(conf: dict[str, str]) -> dict[str, str]:
    return dict(conf)


class RestRegistry:
    """A Schema Registry reached over HTTP(S)."""

    def __init__(self, config: Mapping[str, str], timeout: float) -> None:
        from confluent_kafka.schema_registry import SchemaRegistryClient

        self._config = dict(config)
        self._url = display_url(config["url"])
        conf: dict[str, Any] = {k: v for k, v in config.items()}
        for key in _NUMBERS:
            if key in conf:
                try:
                    conf[key] = int(conf[key])
                except ValueError:
                    raise RegistryError(f"{key} must be a number, not {conf[key]!r}") from None
        for key, value in _DEFAULTS.items():
            conf.setdefault(key, value)
        conf["timeout"] = timeout
        if "bearer.auth.token" in conf and "bearer.auth.credentials.source" not in conf:
            # A plain static token: Confluent's STATIC_TOKEN insists on a Confluent Cloud
            # logical cluster, which other registries do not have.
            fields = {"bearer.auth.token": conf.pop("bearer.auth.token"),
                      "bearer.auth.logical.cluster": conf.pop("bearer.auth.logical.cluster", "")}
            pool = conf.pop("bearer.auth.identity.pool.id", None)
            if pool:
                fields["bearer.auth.identity.pool.id"] = pool
            conf["bearer.auth.credentials.source"] = "CUSTOM"
            conf["bearer.auth.custom.provider.function"] = _bearer_fields
            conf["bearer.auth.custom.provider.config"] = fields
        try:
            self._client = SchemaRegistryClient(conf)
        except (ValueError, TypeError, OSError) as error:
            raise RegistryError(f"cannot set up the Schema Registry client: "
                                f"{redact_text(str(error), self._config)}") from None

    @property
    def url(self) -> str:
        return self._url

    # -- the calls ------------------------------------------------------------------------
    def subjects(self, *, deleted: bool = False) -> list[str]:
        """Every subject; the first call of a run, so it also says what is wrong with the
        registry when it cannot be used."""
        try:
            found = self._call(self._client.get_subjects, deleted=deleted)
        except RequestFailed as error:
            raise self._unavailable(error) from None
        if not isinstance(found, list) or not all(isinstance(s, str) for s in found):
            raise RegistryUnavailable(
                f"{self._url} is not a Schema Registry: GET /subjects did not answer with a "
                "list of subject names",
                "point --url at the registry's Confluent-compatible API (Apicurio: "
                ".../apis/ccompat/v7)")
        return found

    def versions(self, subject: str, *, deleted: bool = False) -> list[int] | None:
        try:
            found = self._call(self._client.get_versions, subject, deleted=deleted)
        except RequestFailed as error:
            if error.status == 404:
                return None
            raise
        return [int(v) for v in found]

    def version(self, subject: str, version: int, *, deleted: bool = False) -> RegisteredVersion:
        found = self._call(self._client.get_version, subject, version, deleted=deleted)
        schema = found.schema
        references = tuple(Reference(str(r.name), str(r.subject), int(r.version or 0))
                           for r in (schema.references or ()))
        payload = Payload(str(schema.schema_type or "AVRO"), str(schema.schema_str or ""),
                          references)
        return RegisteredVersion(subject, int(found.version or version),
                                 int(found.schema_id or 0), payload)

    def lookup(self, subject: str, payload: Payload) -> int | None:
        from confluent_kafka.schema_registry import Schema, SchemaReference

        schema = Schema(payload.text, payload.schema_type,
                        [SchemaReference(r.name, r.subject, r.version)
                         for r in payload.references])
        try:
            # normalize: formatting and comments do not count (Apicurio compares texts
            # exactly without it; Confluent's canonical form is the normalised one's subset)
            found = self._call(self._client.lookup_schema, subject, schema,
                               normalize_schemas=True)
        except RequestFailed as error:
            if error.status == 404:
                return None  # 40401 no such subject, 40403 not registered there
            raise
        return int(found.version) if found.version else None

    def compatibility(self, subject: str) -> str | None:
        try:
            level = self._call(self._client.get_compatibility, subject)
        except RequestFailed as error:
            if error.status == 404 and error.code in (NO_SUBJECT_LEVEL, SUBJECT_NOT_FOUND):
                return None
            raise
        return str(level).upper() if level else None

    def global_compatibility(self) -> str:
        return str(self._call(self._client.get_compatibility)).upper()

    def register(self, subject: str, payload: Payload) -> tuple[int, int | None]:
        from confluent_kafka.schema_registry import Schema, SchemaReference

        schema = Schema(payload.text, payload.schema_type,
                        [SchemaReference(r.name, r.subject, r.version)
                         for r in payload.references])
        found = self._call(self._client.register_schema_full_response, subject, schema)
        return int(found.schema_id or 0), (int(found.version) if found.version else None)

    def set_compatibility(self, subject: str, level: str) -> None:
        self._call(self._client.set_compatibility, subject, level)

    def delete_version(self, subject: str, version: int, *, permanent: bool) -> None:
        self._call(self._client.delete_version, subject, version, permanent)

    def delete_subject(self, subject: str, *, permanent: bool) -> None:
        self._call(self._client.delete_subject, subject, permanent)

    def test_compatibility(self, subject: str, payload: Payload) -> Verdict:
        body: dict[str, Any] = {"schema": payload.text, "schemaType": payload.schema_type}
        if payload.references:
            body["references"] = [{"name": r.name, "subject": r.subject, "version": r.version}
                                  for r in payload.references]
        path = f"compatibility/subjects/{quote(subject, safe='')}/versions?verbose=true"
        # The client's test_compatibility drops the messages; its REST session keeps the
        # same credentials, TLS settings and retries.
        rest = self._client._rest_client
        answer = self._call(rest.post, path, body)
        if not isinstance(answer, dict) or "is_compatible" not in answer:
            raise RequestFailed(f"{self._url} answered a compatibility check without a verdict")
        messages = answer.get("messages")
        if not isinstance(messages, list):
            reason = answer.get("reason")  # Apicurio
            messages = [reason] if isinstance(reason, str) and reason else []
        return Verdict(bool(answer["is_compatible"]), tuple(str(m) for m in messages))

    def close(self) -> None:
        self._client.close()

    # -- errors ---------------------------------------------------------------------------
    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        from confluent_kafka.schema_registry.common._httpx_compat import httpx
        from confluent_kafka.schema_registry.error import SchemaRegistryError

        try:
            return fn(*args, **kwargs)
        except SchemaRegistryError as error:
            message = redact_text(str(error.error_message), self._config)
            raise RequestFailed(message, int(error.http_status_code or 0),
                                int(error.error_code or 0)) from None
        except httpx.TransportError as error:
            detail = redact_text(str(error) or type(error).__name__, self._config)
            raise RequestFailed(detail, unreachable=True) from None
        except ValueError as error:  # a body that is not JSON
            raise RequestFailed(f"the answer is not JSON ({redact_text(str(error), self._config)})",
                                status=200, code=-2) from None

    def _unavailable(self, error: RequestFailed) -> RegistryUnavailable:
        url = self._url
        if error.unreachable:
            return RegistryUnavailable(
                f"cannot reach the Schema Registry at {url}: {error.message}",
                "check --url, and that the registry is up")
        if error.status == 401:
            return RegistryUnavailable(
                f"the Schema Registry at {url} refused the credentials (HTTP 401)",
                "check basic.auth.user.info or bearer.auth.token (--registry-config or "
                "EVTCTL_REGISTRY_*)")
        if error.status == 403:
            return RegistryUnavailable(
                f"the Schema Registry at {url} does not allow these credentials to list "
                "subjects (HTTP 403)", "ask for read access to the subjects evtctl manages")
        if error.code == -2 or error.status == 404 or error.code == -1:
            return RegistryUnavailable(
                f"{url} is not a Schema Registry: GET /subjects answered "
                f"{'HTTP ' + str(error.status) if error.status else 'something else'}"
                f" ({_short(error.message)})",
                "point --url at the registry's Confluent-compatible API (Apicurio: "
                ".../apis/ccompat/v7)")
        return RegistryUnavailable(f"the Schema Registry at {url} answered HTTP {error.status}: "
                                   f"{_short(error.message)}")


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
