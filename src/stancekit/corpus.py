"""Streaming analysis of many documents: :class:`Corpus`.

A Corpus is lazy: nothing runs until it is iterated, a table is read, or it is
written. Documents stream through in batches; with ``n_process > 1`` each worker
process loads the pipeline and models once and analyses whole batches. A document
that fails (to load or in any stage) becomes a row of ``corpus.errors`` and the
run goes on; results + errors always equal the number of inputs.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, StancekitError, StancekitValueError
from .frames import TABLE_NAMES, corpus_table, errors_frame, write_table
from .load import DocumentStream, LoadFailure, document_from_text, load
from .types import Analysis, Document

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .api import Analyzer

__all__ = ["Corpus", "Failure", "to_documents"]


@dataclass(frozen=True)
class Failure:
    """One input that produced no Analysis."""

    doc_id: str
    stage: str
    error_type: str
    message: str


# --------------------------------------------------------------------------- inputs
def _looks_like_path(s: str) -> bool:
    if len(s) > 4096 or "\n" in s:
        return False
    if s.startswith(("http://", "https://")):
        return True
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
        e: LoadFailure = stream.errors[seen]
        seen += 1
        yield Failure(e.doc_id, e.stage, e.error_type, e.message)


# --------------------------------------------------------------------------- workers
_WORKER: dict[str, Any] = {}


def _analyze_batch(analyzer: Analyzer, docs: list[Document]) -> list[Analysis | Failure]:
    """Analyse a batch (parse with nlp.pipe, then the stages per document)."""
    from .nlp import parse_many

    out: list[Analysis | Failure] = []
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
        out.append(None)  # type: ignore[arg-type]
        todo.append(doc)
    if not todo:
        return out
    try:
        parsed = list(
            parse_many(
                ((d.title, d.text) for d in todo),
                analyzer.nlp,
                chunk_chars=analyzer.config.chunk_chars,
            )
        )
    except Exception:
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
    return out


def _worker_init(config: Any) -> None:
    from .api import Analyzer

    an = Analyzer(config)
    an.nlp  # noqa: B018 - load the pipeline once per worker
    _WORKER["analyzer"] = an


def _worker_batch(docs: list[Document]) -> list[Analysis | Failure]:
    return _analyze_batch(_WORKER["analyzer"], docs)


# --------------------------------------------------------------------------- corpus
class Corpus:
    """Results of :func:`stancekit.analyze_corpus`: streams, then tables.

    * ``for a in corpus`` streams Analysis objects (and keeps them, so tables can be
      built afterwards) unless the corpus was created with ``keep=False``;
    * ``corpus.actors``, ``corpus.claims`` ... concatenate the tables with ``doc_id``
      first (running the analysis if it has not run yet);
    * ``corpus.errors``: ``doc_id, stage, error_type, message``;
    * ``corpus.write(dir, format="csv"|"jsonl"|"parquet")`` streams results to one
      file per table, appending per batch, and resumes a killed run by skipping the
      ``doc_id`` s already written.
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
        keep: bool = True,
        scheduler: Any = None,
        client: Any = None,
    ) -> None:
        if engine not in ("local", "dask"):
            raise StancekitValueError(f"engine must be 'local' or 'dask', not {engine!r}")
        if batch_size < 1:
            raise StancekitValueError(f"batch_size must be at least 1, not {batch_size}")
        self.analyzer = analyzer
        self.source = source
        self.n_process = max(1, n_process if n_process is not None else (os.cpu_count() or 1))
        self.batch_size = batch_size
        self.engine = engine
        self.progress = progress
        self.keep = keep
        self.scheduler = scheduler
        self.client = client
        self._analyses: list[Analysis] = []
        self._failures: list[Failure] = []
        self._done = False
        self._lock = threading.Lock()
        self.n_inputs = 0
        self.elapsed = 0.0

    # ------------------------------------------------------------------ running
    def _documents(self, skip: set[str] | None = None) -> Iterator[Document | Failure]:
        for item in to_documents(self.source):
            if skip and isinstance(item, Document) and item.doc_id in skip:
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

    def _run(self, skip: set[str] | None = None) -> Iterator[list[Analysis | Failure]]:
        """Yield results batch by batch, in input order."""
        if self.engine == "dask":
            from .distributed import run_dask

            yield from run_dask(self, skip)
            return
        if self.n_process <= 1:
            for batch in self._batches(skip):
                yield self._local_batch(batch)
            return
        yield from self._pool_run(skip)

    def _local_batch(self, batch: list[Document | Failure]) -> list[Analysis | Failure]:
        docs = [b for b in batch if isinstance(b, Document)]
        results = iter(_analyze_batch(self.analyzer, docs))
        return [next(results) if isinstance(b, Document) else b for b in batch]

    def _pool_run(self, skip: set[str] | None) -> Iterator[list[Analysis | Failure]]:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if sys.platform.startswith("linux") else "spawn"
        ctx = mp.get_context(method)
        window = self.n_process * 2
        with ProcessPoolExecutor(
            max_workers=self.n_process,
            mp_context=ctx,
            initializer=_worker_init,
            initargs=(self.analyzer.config,),
        ) as pool:
            pending: list[tuple[list[Document | Failure], Any]] = []
            for batch in self._batches(skip):
                docs = [b for b in batch if isinstance(b, Document)]
                fut = pool.submit(_worker_batch, docs) if docs else None
                pending.append((batch, fut))
                while len(pending) >= window:
                    yield self._collect(*pending.pop(0))
            while pending:
                yield self._collect(*pending.pop(0))

    def _collect(self, batch: list[Document | Failure], fut: Any) -> list[Analysis | Failure]:
        docs = [b for b in batch if isinstance(b, Document)]
        if fut is None:
            return list(batch)  # type: ignore[arg-type]
        try:
            results = iter(fut.result())
        except Exception as exc:  # a worker died: fall back to this process for the batch
            results = iter(_analyze_batch(self.analyzer, docs))
            sys.stderr.write(
                f"stancekit: a worker failed ({type(exc).__name__}: {exc}); batch redone locally\n"
            )
        return [next(results) if isinstance(b, Document) else b for b in batch]

    def _stream(
        self, skip: set[str] | None = None, keep: bool | None = None
    ) -> Iterator[list[Analysis | Failure]]:
        keep = self.keep if keep is None else keep
        bar = self._bar()
        start = time.perf_counter()
        try:
            for results in self._run(skip):
                for r in results:
                    self.n_inputs += 1
                    if isinstance(r, Failure):
                        self._failures.append(r)
                    elif keep:
                        self._analyses.append(r)
                if bar is not None:
                    bar.update(len(results))
                yield results
        finally:
            self.elapsed += time.perf_counter() - start
            if bar is not None:
                bar.close()

    def _bar(self) -> Any:
        if not self.progress:
            return None
        from tqdm.auto import tqdm

        return tqdm(desc="stancekit", unit="doc", dynamic_ncols=True, file=sys.stderr)

    def run(self) -> Corpus:
        """Analyse everything now (idempotent) and keep the results."""
        with self._lock:
            if not self._done:
                for _ in self._stream(keep=True):
                    pass
                self._done = True
        return self

    def __iter__(self) -> Iterator[Analysis]:
        if self._done:
            yield from self._analyses
            return
        with self._lock:
            for results in self._stream():
                for r in results:
                    if isinstance(r, Analysis):
                        yield r
            self._done = self.keep

    # ------------------------------------------------------------------ tables
    @property
    def analyses(self) -> list[Analysis]:
        """Every Analysis (runs the corpus if needed)."""
        self.run()
        return list(self._analyses)

    def __len__(self) -> int:
        return len(self.analyses)

    def table(self, name: str) -> pd.DataFrame:
        """Table ``name`` of every document, with ``doc_id`` first."""
        return corpus_table(self.analyses, name)

    @property
    def errors(self) -> pd.DataFrame:
        """doc_id, stage, error_type, message: one row per input without a result."""
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

    # ------------------------------------------------------------------ writing
    def write(
        self, directory: Any, format: str = "csv", tables: Iterable[str] | None = None
    ) -> Path:
        """Stream results into ``directory``: one file per table (``doc_id`` first), appended
        per batch, plus ``errors`` and a ``_done.txt`` manifest. Re-running on the same
        directory resumes: documents already written are skipped.
        """
        if format not in ("csv", "jsonl", "parquet"):
            raise StancekitValueError(
                f"unknown format {format!r}; valid formats: csv, jsonl, parquet"
            )
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        names = list(tables) if tables is not None else [*TABLE_NAMES, "features", "documents"]
        manifest = out / "_done.txt"
        done = (
            set(manifest.read_text(encoding="utf-8").split("\n")) - {""}
            if manifest.exists()
            else set()
        )
        part = len(list(out.glob("actors*.parquet"))) if format == "parquet" else 0
        for results in self._stream(skip=done, keep=self.keep):
            analyses = [r for r in results if isinstance(r, Analysis)]
            failures = [r for r in results if isinstance(r, Failure)]
            for name in names:
                df = corpus_table(analyses, name)
                if format == "parquet":
                    if len(df):
                        write_table(df, out / f"{name}-{part:05d}.parquet", "parquet")
                else:
                    write_table(df, out / f"{name}.{format}", format, append=True)
            if failures:
                ef = errors_frame(failures)
                if format == "parquet":
                    write_table(ef, out / f"errors-{part:05d}.parquet", "parquet")
                else:
                    write_table(ef, out / f"errors.{format}", format, append=True)
            part += 1
            with open(manifest, "a", encoding="utf-8") as fh:
                for a in analyses:
                    fh.write(a.document.doc_id + "\n")
        if self.keep:
            self._done = True
        return out

    # ------------------------------------------------------------------ display
    def summary(self) -> dict[str, Any]:
        analyses = self._analyses
        return {
            "documents": len(analyses),
            "errors": len(self._failures),
            "actors": sum(len(a.actor_records) for a in analyses),
            "claims": sum(sum(c.is_claim for c in a.claim_records) for a in analyses),
            "advocacy": sum(len(a.advocacy_records) for a in analyses),
            "seconds": round(self.elapsed, 2),
        }

    def __repr__(self) -> str:
        state = "done" if self._done else "not run yet"
        return f"Corpus({state}, documents={len(self._analyses)}, errors={len(self._failures)}, engine={self.engine!r}, n_process={self.n_process})"

    def _repr_html_(self) -> str:
        from .report import render_corpus_html

        return render_corpus_html(self)
