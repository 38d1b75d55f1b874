"""engine="dask": the same tables as the local engine, on a LocalCluster of worker
processes on loopback; to_dask() and partitioned parquet; a crashing worker costs only
its document; clusters we start are shut down.

Most tests run the blank pipeline and fake stages of test_corpus on the workers too
(installed there with ``client.run``), so they compare the machinery exactly; one test
runs the real pipeline with the stages of this checkout.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

pytest.importorskip("distributed")

from test_corpus import (
    FAKES,
    assert_same_output,
    blank_nlp,
    canon,
    make_analyzer,
    mixed,
    texts,
)

from stancekit import AnalysisConfig, Analyzer, api
from stancekit import corpus as skcorpus
from stancekit import distributed as skdist

pytestmark = pytest.mark.slow
_KILL = {"on": False}


def _fake_actors_with_kill(parsed, config):
    if "KILL" in parsed.text and _KILL["on"]:
        os._exit(3)
    return FAKES["actors"](parsed, config)


def _install_on_worker() -> int:
    """Runs in every worker: the blank pipeline and the fake stages, fresh analyzers."""
    from stancekit import nlp as sknlp

    nlp = blank_nlp()
    sknlp.get_nlp = lambda name=None: nlp
    fakes = {**FAKES, "actors": _fake_actors_with_kill}
    api._stage_function = fakes.__getitem__
    _KILL["on"] = True
    skdist._ANALYZERS.clear()
    return os.getpid()


def _restore_on_worker() -> None:
    import importlib

    from stancekit import nlp as sknlp

    importlib.reload(sknlp)
    importlib.reload(api)
    _KILL["on"] = False
    skdist._ANALYZERS.clear()


@pytest.fixture(scope="module")
def cluster():
    import dask
    from distributed import Client, LocalCluster

    # one crash is enough to call a task's worker killed (keeps the crash test short)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as lc,
        Client(lc, set_as_default=False) as client,
    ):
        yield lc, client


class _Fakes:
    """A worker plugin, so that workers restarted after a crash get the fakes too."""

    name = "stancekit-test-fakes"

    def setup(self, worker=None) -> None:
        _install_on_worker()

    def teardown(self, worker=None) -> None:
        _restore_on_worker()


@pytest.fixture
def fake_client(cluster, monkeypatch):
    from distributed import WorkerPlugin

    _, client = cluster
    plugin = type("FakesPlugin", (_Fakes, WorkerPlugin), {})()
    client.register_plugin(plugin, name=_Fakes.name)
    monkeypatch.setattr(api, "_stage_function", FAKES.__getitem__)
    yield client
    client.unregister_worker_plugin(_Fakes.name)


def test_cluster_listens_on_loopback_only(cluster):
    lc, client = cluster
    assert lc.scheduler_address.startswith("tcp://127.0.0.1:")
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)


def test_dask_gives_the_same_results_as_local(fake_client):
    analyzer = make_analyzer()
    items = mixed(30)
    local = analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False)
    dask = analyzer.analyze_corpus(
        items, engine="dask", client=fake_client, batch_size=4, progress=False
    )
    assert [a.to_json() for a in dask] == [a.to_json() for a in local]
    for name in (*skcorpus.ALL_TABLES, "errors"):
        pd.testing.assert_frame_equal(dask.table(name), local.table(name), obj=name)
    assert len(dask.analyses) + len(dask.errors) == len(items)


def test_to_dask_and_partitioned_parquet_equal_local(fake_client, tmp_path):
    analyzer = make_analyzer()
    items = [*mixed(20), "EXTRA feature. It should be there."]
    local = analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False)
    corpus = analyzer.analyze_corpus(
        items, engine="dask", client=fake_client, batch_size=4, progress=False
    )
    frames = corpus.to_dask()
    assert frames["actors"].npartitions == -(-len(items) // 4)
    computed = dict(zip(frames, fake_client.compute(list(frames.values()), sync=True)))
    for name, df in computed.items():
        dtypes = (
            {c: skcorpus._infer_dtype(df[c].tolist()) or "object" for c in df.columns}
            if name == "features"
            else skcorpus.table_dtypes(name)
        )
        want = local.errors if name == "errors" else local.table(name)
        assert canon(df, dtypes, "parquet") == canon(want, dtypes, "parquet"), name
    assert "extra_rate" not in computed["features"].columns  # learnt from the probe text
    # written as partitioned parquet through the cluster == written locally
    corpus.write(tmp_path / "dask", format="parquet", part_docs=8)
    local_again = analyzer.analyze_corpus(items, n_process=1, batch_size=4, progress=False)
    local_again.write(tmp_path / "local", format="parquet", part_docs=8)
    assert_same_output(tmp_path / "local", tmp_path / "dask", "parquet")
    back = pd.read_parquet(tmp_path / "dask" / "claims")
    assert json.loads(back.cues[back.is_claim].iloc[0]) == ["should"]


def test_a_task_that_kills_its_worker_costs_only_its_document(fake_client):
    analyzer = make_analyzer()
    items = texts(12)
    items[5] = "This one makes the worker KILL itself."
    corpus = analyzer.analyze_corpus(
        items, engine="dask", client=fake_client, batch_size=4, progress=False
    )
    analyses = corpus.analyses
    errors = corpus.errors
    assert list(errors.doc_id) == ["text-000005"]
    assert errors.stage[0] == "worker" and errors.error_type[0] == "WorkerCrashed"
    assert [a.document.doc_id for a in analyses] == [f"text-{i:06d}" for i in range(12) if i != 5]
    fake_client.wait_for_workers(2, timeout=60)


def test_scheduler_address_connects_and_leaves_the_cluster_up(fake_client, cluster):
    lc, client = cluster
    analyzer = make_analyzer()
    corpus = analyzer.analyze_corpus(
        texts(6), engine="dask", scheduler=lc.scheduler_address, progress=False
    )
    assert len(corpus.analyses) == 6
    assert len(client.scheduler_info()["workers"]) == 2  # still there


def test_cli_runs_on_a_scheduler_and_resumes(fake_client, cluster, tmp_path, capsys):
    from stancekit import cli

    lc, _ = cluster
    folder = tmp_path / "in"
    folder.mkdir()
    for i, t in enumerate(texts(7)):
        (folder / f"doc{i}.txt").write_text(t, encoding="utf-8")
    args = ["analyze", str(folder), "-o", str(tmp_path / "out"), "--format", "parquet"]
    args += ["--scheduler", lc.scheduler_address, "-q", "--stages", "actors,claims,framing"]
    assert cli.main(args) == 0
    assert "analysed 7 document(s)" in capsys.readouterr().out
    assert cli.main(args) == 0
    assert "skipped 7 document(s)" in capsys.readouterr().out
    assert len(pd.read_parquet(tmp_path / "out" / "documents")) == 7


def test_real_pipeline_on_an_own_local_cluster_equals_local(samples_dir):
    import psutil

    from stancekit.config import STAGES

    stages = STAGES
    files = sorted(p for p in samples_dir.iterdir() if p.suffix in (".txt", ".md", ".html"))[:6]
    analyzer = Analyzer(AnalysisConfig(stages=stages))
    local = analyzer.analyze_corpus(files, n_process=1, batch_size=2, progress=False)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    dask = analyzer.analyze_corpus(files, engine="dask", n_process=2, batch_size=2, progress=False)
    got = [a.to_json() for a in dask]
    assert got == [a.to_json() for a in local], f"stages {stages} differ between processes"
    pd.testing.assert_frame_equal(dask.errors, local.errors)
    assert len(got) == len(files)
    # the LocalCluster this run started is gone
    left = [
        " ".join(p.cmdline())
        for p in psutil.Process().children(recursive=True)
        if p.pid not in before and p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    ]
    # multiprocessing's resource tracker lives as long as this process; no worker may
    assert not [c for c in left if "resource_tracker" not in c], left
