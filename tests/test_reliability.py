"""Reliability: bad, odd and huge inputs give a result or a clear error, never a crash,
and a corpus run loses no document (results + errors == inputs).

The analysis runs every stage.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

import stancekit
from stancekit import AnalysisConfig, Analyzer
from stancekit.config import STAGES
from stancekit.errors import (
    InputTooLargeError,
    LoadError,
    StancekitValueError,
)
from stancekit.types import Document

pytestmark = pytest.mark.slow

PROBE = "Iran must stop arming the militias, the minister said. The United States should act."


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(AnalysisConfig(stages=STAGES))


# --------------------------------------------------------------------------- checks
SPAN_TEXT_TABLES = ("mention_records", "claim_records", "advocacy_records", "framing_records")
SPAN_TABLES = (
    *SPAN_TEXT_TABLES,
    "stance_records",
    "relation_records",
    "technique_records",
)


def assert_consistent(a: stancekit.Analysis) -> None:
    """Offsets inside the text (title for in_title rows), span text == text[start:end],
    JSON that encodes as UTF-8 and round-trips."""
    doc = a.document
    for attr in SPAN_TABLES:
        for rec in getattr(a, attr):
            container = (doc.title or "") if rec.in_title else doc.text
            assert 0 <= rec.start <= rec.end <= len(container), (attr, rec)
            if attr in SPAN_TEXT_TABLES:
                assert container[rec.start : rec.end] == rec.text, (attr, rec)
    js = a.to_json()
    js.encode("utf-8")  # no lone surrogates anywhere
    assert stancekit.Analysis.from_dict(json.loads(js)).to_json() == js


def n_records(a: stancekit.Analysis) -> int:
    return sum(len(getattr(a, f)) for f in a.TABLE_FIELDS.values())


# --------------------------------------------------------------------------- empty / not text
@pytest.mark.parametrize(
    "text", ["", " ", "\n\n\t  \r\n", "\u00a0\u2003\u3000", "\x00\x00\x07", "\ufeff"]
)
def test_empty_or_blank_text_gives_an_empty_analysis(analyzer, text):
    a = analyzer.analyze(text)
    assert a.document.text == ""
    assert n_records(a) == 0
    assert_consistent(a)
    # the module-level function agrees
    assert n_records(stancekit.analyze(text, config=analyzer.config)) == 0


@pytest.mark.parametrize(
    "value", [None, 0, 3.5, True, ["a text"], {"text": "a text"}, object(), 1 + 2j]
)
def test_non_text_raises_type_error_naming_the_type(analyzer, value):
    with pytest.raises(TypeError, match=type(value).__name__):
        analyzer.analyze(value)
    with pytest.raises(TypeError, match=type(value).__name__):
        stancekit.analyze(value)


def test_non_text_title_raises_type_error(analyzer):
    with pytest.raises(TypeError, match="int"):
        analyzer.analyze("Iran must act.", title=5)


# --------------------------------------------------------------------------- bytes and encodings
TEXT = "The minister said Iran must stop arming the militias in Iraq. Café owners agreed."


@pytest.mark.parametrize(
    "data, note",
    [
        (TEXT.encode("utf-8"), None),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), None),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("cp1252"), "not valid UTF-8"),
        # a scraped page: UTF-8 with “quotes” and — dashes, and one stray byte
        (TEXT.encode("utf-8") + " “Quoted” — naïve.".encode() + b" \x92 tail.", "not valid UTF-8"),
    ],
)
def test_bytes_are_decoded(analyzer, data, note):
    a = analyzer.analyze(data)
    assert "Café" in a.document.text
    assert "Iran must stop arming" in a.document.text
    if note:
        assert any(note in n for n in a.document.notes), a.document.notes
    assert_consistent(a)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        gzip.compress(b"some text that was compressed " * 20, mtime=0),
        bytes(range(256)) * 4,
    ],
)
def test_binary_bytes_raise_a_load_error(analyzer, data):
    with pytest.raises(LoadError, match="binary"):
        analyzer.analyze(data)


# --------------------------------------------------------------------------- odd characters
@pytest.mark.parametrize(
    "text, title",
    [
        ("Iran \ud800must stop arming\udfff the militias.", None),
        ("Iran must stop arming the militias.", "Lone \udc80surrogate title"),
        ("Iran\x00 must stop\x07 arming\x1b[31m the\x7f militias.\x0b\x0c", "Title\x00 here\x1f"),
        ("Iran must stop arming the militias.\r\nThe United States\rshould act.", None),
        ("Iran \u200bmust\u200d stop \u202earming\u202c the militias\ufeff.", "\u2066Title\u2069"),
    ],
)
def test_surrogates_and_control_characters_are_removed(analyzer, text, title):
    a = analyzer.analyze(text, title=title)
    for s in (a.document.text, a.document.title or ""):
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in s)
        assert not any(ord(c) < 32 and c not in "\n\t" for c in s)
    assert "Iran" in a.document.text
    assert_consistent(a)


def test_emoji(analyzer):
    text = (
        "🇮🇷 Iran 🚀 must stop arming the militias 👍🏽 in Iraq. "
        "The United States 🇺🇸 should act now 🔥🔥🔥, the minister said 👨‍👩‍👧."
    )
    a = analyzer.analyze(text, title="Emoji 🙂 politics")
    assert a.document.text == text
    assert_consistent(a)


NON_ENGLISH = {
    "persian": (
        "ایران باید از مسلح کردن شبه‌نظامیان در عراق دست بردارد. ایالات متحده باید اکنون اقدام "
        "کند و این کار را فوراً انجام دهد، وزیر در بیانیه‌ای گفت.",
        "Arabic",
    ),
    "arabic": (
        "يجب على إيران أن تتوقف عن تسليح الميليشيات في العراق. يجب على الولايات المتحدة أن "
        "تتحرك الآن، قال الوزير في بيان يوم الاثنين.",
        "Arabic",
    ),
    "chinese": (
        "伊朗必须停止武装伊拉克的民兵。美国应该立即采取行动，部长周一在一份声明中说。这是唯一的办法。",
        "Cjk",
    ),
    "mixed": (
        "Der Minister sagte am Montag, Iran müsse aufhören, die Milizen im Irak zu bewaffnen. "
        "Die Vereinigten Staaten sollten jetzt handeln, und zwar sofort, bevor es zu spät ist "
        "und die Lage im ganzen Land noch schlimmer wird als sie heute schon ist, sagte er "
        "vor der Presse in Berlin nach einem langen Treffen mit seinen Kollegen aus Europa.",
        "English",
    ),
}


@pytest.mark.parametrize("name", sorted(NON_ENGLISH))
def test_non_english_text_gives_a_result_with_a_language_note(analyzer, name):
    text, script = NON_ENGLISH[name]
    a = analyzer.analyze(text)
    assert a.document.text == text
    notes = " ".join(a.document.notes)
    assert "not English" in notes or "does not look like English" in notes, notes
    if script != "English":
        assert script in notes
    assert_consistent(a)


# --------------------------------------------------------------------------- size
REPEATED_RUN = """
import faulthandler, json, sys, time
faulthandler.dump_traceback_later(float(sys.argv[2]), exit=True)  # a hang shows its stack
sys.path.insert(0, sys.argv[3])
from test_reliability import assert_consistent
from stancekit import AnalysisConfig, Analyzer
an = Analyzer(AnalysisConfig(stages=tuple(json.loads(sys.argv[1]))))
an.nlp
text = " ".join(["Iran"] * 50_000)
t0 = time.perf_counter()
a = an.analyze(text)
elapsed = time.perf_counter() - t0
assert a.document.text == text
assert_consistent(a)
print(json.dumps({"seconds": elapsed, "mentions": len(a.mention_records)}))
"""
REPEATED_TIMEOUT = 150  # seconds; the whole run takes ~15-50 s on 2 busy cores


def test_one_token_repeated_50000_times(analyzer):
    """In a child process with a hard time limit: a quadratic stage fails, not hangs."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            REPEATED_RUN,
            json.dumps(list(analyzer.config.stages)),
            str(REPEATED_TIMEOUT),
            str(Path(__file__).resolve().parent),
        ],
        capture_output=True,
        text=True,
        timeout=REPEATED_TIMEOUT + 60,
        check=False,
    )
    assert proc.returncode == 0, (
        f"50,000 repeated tokens: no result within {REPEATED_TIMEOUT} s or a crash; "
        f"where it was:\n{proc.stderr[-3000:]}"
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["seconds"] < REPEATED_TIMEOUT


PROSE = (
    "Iran must stop arming the militias in Iraq, the minister said on Monday. "
    "The United States should respond with firm sanctions before it is too late.\n\n"
)


def _huge_text(n: int = 1_500_000) -> str:
    """Prose at the start, the middle and the end (beyond spaCy's 1,000,000-character
    default max_length) of a page otherwise filled with a long table of identifiers
    and one 150,000-character paragraph without a line break. Long tokens keep the
    parse to ~40,000 tokens: a realistic prose page of this size takes minutes."""
    row = " ".join(f"ref{i:06d}a8f3c2d19e7b4f60a1c3e5f7b9d2c4e6d1" for i in range(50)) + "\n\n"
    block = " ".join(f"blob{i:05d}QmFzZTY0IGVuY29kZWQgZGF0YSBvZiBhbiBpbWFnZQ" for i in range(3000))
    filler_len = n - 3 * len(PROSE) - len(block)
    filler = (row * (filler_len // len(row) + 1))[: filler_len // 2]
    filler2 = (row * (filler_len // len(row) + 1))[: filler_len - len(filler)]
    text = PROSE + filler + "\n\n" + PROSE + block + "\n\n" + filler2 + "\n\n" + PROSE
    return text


def test_one_and_a_half_million_characters(analyzer):
    text = _huge_text()
    assert len(text) > 1_500_000
    a = analyzer.analyze(text)
    assert len(a.document.text) > 1_000_000
    assert a.document.text.endswith(PROSE.strip())
    assert_consistent(a)
    # the prose after the first million characters was analysed, with exact offsets
    if {"actors", "claims", "framing"} & set(analyzer.config.stages):
        late = [
            r
            for attr in SPAN_TABLES
            for r in getattr(a, attr)
            if not r.in_title and r.start > 1_000_000
        ]
        assert late, "nothing found beyond character 1,000,000"


# --------------------------------------------------------------------------- HTML
HTML_PAGES = {
    "scripts_and_styles": (
        "<html><head><style>body{color:red} .x:before{content:'STYLETEXT'}</style>"
        "<script>var secret = 'SCRIPTTEXT'; alert(1)</script></head><body><article>"
        "<p>The minister said Iran must stop arming the militias in Iraq on Monday.</p>"
        "<script>document.write('SCRIPTTEXT')</script><noscript>SCRIPTTEXT</noscript>"
        "<p>The United States should respond with firm sanctions, officials said.</p>"
        "</article></body></html>"
    ),
    "malformed": (
        "<html><body><div><p>The minister said Iran must stop arming <b>the militias <i>in "
        "Iraq on Monday.</p><p>The United States should respond</div></span></span><p>with "
        '<a href="x>firm</a> sanctions, officials said.<div <p <<>> </html></body><p'
    ),
    "unclosed_script": (
        "<html><body><p>The minister said Iran must stop arming the militias in Iraq.</p>"
        "<p>The United States should respond with firm sanctions.</p><p>Officials agreed.</p>"
        "<script>var x = '<p>SCRIPTTEXT</p>';"
    ),
    "comments_and_cdata": (
        "<html><body><!-- SCRIPTTEXT --><p>The minister said Iran must stop arming the "
        "militias in Iraq.</p><![CDATA[ SCRIPTTEXT ]]><p>The United States should respond "
        "with firm sanctions.</p><p>Officials agreed.</p><!-- unclosed comment"
    ),
    "tags_only": "<p></p><div></div><span></span><br><br><p> </p>",
}


@pytest.mark.parametrize("name", sorted(HTML_PAGES))
def test_html_with_scripts_styles_and_broken_markup(analyzer, name):
    a = analyzer.analyze(HTML_PAGES[name])
    assert "SCRIPTTEXT" not in a.document.text
    assert "STYLETEXT" not in a.document.text
    assert "color:red" not in a.document.text
    if name != "tags_only":
        assert "Iran must stop arming" in a.document.text
    assert_consistent(a)


# --------------------------------------------------------------------------- files
def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_jsonl_with_broken_lines(tmp_path):
    f = _write(
        tmp_path / "lines.jsonl",
        '{"id": "a", "text": "Iran must stop arming the militias."}\n'
        '{"id": "b", "text": broken\n'
        "\n"
        '{"id": "c", "text": "The United States should act."}\n'
        "[1, 2, 3]\n"
        '{"id": "e", "title": "a row without text"}\n'
        '{"id": "f", "text": "truncated line',
    )
    stream = stancekit.load(f)
    docs = list(stream)
    assert [d.doc_id for d in docs] == ["a", "c"]
    assert len(docs) + len(stream.errors) == 6  # six non-blank lines
    for e in stream.errors:
        assert str(f) in e.message and e.doc_id and e.error_type
    messages = " ".join(e.message for e in stream.errors)
    assert "line 2" in messages and "line 5" in messages and "line 7" in messages
    assert "no text" in messages


def test_csv_without_a_text_column(tmp_path):
    f = _write(tmp_path / "meta.csv", "id,title,author\n1,Hello,Bob\n2,World,Ann\n")
    stream = stancekit.load(f)
    assert list(stream) == []
    [err] = stream.errors
    assert str(f) in err.message and "no text column" in err.message
    assert "text=" in err.message  # says how to fix it
    named = stancekit.load(f, text="body")
    assert list(named) == []
    [err] = named.errors
    assert "'body'" in err.message and "not found" in err.message and "title" in err.message


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n"
        + zlib.compress(bytes(range(256)) * 8),
        gzip.compress(b"compressed text " * 100, mtime=0),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200),
    ],
)
def test_binary_file_with_a_txt_name(tmp_path, data):
    f = _write(tmp_path / "article.txt", data)
    stream = stancekit.load(f)
    assert list(stream) == []
    [err] = stream.errors
    assert err.doc_id == "article"
    assert str(f) in err.message and "binary" in err.message


# --------------------------------------------------------------------------- corpus runs
GOOD = (
    "The minister said on Monday that Iran must stop arming the militias in Iraq. "
    "The United States should respond with firm sanctions, officials said."
)


def _mixed_folder(root: Path) -> tuple[int, set[str], dict[str, str]]:
    """Every kind of bad input in one folder. Returns (number of inputs, doc_ids that
    must give a result, doc_id -> error_type for those that must fail)."""
    ok: set[str] = set()
    bad: dict[str, str] = {}
    n = 0

    def add(name: str, data: bytes | str, doc_id: str, error: str | None = None) -> None:
        nonlocal n
        _write(root / name, data)
        n += 1
        (bad.__setitem__(doc_id, error) if error else ok.add(doc_id))

    add("good.txt", GOOD, "good")
    add("empty.txt", "", "empty")
    add("blank.md", "  \n\n \t ", "blank")
    add("nul-and-controls.txt", GOOD.encode() + b"\x07\x1b", "nul-and-controls")
    add("cp1252.txt", ("Caf\xe9 " + GOOD).encode("cp1252"), "cp1252")
    add("utf16.txt", GOOD.encode("utf-16"), "utf16")
    add("emoji.txt", "🚀 " + GOOD + " 🇺🇸", "emoji")
    add("persian.txt", NON_ENGLISH["persian"][0], "persian")
    add("chinese.txt", NON_ENGLISH["chinese"][0], "chinese")
    add("page.html", HTML_PAGES["scripts_and_styles"], "page")
    add("broken.html", HTML_PAGES["malformed"], "broken")
    add("tags-only.htm", HTML_PAGES["tags_only"], "tags-only")
    add(
        "image.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "image",
        "LoadError",
    )
    add("archive.txt", gzip.compress(GOOD.encode(), mtime=0), "archive", "LoadError")
    add("big.txt", GOOD + " " + "x" * 30_000, "big", "InputTooLargeError")
    add("meta.csv", "id,title\n1,Hello\n", "meta", "LoadError")
    add("bad.json", '{"text": "unterminated', "bad", "LoadError")
    add("deep.json", "[" * 100_000 + "]" * 100_000, "deep", "LoadError")  # RecursionError
    _write(root / "deep-lines.jsonl", '{"text": "Iran must act."}\n' + "[" * 100_000 + "\n")
    n += 2
    ok.add("deep-lines:1")
    bad["deep-lines:2"] = "LoadError"
    # a JSONL file: every non-blank line is one input
    _write(
        root / "lines.jsonl",
        '{"id": "l1", "text": "Iran must stop arming the militias."}\n'
        '{"id": "l2", "text": broken\n\n'
        '{"id": "l3", "text": ""}\n'
        "[1, 2]\n"
        '{"id": "l5", "title": "no text"}\n',
    )
    n += 5
    ok |= {"l1", "l3"}
    bad |= {"lines:2": "LoadError", "lines:5": "LoadError", "l5": "LoadError"}
    # a CSV with good rows and an empty text cell (an empty document, like l3)
    _write(root / "rows.csv", f'id,text\nr1,"{GOOD}"\nr2,\nr3,Short text.\n')
    n += 3
    ok |= {"r1", "r2", "r3"}
    return n, ok, bad


@pytest.mark.parametrize("n_process", [1, 2])
def test_corpus_run_loses_no_document(tmp_path, n_process):
    n_inputs, ok, bad = _mixed_folder(tmp_path / "mix")
    config = AnalysisConfig(stages=STAGES, max_chars=20_000)
    corpus = stancekit.analyze_corpus(
        tmp_path / "mix", n_process=n_process, batch_size=4, progress=False, config=config
    )
    analyses = corpus.analyses
    errors = corpus.errors
    assert len(analyses) + len(errors) == n_inputs, (
        [a.document.doc_id for a in analyses],
        errors.to_dict("records"),
    )
    assert {a.document.doc_id for a in analyses} == ok
    assert dict(zip(errors.doc_id, errors.error_type)) == bad
    assert list(errors.columns) == ["doc_id", "stage", "error_type", "message"]
    for row in errors.itertuples():
        assert row.message and row.stage
    for a in analyses:
        assert_consistent(a)


def test_corpus_of_mixed_python_objects(analyzer):
    items = [
        GOOD,
        "",
        None,
        5,
        GOOD.encode("utf-8"),
        b"\x00\x01binary\x00",
        "Iran \ud800must act.",
        Document(text=GOOD, doc_id="given"),
        "x" * 25_000,
        ["not", "a", "text"],
    ]
    config = AnalysisConfig(stages=analyzer.config.stages, max_chars=20_000)
    corpus = stancekit.analyze_corpus(items, n_process=1, progress=False, config=config)
    analyses, errors = corpus.analyses, corpus.errors
    assert len(analyses) + len(errors) == len(items)
    assert set(errors.doc_id) == {
        "item-000002",
        "item-000003",
        "text-000005",
        "text-000008",
        "item-000009",
    }
    by_id = dict(zip(errors.doc_id, errors.message))
    assert "NoneType" in by_id["item-000002"] and "int" in by_id["item-000003"]
    assert "binary" in by_id["text-000005"]
    assert "max_chars" in by_id["text-000008"]
    assert "given" in {a.document.doc_id for a in analyses}


# --------------------------------------------------------------------------- size limit
def test_max_chars_is_configurable_with_a_clear_error(analyzer):
    small = Analyzer(AnalysisConfig(stages=analyzer.config.stages, max_chars=1_000))
    small.analyze("word " * 199)  # 995 characters: fine
    with pytest.raises(InputTooLargeError, match=r"max_chars=1,000") as info:
        small.analyze(
            "word " * 300,
        )
    assert "raise AnalysisConfig(max_chars" in str(info.value)
    # title and body count together
    with pytest.raises(InputTooLargeError):
        small.analyze("word " * 150, title="t" * 500)
    # the default limit applies before any parsing (this fails fast)
    t0 = time.perf_counter()
    with pytest.raises(InputTooLargeError):
        Analyzer().analyze("x" * (AnalysisConfig().max_chars + 1))
    assert time.perf_counter() - t0 < 10
    for bad in (0, -5):
        with pytest.raises(StancekitValueError, match="max_chars"):
            AnalysisConfig(max_chars=bad)


def test_corpus_texts_that_look_like_paths(tmp_path, monkeypatch, analyzer):
    cwd = tmp_path / "up" / "here"  # ".." holds only "here"
    cwd.mkdir(parents=True)
    (cwd / "one.txt").write_text("A file that says Iran must act.", encoding="utf-8")
    (cwd / "two.txt").write_text("Another file about the militias.", encoding="utf-8")
    monkeypatch.chdir(cwd)
    items = [".", "..", "Iran must act."]
    corpus = analyzer.analyze_corpus(items, n_process=1, progress=False)
    assert len(corpus.analyses) + len(corpus.errors) == len(items)
    assert [a.document.text for a in corpus.analyses] == items
