"""Contract versions for a run: the typed store (:mod:`evtctl.contracts.store`), the cache
beside it (:mod:`evtctl.contracts.cache`) and the parallel prefetch
(:mod:`evtctl.contracts.prefetch`). Format-neutral: every format-specific question goes to
:mod:`evtctl.compat.formats`."""
