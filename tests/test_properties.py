"""Property tests (hypothesis) over arbitrary Unicode: offsets, span texts, score ranges,
JSON round-trips, and which exceptions may escape.

Runs every stage. Examples are
few (the model is slow) and deadlines are off.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stancekit
from stancekit import AnalysisConfig, Analyzer
from stancekit.config import STAGES
from stancekit.errors import (
    LoadError,
    StancekitError,
    StancekitValueError,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    an = Analyzer(AnalysisConfig(stages=STAGES))
    an.nlp  # noqa: B018 - load once, outside the examples
    return an


# more examples for a thorough local run: STANCEKIT_HYPOTHESIS_EXAMPLES=500 pytest ...
EXAMPLES = int(os.environ.get("STANCEKIT_HYPOTHESIS_EXAMPLES", "30"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# words and pieces that make the stages fire, mixed with arbitrary Unicode
VOCAB = [
    "Iran",
    "Iran's",
    "the United States",
    "Washington",
    "Hezbollah",
    "Russia",
    "Ukraine",
    "NATO",
    "the EU",
    "Biden",
    "Putin",
    "President",
    "Mr.",
    "U.S.",
    "militias",
    "terrorists",
    "regime",
    "must",
    "should",
    "cannot be allowed to",
    "it is time to",
    "we",
    "our",
    "they",
    "their",
    "he",
    "she",
    "it",
    "said",
    "claimed",
    "according to",
    "perhaps",
    "clearly",
    "certainly",
    "threat",
    "dangerous",
    "stop",
    "arming",
    "support",
    "condemn",
    "urge",
    "only",
    "way",
    "not",
    "never",
    "50%",
    "$3 billion",
    "will",
    "because",
    ".",
    ",",
    "?",
    "!",
    ";",
    ":",
    '"',
    "“",
    "”",
    "'",
    "(",
    ")",
    "—",
    "-",
    "\n",
    "\n\n",
    "\t",
    "  ",
    "🚀",
    "🇺🇸",
    "é",
    "ﷺ",
    "\u200b",
    "\u00a0",
    "İ",
    "ß",
    "ﬁ",
    "\u0301",
    "<b>",
    "</p>",
    "&amp;",
    "#",
    "*",
    "=",
]
any_char = st.characters(exclude_categories=())  # every code point, surrogates included
words = st.one_of(st.sampled_from(VOCAB), st.text(any_char, max_size=6))
texts = st.one_of(
    st.text(max_size=200),
    st.text(any_char, max_size=120),
    st.lists(words, max_size=70).map(" ".join),
    st.lists(words, max_size=70).map("".join),
)
titles = st.one_of(st.none(), st.lists(words, max_size=12).map(" ".join), st.text(max_size=30))

SPAN_TEXT_TABLES = ("mention_records", "claim_records", "advocacy_records", "framing_records")
SPAN_TABLES = (*SPAN_TEXT_TABLES, "stance_records", "relation_records", "technique_records")


def _in(x: float, lo: float, hi: float) -> bool:
    return isinstance(x, int | float) and not math.isnan(x) and lo <= x <= hi


def check_analysis(a: stancekit.Analysis) -> None:
    doc = a.document
    for attr in SPAN_TABLES:
        for rec in getattr(a, attr):
            container = (doc.title or "") if rec.in_title else doc.text
            assert 0 <= rec.start <= rec.end <= len(container), (attr, rec, len(container))
            if attr in SPAN_TEXT_TABLES:
                assert container[rec.start : rec.end] == rec.text, (attr, rec)
            if getattr(rec, "sentence_id", 0) is not None:
                assert rec.sentence_id >= -1, (attr, rec)
    for r in a.actor_records:
        assert _in(r.stance_score, -1, 1), r
        assert _in(r.confidence, 0, 1), r
        assert r.salience >= 0, r
        assert r.stance in ("against", "neutral", "favor"), r
        assert r.n_mentions >= 0, r
    actor_ids = {r.actor_id for r in a.actor_records}
    for m in a.mention_records:
        assert m.actor_id in actor_ids, m
    for r in a.stance_records:
        assert _in(r.score, -1, 1), r
        assert r.label in ("against", "neutral", "favor"), r
    for r in a.claim_records:
        assert _in(r.claim_score, 0, 1), r
    for r in a.technique_records:
        assert _in(r.score, 0, 1), r
    for r in a.framing_records:
        assert _in(r.score, 0, 1), r
    for r in a.frame_records:
        assert _in(r.score, 0, 1), r
    js = a.to_json()
    js.encode("utf-8")
    again = stancekit.Analysis.from_dict(json.loads(js))
    assert again.to_json() == js
    assert again.to_dict() == json.loads(js)


@SETTINGS
@given(text=texts, title=titles)
def test_any_text_gives_a_consistent_analysis(analyzer, text, title):
    # any str is valid input: a stage that fails on one is a bug, so nothing may escape
    a = analyzer.analyze(text, title=title)
    check_analysis(a)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_result_or_a_load_error(analyzer, data):
    try:
        a = analyzer.analyze(data)
    except LoadError as exc:
        assert "binary" in str(exc) or "UTF-16" in str(exc)
        return
    check_analysis(a)


SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.md"))


@st.composite
def mutated_samples(draw) -> str:
    """A paragraph or two of a real sample with random cuts and insertions."""
    if not SAMPLE_FILES:
        return draw(texts)
    text = draw(st.sampled_from(SAMPLE_FILES)).read_text(encoding="utf-8")
    paras = [p for p in text.split("\n\n") if p.strip()]
    i = draw(st.integers(0, max(0, len(paras) - 2)))
    text = "\n\n".join(paras[i : i + draw(st.integers(1, 3))])
    for _ in range(draw(st.integers(0, 8))):
        pos = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:pos] + draw(words) + text[pos:]
        else:
            text = text[:pos] + text[pos + draw(st.integers(1, 40)) :]
    return text


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 2))
@given(text=mutated_samples(), title=titles)
def test_mutated_real_text_gives_a_consistent_analysis(analyzer, text, title):
    check_analysis(analyzer.analyze(text, title=title))


spans = st.lists(st.tuples(st.integers(-3, 250), st.integers(-3, 250)), max_size=4)


@SETTINGS
@given(sentence=texts, spans=spans)
def test_target_stance_one_result_per_span_or_a_clear_error(analyzer, sentence, spans):
    if "stance" not in analyzer.config.stages:
        pytest.skip("the stance stage is not in this checkout yet")
    try:
        out = analyzer.target_stance(sentence, spans)
    except StancekitValueError as exc:
        assert "span" in str(exc), exc
        return
    assert len(out) == len(spans)
    for r in out:
        assert r.label in ("against", "neutral", "favor"), r
        assert _in(r.score, -1, 1) and _in(r.confidence, 0, 1), r
        assert 0 <= r.start <= r.end <= len(sentence), r


non_text = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.tuples(st.text(max_size=5)),
)


@settings(max_examples=40, deadline=None)
@given(value=non_text)
def test_non_text_raises_only_type_error(value):
    with pytest.raises(TypeError, match=type(value).__name__):
        stancekit.analyze(value)


def _not_a_path(s: str) -> bool:
    # analyze_corpus reads a string that names an existing file or folder ("." !) as a
    # path (see test_reliability.py::test_corpus_texts_that_look_like_paths)
    return not (os.path.exists(s) or s.startswith(("http://", "https://")))


corpus_items = st.one_of(
    texts.filter(_not_a_path), st.binary(max_size=40), st.none(), st.integers()
)


@SETTINGS
@given(items=st.lists(corpus_items, max_size=6))
def test_corpus_results_plus_errors_equal_inputs(analyzer, items):
    corpus = analyzer.analyze_corpus(items, n_process=1, progress=False)
    analyses, errors = corpus.analyses, corpus.errors
    assert len(analyses) + len(errors) == len(items)
    for a in analyses:
        check_analysis(a)
    # only non-text items and binary bytes may fail, and the failure says what it is
    for row in errors.itertuples():
        i = int(row.doc_id.rsplit("-", 1)[1])
        assert not isinstance(items[i], str), row
        assert row.message


def test_documented_exceptions_only(analyzer):
    """The exception tree is what errors.py documents (a sanity check for the tests above)."""
    from stancekit import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), StancekitError)
