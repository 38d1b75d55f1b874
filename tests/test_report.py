"""HTML rendering: escaping, well-formed nesting of overlapping spans, hover details,
the corpus summary, the self-contained report page, and a real-browser screenshot."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stancekit.report import (
    actor_summary,
    print_summary,
    render_analysis_html,
    render_corpus_html,
    render_report,
    write_report,
)
from stancekit.types import (
    Actor,
    AdvocacyCall,
    Analysis,
    Claim,
    Document,
    FrameScore,
    FramingTag,
    Mention,
    Relation,
    StanceEvidence,
    Technique,
)

TEXT = (
    "Iran-backed militias have done real damage to Iraq, and the <script>alert(1)</script> "
    "regime in Tehran may well expand them. Washington should act now.\n\n"
    "Muqtada al-Sadr has certainly opposed the militias. The United States must stop the flow "
    "of arms to Hezbollah.\n\n"
    "Is this an existential threat? Analysts say it could be."
)
TITLE = 'Regime Change Is Only Way to Stop Iran <b onmouseover="x()">Proxies</b>'


def _find(s: str, sub: str, n: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(n + 1):
        i = s.index(sub, i + 1)
    return i, i + len(sub)


def _sent(t: str, first: str, last: str) -> tuple[int, int]:
    a = t.index(first)
    return a, t.index(last, a) + len(last)


def make_analysis(doc_id: str = "fake-doc", source: str = "NCRI <News>") -> Analysis:
    """A hand-built analysis with every kind of record, nested and crossing spans."""
    t = TEXT
    s = [
        _sent(t, "Iran-backed", "expand them."),
        _sent(t, "Washington", "act now."),
        _sent(t, "Muqtada", "the militias."),
        _sent(t, "The United", "Hezbollah."),
        _sent(t, "Is this", "threat?"),
        _sent(t, "Analysts", "could be."),
    ]
    actors = (
        Actor("iran", "Iran", "STATE", 3, 0.9, "against", -0.72, 0.8, ("Tehran",)),
        Actor("pmf", "Iran-backed militias", "ARMED_GROUP", 2, 0.7, "against", -0.5, 0.6),
        Actor("iraq", "Iraq", "STATE", 1, 0.4, "favor", 0.4, 0.5),
        Actor("us", "United States", "STATE", 2, 0.5, "neutral", 0.05, 0.3, ("Washington",)),
        Actor("sadr", "Muqtada al-Sadr", "PERSON", 1, 0.3, "favor", 0.3, 0.4),
        Actor("hez", "Hezbollah", "ARMED_GROUP", 1, 0.3, "against", -0.4, 0.4),
    )
    mentions: list[Mention] = []

    def men(aid: str, sub: str, sid: int, n: int = 0, method: str = "ner") -> None:
        a, b = _find(t, sub, n)
        mentions.append(Mention(len(mentions), aid, sub, a, b, sid, False, method))

    men("pmf", "Iran-backed militias", 0)
    men("iran", "Iran", 0, method="kb")  # nested inside the militias mention
    men("iraq", "Iraq", 0)
    men("iran", "Tehran", 0, method="capital")
    men("us", "Washington", 1, method="alias")
    men("sadr", "Muqtada al-Sadr", 2)
    men("pmf", "militias", 2, 1, method="descriptor")
    men("us", "The United States", 3)
    men("hez", "Hezbollah", 3)
    a, b = _find(TITLE, "Iran")
    mentions.append(Mention(len(mentions), "iran", "Iran", a, b, 0, True, "kb"))
    evidence = (
        StanceEvidence(
            "iran",
            "author",
            "against",
            -0.8,
            *_find(t, "done real damage"),
            "done real damage",
            "lexicon",
            sentence_id=0,
        ),
        StanceEvidence(
            "sadr",
            "author",
            "favor",
            0.3,
            *_find(t, "opposed the militias"),
            "opposed the militias",
            "balance",
            sentence_id=2,
        ),
        StanceEvidence(
            "hez",
            "author",
            "against",
            -0.4,
            *_find(t, "stop the flow of arms"),
            'stop the "flow" of arms',
            "model:stance",
            sentence_id=3,
        ),
    )
    claims = (
        Claim(
            0,
            *s[0],
            t[slice(*s[0])],
            is_claim=True,
            claim_score=0.9,
            kind="causal",
            certainty="hedged",
            cues=("may well",),
        ),
        Claim(
            1,
            *s[1],
            t[slice(*s[1])],
            is_claim=True,
            claim_score=0.8,
            kind="normative",
            cues=("should",),
        ),
        Claim(
            2,
            *s[2],
            t[slice(*s[2])],
            is_claim=True,
            claim_score=0.7,
            kind="factual",
            certainty="certain",
            cues=("certainly",),
        ),
        Claim(
            3,
            *s[3],
            t[slice(*s[3])],
            is_claim=True,
            claim_score=0.8,
            kind="normative",
            cues=("must",),
        ),
        Claim(4, *s[4], t[slice(*s[4])], is_question=True),
        Claim(
            5,
            *s[5],
            t[slice(*s[5])],
            is_claim=True,
            claim_score=0.6,
            kind="predictive",
            certainty="hedged",
            cues=("could",),
            attributed_to="Analysts",
            attribution_cue="say",
        ),
    )
    advocacy = (
        AdvocacyCall(
            1,
            *s[1],
            t[slice(*s[1])],
            form="modal",
            addressee="United States",
            action="act now",
            cue="should",
        ),
        AdvocacyCall(
            3,
            *s[3],
            t[slice(*s[3])],
            form="modal",
            addressee="United States",
            action="stop the flow of arms to Hezbollah",
            target="Hezbollah",
            cue="must",
        ),
    )
    framing = (
        FramingTag(
            "threat",
            "existential threat",
            *_find(t, "existential threat"),
            4,
            cue="existential threat",
        ),
        # overlaps the Tehran mention and ends inside it
        FramingTag("loaded_language", "regime in Teh", *_find(t, "regime in Teh"), 0, cue="regime"),
        FramingTag("hedge", "may well", *_find(t, "may well"), 0, cue="may well"),
        # crosses a sentence boundary
        FramingTag(
            "advocacy",
            "them. Washington should",
            *_find(t, "them. Washington should"),
            1,
            cue="should",
        ),
    )
    techniques = (
        Technique("Appeal_to_Fear-Prejudice", *s[4], 4, 0.71, "model:techniques"),
        Technique("Loaded_Language", *s[0], 0, 0.55, "model:techniques"),
    )
    return Analysis(
        document=Document(
            t, doc_id, TITLE, "A. Writer", "2018-02-24", source, meta=(("genre", "opinion"),)
        ),
        actor_records=actors,
        mention_records=tuple(mentions),
        stance_records=evidence,
        relation_records=(
            Relation("Iran", "sponsor", "Iran-backed militias", *_find(t, "Iran-backed"), "backed"),
        ),
        claim_records=claims,
        advocacy_records=advocacy,
        framing_records=framing,
        technique_records=techniques,
        frame_records=(FrameScore("Security_and_defense", 0.81, True),),
        feature_items=(
            ("flesch_kincaid_grade", 11.3),
            ("flesch_reading_ease", 48.2),
            ("genre", "opinion"),
            ("genre_score", 0.91),
        ),
        pipeline="en_core_web_sm-3.8.0",
        version="0.1.0",
    )


# --------------------------------------------------------------------------- HTML checking helpers
VOID = {"meta", "br", "input", "img", "hr", "link", "rect", "col", "wbr"}


class _Checker(HTMLParser):
    """Checks that every element is closed in order; collects visible document text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []
        self.paragraphs: list[str] = []
        self._in_text = 0  # depth inside .sk-text
        self._skip = 0  # depth inside badges / chips
        self._para: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag in VOID:
            return
        self.stack.append((tag, a))
        if "sk-text" in cls:
            self._in_text = len(self.stack)
        if self._in_text and ("bd" in cls or "sk-tech" in cls):
            self._skip += 1
        if self._in_text and tag == "p":
            self._para = []

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.errors.append(f"stray </{tag}>")
            return
        top, a = self.stack.pop()
        if top != tag:
            self.errors.append(f"</{tag}> closes <{top}>")
        cls = (a.get("class") or "").split()
        if self._in_text and ("bd" in cls or "sk-tech" in cls):
            self._skip -= 1
        if self._in_text and tag == "p" and self._para is not None:
            self.paragraphs.append("".join(self._para))
            self._para = None
        if self._in_text and len(self.stack) < self._in_text:
            self._in_text = 0

    def handle_data(self, data):
        if self._para is not None and not self._skip:
            self._para.append(data)


