"""Shared helpers of the Avro tests: Apache Avro's vectors (kept outside the repository), a
schema loaded from a JSON value, and the Java oracle (compiled here, run in one JVM)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from evtctl.compat.avro.loader import AvroVersion, build, source_from_bytes
from evtctl.compat.avro.model import Node

REPO = Path(__file__).resolve().parents[2]
FETCH = REPO / "tests" / "java" / "fetch_avro.sh"
HARNESS = REPO / "tests" / "java" / "AvroOracle.java"
AVRO_JAVA_VERSION = os.environ.get("EVTCTL_AVRO_JAVA_VERSION", "1.12.2")


def unavailable(message: str) -> None:
    """Fail in CI, skip on a developer machine."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def vectors_file() -> Path:
    env = os.environ.get("EVTCTL_AVRO_VECTORS_DIR")
    directory = Path(env) if env else REPO.parent / "shared" / "conformance" / "apache-avro"
    return directory / "compatibility-pairs.json"


def vector_pairs() -> list[dict[str, Any]]:
    path = vectors_file()
    if not path.is_file():
        return []
    pairs: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["pairs"]
    return pairs


def require_vectors() -> list[dict[str, Any]]:
    pairs = vector_pairs()
    if not pairs:
        unavailable(f"Apache Avro vectors not found at {vectors_file()} "
                    "(set EVTCTL_AVRO_VECTORS_DIR)")
    return pairs


def version_of(value: Any, *references: Any) -> AvroVersion:
    """A loaded version from JSON values (references first, as a contract lists them)."""
    refs = [source_from_bytes(json.dumps(r).encode(), Path(f"ref{i}.avsc"), f"ref{i}.avsc")
            for i, r in enumerate(references)]
    main = source_from_bytes(json.dumps(value).encode(), Path("schema.avsc"), "schema.avsc")
    return build(main, refs)[0]


def root_of(value: Any) -> Node:
    return version_of(value).root


def avro_libs() -> Path:
    """The Avro jars, fetched once into ~/.cache/evtctl (the test fails in CI without them)."""
    explicit = os.environ.get("EVTCTL_AVRO_LIBS")
    libs = Path(explicit) if explicit else (
        Path.home() / ".cache" / "evtctl" / f"avro-{AVRO_JAVA_VERSION}" / "libs")
    if not (libs / f"avro-{AVRO_JAVA_VERSION}.jar").is_file() and shutil.which("mvn"):
        subprocess.run(["bash", str(FETCH)], check=False, capture_output=True, timeout=900)
    if not (libs / f"avro-{AVRO_JAVA_VERSION}.jar").is_file():
        unavailable(f"Apache Avro {AVRO_JAVA_VERSION} jars are not in {libs}; run: bash {FETCH}")
    return libs


class JavaOracle:
    """Apache Avro's Java library in one JVM: many cases per call."""

    def __init__(self, workdir: Path) -> None:
        javac, java = shutil.which("javac"), shutil.which("java")
        if javac is None or java is None:
            unavailable("javac/java (JDK 17) not on PATH: the Avro differential test needs them")
        assert javac is not None and java is not None
        libs = avro_libs()
        self.classpath = os.pathsep.join(str(p) for p in sorted(libs.glob("*.jar")))
        classes = workdir / "classes"
        classes.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([javac, "-d", str(classes), "-cp", self.classpath, str(HARNESS)],
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr
        self.java = java
        self.classes = classes

    def run(self, requests: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        text = "\n".join(json.dumps(r) for r in requests) + "\n"
        done = subprocess.run(
            [self.java, "-cp", os.pathsep.join((str(self.classes), self.classpath)),
             "AvroOracle"], input=text, capture_output=True, text=True, timeout=900,
            check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        assert len(answers) == len(requests), done.stderr[-3000:]
        return {a["id"]: a for a in answers}
