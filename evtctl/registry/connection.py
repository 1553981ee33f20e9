"""Schema Registry client properties, gathered the way Confluent's clients take them, with
secrets kept out of every message.

Sources, later ones winning:

1. ``--registry-config FILE`` — a Java ``.properties`` file. Names are those of Confluent's
   clients, with or without the ``schema.registry.`` prefix the Java serializers use:
   ``url``, ``basic.auth.user.info`` (``user:password``), ``bearer.auth.token`` (with
   ``bearer.auth.logical.cluster`` and ``bearer.auth.identity.pool.id`` for Confluent
   Cloud), the OAuth client-credentials settings (``bearer.auth.credentials.source=
   OAUTHBEARER``, ``bearer.auth.client.id``, ``bearer.auth.client.secret``,
   ``bearer.auth.scope``, ``bearer.auth.issuer.endpoint.url``), and TLS files
   (``ssl.ca.location``, ``ssl.certificate.location``, ``ssl.key.location``,
   ``ssl.key.password``);
2. environment variables ``EVTCTL_REGISTRY_<PROPERTY>``, the property upper-cased with dots
   as underscores (``EVTCTL_REGISTRY_BASIC_AUTH_USER_INFO`` → ``basic.auth.user.info``);
3. ``--url``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from evtctl.provision.connection import read_properties
from evtctl.provision.model import ProvisionError
from evtctl.registry.model import RegistryError

ENV_PREFIX = "EVTCTL_REGISTRY_"
REDACTED = "[redacted]"
SECRETS = ("basic.auth.user.info", "bearer.auth.token", "bearer.auth.client.secret",
           "ssl.key.password")
KNOWN = frozenset((
    "url", "basic.auth.user.info", "basic.auth.credentials.source",
    "bearer.auth.credentials.source", "bearer.auth.token", "bearer.auth.logical.cluster",
    "bearer.auth.identity.pool.id", "bearer.auth.client.id", "bearer.auth.client.secret",
    "bearer.auth.scope", "bearer.auth.issuer.endpoint.url",
    "ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.key.password",
    "max.retries", "retries.wait.ms", "retries.max.wait.ms",
))
# Java client settings the Python client has no equivalent for, with what to use instead.
_JAVA_ONLY = {
    "ssl.truststore.location": "use ssl.ca.location (a PEM file) instead",
    "ssl.truststore.password": "use ssl.ca.location (a PEM file) instead",
    "ssl.keystore.location": "use ssl.certificate.location and ssl.key.location (PEM) instead",
    "ssl.keystore.password": "use ssl.certificate.location and ssl.key.location (PEM) instead",
    "ssl.key.password.location": "use ssl.key.password",
}


def is_secret(key: str) -> bool:
    return key in SECRETS or "secret" in key or "password" in key


def redact_text(text: str, config: Mapping[str, str]) -> str:
    """``text`` with every secret of ``config`` replaced (for error messages)."""
    for key, value in config.items():
        if is_secret(key) and value and len(value) >= 3:
            text = text.replace(value, REDACTED)
            if key == "basic.auth.user.info" and ":" in value:
                password = value.split(":", 1)[1]
                if len(password) >= 3:
                    text = text.replace(password, REDACTED)
    url = config.get("url")
    if url:
        text = text.replace(url, display_url(url))
    return text


def display_url(url: str) -> str:
    """The first URL of ``url``, without credentials."""
    first = url.split(",")[0].strip()
    parts = urlsplit(first)
    if parts.username is None and parts.password is None:
        return first.rstrip("/")
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, "")).rstrip("/")


def from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    return {
        name[len(ENV_PREFIX):].lower().replace("_", "."): value
        for name, value in environ.items()
        if name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX)
    }


def _normalise(properties: Mapping[str, str], source: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_key, value in properties.items():
        key = raw_key.removeprefix("schema.registry.")
        if key in _JAVA_ONLY:
            raise RegistryError(f"{source}: {raw_key} is a Java-only setting; {_JAVA_ONLY[key]}")
        if key not in KNOWN:
            raise RegistryError(
                f"{source}: unknown Schema Registry client property {raw_key!r}",
                "see docs/registry.md, 'Connecting', for the properties evtctl understands")
        out[key] = value
    return out


def client_config(url: str | None, config_file: Path | None,
                  environ: Mapping[str, str]) -> dict[str, str]:
    """The client properties for this run (may hold secrets: never print it)."""
    config: dict[str, str] = {}
    if config_file is not None:
        try:
            properties = read_properties(config_file)
        except ProvisionError as error:
            raise RegistryError(str(error)) from None
        config.update(_normalise(properties, str(config_file)))
    config.update(_normalise(from_environment(environ), "environment"))
    if url:
        config["url"] = url
    if not config.get("url"):
        raise RegistryError(
            "no Schema Registry given: pass --url URL (or url in --registry-config, or "
            f"{ENV_PREFIX}URL)")
    for part in config["url"].split(","):
        scheme = urlsplit(part.strip()).scheme
        if scheme not in ("http", "https"):
            raise RegistryError(f"--url {display_url(part)!r} is not an http:// or https:// URL")
    source = config.pop("basic.auth.credentials.source", None)
    if source not in (None, "USER_INFO", "URL"):
        raise RegistryError(f"basic.auth.credentials.source {source!r}: evtctl understands "
                            "USER_INFO (basic.auth.user.info) and URL (user:password@ in the url)")
    user_info = config.get("basic.auth.user.info")
    if user_info is not None and ":" not in user_info:
        raise RegistryError("basic.auth.user.info must be user:password")
    return config