def check_html(markup: str) -> _Checker:
    c = _Checker()
    c.feed(markup)
    c.close()
    assert not c.errors, c.errors[:5]
    assert not c.stack, [t for t, _ in c.stack]
    return c


def _paras(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def _tips(markup: str) -> list[str]:
    import html

    return [html.unescape(m) for m in re.findall(r'data-tip="([^"]*)"', markup)]


# --------------------------------------------------------------------------- one analysis
def test_text_is_escaped_everywhere():
    a = make_analysis()
    a = dataclasses.replace(
        a,
        actor_records=(
            dataclasses.replace(a.actor_records[0], name="<img src=x onerror=alert(1)>"),
            *a.actor_records[1:],
        ),
    )
    out = render_analysis_html(a)
    low = out.lower()
    assert "<script" not in low
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out  # shows as text
    assert (
        "<img" not in low
        and "<b " not in low
        and "onmouseover=" not in low.replace("onmouseover=&quot;", "")
    )
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;Proxies&lt;/b&gt;" in out
    assert "NCRI &lt;News&gt;" in out
    check_html(out)


def test_markup_is_well_formed_and_keeps_the_text():
    a = make_analysis()
    c = check_html(render_analysis_html(a))
    assert c.paragraphs == _paras(a.document.text)


def test_actors_coloured_by_stance_with_shape_and_line_style():
    out = render_analysis_html(make_analysis())
    assert re.search(r'<mark class="act against"[^>]*>Hezbollah</mark>', out)
    assert re.search(r'<mark class="act favor"[^>]*>Iraq</mark>', out)
    assert re.search(r'<mark class="act neutral"[^>]*>Washington</mark>', out)
    # colour is not the only signal: line style and icon differ by stance
    assert "border-bottom:2px solid" in out and "3px double" in out and "2px dotted" in out
    assert '.act.against::after{content:"\\25BC"}' in out


def test_hover_details_name_type_score_and_evidence():
    tips = _tips(render_analysis_html(make_analysis()))
    iran = next(t for t in tips if t.startswith("Iran · STATE"))
    assert "against" in iran and "−0.72" in iran and "confidence 0.80" in iran
    assert "“done real damage”" in iran and "lexicon" in iran
    hez = next(t for t in tips if t.startswith("Hezbollah · ARMED_GROUP"))
    assert "evidence in this sentence" in hez and "model:stance" in hez
    claim = next(t for t in tips if t.startswith("claim · causal · hedged"))
    assert "“may well”" in claim
    attributed = next(t for t in tips if "predictive" in t)
    assert "attributed to Analysts" in attributed
    call = next(t for t in tips if "target: Hezbollah" in t)
    assert "form: modal" in call and "speaker: author" in call and "United States" in call
    frame = next(t for t in tips if t.startswith("framing: threat"))
    assert "existential threat" in frame


def test_claims_marked_by_certainty_and_advocacy_boxed():
    page = render_analysis_html(make_analysis())
    out = page[page.index('<div class="sk-text">') :]
    assert out.count('<span class="cl hedged">') == 2
    assert out.count('<span class="cl certain">') == 1
    assert out.count('<span class="adv">') == 2
    assert 'class="bd question"' in out
    assert "sk-legend" in page and "advocacy call" in page
    assert 'type="checkbox" class="sk-ft"' in page  # framing tags toggle


def test_overlapping_spans_are_split_not_broken():
    out = render_analysis_html(make_analysis())
    # "regime in Teh" ends inside the Tehran mention: the mention is split in two fragments
    assert re.search(r">Teh</mark></span><mark class=\"act against\"[^>]*>ran</mark>", out)
    # the nested mention stays inside the longer one
    assert re.search(
        r'<mark class="act against"[^>]*><mark class="act against"[^>]*>Iran</mark>-backed', out
    )


def test_title_is_highlighted_and_empty_analysis_renders():
    out = render_analysis_html(make_analysis())
    title = re.search(r'<h2 class="sk-title">(.*?)</h2>', out, re.S).group(1)
    assert '<mark class="act against"' in title
    empty = render_analysis_html(Analysis(document=Document(text="", doc_id="e")))
    check_html(empty)
    assert "(empty text)" in empty and "No actors found" in empty


def test_repr_html_and_standalone_page():
    a = make_analysis()
    assert a._repr_html_() == render_analysis_html(a)
    page = render_analysis_html(a, standalone=True)
    assert page.startswith("<!doctype html>") and "<style>" in page
    check_html(page)


def test_bad_offsets_are_ignored_not_fatal():
    a = make_analysis()
    n = len(a.document.text)
    a = dataclasses.replace(
        a,
        mention_records=(
            *a.mention_records,
            Mention(99, "iran", "x", n - 2, n + 50, 5),
            Mention(100, "ghost", "y", 5, 3, 0),
            Mention(101, "ghost", "Iraq", *_find(TEXT, "Iraq"), 0),
        ),
    )
    c = check_html(render_analysis_html(a))
    assert c.paragraphs == _paras(a.document.text)
    assert any("not in the actors table" in t for t in _tips(render_analysis_html(a)))


LAYERS = st.sampled_from(["mention", "claim", "advocacy", "framing"])


@st.composite
def _random_analysis(draw):
    text = draw(
        st.text(
            alphabet=st.sampled_from(list("ab <>&\"'\n .")),
            min_size=1,
            max_size=80,
        )
    )
    n = len(text)
    spans = draw(
        st.lists(
            st.tuples(st.integers(0, n), st.integers(0, n), LAYERS, st.booleans()), max_size=12
        )
    )
    mentions, claims, calls, tags = [], [], [], []
    for i, (x, y, layer, flag) in enumerate(spans):
        s, e = min(x, y), max(x, y)
        if layer == "mention":
            mentions.append(Mention(i, "a" if flag else "b", text[s:e], s, e, 0))
        elif layer == "claim":
            claims.append(
                Claim(i, s, e, text[s:e], is_claim=True, certainty="hedged" if flag else "certain")
            )
        elif layer == "advocacy":
            calls.append(AdvocacyCall(i, s, e, text[s:e]))
        else:
            tags.append(FramingTag("threat", text[s:e], s, e, i))
    return Analysis(
        document=Document(text=text, doc_id="r", title=text[:10]),
        actor_records=(Actor("a", "A<", "STATE", stance="against", stance_score=-0.5),),
        mention_records=tuple(mentions),
        claim_records=tuple(claims),
        advocacy_records=tuple(calls),
        framing_records=tuple(tags),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_random_analysis())
def test_any_spans_give_well_formed_markup_and_the_same_text(a):
    c = check_html(render_analysis_html(a))
    assert c.paragraphs == _paras(a.document.text)


# --------------------------------------------------------------------------- corpus and report
class _FakeCorpus:
    """What the renderers read from a Corpus: analyses, errors, and whether it ran."""

    def __init__(self, analyses, errors=None, done=True):
        import pandas as pd

        self.analyses = analyses
        self.errors = (
            errors
            if errors is not None
            else pd.DataFrame(columns=["doc_id", "stage", "error_type", "message"])
        )
        self._done = done


def _errors():
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "doc_id": "bad<1>",
                "stage": "load",
                "error_type": "InputError",
                "message": "file bad.txt: could not decode <bytes>",
            }
        ]
    )


