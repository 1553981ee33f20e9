"""The files evtctl supplies to protoc offline, as Confluent Schema Registry knows them
without references: Google's well-known types (``google/protobuf/*.proto``, shipped by
grpcio-tools), Google's common types (``google/type/*.proto``, from
googleapis-common-protos) and Confluent's own (``confluent/meta.proto``,
``confluent/type/*.proto``, read from the descriptors the confluent-kafka package ships).

Used by the compiler worker only (it imports grpc_tools and protobuf).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Any


def well_known_root() -> Path:
    """Where grpcio-tools keeps ``google/protobuf/*.proto``."""
    import grpc_tools  # type: ignore[import-untyped]

    return Path(grpc_tools.__file__).parent / "_proto"


def _confluent_descriptors() -> list[bytes]:
    """The serialized ``FileDescriptorProto``s confluent-kafka ships for Confluent's own
    ``.proto`` files, read from its generated modules without importing them (importing
    would load its Schema Registry client)."""
    from importlib.util import find_spec

    spec = find_spec("confluent_kafka")
    if spec is None or not spec.submodule_search_locations:
        return []
    base = Path(next(iter(spec.submodule_search_locations))) / "schema_registry" / "confluent"
    out: list[bytes] = []
    for module in sorted(base.rglob("*_pb2.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "AddSerializedFile" and node.args):
                value = ast.literal_eval(node.args[0])
                if isinstance(value, bytes):
                    out.append(value)
    return out


def _google_type_files() -> tuple[Path | None, list[str]]:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        root = Path(str(distribution("googleapis-common-protos").locate_file("")))
    except PackageNotFoundError:
        return None, []
    names = sorted(p.relative_to(root).as_posix() for p in (root / "google" / "type").glob(
        "*.proto"))
    return root, names


def cached_known_set(run_main: Any, folder: Path) -> Path:
    """The known set, from the user's cache when the packages it comes from are the same
    versions (building it compiles Google's common types: most of a worker's start)."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("grpcio-tools", "protobuf", "googleapis-common-protos", "confluent-kafka"):
        try:
            parts.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}=-")
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    override = os.environ.get("EVTCTL_CACHE_DIR")
    try:
        if override:
            cache = Path(override)
        else:
            from platformdirs import user_cache_dir

            cache = Path(user_cache_dir("evtctl"))
        cached = cache / "protobuf" / f"known-{key}.pb"
        if cached.is_file():
            return cached
        built = build_known_set(run_main, folder)
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(built.read_bytes())
        partial.replace(cached)  # atomic: a concurrent worker reads all or nothing
        return cached
    except OSError:  # no usable cache directory: build it for this worker only
        return build_known_set(run_main, folder)


def build_known_set(run_main: Any, folder: Path) -> Path:
    """One ``FileDescriptorSet`` of the files evtctl supplies besides the well-known types."""
    from google.protobuf import descriptor_pb2

    known = descriptor_pb2.FileDescriptorSet()
    seen: set[str] = set()
    root, names = _google_type_files()
    if root is not None and names:
        out = folder / "google-type.pb"
        args = ["protoc", f"-I{root}", f"-I{well_known_root()}", "--include_imports",
                f"--descriptor_set_out={out}", *names]
        if run_main([a.encode() for a in args]) == 0:
            for f in descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file:
                if not f.name.startswith("google/protobuf/") and f.name not in seen:
                    seen.add(f.name)
                    known.file.append(f)
    for data in _confluent_descriptors():
        f = descriptor_pb2.FileDescriptorProto.FromString(data)
        if f.name not in seen and f.name.startswith("confluent/"):
            seen.add(f.name)
            known.file.append(f)
    path = folder / "known.pb"
    path.write_bytes(known.SerializeToString())
    return path
