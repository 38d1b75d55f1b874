"""HTML rendering for notebooks and the CLI, and the demo's terminal summary.

* :func:`render_analysis_html` draws one :class:`~stancekit.types.Analysis`: the title
  and text with actor mentions coloured by the author's stance, claim sentences marked
  by certainty, advocacy calls boxed, framing tags on demand, a legend, hover details,
  and the analysis tables. ``Analysis._repr_html_`` calls it, so a notebook shows it.
* :func:`render_corpus_html` is the notebook summary of a :class:`~stancekit.corpus.Corpus`.
* :func:`render_report` / :func:`write_report` build the one-page report of
  ``stancekit report``: corpus overview (stance heatmap, framing rates, advocacy calls,
  readability, techniques), errors, and a view per document.
* :func:`print_summary` prints the tables of ``stancekit demo`` with rich.

Every piece of text that comes from a document (text, title, names, cues, messages)
is escaped with :func:`html.escape`. Pages are self-contained: inline CSS, inline SVG
charts drawn here, no scripts, no fonts, nothing fetched. Hover details are pure CSS
(``data-tip`` attributes shown by ``::before``); they also appear on keyboard focus.

Overlapping spans never break the markup: sentences (claims, advocacy) are the outer
layer, framing tags the middle, actor mentions the inner one, and a span that crosses
a boundary of an outer one is split into properly nested fragments.

Examples
--------
>>> from stancekit.types import Actor, Analysis, Document, Mention
>>> a = Analysis(
...     document=Document(text="Iran arms <b>militias</b>.", doc_id="x"),
...     actor_records=(Actor("iran", "Iran", "STATE", 1, stance="against", stance_score=-0.6),),
...     mention_records=(Mention(0, "iran", "Iran", 0, 4, 0),),
... )
>>> html = render_analysis_html(a)
>>> "&lt;b&gt;militias&lt;/b&gt;" in html and "<b>militias" not in html
True
"""

from __future__ import annotations

import html
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .types import (
    ADVOCACY_FORMS,
    STANCE_LABELS,
    Actor,
    AdvocacyCall,
    Analysis,
    Claim,
    FramingTag,
    Mention,
    StanceEvidence,
)

__all__ = [
    "CSS",
    "STANCE_COLORS",
    "STANCE_ICONS",
    "actor_summary",
    "print_summary",
    "render_analysis_html",
    "render_corpus_html",
    "render_report",
    "write_report",
]

# --------------------------------------------------------------------------- palette
#: text colour of each stance label (readable on white; also the heatmap ends)
STANCE_COLORS = {"against": "#b3261e", "neutral": "#5f6b76", "favor": "#17734a"}
#: a shape for each stance, so colour is never the only signal
STANCE_ICONS = {"against": "▼", "neutral": "●", "favor": "▲"}
_STANCE_TINTS = {"against": "#fdeceb", "neutral": "#f1f3f5", "favor": "#e5f4ec"}
_MINUS = "\u2212"

CSS = """
.sk{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 color:#1d2731;line-height:1.6;font-size:15px;max-width:62rem}
.sk *{box-sizing:border-box}
.sk h2.sk-title{font-size:1.35rem;line-height:1.35;margin:.1rem 0 .25rem;font-weight:700}
.sk h3{font-size:1.02rem;margin:1.1rem 0 .35rem}
.sk .sk-meta{color:#51606d;font-size:.86rem;margin:.1rem 0 .5rem}
.sk .sk-glance{font-size:.86rem;color:#33414d;margin:.2rem 0 .6rem}
.sk .sk-glance b{color:#1d2731}
.sk .sk-text{margin:.4rem 0 .8rem;padding:.6rem .9rem;border:1px solid #dde3e8;border-radius:6px;
 background:#fff}
.sk .sk-text p{margin:.55rem 0;white-space:pre-line}
.sk mark{background:none;color:inherit;padding:0}
.sk .act{padding:0 1px;border-radius:2px;font-weight:600}
.sk .act.against{color:#9c1f18;background:#fdeceb;border-bottom:2px solid #b3261e}
.sk .act.favor{color:#13613e;background:#e5f4ec;border-bottom:3px double #17734a}
.sk .act.neutral{color:#34414c;background:#f1f3f5;border-bottom:2px dotted #7b8792}
.sk .act::after{font-size:.62em;vertical-align:.45em;margin-left:1px;font-weight:400}
.sk .act.against::after{content:"\\25BC"}
.sk .act.favor::after{content:"\\25B2"}
.sk .cl.hedged{background:#e6effa}
.sk .cl.certain{background:#fcefd2}
.sk .adv{border:2px solid #6b3fa0;border-radius:4px;padding:1px 2px;background:#f6f0fc;
 -webkit-box-decoration-break:clone;box-decoration-break:clone}
.sk .bd{display:inline-block;font-size:.64rem;line-height:1;font-weight:700;vertical-align:.35em;
 padding:2px 3px;margin:0 2px 0 0;border-radius:3px;letter-spacing:.02em;cursor:help}
.sk .bd::after{content:"C"}
.sk .bd.plain{color:#51606d;border:1px solid #aab4bd}
.sk .bd.hedged{color:#fff;background:#1f5fa8}
.sk .bd.hedged::after{content:"C~"}
.sk .bd.certain{color:#1d2731;background:#f0b429}
.sk .bd.certain::after{content:"C!"}
.sk .bd.question{color:#51606d;border:1px dashed #aab4bd}
.sk .bd.question::after{content:"?"}
.sk .bd.call{color:#fff;background:#6b3fa0}
.sk .bd.call::after{content:"CALL"}
.sk .ft[data-tip]{position:static}
.sk .sk-ft:checked~.sk-text .ft{text-decoration:underline wavy #c05621;text-decoration-thickness:1px;
 text-underline-offset:3px;position:relative}
.sk .sk-ftl{font-size:.84rem;color:#33414d;cursor:pointer;user-select:none}
.sk .sk-ft{vertical-align:middle;margin:0 .3rem 0 0}
.sk [data-tip]{position:relative;cursor:help}
.sk [data-tip]:not(.ft):hover::before,.sk [data-tip]:not(.ft):focus::before,
.sk .sk-ft:checked~.sk-text .ft[data-tip]:hover::before{content:attr(data-tip);position:absolute;
 left:0;top:calc(100% + 5px);z-index:30;width:max-content;max-width:25rem;white-space:pre-line;
 background:#1f2933;color:#f5f7fa;font:400 .78rem/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 padding:.45rem .6rem;border-radius:5px;box-shadow:0 3px 10px rgba(0,0,0,.25);text-align:left;
 pointer-events:none;letter-spacing:0;text-transform:none;vertical-align:baseline}
.sk [data-tip]:hover:has([data-tip]:hover)::before{content:none;display:none}
.sk .sk-tech{margin:-.3rem 0 .6rem;font-size:.74rem;color:#51606d}
.sk .chip{display:inline-block;border:1px solid #c9d2da;border-radius:10px;padding:0 .45rem;margin:0 .25rem .2rem 0;
 background:#f7f9fa;white-space:nowrap}
.sk .sk-legend{display:flex;flex-wrap:wrap;gap:.25rem 1.1rem;font-size:.8rem;color:#33414d;
 margin:.3rem 0 .2rem;padding:.35rem .6rem;background:#f7f9fa;border-radius:5px;align-items:center}
.sk .sk-legend .lg{white-space:nowrap}
.sk table{border-collapse:collapse;font-size:.82rem;margin:.3rem 0 .6rem;width:auto;max-width:100%}
.sk th,.sk td{border-bottom:1px solid #e1e6ea;padding:3px 8px;text-align:left;vertical-align:top}
.sk th{background:#f1f4f6;font-weight:600;color:#26323d;white-space:nowrap}
.sk td.num,.sk th.num{text-align:right;font-variant-numeric:tabular-nums}
.sk td.txt{max-width:34rem}
.sk .evl{font-size:.76rem;color:#33414d;min-width:14rem;max-width:24rem}
.sk .evl+.evl{margin-top:2px}
.sk .st{white-space:nowrap;font-weight:600}
.sk .stw{white-space:nowrap}
.sk .st.against{color:#b3261e}.sk .st.favor{color:#17734a}.sk .st.neutral{color:#5f6b76}
.sk .bar{display:inline-block;position:relative;width:70px;height:9px;background:#eef1f3;border-radius:2px;
 vertical-align:middle;margin-left:6px}
.sk .bar::before{content:"";position:absolute;left:50%;top:-2px;bottom:-2px;border-left:1px solid #9aa5ae}
.sk .bar i{position:absolute;top:0;bottom:0;border-radius:2px}
.sk .bar i.against{background:#b3261e}.sk .bar i.favor{background:#17734a}.sk .bar i.neutral{background:#7b8792}
.sk details{margin:.3rem 0;border:1px solid #e1e6ea;border-radius:5px;padding:.25rem .6rem}
.sk details>summary{cursor:pointer;font-weight:600;font-size:.9rem;color:#26323d}
.sk details[open]>summary{margin-bottom:.3rem}
.sk .muted{color:#6b7884;font-size:.84rem}
.sk .kv{display:grid;grid-template-columns:max-content max-content;gap:0 1rem;font-size:.82rem}
.sk .kv span:nth-child(odd){color:#51606d}
.sk .sk-stats{display:flex;flex-wrap:wrap;gap:.5rem;margin:.4rem 0 .6rem}
.sk .stat{border:1px solid #dde3e8;border-radius:6px;padding:.3rem .7rem;background:#fff;min-width:6.5rem}
.sk .stat b{display:block;font-size:1.2rem;line-height:1.2}
.sk .stat span{font-size:.76rem;color:#51606d}
.sk .err td{color:#8a1c14}
.sk tr.grp td{background:#f7f9fa;font-weight:600;padding-top:6px}
.sk .nw{white-space:nowrap}
.sk .tw{overflow-x:auto;max-width:100%}
"""

