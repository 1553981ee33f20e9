"""HTML building blocks: escaping, links, tables and the page shell every page shares."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from evtctl import __version__

_SPECIAL = re.compile(r"[&<>\"']")


def esc(value: object) -> str:
    s = value if isinstance(value, str) else str(value)
    return html.escape(s, quote=True) if _SPECIAL.search(s) else s


def link(href: str, label: object, cls: str | None = None) -> str:
    attr = f' class="{esc(cls)}"' if cls else ""
    return f'<a href="{esc(href)}"{attr}>{esc(label)}</a>'


def badge(label: str, kind: str) -> str:
    return f'<span class="badge {esc(kind)}">{esc(label)}</span>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str = "none",
          cls: str = "") -> str:
    """A table of cells that are already HTML (escape when building them)."""
    body = ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    if not body:
        return f'<p class="empty">{esc(empty)}</p>'
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return (f'<table class="{esc(cls)}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def section(title: str, body: str, anchor: str | None = None) -> str:
    aid = f' id="{esc(anchor)}"' if anchor else ""
    return f"<section{aid}><h2>{esc(title)}</h2>{body}</section>"


def page(title: str, body: str, rel: str, crumbs: Sequence[tuple[str, str]] = (),
         nav_findings: bool = False, scripts: Sequence[str] = ()) -> str:
    """A whole page. ``rel`` is the path back to the site root ("" or "../")."""
    crumb = " / ".join([link(f"{rel}index.html", "Catalogue"),
                        *(link(h, t) if h else esc(t) for t, h in crumbs)])
    nav = [link(f"{rel}index.html", "Index"), link(f"{rel}flow.html", "Event flow")]
    if nav_findings:
        nav.append(link(f"{rel}findings.html", "Lint findings"))
    tags = "".join(f'<script src="{esc(rel + s)}"></script>' for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · evtctl catalogue</title>
<link rel="stylesheet" href="{esc(rel)}assets/catalog.css">
</head>
<body>
<header><nav>{" ".join(nav)}</nav><div class="crumbs">{crumb}</div></header>
<main>
<h1>{esc(title)}</h1>
{body}
</main>
<footer>Built by evtctl {esc(__version__)} from the service manifests.</footer>
{tags}
</body>
</html>
"""
