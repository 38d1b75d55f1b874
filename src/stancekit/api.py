"""The analysis API: :class:`Analyzer` (holds the pipeline and config), :func:`analyze`,
:func:`analyze_corpus` and :func:`target_stance`.

Text flows one way: load -> parse (nlp) -> actors -> claims -> stance -> framing ->
persuasion -> Analysis. Each stage is a plain function in its own module; this
module only runs them in order, maps their offsets to title/body coordinates and
bundles the result.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import __version__
from .config import STAGES, AnalysisConfig
from .errors import InputError, InputTooLargeError, StageError
from .load import document_from_text
from .types import (
    ActorLayer,
    Analysis,
    ClaimLayer,
    Document,
    FramingLayer,
    PersuasionLayer,
    StanceLayer,
    TargetStance,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

    from .corpus import Corpus
    from .nlp import Parsed

__all__ = ["Analyzer", "analyze", "analyze_corpus", "coerce_text", "target_stance"]


def coerce_text(text: Any, what: str = "text") -> str:
    """Accept ``str`` (and ``bytes``, decoded like files); raise ``TypeError`` naming anything else."""
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray):
        from .load import decode_bytes

        return decode_bytes(bytes(text), f"<{what} bytes>")[0]
    raise TypeError(f"{what} must be str (or bytes), not {type(text).__name__}")


def _localize(records: Iterable[Any], parsed: Parsed) -> tuple[Any, ...]:
    """Map ``start``/``end`` of stage records from parsed-text offsets to title/body offsets."""
    out = []
    for rec in records:
        if getattr(rec, "start", -1) is not None and getattr(rec, "start", -1) >= 0:
            s, e, in_title = parsed.to_local(rec.start, rec.end)
            rec = dataclasses.replace(rec, start=s, end=e, in_title=in_title)
        out.append(rec)
    return tuple(out)


class Analyzer:
    """Holds the spaCy pipeline and an :class:`AnalysisConfig`; thread-safe.

    Examples
    --------
    >>> from stancekit import Analyzer, AnalysisConfig
    >>> analyzer = Analyzer(AnalysisConfig())            # doctest: +SKIP
    >>> a = analyzer.analyze("Iran must stop arming the militias.")  # doctest: +SKIP
    """

    def __init__(
        self, config: AnalysisConfig | None = None, *, nlp: Language | None = None
    ) -> None:
        if config is not None and not isinstance(config, AnalysisConfig):
            raise TypeError(f"config must be an AnalysisConfig, not {type(config).__name__}")
        self.config = config or AnalysisConfig()
        self._nlp = nlp
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ pipeline
    @property
    def nlp(self) -> Language:
        """The spaCy pipeline (loaded on first use)."""
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    from .nlp import get_nlp

                    self._nlp = get_nlp(self.config.model)
        return self._nlp

    @property
    def pipeline(self) -> str:
        from .nlp import pipeline_name

        return pipeline_name(self.nlp)

    # ------------------------------------------------------------------ one document
    def document(
        self, text: Any, title: str | None = None, *, doc_id: str | None = None
    ) -> Document:
        """The Document that ``analyze`` would analyse (furniture removed, HTML extracted)."""
        if isinstance(text, Document):
            return text
        notes: tuple[str, ...] = ()
        if isinstance(text, bytes | bytearray):
            from .load import decode_bytes

            raw, notes = decode_bytes(bytes(text), doc_id or "<bytes>")
        else:
            raw = coerce_text(text)
        if title is not None and not isinstance(title, str):
            raise TypeError(f"title must be str or None, not {type(title).__name__}")
        if len(raw) > self.config.max_chars:
            raise InputTooLargeError(
                f"{len(raw):,} characters is more than max_chars={self.config.max_chars:,}; "
                "raise AnalysisConfig(max_chars=...) to analyse it",
                doc_id,
            )
        return document_from_text(
            raw,
            doc_id=doc_id,
            title=title,
            detect_furniture=self.config.detect_furniture,
            notes=notes,
        )

    def analyze(
        self, text: Any, title: str | None = None, *, doc_id: str | None = None
    ) -> Analysis:
        """Analyse one text (plain text, a raw page capture, HTML, or a Document).

        ``None``, numbers and other non-text raise ``TypeError``; bytes are decoded
        (UTF-8, UTF-16 with BOM, else cp1252). Empty or whitespace text gives an
        empty Analysis.
        """
        doc = self.document(text, title, doc_id=doc_id)
        return self.analyze_document(doc)

    def analyze_document(self, doc: Document) -> Analysis:
        """Analyse a loaded Document."""
        self._check_size(doc)
        if not doc.text.strip() and not (doc.title or "").strip():
            return self._empty(doc)
        from .nlp import parse

        parsed = parse(doc.title, doc.text, self.nlp, chunk_chars=self.config.chunk_chars)
        return self.analyze_parsed(doc, parsed)

    def _check_size(self, doc: Document) -> None:
        n = len(doc.text) + len(doc.title or "")
        if n > self.config.max_chars:
            raise InputTooLargeError(
                f"{n:,} characters is more than max_chars={self.config.max_chars:,}; "
                "raise AnalysisConfig(max_chars=...) to analyse it",
                doc.doc_id,
            )

    def _empty(self, doc: Document) -> Analysis:
        return Analysis(document=doc, pipeline="", version=__version__)

    def analyze_parsed(self, doc: Document, parsed: Parsed) -> Analysis:
        """Run the stages on a parsed document and bundle the result."""
        cfg = self.config
        run = set(cfg.stages)
        actors = self._stage("actors", doc, ActorLayer(), run, lambda f: f(parsed, cfg))
        claims = self._stage("claims", doc, ClaimLayer(), run, lambda f: f(parsed, actors, cfg))
        stance = self._stage(
            "stance",
            doc,
            StanceLayer(actors=actors.actors),
            run,
            lambda f: f(parsed, actors, claims, cfg),
        )
        framing = self._stage(
            "framing", doc, FramingLayer(), run, lambda f: f(parsed, actors, claims, cfg)
        )
        persuasion = self._stage(
            "persuasion", doc, PersuasionLayer(), run, lambda f: f(parsed, cfg)
        )

        features: dict[str, Any] = {}
        features.update(dict(framing.features))
        features.update(dict(persuasion.features))
        framing_tags = tuple(claims.tags) + tuple(framing.tags)
        framing_tags = tuple(sorted(framing_tags, key=lambda t: (t.start, t.end, t.kind)))
        return Analysis(
            document=doc,
            actor_records=tuple(stance.actors or actors.actors),
            mention_records=_localize(actors.mentions, parsed),
            stance_records=_localize(stance.evidence, parsed),
            relation_records=_localize(actors.relations, parsed),
            claim_records=_localize(claims.claims, parsed),
            advocacy_records=_localize(framing.advocacy, parsed),
            framing_records=_localize(framing_tags, parsed),
            technique_records=_localize(persuasion.techniques, parsed),
            frame_records=tuple(persuasion.frames),
            feature_items=tuple(sorted(features.items())),
            pipeline=self.pipeline,
            version=__version__,
        )

    def _stage(
        self,
        name: str,
        doc: Document,
        empty: Any,
        run: set[str],
        call: Callable[[Callable[..., Any]], Any],
    ) -> Any:
        if name not in run:
            return empty
        func = _stage_function(name)
        try:
            return call(func)
        except (TypeError, InputError):
            raise
        except Exception as exc:
            raise StageError(name, doc.doc_id, exc) from exc

    # ------------------------------------------------------------------ many documents
    def analyze_corpus(
        self,
        source: Any,
        n_process: int | None = None,
        batch_size: int = 16,
        engine: str = "local",
        progress: bool = True,
        **kwargs: Any,
    ) -> Corpus:
        """Analyse many documents (see :func:`stancekit.analyze_corpus`)."""
        from .corpus import Corpus

        return Corpus(
            self,
            source,
            n_process=n_process,
            batch_size=batch_size,
            engine=engine,
            progress=progress,
            **kwargs,
        )

    def target_stance(self, sentence: str, spans: list[tuple[int, int]]) -> list[TargetStance]:
        """Stance toward given character spans of a sentence (see :func:`stancekit.target_stance`)."""
        sentence = coerce_text(sentence, "sentence")
        # lone surrogates crash the tokenizer; U+FFFD keeps the length, so spans still fit
        sentence = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in sentence)
        from .stance import target_stance as _ts

        return list(_ts(sentence, spans, nlp=self.nlp))


_STAGE_FUNCS = {
    "actors": ("actors", "extract_actors"),
    "claims": ("claims", "extract_claims"),
    "stance": ("stance", "assess_stance"),
    "framing": ("framing", "extract_framing"),
    "persuasion": ("persuasion", "detect_persuasion"),
}
assert tuple(_STAGE_FUNCS) == STAGES


def _stage_function(name: str) -> Callable[..., Any]:
    module, func = _STAGE_FUNCS[name]
    return getattr(importlib.import_module(f".{module}", __package__), func)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- module-level API
_DEFAULT: dict[None, Analyzer] = {}
_DEFAULT_LOCK = threading.Lock()


def _analyzer(config: AnalysisConfig | None) -> Analyzer:
    """The shared default Analyzer, or a new one for an explicit config (the pipeline,
    knowledge base and models are cached per process either way)."""
    if config is None:
        with _DEFAULT_LOCK:
            an = _DEFAULT.get(None)
            if an is None:
                an = _DEFAULT[None] = Analyzer()
            return an
    return Analyzer(config)


def analyze(text: Any, title: str | None = None, config: AnalysisConfig | None = None) -> Analysis:
    """Analyse one text: actors, claims, stance, framing and persuasion.

    Parameters
    ----------
    text:
        Plain text, a raw page capture (furniture is removed), or HTML (detected).
    title:
        The headline, when it is not part of ``text``.
    config:
        An :class:`AnalysisConfig`.

    Examples
    --------
    >>> import stancekit
    >>> a = stancekit.analyze("Hezbollah cannot be allowed to rebuild its arsenal.")  # doctest: +SKIP
    >>> a.advocacy[["form", "target"]]  # doctest: +SKIP
    """
    return _analyzer(config).analyze(text, title)


def analyze_corpus(
    source: Any,
    n_process: int | None = None,
    batch_size: int = 16,
    engine: str = "local",
    progress: bool = True,
    config: AnalysisConfig | None = None,
    **kwargs: Any,
) -> Corpus:
    """Analyse many documents, streaming; see :class:`stancekit.corpus.Corpus`.

    ``source`` is anything :func:`stancekit.load` takes (paths, folders, a
    DataFrame), an iterable of Documents, or an iterable of strings.
    """
    return _analyzer(config).analyze_corpus(
        source,
        n_process=n_process,
        batch_size=batch_size,
        engine=engine,
        progress=progress,
        **kwargs,
    )


def target_stance(
    sentence: str, spans: list[tuple[int, int]], config: AnalysisConfig | None = None
) -> list[TargetStance]:
    """Stance toward given target spans (character offsets) in a sentence.

    Examples
    --------
    >>> import stancekit
    >>> s = "The Kremlin is not a reliable partner, and never was."
    >>> stancekit.target_stance(s, [(0, 11)])[0].label  # doctest: +SKIP
    'against'
    """
    return _analyzer(config).target_stance(sentence, spans)
