"""Frozen, typed result records and the :class:`Analysis` that bundles them.

Every record holds plain Python values (``str``, ``int``, ``float``, ``bool``,
tuples of those): never spaCy objects. Character offsets (``start``, ``end``)
index into ``Analysis.document.text`` (the cleaned body) or, when ``in_title``
is true, into ``Analysis.document.title``.

Stages return *layers* (:class:`ActorLayer`, :class:`ClaimLayer`, ...) whose
offsets index into the parsed text (title, a blank line, then the body); the
API maps them to body/title coordinates before it builds the
:class:`Analysis`.

The table schema of each record type is declared once here (``TABLES``), so
an empty table still has its documented columns and dtypes.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, get_args, get_origin, get_type_hints

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ACTOR_TYPES",
    "ADVOCACY_FORMS",
    "CERTAINTY_LEVELS",
    "CLAIM_KINDS",
    "FRAMES",
    "GENRES",
    "STANCE_LABELS",
    "TABLES",
    "TECHNIQUES",
    "Actor",
    "ActorLayer",
    "AdvocacyCall",
    "Analysis",
    "Claim",
    "ClaimLayer",
    "Document",
    "Dropped",
    "FrameScore",
    "FramingLayer",
    "FramingTag",
    "Mention",
    "PersuasionLayer",
    "Relation",
    "StanceEvidence",
    "StanceLayer",
    "TargetStance",
    "Technique",
]

# --------------------------------------------------------------------------- vocabularies
ACTOR_TYPES = (
    "PERSON",
    "STATE",
    "STATE_BODY",
    "ARMED_GROUP",
    "PARTY",
    "IGO",
    "MEDIA",
    "ORG",
    "GROUP",
)
STANCE_LABELS = ("against", "neutral", "favor")
CLAIM_KINDS = ("factual", "statistical", "causal", "predictive", "evaluative", "normative")
CERTAINTY_LEVELS = ("hedged", "plain", "certain")
ADVOCACY_FORMS = (
    "modal",
    "only-way",
    "imperative",
    "call-on",
    "it-is-time",
    "negated-permission",
    "other",
)
GENRES = ("opinion", "reporting", "satire")
TECHNIQUES = (
    "Appeal_to_Authority",
    "Appeal_to_Fear-Prejudice",
    "Appeal_to_Hypocrisy",
    "Appeal_to_Popularity",
    "Appeal_to_Time",
    "Appeal_to_Values",
    "Causal_Oversimplification",
    "Consequential_Oversimplification",
    "Conversation_Killer",
    "Doubt",
    "Exaggeration-Minimisation",
    "False_Dilemma-No_Choice",
    "Flag_Waving",
    "Guilt_by_Association",
    "Loaded_Language",
    "Name_Calling-Labeling",
    "Obfuscation-Vagueness-Confusion",
    "Questioning_the_Reputation",
    "Red_Herring",
    "Repetition",
    "Slogans",
    "Straw_Man",
    "Whataboutism",
)
FRAMES = (
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
)


# --------------------------------------------------------------------------- helpers
R = TypeVar("R", bound="Record")


def _clean(value: Any) -> Any:
    """Make a value JSON-friendly and deterministic (tuples -> lists, NaN -> None)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, tuple | list):
        return [_clean(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.to_dict()  # type: ignore[attr-defined]
    return value


def _coerce(tp: Any, value: Any) -> Any:
    """Rebuild a field value from JSON according to its annotation."""
    if value is None:
        return None
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is tuple:
        inner = args[0] if args else Any
        return tuple(_coerce(inner, v) for v in value)
    if args and type(None) in args:  # Optional[X] / X | None
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return _coerce(rest[0], value)
        return value
    if isinstance(tp, type) and issubclass(tp, Record):
        return tp.from_dict(value)
    if tp is float and isinstance(value, int | float):
        return float(value)
    return value


class Record:
    """Mixin: JSON round-trip for the frozen dataclasses below."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _clean(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[R], data: Mapping[str, Any]) -> R:
        hints = get_type_hints(cls)
        kwargs = {}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                kwargs[f.name] = _coerce(hints[f.name], data[f.name])
        return cls(**kwargs)


# --------------------------------------------------------------------------- documents
@dataclass(frozen=True)
class Dropped(Record):
    """A segment removed from the raw input, with the reason (menu, teaser, comments ...)."""

    text: str
    reason: str
    start: int = -1  # offsets into the raw input, -1 when unknown
    end: int = -1


@dataclass(frozen=True)
class Document(Record):
    """One input text after loading: cleaned body plus metadata."""

    text: str
    doc_id: str = ""
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or None
    source: str | None = None
    url: str | None = None
    dropped: tuple[Dropped, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. "decoded as cp1252", "language looks like ar"
    path: str | None = None
    meta: tuple[tuple[str, str], ...] = ()  # extra metadata columns, as (key, value) pairs


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Mention(Record):
    mention_id: int
    actor_id: str
    text: str
    start: int
    end: int
    sentence_id: int
    in_title: bool = False
    method: str = (
        "ner"  # ner, kb, alias, acronym, surname, pronoun, demonym, capital, descriptor ...
    )


@dataclass(frozen=True)
class Actor(Record):
    actor_id: str
    name: str
    type: str
    n_mentions: int = 0
    salience: float = 0.0
    stance: str = "neutral"
    stance_score: float = 0.0
    confidence: float = 0.0
    aliases: tuple[str, ...] = ()
    kb_id: str | None = None
    role: str | None = None
    country: str | None = None
    sponsor: str | None = None  # actor_id of a sponsor, when known
    in_title: bool = False


@dataclass(frozen=True)
class StanceEvidence(Record):
    actor_id: str
    holder: str  # "author" or the canonical name of the speaking actor
    label: str
    score: float
    start: int
    end: int
    cue: str
    method: str
    weight: float = 1.0
    sentence_id: int = -1
    in_title: bool = False


@dataclass(frozen=True)
class Relation(Record):
    source: str  # canonical name
    kind: str  # sponsor, member_of, ally, opposes, based_in ...
    target: str  # canonical name
    start: int
    end: int
    cue: str
    source_id: str = ""
    target_id: str = ""
    sentence_id: int = -1
    in_title: bool = False
    method: str = "rule"


@dataclass(frozen=True)
class Claim(Record):
    sentence_id: int
    start: int
    end: int
    text: str
    in_title: bool = False
    is_claim: bool = False
    claim_score: float = 0.0
    kind: str | None = None
    certainty: str = "plain"
    cues: tuple[str, ...] = ()
    attributed_to: str | None = None
    is_question: bool = False
    attribution_cue: str | None = None
    endorsement: str | None = None  # endorsed, disputed, neutral (for attributed content)
    method: str = ""


@dataclass(frozen=True)
class AdvocacyCall(Record):
    sentence_id: int
    start: int
    end: int
    text: str
    in_title: bool = False
    form: str = "other"
    speaker: str = "author"
    addressee: str | None = None
    action: str | None = None
    target: str | None = None
    cue: str = ""
    method: str = "rule"


@dataclass(frozen=True)
class FramingTag(Record):
    kind: str
    text: str
    start: int
    end: int
    sentence_id: int
    cue: str = ""
    method: str = "rule"
    score: float = 1.0
    in_title: bool = False
    actor: str | None = None  # an actor the tag is about (threat source, out-group ...)


@dataclass(frozen=True)
class Technique(Record):
    technique: str
    start: int
    end: int
    sentence_id: int
    score: float
    method: str
    in_title: bool = False


@dataclass(frozen=True)
class FrameScore(Record):
    frame: str
    score: float
    present: bool
    method: str = "model"


@dataclass(frozen=True)
class TargetStance(Record):
    """Stance toward one target span of a sentence (see ``stancekit.target_stance``)."""

    label: str
    score: float
    confidence: float
    evidence: tuple[str, ...] = ()
    start: int = -1
    end: int = -1
    method: str = "model"


# --------------------------------------------------------------------------- stage layers
@dataclass(frozen=True)
class ActorLayer(Record):
    mentions: tuple[Mention, ...] = ()
    actors: tuple[Actor, ...] = ()
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True)
class ClaimLayer(Record):
    claims: tuple[Claim, ...] = ()
    tags: tuple[FramingTag, ...] = ()  # hedge, certainty, attribution (quotes) tags


@dataclass(frozen=True)
class StanceLayer(Record):
    actors: tuple[Actor, ...] = ()  # the actors of the ActorLayer with stance filled in
    evidence: tuple[StanceEvidence, ...] = ()


@dataclass(frozen=True)
class FramingLayer(Record):
    advocacy: tuple[AdvocacyCall, ...] = ()
    tags: tuple[FramingTag, ...] = ()
    features: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class PersuasionLayer(Record):
    techniques: tuple[Technique, ...] = ()
    frames: tuple[FrameScore, ...] = ()
    features: tuple[tuple[str, Any], ...] = ()


# --------------------------------------------------------------------------- tables
# column name -> pandas dtype. "object" columns hold str/None or lists.
TABLES: dict[str, dict[str, str]] = {
    "actors": {
        "actor_id": "object",
        "name": "object",
        "type": "object",
        "n_mentions": "int64",
        "salience": "float64",
        "stance": "object",
        "stance_score": "float64",
        "confidence": "float64",
        "aliases": "object",
        "kb_id": "object",
        "role": "object",
        "country": "object",
        "sponsor": "object",
        "in_title": "bool",
    },
    "mentions": {
        "mention_id": "int64",
        "actor_id": "object",
        "text": "object",
        "start": "int64",
        "end": "int64",
        "sentence_id": "int64",
        "in_title": "bool",
        "method": "object",
    },
    "stances": {
        "actor_id": "object",
        "holder": "object",
        "label": "object",
        "score": "float64",
        "start": "int64",
        "end": "int64",
        "cue": "object",
        "method": "object",
        "weight": "float64",
        "sentence_id": "int64",
        "in_title": "bool",
    },
    "relations": {
        "source": "object",
        "kind": "object",
        "target": "object",
        "start": "int64",
        "end": "int64",
        "cue": "object",
        "source_id": "object",
        "target_id": "object",
        "sentence_id": "int64",
        "in_title": "bool",
        "method": "object",
    },
    "claims": {
        "sentence_id": "int64",
        "start": "int64",
        "end": "int64",
        "text": "object",
        "in_title": "bool",
        "is_claim": "bool",
        "claim_score": "float64",
        "kind": "object",
        "certainty": "object",
        "cues": "object",
        "attributed_to": "object",
        "is_question": "bool",
        "attribution_cue": "object",
        "endorsement": "object",
        "method": "object",
    },
    "advocacy": {
        "sentence_id": "int64",
        "start": "int64",
        "end": "int64",
        "text": "object",
        "in_title": "bool",
        "form": "object",
        "speaker": "object",
        "addressee": "object",
        "action": "object",
        "target": "object",
        "cue": "object",
        "method": "object",
    },
    "framing": {
        "kind": "object",
        "text": "object",
        "start": "int64",
        "end": "int64",
        "sentence_id": "int64",
        "cue": "object",
        "method": "object",
        "score": "float64",
        "in_title": "bool",
        "actor": "object",
    },
    "techniques": {
        "technique": "object",
        "start": "int64",
        "end": "int64",
        "sentence_id": "int64",
        "score": "float64",
        "method": "object",
        "in_title": "bool",
    },
    "frames": {"frame": "object", "score": "float64", "present": "bool", "method": "object"},
}

RECORD_TYPES: dict[str, type[Record]] = {
    "actors": Actor,
    "mentions": Mention,
    "stances": StanceEvidence,
    "relations": Relation,
    "claims": Claim,
    "advocacy": AdvocacyCall,
    "framing": FramingTag,
    "techniques": Technique,
    "frames": FrameScore,
}


def records_to_frame(records: tuple[Record, ...] | list[Record], table: str) -> pd.DataFrame:
    """Build the documented DataFrame of ``table`` from records (empty tables keep columns)."""
    import pandas as pd

    schema = TABLES[table]
    rows = [
        {name: (list(v) if isinstance(v := getattr(r, name), tuple) else v) for name in schema}
        for r in records
    ]
    if not rows:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in schema.items()})
    df = pd.DataFrame(rows, columns=list(schema))
    for col, dtype in schema.items():
        if dtype != "object":
            df[col] = df[col].astype(dtype)
        else:
            df[col] = df[col].astype(object)
    return df


# --------------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class Analysis(Record):
    """The full result of analysing one document.

    Tables are built on access as pandas DataFrames with the columns of the
    public contract; the underlying records are kept as tuples (``records``).

    Examples
    --------
    >>> import stancekit
    >>> a = stancekit.analyze("Iran must stop arming the militias.")  # doctest: +SKIP
    >>> a.actors[["name", "type", "stance"]]  # doctest: +SKIP
    """

    document: Document
    actor_records: tuple[Actor, ...] = ()
    mention_records: tuple[Mention, ...] = ()
    stance_records: tuple[StanceEvidence, ...] = ()
    relation_records: tuple[Relation, ...] = ()
    claim_records: tuple[Claim, ...] = ()
    advocacy_records: tuple[AdvocacyCall, ...] = ()
    framing_records: tuple[FramingTag, ...] = ()
    technique_records: tuple[Technique, ...] = ()
    frame_records: tuple[FrameScore, ...] = ()
    feature_items: tuple[tuple[str, Any], ...] = ()
    pipeline: str = ""  # the spaCy pipeline that parsed the text, name-version
    version: str = ""  # stancekit version
    _tables: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    TABLE_FIELDS: ClassVar[dict[str, str]] = {
        "actors": "actor_records",
        "mentions": "mention_records",
        "stances": "stance_records",
        "relations": "relation_records",
        "claims": "claim_records",
        "advocacy": "advocacy_records",
        "framing": "framing_records",
        "techniques": "technique_records",
        "frames": "frame_records",
    }

    def table(self, name: str) -> pd.DataFrame:
        """Return the table ``name`` (one of ``TABLES``) as a fresh DataFrame."""
        if name not in self.TABLE_FIELDS:
            from .errors import StancekitValueError

            raise StancekitValueError(
                f"unknown table {name!r}; valid tables: {', '.join(self.TABLE_FIELDS)}"
            )
        cached = self._tables.get(name)
        if cached is None:
            cached = records_to_frame(getattr(self, self.TABLE_FIELDS[name]), name)
            self._tables[name] = cached
        return cached.copy()

    @property
    def actors(self) -> pd.DataFrame:
        return self.table("actors")

    @property
    def mentions(self) -> pd.DataFrame:
        return self.table("mentions")

    @property
    def stances(self) -> pd.DataFrame:
        return self.table("stances")

    @property
    def relations(self) -> pd.DataFrame:
        return self.table("relations")

    @property
    def claims(self) -> pd.DataFrame:
        return self.table("claims")

    @property
    def advocacy(self) -> pd.DataFrame:
        return self.table("advocacy")

    @property
    def framing(self) -> pd.DataFrame:
        return self.table("framing")

    @property
    def techniques(self) -> pd.DataFrame:
        return self.table("techniques")

    @property
    def frames(self) -> pd.DataFrame:
        return self.table("frames")

    @property
    def features(self) -> pd.Series:
        import pandas as pd

        return pd.Series(dict(self.feature_items), dtype=object, name=self.document.doc_id or None)

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version, "pipeline": self.pipeline}
        out["document"] = self.document.to_dict()
        for table, attr in self.TABLE_FIELDS.items():
            out[table] = [r.to_dict() for r in getattr(self, attr)]
        out["features"] = {k: _clean(v) for k, v in self.feature_items}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Analysis:
        kwargs: dict[str, Any] = {
            "document": Document.from_dict(data["document"]),
            "pipeline": data.get("pipeline", ""),
            "version": data.get("version", ""),
        }
        for table, attr in cls.TABLE_FIELDS.items():
            rtype = RECORD_TYPES[table]
            kwargs[attr] = tuple(rtype.from_dict(r) for r in data.get(table, ()))
        kwargs["feature_items"] = tuple((str(k), v) for k, v in data.get("features", {}).items())
        return cls(**kwargs)

    def to_json(self, indent: int | None = None) -> str:
        """Deterministic JSON (sorted keys, no NaN)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=indent)

    def _repr_html_(self) -> str:
        from .report import render_analysis_html

        return render_analysis_html(self)

    def __repr__(self) -> str:
        d = self.document
        return (
            f"Analysis(doc_id={d.doc_id!r}, title={d.title!r}, chars={len(d.text)}, "
            f"actors={len(self.actor_records)}, claims={len(self.claim_records)}, "
            f"advocacy={len(self.advocacy_records)}, framing={len(self.framing_records)})"
        )
