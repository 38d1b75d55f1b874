"""Loading: formats, encodings, page furniture, bad files."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from stancekit.errors import LoadError
from stancekit.load import clean_page, decode_bytes, document_from_text, is_html, load, parse_date


# --------------------------------------------------------------------------- seed gold
def test_seed_capture_matches_gold_document(seed_raw, gold):
    doc = document_from_text(seed_raw, doc_id="seed")
    g = gold["document"]
    assert doc.title == g["title"]
    assert doc.published == g["published"]
    assert doc.author == g["author"]
    assert doc.text.startswith(g["body_starts_with"])
    assert doc.text.endswith(g["body_ends_with"])
    for furniture in g["not_in_body"]:
        assert furniture not in doc.text, furniture
    reasons = {d.reason for d in doc.dropped}
    assert (
        "navigation" in reasons
        and "repeated title" in reasons
        and "teaser of another article" in reasons
    )
    assert doc.source == "NCRI"
    # every dropped segment really was in the raw capture, and none is in the body
    for d in doc.dropped:
        assert d.text in seed_raw
        assert seed_raw[d.start : d.end] == d.text


def test_seed_file_loads_through_load(shared_dir, gold):
    stream = load(shared_dir / "samples" / "iran-proxies-iraq.raw.txt")
    docs = list(stream)
    assert stream.errors == []
    assert [d.doc_id for d in docs] == ["iran-proxies-iraq"]
    assert docs[0].title == gold["document"]["title"]


# --------------------------------------------------------------------------- conservative cleaning
@pytest.mark.parametrize(
    "text",
    [
        "Iran must stop arming the militias.",
        "The PMF was made up of multiple volunteer Shiite militia groups that filled the void left by the collapsed Iraqi army, but some hid a dangerous sponsor: Iran.",
        "First paragraph of a clean article that has no header at all and says something.\n\nSecond paragraph, also clean, with a comment about comments in it.",
        "Comments are welcome, the minister said on Monday in a long statement to the press.",
    ],
)
def test_clean_text_passes_unchanged(text):
    doc = document_from_text(text)
    assert doc.text == text.strip()
    assert doc.dropped == ()
    assert doc.title is None


def test_footer_marker_needs_a_body_first():
    page = clean_page(
        "Comments\n\nThis is a long paragraph of article text that should stay exactly where it is now."
    )
    assert "This is a long paragraph" in page.body


def test_title_byline_date_header():
    raw = "Why We Must Act\n\nBy Jane Roe\nMarch 5, 2024\n\nThe first paragraph of the piece is here and it makes a point.\n\nSecond one."
    doc = document_from_text(raw)
    assert (doc.title, doc.author, doc.published) == ("Why We Must Act", "Jane Roe", "2024-03-05")
    assert doc.text.startswith("The first paragraph")
    assert doc.text.endswith("Second one.")


def test_explicit_title_is_kept():
    doc = document_from_text(
        "Body text that is long enough to be a paragraph of its own here.", title="Given"
    )
    assert doc.title == "Given"


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Saturday, 24 February 2018 07:57", "2018-02-24"),
        ("March 20, 2024", "2024-03-20"),
        ("2024-04-03T10:00:00Z", "2024-04-03"),
        ("Published on 5 May 2021", "2021-05-05"),
        ("no date here", None),
    ],
)
def test_parse_date(line, iso):
    assert parse_date(line) == iso


# --------------------------------------------------------------------------- encodings
@pytest.mark.parametrize(
    ("data", "text", "note"),
    [
        ("Café – Tehran".encode(), "Café – Tehran", None),
        (b"\xef\xbb\xbf" + "Café".encode(), "Café", None),
        ("Café".encode("utf-16"), "Café", "utf-16"),
        ("Café déjà".encode("cp1252"), "Café déjà", "cp1252"),
    ],
)
def test_decode_bytes(data, text, note):
    got, notes = decode_bytes(data)
    assert got == text
    if note:
        assert any(note in n for n in notes)
    else:
        assert notes == ()


def test_binary_file_is_refused():
    with pytest.raises(LoadError, match="binary"):
        decode_bytes(b"\x00\x01\x02PNG\x00" * 20, "x.txt")


# --------------------------------------------------------------------------- formats
def test_formats_and_bad_files_in_a_folder(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Iran must stop arming the militias in Iraq, the author says.", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text(
        "# A Title Here\n\nSome body text that is a paragraph of its own, with a period.",
        encoding="utf-8",
    )
    (tmp_path / "c.html").write_text(
        "<html><head><title>T</title><meta name='author' content='Jane Roe'></head><body><nav>Home | World</nav>"
        "<article><h1>Headline of the page</h1><p>First paragraph is a long one with words and more words about NATO.</p>"
        "<p>Second paragraph says more things that matter to the argument of the article.</p></article>"
        "<aside class='most-read'>Teaser one</aside><script>alert(1)</script></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "d.jsonl").write_text(
        json.dumps({"id": "j1", "text": "First JSON line text.", "title": "J1"})
        + "\n{broken\n"
        + json.dumps({"id": "j2", "body": "Second"})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "e.csv").write_text(
        "headline,content,outlet\nH,Text of row one.,Daily\n", encoding="utf-8"
    )
    (tmp_path / "f.json").write_text(
        json.dumps([{"text": "one"}, {"text": "two"}]), encoding="utf-8"
    )
    (tmp_path / "g.txt").write_bytes(b"\x00\x01binary\x00junk" * 10)
    (tmp_path / "h.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "i.txt").write_bytes("Caf\xe9 in Paris is open again.".encode("cp1252"))
    stream = load(tmp_path)
    docs = {d.doc_id: d for d in stream}
    errors = {e.doc_id: e for e in stream.errors}
    assert set(docs) == {"a", "b", "c", "j1", "j2", "e:1", "f:0", "f:1", "sub/i"}
    assert set(errors) == {"d:2", "g", "h"}
    assert "no text column" in errors["h"].message and "h.csv" in errors["h"].message
    assert "binary" in errors["g"].message
    assert "line 2" in errors["d:2"].message
    assert docs["b"].title == "A Title Here"
    c = docs["c"]
    assert c.title == "Headline of the page" and c.author == "Jane Roe"
    assert "alert" not in c.text and "Teaser" not in c.text and "Home" not in c.text
    assert c.text.startswith("First paragraph")
    assert any("script" in d.reason for d in c.dropped) and any(
        "nav" in d.reason for d in c.dropped
    )
    assert docs["e:1"].title == "H" and docs["e:1"].source == "Daily"
    assert docs["sub/i"].text.startswith("Café") and any("cp1252" in n for n in docs["sub/i"].notes)


def test_dataframe_with_named_columns():
    df = pd.DataFrame(
        {"doc_id": ["x", "y"], "body": ["Text one.", "Text two."], "kind": ["a", "b"]}
    )
    docs = list(load(df, text="body", id="doc_id"))
    assert [d.doc_id for d in docs] == ["x", "y"]
    assert docs[1].text == "Text two." and ("kind", "b") in docs[1].meta


def test_dataframe_missing_column_names_the_columns():
    df = pd.DataFrame({"a": ["x"]})
    with pytest.raises(LoadError, match="columns are: a"):
        list(load(df))


def test_missing_path_is_an_error_row(tmp_path):
    stream = load([tmp_path / "nope.txt"])
    assert list(stream) == []
    assert "no such file" in stream.errors[0].message


def test_index_file_adds_metadata(tmp_path):
    (tmp_path / "x.txt").write_text(
        "Body of x that is long enough to count as a paragraph, really.", encoding="utf-8"
    )
    (tmp_path / "index.jsonl").write_text(
        json.dumps(
            {
                "doc_id": "X",
                "file": "x.txt",
                "source": "Outlet",
                "published": "2024-01-02",
                "genre": "opinion",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    stream = load(tmp_path)
    docs = list(stream)
    assert stream.errors == []
    assert [(d.doc_id, d.source, d.published) for d in docs] == [("X", "Outlet", "2024-01-02")]
    assert ("genre", "opinion") in docs[0].meta


def test_is_html():
    assert is_html("<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert not is_html("Iran < Iraq in size? No. a > b")


def test_bundled_samples_load_cleanly(samples_dir):
    stream = load(samples_dir)
    docs = list(stream)
    assert stream.errors == []
    assert len(docs) >= 8
    for d in docs:
        assert d.title and d.text and d.published, d.doc_id
        assert "Skip to main content" not in d.text and "Popular posts" not in d.text


@pytest.mark.parametrize(
    ("raw", "empty"),
    [
        ("", True),
        ("   \n\n \t", True),
        ("Iran is a state.", False),
        ("The EU should act.\n\n", False),
    ],
)
def test_empty_document_says_so(raw, empty):
    """An empty document is still analysed (empty tables) but its notes say why it is bare."""
    notes = document_from_text(raw).notes
    assert any(n.startswith("empty:") for n in notes) is empty, notes
