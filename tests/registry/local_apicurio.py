"""A real Schema Registry for tests and benchmarks: Apicurio Registry 2.6 (in memory), whose
Confluent-compatible API lives under ``/apis/ccompat/v7``.

The jars come from Maven Central through ``tests/registry/fetch_apicurio.sh`` (cached once).
Known differences from Confluent's registry, which tests set or state explicitly: the global
compatibility level is NONE; ``?verbose=true`` verdicts carry a ``reason`` string instead of
``messages``; its JSON Schema and Protobuf checkers are its own (its JSON checker cannot
compare draft 2020-12 schemas: "could not determine version"), and it has no basic
authentication of its own (tests put :mod:`auth_proxy` in front of it).

Run it by hand with ``python tests/registry/local_apicurio.py``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

VERSION = os.environ.get("EVTCTL_APICURIO_VERSION", "2.6.13.Final")
FETCH_SCRIPT = Path(__file__).with_name("fetch_apicurio.sh")
API = "/apis/ccompat/v7"


class ApicurioUnavailable(RuntimeError):
    """Java or the Apicurio jars are missing: the registry cannot be started here."""


def home() -> Path:
    explicit = os.environ.get("EVTCTL_APICURIO_HOME")
    if explicit:
        return Path(explicit)
    return Path.home() / ".cache" / "evtctl" / f"apicurio-{VERSION}"


def find_apicurio() -> tuple[str, Path]:
    java = shutil.which("java")
    if java is None:
        raise ApicurioUnavailable("java is not on PATH (Apicurio Registry needs Java 17)")
    runners = sorted(home().glob("*-runner.jar"))
    if not runners:
        raise ApicurioUnavailable(f"Apicurio Registry {VERSION} is not in {home()}; run: "
                                  f"bash {FETCH_SCRIPT}")
    return java, runners[0]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_LIVE: weakref.WeakSet[Apicurio] = weakref.WeakSet()


@atexit.register
def _kill_all() -> None:
    for registry in list(_LIVE):
        registry.stop()


class Apicurio:
    def __init__(self, heap: str = "512m") -> None:
        self.java, self.runner = find_apicurio()
        self.heap = heap
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="evtctl-apicurio-"))
        self.log = self.workdir / "apicurio.log"
        self.process: subprocess.Popen[bytes] | None = None
        _LIVE.add(self)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    def start(self, timeout: float = 180.0) -> Apicurio:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [self.java, f"-Xmx{self.heap}", "-XX:+UseSerialGC",
                 "-Dquarkus.http.host=127.0.0.1", f"-Dquarkus.http.port={self.port}",
                 "-jar", str(self.runner)],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Apicurio exited with {self.process.returncode}; "
                                   f"log: {self._tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/subjects", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Apicurio did not answer within {timeout:.0f} s; log: {self._tail()}")

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.process = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _main() -> None:
    import signal

    registry = Apicurio().start()
    print(registry.url, flush=True)

    def stop(_signum: int, _frame: object) -> None:
        registry.stop()
        sys.exit(0)

    # A background job ignores Ctrl-C; `kill PID` (SIGTERM) must stop the registry too.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    _main()
