"""Corpus runs: every input accounted for, process pool (order, crashes, early stop),
streaming without keeping, and resumable writing (csv, jsonl, parquet).

These tests do not depend on the analysis stages (which are built elsewhere): they
run a blank spaCy pipeline (tokenizer + sentencizer) and small fake stages that
emit records with real offsets, so they are fast and exact. ``install_fakes`` is
also used by the kill-and-resume subprocess below.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from stancekit import AnalysisConfig, Analyzer, api
from stancekit import corpus as skcorpus
from stancekit.errors import StancekitError, StancekitValueError
from stancekit.types import (
    Actor,
    ActorLayer,
    AdvocacyCall,
    Claim,
    ClaimLayer,
    Document,
    FramingLayer,
    Mention,
)

HERE = Path(__file__).resolve().parent
STAGES = ("actors", "claims", "framing")
LINUX = sys.platform.startswith("linux")
fork_only = pytest.mark.skipif(not LINUX, reason="fake stages reach workers only when forked")

# --------------------------------------------------------------------------- fakes
_WORD = re.compile(r"\b[A-Z][a-z]+\b")
_SLOW = {"seconds": 0.0}


def _in_worker() -> bool:
    return "analyzer" in skcorpus._WORKER


def fake_actors(parsed, config):
    if "BOOM" in parsed.text:
        raise ValueError("the fake actors stage exploded")
    if "KILL" in parsed.text and _in_worker():
        os._exit(3)  # a worker dying in native code, out of memory, or killed
    if _SLOW["seconds"]:
        time.sleep(_SLOW["seconds"])
    ids: dict[str, str] = {}
    mentions = []
    for i, m in enumerate(_WORD.finditer(parsed.text)):
        actor_id = ids.setdefault(m.group(), f"A{len(ids)}")
        mentions.append(
            Mention(
                mention_id=i,
                actor_id=actor_id,
                text=m.group(),
                start=m.start(),
                end=m.end(),
                sentence_id=parsed.sentence_id(m.start()),
                in_title=parsed.in_title(m.start()),
                method="fake",
            )
        )
    actors = tuple(
        Actor(actor_id=a, name=n, type="ORG", n_mentions=1, aliases=(n, n.upper()))
        for n, a in ids.items()
    )
    return ActorLayer(mentions=tuple(mentions), actors=actors)


def fake_claims(parsed, actors, config):
    out = []
    for sid, s in enumerate(parsed.sentences):
        text = s.text.rstrip()
        if not text:
            continue
        out.append(
            Claim(
                sentence_id=sid,
                start=s.start_char,
                end=s.start_char + len(text),
                text=text,
                in_title=parsed.in_title(s.start_char),
                is_claim="should" in text,
                cues=("should",) if "should" in text else (),
            )
        )
    return ClaimLayer(claims=tuple(out))


def fake_framing(parsed, actors, claims, config):
    calls = tuple(
        AdvocacyCall(
            sentence_id=c.sentence_id,
            start=c.start,
            end=c.end,
            text=c.text,
            in_title=c.in_title,
            form="modal",
            cue="=should",  # a cell a spreadsheet would run as a formula
        )
        for c in claims.claims
        if c.is_claim
    )
    feats: dict[str, object] = {"words": len(parsed.text.split()), "has_call": bool(calls)}
    if "EXTRA" in parsed.text:
        feats["extra_rate"] = 0.5  # a feature column first seen late in a run
    return FramingLayer(advocacy=calls, features=tuple(sorted(feats.items())))


FAKES = {"actors": fake_actors, "claims": fake_claims, "framing": fake_framing}


def install_fakes(slow: float = 0.0) -> None:
    """Replace the stage lookup of the API by the fakes (for subprocesses)."""
    _SLOW["seconds"] = slow
    api._stage_function = FAKES.__getitem__


def blank_nlp():
    import spacy

    from stancekit.nlp import _register_components

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    _register_components()
    nlp.add_pipe("stancekit_paragraphs")
    return nlp


def make_analyzer(**config) -> Analyzer:
    config.setdefault("stages", STAGES)
    config.setdefault("max_chars", 20_000)
    return Analyzer(AnalysisConfig(**config), nlp=blank_nlp())


def texts(n: int) -> list[str]:
    """n short documents; a few are blank, and some have a title line."""
    out = []
    for i in range(n):
        if i % 7 == 3:
            out.append("   ")
        else:
            out.append(
                f"Report {i}\n\nIran and Iraq met in Baghdad on day {i}. "
                f"The United States should act.\n\nParagraph two of {i} names Tehran."
            )
    return out


@pytest.fixture
def fakes(monkeypatch):
    monkeypatch.setattr(api, "_stage_function", FAKES.__getitem__)
    monkeypatch.setitem(_SLOW, "seconds", 0.0)


@pytest.fixture
def analyzer(fakes):
    return make_analyzer()


BAD = [
    None,  # not text
    5,
    b"\x00\x01binary\x00\x00",  # bytes that are not text
    "The fake stage goes BOOM here.",  # a stage error
    "x " * 15_000,  # beyond max_chars
    ["a", "list"],
]


def mixed(n_good: int = 20) -> list[object]:
    items: list[object] = list(texts(n_good))
    for k, bad in enumerate(BAD):
        items.insert(2 + 3 * k, bad)
    return items


# --------------------------------------------------------------------------- accounting
@pytest.mark.parametrize("n_process", [1, pytest.param(2, marks=fork_only)])
def test_results_plus_errors_equal_inputs(analyzer, n_process):
    items = mixed()
    corpus = analyzer.analyze_corpus(items, n_process=n_process, batch_size=3, progress=False)
    analyses = corpus.analyses
    errors = corpus.errors
    assert len(analyses) + len(errors) == len(items) == corpus.n_inputs
    assert list(errors.columns) == ["doc_id", "stage", "error_type", "message"]
    kinds = dict(zip(errors.doc_id, zip(errors.stage, errors.error_type)))
    bad_at = [i for i, it in enumerate(items) if any(it is b for b in BAD)]
    assert len(kinds) == len(BAD) == len(bad_at)
    none_id, five_id, bytes_id, boom_id, big_id, list_id = (
        f"{'item' if not isinstance(items[i], str | bytes) else 'text'}-{i:06d}" for i in bad_at
    )
    assert kinds[none_id] == kinds[five_id] == kinds[list_id] == ("load", "TypeError")
    assert kinds[boom_id] == ("actors", "ValueError")
    assert kinds[big_id] == ("load", "InputTooLargeError")
    assert kinds[bytes_id][0] == "load"
    assert all(errors.message.str.len() > 0)
    # analyses come back in input order
    ids = [a.document.doc_id for a in analyses]
    order = [f"text-{i:06d}" for i, it in enumerate(items) if isinstance(it, str)]
    assert ids == [i for i in order if i in set(ids)]
    assert corpus.summary()["documents"] == len(analyses)


@fork_only
def test_pool_gives_the_same_tables_as_one_process(analyzer):
    items = mixed()
    one = analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False)
    two = analyzer.analyze_corpus(items, n_process=2, batch_size=4, progress=False)
    assert [a.to_json() for a in one] == [a.to_json() for a in two]
    for name in ("actors", "mentions", "claims", "advocacy", "features", "documents"):
        pd.testing.assert_frame_equal(one.table(name), two.table(name))
    pd.testing.assert_frame_equal(one.errors, two.errors)


@fork_only
def test_a_crashing_worker_costs_only_its_document(analyzer):
    import multiprocessing as mp

    items = texts(24)
    items[9] = "This one makes the worker KILL itself."
    corpus = analyzer.analyze_corpus(items, n_process=2, batch_size=4, progress=False)
    analyses = corpus.analyses
    errors = corpus.errors
    assert len(analyses) + len(errors) == len(items)
    assert list(errors.doc_id) == ["text-000009"]
    assert errors.error_type[0] == "WorkerCrashed" and errors.stage[0] == "worker"
    assert corpus.restarts >= 1
    assert [a.document.doc_id for a in analyses] == [f"text-{i:06d}" for i in range(24) if i != 9]
    assert not mp.active_children()  # the pool was shut down


@fork_only
def test_stopping_early_stops_the_workers(analyzer):
    import multiprocessing as mp

    corpus = analyzer.analyze_corpus(texts(200), n_process=2, batch_size=2, progress=False)
    for seen, _ in enumerate(corpus):
        if seen == 5:
            break
    time.sleep(0.2)
    assert not mp.active_children()
    # the partial run is not mistaken for a finished one
    assert not corpus._done and corpus.n_inputs < 200


@fork_only
def test_ctrl_c_stops_the_workers_and_propagates(analyzer):
    import multiprocessing as mp

    def interrupted():
        for k, item in enumerate(texts(400)):
            if k == 40:
                raise KeyboardInterrupt
            yield item

    corpus = analyzer.analyze_corpus(interrupted(), n_process=2, batch_size=4, progress=False)
    with pytest.raises(KeyboardInterrupt):
        corpus.run()
    assert not mp.active_children()
    assert 0 < corpus.n_inputs <= 40 and not corpus._running


def test_keep_false_streams_without_keeping(analyzer):
    corpus = analyzer.analyze_corpus(texts(30), n_process=1, keep=False, progress=False)
    n = sum(1 for _ in corpus)
    assert n == 30 and corpus._analyses == []
    assert corpus.n_inputs == 30


def test_a_consumed_generator_is_not_rerun_silently(analyzer):
    corpus = analyzer.analyze_corpus(
        (t for t in texts(10)), n_process=1, keep=False, progress=False
    )
    assert sum(1 for _ in corpus) == 10
    with pytest.raises(StancekitError, match="one-shot"):
        corpus.actors  # noqa: B018


def test_asking_for_a_table_while_iterating_is_an_error(analyzer):
    corpus = analyzer.analyze_corpus(texts(40), n_process=1, batch_size=4, progress=False)
    with pytest.raises(StancekitError, match="already running"):
        for _ in corpus:
            corpus.actors  # noqa: B018


def test_bad_arguments_name_the_fix(analyzer):
    with pytest.raises(StancekitValueError, match="engine"):
        analyzer.analyze_corpus([], engine="spark")
    with pytest.raises(StancekitValueError, match="batch_size"):
        analyzer.analyze_corpus([], batch_size=0)
    with pytest.raises(StancekitValueError, match="n_process"):
        analyzer.analyze_corpus([], n_process=0)
    with pytest.raises(StancekitValueError, match="engine='dask'"):
        analyzer.analyze_corpus([], scheduler="tcp://127.0.0.1:8786")
    corpus = analyzer.analyze_corpus(texts(2), progress=False)
    with pytest.raises(StancekitValueError, match="csv, jsonl, parquet"):
        corpus.write("never-made", format="xlsx")
    assert not Path("never-made").exists()


def test_progress_bar_shows_documents_per_second(analyzer, capsys):
    analyzer.analyze_corpus(texts(12), n_process=1, batch_size=4, progress=True).run()
    err = capsys.readouterr().err
    assert "stancekit" in err and "doc/s" in err and "12/12" in err


# --------------------------------------------------------------------------- writing
def read_tables(out: Path, fmt: str) -> dict[str, pd.DataFrame]:
    names = [*skcorpus.ALL_TABLES, "errors"]
    got = {}
    for name in names:
        if fmt == "csv":
            got[name] = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        elif fmt == "jsonl":
            path = out / f"{name}.jsonl"
            lines = path.read_text(encoding="utf-8").splitlines()
            got[name] = pd.DataFrame([json.loads(x) for x in lines])
        else:
            got[name] = pd.read_parquet(out / name)
    return got


def assert_same_output(a: Path, b: Path, fmt: str) -> None:
    ta, tb = read_tables(a, fmt), read_tables(b, fmt)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)
    assert (a / "_done.txt").read_text() == (b / "_done.txt").read_text()


def _cell(v, dtype: str, fmt: str) -> str:
    """A cell as text, the same whichever file format it went through."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v == "":
        return ""
    if dtype in ("float64", "int64"):
        return repr(float(v))
    if dtype in ("bool", "boolean"):
        return str(v in (True, "True", "true"))
    if isinstance(v, list | tuple | dict):
        v = json.dumps(list(v) if isinstance(v, tuple) else v, ensure_ascii=False)
    v = str(v)
    if fmt == "csv" and v.startswith(("=", "+", "-", "@", "\t", "\r")):
        v = "'" + v
    return v


