"""The garbage collector's thresholds while a whole organisation is read (lint, catalogue).

Those runs build many objects that live until the end (manifests, schemas, shared schema
nodes), and CPython's defaults (a young collection every 700 allocations, an older one every
10 younger ones) walk them again and again: about a tenth of the CPU of a large lint. Cyclic
garbage is still collected, less often. Worker processes forked meanwhile inherit them.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

GC_THRESHOLDS = (50_000, 20, 100)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """The block runs with :data:`GC_THRESHOLDS`; the caller's thresholds come back after."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