def _two():
    return [make_analysis(), make_analysis("other-doc", "Other Outlet")]


def test_actor_summary_groups_across_documents():
    rows = actor_summary(_two())
    iran = next(r for r in rows if r["name"] == "Iran")
    assert iran["docs"] == 2 and iran["mentions"] == 6
    assert iran["stance"] == "against" and iran["mean_score"] == pytest.approx(-0.72)
    assert set(iran["by_outlet"]) == {"NCRI <News>", "Other Outlet"}


def test_corpus_html_summary():
    out = render_corpus_html(_FakeCorpus(_two(), _errors()))
    check_html(out)
    assert "documents" in out and "advocacy calls" in out
    assert "Iran" in out and "−0.72" in out
    assert "bad&lt;1&gt;" in out and "<1>" not in out
    assert "modal" in out  # advocacy counts by form
    pending = render_corpus_html(_FakeCorpus([], done=False))
    assert "not run yet" in pending


def test_report_is_self_contained_and_complete(tmp_path):
    path = write_report(_FakeCorpus(_two(), _errors()), tmp_path / "sub" / "r.html", title="T <x>")
    page = path.read_text(encoding="utf-8")
    check_html(page)
    low = page.lower()
    assert "<script" not in low and "<link" not in low and "@import" not in low
    assert "url(" not in low
    # nothing is fetched: no src/href to another host (the SVG namespace is not a fetch)
    assert not re.search(r'(src|href)\s*=\s*["\']?\s*(https?:)?//', low)
    assert "<title>T &lt;x&gt;</title>" in page
    assert "Corpus overview" in page and "<svg" in page
    assert "stance, by outlet" in page
    assert "Framing rates per document" in page and "Readability" in page
    assert "Errors (1)" in page and "bad&lt;1&gt;" in page
    assert page.count('class="sk sk-doc"') == 2
    assert 'href="#doc-1-fake-doc"' in page and 'id="doc-1-fake-doc"' in page


