"""stancekit: actors, claims, stance and framing in political opinion writing.

The public API lives here::

    import stancekit
    a = stancekit.analyze(text)
    a.actors, a.mentions, a.stances, a.relations, a.claims, a.advocacy, a.framing,
    a.techniques, a.frames, a.features

Nothing is read or loaded at import time; the spaCy pipeline, the actor
knowledge base and the trained models load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "AnalysisConfig",
    "Analyzer",
    "Corpus",
    "Document",
    "StancekitError",
    "__version__",
    "analyze",
    "analyze_corpus",
    "load",
    "stance_matrix",
    "target_stance",
]

_LAZY = {
    "Analysis": "types",
    "Document": "types",
    "AnalysisConfig": "config",
    "StancekitError": "errors",
    "Analyzer": "api",
    "Corpus": "corpus",
    "analyze": "api",
    "analyze_corpus": "api",
    "target_stance": "api",
    "load": "load",
    "stance_matrix": "frames",
}

# The submodule ``stancekit.load`` has the name of the function ``load``: whichever module
# imports it first would rebind ``stancekit.load`` to the module (``stancekit.load(...)``
# then fails with "'module' object is not callable"). Binding the function here, after
# the submodule import, settles it (load.py reads nothing at import: stdlib only).
from .load import load  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from .api import Analyzer, analyze, analyze_corpus, target_stance
    from .config import AnalysisConfig
    from .corpus import Corpus
    from .errors import StancekitError
    from .frames import stance_matrix
    from .types import Analysis, Document


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stancekit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
