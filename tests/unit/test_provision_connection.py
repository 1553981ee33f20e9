"""Client properties like Kafka's tools take them; secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from evtctl.provision.connection import client_config, read_properties, redact_text, redacted
from evtctl.provision.model import ProvisionError


def test_properties_file_and_jaas(tmp_path: Path) -> None:
    path = tmp_path / "client.properties"
    path.write_text(
        "# comment\n! also a comment\n\n"
        "security.protocol = SASL_SSL\n"
        "sasl.mechanism: SCRAM-SHA-512\n"
        "ssl.endpoint.identification.algorithm=\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n"
        '    username="svc" \\\n    password="p@ss word";\n')
    assert read_properties(path)["security.protocol"] == "SASL_SSL"
    config = client_config("h:9092", path, {})
    assert config == {
        "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
        "ssl.endpoint.identification.algorithm": "none",
        "sasl.username": "svc", "sasl.password": "p@ss word", "bootstrap.servers": "h:9092",
    }


def test_environment_overrides_file_and_flag_overrides_both(tmp_path: Path) -> None:
    path = tmp_path / "c.properties"
    path.write_text("bootstrap.servers=file:1\nsasl.password=from-file\n")
    env = {"EVTCTL_KAFKA_SASL_PASSWORD": "from-env", "EVTCTL_KAFKA_BOOTSTRAP_SERVERS": "env:1",
           "OTHER": "x"}
    assert client_config(None, path, env) == {"bootstrap.servers": "env:1",
                                              "sasl.password": "from-env"}
    assert client_config("flag:1", path, env)["bootstrap.servers"] == "flag:1"


def test_missing_bootstrap_and_java_only_settings(tmp_path: Path) -> None:
    with pytest.raises(ProvisionError, match="no Kafka cluster given"):
        client_config(None, None, {})
    path = tmp_path / "c.properties"
    path.write_text("ssl.truststore.location=/x.jks\n")
    with pytest.raises(ProvisionError, match=r"Java-only setting; use ssl\.ca\.location"):
        client_config("h:1", path, {})
    with pytest.raises(ProvisionError, match="cannot read"):
        client_config("h:1", tmp_path / "missing.properties", {})


def test_secrets_are_redacted() -> None:
    config = {"sasl.password": "hunter22", "ssl.key.password": "k3y-pass",
              "ssl.keystore.password": "store-pw", "sasl.username": "svc"}
    assert redacted(config) == {"sasl.password": "[redacted]", "ssl.key.password": "[redacted]",
                                "ssl.keystore.password": "[redacted]", "sasl.username": "svc"}
    assert redact_text("bad hunter22 and store-pw for svc", config) == \
        "bad [redacted] and [redacted] for svc"
