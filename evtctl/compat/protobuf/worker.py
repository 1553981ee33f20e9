"""The compiler worker: a child process that runs protoc (``grpc_tools``) on request.

protoc is C++ code run in-process by ``grpc_tools``; a crash, a hang or a runaway
allocation on hostile input must never reach the user's process, so it runs here, under a
memory limit, and the parent (:mod:`evtctl.compat.protobuf.compiler`) bounds each request
in time and restarts the worker if it dies. Requests and answers are length-prefixed
pickles on the worker's stdin/stdout (only evtctl's own processes are at either end).

Besides the project's include paths, protoc sees the files evtctl supplies offline
(:mod:`evtctl.compat.protobuf.known_types`).
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any, BinaryIO

from evtctl.compat.protobuf.known_types import cached_known_set, well_known_root

_HEADER = struct.Struct(">I")
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space protoc may use


def send(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: BinaryIO) -> Any:
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    data = _read_exactly(stream, size)
    if data is None:
        return None
    return pickle.loads(data)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _limit_memory() -> None:
    try:
        import resource

        limit = int(os.environ.get("EVTCTL_PROTOC_MEMORY", MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on this platform
        pass


def _run(run_main: Any, request: dict[str, Any], known: Path | None, folder: Path,
         ) -> tuple[int, str, Path]:
    out = folder / "out.pb"
    errors = folder / "stderr.txt"
    args = ["protoc"]
    args += [f"-I{p}" for p in request["includes"]]
    args.append(f"-I{well_known_root()}")
    if known is not None:
        args.append(f"--descriptor_set_in={known}")
    args += ["--include_imports", "--include_source_info", f"--descriptor_set_out={out}",
             *request["inputs"]]
    out.unlink(missing_ok=True)
    with errors.open("w+b") as err:
        saved = os.dup(2)
        os.dup2(err.fileno(), 2)
        try:
            code = run_main([a.encode() for a in args])
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return code, stderr, out


def _compile(run_main: Any, request: dict[str, Any], known: Path, known_names: frozenset[str],
             folder: Path) -> dict[str, Any]:
    from google.protobuf import descriptor_pb2

    from evtctl.compat.protobuf.descriptors import build_files

    # Reading the known set costs protoc about a third of a small file's compilation, so
    # it is given only when an import needs one of its files.
    code, stderr, out = _run(run_main, request, None, folder)
    if code != 0 and any(f"{name}: File not found." in stderr for name in known_names):
        code, stderr, out = _run(run_main, request, known, folder)
    if code != 0 or not out.exists():
        return {"ok": False, "stderr": stderr}
    data = out.read_bytes()
    files = build_files(descriptor_pb2.FileDescriptorSet.FromString(data), {})
    return {"ok": True, "stderr": stderr, "files": files, "descriptor_set": data}


def main() -> int:
    # Keep the protocol's pipes away from file descriptors 0-2, which protoc may touch.
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    _limit_memory()
    from grpc_tools import _protoc_compiler  # type: ignore[import-untyped]

    with tempfile.TemporaryDirectory(prefix="evtctl-protoc-") as tmp:
        folder = Path(tmp)
        from google.protobuf import descriptor_pb2

        known = cached_known_set(_protoc_compiler.run_main, folder)
        known_names = frozenset(f.name for f in descriptor_pb2.FileDescriptorSet.FromString(
            known.read_bytes()).file)
        send(answers, {"ready": True})
        while True:
            request = receive(requests)
            if request is None:
                return 0
            try:
                answer = _compile(_protoc_compiler.run_main, request, known, known_names,
                                  folder)
            except MemoryError:
                answer = {"ok": False, "limit": "memory"}
            except Exception:  # answered, so the parent reports it instead of hanging
                answer = {"ok": False, "internal": traceback.format_exc(limit=3)}
            send(answers, answer)


if __name__ == "__main__":
    sys.exit(main())
