"""Streaming analysis of many documents: :class:`Corpus`.

A Corpus is lazy: nothing runs until it is iterated, a table is read, or it is
written. Documents stream through in batches of ``batch_size``:

* ``engine="local"`` with ``n_process > 1`` (the default: every core) runs a
  process pool; each worker holds one :class:`~stancekit.api.Analyzer` (the spaCy
  pipeline, knowledge base and models are loaded once per worker; on Linux the
  workers are forked from a parent that has loaded them, so they start at once and
  share the memory). At most ``2 * n_process`` batches are in flight and results
  come back in input order. A worker that dies (killed, out of memory, a crash in
  native code) is replaced; the batch it held is redone one document at a time, so
  only the document that kills a worker becomes an error row.
* ``engine="dask"`` hands the batches to a ``dask.distributed`` cluster (see
  :mod:`stancekit.distributed`).

A document that fails (to load or in any stage) becomes a row of
``corpus.errors`` and the run goes on: results + errors always equal the number
of inputs. Memory does not grow with the corpus when results are streamed to
:meth:`Corpus.write` or iterated with ``keep=False``: only the current batches and
the error rows are held.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, StancekitError, StancekitValueError
from .frames import (
    DOCUMENT_COLUMNS,
    ERROR_COLUMNS,
    TABLE_NAMES,
    corpus_table,
    errors_frame,
    write_table,
)
from .load import DocumentStream, LoadFailure, document_from_text, load
from .types import TABLES, Analysis, Document

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future

    import pandas as pd

    from .api import Analyzer

__all__ = ["FORMATS", "Batch", "Corpus", "Failure", "batch_tables", "run_job", "to_documents"]

FORMATS = ("csv", "jsonl", "parquet")
#: every table ``write`` produces (``errors`` comes on top)
ALL_TABLES = (*TABLE_NAMES, "features", "documents")


@dataclass(frozen=True)
class Failure:
    """One input that produced no Analysis."""

    doc_id: str
    stage: str
    error_type: str
    message: str


@dataclass
class Batch:
    """The results of one batch of inputs, in input order.

    ``results`` has one entry per input: an :class:`Analysis`, a :class:`Failure`,
    or, when the batch was analysed for writing (``tables`` given), the ``doc_id``
    of an analysis whose rows are in ``tables`` (one DataFrame per table).
    """

    results: list[Analysis | Failure | str]
    tables: dict[str, pd.DataFrame] | None = None

    @property
    def failures(self) -> list[Failure]:
        return [r for r in self.results if isinstance(r, Failure)]

    @property
    def doc_ids(self) -> list[str]:
        """The ids of every input of the batch (analysed or failed)."""
        return [_result_id(r) for r in self.results]


def _result_id(r: Analysis | Failure | str) -> str:
    if isinstance(r, str):
        return r
    if isinstance(r, Failure):
        return r.doc_id
    return r.document.doc_id


# --------------------------------------------------------------------------- inputs
def _looks_like_path(s: str) -> bool:
    if len(s) > 4096 or "\n" in s:
        return False
    if not any(c.isalnum() for c in s):  # ".", "..", "/": a text of punctuation, not a folder
        return False
    if s.startswith(("http://", "https://")):
        return not any(c.isspace() for c in s)  # a URL; a text that starts with one is text
    try:
        return os.path.exists(s)
    except (OSError, ValueError):
        return False


def to_documents(source: Any, max_chars: int | None = None) -> Iterator[Document | Failure]:
    """Turn any corpus source into a stream of Documents and load Failures, in order."""
    if isinstance(source, DocumentStream):
        yield from _drain(source)
        return
    if isinstance(source, str | Path):
        yield from _drain(load(source))
        return
    if type(source).__name__ == "DataFrame" or isinstance(source, dict):
        yield from _drain(load(source))
        return
    if not isinstance(source, Iterable):
        raise TypeError(
            f"analyze_corpus() takes paths, a folder, a DataFrame, Documents or texts, not {type(source).__name__}"
        )
    for i, item in enumerate(source):
        if isinstance(item, Document):
            yield item
        elif isinstance(item, Path) or (isinstance(item, str) and _looks_like_path(item)):
            yield from _drain(load(item))
        elif isinstance(item, str):
            doc_id = f"text-{i:06d}"
            try:
                yield document_from_text(item, doc_id=doc_id)
            except Exception as exc:  # a text that cannot even be cleaned
                yield Failure(doc_id, "load", type(exc).__name__, f"document {doc_id!r}: {exc}")
        elif isinstance(item, bytes | bytearray):
            doc_id = f"text-{i:06d}"
            try:
                from .api import coerce_text

                yield document_from_text(coerce_text(item), doc_id=doc_id)
            except Exception as exc:
                yield Failure(doc_id, "load", type(exc).__name__, f"document {doc_id!r}: {exc}")
        elif isinstance(item, dict):
            yield from _drain(load([item]))
        else:
            doc_id = f"item-{i:06d}"
            yield Failure(
                doc_id,
                "load",
                "TypeError",
                f"document {doc_id!r}: expected text, a path or a Document, not {type(item).__name__}",
            )


def _drain(stream: DocumentStream) -> Iterator[Document | Failure]:
    seen = 0
    for doc in stream:
        while seen < len(stream.errors):
            e = stream.errors[seen]
            seen += 1
            yield Failure(e.doc_id, e.stage, e.error_type, e.message)
        yield doc
    while seen < len(stream.errors):
        last: LoadFailure = stream.errors[seen]
        seen += 1
        yield Failure(last.doc_id, last.stage, last.error_type, last.message)


def _one_shot(source: Any) -> bool:
    """Whether iterating ``source`` consumes it (generators, iterators, load() streams)."""
    if isinstance(source, DocumentStream):
        return True
    if isinstance(source, str | Path | dict) or type(source).__name__ == "DataFrame":
        return False
    try:
        return iter(source) is source
    except TypeError:
        return False


def _source_len(source: Any) -> int | None:
    """The number of inputs when it is known without reading them (lists, DataFrames)."""
    if isinstance(source, list | tuple) or type(source).__name__ == "DataFrame":
        if isinstance(source, list | tuple) and any(
            isinstance(s, Path) or (isinstance(s, str) and _looks_like_path(s)) for s in source[:50]
        ):
            return None  # paths may be folders or multi-document files
        return len(source)
    return None


# --------------------------------------------------------------------------- the work
GC_GEN0 = 50_000  # the collector's first threshold while a batch runs (Python's default: 700)


class _FewerCollections:
    """Raise the garbage collector's first-generation threshold while batches run.

    The stages allocate many objects; at Python's default threshold (700) the collector
    ran about 50 collections of the young generations per batch of 16 articles (48 of
    the youngest, 4 of the next), each walking every container object still alive since
    the last (the batch's parsed documents among them); with the collector off, the
    stance stage ran about a sixth faster. At 50,000 one collection ran per batch, and
    the full analysis took 2.4% less CPU time in paired runs (parsing alone unchanged).
    The objects are the same, and cycles are still collected, a little later. The setting
    is process-wide, so it is raised only while a batch is analysed (between batches,
    the caller's code runs with its own setting), restored afterwards, and left alone
    when the collector is disabled or already less eager. Reentrant and thread-safe:
    concurrent batches share one raised period. ``AnalysisConfig(options={
    "corpus.gc_gen0": None})`` turns it off.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: tuple[int, int, int] | None = None

    @contextlib.contextmanager
    def __call__(self, gen0: int | None) -> Iterator[None]:
        if not gen0:
            yield
            return
        with self._lock:
            if self._depth == 0:
                saved = gc.get_threshold()
                if saved[0] and saved[0] < gen0:
                    self._saved = saved
                    gc.set_threshold(gen0, saved[1], saved[2])
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._saved is not None:
                    gc.set_threshold(*self._saved)
                    self._saved = None


fewer_collections = _FewerCollections()


def _analyze_batch(analyzer: Analyzer, docs: list[Document]) -> list[Analysis | Failure]:
    """Analyse a batch (parse with nlp.pipe, then the stages per document); never raises."""
    with fewer_collections(analyzer.config.option("corpus.gc_gen0", GC_GEN0)):
        return _analyze_batch_now(analyzer, docs)


def _analyze_batch_now(analyzer: Analyzer, docs: list[Document]) -> list[Analysis | Failure]:
    from .nlp import parse_many

    out: list[Analysis | Failure | None] = []
    todo: list[Document] = []
    slots: list[int] = []
    for doc in docs:
        try:
            analyzer._check_size(doc)
        except InputError as exc:
            out.append(Failure(doc.doc_id, "load", type(exc).__name__, str(exc)))
            continue
        if not doc.text.strip() and not (doc.title or "").strip():
            out.append(analyzer._empty(doc))
            continue
        slots.append(len(out))
        out.append(None)
        todo.append(doc)
    if todo:
        try:
            parsed = list(
                parse_many(
                    ((d.title, d.text) for d in todo),
                    analyzer.nlp,
                    chunk_chars=analyzer.config.chunk_chars,
                )
            )
        except Exception:  # one bad document spoils nlp.pipe: parse them one by one
            parsed = None
        for k, (slot, doc) in enumerate(zip(slots, todo)):
            try:
                if parsed is None:
                    out[slot] = analyzer.analyze_document(doc)
                else:
                    out[slot] = analyzer.analyze_parsed(doc, parsed[k])
            except StancekitError as exc:
                stage = getattr(exc, "stage", "parse" if parsed is None else "analyze")
                out[slot] = Failure(
                    doc.doc_id, stage, type(getattr(exc, "cause", exc)).__name__, str(exc)
                )
            except Exception as exc:  # the parse itself failed for this document
                out[slot] = Failure(
                    doc.doc_id, "parse", type(exc).__name__, f"document {doc.doc_id!r}: {exc}"
                )
    return out  # type: ignore[return-value]


def batch_tables(analyses: Sequence[Analysis], names: Iterable[str]) -> dict[str, pd.DataFrame]:
    """One DataFrame per table (``doc_id`` first) for the analyses of a batch."""
    return {name: corpus_table(analyses, name) for name in names}


def run_job(
    analyzer: Analyzer, items: Sequence[Document | Failure], tables: Sequence[str] | None
) -> Batch:
    """Analyse one batch of inputs (Documents and load Failures, kept in order).

    With ``tables`` the analyses are turned into tables here (in the worker) and
    the batch carries their doc_ids instead of the Analysis objects.
    """
    docs = [i for i in items if isinstance(i, Document)]
    done = iter(_analyze_batch(analyzer, docs) if docs else ())
    merged: list[Analysis | Failure | str] = [
        next(done) if isinstance(i, Document) else i for i in items
    ]
    if tables is None:
        return Batch(merged)
    analyses = [r for r in merged if isinstance(r, Analysis)]
    frames = batch_tables(analyses, tables)
    return Batch([_result_id(r) if isinstance(r, Analysis) else r for r in merged], frames)


def _concat(parts: Sequence[Batch], tables: Sequence[str] | None) -> Batch:
    import pandas as pd

    results = [r for p in parts for r in p.results]
    if tables is None:
        return Batch(results)
    frames: dict[str, pd.DataFrame] = {}
    for name in tables:
        got = [p.tables[name] for p in parts if p.tables is not None and name in p.tables]
        nonempty = [g for g in got if len(g)]
        if not got:
            frames[name] = corpus_table([], name)
        elif len(nonempty) <= 1:
            frames[name] = nonempty[0] if nonempty else got[0]
        else:
            frames[name] = pd.concat(nonempty, ignore_index=True)
    return Batch(results, frames)


# --------------------------------------------------------------------------- process pool
_WORKER: dict[str, Any] = {}


def _worker_init(analyzer_or_config: Any) -> None:
    """Runs once in each worker: ignore Ctrl-C (the parent handles it), hold an Analyzer."""
    import signal

    from .api import Analyzer

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if isinstance(analyzer_or_config, Analyzer):  # fork: inherited, pipeline already loaded
        an = analyzer_or_config
    else:  # spawn: a fresh process builds its own from the config
        an = Analyzer(analyzer_or_config)
    an.nlp  # noqa: B018 - load the pipeline once per worker
    _WORKER["analyzer"] = an
    # this process is ours: keep the pipeline, knowledge base and models (inherited or
    # just loaded) out of the collector's full scans, which would otherwise walk them
    # again and again (and, after a fork, copy the pages they touch)
    gc.freeze()


def _worker_job(items: list[Document | Failure], tables: tuple[str, ...] | None) -> Batch:
    return run_job(_WORKER["analyzer"], items, tables)


def _ping() -> int:
    return os.getpid()


class _Pool:
    """A ProcessPoolExecutor that can be replaced when a worker dies."""

    def __init__(self, analyzer: Analyzer, n: int) -> None:
        self.analyzer = analyzer
        self.n = n
        self.method = "fork" if sys.platform.startswith("linux") else "spawn"
        self.executor: Any = None
        self.restarts = 0

    def start(self) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        arg = self.analyzer if self.method == "fork" else self.analyzer.config
        self.executor = ProcessPoolExecutor(
            max_workers=self.n,
            mp_context=mp.get_context(self.method),
            initializer=_worker_init,
            initargs=(arg,),
        )

    def submit(self, items: list[Document | Failure], tables: Any) -> Future[Batch]:
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.executor.submit(_worker_job, items, tables)  # type: ignore[no-any-return]
        except BrokenProcessPool as exc:  # noticed on submit: fail this future the same way
            fut: Future[Batch] = Future()
            fut.set_exception(exc)
            return fut

    def restart(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        self.close(kill=True)
        self.restarts += 1
        self.start()
        try:
            self.executor.submit(_ping).result()
        except BrokenProcessPool as exc:
            raise StancekitError(
                "stancekit worker processes die as they start; run with n_process=1 to see why"
            ) from exc

    def close(self, kill: bool = False) -> None:
        executor, self.executor = self.executor, None
        if executor is None:
            return
        if not kill:
            executor.shutdown(wait=True)
            return
        procs = list((getattr(executor, "_processes", None) or {}).values())
        manager = getattr(executor, "_executor_manager_thread", None)
        executor.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=10)
        # the executor's manager thread notices the dead workers, reaps them and exits;
        # waiting for it (and terminating any worker it still lists) keeps workers from
        # outliving close() (one was seen alive after Ctrl-C once, on a busy CI machine)
        if manager is not None and manager.is_alive():
            manager.join(timeout=10)
        for p in list((getattr(executor, "_processes", None) or {}).values()):
            if p.is_alive():
                p.terminate()
                p.join(timeout=10)


# --------------------------------------------------------------------------- corpus
class Corpus:
    """Results of :func:`stancekit.analyze_corpus`: streams, then tables.

    * ``for a in corpus`` streams Analysis objects, in input order, and keeps them
      so tables can be built afterwards (``keep=False``: keeps nothing, memory stays
      flat);
    * ``corpus.actors``, ``corpus.claims`` ... concatenate the tables with ``doc_id``
      first (running the analysis if it has not run yet);
    * ``corpus.errors``: ``doc_id, stage, error_type, message``;
    * ``corpus.write(dir, format="csv"|"jsonl"|"parquet")`` streams results to files
      (appending per batch, nothing kept in memory unless ``keep=True``) and resumes
      a killed run by skipping the documents already written;
    * ``corpus.to_dask()``: one dask DataFrame per table (lazy).

    Parameters
    ----------
    n_process:
        Worker processes for ``engine="local"`` (default: every core), or workers of
        the LocalCluster that ``engine="dask"`` starts when given no cluster.
    batch_size:
        Documents per batch (one task for a worker).
    engine:
        ``"local"`` or ``"dask"``.
    progress:
        Show a progress bar (documents per second) on stderr.
    keep:
        Keep every Analysis in memory. Default: kept when iterating or reading tables,
        not when writing.
    scheduler, client:
        With ``engine="dask"``: a scheduler address (``"tcp://host:8786"``), a
        ``distributed`` cluster object, or a ``Client``. Neither: a LocalCluster of
        ``n_process`` worker processes on 127.0.0.1, shut down after the run.
    """

    def __init__(
        self,
        analyzer: Analyzer,
        source: Any,
        *,
        n_process: int | None = None,
        batch_size: int = 16,
        engine: str = "local",
        progress: bool = True,
        keep: bool | None = None,
        scheduler: Any = None,
        client: Any = None,
    ) -> None:
        if engine not in ("local", "dask"):
            raise StancekitValueError(f"engine must be 'local' or 'dask', not {engine!r}")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise StancekitValueError(f"batch_size must be a positive integer, not {batch_size!r}")
        if n_process is not None and (not isinstance(n_process, int) or n_process < 1):
            raise StancekitValueError(
                f"n_process must be a positive integer or None (every core), not {n_process!r}"
            )
        if engine == "local" and (scheduler is not None or client is not None):
            raise StancekitValueError("scheduler= and client= need engine='dask'")
        self.analyzer = analyzer
        self.source = source
        self.n_process = n_process if n_process is not None else (os.cpu_count() or 1)
        self.batch_size = batch_size
        self.engine = engine
        self.progress = progress
        self.keep = keep
        self.scheduler = scheduler
        self.client = client
        self._analyses: list[Analysis] = []
        self._failures: list[Failure] = []
        self._counts = {"documents": 0, "actors": 0, "claims": 0, "advocacy": 0}
        self._done = False
        self._runs = 0
        self._written: Path | None = None
        self._running = False
        self._lock = threading.Lock()
        self.n_inputs = 0  # inputs analysed or failed in the last run (skipped ones excluded)
        self.n_skipped = 0  # inputs skipped because a resumed write had done them
        self.n_done = 0  # documents in the output folder after the last write()
        self._own_client: Any = None  # a dask Client that to_dask() opened
        self.elapsed = 0.0
        self.restarts = 0  # worker processes replaced after a crash

    # ------------------------------------------------------------------ running
    def _documents(self, skip: set[str] | None = None) -> Iterator[Document | Failure]:
        for item in to_documents(self.source):
            if skip and _manifest_line(item.doc_id) in skip:
                self.n_skipped += 1
                continue
            yield item

    def _batches(self, skip: set[str] | None = None) -> Iterator[list[Document | Failure]]:
        batch: list[Document | Failure] = []
        for item in self._documents(skip):
            batch.append(item)
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _workers(self) -> int:
        n = self.n_process
        size = _source_len(self.source)
        if size is not None:
            n = min(n, -(-size // self.batch_size))
        return max(1, n)

    def _run(
        self, skip: set[str] | None, tables: tuple[str, ...] | None
    ) -> Generator[Batch, None, None]:
        """Yield results batch by batch, in input order."""
        if self.engine == "dask":
            from .distributed import run_dask

            yield from run_dask(self, skip, tables)
            return
        n = self._workers()
        if n <= 1:
            for items in self._batches(skip):
                yield run_job(self.analyzer, items, tables)
            return
        yield from self._pool_run(n, skip, tables)

    def _warm_up(self) -> None:
        """Load the pipeline and the stages' resources before forking, so that every
        worker starts at once and shares them (copy-on-write)."""
        self.analyzer.nlp  # noqa: B018 - errors (no pipeline) surface here, in the parent
        _analyze_batch(self.analyzer, [Document(text="Warm up the stages.", doc_id="warm-up")])

    def _pool_run(
        self, n: int, skip: set[str] | None, tables: tuple[str, ...] | None
    ) -> Iterator[Batch]:
        import itertools

        batches = self._batches(skip)
        first = next(batches, None)
        if first is None:  # nothing to do (e.g. a resumed run that had finished): no pool
            return
        pool = _Pool(self.analyzer, n)
        if pool.method == "fork":
            self._warm_up()
        pool.start()
        window = 2 * n
        pending: deque[tuple[list[Document | Failure], Future[Batch]]] = deque()
        finished = False
        try:
            for items in itertools.chain([first], batches):
                pending.append((items, pool.submit(items, tables)))
                while len(pending) >= window:
                    yield self._collect(pool, pending, tables)
            while pending:
                yield self._collect(pool, pending, tables)
            finished = True
        finally:  # Ctrl-C, an error, or the consumer stopped early: stop the workers now
            self.restarts += pool.restarts
            pool.close(kill=not finished)

    def _collect(
        self,
        pool: _Pool,
        pending: deque[tuple[list[Document | Failure], Future[Batch]]],
        tables: tuple[str, ...] | None,
    ) -> Batch:
        from concurrent.futures import wait
        from concurrent.futures.process import BrokenProcessPool

        items, fut = pending.popleft()
        try:
            return fut.result()
        except BrokenProcessPool:
            # A worker died and took the pool down: every batch in flight failed with it.
            # Redo this batch alone, one document at a time, so that only a document that
            # kills its worker becomes an error; then resubmit the others.
            wait([f for _, f in pending])
            pool.restart()
            batch = self._isolate(pool, items, tables)
            for k, (its, f) in enumerate(pending):
                if f.exception() is not None:
                    pending[k] = (its, pool.submit(its, tables))
            return batch
        except Exception:  # e.g. a result that cannot be sent back: find the document
            return self._isolate(pool, items, tables)

    def _isolate(
        self, pool: _Pool, items: list[Document | Failure], tables: tuple[str, ...] | None
    ) -> Batch:
        from concurrent.futures.process import BrokenProcessPool

        parts: list[Batch] = []
        for item in items:
            if not isinstance(item, Document):
                parts.append(run_job(self.analyzer, [item], tables))
                continue
            try:
                parts.append(pool.submit([item], tables).result())
            except BrokenProcessPool:
                pool.restart()
                parts.append(
                    run_job(
                        self.analyzer,
                        [
                            Failure(
                                item.doc_id,
                                "worker",
                                "WorkerCrashed",
                                f"document {item.doc_id!r}: the worker process analysing it died "
                                "(killed, out of memory, or a crash in native code); the run went on",
                            )
                        ],
                        tables,
                    )
                )
            except Exception as exc:
                failure = Failure(
                    item.doc_id, "worker", type(exc).__name__, f"document {item.doc_id!r}: {exc}"
                )
                parts.append(run_job(self.analyzer, [failure], tables))
        return _concat(parts, tables)

    def _stream(
        self,
        skip: set[str] | None = None,
        keep: bool = True,
        tables: tuple[str, ...] | None = None,
    ) -> Generator[Batch, None, None]:
        """Run the corpus once, batch by batch, counting results and errors."""
        with self._lock:
            if self._running:
                raise StancekitError(
                    "this Corpus is already running (a table or write() was asked for while "
                    "iterating it); finish the loop first, or create it with keep=True"
                )
            if self._runs and _one_shot(self.source):
                raise StancekitError(
                    "the source of this Corpus is a one-shot iterator (a generator or a "
                    "load() stream) that an earlier run consumed; pass a list, a path or a "
                    "DataFrame, or keep the results (keep=True)"
                )
            self._running = True
            self._runs += 1
        self._analyses, self._failures = [], []
        self._counts = dict.fromkeys(self._counts, 0)
        self.n_inputs = self.n_skipped = 0
        self._done = False
        total = _source_len(self.source)
        bar = None
        seen_skipped = 0
        start = time.perf_counter()
        run = self._run(skip, tables)
        try:
            for batch in run:
                self._account(batch, keep)
                if self.progress:
                    if bar is None:  # created after the workers started (no fork with threads)
                        bar = self._bar(total)
                    if total is not None and self.n_skipped > seen_skipped:
                        bar.total = max(0, bar.total - (self.n_skipped - seen_skipped))
                        seen_skipped = self.n_skipped
                    bar.update(len(batch.results))
                yield batch
        finally:
            run.close()
            self.elapsed = time.perf_counter() - start
            if bar is not None:
                bar.close()
            self._running = False

    def _account(self, batch: Batch, keep: bool) -> None:
        for r in batch.results:
            self.n_inputs += 1
            if isinstance(r, Failure):
                self._failures.append(r)
                continue
            self._counts["documents"] += 1
            if isinstance(r, Analysis):
                self._counts["actors"] += len(r.actor_records)
                self._counts["claims"] += sum(bool(c.is_claim) for c in r.claim_records)
                self._counts["advocacy"] += len(r.advocacy_records)
                if keep:
                    self._analyses.append(r)
        if batch.tables is not None:
            t = batch.tables
            self._counts["actors"] += len(t["actors"]) if "actors" in t else 0
            self._counts["claims"] += int(t["claims"]["is_claim"].sum()) if "claims" in t else 0
            self._counts["advocacy"] += len(t["advocacy"]) if "advocacy" in t else 0

    def _bar(self, total: int | None) -> Any:
        from tqdm.auto import tqdm

        return tqdm(
            desc="stancekit",
            unit="doc",
            total=total,
            smoothing=0.1,
            dynamic_ncols=True,
            file=sys.stderr,
        )

    def run(self) -> Corpus:
        """Analyse everything now (idempotent) and keep the results."""
        if not self._done:
            for _ in self._stream(keep=True):
                pass
            self._done = True
        return self

    def __iter__(self) -> Iterator[Analysis]:
        if self._done:
            yield from self._analyses
            return
        keep = self.keep is not False
        with contextlib.closing(self._stream(keep=keep)) as stream:
            for batch in stream:
                for r in batch.results:
                    if isinstance(r, Analysis):
                        yield r
        self._done = keep

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Drop the kept results (and the dask client this corpus opened, if any)."""
        self._analyses = []
        self._done = False
        client = self._own_client
        if client is not None:
            self._own_client = None
            client.close()

    # ------------------------------------------------------------------ tables
    @property
    def analyses(self) -> list[Analysis]:
        """Every Analysis (runs the corpus if needed)."""
        if not self._done and self._written is not None:
            warnings.warn(
                f"analysing the corpus again: write() sent the results to {self._written} "
                "without keeping them; read the tables from there, or create the corpus "
                "with keep=True",
                RuntimeWarning,
                stacklevel=3,
            )
        self.run()
        return list(self._analyses)

    def __len__(self) -> int:
        return len(self.analyses)

    def table(self, name: str) -> pd.DataFrame:
        """Table ``name`` of every document, with ``doc_id`` first."""
        if name == "errors":
            return self.errors
        if name not in ALL_TABLES:
            raise StancekitValueError(
                f"unknown table {name!r}; valid tables: {', '.join((*ALL_TABLES, 'errors'))}"
            )
        return corpus_table(self.analyses, name)

    @property
    def errors(self) -> pd.DataFrame:
        """doc_id, stage, error_type, message: one row per input without a result.

        Runs the corpus first when nothing has run yet (read first, it would otherwise
        say "no errors" about documents not yet analysed); during or after a run (a
        loop, write()), the errors of that run so far."""
        if not self._runs:
            self.run()
        return errors_frame(self._failures)

    @property
    def documents(self) -> pd.DataFrame:
        return self.table("documents")

    @property
    def features(self) -> pd.DataFrame:
        return self.table("features")

    def __getattr__(self, name: str) -> Any:
        if name in TABLE_NAMES:
            return self.table(name)
        raise AttributeError(f"'Corpus' object has no attribute {name!r}")

    def to_dask(self, tables: Iterable[str] | None = None) -> dict[str, Any]:
        """One lazy dask DataFrame per table (and ``errors``); see
        :func:`stancekit.distributed.to_dask`."""
        from .distributed import to_dask

        return to_dask(self, tables)

    # ------------------------------------------------------------------ writing
    def write(
        self,
        directory: Any,
        format: str = "csv",
        tables: Iterable[str] | None = None,
        *,
        part_docs: int = 1000,
    ) -> Path:
        """Stream results into ``directory``, resuming a run that was stopped.

        csv and jsonl: one file per table (``actors.csv`` ...), appended per batch.
        parquet: one dataset folder per table (``actors/part-00000.parquet`` ...), a
        part per ``part_docs`` documents, readable with ``pandas.read_parquet(dir /
        "actors")`` or ``dask.dataframe.read_parquet``. Every table has ``doc_id``
        first; ``documents``, ``features`` and ``errors`` come too.

        ``_done.txt`` lists the documents written (analysed or failed) and
        ``_state.json`` the last complete batch. Running ``write`` again into the
        same folder (after a crash, Ctrl-C or ``kill``) first cuts the files back to
        that batch, then skips the documents already done: the result equals one
        uninterrupted run. Failed documents count as done (their rows are in
        ``errors``); delete the folder to start over.
        """
        if format not in FORMATS:
            raise StancekitValueError(
                f"unknown format {format!r}; valid formats: {', '.join(FORMATS)}"
            )
        names = list(tables) if tables is not None else list(ALL_TABLES)
        bad = [n for n in names if n not in ALL_TABLES]
        if bad:
            raise StancekitValueError(
                f"unknown table(s) {bad}; valid tables: {', '.join(ALL_TABLES)}"
            )
        if part_docs < 1:
            raise StancekitValueError(f"part_docs must be at least 1, not {part_docs}")
        writer = _Writer(Path(directory), format, names, part_docs)
        keep = self.keep is True
        done = writer.done
        if done and self.progress:
            sys.stderr.write(
                f"stancekit: resuming in {writer.out}: {len(done)} document(s) already "
                "written are skipped\n"
            )
        try:
            for batch in self._stream(
                skip=done or None, keep=keep, tables=None if keep else tuple(names)
            ):
                writer.add(batch)
        except BaseException:  # Ctrl-C or an error: keep what is complete, then re-raise
            with contextlib.suppress(Exception):
                writer.close()
            self.n_done = len(writer.done)
            raise
        writer.close()
        self._written = writer.out
        self._done = keep
        self.n_done = len(writer.done)
        return writer.out

    # ------------------------------------------------------------------ display
    def summary(self) -> dict[str, Any]:
        """Counts of the last run (documents, actors, claims, advocacy, errors, seconds);
        runs the corpus first when nothing has run yet."""
        if not self._runs:
            self.run()
        return {
            **self._counts,
            "errors": len(self._failures),
            "seconds": round(self.elapsed, 2),
        }

    def __repr__(self) -> str:
        state = "done" if self._done else "not run yet" if not self._runs else "streamed"
        return (
            f"Corpus({state}, documents={self._counts['documents']}, errors={len(self._failures)}, "
            f"engine={self.engine!r}, n_process={self.n_process})"
        )

    def _repr_html_(self) -> str:
        from .report import render_corpus_html

        return render_corpus_html(self)


# --------------------------------------------------------------------------- writing
STATE_FILE = "_state.json"
MANIFEST = "_done.txt"
GROW = ".grow"


def _manifest_line(doc_id: str) -> str:
    """A doc_id as one manifest line (line breaks inside ids become spaces)."""
    return doc_id.replace("\r", " ").replace("\n", " ")


def table_dtypes(name: str) -> dict[str, str]:
    """The fixed columns and dtypes of a written table (not ``features``)."""
    if name in TABLES:
        return {"doc_id": "object", **TABLES[name]}
    if name == "documents":
        return {c: "int64" if c in ("n_chars", "n_dropped") else "object" for c in DOCUMENT_COLUMNS}
    if name == "errors":
        return dict.fromkeys(ERROR_COLUMNS, "object")
    raise StancekitValueError(f"no fixed schema for table {name!r}")


def _infer_dtype(values: Any) -> str:
    import numbers

    vals = [v for v in values if v is not None and not (isinstance(v, float) and v != v)]
    if vals and all(isinstance(v, bool) for v in vals):
        return "boolean"
    if vals and all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in vals):
        return "float64"
    return "object" if vals else ""


def conform(df: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """``df`` with exactly the columns of ``dtypes``, in that order and with those dtypes
    (missing columns are empty; numbers that do not fit become missing)."""
    import pandas as pd

    out = df.reindex(columns=list(dtypes))
    for col, dtype in dtypes.items():
        s = out[col]
        if dtype == "object":
            out[col] = s.astype(object).where(s.notna(), None)
        elif dtype == "float64":
            out[col] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif dtype == "boolean":
            out[col] = s.astype("boolean")
        elif dtype == "int64" and s.isna().any():
            out[col] = pd.to_numeric(s, errors="coerce").astype("Int64")
        else:
            out[col] = s.astype(dtype)
    return out


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    return type(v).__name__ in ("NAType", "NaTType")


def _arrow_table(df: pd.DataFrame, dtypes: dict[str, str]) -> Any:
    """A pyarrow Table with a fixed schema, so that every part of a dataset agrees."""
    import pyarrow as pa

    kinds = {
        "object": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "boolean": pa.bool_(),
    }
    arrays = []
    for col, dtype in dtypes.items():
        values = [None if _missing(v) else v for v in df[col].tolist()]
        if dtype == "object":
            values = [
                v
                if v is None or isinstance(v, str)
                else json.dumps(v, ensure_ascii=False)
                if isinstance(v, list | tuple | dict)
                else str(v)
                for v in values
            ]
        arrays.append(pa.array(values, type=kinds[dtype]))
    return pa.Table.from_arrays(arrays, names=list(dtypes))


class _Writer:
    """Appends batches to table files and commits each batch (``_done.txt`` then
    ``_state.json``); on opening, cuts the files back to the last commit."""

    def __init__(self, out: Path, fmt: str, names: list[str], part_docs: int) -> None:
        if fmt == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError as exc:
                raise StancekitValueError(
                    "parquet output needs pyarrow: pip install 'stancekit[parquet]'"
                ) from exc
        self.out = out
        self.fmt = fmt
        self.names = names
        self.part_docs = part_docs
        self.features: dict[str, str] = {"doc_id": "object"}
        self.sizes: dict[str, int] = {}
        self.next_part = 0
        self.lines: list[str] = []
        self.buffer: list[Batch] = []
        self.buffered = 0
        self.dirty = False
        out.mkdir(parents=True, exist_ok=True)
        self._recover()
        self.done = set(self.lines)

    # ---------------------------------------------------------------- resume
    def _files(self) -> list[Path]:
        if self.fmt == "parquet":
            return [p for n in [*self.names, "errors"] for p in (self.out / n).glob("*.parquet")]
        return [self.out / f"{n}.{self.fmt}" for n in [*self.names, "errors"]]

    def _recover(self) -> None:
        state_path = self.out / STATE_FILE
        manifest = self.out / MANIFEST
        lines: list[str] = []
        torn = False
        if manifest.exists():
            raw = manifest.read_text(encoding="utf-8")
            lines = raw.split("\n")[:-1]  # a last line without "\n" was cut by a kill
            torn = bool(raw) and not raw.endswith("\n")
        if not state_path.exists():
            ours = [p for p in self._files() if p.exists()]
            if ours or lines:
                raise StancekitValueError(
                    f"{self.out} holds table files but no {STATE_FILE}; it was not written "
                    "by this version of Corpus.write(): write to a new folder"
                )
            return
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if state.get("format") != self.fmt:
            raise StancekitValueError(
                f"{self.out} holds {state.get('format')} output from an earlier run; resume with "
                f"format={state.get('format')!r} or write to a new folder"
            )
        if sorted(state.get("tables", [])) != sorted(self.names):
            raise StancekitValueError(
                f"{self.out} holds the tables {state.get('tables')} from an earlier run; resume "
                "with the same tables or write to a new folder"
            )
        n_done = int(state["n_done"])
        self.lines = lines[:n_done]
        if len(lines) != n_done or torn or not manifest.exists():
            self._rewrite_manifest()
        self.features = dict(state.get("features") or {"doc_id": "object"})
        self.next_part = int(state.get("next_part", 0))
        self.sizes = {k: int(v) for k, v in (state.get("sizes") or {}).items()}
        if self.fmt == "parquet":
            for p in self._files():
                if _part_number(p) >= self.next_part:
                    p.unlink()
            for p in self.out.glob("*/*.tmp"):
                p.unlink()
        else:
            grown = self.out / ("features.csv" + GROW)
            if grown.exists():
                if state.get("grow"):  # committed: finish replacing the old file
                    os.replace(grown, self.out / "features.csv")
                else:
                    grown.unlink()
            for p in self._files():
                if not p.exists():
                    continue
                size = self.sizes.get(p.name)
                if size is None:
                    p.unlink()  # created by a batch that never committed
                elif p.stat().st_size != size:
                    os.truncate(p, size)

    def _rewrite_manifest(self) -> None:
        tmp = self.out / (MANIFEST + ".tmp")
        tmp.write_text("".join(line + "\n" for line in self.lines), encoding="utf-8")
        os.replace(tmp, self.out / MANIFEST)

    def _commit(self, ids: list[str]) -> None:
        """A batch is complete: list its documents, then record the files' sizes."""
        lines = [_manifest_line(i) for i in ids]
        with open(self.out / MANIFEST, "a", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))
        self.lines.extend(lines)
        self.done.update(lines)
        if self.fmt != "parquet":
            self.sizes = {p.name: p.stat().st_size for p in self._files() if p.exists()}
        self._save_state()
        self.dirty = False

    def _save_state(self, grow: bool = False) -> None:
        state = {
            "version": 1,
            "format": self.fmt,
            "tables": self.names,
            "n_done": len(self.lines),
            "sizes": self.sizes,
            "next_part": self.next_part,
            "features": self.features,
            "grow": grow,
        }
        tmp = self.out / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        os.replace(tmp, self.out / STATE_FILE)

    # ---------------------------------------------------------------- schema
    def _dtypes(self, name: str) -> dict[str, str]:
        return self.features if name == "features" else table_dtypes(name)

    def _grow_features(self, df: pd.DataFrame) -> None:
        """Add feature columns first seen in ``df`` to the schema and to the files already
        written (rare: the first documents with features, or a stage that adds one)."""
        new: dict[str, str] = {}
        for col in df.columns:
            if col not in self.features:
                kind = _infer_dtype(df[col].tolist())
                if kind:
                    new[col] = kind
        if not new:
            return
        had = list(self.features)
        self.features = {**self.features, **new}
        if self.fmt == "csv":
            path = self.out / "features.csv"
            if path.exists():
                grown = path.with_name(path.name + GROW)
                _csv_add_columns(path, grown, had, list(self.features))
                # two-phase: the state names the grown file, then it replaces the old one
                self.sizes["features.csv"] = grown.stat().st_size
                self._save_state(grow=True)
                os.replace(grown, path)
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq

            # each part is replaced atomically; a kill half-way is repaired when the
            # same documents are redone and grow the schema again
            for part in sorted((self.out / "features").glob("*.parquet")):
                old = pq.read_table(part).to_pandas()
                _write_parquet(conform(old, self.features), self.features, part)
        self._save_state()

    # ---------------------------------------------------------------- writing
    def add(self, batch: Batch) -> None:
        if batch.tables is None:  # analyses kept in memory: build the tables here
            analyses = [r for r in batch.results if isinstance(r, Analysis)]
            batch = Batch(batch.results, batch_tables(analyses, self.names))
        if self.fmt == "parquet":
            self.buffer.append(batch)
            self.buffered += len(batch.results)
            if self.buffered >= self.part_docs:
                self.flush()
            return
        self._write(batch, None)

    def flush(self) -> None:
        """parquet: write the buffered batches as one part of every table, then commit."""
        if self.buffer:
            merged = _concat(self.buffer, self.names)
            self._write(merged, self.next_part)
            self.buffer, self.buffered = [], 0

    def _write(self, batch: Batch, part: int | None) -> None:
        assert batch.tables is not None
        if "features" in batch.tables:
            self._grow_features(batch.tables["features"])
        self.dirty = True
        frames = {name: conform(batch.tables[name], self._dtypes(name)) for name in self.names}
        failures = batch.failures
        if failures:
            frames["errors"] = conform(errors_frame(failures), table_dtypes("errors"))
        for name, df in frames.items():
            if not len(df):
                continue
            if part is None:
                write_table(df, self.out / f"{name}.{self.fmt}", self.fmt, append=True)
            else:
                _write_parquet(df, self._dtypes(name), self.out / name / f"part-{part:05d}.parquet")
        if part is not None:
            self.next_part = part + 1
        self._commit(batch.doc_ids)

    def close(self) -> None:
        """Write what is buffered and make sure every table exists (empty ones too).
        After a failed write (``dirty``) nothing more is written: the next run repairs."""
        if self.dirty:
            return
        self.flush()
        import pandas as pd

        made = False
        for name in [*self.names, "errors"]:
            dtypes = self._dtypes(name)
            empty = conform(pd.DataFrame(columns=list(dtypes)), dtypes)
            if self.fmt == "parquet":
                folder = self.out / name
                if not any(folder.glob("*.parquet")):
                    _write_parquet(empty, dtypes, folder / f"part-{self.next_part:05d}.parquet")
                    made = True
            else:
                path = self.out / f"{name}.{self.fmt}"
                if not path.exists():
                    write_table(empty, path, self.fmt)
                    made = True
        if made:
            if self.fmt == "parquet":
                self.next_part += 1
            self._commit([])


def _part_number(path: Path) -> int:
    try:
        return int(path.stem.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return -1


def _write_parquet(df: pd.DataFrame, dtypes: dict[str, str], path: Path) -> None:
    """Write one part atomically (a killed run never leaves half a file)."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(_arrow_table(df, dtypes), tmp)
    os.replace(tmp, path)


def _csv_add_columns(path: Path, dest: Path, old: list[str], new: list[str]) -> None:
    """Copy a CSV file to ``dest`` with more columns (the new ones empty), keeping every cell."""
    import csv

    with (
        open(path, newline="", encoding="utf-8") as src,
        open(dest, "w", newline="", encoding="utf-8") as dst,
    ):
        reader = csv.reader(src)
        writer = csv.writer(dst)
        header = next(reader, None)
        if header != old:
            raise StancekitError(f"{path}: unexpected header {header}; expected {old}")
        writer.writerow(new)
        pad = [""] * (len(new) - len(old))
        for row in reader:
            writer.writerow(row + pad)
