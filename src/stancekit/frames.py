"""Analyses -> tidy pandas DataFrames: corpus tables with ``doc_id`` first, the
stance matrix, the errors table, and safe CSV export.

(``frames`` as in *data frames*; issue frames are in ``persuasion``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import StancekitValueError
from .types import TABLES, Analysis, records_to_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ERROR_COLUMNS",
    "TABLE_NAMES",
    "corpus_table",
    "documents_table",
    "errors_frame",
    "features_table",
    "neutralize_formulas",
    "stance_matrix",
    "write_table",
]

TABLE_NAMES = tuple(TABLES)
ERROR_COLUMNS = ("doc_id", "stage", "error_type", "message")
DOCUMENT_COLUMNS = (
    "doc_id",
    "title",
    "author",
    "published",
    "source",
    "url",
    "path",
    "n_chars",
    "n_dropped",
    "notes",
)


def corpus_table(analyses: Iterable[Analysis], name: str) -> pd.DataFrame:
    """The table ``name`` of every analysis, concatenated, with ``doc_id`` as first column."""
    import pandas as pd

    if name == "features":
        return features_table(analyses)
    if name == "documents":
        return documents_table(analyses)
    if name not in TABLES:
        raise StancekitValueError(
            f"unknown table {name!r}; valid tables: {', '.join((*TABLE_NAMES, 'features', 'documents'))}"
        )
    # one DataFrame per table, not one per document (much faster for large batches)
    field_name = Analysis.TABLE_FIELDS[name]
    records: list[Any] = []
    ids: list[str] = []
    for a in analyses:
        recs = getattr(a, field_name)
        records.extend(recs)
        ids.extend([a.document.doc_id] * len(recs))
    out = records_to_frame(records, name)
    out.insert(0, "doc_id", pd.Series(ids, dtype=object))
    return out


def features_table(analyses: Iterable[Analysis]) -> pd.DataFrame:
    """One row per document: ``doc_id`` then every feature."""
    import pandas as pd

    rows = [{"doc_id": a.document.doc_id, **dict(a.feature_items)} for a in analyses]
    return pd.DataFrame(
        rows, columns=["doc_id", *sorted({k for r in rows for k in r if k != "doc_id"})]
    )


def documents_table(analyses: Iterable[Analysis]) -> pd.DataFrame:
    """One row per document with its metadata."""
    import pandas as pd

    rows = []
    for a in analyses:
        d = a.document
        rows.append(
            {
                "doc_id": d.doc_id,
                "title": d.title,
                "author": d.author,
                "published": d.published,
                "source": d.source,
                "url": d.url,
                "path": d.path,
                "n_chars": len(d.text),
                "n_dropped": len(d.dropped),
                "notes": "; ".join(d.notes),
            }
        )
    return pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))


def errors_frame(rows: Sequence[Any]) -> pd.DataFrame:
    """The errors table (doc_id, stage, error_type, message) from failure records."""
    import pandas as pd

    data = [{c: getattr(r, c) for c in ERROR_COLUMNS} for r in rows]
    return pd.DataFrame(data, columns=list(ERROR_COLUMNS)).astype(object)


def stance_matrix(
    corpus: Any, by: str = "source", *, holder: str = "author", min_count: int = 1
) -> pd.DataFrame:
    """Mean author's stance score per actor (rows) and group (columns), with counts.

    Parameters
    ----------
    corpus:
        A :class:`~stancekit.corpus.Corpus`, or an iterable of Analysis.
    by:
        ``"source"`` (outlet), ``"doc_id"`` or ``"author"``.
    min_count:
        Drop actors seen in fewer documents than this.

    Returns
    -------
    DataFrame
        Index: actor name; columns: a MultiIndex of (``"stance"`` | ``"n_docs"``, group).
        ``stance`` is the mean ``stance_score`` over the group's documents where the
        actor appears (in [-1, 1], negative = against); ``n_docs`` counts them.
    """
    import pandas as pd

    if by not in ("source", "doc_id", "author"):
        raise StancekitValueError(f"by must be 'source', 'doc_id' or 'author', not {by!r}")
    analyses = list(corpus.analyses if hasattr(corpus, "analyses") else corpus)
    rows = []
    for a in analyses:
        group = getattr(a.document, by) or "(unknown)"
        for actor in a.actor_records:
            rows.append({"actor": actor.name, "group": group, "score": actor.stance_score})
    if not rows:
        return pd.DataFrame(columns=pd.MultiIndex.from_tuples([], names=["value", by]))
    df = pd.DataFrame(rows)
    agg = df.groupby(["actor", "group"])["score"].agg(["mean", "count"]).reset_index()
    mean = agg.pivot(index="actor", columns="group", values="mean")
    count = agg.pivot(index="actor", columns="group", values="count").fillna(0).astype(int)
    keep = count.sum(axis=1) >= min_count
    out = pd.concat({"stance": mean[keep], "n_docs": count[keep]}, axis=1)
    out.columns.names = ["value", by]
    order = count[keep].sum(axis=1).sort_values(ascending=False, kind="stable").index
    return out.loc[order]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that start with = + - @ (or tab/CR) with a single quote.

    Spreadsheet programs run such cells as formulas (CSV/formula injection); the
    quote makes them plain text. Numbers are left alone.
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def _flat(df: pd.DataFrame) -> pd.DataFrame:
    """Lists -> JSON strings so every format can store them."""
    import json

    out = df.copy()
    for col in out.columns:
        if (
            out[col].dtype == object
            and out[col].map(lambda v: isinstance(v, list | tuple | dict)).any()
        ):
            out[col] = out[col].map(
                lambda v: (
                    json.dumps(v, ensure_ascii=False) if isinstance(v, list | tuple | dict) else v
                )
            )
    return out


def write_table(df: pd.DataFrame, path: Any, fmt: str, *, append: bool = False) -> None:
    """Write a table as csv (formula-safe), jsonl or parquet; ``append`` adds rows."""
    from pathlib import Path

    path = Path(path)
    if fmt == "csv":
        neutralize_formulas(_flat(df)).to_csv(
            path, index=False, mode="a" if append else "w", header=not (append and path.exists())
        )
    elif fmt == "jsonl":
        text = df.to_json(orient="records", lines=True, force_ascii=False)
        if text and not text.endswith("\n"):
            text += "\n"
        with open(path, "a" if append else "w", encoding="utf-8") as fh:
            fh.write(text if len(df) else "")
    elif fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise StancekitValueError(
                "parquet output needs pyarrow: pip install 'stancekit[parquet]'"
            ) from exc
        _flat(df).to_parquet(path, index=False)
    else:
        raise StancekitValueError(f"unknown format {fmt!r}; valid formats: csv, jsonl, parquet")
