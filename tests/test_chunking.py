"""Long documents: texts beyond ``chunk_chars`` (or the pipeline's ``max_length``) are
parsed in paragraph chunks, and every offset in the final tables stays exact.

* ``_chunks``: a property test (pieces concatenate to the text, cut at paragraph breaks,
  never longer than the limit);
* chunked and unchunked parses agree on tokens and on sentence starts at paragraph
  breaks (real pipeline, the bundled samples);
* on a long document parsed in ~30 chunks every row's text is the text at its offsets,
  and the mentions, claims and advocacy rows of the stages of this checkout are those
  of the whole text (but for a label near a chunk edge);
* a 1.5-million-character document goes through (blank pipeline and fake stages: the
  real pipeline's time on it is measured in benchmarks/bench_long.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_corpus import FAKES, blank_nlp

from stancekit import AnalysisConfig, Analyzer, api
from stancekit import nlp as sknlp
from stancekit.errors import StageError
from stancekit.load import load

PARA = re.compile(r"\n[ \t\r\f\v]*\n")

# --------------------------------------------------------------------------- _chunks
_word = st.text(alphabet="abcdefghij", min_size=1, max_size=12)
_sentence = st.lists(_word, min_size=1, max_size=12).map(lambda w: " ".join(w) + ".")
_paragraph = st.lists(_sentence, min_size=1, max_size=8).map(" ".join)
_break = st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\n\t\n "])


@st.composite
def documents(draw):
    paras = draw(st.lists(_paragraph, min_size=1, max_size=30))
    breaks = [draw(_break) for _ in paras]
    return "".join(p + b for p, b in zip(paras, breaks))


@settings(max_examples=200, deadline=None)
@given(text=documents(), size=st.integers(min_value=40, max_value=3000))
def test_chunks_cut_at_paragraph_breaks(text, size):
    pieces = sknlp._chunks(text, size)
    assert "".join(pieces) == text
    assert all(pieces) and all(len(p) <= size for p in pieces)
    cuts = [0, *(m.end() for m in PARA.finditer(text)), len(text)]
    if max(b - a for a, b in itertools.pairwise(cuts)) <= size:
        # no paragraph needs a hard cut: every piece ends at a paragraph break
        ends = [sum(len(p) for p in pieces[: k + 1]) for k in range(len(pieces))]
        assert set(ends) <= set(cuts)


def test_pieces_never_exceed_the_pipeline_max_length():
    nlp = blank_nlp()
    nlp.max_length = 5_000
    body = "\n\n".join(f"Paragraph {i} is here. It says little." for i in range(1500))
    parsed = sknlp.parse("Title", body, nlp, chunk_chars=100_000)
    assert parsed.text == "Title\n\n" + body
    assert len(parsed.doc) > 10_000


def test_parse_many_keeps_order_and_bounds_the_batches(monkeypatch):
    nlp = blank_nlp()
    seen: list[int] = []
    real_pipe = nlp.pipe

    def pipe(texts, **kw):
        if kw.get("as_tuples"):  # our call (spaCy then calls pipe again on the texts)
            texts = list(texts)
            seen.append(sum(len(t) for t, _ in texts))
        return real_pipe(texts, **kw)

    monkeypatch.setattr(nlp, "pipe", pipe)
    items = [(f"T{i}", ("Words here. " * 400 + "\n\n") * (1 + i % 5)) for i in range(40)]
    out = list(sknlp.parse_many(items, nlp, chunk_chars=10_000))
    assert [p.title for p in out] == [f"T{i}" for i in range(40)]
    assert all(p.text == f"T{i}\n\n" + items[i][1] for i, p in enumerate(out))
    assert len(seen) > 10 and max(seen) <= 10_000  # no group beyond chunk_chars


# --------------------------------------------------------------------------- real pipeline
@pytest.fixture(scope="module")
def long_body(samples_dir) -> str:
    """Every bundled sample, one after the other: ~40,000 characters, ~300 paragraphs."""
    docs = list(load(samples_dir))
    return "\n\n".join(d.text for d in docs)


@pytest.mark.slow
def test_chunked_and_whole_parses_agree(nlp, long_body):
    whole = sknlp.parse("All the samples", long_body, nlp, chunk_chars=10_000_000)
    chunked = sknlp.parse("All the samples", long_body, nlp, chunk_chars=1500)
    assert len(sknlp._chunks(whole.text, 1500)) >= 25
    assert chunked.text == whole.text
    assert [(t.idx, t.text) for t in chunked.doc] == [(t.idx, t.text) for t in whole.doc]
    breaks = {m.end() for m in PARA.finditer(whole.text)}
    for p in (whole, chunked):
        starts = {s.start_char for s in p.sentences}
        # every paragraph that starts with text starts a sentence, in both parses
        assert {b for b in breaks if not whole.text[b].isspace()} <= starts
        for s in p.sentences:
            assert p.text[s.start_char : s.end_char] == s.text


def _usable(stages: tuple[str, ...]) -> tuple[str, ...]:
    probe = "The minister said Iran must stop arming the militias. The United States should act."
    out = []
    for name in stages:
        try:
            Analyzer(AnalysisConfig(stages=(*out, name))).analyze(probe)
        except (StageError, AttributeError, ImportError):
            continue
        out.append(name)
    return tuple(out)


RECORDS = {
    "mentions": "mention_records",
    "claims": "claim_records",
    "advocacy": "advocacy_records",
    "framing": "framing_records",
}


def _check_offsets(a) -> int:
    """Every row's text is the text at its offsets (title or body); returns the rows seen."""
    n = 0
    for name, field in RECORDS.items():
        for rec in getattr(a, field):
            base = a.document.title if rec.in_title else a.document.text
            if name == "claims":
                assert base[rec.start : rec.end].strip() == rec.text.strip(), rec
            else:
                assert base[rec.start : rec.end] == rec.text, (name, rec)
            n += 1
    return n