def canon(df: pd.DataFrame, dtypes: dict[str, str], fmt: str) -> list[tuple[str, ...]]:
    return [
        tuple(_cell(row.get(c), d, fmt) for c, d in dtypes.items()) for row in df.to_dict("records")
    ]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_written_tables_equal_the_tables_in_memory(analyzer, tmp_path, fmt):
    items = [*mixed(12), "EXTRA feature here. It should be written."]
    kept = analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False)
    memory = {name: kept.table(name) for name in skcorpus.ALL_TABLES}
    memory["errors"] = kept.errors
    corpus = analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False)
    out = corpus.write(tmp_path / "out", format=fmt, part_docs=5)
    assert corpus._analyses == []  # writing keeps nothing by default
    got = read_tables(out, fmt)
    state = json.loads((out / "_state.json").read_text())
    for name, df in memory.items():
        dtypes = state["features"] if name == "features" else skcorpus.table_dtypes(name)
        if fmt != "jsonl" or len(df):  # an empty JSON-lines file has no columns
            assert list(got[name].columns) == list(dtypes), name
        assert canon(got[name], dtypes, fmt) == canon(df, dtypes, fmt), name
    # the feature column first seen in the last document is there, empty before it
    assert "extra_rate" in got["features"].columns
    assert sum(c != ("",) for c in canon(got["features"], {"extra_rate": "float64"}, fmt)) == 1
    assert len(memory["mentions"]) > 50 and len(memory["advocacy"]) > 5
    if fmt == "csv":  # formula-looking cells are neutralised
        assert set(got["advocacy"]["cue"]) == {"'=should"}
    if fmt == "parquet":
        assert (out / "claims" / "part-00000.parquet").exists()
        assert len(list((out / "claims").glob("*.parquet"))) == 3  # 5 + 5 + 3 documents
    assert len((out / "_done.txt").read_text().splitlines()) == len(items)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_resume_after_an_interrupt_equals_one_run(analyzer, tmp_path, fmt):
    items = [*mixed(30), "EXTRA feature late. It should grow the schema."]
    analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False).write(
        tmp_path / "once", format=fmt, part_docs=6
    )

    def interrupted():  # Ctrl-C after 17 inputs
        for k, item in enumerate(items):
            if k == 17:
                raise KeyboardInterrupt
            yield item

    with pytest.raises(KeyboardInterrupt):
        analyzer.analyze_corpus(interrupted(), n_process=1, batch_size=4, progress=False).write(
            tmp_path / "twice", format=fmt, part_docs=6
        )
    done = (tmp_path / "twice" / "_done.txt").read_text().splitlines()
    assert 0 < len(done) <= 17
    # a torn write: rows after the last commit, half a manifest line, a stray part
    twice = tmp_path / "twice"
    if fmt == "parquet":
        (twice / "actors" / "part-00999.parquet").write_bytes(b"PAR1 half a file")
    else:
        with open(twice / f"claims.{fmt}", "a", encoding="utf-8") as fh:
            fh.write('text-000099,"half a row\n')
    with open(twice / "_done.txt", "a", encoding="utf-8") as fh:
        fh.write("text-0000")
    resumed = analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False)
    resumed.write(twice, format=fmt, part_docs=6)
    assert resumed.n_skipped == len(done)
    assert resumed.n_inputs == len(items) - len(done)
    assert_same_output(tmp_path / "once", twice, fmt)
    # a third run finds nothing to do and changes nothing
    again = analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False)
    again.write(twice, format=fmt, part_docs=6)
    assert again.n_inputs == 0 and again.n_skipped == len(items)
    assert_same_output(tmp_path / "once", twice, fmt)


