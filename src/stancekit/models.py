"""The small shared machinery of trained parts: locating, saving and loading
linear models stored as ``.npz`` arrays plus a JSON model card.

A model ``NAME`` is two files in the models directory:

* ``NAME.npz``: numeric and string arrays only (loaded with ``allow_pickle=False``,
  so loading never executes code), e.g. ``coef``, ``intercept``, ``classes``,
  ``vocab``, ``idf``;
* ``NAME.json``: the model card: data, split, scores, licence, the featurizer's
  parameters and the command that rebuilds the model (``rebuild``).

The models directory is, in order: ``$STANCEKIT_MODELS_DIR``; ``stancekit/_models``
inside an installed wheel; ``models/`` of a source checkout (editable installs).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ResourceError

__all__ = [
    "LinearModel",
    "ModelFiles",
    "load_linear_model",
    "load_model_files",
    "models_dir",
    "save_model_files",
    "tfidf_transform",
]

_LOCK = threading.Lock()


def models_dir() -> Path:
    """The directory trained models are read from (see module docstring)."""
    env = os.environ.get("STANCEKIT_MODELS_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    packaged = here / "_models"
    if packaged.is_dir():
        return packaged
    checkout = here.parent.parent / "models"
    return checkout


@dataclass(frozen=True)
class ModelFiles:
    """The raw content of a stored model: arrays and card."""

    name: str
    arrays: dict[str, np.ndarray] = field(repr=False)
    card: dict[str, Any]


def save_model_files(
    name: str, arrays: dict[str, Any], card: dict[str, Any], directory: Path | None = None
) -> Path:
    """Write ``NAME.npz`` and ``NAME.json``. Object arrays are refused (they would need pickle)."""
    directory = Path(directory) if directory is not None else models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    clean: dict[str, np.ndarray] = {}
    for key, value in arrays.items():
        arr = np.asarray(value)
        if arr.dtype == object:
            arr = arr.astype(str)
        clean[key] = arr
    np.savez_compressed(directory / f"{name}.npz", **clean)  # type: ignore[arg-type]
    card = {"name": name, **card, "arrays": {k: list(v.shape) for k, v in clean.items()}}
    (directory / f"{name}.json").write_text(
        json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return directory / f"{name}.npz"


@lru_cache(maxsize=32)
def load_model_files(name: str, directory: str | None = None) -> ModelFiles:
    """Load model ``name`` without unpickling; a clear ``ResourceError`` when missing or corrupt."""
    base = Path(directory) if directory else models_dir()
    npz, card_path = base / f"{name}.npz", base / f"{name}.json"
    with _LOCK:
        card: dict[str, Any] = {}
        if card_path.is_file():
            try:
                card = json.loads(card_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise ResourceError(
                    _rebuild_msg(name, f"its model card {card_path} is corrupt ({exc})", card)
                ) from exc
        if not npz.is_file():
            raise ResourceError(_rebuild_msg(name, f"{npz} is missing", card))
        try:
            with np.load(npz, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except Exception as exc:  # zipfile.BadZipFile, ValueError (pickled content), OSError ...
            raise ResourceError(
                _rebuild_msg(
                    name, f"{npz} is corrupt or unsafe ({type(exc).__name__}: {exc})", card
                )
            ) from exc
    return ModelFiles(name=name, arrays=arrays, card=card)


def _rebuild_msg(name: str, problem: str, card: dict[str, Any]) -> str:
    cmd = card.get("rebuild") or f"python scripts/train_{name}.py"
    return f"model {name!r}: {problem}. Rebuild it from ../shared/data with `{cmd}`, or reinstall stancekit."


def tfidf_transform(
    texts: list[str],
    vocab: dict[str, int],
    idf: np.ndarray,
    *,
    ngram_range: tuple[int, int] = (1, 2),
    lowercase: bool = True,
    sublinear_tf: bool = True,
    token_pattern: str = r"(?u)\b\w\w+\b",
    analyzer: str = "word",
) -> Any:
    """A TF-IDF matrix for ``texts`` from a stored vocabulary and idf vector (no pickle).

    Builds a scikit-learn ``TfidfVectorizer`` with the stored ``vocabulary_`` and ``idf_``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        vocabulary=vocab,
        ngram_range=ngram_range,
        lowercase=lowercase,
        sublinear_tf=sublinear_tf,
        token_pattern=token_pattern,
        analyzer=analyzer,
    )
    vec.idf_ = idf
    return vec.transform(texts)


@dataclass(frozen=True)
class LinearModel:
    """A linear classifier from stored arrays: ``coef`` (k x d), ``intercept`` (k), ``classes`` (k or 2).

    Binary models may store a single row; ``predict_proba`` then returns two
    columns in the order of ``classes``. Multi-label models set
    ``card["multilabel"] = true`` and get one independent sigmoid per class.
    """

    name: str
    coef: np.ndarray = field(repr=False)
    intercept: np.ndarray = field(repr=False)
    classes: tuple[str, ...]
    card: dict[str, Any] = field(repr=False)
    arrays: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    @classmethod
    def from_files(cls, files: ModelFiles) -> LinearModel:
        a = files.arrays
        try:
            coef = np.atleast_2d(a["coef"]).astype(np.float64)
            intercept = np.atleast_1d(a["intercept"]).astype(np.float64)
            classes = tuple(str(c) for c in a["classes"])
        except KeyError as exc:
            raise ResourceError(
                _rebuild_msg(files.name, f"array {exc} is missing", files.card)
            ) from exc
        return cls(files.name, coef, intercept, classes, files.card, a)

    def decision_function(self, X: Any) -> np.ndarray:
        scores = X @ self.coef.T + self.intercept
        return np.asarray(scores)

    def predict_proba(self, X: Any) -> np.ndarray:
        z = self.decision_function(X)
        if self.card.get("multilabel"):
            return 1.0 / (1.0 + np.exp(-z))
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> list[str]:
        p = self.predict_proba(X)
        return [self.classes[i] for i in p.argmax(axis=1)]


def load_linear_model(name: str) -> LinearModel:
    """Load a stored linear model by name (cached)."""
    return LinearModel.from_files(load_model_files(name))