def test_report_heatmap_prints_values_and_escapes_labels():
    page = render_report(_two())
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "NCRI &lt;News&gt;" in svg
    assert ">−0.72<" in svg and ">+0.40<" in svg


def test_report_without_documents():
    page = render_report([], errors=_errors())
    check_html(page)
    assert "No documents." in page and "Errors (1)" in page


def test_print_summary_fits_100_columns():
    from io import StringIO

    from rich.console import Console

    buf = StringIO()
    console = Console(file=buf, width=100, color_system=None)
    print_summary(_FakeCorpus(_two(), _errors()), source="samples", console=console)
    out = buf.getvalue()
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "Documents" in out and "Stance matrix" in out and "Advocacy calls (4)" in out
    assert "modal" in out and "author → United" in out and "Hezbollah" in out
    assert "Iran ▼−.7" in out  # compact scores: 11 outlet columns fit in 100
    assert "O1 NCRI <News>" in out
    assert "error" in out and "bad<1>" in out


# --------------------------------------------------------------------------- real browser
def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(name)
        if p:
            return p
    return None


def screenshot(page: Path, png: Path, tmp: Path, size: str = "1280,2000") -> Path:
    """Render ``page`` in headless Chromium and save a screenshot; skip without Chromium."""
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium not installed (apt-get install chromium; .ci/run installs it)")
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'chromium-profile'}",
        f"--screenshot={png}",
        f"--window-size={size}",
        page.resolve().as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert png.exists(), f"no screenshot; chromium said: {proc.stderr[-2000:]}"
    return png


def check_screenshot(png: Path) -> None:
    assert png.stat().st_size > 20_000, "screenshot suspiciously small (blank page?)"
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow comes with matplotlib in the test extra
        return
    with Image.open(png) as im:
        rgb = im.convert("RGB")
        w, h = rgb.size
        assert (w, h) == (1280, 2000)
        ink = sum(rgb.convert("L").histogram()[:160])  # text, lines, dark marks
        hsv = rgb.convert("HSV").getchannel("S").histogram()
        coloured = sum(hsv[90:])  # saturated pixels: stance marks, heatmap cells, bars
    total = w * h
    assert ink > 0.004 * total, f"almost no text rendered ({ink} dark pixels)"
    assert coloured > 0.002 * total, f"no coloured marks or charts rendered ({coloured} pixels)"


@pytest.mark.browser
def test_report_renders_in_headless_chromium(tmp_path):
    page = write_report(_FakeCorpus(_two(), _errors()), tmp_path / "report.html")
    png = screenshot(page, tmp_path / "report.png", tmp_path)
    check_screenshot(png)