_PAGE_CSS = """
html{background:#f3f5f7}
body{margin:0;padding:1.5rem 1rem 3rem}
.page{max-width:66rem;margin:0 auto}
.page>.sk{max-width:none}
.card{background:#fff;border:1px solid #dde3e8;border-radius:8px;padding:1rem 1.3rem;margin:0 0 1.2rem}
.page h1{font:700 1.6rem/1.3 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:.2rem 0 .3rem;color:#1d2731}
.card h2.sec{font-size:1.2rem;margin:.1rem 0 .5rem;border-bottom:2px solid #e1e6ea;padding-bottom:.25rem}
.sk .howto{font-size:.86rem;color:#33414d;max-width:52rem}
.sk .toc{columns:2;font-size:.86rem;margin:.2rem 0;padding-left:1.2rem}
.sk .toc a{color:#1f5fa8;text-decoration:none}
.sk a{color:#1f5fa8}
.sk svg{max-width:100%;height:auto;display:block;margin:.3rem 0 .6rem}
.sk .fig-note{font-size:.8rem;color:#51606d;margin:-.3rem 0 .8rem;max-width:52rem}
.sk-sticky{position:sticky;top:0;z-index:40;margin:0 0 1rem}
.sk-sticky .sk-legend{margin:0;background:#fff;border:1px solid #dde3e8;box-shadow:0 2px 6px rgba(0,0,0,.08)}
.card{position:relative}
.sk-top{position:absolute;right:1rem;top:.6rem;font:400 .8rem system-ui,sans-serif;color:#1f5fa8;text-decoration:none}
"""


# --------------------------------------------------------------------------- small helpers
def _esc(s: Any) -> str:
    """Escape anything for HTML text or a double-quoted attribute."""
    return html.escape("" if s is None else str(s), quote=True)


