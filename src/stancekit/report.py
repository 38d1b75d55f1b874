"""HTML rendering for notebooks and the CLI, and the demo's terminal summary.

Every piece of text from a document is escaped with :func:`html.escape`; pages are
self-contained (inline CSS, no scripts, nothing fetched).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .types import Analysis

__all__ = [
    "print_summary",
    "render_analysis_html",
    "render_corpus_html",
    "render_report",
    "write_report",
]

STANCE_COLORS = {"against": "#c0392b", "neutral": "#7f8c8d", "favor": "#1e8449"}
CSS = """
.sk{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;line-height:1.55;color:#1c2833;max-width:60rem}
.sk h2{font-size:1.25rem;margin:.2rem 0}.sk .meta{color:#566573;font-size:.85rem;margin-bottom:.6rem}
.sk .text p{margin:.4rem 0}.sk mark.actor{background:none;border-bottom:2px solid;padding:0 1px;font-weight:600}
.sk mark.against{border-color:#c0392b;color:#922b21}.sk mark.favor{border-color:#1e8449;color:#145a32}
.sk mark.neutral{border-color:#95a5a6;color:#2c3e50}
.sk .adv{outline:2px solid #d68910;border-radius:3px;background:#fef5e7}
.sk .hedged{background:#eaf2f8}.sk .certain{background:#fdedec}
.sk table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}.sk td,.sk th{border:1px solid #d5d8dc;padding:2px 6px;text-align:left}
.sk .legend span{display:inline-block;margin-right:.8rem;font-size:.8rem}
"""


def _esc(s: Any) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def _highlight(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Escape ``text`` and wrap non-overlapping spans (start, end, css class, title)."""
    out: list[str] = []
    pos = 0
    for start, end, cls, title in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos or end <= start or end > len(text):
            continue
        out.append(_esc(text[pos:start]))
        out.append(
            f'<mark class="{_esc(cls)}" title="{_esc(title)}">{_esc(text[start:end])}</mark>'
        )
        pos = end
    out.append(_esc(text[pos:]))
    return "".join(out)


def render_analysis_html(a: Analysis, *, standalone: bool = False) -> str:
    """The text with actors coloured by the author's stance, claims by certainty, advocacy boxed."""
    d = a.document
    actors = {x.actor_id: x for x in a.actor_records}
    spans: list[tuple[int, int, str, str]] = []
    for m in a.mention_records:
        if m.in_title:
            continue
        act = actors.get(m.actor_id)
        stance = act.stance if act else "neutral"
        tip = f"{act.name if act else m.actor_id} ({act.type if act else '?'}), stance {stance} {act.stance_score if act else 0:+.2f}; linked by {m.method}"
        spans.append((m.start, m.end, f"actor {stance}", tip))
    body = _highlight(d.text, spans)
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())
    rows = "".join(
        f'<tr><td>{_esc(x.name)}</td><td>{_esc(x.type)}</td><td style="color:{STANCE_COLORS.get(x.stance, "#000")}">{_esc(x.stance)}</td>'
        f"<td>{x.stance_score:+.2f}</td><td>{x.n_mentions}</td></tr>"
        for x in sorted(a.actor_records, key=lambda x: -x.salience)[:15]
    )
    adv = "".join(
        f"<li><b>{_esc(c.form)}</b>: {_esc(c.text)} <i>(speaker {_esc(c.speaker)}, addressee {_esc(c.addressee)}, target {_esc(c.target)})</i></li>"
        for c in a.advocacy_records
    )
    meta = " · ".join(_esc(x) for x in (d.author, d.source, d.published) if x)
    legend = (
        '<div class="legend"><span><mark class="actor against">actor</mark> author against</span>'
        '<span><mark class="actor neutral">actor</mark> neutral</span><span><mark class="actor favor">actor</mark> favor</span></div>'
    )
    inner = (
        f'<div class="sk"><style>{CSS}</style><h2>{_esc(d.title or d.doc_id)}</h2><div class="meta">{meta}</div>{legend}'
        f'<div class="text">{paras}</div>'
        + (
            f"<h3>Actors</h3><table><tr><th>actor</th><th>type</th><th>stance</th><th>score</th><th>mentions</th></tr>{rows}</table>"
            if rows
            else ""
        )
        + (f"<h3>Advocacy calls</h3><ul>{adv}</ul>" if adv else "")
        + "</div>"
    )
    if standalone:
        return f"<!doctype html><html><head><meta charset='utf-8'><title>{_esc(d.title)}</title></head><body>{inner}</body></html>"
    return inner


def render_corpus_html(corpus: Any) -> str:
    s = corpus.summary() if hasattr(corpus, "summary") else {}
    items = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in s.items())
    return (
        f'<div class="sk"><style>{CSS}</style><h3>stancekit Corpus</h3><table>{items}</table></div>'
    )


def render_report(analyses: Iterable[Analysis], title: str = "stancekit report") -> str:
    docs = "".join(f"<section>{render_analysis_html(a)}</section><hr>" for a in analyses)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_esc(title)}</title></head>"
        f"<body><h1 class='sk'>{_esc(title)}</h1>{docs}</body></html>"
    )


def write_report(corpus: Any, path: Any, title: str = "stancekit report") -> Path:
    analyses = corpus.analyses if hasattr(corpus, "analyses") else list(corpus)
    p = Path(path)
    p.write_text(render_report(analyses, title), encoding="utf-8")
    return p


def print_summary(corpus: Any, source: str = "") -> None:
    """Readable terminal tables (rich) of what the analysis found."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    analyses = corpus.analyses
    console.print(f"[bold]stancekit[/bold] analysed {len(analyses)} document(s) from {source}")
    t = Table(title="Documents", show_lines=False)
    for col in ("document", "outlet", "actors", "claims", "advocacy"):
        t.add_column(col)
    for a in analyses:
        t.add_row(
            (a.document.title or a.document.doc_id)[:60],
            a.document.source or "",
            str(len(a.actor_records)),
            str(sum(c.is_claim for c in a.claim_records)),
            str(len(a.advocacy_records)),
        )
    console.print(t)
