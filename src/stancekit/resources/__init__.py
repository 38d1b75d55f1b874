"""Package data: the actor knowledge base, lexicons and cue patterns.

Files are read lazily on first use with :mod:`importlib.resources` and cached by
name, so importing stancekit reads nothing. Users extend or replace them through
:class:`stancekit.AnalysisConfig`.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from importlib import resources as _ir
from typing import Any

from ..errors import ResourceError

__all__ = [
    "list_resources",
    "read_json",
    "read_jsonl",
    "read_lines",
    "read_text",
    "vader_entries",
    "vader_lexicon",
]

_LOCK = threading.Lock()


def _path(name: str) -> Any:
    return _ir.files(__name__).joinpath(name)


def list_resources() -> list[str]:
    """Names of the packaged resource files."""
    return sorted(
        p.name for p in _ir.files(__name__).iterdir() if p.is_file() and not p.name.endswith(".py")
    )


@lru_cache(maxsize=64)
def read_text(name: str) -> str:
    """The text of resource ``name`` (UTF-8)."""
    with _LOCK:
        try:
            return _path(name).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ResourceError(
                f"packaged resource {name!r} is missing; reinstall stancekit "
                f"(found: {', '.join(list_resources()) or 'none'})"
            ) from exc


@lru_cache(maxsize=64)
def read_json(name: str) -> Any:
    """Parsed JSON resource ``name``."""
    try:
        return json.loads(read_text(name))
    except json.JSONDecodeError as exc:
        raise ResourceError(f"packaged resource {name!r} is not valid JSON: {exc}") from exc


@lru_cache(maxsize=64)
def read_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    """Rows of JSONL resource ``name`` (lines starting with # are comments)."""
    rows = []
    for i, line in enumerate(read_text(name).splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ResourceError(f"packaged resource {name!r}, line {i}: {exc}") from exc
    return tuple(rows)


@lru_cache(maxsize=64)
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of resource ``name``."""
    return tuple(
        s for line in read_text(name).splitlines() if (s := line.strip()) and not s.startswith("#")
    )


@lru_cache(maxsize=1)
def vader_entries() -> tuple[tuple[str, float], ...]:
    """VADER's valence lexicon as (word, mean valence in [-4, 4]) pairs in file order, as
    the vaderSentiment package ships it (a few emoticons differ only in case), read once."""
    try:
        text = _ir.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise ResourceError(
            f"the VADER lexicon (vader_lexicon.txt of the vaderSentiment package) is missing "
            f"({exc}); install it with `pip install vaderSentiment`"
        ) from exc
    out: list[tuple[str, float]] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                out.append((parts[0], float(parts[1])))
            except ValueError:
                continue
    return tuple(out)


@lru_cache(maxsize=1)
def vader_lexicon() -> dict[str, float]:
    """:func:`vader_entries` as a dict (a later duplicate wins). Do not mutate it."""
    return dict(vader_entries())
