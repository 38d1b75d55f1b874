"""Determinism and threads: byte-identical JSON run after run and across processes, the
same results from 4 threads as from one, and no module-level state changed at run time.

Runs every stage.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import subprocess
import sys
import threading
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import stancekit
from stancekit import AnalysisConfig, Analyzer
from stancekit.config import STAGES

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture(scope="module")
def config() -> AnalysisConfig:
    return AnalysisConfig(stages=STAGES)


@pytest.fixture(scope="module")
def documents() -> list[stancekit.Document]:
    if not SAMPLES.is_dir():
        pytest.skip(f"samples not found at {SAMPLES}")
    stream = stancekit.load(SAMPLES)
    docs = list(stream)
    assert not stream.errors, stream.errors
    assert len(docs) >= 8
    return docs


@pytest.fixture(scope="module")
def sequential(config, documents) -> dict[str, str]:
    """doc_id -> to_json() of every sample, analysed one after another."""
    analyzer = Analyzer(config)
    return {d.doc_id: analyzer.analyze_document(d).to_json() for d in documents}


def test_bounded_caches_renewing_often_give_the_same_bytes(
    config, documents, sequential, monkeypatch
):
    """The per-word caches that keep memory flat over a long corpus (the two hash ->
    string caches of the shared token columns, renewed when full; the lexical rows of
    persuasion and readability's word counts, LRU) change speed, never results: with tiny
    limits every document overflows them."""
    from stancekit import nlp, persuasion, readability

    monkeypatch.setattr(nlp, "_STRING_CACHE_LIMIT", 8)
    monkeypatch.setattr(nlp, "_STRINGS", [{}, {}])
    first = nlp._STRINGS[0]
    small_form = functools.lru_cache(maxsize=4)(persuasion._form.__wrapped__)
    small_word = functools.lru_cache(maxsize=4)(readability._word_info.__wrapped__)
    monkeypatch.setattr(persuasion, "_form", small_form)
    monkeypatch.setattr(readability, "_word_info", small_word)
    analyzer = Analyzer(config)
    for d in documents[:4]:
        assert analyzer.analyze_document(d).to_json() == sequential[d.doc_id]
    assert nlp._STRINGS[0] is not first  # renewed at least once
    assert small_form.cache_info().misses > 100 and small_word.cache_info().misses > 100


def test_same_input_same_bytes(config, documents, sequential):
    analyzer = Analyzer(config)  # a fresh Analyzer, the same pipeline and caches
    for d in documents[:3]:
        assert analyzer.analyze_document(d).to_json() == sequential[d.doc_id]
    # analyze() on the raw text, twice, agrees with itself
    text = (SAMPLES / "lebanon-hezbollah-state.raw.txt").read_text(encoding="utf-8")
    first = stancekit.analyze(text, config=config).to_json()
    assert stancekit.analyze(text, config=config).to_json() == first
    # and a corpus run gives the same analyses as analyze_document
    corpus = Analyzer(config).analyze_corpus(documents[:4], n_process=1, progress=False)
    assert [a.to_json() for a in corpus.analyses] == [sequential[d.doc_id] for d in documents[:4]]


SUBPROCESS = """
import json, sys
import stancekit
from stancekit import AnalysisConfig, Analyzer
stages, folder, wanted = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
import threading
from concurrent.futures import ThreadPoolExecutor
an = Analyzer(AnalysisConfig(stages=tuple(stages)))
docs = [d for d in stancekit.load(folder) if d.doc_id in wanted]
barrier = threading.Barrier(len(docs))

def first_use(d):  # every lazy load (pipeline, resources, models) races here
    barrier.wait()
    return d.doc_id, an.analyze_document(d).to_json()

with ThreadPoolExecutor(len(docs)) as pool:
    threaded = dict(pool.map(first_use, docs))
out = {d.doc_id: an.analyze_document(d).to_json() for d in docs}
sys.stdout.write(json.dumps({"sequential": out, "threaded": threaded}))
"""


def test_same_bytes_in_a_fresh_process_first_used_from_threads(config, documents, sequential):
    wanted = ["lebanon-hezbollah-state", "nato-eastern-flank", "ukraine-negotiate"]
    assert set(wanted) <= set(sequential)
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another set/dict order than ours
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            SUBPROCESS,
            json.dumps(list(config.stages)),
            str(SAMPLES),
            json.dumps(wanted),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    theirs = json.loads(proc.stdout)
    for mode in ("threaded", "sequential"):  # first use from threads, then one by one
        assert sorted(theirs[mode]) == sorted(wanted)
        for doc_id, js in theirs[mode].items():
            assert js == sequential[doc_id], (mode, doc_id)


def test_four_threads_give_the_sequential_results(config, documents, sequential):
    analyzer = Analyzer(config)
    barrier = threading.Barrier(4)

    def work(k: int) -> dict[str, str]:
        barrier.wait()  # start together
        mine = documents[k::4] + documents[: 2 if k % 2 else 0]  # overlap on purpose
        return {d.doc_id: analyzer.analyze_document(d).to_json() for d in mine}

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(4)))
    seen = 0
    for res in results:
        for doc_id, js in res.items():
            assert js == sequential[doc_id], doc_id
            seen += 1
    assert seen >= len(documents)


def test_threads_on_a_fresh_analyzer_share_one_pipeline(config):
    """First use from several threads at once: one pipeline, no error."""
    analyzer = Analyzer(config)
    barrier = threading.Barrier(4)

    def work(_: int) -> tuple[int, str]:
        barrier.wait()
        a = analyzer.analyze("Iran must stop arming the militias, the minister said.")
        return id(analyzer.nlp), a.to_json()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(4)))
    assert len({r[0] for r in results}) == 1
    assert len({r[1] for r in results}) == 1


# --------------------------------------------------------------------------- module state
# names that may change after the first analysis: documented lazy caches
LAZY_CACHES = {
    "stancekit": "*",  # __getattr__ binds the public names on first access
    "stancekit.api": {"_DEFAULT"},  # the default Analyzer
    # loaded spaCy pipelines; spaCy hash -> string of the shared token columns (a hash
    # never changes its string, entries are only added, and the two caches are replaced
    # by empty ones when full); the n-gram index of each loaded model's vocabulary
    "stancekit.nlp": {"_PIPELINES", "_STRINGS", "_NGRAM_INDEXES"},
    "stancekit.readability": {"_PATCHED"},  # textstat redirected to the offline dictionary
    "stancekit.actors": {"_KB_CACHE"},  # knowledge bases per config (user actors)
    # framing's lower-case forms (quotes unified) by spaCy hash, replaced when full
    "stancekit.framing": {"_DECODED"},
}


def _snapshot() -> dict[tuple[str, str], tuple[int, str]]:
    """(module, name) -> (identity, repr of containers) of every stancekit global."""
    snap = {}
    for modname, module in list(sys.modules.items()):
        if not (modname == "stancekit" or modname.startswith("stancekit.")):
            continue
        if not isinstance(module, types.ModuleType):
            continue
        for name, value in list(vars(module).items()):
            if name.startswith("__"):
                continue
            content = ""
            if isinstance(value, dict | list | set | bytearray):
                try:
                    content = repr(value)
                except Exception:  # pragma: no cover
                    content = f"<len {len(value)}>"
            elif isinstance(value, bool | int | float | str | tuple | frozenset):
                content = repr(value)
            snap[(modname, name)] = (id(value), content)
    return snap


def _allowed(modname: str, name: str) -> bool:
    allowed = LAZY_CACHES.get(modname, set())
    return allowed == "*" or name in allowed


def test_no_module_state_changes_at_run_time(config, documents):
    analyzer = Analyzer(config)
    analyzer.analyze_document(documents[0])  # warm up: lazy imports, caches, models
    stancekit.analyze("Warm up the default analyzer, which Iran must stop arming.", config=config)
    before = _snapshot()
    for d in documents[1:4]:
        analyzer.analyze_document(d)
    stancekit.analyze(
        "The United States should act now, the minister said.", title="A title", config=config
    )
    Analyzer(config).analyze("A second analyzer: Hezbollah must disarm.")
    extra = [{"name": "Zorblat Front", "type": "ARMED_GROUP", "aliases": ["ZF"]}]
    other = dataclasses.replace(config, actors=extra, loaded_terms={"zorblatic": 0.9})
    Analyzer(other).analyze("The Zorblat Front must disarm, the zorblatic minister said.")
    corpus = analyzer.analyze_corpus(documents[4:6], n_process=1, progress=False)
    corpus.actors  # noqa: B018
    corpus.claims  # noqa: B018
    _ = [a._repr_html_() for a in corpus.analyses]
    after = _snapshot()
    changed = sorted(
        f"{m}.{n}"
        for (m, n), v in before.items()
        if (m, n) in after and after[(m, n)] != v and not _allowed(m, n)
    )
    added = sorted(
        f"{m}.{n}"
        for (m, n) in after
        if (m, n) not in before and m in {k[0] for k in before} and not _allowed(m, n)
    )
    assert not changed, f"module globals changed at run time: {changed}"
    assert not added, f"module globals added at run time: {added}"