def _num(x: Any, fmt: str = "+.2f") -> str:
    """A number with a true minus sign; '' for None/NaN."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    if math.isnan(v):
        return ""
    out = format(v, fmt)
    if out.startswith("-") and float(out) == 0:  # no "−0.00"
        out = format(0.0, fmt)
    return out.replace("-", _MINUS)


def _label_of(score: float, threshold: float = 0.1) -> str:
    """The stance label of a mean score (used for aggregates across documents)."""
    if score <= -threshold:
        return "against"
    if score >= threshold:
        return "favor"
    return "neutral"


def _stance_html(label: str, score: float | None = None) -> str:
    lab = label if label in STANCE_LABELS else "neutral"
    s = f'<span class="st {lab}">{STANCE_ICONS[lab]} {_esc(label)}</span>'
    if score is not None:
        s += f" {_num(score)}{_bar(score, lab)}"
    return f'<span class="stw">{s}</span>'


def _bar(score: float, label: str) -> str:
    try:
        v = max(-1.0, min(1.0, float(score)))
    except (TypeError, ValueError):
        return ""
    left = 50 + min(v, 0) * 50
    width = abs(v) * 50
    return f'<span class="bar" aria-hidden="true"><i class="{label}" style="left:{left:.1f}%;width:{width:.1f}%"></i></span>'


def _short(text: str, n: int = 160) -> str:
    t = " ".join(str(text).split())
    return t if len(t) <= n else t[: n - 1].rstrip() + "…"


def _words(text: str | None) -> int:
    return len(re.findall(r"\w+(?:['’]\w+)*", text or ""))


_PARA_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, surrounding whitespace excluded."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in [*_PARA_BREAK.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        if m is not None:
            pos = m.end()
    return out


def _fre_label(fre: float) -> str:
    """Plain-words reading of the Flesch reading ease score."""
    if fre >= 80:
        return "easy"
    if fre >= 60:
        return "plain English"
    if fre >= 50:
        return "fairly difficult"
    if fre >= 30:
        return "difficult (college)"
    return "very difficult (graduate)"


def _features(a: Analysis) -> dict[str, Any]:
    return dict(a.feature_items)


def _meta(a: Analysis) -> dict[str, str]:
    return {str(k): str(v) for k, v in a.document.meta}


def _num_feature(feats: Mapping[str, Any], name: str) -> float | None:
    v = feats.get(name)
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


# --------------------------------------------------------------------------- inline layering
@dataclass(frozen=True)
class _Span:
    """A span to draw: outer layers (small numbers) enclose inner ones."""

    start: int
    end: int
    layer: int  # 0 claim sentence, 1 advocacy, 2 framing tag, 3 actor mention
    tag: str
    cls: str
    tip: str = ""
    badge: str = ""  # css class of an empty badge element put at the span's first character
    badge_tip: str = ""
    key: int = 0


def _open(s: _Span, first: bool) -> str:
    attrs = f' class="{_esc(s.cls)}"'
    if s.tip:
        attrs += f' data-tip="{_esc(s.tip)}" tabindex="0"'
    out = f"<{s.tag}{attrs}>"
    if first and s.badge:
        tip = f' data-tip="{_esc(s.badge_tip)}" tabindex="0"' if s.badge_tip else ""
        out += f'<span class="bd {_esc(s.badge)}"{tip}></span>'
    return out


def _render_inline(text: str, lo: int, hi: int, spans: Sequence[_Span]) -> str:
    """Escape ``text[lo:hi]`` and draw ``spans`` as properly nested elements.

    Spans are clipped to [lo, hi). Where spans overlap without nesting, the inner
    one (by layer, then by position) is closed and reopened around the outer
    boundary, so the markup is always well-formed.
    """
    clipped = []
    for s in spans:
        a, b = max(s.start, lo), min(s.end, hi)
        if b > a:
            clipped.append((a, b, s))
    if not clipped:
        return _esc(text[lo:hi])
    points = sorted({lo, hi, *(c[0] for c in clipped), *(c[1] for c in clipped)})

    def order(s: _Span) -> tuple[int, int, int, int]:
        return (s.layer, s.start, -s.end, s.key)

    out: list[str] = []
    stack: list[_Span] = []
    for a, b in itertools.pairwise(points):
        active = sorted((s for (ca, cb, s) in clipped if ca <= a and cb >= b), key=order)
        k = 0
        while k < len(stack) and k < len(active) and stack[k] is active[k]:
            k += 1
        for s in reversed(stack[k:]):
            out.append(f"</{s.tag}>")
        del stack[k:]
        for s in active[k:]:
            out.append(_open(s, first=(a == max(s.start, lo) and s.start >= lo)))
            stack.append(s)
        out.append(_esc(text[a:b]))
    for s in reversed(stack):
        out.append(f"</{s.tag}>")
    return "".join(out)


# --------------------------------------------------------------------------- tooltips
def _evidence_line(e: StanceEvidence, a: Analysis | None = None) -> str:
    """One evidence row in words: label and score, the words it points at, method and cue."""
    span = _short(_span_text(a, e.start, e.end, e.in_title), 50) if a is not None else ""
    cue = _short(e.cue or "", 50)
    parts = [f"{STANCE_ICONS.get(e.label, '')} {e.label} {_num(e.score)}".strip()]
    if span:
        parts.append(f"“{span}”")
    if cue and cue != span:
        parts.append(f"{e.method or '?'}: {cue}")
    else:
        parts.append(f"by {e.method or '?'}")
    return " · ".join(parts)


def _actor_tip(
    m: Mention,
    actor: Actor | None,
    evidence: Sequence[StanceEvidence],
    sent_bounds: tuple[int, int] | None,
    a: Analysis | None = None,
) -> str:
    if actor is None:
        return f"{m.text}\nactor {m.actor_id} (not in the actors table)\nlinked by {m.method}"
    lines = [f"{actor.name} · {actor.type}"]
    lines.append(
        f"author's stance: {STANCE_ICONS.get(actor.stance, '')} {actor.stance} "
        f"{_num(actor.stance_score)} (confidence {_num(actor.confidence, '.2f')})"
    )
    lines.append(f"{actor.n_mentions} mention(s); this one linked by {m.method}")
    own = [e for e in evidence if e.actor_id == actor.actor_id and e.holder == "author"]
    here = [
        e
        for e in own
        if e.in_title == m.in_title
        and (
            (sent_bounds is not None and e.start < sent_bounds[1] and e.end > sent_bounds[0])
            or (e.sentence_id >= 0 and e.sentence_id == m.sentence_id)
        )
    ]
    if here:
        here = sorted(here, key=lambda e: -abs(e.score) * e.weight)
        lines.append("evidence in this sentence:")
        lines += [f"• {_evidence_line(e, a)}" for e in here[:3]]
    elif own:
        strongest = sorted(own, key=lambda e: -abs(e.score) * e.weight)[:2]
        lines.append("strongest evidence elsewhere:")
        lines += [f"• {_evidence_line(e, a)}" for e in strongest]
    else:
        lines.append("no stance evidence: neutral by default")
    others = [e for e in evidence if e.actor_id == actor.actor_id and e.holder != "author"]
    if others:
        e = others[0]
        lines.append(f"also: {e.holder} is {e.label} ({len(others)} row(s))")
    return "\n".join(lines)


def _claim_tip(c: Claim) -> str:
    if c.is_question and not c.is_claim:
        head = "question (not a claim)"
    else:
        head = f"claim · {c.kind or 'kind ?'} · {c.certainty}"
    lines = [head + (f" (score {_num(c.claim_score, '.2f')})" if c.claim_score else "")]
    if c.cues:
        lines.append("cues: " + ", ".join(f"“{x}”" for x in c.cues[:6]))
    if c.attributed_to:
        cue = f" (via “{c.attribution_cue}”)" if c.attribution_cue else ""
        lines.append(f"attributed to {c.attributed_to}{cue}")
        if c.endorsement:
            lines.append(f"author {c.endorsement} it")
    if c.method:
        lines.append(f"method: {c.method}")
    return "\n".join(lines)


def _advocacy_tip(c: AdvocacyCall) -> str:
    lines = [f"advocacy call · form: {c.form}" + (f" (cue “{c.cue}”)" if c.cue else "")]
    lines.append(f"speaker: {c.speaker or '?'} → addressee: {c.addressee or 'unstated'}")
    if c.action:
        lines.append(f"action: {_short(c.action, 80)}")
    if c.target:
        lines.append(f"target: {c.target}")
    lines.append(f"method: {c.method}")
    return "\n".join(lines)


def _framing_tip(t: FramingTag) -> str:
    lines = [f"framing: {t.kind}" + (f" · about {t.actor}" if t.actor else "")]
    if t.cue:
        lines.append(f"cue: “{_short(t.cue, 60)}”")
    lines.append(f"method: {t.method} · score {_num(t.score, '.2f')}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- one document
def _spans_for(a: Analysis, in_title: bool) -> list[_Span]:
    """All spans of the title (``in_title``) or of the body."""
    text = (a.document.title or "") if in_title else a.document.text
    n = len(text)
    actors = {x.actor_id: x for x in a.actor_records}
    evidence = a.stance_records
    spans: list[_Span] = []
    key = 0
    sentences: dict[int, tuple[int, int]] = {}

    def ok(start: int, end: int) -> bool:
        return 0 <= start < end <= n

    for c in a.claim_records:
        if c.in_title != in_title or not ok(c.start, c.end):
            continue
        sentences[c.sentence_id] = (c.start, c.end)
        if not (c.is_claim or c.is_question):
            continue
        certainty = c.certainty if c.certainty in ("hedged", "certain") else "plain"
        badge = certainty if c.is_claim else "question"
        key += 1
        spans.append(
            _Span(
                c.start,
                c.end,
                0,
                "span",
                f"cl {certainty}" if c.is_claim else "cl q",
                badge=badge,
                badge_tip=_claim_tip(c),
                key=key,
            )
        )
    for v in a.advocacy_records:
        if v.in_title != in_title or not ok(v.start, v.end):
            continue
        key += 1
        spans.append(
            _Span(
                v.start,
                v.end,
                1,
                "span",
                "adv",
                badge="call",
                badge_tip=_advocacy_tip(v),
                key=key,
            )
        )
    for t in a.framing_records:
        if t.in_title != in_title or not ok(t.start, t.end):
            continue
        key += 1
        spans.append(
            _Span(t.start, t.end, 2, "span", f"ft k-{_css_ident(t.kind)}", _framing_tip(t), key=key)
        )
    for m in a.mention_records:
        if m.in_title != in_title or not ok(m.start, m.end):
            continue
        act = actors.get(m.actor_id)
        stance = act.stance if act is not None and act.stance in STANCE_LABELS else "neutral"
        key += 1
        spans.append(
            _Span(
                m.start,
                m.end,
                3,
                "mark",
                f"act {stance}",
                _actor_tip(m, act, evidence, sentences.get(m.sentence_id), a),
                key=key,
            )
        )
    return spans


def _css_ident(s: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "_", s or "x")


def legend_html() -> str:
    """The legend of the highlighted text."""
    items = [
        '<span class="lg"><mark class="act against">against</mark> author against the actor</span>',
        '<span class="lg"><mark class="act neutral">neutral</mark> neutral / no evidence</span>',
        '<span class="lg"><mark class="act favor">favor</mark> author in favour</span>',
        '<span class="lg"><span class="bd plain"></span>claim</span>',
        '<span class="lg"><span class="cl hedged"><span class="bd hedged"></span>hedged claim</span></span>',
        '<span class="lg"><span class="cl certain"><span class="bd certain"></span>certain claim</span></span>',
        '<span class="lg"><span class="adv"><span class="bd call"></span>advocacy call</span></span>',
    ]
    items.append('<span class="lg muted">hover or tab to a mark for details</span>')
    return f'<div class="sk-legend">{"".join(items)}</div>'


def _glance(a: Analysis) -> str:
    claims = [c for c in a.claim_records if c.is_claim]
    hedged = sum(c.certainty == "hedged" for c in claims)
    certain = sum(c.certainty == "certain" for c in claims)
    n_sent = len(a.claim_records)
    parts = [
        f"<b>{len(a.actor_records)}</b> actors",
        f"<b>{len(claims)}</b> claims"
        + (f" in {n_sent} sentences" if n_sent else "")
        + (f" ({hedged} hedged, {certain} certain)" if claims else ""),
        f"<b>{len(a.advocacy_records)}</b> advocacy calls",
        f"<b>{len(a.framing_records)}</b> framing tags",
        f"<b>{len(a.technique_records)}</b> persuasion techniques",
    ]
    present = [f for f in a.frame_records if f.present]
    if present:
        parts.append("frames: " + ", ".join(_esc(f.frame.replace("_", " ")) for f in present[:3]))
    return '<div class="sk-glance">' + " · ".join(parts) + "</div>"


def _meta_line(a: Analysis) -> str:
    d = a.document
    feats = _features(a)
    parts = [_esc(x) for x in (d.author, d.source, d.published) if x]
    genre = feats.get("genre")
    if genre:
        g = f"genre: {_esc(genre)}"
        gs = _num_feature(feats, "genre_score")
        if gs is not None:
            g += f" ({gs:.2f})"
        labelled = _meta(a).get("genre")
        if labelled and labelled != genre:
            g += f", labelled {_esc(labelled)}"
        parts.append(g)
    parts.append(f"{_words(d.text):,} words")
    fre = _num_feature(feats, "flesch_reading_ease")
    if fre is not None:
        parts.append(f"Flesch reading ease {fre:.0f} ({_fre_label(fre)})")
    if d.url:
        parts.append(_esc(d.url))
    return '<div class="sk-meta">' + " · ".join(parts) + "</div>"


def _body_html(a: Analysis) -> str:
    text = a.document.text
    spans = _spans_for(a, in_title=False)
    by_para: dict[int, dict[str, float]] = defaultdict(dict)
    paras = _paragraphs(text)
    starts = [p[0] for p in paras]
    import bisect

    for t in a.technique_records:
        if t.in_title or not paras:
            continue
        i = max(0, bisect.bisect_right(starts, t.start) - 1)
        name = t.technique
        by_para[i][name] = max(by_para[i].get(name, 0.0), float(t.score))
    out = []
    for i, (s, e) in enumerate(paras):
        out.append(f"<p>{_render_inline(text, s, e, spans)}</p>")
        if by_para.get(i):
            chips = "".join(
                f'<span class="chip" title="persuasion technique, score {sc:.2f}">'
                f"{_esc(name.replace('_', ' '))} {sc:.2f}</span>"
                for name, sc in sorted(by_para[i].items(), key=lambda kv: -kv[1])
            )
            out.append(f'<div class="sk-tech">techniques: {chips}</div>')
    if not out:
        out.append('<div class="muted">(empty text)</div>')
    return "".join(out)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], num: Sequence[int] = ()) -> str:
    """An HTML table; cells are already-escaped HTML strings."""
    head = "".join(
        f'<th class="num">{_esc(h)}</th>' if i in num else f"<th>{_esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for r in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>" for i, c in enumerate(r)
        )
        body.append(f"<tr>{cells}</tr>")
    return f'<div class="tw"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _actors_table(a: Analysis, limit: int = 25) -> str:
    if not a.actor_records:
        return '<p class="muted">No actors found.</p>'
    ev: dict[str, list[StanceEvidence]] = defaultdict(list)
    for e in a.stance_records:
        if e.holder == "author":
            ev[e.actor_id].append(e)
    rows = []
    ordered = sorted(a.actor_records, key=lambda x: (-x.salience, -x.n_mentions, x.name))
    for x in ordered[:limit]:
        cues = sorted(ev.get(x.actor_id, []), key=lambda e: -abs(e.score) * e.weight)[:2]
        cue_html = "".join(f'<div class="evl">{_esc(_evidence_line(e, a))}</div>' for e in cues)
        rows.append(
            (
                _esc(x.name),
                _esc(x.type),
                str(x.n_mentions),
                _num(x.salience, ".2f"),
                _stance_html(x.stance, x.stance_score),
                _num(x.confidence, ".2f"),
                cue_html,
            )
        )
    more = (
        f'<p class="muted">… and {len(ordered) - limit} more (see <code>a.actors</code>).</p>'
        if len(ordered) > limit
        else ""
    )
    return (
        _table(
            ("actor", "type", "mentions", "salience", "author's stance", "confidence", "evidence"),
            rows,
            num=(2, 3, 5),
        )
        + more
    )


def _advocacy_table(
    calls: Sequence[AdvocacyCall], groups: Sequence[tuple[str, int]] | None = None
) -> str:
    """Advocacy calls; with ``groups`` ((heading html, number of calls) in order), a
    heading row per document and no action column (the call text shows it)."""
    headers = ["form", "speaker", "addressee", "action", "target", "call"]
    if groups is not None:
        headers.remove("action")
    head = "".join(f"<th>{h}</th>" for h in headers)
    body: list[str] = []
    bounds: dict[int, str] = {}
    if groups is not None:
        k = 0
        for heading, n in groups:
            bounds[k] = heading
            k += n
    for i, c in enumerate(calls):
        if i in bounds:
            body.append(f'<tr class="grp"><td colspan="{len(headers)}">{bounds[i]}</td></tr>')
        cells = [
            f'<span class="nw">{_esc(c.form)}</span>',
            _esc(c.speaker),
            _esc(c.addressee or ""),
            _esc(c.action or ""),
            _esc(c.target or ""),
            f'<span class="txt">{_esc(_short(c.text, 220))}</span>',
        ]
        if groups is not None:
            del cells[3]
        body.append("<tr>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
    return f'<div class="tw"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _details(summary: str, body: str, open_: bool = False) -> str:
    return f"<details{' open' if open_ else ''}><summary>{summary}</summary>{body}</details>"


def _doc_tables(a: Analysis) -> str:
    out = ["<h3>Actors and the author's stance</h3>", _actors_table(a)]
    out.append(
        '<p class="muted">Stance score runs from −1 (against) to +1 (favour); '
        "confidence says how much evidence backs it. Evidence lists the strongest cues.</p>"
    )
    if a.advocacy_records:
        out.append(f"<h3>Advocacy calls ({len(a.advocacy_records)})</h3>")
        out.append(_advocacy_table(a.advocacy_records))
    claims = [c for c in a.claim_records if c.is_claim]
    if claims:
        rows: list[tuple[str, ...]] = [
            (
                str(c.sentence_id),
                _esc(c.kind or ""),
                _esc(c.certainty),
                _esc(", ".join(c.cues)),
                _esc(c.attributed_to or ""),
                f'<span class="txt">{_esc(_short(c.text, 200))}</span>',
            )
            for c in claims
        ]
        kinds = Counter(c.kind or "?" for c in claims)
        summ = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        out.append(
            _details(
                f"Claims ({len(claims)} of {len(a.claim_records)} sentences: {_esc(summ)})",
                _table(("sent.", "kind", "certainty", "cues", "attributed to", "text"), rows, (0,)),
            )
        )
    if a.framing_records:
        kinds = Counter(t.kind for t in a.framing_records)
        rows = [
            (_esc(t.kind), _esc(t.text), _esc(t.cue), _esc(t.method), _num(t.score, ".2f"))
            for t in a.framing_records
        ]
        out.append(
            _details(
                "Framing tags ("
                + _esc(", ".join(f"{k} {n}" for k, n in kinds.most_common()))
                + ")",
                _table(("kind", "text", "cue", "method", "score"), rows, (4,)),
            )
        )
    if a.technique_records:
        rows = [
            (
                _esc(t.technique.replace("_", " ")),
                _num(t.score, ".2f"),
                _esc(t.method),
                f'<span class="txt">{_esc(_short(_span_text(a, t.start, t.end, t.in_title), 160))}</span>',
            )
            for t in sorted(a.technique_records, key=lambda t: -t.score)
        ]
        out.append(
            _details(
                f"Persuasion techniques ({len(a.technique_records)})",
                _table(("technique", "score", "method", "passage"), rows, (1,)),
            )
        )
    if a.frame_records:
        rows = [
            (
                _esc(f.frame.replace("_", " ")),
                _num(f.score, ".2f"),
                "yes" if f.present else "",
                _esc(f.method),
            )
            for f in sorted(a.frame_records, key=lambda f: -f.score)
        ]
        out.append(
            _details(
                "Issue frames ("
                + _esc(", ".join(f.frame.replace("_", " ") for f in a.frame_records if f.present))
                + ")",
                _table(("frame", "score", "present", "method"), rows, (1,)),
            )
        )
    if a.relation_records:
        rows = [
            (_esc(r.source), _esc(r.kind), _esc(r.target), _esc(r.cue), _esc(r.method))
            for r in a.relation_records
        ]
        out.append(
            _details(
                f"Relations between actors ({len(a.relation_records)})",
                _table(("source", "relation", "target", "cue", "method"), rows),
            )
        )
    if a.stance_records:
        names = {x.actor_id: x.name for x in a.actor_records}
        rows = [
            (
                _esc(names.get(e.actor_id, e.actor_id)),
                _esc(e.holder),
                _stance_html(e.label),
                _num(e.score),
                _num(e.weight, ".2f"),
                _esc(_short(_span_text(a, e.start, e.end, e.in_title), 80)),
                _esc(e.cue),
                _esc(e.method),
            )
            for e in a.stance_records
        ]
        out.append(
            _details(
                f"Stance evidence ({len(a.stance_records)} rows)",
                _table(
                    ("actor", "holder", "label", "score", "weight", "words", "cue", "method"),
                    rows,
                    (3, 4),
                ),
            )
        )
    feats = _features(a)
    if feats:
        cells = "".join(
            f"<span>{_esc(k)}</span><span>{_esc(_fmt_feature(v))}</span>"
            for k, v in sorted(feats.items())
        )
        out.append(_details(f"Document features ({len(feats)})", f'<div class="kv">{cells}</div>'))
    d = a.document
    if d.dropped or d.notes:
        items = "".join(
            f"<li><b>{_esc(x.reason)}</b>: {_esc(_short(x.text, 120))}</li>" for x in d.dropped
        ) + "".join(f"<li>{_esc(n)}</li>" for n in d.notes)
        out.append(
            _details(
                f"Removed from the input / notes ({len(d.dropped) + len(d.notes)})",
                f"<ul>{items}</ul>",
            )
        )
    return "".join(out)


def _span_text(a: Analysis, start: int, end: int, in_title: bool) -> str:
    text = (a.document.title or "") if in_title else a.document.text
    return text[max(0, start) : max(0, end)]


def _fmt_feature(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".") if not math.isnan(v) else ""
    return "" if v is None else str(v)


def render_analysis_html(
    a: Analysis,
    *,
    standalone: bool = False,
    anchor: str | None = None,
    css: bool = True,
    tables: bool = True,
    legend: bool = True,
) -> str:
    """One analysis as HTML: title, metadata, legend, highlighted text, tables.

    Parameters
    ----------
    a:
        The analysis.
    standalone:
        Return a whole page (``<!doctype html>`` ...) instead of a fragment.
    anchor:
        The ``id`` of the fragment (and prefix of its element ids); defaults to one
        derived from the doc_id and the text.
    css:
        Include the stylesheet (a report page includes it once instead).
    tables:
        Add the tables below the text.
    legend:
        Add the legend above the text (a report page shows one sticky legend instead).
    """
    d = a.document
    if anchor is None:
        import hashlib

        digest = hashlib.sha1(f"{d.doc_id}\0{d.text}".encode()).hexdigest()[:10]
        anchor = f"sk-{digest}"
    anchor = _css_ident(anchor)
    title_text = d.title or ""
    if title_text:
        title_html = _render_inline(title_text, 0, len(title_text), _spans_for(a, in_title=True))
    else:
        title_html = _esc(d.doc_id or "(untitled document)")
    toggle = ""
    if a.framing_records:
        tid = f"{anchor}-ft"
        toggle = (
            f'<input type="checkbox" class="sk-ft" id="{tid}">'
            f'<label class="sk-ftl" for="{tid}">show framing tags ({len(a.framing_records)}: '
            f'<span style="text-decoration:underline wavy #c05621">wavy underline</span>)</label>'
        )
    parts = [
        f'<div class="sk sk-doc" id="{anchor}">',
        f"<style>{CSS}</style>" if css else "",
        f'<h2 class="sk-title">{title_html}</h2>',
        _meta_line(a),
        _glance(a),
        legend_html() if legend else "",
        toggle,
        f'<div class="sk-text">{_body_html(a)}</div>',
        _doc_tables(a) if tables else "",
        "</div>",
    ]
    inner = "".join(parts)
    if standalone:
        return _page(d.title or d.doc_id or "stancekit analysis", inner)
    return inner


def _page(title: str, body: str, css: bool = False) -> str:
    style = f"<style>{CSS}{_PAGE_CSS}</style>" if css else f"<style>{_PAGE_CSS}</style>"
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{_esc(title)}</title>{style}</head>"
        f"<body><div class='page'>{body}</div></body></html>\n"
    )


# --------------------------------------------------------------------------- corpus aggregates
def _analyses_of(corpus: Any) -> list[Analysis]:
    if isinstance(corpus, Analysis):
        return [corpus]
    if hasattr(corpus, "analyses"):
        return list(corpus.analyses)
    return list(corpus)


def actor_summary(analyses: Iterable[Analysis]) -> list[dict[str, Any]]:
    """Actors across documents: name, type, docs, mentions, mean author's stance, by outlet.

    Actors are grouped by knowledge-base id when they have one, else by canonical
    name. ``stance`` is the label of the mean score (below −0.1 against, above
    0.1 favour). Sorted by number of documents, then mentions.
    """
    groups: dict[str, dict[str, Any]] = {}
    for a in analyses:
        outlet = a.document.source or "(unknown)"
        for x in a.actor_records:
            key = x.kb_id or x.name.casefold()
            g = groups.setdefault(
                key,
                {
                    "name": x.name,
                    "type": x.type,
                    "docs": 0,
                    "mentions": 0,
                    "scores": [],
                    "labels": Counter(),
                    "by_outlet": defaultdict(list),
                },
            )
            g["docs"] += 1
            g["mentions"] += x.n_mentions
            g["scores"].append(x.stance_score)
            g["labels"][x.stance] += 1
            g["by_outlet"][outlet].append(x.stance_score)
    out = []
    for g in groups.values():
        mean = sum(g["scores"]) / len(g["scores"])
        out.append(
            {
                "name": g["name"],
                "type": g["type"],
                "docs": g["docs"],
                "mentions": g["mentions"],
                "mean_score": mean,
                "stance": _label_of(mean),
                "labels": dict(g["labels"]),
                "by_outlet": {k: sum(v) / len(v) for k, v in g["by_outlet"].items()},
            }
        )
    out.sort(key=lambda r: (-r["docs"], -r["mentions"], r["name"]))
    return out


def render_corpus_html(corpus: Any, *, top: int = 12) -> str:
    """Notebook summary of a Corpus (or a list of Analysis): counts, top actors, calls."""
    done = getattr(corpus, "_done", True)
    if not done:
        return (
            f'<div class="sk"><style>{CSS}</style><h3>stancekit Corpus (not run yet)</h3>'
            '<p class="muted">Nothing has been analysed yet: iterate over it, read a table '
            "(<code>corpus.actors</code>) or call <code>corpus.run()</code>.</p></div>"
        )
    analyses = _analyses_of(corpus)
    errors = getattr(corpus, "errors", None)
    n_err = len(errors) if errors is not None else 0
    n_claims = sum(sum(c.is_claim for c in a.claim_records) for a in analyses)
    n_calls = sum(len(a.advocacy_records) for a in analyses)
    stats = [
        ("documents", len(analyses)),
        ("errors", n_err),
        ("actors (distinct)", len(actor_summary(analyses))),
        ("claims", n_claims),
        ("advocacy calls", n_calls),
        ("words", sum(_words(a.document.text) for a in analyses)),
    ]
    stat_html = "".join(
        f'<div class="stat"><b>{v:,}</b><span>{_esc(k)}</span></div>' for k, v in stats
    )
    actors = actor_summary(analyses)[:top]
    rows = [
        (
            _esc(r["name"]),
            _esc(r["type"]),
            str(r["docs"]),
            str(r["mentions"]),
            _stance_html(r["stance"], r["mean_score"]),
        )
        for r in actors
    ]
    forms = Counter(c.form for a in analyses for c in a.advocacy_records)
    form_rows = [(_esc(f), str(forms[f])) for f in sorted(forms, key=lambda f: (-forms[f], f))]
    genres = Counter(str(_features(a).get("genre") or "?") for a in analyses)
    parts = [
        f'<div class="sk"><style>{CSS}</style><h3>stancekit Corpus</h3>',
        f'<div class="sk-stats">{stat_html}</div>',
    ]
    if rows:
        parts.append("<h3>Top actors and the mean author's stance</h3>")
        parts.append(
            _table(("actor", "type", "documents", "mentions", "mean stance"), rows, (2, 3))
        )
    if form_rows:
        parts.append("<h3>Advocacy calls by form</h3>")
        parts.append(_table(("form", "calls"), form_rows, (1,)))
    if analyses:
        parts.append(
            '<p class="muted">genres: '
            + _esc(", ".join(f"{g} {n}" for g, n in genres.most_common()))
            + "</p>"
        )
    if n_err:
        parts.append(f"<h3>Errors ({n_err}): inputs without a result</h3>")
        parts.append(_errors_html(errors, limit=5))
    parts.append(
        '<p class="muted">Tables: <code>corpus.actors</code>, <code>corpus.claims</code>, '
        "<code>corpus.advocacy</code> … (doc_id first); <code>stancekit.stance_matrix(corpus)</code>.</p></div>"
    )
    return "".join(parts)


def _errors_html(errors: Any, limit: int | None = None) -> str:
    if errors is None or len(errors) == 0:
        return '<p class="muted">No errors: every input was analysed.</p>'
    rows = [
        (_esc(r.doc_id), _esc(r.stage), _esc(r.error_type), _esc(_short(r.message, 300)))
        for r in errors.itertuples(index=False)
    ]
    more = ""
    if limit is not None and len(rows) > limit:
        more = f'<p class="muted">… {len(rows) - limit} more in <code>corpus.errors</code>.</p>'
        rows = rows[:limit]
    return (
        '<div class="err">'
        + _table(("document", "stage", "error", "message"), rows)
        + "</div>"
        + more
    )


# --------------------------------------------------------------------------- SVG charts
def _mix(c1: str, c2: str, t: float) -> str:
    t = max(0.0, min(1.0, t))
    a = [int(c1[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(c2[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


def _diverging(v: float) -> str:
    """-1 -> against colour, 0 -> light grey, +1 -> favour colour."""
    mid = "#f2f2f2"
    if v < 0:
        return _mix(mid, STANCE_COLORS["against"], min(1.0, -v))
    return _mix(mid, STANCE_COLORS["favor"], min(1.0, v))


def _sequential(v: float) -> str:
    return _mix("#f4f7fb", "#2c4f8a", v)


def _luma(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _text_w(s: str, size: float = 12) -> float:
    return len(s) * size * 0.56


def svg_heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    values: Mapping[tuple[str, str], float],
    *,
    color: Any = _diverging,
    fmt: Any = None,
    title: str = "",
    cell_w: int = 54,
    cell_h: int = 24,
    note: str = "",
) -> str:
    """A heatmap as inline SVG: rows x cols, a value (or none) per cell, printed in the cell."""
    fmt = fmt or (lambda v: _num(v, "+.2f"))
    label_w = int(min(260, max([_text_w(r) for r in rows] + [40]) + 12))
    col_labels = [_short(c, 28) for c in cols]
    head_h = int(min(180, max([_text_w(c, 11.5) for c in col_labels] + [30]) * 0.72 + 24))
    top = head_h + (22 if title else 0)
    # rotated column labels lean right: leave room for the last one
    width = int(
        label_w + cell_w * len(cols) + 20 + max([_text_w(c, 11.5) for c in col_labels] + [0]) * 0.77
    )
    height = top + cell_h * len(rows) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title or "heatmap")}" '
        'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif">'
    ]
    if title:
        out.append(
            f'<text x="0" y="15" font-size="14" font-weight="600" fill="#1d2731">{_esc(title)}</text>'
        )
    for j, c in enumerate(col_labels):
        x = label_w + j * cell_w + cell_w / 2
        out.append(
            f'<text transform="translate({x:.1f},{top - 6}) rotate(-40)" font-size="11.5" '
            f'fill="#33414d">{_esc(c)}<title>{_esc(cols[j])}</title></text>'
        )
    for i, r in enumerate(rows):
        y = top + i * cell_h
        out.append(
            f'<text x="{label_w - 8}" y="{y + cell_h / 2 + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#1d2731">{_esc(_short(r, 40))}</text>'
        )
        for j, c in enumerate(cols):
            x = label_w + j * cell_w
            v = values.get((r, c))
            if v is None or (isinstance(v, float) and math.isnan(v)):
                out.append(
                    f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                    'fill="#ffffff" stroke="#e6e9ec"/>'
                )
                continue
            fill = color(v)
            ink = "#ffffff" if _luma(fill) < 0.5 else "#1d2731"
            out.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{fill}" rx="2"><title>{_esc(r)} · {_esc(c)}: {_esc(fmt(v))}</title></rect>'
                f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 4:.1f}" font-size="11" '
                f'text-anchor="middle" fill="{ink}">{_esc(fmt(v))}</text>'
            )
    out.append("</svg>")
    svg = "".join(out)
    return svg + (f'<p class="fig-note">{note}</p>' if note else "")


def svg_bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    vmax: float | None = None,
    fmt: Any = None,
    colors: Sequence[str] | None = None,
    notes: Sequence[str] | None = None,
    bar_w: int = 360,
) -> str:
    """Horizontal bars as inline SVG, the value printed at the end of each bar."""
    fmt = fmt or (lambda v: f"{v:.1f}")
    label_w = int(min(300, max([_text_w(lab) for lab in labels] + [40]) + 12))
    top = 24 if title else 4
    row_h = 22
    vmax = vmax or max([abs(v) for v in values] + [1e-9])
    width = label_w + bar_w + 190
    height = top + row_h * len(labels) + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title or "bar chart")}" '
        'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif">'
    ]
    if title:
        out.append(
            f'<text x="0" y="15" font-size="14" font-weight="600" fill="#1d2731">{_esc(title)}</text>'
        )
    for i, (lab, v) in enumerate(zip(labels, values)):
        y = top + i * row_h
        w = max(0.0, bar_w * (v / vmax)) if vmax else 0.0
        col = colors[i] if colors else "#4a6fa5"
        note = f"  {notes[i]}" if notes and notes[i] else ""
        out.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="#1d2731">{_esc(_short(lab, 44))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{col}" rx="2">'
            f"<title>{_esc(lab)}: {_esc(fmt(v))}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="11.5" fill="#33414d">{_esc(fmt(v) + note)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------- the report page
def _doc_label(a: Analysis) -> str:
    return a.document.doc_id or (a.document.title or "document")


def _framing_rates(analyses: Sequence[Analysis]) -> tuple[list[str], dict[tuple[str, str], float]]:
    """Framing tags per 1,000 words, by document and kind: the ``rate_<kind>`` features
    when the framing stage computed them, else counted from the framing table."""
    totals: dict[str, float] = defaultdict(float)
    values: dict[tuple[str, str], float] = {}
    for a in analyses:
        feats = _features(a)
        rates = {
            k[5:]: v
            for k in feats
            if k.startswith("rate_") and (v := _num_feature(feats, k)) is not None
        }
        if not rates:
            words = max(1, _words(a.document.text) + _words(a.document.title))
            counts = Counter(t.kind for t in a.framing_records)
            rates = {k: 1000.0 * n / words for k, n in counts.items()}
        for k, v in rates.items():
            if v > 0:
                values[(_doc_label(a), k)] = v
                totals[k] += v
    return sorted(totals, key=lambda k: (-totals[k], k)), values


def _overview(analyses: Sequence[Analysis], anchors: Mapping[str, str]) -> str:
    out: list[str] = []
    # documents table
    rows = []
    for a in analyses:
        feats = _features(a)
        claims = [c for c in a.claim_records if c.is_claim]
        fre = _num_feature(feats, "flesch_reading_ease")
        genre = str(feats.get("genre") or "")
        labelled = _meta(a).get("genre")
        if labelled and genre and labelled != genre:
            genre += f" (labelled {labelled})"
        rows.append(
            (
                f'<a href="#{anchors[_doc_label(a)]}">{_esc(_doc_label(a))}</a>',
                _esc(a.document.source or ""),
                _esc(genre),
                f"{_words(a.document.text):,}",
                f"{fre:.0f}" if fre is not None else "",
                str(len(a.actor_records)),
                f"<span class='nw'>{len(claims)}"
                + (
                    f" <span class='muted'>({sum(c.certainty == 'hedged' for c in claims)} h, "
                    f"{sum(c.certainty == 'certain' for c in claims)} c)</span>"
                    if claims
                    else ""
                )
                + "</span>",
                str(len(a.advocacy_records)),
                str(len(a.technique_records)),
            )
        )
    out.append("<h3>Documents</h3>")
    out.append(
        _table(
            (
                "document",
                "outlet",
                "genre",
                "words",
                "Flesch",
                "actors",
                "claims",
                "calls",
                "techniques",
            ),
            rows,
            num=(3, 4, 5, 7, 8),
        )
    )
    out.append(
        '<p class="fig-note">Flesch reading ease: higher is easier (60–70 plain English, below 30 '
        "very difficult). Claims: sentences that assert something checkable or arguable "
        "(h = hedged, c = certain). Genre is predicted by a model; the label from the sample "
        "index is shown when it disagrees.</p>"
    )
    # stance heatmap: actor x outlet
    summary = actor_summary(analyses)
    outlets = sorted({a.document.source or "(unknown)" for a in analyses})
    multi = [r for r in summary if r["docs"] >= 2]
    chosen = (multi if len(multi) >= 5 else summary)[:25]
    if chosen:
        values = {(r["name"], o): s for r in chosen for o, s in r["by_outlet"].items()}
        out.append("<h3>Actors and the author's stance, by outlet</h3>")
        out.append(
            svg_heatmap(
                [r["name"] for r in chosen],
                outlets,
                values,
                note=(
                    "Mean author's stance score toward each actor in each outlet's documents: "
                    f"{STANCE_ICONS['against']} red is against (−1), grey neutral, "
                    f"{STANCE_ICONS['favor']} green is in favour (+1); the number is printed so "
                    "colour is not needed to read it. Empty cells: the actor does not appear. "
                    + (
                        "Only actors found in at least two documents are shown."
                        if chosen is multi or (multi and chosen[0] is multi[0])
                        else "All actors, most frequent first."
                    )
                ),
            )
        )
    # framing rates
    kinds, rates = _framing_rates(analyses)
    if kinds:
        vmax = max(rates.values()) or 1.0
        out.append("<h3>Framing rates per document</h3>")
        out.append(
            svg_heatmap(
                [_doc_label(a) for a in analyses],
                kinds,
                rates,
                color=lambda v: _sequential(v / vmax),
                fmt=lambda v: f"{v:.1f}",
                cell_w=64,
                note="Framing tags per 1,000 words (advocacy, threat, loaded language, us-vs-them, "
                "hedges …). Compare documents, not absolute values: the cue lists are not exhaustive.",
            )
        )
    # advocacy
    calls = [(a, c) for a in analyses for c in a.advocacy_records]
    out.append(f"<h3>Advocacy calls ({len(calls)})</h3>")
    if calls:
        forms = Counter(c.form for _, c in calls)
        form_order = sorted(forms, key=lambda f: ((*ADVOCACY_FORMS, f).index(f), f))
        counts: dict[tuple[str, str], float] = {}
        for a, c in calls:
            key = (_doc_label(a), c.form)
            counts[key] = counts.get(key, 0) + 1
        cmax = max(counts.values())
        out.append(
            svg_heatmap(
                [_doc_label(a) for a in analyses],
                form_order,
                counts,
                color=lambda v: _mix("#f6f1fb", "#6b3fa0", v / cmax),
                fmt=lambda v: f"{v:.0f}",
                cell_w=64,
                note="Calls to action per document, by grammatical form (modal: should, must …; "
                "call-on: we urge, we call on …; negated-permission: cannot be allowed to …).",
            )
        )
        addressees = Counter(c.addressee for _, c in calls if c.addressee)
        if addressees:
            out.append(
                '<p class="muted">most addressed: '
                + _esc(", ".join(f"{x} {n}" for x, n in addressees.most_common(8)))
                + "</p>"
            )
        table = _advocacy_table(
            [c for _, c in calls],
            groups=[
                (
                    f'<a href="#{anchors[_doc_label(a)]}">{_esc(_doc_label(a))}</a>'
                    f' <span class="muted">{_esc(a.document.source or "")}</span>',
                    len(a.advocacy_records),
                )
                for a in analyses
                if a.advocacy_records
            ],
        )
        out.append(_details(f"All {len(calls)} calls: who calls on whom to do what", table))
    else:
        out.append('<p class="muted">No advocacy calls found.</p>')
    # readability
    fres: list[tuple[Analysis, float]] = [
        (a, v)
        for a in analyses
        if (v := _num_feature(_features(a), "flesch_reading_ease")) is not None
    ]
    if fres:
        out.append("<h3>Readability</h3>")
        notes = []
        for a, _ in fres:
            g = _num_feature(_features(a), "flesch_kincaid_grade")
            notes.append(f"(grade {g:.1f})" if g is not None else "")
        out.append(
            svg_bars(
                [_doc_label(a) for a, _ in fres],
                [max(0.0, v) for _, v in fres],
                vmax=100,
                fmt=lambda v: f"{v:.0f}",
                notes=notes,
                colors=["#4a6fa5"] * len(fres),
            )
        )
        out.append(
            '<p class="fig-note">Flesch reading ease (0–100, higher is easier) with the '
            "Flesch–Kincaid grade: the US school year a reader needs. Both count only word and "
            "sentence lengths, not ideas.</p>"
        )
    # techniques
    tech = Counter(t.technique for a in analyses for t in a.technique_records)
    if tech:
        top = tech.most_common(12)
        out.append("<h3>Persuasion techniques</h3>")
        out.append(
            svg_bars(
                [t.replace("_", " ") for t, _ in top],
                [float(n) for _, n in top],
                fmt=lambda v: f"{v:.0f}",
                colors=["#8a6d3b"] * len(top),
            )
        )
        out.append(
            '<p class="fig-note">Passages flagged by the persuasion-technique model, counted over '
            "all documents (SemEval-2023 Task 3 names). A flag is a pointer to read the passage, "
            "not a verdict.</p>"
        )
    return "".join(out)


_HOWTO = (
    "<p class='howto'>Each document below shows its text with <b>actor mentions</b> coloured by "
    "the author's stance toward the actor (red ▼ against, grey neutral, green ▲ in favour), "
    "<b>claims</b> marked by a small badge (C plain, C~ hedged, C! certain), and <b>advocacy "
    "calls</b> (sentences that tell someone to act) boxed in purple. Hover over or tab to a mark "
    "to see why: the cue, the rule or model, and the score. Scores are machine estimates with "
    "evidence, meant to be checked by reading.</p>"
)


def render_report(
    analyses: Iterable[Analysis],
    title: str = "stancekit report",
    *,
    errors: Any = None,
) -> str:
    """The self-contained HTML report: overview, errors, one view per document."""
    from . import __version__

    analyses = list(analyses)
    anchors: dict[str, str] = {}
    for i, a in enumerate(analyses):
        anchors.setdefault(_doc_label(a), f"doc-{i + 1}-{_css_ident(_doc_label(a))[:40]}")
    n_err = 0 if errors is None else len(errors)
    pipelines = sorted({a.pipeline for a in analyses if a.pipeline})
    head = [
        '<div class="sk card" id="top">',
        f"<h1>{_esc(title)}</h1>",
        f'<div class="sk-meta">{len(analyses)} document(s) analysed, {n_err} error(s) · '
        f"stancekit {_esc(__version__)}"
        + (f" · spaCy pipeline {_esc(', '.join(pipelines))}" if pipelines else "")
        + "</div>",
        _HOWTO,
    ]
    if analyses:
        toc = "".join(
            f'<li><a href="#{anchors[_doc_label(a)]}">{_esc(a.document.title or _doc_label(a))}</a>'
            f' <span class="muted">{_esc(a.document.source or "")}</span></li>'
            for a in analyses
        )
        head.append(f'<ol class="toc">{toc}</ol>')
    head.append("</div>")
    body = ["".join(head), f'<div class="sk sk-sticky">{legend_html()}</div>']
    body.append('<div class="sk card"><h2 class="sec">Corpus overview</h2>')
    body.append(_overview(analyses, anchors) if analyses else '<p class="muted">No documents.</p>')
    body.append("</div>")
    body.append(f'<div class="sk card"><h2 class="sec">Errors ({n_err})</h2>')
    body.append(_errors_html(errors))
    body.append("</div>")
    for a in analyses:
        body.append('<div class="card"><a class="sk-top" href="#top">↑ overview</a>')
        body.append(render_analysis_html(a, anchor=anchors[_doc_label(a)], css=False, legend=False))
        body.append("</div>")
    return _page(title, "".join(body), css=True)


def write_report(
    corpus: Any, path: Any, title: str = "stancekit report", *, errors: Any = None
) -> Path:
    """Write the report of a Corpus (or a list of Analysis) to ``path``; returns the path."""
    analyses = _analyses_of(corpus)
    if errors is None and hasattr(corpus, "errors"):
        errors = corpus.errors
    p = Path(path)
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_report(analyses, title, errors=errors), encoding="utf-8")
    return p


# --------------------------------------------------------------------------- terminal summary
def _rich_stance(label: str, score: float) -> str:
    from rich.markup import escape

    color = {"against": "red", "favor": "green"}.get(label, "bright_black")
    icon = STANCE_ICONS.get(label, "●")
    v = round(float(score), 1)
    if v == 0:
        text = "0"
    else:  # compact: ▼−.6, ▲+.4, ▼−1 (fits 11 outlet columns in 100)
        mag = f"{abs(v):.1f}".removeprefix("0").removesuffix(".0")
        text = ("−" if v < 0 else "+") + mag
    return f"[{color}]{icon}{escape(text)}[/{color}]"


def print_summary(corpus: Any, source: str = "", console: Any = None, top_actors: int = 3) -> None:
    """Readable terminal tables (rich) of what the analysis found.

    Per document: outlet, genre, top actors with the author's stance, claims,
    advocacy calls and readability; then the stance matrix (actor x outlet) and
    every advocacy call with its speaker, addressee and target.
    """
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console()
    analyses = _analyses_of(corpus)
    errors = getattr(corpus, "errors", None)
    n_err = 0 if errors is None else len(errors)
    console.print(
        f"[bold]stancekit[/bold] analysed {len(analyses)} document(s)"
        + (f" from {escape(source)}" if source else "")
        + (f", [red]{n_err} error(s)[/red]" if n_err else "")
    )
    console.print(
        "Stance: [red]▼ against[/red] (−1) · [bright_black]● neutral[/bright_black] · "
        "[green]▲ favour[/green] (+1), the author's stance toward the actor.\n"
    )

    console.print("[bold]Documents[/bold]")
    t = Table(box=box.SIMPLE_HEAD, padding=(0, 1))
    t.add_column("document / outlet", ratio=3, overflow="fold")
    t.add_column("genre", no_wrap=True)
    t.add_column("top actors (author's stance)", ratio=4)
    t.add_column("claims", justify="right", no_wrap=True)
    t.add_column("calls", justify="right", no_wrap=True)
    t.add_column("Flesch", justify="right", no_wrap=True)
    for a in analyses:
        feats = _features(a)
        top = sorted(a.actor_records, key=lambda x: (-x.salience, -x.n_mentions, x.name))[
            :top_actors
        ]
        actors = ", ".join(
            f"{escape(x.name)} {_rich_stance(x.stance, x.stance_score)}" for x in top
        )
        claims = [c for c in a.claim_records if c.is_claim]
        hedged = sum(c.certainty == "hedged" for c in claims)
        fre = _num_feature(feats, "flesch_reading_ease")
        t.add_row(
            f"[bold]{escape(_doc_label(a))}[/bold]\n[bright_black]{escape(a.document.source or '')}[/bright_black]",
            escape(str(feats.get("genre") or "")),
            actors or "[bright_black]none[/bright_black]",
            f"{len(claims)}" + (f" ({hedged}~)" if hedged else ""),
            str(len(a.advocacy_records)),
            f"{fre:.0f}" if fre is not None else "",
        )
    console.print(t)
    console.print(
        "[bright_black]claims: sentences asserting something (~ hedged); calls: advocacy calls; "
        "Flesch: reading ease, higher is easier.[/bright_black]\n"
    )

    # stance matrix: actor x outlet, outlets numbered to fit the terminal
    summary = actor_summary(analyses)
    multi = [r for r in summary if r["docs"] >= 2]
    chosen = (multi if len(multi) >= 5 else summary)[:15]
    outlets = sorted({a.document.source or "(unknown)" for a in analyses})
    if chosen and outlets:
        console.print(
            "[bold]Stance matrix[/bold]: the author's mean stance toward each actor, by outlet"
            + (" (actors in two or more documents)" if chosen is multi else "")
        )
        # one space left of each cell and a fixed 4-character width, so "▼−.3" is never cut
        # to "▼−…" on an 80-column terminal with a dozen outlets
        m = Table(box=None, padding=(0, 0, 0, 1), header_style="bold underline")
        m.add_column("actor", overflow="ellipsis", no_wrap=True, max_width=22)
        for i, _ in enumerate(outlets):
            m.add_column(f"O{i + 1}", justify="right", no_wrap=True, min_width=4)
        for r in chosen:
            cells = []
            for o in outlets:
                s = r["by_outlet"].get(o)
                cells.append(
                    _rich_stance(_label_of(s), s)
                    if s is not None
                    else "[bright_black]·[/bright_black]"
                )
            m.add_row(escape(r["name"]), *cells)
        console.print(m)
        console.print()
        key = " · ".join(f"O{i + 1} {escape(o)}" for i, o in enumerate(outlets))
        console.print(
            f"[bright_black]{key}\n(· = actor not in that outlet's documents)[/bright_black]\n"
        )

    calls = [(a, c) for a in analyses for c in a.advocacy_records]
    if calls:
        console.print(f"[bold]Advocacy calls ({len(calls)})[/bold]: who calls on whom to act")
        # one block per document, fixed column widths so the blocks line up
        first = True
        for a in analyses:
            if not a.advocacy_records:
                continue
            console.print(
                f"[bold]{escape(_doc_label(a))}[/bold] "
                f"[bright_black]{escape(a.document.source or '')}[/bright_black]"
            )
            c_t = Table(box=None, padding=(0, 1), show_header=first, header_style="bold underline")
            c_t.add_column("form", width=18, overflow="fold")
            c_t.add_column("speaker → addressee", width=20, overflow="fold")
            c_t.add_column("target", width=12, overflow="fold")
            c_t.add_column("call", ratio=1, min_width=20)
            for c in a.advocacy_records:
                c_t.add_row(
                    escape(c.form),
                    escape(f"{c.speaker or '?'} → {c.addressee or '—'}"),
                    escape(c.target or "—"),
                    escape(_short(c.text, 120)),
                )
            console.print(c_t)
            console.print()
            first = False
    else:
        console.print("No advocacy calls found.\n")
    if errors is not None and n_err:
        for r in errors.itertuples(index=False):
            console.print(
                f"[red]error[/red] {escape(r.doc_id)}: {escape(r.stage)}: {escape(_short(r.message, 200))}"
            )
