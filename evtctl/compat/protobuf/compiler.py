"""The only module that runs protoc: it sends requests to the compiler worker
(:mod:`evtctl.compat.protobuf.worker`) and bounds each in time.

One worker per process, started on first use and kept for the run, so protoc's own cost
per file is paid without a process start each time; it is restarted after a crash or a
time-out. A worker that dies, hangs or runs out of memory becomes a clear
:class:`CompileFailure`, never a traceback or a hung lint.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import selectors
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evtctl.compat.protobuf.model import ProtoFile

TIMEOUT = float(os.environ.get("EVTCTL_PROTOC_TIMEOUT", "60"))  # seconds per compilation
START_TIMEOUT = 120.0  # a first start on a loaded machine imports grpc_tools and protobuf


@dataclass(frozen=True)
class Compiled:
    files: list[ProtoFile]
    descriptor_set: bytes
    stderr: str  # protoc's warnings


@dataclass(frozen=True)
class CompileFailure:
    stderr: str  # protoc's errors, as it printed them
    reason: str = ""  # set when protoc did not answer: "crash", "timeout", "memory", "internal"


class _Worker:
    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready = False
        self.pid = os.getpid()

    def spawn(self) -> subprocess.Popen[bytes]:
        """Start the worker without waiting for it (it imports protoc meanwhile)."""
        if os.getpid() != self.pid:  # forked: the worker belongs to the parent process
            self.proc, self.ready, self.pid = None, False, os.getpid()
        if self.proc is None:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "evtctl.compat.protobuf.worker"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                close_fds=True,
            )
            self.ready = False
        return self.proc

    def _start(self) -> subprocess.Popen[bytes]:
        proc = self.spawn()
        if self.ready:
            return proc
        ready = self._read(proc, START_TIMEOUT)
        if not isinstance(ready, dict) or not ready.get("ready"):
            self.stop()
            raise RuntimeError("the protoc worker did not start")
        self.ready = True
        return proc

    def stop(self) -> None:
        proc, self.proc, self.ready = self.proc, None, False
        if proc is None or os.getpid() != self.pid:
            return  # none, or the parent's (a forked process must not stop it)
        try:
            if proc.stdin:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout:
                proc.stdout.close()

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        from evtctl.compat.protobuf.worker import send

        if os.getpid() != self.pid:  # forked: the worker belongs to the parent process
            self.proc, self.ready, self.pid = None, False, os.getpid()
        if self.proc is not None and self.proc.poll() is not None:
            self.stop()  # it died since the last request: close its pipes, start anew
        try:
            proc = self._start()
        except (RuntimeError, OSError):
            return {"ok": False, "reason": "start"}
        assert proc.stdin is not None
        try:
            send(proc.stdin, message)  # type: ignore[arg-type]
            answer = self._read(proc, timeout)
        except (BrokenPipeError, OSError):
            answer = None
        if answer is None:
            timed_out = proc.poll() is None
            self.proc = proc
            self.stop()
            return {"ok": False, "reason": "timeout" if timed_out else "crash"}
        assert isinstance(answer, dict)
        return answer

    @staticmethod
    def _read(proc: subprocess.Popen[bytes], timeout: float) -> Any:
        import pickle

        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        buffer = bytearray()
        need = 4
        size: int | None = None
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while len(buffer) < need:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, max(need - len(buffer), 65536))
                if not chunk:
                    return None
                buffer += chunk
                if size is None and len(buffer) >= 4:
                    (size,) = struct.unpack(">I", bytes(buffer[:4]))
                    need = 4 + size
        return pickle.loads(bytes(buffer[4:need]))


_WORKER = _Worker()
atexit.register(_WORKER.stop)


def compile_files(includes: list[Path], inputs: list[Path],
                  timeout: float = TIMEOUT) -> Compiled | CompileFailure:
    """Compile ``inputs`` (disk paths) with protoc, imports resolved against ``includes`` in
    order, then evtctl's well-known and common types."""
    answer = _WORKER.request(
        {"includes": [str(p) for p in includes], "inputs": [str(p) for p in inputs]}, timeout)
    if answer.get("ok"):
        return Compiled(answer["files"], answer["descriptor_set"], answer.get("stderr", ""))
    if "reason" in answer:
        return CompileFailure("", answer["reason"])
    if "limit" in answer:
        return CompileFailure("", "memory")
    if "internal" in answer:
        return CompileFailure(str(answer["internal"]), "internal")
    return CompileFailure(str(answer.get("stderr", "")))


def protoc_version() -> str:
    """grpcio-tools' version (which pins the protoc it bundles), without starting protoc."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("grpcio-tools")
    except PackageNotFoundError:  # pragma: no cover - a dependency
        return "?"
