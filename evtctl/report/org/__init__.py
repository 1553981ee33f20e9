"""Seeing the organisation: drawings of its graph (Mermaid, DOT, JSON), the offline HTML
catalogue (:mod:`evtctl.report.org.catalog`) and the AsyncAPI 3 export
(:mod:`evtctl.report.org.asyncapi`). Everything here reads :mod:`evtctl.graph`."""
