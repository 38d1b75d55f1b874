"""The command line: analyze writes one file per table with doc_id first; demo, report and
doctor exit 0 with readable output; errors go to stderr naming the file; the exit code is
non-zero only when nothing could be analysed. Commands run in-process through
``stancekit.cli.main``; one test calls the installed console script."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stancekit.cli import main, samples_dir
from stancekit.frames import TABLE_NAMES

pytestmark = pytest.mark.slow

SAMPLE_IDS = {
    json.loads(line)["doc_id"]
    for line in (samples_dir() / "index.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def test_samples_dir_is_the_bundled_folder():
    assert (samples_dir() / "index.jsonl").is_file()
    assert len(SAMPLE_IDS) >= 10


# --------------------------------------------------------------------------- analyze
@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    out = tmp_path_factory.mktemp("analyze") / "out"
    code = main(["analyze", str(samples_dir()), "-o", str(out), "-j", "1", "-q"])
    return code, out


def test_analyze_writes_one_file_per_table_with_doc_id_first(analyzed):
    code, out = analyzed
    assert code == 0
    for table in (*TABLE_NAMES, "features", "documents"):
        path = out / f"{table}.csv"
        assert path.is_file(), f"no {path.name}"
        assert _header(path)[0] == "doc_id", table
    docs = {r["doc_id"] for r in _rows(out / "documents.csv")}
    assert docs == SAMPLE_IDS
    assert {r["doc_id"] for r in _rows(out / "actors.csv")} == SAMPLE_IDS
    assert not (out / "errors.csv").exists() or not _rows(out / "errors.csv")


def test_analyze_tables_are_consistent(analyzed):
    _, out = analyzed
    actors = _rows(out / "actors.csv")
    for r in actors:
        assert r["stance"] in ("against", "neutral", "favor")
        assert -1.0 <= float(r["stance_score"]) <= 1.0
    ids = {(r["doc_id"], r["actor_id"]) for r in actors}
    for m in _rows(out / "mentions.csv"):
        assert (m["doc_id"], m["actor_id"]) in ids


def test_analyze_reports_bad_files_on_stderr_and_goes_on(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(samples_dir() / "ukraine-arm-now.txt", src / "good.txt")
    (src / "broken.json").write_text("{not json", encoding="utf-8")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02binary\xff")
    code = main(["analyze", str(src), "-o", str(tmp_path / "out"), "-j", "1", "-q"])
    cap = capsys.readouterr()
    assert code == 0  # one document could be analysed
    assert "broken.json" in cap.err and "binary.txt" in cap.err
    assert "broken.json" not in cap.out
    assert "analysed 1 document(s), 2 error(s)" in cap.out
    errors = _rows(tmp_path / "out" / "errors.csv")
    assert len(errors) == 2 and _header(tmp_path / "out" / "errors.csv")[0] == "doc_id"


def test_analyze_fails_when_nothing_could_be_analysed(tmp_path, capsys):
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    code = main(["analyze", str(bad), "-o", str(tmp_path / "out"), "-j", "1", "-q"])
    cap = capsys.readouterr()
    assert code != 0
    assert "broken.json" in cap.err


def test_missing_path_is_an_error_naming_it(tmp_path, capsys):
    missing = tmp_path / "nope.txt"
    code = main(["analyze", str(missing), "-o", str(tmp_path / "out"), "-j", "1", "-q"])
    cap = capsys.readouterr()
    assert code != 0
    assert "nope.txt" in cap.err


# --------------------------------------------------------------------------- demo and report
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run ``stancekit demo`` once, in a 100-column terminal."""
    import contextlib
    import io
    import os

    out = tmp_path_factory.mktemp("demo") / "demo-report.html"
    stdout, stderr = io.StringIO(), io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["demo", "-o", str(out), "-j", "1", "-q"])
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    return code, stdout.getvalue(), stderr.getvalue(), out


def test_demo_prints_readable_tables_in_100_columns(demo):
    code, out, err, _ = demo
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    for heading in ("Documents", "Stance matrix", "Advocacy calls"):
        assert heading in out
    assert "analysed 11 document(s)" in out
    for doc_id in ("ukraine-arm-now", "yemen-red-sea-shipping"):
        assert doc_id in out
    assert "Traceback" not in out + err


def test_demo_writes_the_report_and_says_where(demo):
    code, out, _, path = demo
    assert code == 0
    assert path.is_file()
    assert str(path.resolve()) in out.replace("\n", "")
    page = path.read_text(encoding="utf-8")
    assert page.count('class="sk sk-doc"') == len(SAMPLE_IDS)
    assert "<script" not in page.lower()


@pytest.mark.browser
def test_demo_report_renders_in_headless_chromium(demo, tmp_path):
    from test_report import check_screenshot, screenshot

    _, _, _, page = demo
    png = screenshot(page, tmp_path / "demo-report.png", tmp_path)
    check_screenshot(png)


def test_report_command(tmp_path, capsys):
    files = [str(samples_dir() / "ukraine-arm-now.txt"), str(tmp_path / "broken.json")]
    (tmp_path / "broken.json").write_text("[1, 2", encoding="utf-8")
    out = tmp_path / "r.html"
    code = main(["report", *files, "-o", str(out), "--title", "Two <docs>", "-j", "1", "-q"])
    cap = capsys.readouterr()
    assert code == 0
    assert "broken.json" in cap.err
    page = out.read_text(encoding="utf-8")
    assert "<title>Two &lt;docs&gt;</title>" in page
    assert "Errors (1)" in page and "broken.json" in page


def test_report_command_fails_without_documents(tmp_path, capsys):
    (tmp_path / "broken.json").write_text("[1, 2", encoding="utf-8")
    out = tmp_path / "r.html"
    code = main(["report", str(tmp_path / "broken.json"), "-o", str(out), "-j", "1", "-q"])
    cap = capsys.readouterr()
    assert code != 0
    assert "broken.json" in cap.err
    assert not out.exists()


# --------------------------------------------------------------------------- doctor, json
def test_doctor(capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "spaCy pipeline" in out and "no connection attempted" in out
    assert "all good" in out


def test_json_command_prints_one_analysis(capsys):
    code = main(["json", str(samples_dir() / "ukraine-negotiate.txt"), "--indent", "0"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["document"]["doc_id"] == "ukraine-negotiate"
    assert data["actors"] and data["claims"]


# --------------------------------------------------------------------------- console script
def test_installed_console_script(tmp_path):
    exe = shutil.which("stancekit", path=str(Path(sys.executable).parent)) or shutil.which(
        "stancekit"
    )
    if exe is None:
        pytest.skip("the stancekit console script is not installed (pip install -e .)")
    out = tmp_path / "out"
    proc = subprocess.run(
        [exe, "analyze", str(samples_dir() / "eu-moldova-accession.txt"), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "analysed 1 document(s), 0 error(s)" in proc.stdout
    assert _header(out / "claims.csv")[0] == "doc_id"
    assert {r["doc_id"] for r in _rows(out / "actors.csv")} == {"eu-moldova-accession"}