@pytest.mark.slow
def test_long_document_tables_do_not_depend_on_chunking(long_body):
    stages = _usable(("actors", "claims", "framing"))
    if not {"actors", "claims"} <= set(stages):
        pytest.skip(f"the actors and claims stages are not usable in this checkout ({stages})")
    config = AnalysisConfig(stages=stages)
    whole = Analyzer(config).analyze(long_body, title="All the samples")
    chunked = Analyzer(dataclasses.replace(config, chunk_chars=1500)).analyze(
        long_body, title="All the samples"
    )
    assert _check_offsets(chunked) > 100
    _check_offsets(whole)
    # The model sees a few tokens across a paragraph break in the whole text but not
    # across a chunk edge (~30 edges here; a real 100k chunk has few), so a label or a
    # sentence split near an edge may change (and with it every later sentence_id); an
    # offset that is off after the first chunk would change nearly every later row.
    for name in ("mentions", "claims", "advocacy"):
        cols = ["start", "end", "text", "in_title"]
        a = set(map(tuple, whole.table(name)[cols].values))
        b = set(map(tuple, chunked.table(name)[cols].values))
        assert len(a & b) >= 0.97 * max(len(a), len(b)), (name, sorted(a ^ b)[:6])


# --------------------------------------------------------------------------- 1.5M characters
def test_a_million_and_a_half_characters(monkeypatch):
    monkeypatch.setattr(api, "_stage_function", FAKES.__getitem__)
    para = "Iran and Iraq met in Baghdad. The United States should act. Tehran waits."
    body = "\n\n".join(f"{para} Paragraph {i}." for i in range(20_000))
    assert len(body) > 1_500_000
    analyzer = Analyzer(AnalysisConfig(stages=("actors", "claims", "framing")), nlp=blank_nlp())
    corpus = analyzer.analyze_corpus([body, "A short one. It should pass."], progress=False)
    big, small = corpus.analyses
    assert corpus.errors.empty
    assert len(sknlp._chunks(body, analyzer.config.chunk_chars)) >= 15
    assert big.document.text == body
    assert len(big.claim_records) == 80_000 and len(big.mention_records) == 160_000
    assert _check_offsets(big) == 80_000 + 160_000 + 20_000
    last = big.claim_records[-1]
    assert last.text == "Paragraph 19999." and body[last.start : last.end] == last.text
    assert small.claim_records[0].text == "A short one."


def test_beyond_max_chars_is_an_error_row_not_a_crash(monkeypatch):
    monkeypatch.setattr(api, "_stage_function", FAKES.__getitem__)
    analyzer = Analyzer(AnalysisConfig(stages=(), max_chars=100_000), nlp=blank_nlp())
    corpus = analyzer.analyze_corpus(["x " * 60_000, "Fine."], progress=False)
    assert len(corpus.analyses) == 1
    assert list(corpus.errors.error_type) == ["InputTooLargeError"]
    assert "max_chars" in corpus.errors.message[0]
