"""Client properties, gathered the way Kafka's own tools take them, with secrets kept out of
every message.

Sources, later ones winning:

1. ``--command-config FILE`` — a Java ``.properties`` file as given to ``kafka-topics.sh``;
   ``sasl.jaas.config`` for the PLAIN and SCRAM login modules becomes ``sasl.username`` /
   ``sasl.password``; librdkafka names (``ssl.ca.location`` …) are taken as they are;
2. environment variables ``EVTCTL_KAFKA_<PROPERTY>``, the property upper-cased with dots as
   underscores (``EVTCTL_KAFKA_SASL_PASSWORD`` → ``sasl.password``);
3. ``--bootstrap-server``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from evtctl.provision.model import ProvisionError

ENV_PREFIX = "EVTCTL_KAFKA_"
_SECRET_WORDS = ("password", "secret", "jaas", "token", "private.key", "credentials")
REDACTED = "[redacted]"

# Java client settings librdkafka has no equivalent for, with what to use instead.
_JAVA_ONLY = {
    "ssl.truststore.location": "use ssl.ca.location (a PEM file) instead",
    "ssl.truststore.password": "use ssl.ca.location (a PEM file) instead",
    "ssl.truststore.type": "use ssl.ca.location (a PEM file) instead",
    "ssl.keystore.type": "use ssl.keystore.location with a PKCS#12 file, "
                         "or ssl.certificate.location and ssl.key.location (PEM)",
}
_JAAS = re.compile(
    r"(?P<module>[\w.$]+)\s+(?:required|requisite|sufficient|optional)(?P<options>.*?);?\s*$",
    re.DOTALL,
)
_JAAS_OPTION = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+?))(?=\s|;|$)')


def is_secret(key: str) -> bool:
    key = key.lower()
    return any(word in key for word in _SECRET_WORDS)


def redacted(config: Mapping[str, str]) -> dict[str, str]:
    """The config as it may be shown: every secret value replaced."""
    return {k: (REDACTED if is_secret(k) else v) for k, v in config.items()}


def redact_text(text: str, config: Mapping[str, str]) -> str:
    """``text`` with every secret value of ``config`` replaced (for error messages)."""
    for key, value in config.items():
        if is_secret(key) and value and len(value) >= 3:
            text = text.replace(value, REDACTED)
    return text


def read_properties(path: Path) -> dict[str, str]:
    """A Java ``.properties`` file: ``key=value``, ``key: value`` or ``key value`` lines,
    ``#``/``!`` comments, backslash line continuation."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProvisionError(f"cannot read {path}: {error.strerror or error}") from None
    properties: dict[str, str] = {}
    logical = ""
    for raw in text.splitlines():
        line = raw.strip() if not logical else raw.lstrip()
        if not logical and (not line or line[0] in "#!"):
            continue
        if _continues(line):
            logical += line[:-1]
            continue
        logical += line
        key, value = _split_property(logical)
        properties[key] = value
        logical = ""
    if logical:
        key, value = _split_property(logical)
        properties[key] = value
    return properties


def _continues(line: str) -> bool:
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _split_property(line: str) -> tuple[str, str]:
    match = re.match(r"((?:[^\s=:\\]|\\.)+)\s*[=:\s]?\s*(.*)$", line, re.DOTALL)
    if match is None:
        return line, ""
    return match.group(1).replace("\\", ""), match.group(2).strip()


def _from_jaas(jaas: str, source: str) -> dict[str, str]:
    match = _JAAS.match(jaas.strip())
    if match is None:
        raise ProvisionError(f"{source}: sasl.jaas.config is not a JAAS login module line")
    module = match.group("module").rsplit(".", 1)[-1]
    if module not in ("PlainLoginModule", "ScramLoginModule"):
        raise ProvisionError(
            f"{source}: sasl.jaas.config uses {module}; evtctl understands PlainLoginModule and "
            "ScramLoginModule (set sasl.mechanism, sasl.username and sasl.password otherwise)")
    options = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
               for m in _JAAS_OPTION.finditer(match.group("options"))}
    out = {}
    if "username" in options:
        out["sasl.username"] = options["username"]
    if "password" in options:
        out["sasl.password"] = options["password"]
    return out


def _translate(properties: Mapping[str, str], source: str) -> dict[str, str]:
    """Java client names to librdkafka's where they differ."""
    out: dict[str, str] = {}
    for key, value in properties.items():
        if key in _JAVA_ONLY:
            raise ProvisionError(f"{source}: {key} is a Java-only setting; {_JAVA_ONLY[key]}")
        if key == "sasl.jaas.config":
            out.update(_from_jaas(value, source))
        elif key == "ssl.endpoint.identification.algorithm" and value == "":
            out[key] = "none"
        else:
            out[key] = value
    return out


def from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    return {
        name[len(ENV_PREFIX):].lower().replace("_", "."): value
        for name, value in environ.items()
        if name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX)
    }


def client_config(
    bootstrap_server: str | None,
    command_config: Path | None,
    environ: Mapping[str, str],
) -> dict[str, str]:
    """The librdkafka client properties for this run (may hold secrets: never print it;
    use ``redacted()``)."""
    config: dict[str, str] = {}
    if command_config is not None:
        config.update(_translate(read_properties(command_config), str(command_config)))
    config.update(_translate(from_environment(environ), "environment"))
    if bootstrap_server:
        config["bootstrap.servers"] = bootstrap_server
    if not config.get("bootstrap.servers"):
        raise ProvisionError(
            "no Kafka cluster given: pass --bootstrap-server HOST:PORT "
            f"(or bootstrap.servers in --command-config, or {ENV_PREFIX}BOOTSTRAP_SERVERS)")
    return config
