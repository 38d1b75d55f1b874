"""Run stancekit on a Dask cluster: ``analyze_corpus(..., engine="dask")``.

Needs the ``dask`` extra (``pip install 'stancekit[dask]'``) and stancekit (with its
spaCy pipeline and models) installed on every worker.

* Given ``client=`` (a ``distributed.Client``) or ``scheduler=`` (an address such as
  ``"tcp://10.0.0.5:8786"``, or a cluster object), the work goes there; given
  neither, a LocalCluster of ``n_process`` worker processes (one thread each) is
  started on 127.0.0.1 only and shut down after the run.
* Documents travel in batches of ``batch_size`` (one task each); the analysis config
  is sent once (as a task every batch depends on); each worker process builds one
  Analyzer per config and keeps it (the spaCy pipeline and models load once per worker).
* Results come back in input order, with at most ``2 x threads`` batches in flight,
  so a corpus larger than the cluster's memory streams through. With
  :meth:`Corpus.write` the workers turn analyses into tables and only the tables
  travel back.
* A task that kills its worker (dask retries it on others first) is redone one
  document at a time; only the document that kills workers becomes an error row.

:func:`to_dask` builds lazy dask DataFrames instead (one per table, a partition per
batch), computed by whatever Dask scheduler is active.

Examples
--------
On an existing cluster::

    from dask.distributed import Client
    import stancekit

    client = Client("tcp://scheduler-host:8786")
    corpus = stancekit.analyze_corpus("articles/", engine="dask", client=client)
    corpus.write("out/", format="parquet")      # resumable, one dataset folder per table

or from the command line: ``stancekit analyze articles/ -o out/ --format parquet
--engine dask --scheduler tcp://scheduler-host:8786``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import pickle
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .corpus import (
    ALL_TABLES,
    Batch,
    Failure,
    _concat,
    _infer_dtype,
    conform,
    run_job,
    table_dtypes,
)
from .errors import StancekitError, StancekitValueError
from .frames import corpus_table, errors_frame
from .types import Document

if TYPE_CHECKING:  # pragma: no cover
    from .api import Analyzer
    from .config import AnalysisConfig
    from .corpus import Corpus

__all__ = ["config_token", "connect", "dask_job", "run_dask", "to_dask"]

PROBE = (
    "The minister said that Iran must stop arming the militias in Iraq. "
    "The United States should act now, and its allies should follow."
)

# one Analyzer per config in each worker process (a lazy cache, filled on first use)
_ANALYZERS: dict[str, tuple[Analyzer, threading.Lock]] = {}
_ANALYZERS_LOCK = threading.Lock()
_MAX_CONFIGS = 4


def _require_dask() -> None:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise StancekitValueError(
            "engine='dask' needs dask.distributed: pip install 'stancekit[dask]'"
        ) from exc


def config_token(config: AnalysisConfig) -> str:
    """A key for a config, the same in every process (workers cache an Analyzer by it)."""
    return hashlib.sha1(pickle.dumps(config, protocol=4)).hexdigest()


def _worker_analyzer(token: str, config: AnalysisConfig) -> tuple[Analyzer, threading.Lock]:
    from .api import Analyzer

    with _ANALYZERS_LOCK:
        entry = _ANALYZERS.get(token)
        if entry is None:
            while len(_ANALYZERS) >= _MAX_CONFIGS:
                _ANALYZERS.pop(next(iter(_ANALYZERS)))
            analyzer = Analyzer(config)
            analyzer.nlp  # noqa: B018 - load the pipeline once per worker process
            entry = _ANALYZERS[token] = (analyzer, threading.Lock())
        return entry


def dask_job(
    token: str,
    config: AnalysisConfig,
    items: Sequence[Document | Failure],
    tables: Sequence[str] | None,
) -> Batch:
    """One task: analyse a batch with this worker's Analyzer for ``config``.

    Threads of one worker take turns (spaCy holds the GIL anyway); use worker
    processes with one thread each for parallelism.
    """
    analyzer, lock = _worker_analyzer(token, config)
    with lock:
        return run_job(analyzer, items, tuple(tables) if tables is not None else None)


def _identity(x: Any) -> Any:
    return x


# --------------------------------------------------------------------------- clusters
@contextlib.contextmanager
def connect(scheduler: Any = None, client: Any = None, n_workers: int = 1) -> Iterator[Any]:
    """A ``distributed.Client``: the one given, one connected to ``scheduler``, or one on a
    new LocalCluster (``n_workers`` processes on 127.0.0.1). What is opened here is
    closed on exit; a given client is left open."""
    _require_dask()
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    if scheduler is not None:
        try:
            own = Client(scheduler, set_as_default=False, timeout="30s")
        except OSError as exc:
            raise StancekitError(
                f"cannot reach the Dask scheduler {scheduler!r} ({exc}); check the address "
                "(tcp://host:8786) or leave scheduler out to start a local cluster"
            ) from exc
        try:
            yield own
        finally:
            own.close()
        return
    cluster = LocalCluster(
        n_workers=max(1, n_workers),
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        own = Client(cluster, set_as_default=False)
        try:
            yield own
        finally:
            own.close()
    finally:
        cluster.close()


# --------------------------------------------------------------------------- streaming
def run_dask(
    corpus: Corpus, skip: set[str] | None, tables: tuple[str, ...] | None
) -> Iterator[Batch]:
    """Stream a corpus through a Dask cluster; yields Batches in input order."""
    config = corpus.analyzer.config
    token = config_token(config)
    batches = corpus._batches(skip)
    first = next(batches, None)
    if first is None:  # nothing to do (e.g. a resumed run that had finished): no cluster
        return
    with connect(corpus.scheduler, corpus.client, corpus.n_process) as client:
        # the config as a task, not scattered data: if every worker holding it dies,
        # the scheduler can make it again
        cfg = client.submit(_identity, config, key=f"stancekit-config-{token}")
        threads = sum(client.nthreads().values())
        window = max(2, 2 * threads)
        pending: deque[tuple[list[Document | Failure], Any]] = deque()
        try:
            for items in itertools.chain([first], batches):
                fut = client.submit(dask_job, token, cfg, items, tables, pure=False)
                pending.append((items, fut))
                while len(pending) >= window:
                    yield _collect(client, pending, token, cfg, tables)
            while pending:
                yield _collect(client, pending, token, cfg, tables)
        finally:  # Ctrl-C, an error, or the consumer stopped early: drop what is queued
            left = [f for _, f in pending]
            if left:
                with contextlib.suppress(Exception):
                    client.cancel(left)
            with contextlib.suppress(Exception):
                cfg.release()


def _collect(
    client: Any,
    pending: deque[tuple[list[Document | Failure], Any]],
    token: str,
    cfg: Any,
    tables: tuple[str, ...] | None,
) -> Batch:
    items, fut = pending.popleft()
    try:
        return fut.result()  # type: ignore[no-any-return]
    except Exception:  # KilledWorker (after dask's retries) or a task error
        return _isolate(client, items, token, cfg, tables)
    finally:
        fut.release()


def _isolate(
    client: Any,
    items: list[Document | Failure],
    token: str,
    cfg: Any,
    tables: tuple[str, ...] | None,
) -> Batch:
    """Redo a failed batch one document per task, one task at a time (a document that
    kills its worker must not take innocent neighbours with it), so only a culprit
    becomes an error row."""
    parts = []
    for item in items:
        if not isinstance(item, Document):
            parts.append(Batch([item], _empty_tables(tables)))
            continue
        fut = client.submit(dask_job, token, cfg, [item], tables, pure=False)
        try:
            parts.append(fut.result())
        except Exception as exc:
            kind = "WorkerCrashed" if type(exc).__name__ == "KilledWorker" else type(exc).__name__
            parts.append(
                Batch(
                    [
                        Failure(
                            item.doc_id,
                            "worker",
                            kind,
                            f"document {item.doc_id!r}: the Dask task failed on every try "
                            f"({type(exc).__name__}: {exc}); the run went on",
                        )
                    ],
                    _empty_tables(tables),
                )
            )
        finally:
            fut.release()
    return _concat(parts, tables)


def _empty_tables(tables: Sequence[str] | None) -> dict[str, Any] | None:
    if tables is None:
        return None
    return {name: corpus_table([], name) for name in tables}


# --------------------------------------------------------------------------- dask DataFrames
def _table_part(batch: Batch, name: str, dtypes: dict[str, str]) -> Any:
    if name == "errors":
        return conform(errors_frame(batch.failures), dtypes)
    assert batch.tables is not None
    df = conform(batch.tables[name], dtypes)
    for col, dtype in dtypes.items():  # lists as JSON text, as in the written files
        if dtype == "object":
            df[col] = df[col].map(_json_cell)
    return df


def _json_cell(v: Any) -> Any:
    if isinstance(v, list | tuple | dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def to_dask(corpus: Corpus, tables: Iterable[str] | None = None) -> dict[str, Any]:
    """Lazy dask DataFrames of a corpus: ``{table name: dask DataFrame}`` plus ``errors``.

    Each batch of ``batch_size`` documents is one task and one partition of every
    table. The documents are read now (the graph holds them); nothing is analysed
    until you compute, and the analysis of a batch is shared by every table
    computed together, so compute them in one call
    (``dask.compute(*frames.values())``) or write them with ``dd.to_parquet``.
    The work runs on the Dask scheduler in effect: the corpus's ``client``, a Client
    on its ``scheduler`` (kept open until ``corpus.close()``), or dask's default.

    Columns have fixed dtypes (text columns are strings; lists such as ``cues`` are
    JSON text, as in the files ``write`` makes); the ``features`` columns are those
    of the configured stages (learnt from a probe text), numbers there are float64.
    """
    _require_dask()
    import dask
    import dask.dataframe as dd

    names = tuple(tables) if tables is not None else ALL_TABLES
    bad = [n for n in names if n not in ALL_TABLES]
    if bad:
        raise StancekitValueError(f"unknown table(s) {bad}; valid tables: {', '.join(ALL_TABLES)}")
    client = corpus.client
    if client is None and corpus.scheduler is not None:
        from distributed import Client

        client = corpus._own_client = Client(corpus.scheduler)
    config = corpus.analyzer.config
    token = config_token(config)
    cfg = dask.delayed(config, name=f"stancekit-config-{token}")
    job = dask.delayed(dask_job, pure=True)

    probe = job(token, cfg, [Document(text=PROBE, doc_id="probe")], ("features",))
    first = client.compute(probe).result() if client is not None else probe.compute()
    features = {"doc_id": "object"}
    if first.tables is not None:
        frame = first.tables["features"]
        for col in frame.columns:
            if col != "doc_id":
                features[col] = _infer_dtype(frame[col].tolist()) or "object"

    batches = [job(token, cfg, items, names) for items in corpus._batches()]
    if not batches:
        batches = [job(token, cfg, [], names)]
    out: dict[str, Any] = {}
    for name in (*names, "errors"):
        dtypes = features if name == "features" else table_dtypes(name)
        meta = conform(corpus_table([], name) if name != "errors" else errors_frame([]), dtypes)
        part = dask.delayed(_table_part, pure=True)
        out[name] = dd.from_delayed(
            [part(b, name, dtypes) for b in batches], meta=meta, verify_meta=False
        )
    return out
