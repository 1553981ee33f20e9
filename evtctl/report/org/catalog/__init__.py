"""``evtctl catalog``: a static site of the organisation that works offline from ``file://``.

:mod:`.site` builds it; :mod:`.pages` and :mod:`.index` write the pages, :mod:`.flowpage`
the event flow (laid out by Graphviz through :mod:`.layout`), :mod:`.contracts` reads the
versions through the format seam, :mod:`.findings` places lint findings on pages.
The stylesheet and script in ``assets/`` are copied as they are: no CDN, no server.
"""