KILL_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import test_corpus as t
t.install_fakes(slow=0.03)
an = t.make_analyzer()
an.analyze_corpus(t.texts(120), n_process=1, batch_size=4, progress=False).write(
    {out!r}, format={fmt!r}, part_docs=8)
"""


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_resume_after_kill_9_equals_one_run(analyzer, tmp_path, fmt):
    out = tmp_path / "killed"
    script = KILL_SCRIPT.format(tests=str(HERE), out=str(out), fmt=fmt)
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    manifest = out / "_done.txt"
    deadline = time.time() + 120
    try:
        while time.time() < deadline and proc.poll() is None:
            if manifest.exists() and len(manifest.read_text().splitlines()) >= 24:
                break
            time.sleep(0.02)
    finally:
        proc.kill()
        _, err = proc.communicate()
    assert proc.returncode == -9, err.decode()[-2000:]
    n_before = len(manifest.read_text().splitlines())
    assert 24 <= n_before < 120
    resumed = analyzer.analyze_corpus(texts(120), n_process=1, batch_size=4, progress=False)
    resumed.write(out, format=fmt, part_docs=8)
    assert resumed.n_skipped + resumed.n_inputs == 120
    analyzer.analyze_corpus(texts(120), n_process=1, batch_size=4, progress=False).write(
        tmp_path / "once", format=fmt, part_docs=8
    )
    assert_same_output(tmp_path / "once", out, fmt)


def test_resume_refuses_another_format(analyzer, tmp_path):
    analyzer.analyze_corpus(texts(4), progress=False).write(tmp_path / "o", format="csv")
    with pytest.raises(StancekitValueError, match="format='csv'"):
        analyzer.analyze_corpus(texts(4), progress=False).write(tmp_path / "o", format="jsonl")


def test_write_with_keep_true_keeps_the_analyses(analyzer, tmp_path):
    corpus = analyzer.analyze_corpus(texts(10), keep=True, n_process=1, progress=False)
    corpus.write(tmp_path / "o", format="jsonl")
    assert len(corpus._analyses) == 10
    assert len(corpus.actors) == len(pd.read_json(tmp_path / "o" / "actors.jsonl", lines=True))


def test_tables_after_write_rerun_with_a_warning(analyzer, tmp_path):
    corpus = analyzer.analyze_corpus(texts(6), n_process=1, progress=False)
    corpus.write(tmp_path / "o")
    with pytest.warns(RuntimeWarning, match="again"):
        assert len(corpus.documents) == 6


@fork_only
def test_pool_write_equals_one_process_write(analyzer, tmp_path):
    items = mixed(25)
    analyzer.analyze_corpus(items, n_process=1, batch_size=3, progress=False).write(
        tmp_path / "one", format="parquet", part_docs=7
    )
    analyzer.analyze_corpus(items, n_process=2, batch_size=3, progress=False).write(
        tmp_path / "two", format="parquet", part_docs=7
    )
    assert_same_output(tmp_path / "one", tmp_path / "two", "parquet")


# --------------------------------------------------------------------------- CLI
def test_cli_analyze_resumes_and_says_so(fakes, monkeypatch, tmp_path, capsys):
    from stancekit import cli
    from stancekit import nlp as sknlp

    nlp = blank_nlp()
    monkeypatch.setattr(sknlp, "get_nlp", lambda name=None: nlp)
    folder = tmp_path / "in"
    folder.mkdir()
    for i, t in enumerate(texts(9)):
        (folder / f"doc{i}.txt").write_text(t or "", encoding="utf-8")
    args = ["analyze", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1", "-q"]
    args += ["--stages", ",".join(STAGES)]
    assert cli.main(args) == 0
    first = capsys.readouterr().out
    assert "analysed 9 document(s)" in first and "resumed" not in first
    (folder / "doc9.txt").write_text("A new one. It should be added.", encoding="utf-8")
    assert cli.main(args) == 0
    second = capsys.readouterr().out
    assert "skipped 9 document(s)" in second and "analysed 1 document(s)" in second
    assert "(10 document(s) in the output in all)" in second
    docs = pd.read_csv(tmp_path / "out" / "documents.csv")
    assert sorted(docs.doc_id) == sorted(f"doc{i}" for i in range(10))


def test_a_text_that_starts_with_a_url_is_text_not_a_url(analyzer, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a text was fetched as a URL")

    monkeypatch.setattr(socket, "create_connection", no_network)
    text = "https://example.org/report.pdf So she decided to use it. Iran should act."
    corpus = analyzer.analyze_corpus([text], progress=False)
    assert corpus.errors.empty and corpus.analyses[0].document.text.startswith("https://")


def test_analyze_corpus_accepts_documents_and_a_dataframe(analyzer):
    df = pd.DataFrame({"id": ["a", "b"], "text": ["Iran should act.", "Iraq waits."]})
    corpus = analyzer.analyze_corpus(df, progress=False)
    assert list(corpus.documents.doc_id) == ["a", "b"]
    docs = [Document(text="Iran should act.", doc_id="x")]
    assert [a.document.doc_id for a in analyzer.analyze_corpus(docs, progress=False)] == ["x"]


# --------------------------------------------------------------------------- garbage collector
def _gc_probe(seen):
    import gc

    def actors(parsed, config):
        seen.append(gc.get_threshold()[0])
        if "BOOM" in parsed.text:
            raise ValueError("the probe exploded")
        return fake_actors(parsed, config)

    return actors


@pytest.mark.parametrize(
    ("start", "options", "during"),
    [
        ((700, 10, 10), {}, skcorpus.GC_GEN0),  # Python's default: raised while batches run
        ((700, 10, 10), {"corpus.gc_gen0": 20_000}, 20_000),  # the user's figure
        ((700, 10, 10), {"corpus.gc_gen0": None}, 700),  # turned off
        ((200_000, 10, 10), {}, 200_000),  # already less eager: left alone
        ((0, 10, 10), {}, 0),  # collector disabled by threshold: left alone
    ],
)
def test_collector_threshold_is_raised_only_while_batches_run(
    fakes, monkeypatch, start, options, during
):
    import gc

    seen: list[int] = []
    stages = dict(FAKES, actors=_gc_probe(seen))
    monkeypatch.setattr(api, "_stage_function", stages.__getitem__)
    analyzer = make_analyzer(options=options)
    saved = gc.get_threshold()
    gc.set_threshold(*start)
    try:
        corpus = analyzer.analyze_corpus(
            [*texts(6), "The probe goes BOOM."], n_process=1, batch_size=2, progress=False
        )
        between = []
        for _ in corpus:  # the caller's code between batches runs with its own setting
            between.append(gc.get_threshold())
        after = gc.get_threshold()
    finally:
        gc.set_threshold(*saved)
    assert seen and set(seen) == {during}
    assert set(between) == {start}
    assert after == start  # restored, also after a failing document
    assert len(corpus.errors) == 1


def test_collector_scope_is_reentrant_and_thread_safe():
    import gc
    from concurrent.futures import ThreadPoolExecutor

    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        with skcorpus.fewer_collections(30_000):
            with skcorpus.fewer_collections(30_000):
                assert gc.get_threshold()[0] == 30_000
            assert gc.get_threshold()[0] == 30_000

        def work(_):
            with skcorpus.fewer_collections(40_000):
                time.sleep(0.01)
                return gc.get_threshold()[0]

        with ThreadPoolExecutor(4) as pool:
            inside = list(pool.map(work, range(16)))
        assert set(inside) == {40_000}
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*saved)


def _freeze_probe(parsed, config):
    import gc

    raise ValueError(f"frozen objects: {gc.get_freeze_count()}")


@fork_only
def test_worker_processes_keep_the_loaded_pipeline_out_of_full_collections(fakes, monkeypatch):
    monkeypatch.setattr(api, "_stage_function", dict(FAKES, actors=_freeze_probe).__getitem__)
    corpus = make_analyzer().analyze_corpus(texts(4), n_process=2, batch_size=1, progress=False)
    counts = [int(m.rsplit(" ", 1)[1]) for m in corpus.errors.message]
    assert counts and all(c > 1000 for c in counts), counts


@pytest.mark.parametrize("first", ["errors", "summary"])
def test_errors_or_summary_read_first_run_the_corpus(analyzer, first):
    corpus = analyzer.analyze_corpus(mixed(6), n_process=1, batch_size=4, progress=False)
    if first == "errors":
        assert len(corpus.errors) == len(BAD)
    else:
        assert corpus.summary()["errors"] == len(BAD)
    assert len(corpus.analyses) + len(corpus.errors) == 6 + len(BAD)
