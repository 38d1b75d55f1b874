"""The public API: analyze, Analyzer, analyze_corpus, target_stance; bad input."""

from __future__ import annotations

import json

import pytest

import stancekit
from stancekit import AnalysisConfig, Analyzer
from stancekit.errors import InputTooLargeError, StancekitValueError
from stancekit.types import TABLES

BARE = AnalysisConfig(stages=())


def test_public_names():
    for name in stancekit.__all__:
        assert getattr(stancekit, name) is not None
    with pytest.raises(AttributeError):
        stancekit.nope  # noqa: B018


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["text"], {"text": "x"}, object()])
def test_non_text_raises_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        stancekit.analyze(bad)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t "])
def test_empty_text_gives_empty_analysis(text):
    a = stancekit.analyze(text)
    assert a.document.text == ""
    for table in TABLES:
        assert len(a.table(table)) == 0


@pytest.mark.slow
def test_bytes_are_decoded():
    a = Analyzer(BARE).analyze("Café owners in Tehran protested.".encode("cp1252"))
    assert a.document.text.startswith("Café")
    assert any("cp1252" in n for n in a.document.notes)


def test_max_chars_is_enforced():
    with pytest.raises(InputTooLargeError, match="max_chars"):
        Analyzer(AnalysisConfig(max_chars=10, stages=())).analyze("x" * 11)


def test_config_validates_stages():
    with pytest.raises(StancekitValueError, match="valid stages"):
        AnalysisConfig(stages=("actors", "nope"))


@pytest.mark.slow
def test_full_analysis_has_every_table_and_round_trips(seed_analysis):
    a = seed_analysis
    for table, cols in TABLES.items():
        assert list(a.table(table).columns) == list(cols)
    assert len(a.claims) > 5
    b = stancekit.Analysis.from_dict(json.loads(a.to_json()))
    assert b.to_json() == a.to_json()
    assert a.pipeline.startswith("en_core_web")


@pytest.mark.slow
def test_offsets_index_title_or_body(seed_analysis):
    a = seed_analysis
    d = a.document
    for name in ("mentions", "claims", "advocacy", "framing"):
        for rec in getattr(
            a,
            f"{name[:-1] if name != 'claims' else 'claim'}_records"
            if False
            else a.TABLE_FIELDS[name],
        ):
            base = d.title if rec.in_title else d.text
            assert 0 <= rec.start <= rec.end <= len(base), (name, rec)
            if name in ("mentions", "claims"):
                assert base[rec.start : rec.end] == rec.text, (name, rec)


@pytest.mark.slow
def test_title_is_analysed(seed_analysis):
    titles = [c for c in seed_analysis.claim_records if c.in_title]
    assert titles and titles[0].text == seed_analysis.document.title


@pytest.mark.slow
def test_corpus_counts_every_input(tmp_path):
    (tmp_path / "good.txt").write_text(
        "Iran backs the militias. The United States should act.", encoding="utf-8"
    )
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00binary")
    corpus = Analyzer(BARE).analyze_corpus(
        [tmp_path, "A plain text document.", 7], progress=False, n_process=1
    )
    corpus.run()
    assert len(corpus.analyses) + len(corpus.errors) == 4
    assert set(corpus.errors["doc_id"]) == {"bad", "item-000002"}
    assert corpus.claims.columns[0] == "doc_id"


@pytest.mark.slow
def test_html_string_is_detected():
    html = (
        "<html><body><nav>Home | World | Sport</nav><article><h1>NATO Must Act</h1>"
        "<p>The alliance should send more air defences to Ukraine before winter comes, and it must do so now.</p>"
        "<p>Every week of delay costs lives in Kharkiv and Odesa, and the allies know it well enough.</p></article></body></html>"
    )
    a = Analyzer(BARE).analyze(html)
    assert a.document.title == "NATO Must Act"
    assert "Home" not in a.document.text and a.document.text.startswith("The alliance")
