"""The bundled samples in data/samples: index and files agree, files are well formed.

Loader behaviour on these files is tested in test_load.py; this module only checks the data.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
INDEX = SAMPLES / "index.jsonl"
NOTE = "Invented example written for stancekit; outlet, author and quotes are fictional."
FIELDS = (
    "doc_id",
    "file",
    "title",
    "author",
    "published",
    "source",
    "genre",
    "topic",
    "stance_note",
    "note",
)
NOT_SAMPLES = {"index.jsonl", "README.md"}


def _index() -> list[dict]:
    lines = INDEX.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


ROWS = _index()
ROW_IDS = [row.get("doc_id", f"row{i}") for i, row in enumerate(ROWS)]


def _sample_files() -> set[str]:
    return {p.name for p in SAMPLES.iterdir() if p.is_file() and p.name not in NOT_SAMPLES}


def _by_suffix(suffix: str) -> list[dict]:
    return [row for row in ROWS if row["file"].endswith(suffix)]


def test_index_lists_every_sample_file_and_nothing_else():
    listed = [row["file"] for row in ROWS]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert set(listed) == _sample_files()


def test_at_least_ten_samples_with_unique_ids():
    ids = [row["doc_id"] for row in ROWS]
    assert len(ids) >= 10
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_index_row_fields(row):
    assert set(row) == set(FIELDS)
    for field in FIELDS:
        assert isinstance(row[field], str), field
        assert row[field].strip(), f"{field} is empty"
    assert row["genre"] in {"opinion", "reporting"}
    assert row["note"] == NOTE


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_published_is_iso_date(row):
    published = row["published"]
    assert dt.date.fromisoformat(published).isoformat() == published


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_file_exists_is_utf8_and_marked_invented(row):
    path = SAMPLES / row["file"]
    assert path.is_file()
    text = path.read_bytes().decode("utf-8")  # raises on invalid UTF-8
    assert text.strip()
    assert NOTE in text
    assert row["title"] in text
    words = len(text.split())
    assert 350 <= words <= 2500, f"{row['file']}: {words} words"


@pytest.mark.parametrize("row", _by_suffix(".txt"), ids=lambda r: r["doc_id"])
def test_plain_text_starts_with_title(row):
    text = (SAMPLES / row["file"]).read_text(encoding="utf-8")
    first = text.splitlines()[0]
    if row["file"].endswith(".raw.txt"):
        assert first == "Skip to main content"
        assert text.count(row["title"]) >= 2, "raw capture repeats the title"
    else:
        assert first == row["title"]
        assert text.splitlines()[1] == ""


def test_markdown_sample_has_heading():
    rows = _by_suffix(".md")
    assert rows
    for row in rows:
        first = (SAMPLES / row["file"]).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# {row['title']}"


def test_genres_cover_opinion_and_reporting():
    genres = {row["genre"] for row in ROWS}
    assert genres == {"opinion", "reporting"}


def test_raw_capture_has_page_furniture():
    rows = _by_suffix(".raw.txt")
    assert rows, "no raw page capture in the samples"
    for row in rows:
        text = (SAMPLES / row["file"]).read_text(encoding="utf-8")
        for marker in ("Skip to main content", "Comments", "Popular posts from this blog"):
            assert marker in text, f"{row['file']}: missing {marker!r}"
        assert row["author"] in text
        assert f"{row['source'].upper()} - " in text, "dateline 'OUTLET - ' missing"


def test_html_page_has_article_and_metadata():
    rows = _by_suffix(".html")
    assert rows, "no HTML page in the samples"
    for row in rows:
        html = (SAMPLES / row["file"]).read_text(encoding="utf-8")
        for marker in (
            "<article",
            "</article>",
            "<h1>",
            "<nav",
            "<aside",
            "<footer",
            "<script",
            "<style",
            'id="cookie-banner"',
            f'<meta name="author" content="{row["author"]}">',
            f'<meta property="og:site_name" content="{row["source"]}">',
            f'<meta property="og:title" content="{row["title"]}">',
            'property="article:published_time" content="' + row["published"],
        ):
            assert marker in html, f"{row['file']}: missing {marker!r}"


def test_html_page_is_self_contained():
    for row in _by_suffix(".html"):
        html = (SAMPLES / row["file"]).read_text(encoding="utf-8").lower()
        for scheme in ("http://", "https://", 'src="//', 'href="//'):
            assert scheme not in html, f"{row['file']} refers to an external URL"
