"""Registry client properties: sources, names, errors, and secrets kept out of messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from evtctl.registry.connection import client_config, display_url, redact_text
from evtctl.registry.model import RegistryError


def test_sources_later_ones_win_and_java_prefixes_are_understood(tmp_path: Path) -> None:
    props = tmp_path / "sr.properties"
    props.write_text("schema.registry.url=http://file:8081\n"
                     "schema.registry.basic.auth.user.info=alice:from-file\n"
                     "basic.auth.credentials.source=USER_INFO\n"
                     "ssl.ca.location=/etc/ca.pem\n")
    env = {"EVTCTL_REGISTRY_BASIC_AUTH_USER_INFO": "alice:from-env", "OTHER": "x"}
    config = client_config(None, props, env)
    assert config == {"url": "http://file:8081", "basic.auth.user.info": "alice:from-env",
                      "ssl.ca.location": "/etc/ca.pem"}
    assert client_config("http://flag:1", props, env)["url"] == "http://flag:1"


@pytest.mark.parametrize(("line", "message"), [
    ("ssl.truststore.location=/x.jks", "Java-only setting; use ssl.ca.location"),
    ("basic.auth.usr.info=a:b", "unknown Schema Registry client property 'basic.auth.usr.info'"),
    ("basic.auth.user.info=nocolon", "basic.auth.user.info must be user:password"),
    ("basic.auth.credentials.source=SASL_INHERIT", "evtctl understands USER_INFO"),
])
def test_bad_properties_are_one_clear_error(tmp_path: Path, line: str, message: str) -> None:
    props = tmp_path / "sr.properties"
    props.write_text(f"url=http://h:1\n{line}\n")
    with pytest.raises(RegistryError) as caught:
        client_config(None, props, {})
    assert message in caught.value.message
    assert "nocolon" not in caught.value.message


def test_a_url_is_required_and_must_be_http() -> None:
    with pytest.raises(RegistryError) as missing:
        client_config(None, None, {})
    assert "pass --url URL" in missing.value.message
    with pytest.raises(RegistryError) as wrong:
        client_config("ftp://user:secret@h", None, {})
    assert "secret" not in wrong.value.message and "ftp://h" in wrong.value.message


def test_secrets_never_reach_messages() -> None:
    config = {"url": "https://bob:pw-in-url@sr.example:8081",
              "basic.auth.user.info": "alice:s3cret-pass", "bearer.auth.token": "tok-123456"}
    text = redact_text("failed for alice:s3cret-pass with s3cret-pass and tok-123456 at "
                       "https://bob:pw-in-url@sr.example:8081", config)
    assert "s3cret" not in text and "tok-123456" not in text and "pw-in-url" not in text
    assert display_url(config["url"]) == "https://sr.example:8081"
