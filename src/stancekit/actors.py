"""Actors: who a text is about, typed, linked to one canonical actor each, and related.

:func:`extract_actors` turns a :class:`~stancekit.nlp.Parsed` document into an
:class:`~stancekit.types.ActorLayer` (mentions, actors, relations). Every step is a
transparent rule, and every mention records the rule that linked it (``method``):

``kb`` / ``alias`` / ``acronym`` / ``descriptor`` / ``capital``
    a name, alias, acronym, descriptive or pejorative reference ("the mullahs",
    "the regime in Tehran") or capital used as a metonym ("Tehran", "the Kremlin")
    found in the actor knowledge base (:class:`ActorKB`). Matching is on
    case-folded word tokens, but the case of the text must agree with the case of
    the alias (so "iran" or "us" never match), except in shouted (ALL-CAPS) text.
    A US state capital that acts stands for the state's government ("Austin has
    bused migrants" -> Texas; cue table ``state_capitals``).
``ner``
    an entity of the spaCy model that is not in the knowledge base, typed by its
    label, cue words in its name and titles before it (:func:`type_entity`).
    Shouted headline words ("SHOULD", "REPORTS") are rejected. A region (LOC) is an
    actor where it acts or suffers ("the Arctic is warming", "drought in the Sahel"),
    not where it only says where ("in Asia") or qualifies a thing ("Arctic sea ice");
    policy instruments ("the Carbon Border Adjustment Mechanism"), storms ("Superstorm
    Sandy", then "Sandy"), days observed ("Armed Forces Day"), rites and sky phenomena
    ("Holy Communion", "the Geminids"; cue table ``not_actor_names``), photo credits
    ("(Photo: Kevin Lamarque/Reuters)", "Photo: Getty Images") and one capitalised word
    the text also writes in lower case ("Weather is ...") are no actors. Words the model
    ran into a name are cut ("Loomer Tweeted", "shot BEFORE Paddock", "Navy Vice|
    Admiral"); an epithet before a known given name leaves the person ("Chill Greta").
    Title-case headline words after a title are no person ("Judge | Halts Pipeline Work
    After Tribe Sues"; "Judge Jackson", "Judge Amy Berman Jackson" stay persons).
``surname`` / ``given_name`` / ``short`` / ``acronym``
    a short form of a person ("Sistani" after "Ali al-Sistani", a headline's "Sanders"
    before "Sen. Bernie Sanders", "Bernie", also where the model gave the word no label)
    or of an organisation ("the Commission" after "the European Commission", "the
    agency" after "the Environmental Protection Agency", "the Coastal Commission" after
    "the California Coastal Commission"), or an acronym introduced in the text
    ("Popular Mobilization Forces (PMF)"). An acronym the text itself expands, in
    brackets either way or anywhere in the text ("JVP (Jewish Voice for Peace)", "Jewish
    Voice for Peace ... JVP"), follows that expansion over the knowledge-base actor of
    the acronym (the Sri Lankan JVP), unless the expansion is that actor's own name.
``titled_name`` / ``name_cue``
    proper-noun runs the model left unlabelled: after a title ("Cardinal McCarrick"),
    or ending in a word that names a kind of body ("Capitol Police").
``demonym``
    a demonym modifying a state-like head ("Iranian influence" -> Iran); before a
    title or a name it is only a modifier ("Iraqi Grand Ayatollah Ali al-Sistani").
``cue``
    an unnamed actor built from a demonym and a head: a state body ("the Iraqi
    army", "the Iranian foreign ministry"), a people ("Iraqis", "Iranian
    protesters"), or a collective armed actor ("Iran-backed militias", "Iran's
    proxies", "Iranian militias") with a sponsor.
``title``
    a title nominal ("the chancellor") linked to the nearest earlier person whose
    role holds that title.
``collective``
    an unnamed collective actor from a plural head and its modifiers ("climate
    activists", "oil companies", "Tangier residents", "EPA officials", "West Coast
    states"), typed by the head (cue table ``collective_nouns``); a bare head links
    to the earlier phrase with that head ("the groups"); an industry named by what it
    sells where a substance cannot be ("the war on coal", "funding for fracking";
    ``industry_metonyms``); a power bloc ("the military-industrial complex"; ``bloc_heads``).
``name_cue``
    also a numbered region of an agency ("EPA Region 5", then "Region 5"): a STATE_BODY.
``salient_state``
    bare "the government" or "the administration" linked to the state the text
    mentions at least twice as often as any other (none on a closer race).
``speaker``
    a one-word name the model left unlabelled (or the rules let go) that is the subject
    of a verb of speaking or writing ("Masipa said", "Chaffetz wrote"): a PERSON. Also a
    transcript's shouted label at the start of a line ("BANNON: No, I think ..."), when
    it is no common word or the text names the person in title case.
``person_cue``
    a one-word name the model left unlabelled that its sentence treats as a person: the
    object of a verb whose object is a person ("shot Steenkamp"), followed by a relative
    "who" ("Chaffetz, who criticized"), or a subject with a personal pronoun later in the
    sentence ("Donnelly was criticized after ... he profited"; cue table ``person_context``).
``agent``
    a capitalised run the model left unlabelled that is the subject of a verb (see
    ``_acting_names``), or a one-word name coordinated with a linked person or
    organisation ("to join Heitkamp and Manchin"). A sentence-opening word counts when
    the text also writes it mid-sentence or when it is no common word (not in the
    lemmatizer's WordNet index: "Hagel didn't succeed"; "Irony dominates" is no name).
``state_title``
    a US state's name before one of its own offices ("Washington Gov. Jay Inslee",
    "Georgia Attorney General Chris Carr"; cue table ``state_level_titles``): the
    state, not the knowledge-base actor of that name (the United States, whose capital
    "Washington" is, or the country Georgia).
``dateline``
    a US state after the place of a dateline ("SACRAMENTO, Calif. — ", "EL PASO,
    Texas — "; cue table ``dateline_states``): the state. The place itself is where the
    story was filed, no actor.
``pronoun``
    he/she/they/it and their forms, linked to a compatible earlier mention in the
    same sentence, else to the subject of the previous sentence (see
    :func:`_resolve_pronouns` for the rule).

Relations (sponsor, member_of, based_in, ally, opposes) come from patterns
("X-backed Y", "Y, armed and financed by X", "X's proxies like Y", "Y, a faction of
X", "Y in X", "anti-X voices ... like Y") and from subject-verb-object triples.

Examples
--------
>>> from stancekit.nlp import get_nlp, parse  # doctest: +SKIP
>>> layer = extract_actors(parse(None, "Macron met Scholz. He pressed the chancellor.", get_nlp()))  # doctest: +SKIP
>>> [(m.text, m.actor_id, m.method) for m in layer.mentions]  # doctest: +SKIP
[('Macron', 'emmanuel-macron', 'alias'), ('Scholz', 'olaf-scholz', 'alias'),
 ('He', 'emmanuel-macron', 'pronoun'), ('the chancellor', 'olaf-scholz', 'title')]
"""

from __future__ import annotations

import bisect
import csv
import itertools
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import AnalysisConfig
from .errors import LoadError, ResourceError, StancekitValueError
from .resources import read_json, read_jsonl
from .types import ACTOR_TYPES, Actor, ActorLayer, Mention, Relation

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

    from .nlp import Parsed

__all__ = [
    "ActorKB",
    "KBEntry",
    "alias_key",
    "extract_actors",
    "load_kb",
    "slugify",
    "type_entity",
    "word_tokens",
]

KB_RESOURCE = "actors.jsonl"
CUES_RESOURCE = "actor_cues.json"
ALIAS_KINDS = ("name", "alias", "acronym", "descriptor", "capital", "demonym", "plural")
_KIND_RANK = {k: i for i, k in enumerate(ALIAS_KINDS)}
_METHOD_OF_KIND = {
    "name": "kb",
    "alias": "alias",
    "acronym": "acronym",
    "descriptor": "descriptor",
    "capital": "capital",
    "demonym": "demonym",
    "plural": "demonym",
}
_SOURCE_RANK = {"user": 0, "curated": 1, "countries": 2, "ucdp": 3, "phoenix": 4}

# --------------------------------------------------------------------------- tokens
_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'"})
_HYPHENS = frozenset("-‐‑‒–—")
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’‘`ʼ][^\W_]+)*['’]?|\S", re.UNICODE)


def _fold(s: str) -> str:
    """Case-fold, strip accents and normalise apostrophes."""
    if s.isascii():
        return s.lower()
    s = unicodedata.normalize("NFKD", s.translate(_APOS))
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def word_tokens(text: str) -> list[tuple[str, int, int]]:
    """Normalised word tokens of ``text`` as ``(key, start, end)``.

    Hyphens are dropped ("Iran-backed" -> iran, backed), a possessive "'s" is split
    off, inner apostrophes vanish ("Asa'ib" -> asaib); keys are case-folded and
    accent-free. Aliases and texts go through the same function, so they agree.

    >>> [k for k, _, _ in word_tokens("Iran’s Asa'ib Ahl al-Haq")]
    ['iran', "'s", 'asaib', 'ahl', 'al', 'haq']
    """
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        if raw in _HYPHENS:
            continue
        s, e = m.span()
        key = _fold(raw)
        if len(key) > 2 and key.endswith("'s"):
            out.append((key[:-2].replace("'", ""), s, e - 2))
            out.append(("'s", e - 2, e))
        elif len(key) > 1 and key.endswith("'") and key[-2].isalpha():
            out.append((key[:-1].replace("'", ""), s, e - 1))
            out.append(("'", e - 1, e))
        elif len(key) > 1 and "'" in key:
            out.append((key.replace("'", ""), s, e))
        else:
            out.append((key, s, e))
    return out


def alias_key(alias: str) -> tuple[str, ...]:
    """The lookup key of an alias (see :func:`word_tokens`)."""
    return tuple(k for k, _, _ in word_tokens(alias))


def slugify(name: str) -> str:
    """A deterministic id from a name: ``"Iran-backed militias"`` -> ``"iran-backed-militias"``."""
    s = _fold(name)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "actor"


# --------------------------------------------------------------------------- knowledge base
@dataclass(frozen=True)
class KBEntry:
    """One actor of the knowledge base (a line of ``actors.jsonl``)."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    descriptors: tuple[str, ...] = ()
    country: str | None = None
    role: str | None = None
    sponsor: str | None = None
    member_of: str | None = None
    source: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, Any], *, where: str = "actor row") -> KBEntry:
        """Build an entry from a dict (JSONL line, CSV row, DataFrame record)."""
        name = _as_str(row.get("name"))
        if not name:
            raise StancekitValueError(
                f"{where}: an actor needs a non-empty 'name' (got {dict(row)!r})"
            )
        typ = (_as_str(row.get("type")) or "").upper()
        if typ not in ACTOR_TYPES:
            raise StancekitValueError(
                f"{where}: actor {name!r} has type {row.get('type')!r}; valid types: "
                f"{', '.join(ACTOR_TYPES)}"
            )
        kwargs: dict[str, Any] = {
            "id": _as_str(row.get("id")) or slugify(name),
            "name": name,
            "type": typ,
        }
        for f in ("aliases", "acronyms", "demonyms", "capitals", "descriptors"):
            kwargs[f] = _as_list(row.get(f))
        for f in ("country", "role", "sponsor", "member_of", "source"):
            v = _as_str(row.get(f))
            if v:
                kwargs[f] = v
        return cls(**kwargs)

    def to_row(self) -> dict[str, Any]:
        return {
            f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
            for f in fields(self)
        }


def _as_str(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v != v:  # NaN from pandas
        return None
    s = str(v).strip()
    return s or None


def _as_list(v: Any) -> tuple[str, ...]:
    if v is None or (isinstance(v, float) and v != v):
        return ()
    if isinstance(v, str):
        s = v.strip()
        if not s:
            return ()
        if s.startswith("["):
            try:
                return tuple(str(x).strip() for x in json.loads(s) if str(x).strip())
            except json.JSONDecodeError:
                pass
        return tuple(p.strip() for p in re.split(r"[;|]", s) if p.strip())
    return tuple(str(x).strip() for x in v if x is not None and str(x).strip())


@dataclass(frozen=True)
class _Alias:
    rank: tuple[int, int, int]  # (source rank, kind rank, order) - lower wins
    entry: str
    kind: str
    raw: tuple[str, ...]  # the alias's own tokens (original case)
    the_flag: bool  # the alias was written "the X"


_END = "\x00"


class ActorKB:
    """The actor knowledge base: entries plus a token trie over all their aliases.

    Build it with :func:`load_kb`; entries are :class:`KBEntry`. The trie is built
    once per knowledge base (lazily, thread-safely).
    """

    def __init__(self, entries: Iterable[KBEntry]) -> None:
        self.entries: dict[str, KBEntry] = {}
        for e in entries:
            self.entries[e.id] = e
        self._lock = threading.Lock()
        self._trie: dict[str, Any] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self.entries

    def get(self, actor_id: str | None) -> KBEntry | None:
        return self.entries.get(actor_id) if actor_id else None

    def __repr__(self) -> str:
        return f"ActorKB({len(self.entries)} actors)"

    @property
    def trie(self) -> dict[str, Any]:
        if self._trie is None:
            with self._lock:
                if self._trie is None:
                    self._trie = self._build_trie()
        return self._trie

    def _build_trie(self) -> dict[str, Any]:
        root: dict[str, Any] = {}
        order = 0
        for e in self.entries.values():
            src = _SOURCE_RANK.get(e.source.split(":")[0].split(" ")[0], 3) if e.source else 1
            forms: list[tuple[str, str]] = [("name", e.name)]
            forms += [("alias", a) for a in e.aliases]
            forms += [("acronym", a) for a in e.acronyms]
            forms += [("descriptor", a) for a in e.descriptors]
            if e.type == "STATE":
                forms += [("capital", a) for a in e.capitals]
                forms += [("demonym", a) for a in e.demonyms]
                forms += [("plural", p) for d in e.demonyms if (p := _plural_demonym(d))]
            else:
                forms += [("descriptor", a) for a in e.capitals]
                # adjectives of parties and the like: "Republican opposition"
                forms += [("demonym", a) for a in e.demonyms]
            for kind, form in forms:
                the_flag = False
                text = form.strip()
                if text.startswith("the ") and len(text) > 4:
                    text, the_flag = text[4:], True
                toks = word_tokens(text)
                if not toks:
                    continue
                key = tuple(k for k, _, _ in toks)
                raw = tuple(text[s:t] for _, s, t in toks)
                node = root
                for k in key:
                    node = node.setdefault(k, {})
                order += 1
                node.setdefault(_END, []).append(
                    _Alias((src, _KIND_RANK[kind], order), e.id, kind, raw, the_flag)
                )
        for node in _walk(root):
            if _END in node:
                node[_END].sort(key=lambda a: a.rank)
        return root


def _np_head(tok: Token) -> Token:
    """The head of the noun phrase a token modifies ("PMF" in "the PMF forces" -> "forces")."""
    for _ in range(4):
        if (
            tok.dep_ in ("compound", "amod", "nmod")
            and tok.head.i > tok.i
            and tok.head.pos_ in ("NOUN", "PROPN")
        ):
            tok = tok.head
        else:
            break
    return tok


def _walk(node: dict[str, Any]) -> Iterable[dict[str, Any]]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(v for k, v in n.items() if k != _END)


def _plural_demonym(d: str) -> str | None:
    """ "Iraqi" -> "Iraqis", "American" -> "Americans"; None when English has no -s plural."""
    if not d or " " in d or not d[0].isupper():
        return None
    low = d.lower()
    if low.endswith(("ese", "ss", "sh", "ch", "s", "x", "z")) or low in {
        "british",
        "french",
        "dutch",
        "irish",
        "welsh",
        "swiss",
    }:
        return None
    return d + "s"


_KB_CACHE: dict[Any, tuple[Any, ActorKB]] = {}
_KB_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _packaged_entries() -> tuple[KBEntry, ...]:
    rows = read_jsonl(KB_RESOURCE)
    out = []
    for i, row in enumerate(rows, 1):
        try:
            out.append(KBEntry.from_row(row, where=f"{KB_RESOURCE} line {i}"))
        except StancekitValueError as exc:
            raise ResourceError(
                f"packaged resource {KB_RESOURCE} is corrupt ({exc}); rebuild it with "
                "python scripts/build_kb.py"
            ) from exc
    return tuple(out)


def _user_rows(actors: Any) -> list[dict[str, Any]]:
    """Rows from a path (JSONL/JSON/CSV), a list of dicts, or a DataFrame."""
    if actors is None:
        return []
    if isinstance(actors, str | Path):
        path = Path(actors)
        if not path.exists():
            raise LoadError("actor file not found (AnalysisConfig(actors=...))", str(path))
        suffix = path.suffix.lower()
        text = path.read_text(encoding="utf-8-sig")
        if suffix in (".jsonl", ".ndjson"):
            rows = []
            for i, line in enumerate(text.splitlines(), 1):
                line = line.strip()
                if line and not line.startswith("#"):
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise LoadError(f"line {i} is not JSON: {exc}", str(path)) from exc
            return rows
        if suffix == ".json":
            data = json.loads(text)
            return list(data if isinstance(data, list) else data.get("actors", []))
        if suffix in (".csv", ".tsv"):
            return list(
                csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ",")
            )
        raise LoadError(
            f"unsupported actor file type {suffix!r}; use .jsonl, .json, .csv or .tsv", str(path)
        )
    if hasattr(actors, "to_dict") and hasattr(actors, "columns"):  # a DataFrame
        return list(actors.to_dict(orient="records"))
    if isinstance(actors, Mapping):
        return [dict(actors)]
    if isinstance(actors, Iterable):
        rows = list(actors)
        bad = [r for r in rows if not isinstance(r, Mapping)]
        if bad:
            raise StancekitValueError(
                f"AnalysisConfig(actors=...) list items must be dicts with 'name' and 'type'; got {bad[0]!r}"
            )
        return [dict(r) for r in rows]
    raise StancekitValueError(
        "AnalysisConfig(actors=...) must be a path to a JSONL/JSON/CSV file, a list of dicts "
        f"or a DataFrame; got {type(actors).__name__}"
    )


def load_kb(config: AnalysisConfig | None = None) -> ActorKB:
    """The knowledge base for ``config``: packaged actors, extended or replaced by ``config.actors``.

    Cached per ``config.cache_key()``. User rows override packaged rows with the same
    ``id`` (lists are merged) and win alias conflicts.

    >>> kb = load_kb()  # doctest: +SKIP
    >>> kb.get("IRN").name  # doctest: +SKIP
    'Iran'
    """
    config = config or AnalysisConfig()
    key = ("kb", *config.cache_key())
    with _KB_LOCK:
        hit = _KB_CACHE.get(key)
        if hit is not None and hit[0] is config.actors:
            return hit[1]
    rows = _user_rows(config.actors)
    user = [KBEntry.from_row(r, where=f"user actor {i}") for i, r in enumerate(rows, 1)]
    base: list[KBEntry] = [] if config.replace_actors else list(_packaged_entries())
    by_id = {e.id: e for e in base}
    for u in user:
        u = _replace(u, source=u.source or "user")
        old = by_id.get(u.id)
        if old is not None:
            u = _merge_entries(old, u)
        by_id[u.id] = u
    kb = ActorKB(by_id.values())
    with _KB_LOCK:
        if len(_KB_CACHE) > 16:
            _KB_CACHE.clear()
        _KB_CACHE[key] = (config.actors, kb)
    return kb


def _replace(e: KBEntry, **kw: Any) -> KBEntry:
    return KBEntry(**{**{f.name: getattr(e, f.name) for f in fields(e)}, **kw})


def _merge_entries(old: KBEntry, new: KBEntry) -> KBEntry:
    kw: dict[str, Any] = {}
    for f in fields(old):
        a, b = getattr(old, f.name), getattr(new, f.name)
        if isinstance(a, tuple):
            kw[f.name] = tuple(dict.fromkeys((*b, *a)))
        else:
            kw[f.name] = b if b not in (None, "") else a
    return KBEntry(**kw)


# --------------------------------------------------------------------------- cues
@dataclass(frozen=True)
class _Cues:
    titles: dict[tuple[str, ...], str]
    nominal_titles: tuple[tuple[str, ...], ...]
    state_body_heads: dict[tuple[str, ...], str]
    state_media_heads: frozenset[tuple[str, ...]]
    state_heads: frozenset[str]
    people_heads: frozenset[str]
    collective_heads: dict[tuple[str, ...], str]
    demonym_collective_heads: frozenset[tuple[str, ...]]
    sponsor_participles: frozenset[str]
    member_nouns: frozenset[str]
    ally_nouns: frozenset[str]
    opponent_nouns: frozenset[str]
    verbs_opposes: frozenset[str]
    verbs_ally: frozenset[str]
    verbs_sponsor: frozenset[str]
    locative: frozenset[str]
    particles: frozenset[str]
    type_rules: tuple[tuple[str, frozenset[tuple[str, ...]], bool], ...]
    not_actor_words: frozenset[str]
    place_heads: frozenset[str]
    stop_words: frozenset[str]
    max_title_len: int
    collective_nouns: dict[str, tuple[str, bool]] = field(default_factory=dict)
    collective_skip: frozenset[str] = frozenset()
    not_agent_plurals: frozenset[str] = frozenset()
    resident_heads: frozenset[str] = frozenset()
    demonym_suffixes: tuple[str, ...] = ()
    public_markers: frozenset[tuple[str, ...]] = frozenset()
    public_heads: frozenset[tuple[str, ...]] = frozenset()
    gov_heads: frozenset[str] = frozenset()
    gov_modifiers: frozenset[str] = frozenset()
    role_nouns: frozenset[str] = frozenset()
    place_preps: frozenset[str] = frozenset()
    place_not_after: frozenset[str] = frozenset()
    motion_verbs: frozenset[str] = frozenset()
    short_exclude: frozenset[str] = frozenset()
    event_heads: frozenset[str] = frozenset()
    camp_heads: frozenset[str] = frozenset()
    camp_not_after: frozenset[str] = frozenset()
    camp_modifiers: frozenset[str] = frozenset()
    modified_heads: frozenset[str] = frozenset()
    thing_nouns: frozenset[str] = frozenset()
    organisation_nouns: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()
    not_speakers: frozenset[str] = frozenset()
    not_actor_names: frozenset[tuple[str, ...]] = frozenset()
    newsroom_roles: frozenset[str] = frozenset()
    publication_nouns: frozenset[str] = frozenset()
    media_kinds: frozenset[str] = frozenset()
    company_roles: frozenset[str] = frozenset()
    job_nouns: frozenset[str] = frozenset()
    name_articles: frozenset[str] = frozenset()
    company_heads: frozenset[str] = frozenset()
    company_not_first: frozenset[str] = frozenset()
    region_harm_heads: frozenset[str] = frozenset()
    instrument_heads: frozenset[str] = frozenset()
    storm_words: tuple[tuple[str, ...], ...] = ()
    observance_heads: frozenset[str] = frozenset()
    epithets: frozenset[str] = frozenset()
    capitalised_bodies: frozenset[str] = frozenset()
    bloc_heads: tuple[tuple[str, ...], ...] = ()
    place_part_nouns: frozenset[str] = frozenset()
    at_org_verbs: frozenset[str] = frozenset()
    state_capitals: dict[str, str] = field(default_factory=dict)
    dateline_states: dict[str, str] = field(default_factory=dict)  # "calif" -> "California"
    state_titles: tuple[tuple[str, ...], ...] = ()  # ("lt", "gov"): a US state's own offices
    compass: frozenset[str] = frozenset()
    local_governments: frozenset[str] = frozenset()
    industries: Mapping[str, Any] = field(default_factory=dict)
    agent_suffixes: tuple[str, ...] = ()
    specialist_suffixes: tuple[str, ...] = ()
    where_preps: frozenset[str] = frozenset()
    collective_place_preps: frozenset[str] = frozenset()
    region_skip_words: frozenset[str] = frozenset()
    stance_prefixes: tuple[str, ...] = ()  # "pro-", "anti-" (sponsor_prefix, opposes_prefix)
    person_object_verbs: frozenset[str] = frozenset()  # "shot Steenkamp" (person_context)
    person_possessions: frozenset[str] = frozenset()  # "Lugar's career" (person_context)
    peopled_place_heads: frozenset[str] = frozenset()  # "Silicon Valley is investing"


def _keys(d: Iterable[str]) -> Iterable[tuple[str, ...]]:
    for k in d:
        if not k.startswith("_"):
            yield alias_key(k)


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    try:
        c = read_json(CUES_RESOURCE)
        from spacy.lang.en.stop_words import STOP_WORDS

        titles = {alias_key(k): v for k, v in c["titles"].items() if not k.startswith("_")}
        place_heads = frozenset(c.get("place_heads", ()))
        return _Cues(
            titles=titles,
            nominal_titles=tuple(sorted(_keys(c["nominal_titles"]), key=len, reverse=True)),
            state_body_heads={
                alias_key(k): v for k, v in c["state_body_heads"].items() if not k.startswith("_")
            },
            state_media_heads=frozenset(_keys(c["state_media_heads"])),
            state_heads=frozenset(c["state_heads"]),
            people_heads=frozenset(c["people_heads"]),
            collective_heads={
                alias_key(k): v for k, v in c["collective_heads"].items() if not k.startswith("_")
            },
            demonym_collective_heads=frozenset(_keys(c["demonym_collective_heads"])),
            sponsor_participles=frozenset(c["sponsor_participles"]),
            member_nouns=frozenset(c["member_of_nouns"]),
            ally_nouns=frozenset(c["ally_nouns"]),
            opponent_nouns=frozenset(c["opponent_nouns"]),
            verbs_opposes=frozenset(c["verbs_opposes"]),
            verbs_ally=frozenset(c["verbs_ally"]),
            verbs_sponsor=frozenset(c["verbs_sponsor"]),
            locative=frozenset(c["locative_prepositions"]),
            particles=frozenset(c["name_particles"]),
            type_rules=tuple(
                (t, frozenset(alias_key(w) for w in words), bool(needs_state))
                for t, words, needs_state in (
                    *c["type_rules"]["rules"],
                    ("STATE_BODY", c["local_governments"]["words"], False),
                )
            ),
            local_governments=frozenset(c["local_governments"]["words"]),
            not_actor_words=frozenset(c["not_actor_words"]),
            place_heads=place_heads,
            stop_words=frozenset(STOP_WORDS),
            max_title_len=max(len(k) for k in titles),
            collective_nouns=_collective_nouns(c["collective_nouns"]),
            collective_skip=frozenset(c["collective_skip_modifiers"]),
            not_agent_plurals=frozenset(c["not_agent_plurals"]["words"]),
            resident_heads=frozenset(c["resident_heads"]),
            demonym_suffixes=tuple(c["demonym_suffixes"]),
            public_markers=frozenset(_keys(c["public_markers"]["markers"])),
            public_heads=frozenset(_keys(c["public_markers"]["heads"])),
            gov_heads=frozenset(c["government_nouns"]["heads"]),
            gov_modifiers=frozenset(c["government_nouns"]["modifiers"]),
            role_nouns=frozenset(c["role_nouns"]),
            place_preps=frozenset(c["place_evidence"]["prepositions"]),
            place_not_after=frozenset(c["place_evidence"]["not_after_verbs"]),
            motion_verbs=frozenset(c["place_evidence"]["motion_verbs"]),
            short_exclude=frozenset(c["short_nominal_exclude"]),
            event_heads=frozenset(c["event_heads"]),
            camp_heads=frozenset(c["political_camps"]["heads"]),
            camp_not_after=frozenset(c["political_camps"]["not_after"]),
            camp_modifiers=frozenset(c["political_camps"]["modifiers"]),
            modified_heads=frozenset(c["name_context"]["modified_heads"]) | place_heads,
            thing_nouns=frozenset(c["name_context"]["thing_nouns"]),
            organisation_nouns=frozenset(c["name_context"]["organisation_nouns"]),
            speech_verbs=frozenset(c["speech_verbs"]["verbs"]),
            not_speakers=frozenset(c["speech_verbs"].get("not_speakers", ())),
            person_object_verbs=frozenset(c.get("person_context", {}).get("object_verbs", ())),
            person_possessions=frozenset(c.get("person_context", {}).get("possessions", ())),
            peopled_place_heads=frozenset(c.get("peopled_place_heads", {}).get("heads", ())),
            not_actor_names=frozenset(
                alias_key(n)
                for k, v in c.get("not_actor_names", {}).items()
                if not k.startswith("_")
                for n in v
            ),
            newsroom_roles=frozenset(c["name_context"]["newsroom_roles"]),
            publication_nouns=frozenset(c["name_context"].get("publication_nouns", ())),
            media_kinds=frozenset(c["name_context"].get("media_kinds", ())),
            company_roles=frozenset(c["name_context"].get("company_roles", ())),
            job_nouns=frozenset(c["name_context"].get("job_nouns", ())),
            name_articles=frozenset(c["name_context"].get("name_articles", ())),
            company_heads=frozenset(c.get("company_heads", {}).get("heads", ())),
            company_not_first=frozenset(c.get("company_heads", {}).get("not_first", ())),
            region_harm_heads=frozenset(c["region_harm_heads"]["words"]),
            region_skip_words=frozenset(c["region_harm_heads"]["not_regions"]),
            instrument_heads=frozenset(c["name_context"]["instrument_heads"]),
            place_part_nouns=frozenset(c["name_context"]["place_part_nouns"]),
            observance_heads=frozenset(c["name_context"].get("observance_heads", ())),
            epithets=frozenset(c["name_context"].get("epithets", ())),
            capitalised_bodies=frozenset(c["name_context"].get("capitalised_bodies", ())),
            bloc_heads=tuple(_keys(c.get("bloc_heads", {}).get("heads", ()))),
            storm_words=tuple(
                sorted(_keys(c["name_context"].get("storm_words", ())), key=len, reverse=True)
            ),
            at_org_verbs=frozenset(c["place_evidence"]["at_org_verbs"]),
            compass=frozenset(c["compass_words"]),
            industries={
                "words": {k: v for k, v in c["industry_metonyms"]["words"].items()},
                "harms": frozenset(c["industry_metonyms"]["war_nouns"]),
                "funds": frozenset(c["industry_metonyms"].get("funding_nouns", ())),
                "object_of": frozenset(c["industry_metonyms"]["object_of_verbs"]),
                "subject_of": frozenset(c["industry_metonyms"]["subject_of_verbs"]),
            },
            agent_suffixes=tuple(c["agent_suffixes"]),
            specialist_suffixes=tuple(c["specialist_suffixes"]),
            where_preps=frozenset(c["place_evidence"]["where_prepositions"]),
            collective_place_preps=frozenset(c["place_evidence"]["collective_prepositions"]),
            state_capitals={
                " ".join(alias_key(k)): v
                for k, v in c["state_capitals"].items()
                if not k.startswith("_")
            },
            stance_prefixes=tuple(f"{p}-" for p in (*c["sponsor_prefix"], *c["opposes_prefix"])),
            dateline_states={
                _fold(k).rstrip("."): v
                for k, v in c.get("dateline_states", {}).items()
                if not k.startswith("_")
            },
            state_titles=tuple(
                tuple(w for w in alias_key(t) if w != ".")
                for t in c.get("state_level_titles", {}).get("titles", ())
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ResourceError(f"packaged resource {CUES_RESOURCE} is corrupt: {exc!r}") from exc


def _collective_nouns(c: Mapping[str, Any]) -> dict[str, tuple[str, bool]]:
    """head word -> (actor type, needs a modifier) from the ``collective_nouns`` cue table."""
    needs = set(c.get("needs_modifier", ()))
    out: dict[str, tuple[str, bool]] = {}
    for typ, words in c.items():
        if typ in ACTOR_TYPES:
            for w in words:
                out[w] = (typ, w in needs)
    return out


def type_entity(
    name: str, label: str, *, has_state: bool = False, titled: bool = False
) -> str | None:
    """The actor type of an entity that is not in the knowledge base (None: not an actor).

    ``label`` is the spaCy NER label; ``has_state`` says the name holds a country,
    capital or demonym (so "Iraqi Army" is a STATE_BODY, "Free Army" an
    ARMED_GROUP); ``titled`` says a person title precedes it.

    >>> type_entity("Kataib Sayyid al-Shuhada Brigades", "ORG")
    'ARMED_GROUP'
    >>> type_entity("Russian Defence Ministry", "ORG", has_state=True)
    'STATE_BODY'
    >>> type_entity("Iran Focus", "ORG", has_state=True)
    'ORG'
    >>> type_entity("House Natural Resources Committee", "ORG")
    'STATE_BODY'
    """
    cues = _cues()
    key = alias_key(name)
    grams = {key[i : i + n] for n in (1, 2, 3) for i in range(len(key) - n + 1)}
    if titled or label == "PERSON":
        # a person unless the name itself says otherwise
        for typ, words, _ in cues.type_rules[:2]:
            if grams & words:
                return typ
        return "PERSON"
    public = bool(grams & cues.public_markers and grams & cues.public_heads)
    for k, (typ, words, needs_state) in enumerate(cues.type_rules):
        if k == 2 and public:
            return "STATE_BODY"  # "Berkeley City Council", "House Natural Resources Committee"
        if needs_state and not has_state:
            continue
        if grams & words:
            return typ
    if label == "ORG":
        return "ORG"
    if label == "GPE":
        return "STATE"
    if label == "NORP":
        return "GROUP"
    if label == "LOC":
        return "STATE"  # a region that acts or suffers ("the Arctic is warming")
    return None


# --------------------------------------------------------------------------- document model
@dataclass
class _Actor:
    id: str
    name: str
    type: str
    kb: KBEntry | None = None
    role: str | None = None
    country: str | None = None
    sponsor: str | None = None
    derived: str = ""  # "", "ner", "state_body", "people", "collective"


@dataclass
class _M:
    start: int
    end: int
    actor: str
    method: str
    text: str
    plural: bool = False
    subject: bool = False  # root token is a nominal subject
    root_subject: bool = False  # subject of the sentence's main verb
    root_i: int = -1
    sent: int = 0
    nested: bool = False  # inside a longer mention (e.g. the sponsor of "Iran-backed militias")


@dataclass
class _Cand:
    i: int  # first word token
    j: int  # one past the last word token
    start: int
    end: int
    entry: KBEntry
    kind: str
    the_flag: bool


@dataclass
class _Doc:
    parsed: Parsed
    kb: ActorKB
    cues: _Cues
    text: str
    toks: list[tuple[str, int, int]]
    raw: list[str]
    shouted: list[bool]
    tok_at_start: dict[int, int]
    tok_at_end: dict[int, int]
    sp_starts: list[int]
    word_starts: list[int]
    actors: dict[str, _Actor] = field(default_factory=dict)
    mentions: list[_M] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    local_aliases: dict[str, str] = field(default_factory=dict)  # raw acronym -> actor id
    demonyms: list[_Cand] = field(default_factory=list)
    places: list[tuple[int, int]] = field(default_factory=list)  # capitals used as places
    place_words: frozenset[str] = frozenset()  # one-word names used as places in this text
    title_cache: dict[int, tuple[bool, bool]] = field(default_factory=dict)  # per sentence id
    glued_end: int | None = None  # end of a headline run into the first sentence (0: none)
    first_seen: dict[str, int] = field(default_factory=dict)  # actor id -> first mention start
    last_seen: dict[str, int] = field(default_factory=dict)  # actor id -> latest mention start
    name_keys: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    maybe_person: dict[str, bool] = field(default_factory=dict)
    taken: list[tuple[int, int]] = field(default_factory=list)  # sorted spans of mentions
    sources: set[str] = field(default_factory=set)  # dateline sources ("CEDARLINE - "), folded
    titled_demonyms: list[_Cand] = field(default_factory=list)  # "the French | president"
    not_actors: set[str] = field(default_factory=set)  # acronyms of instruments ("CBAM")
    credits: list[tuple[int, int]] = field(default_factory=list)  # photo credits ("© Getty")
    written_lower: dict[str, bool] = field(default_factory=dict)  # see _written_lower

    # ------------------------------------------------------------- spaCy helpers
    @property
    def doc(self) -> Doc:
        return self.parsed.doc

    def sp_token(self, char: int) -> Token:
        """The spaCy token holding character ``char``."""
        i = max(0, bisect.bisect_right(self.sp_starts, char) - 1)
        return self.doc[i]

    def next_sp_token(self, char: int) -> Token | None:
        """The first spaCy token starting at or after ``char``."""
        i = bisect.bisect_left(self.sp_starts, char)
        return self.doc[i] if i < len(self.doc) else None

    def span_root(self, start: int, end: int) -> Token:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return self.sp_token(start)
        return span.root

    # ------------------------------------------------------------- bookkeeping
    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.taken, (start, -1))
        for k in (i - 1, i):
            if 0 <= k < len(self.taken):
                s, e = self.taken[k]
                if s < end and start < e:
                    return True
        # a long earlier span may cover us
        return any(s < end and start < e for s, e in self.taken[max(0, i - 8) : i])

    def add_actor(self, a: _Actor) -> _Actor:
        old = self.actors.get(a.id)
        if old is not None:
            return old
        self.actors[a.id] = a
        return a

    def kb_actor(self, e: KBEntry) -> _Actor:
        return self.add_actor(
            _Actor(e.id, e.name, e.type, kb=e, role=e.role, country=e.country, sponsor=e.sponsor)
        )

    def derived_actor(self, name: str, typ: str, derived: str, **kw: Any) -> _Actor:
        aid = slugify(name)
        old = self.actors.get(aid)
        if old is not None and (old.kb is not None or old.type != typ):
            aid = f"{aid}-{typ.lower()}"
        return self.add_actor(_Actor(aid, name, typ, derived=derived, **kw))

    def add_mention(
        self, start: int, end: int, actor: _Actor, method: str, *, nested: bool = False
    ) -> _M:
        text = self.text[start:end]
        root = _np_head(self.span_root(start, end))
        m = _M(
            start,
            end,
            actor.id,
            method,
            text,
            plural=root.tag_ in ("NNS", "NNPS") or (actor.derived in ("collective", "people")),
            subject=root.dep_ in ("nsubj", "nsubjpass")
            or (root.dep_ == "poss" and root.head.dep_ in ("nsubj", "nsubjpass")),
            root_subject=root.dep_ in ("nsubj", "nsubjpass")
            and (
                root.head.dep_ == "ROOT"
                or (root.head.dep_ == "conj" and root.head.head.dep_ == "ROOT")
            ),
            root_i=root.i,
            sent=self.parsed.sentence_id(start),
            nested=nested,
        )
        self.mentions.append(m)
        if method != "pronoun":
            self.first_seen[actor.id] = min(start, self.first_seen.get(actor.id, start))
            self.last_seen[actor.id] = max(start, self.last_seen.get(actor.id, start))
        if not nested:
            bisect.insort(self.taken, (start, end))
        return m

    def word_index(self, char: int) -> int:
        """Index of the first word token starting at or after ``char``."""
        return bisect.bisect_left(self.word_starts, char)


# --------------------------------------------------------------------------- entry point
def extract_actors(parsed: Parsed, config: AnalysisConfig | None = None) -> ActorLayer:
    """Find, type and link the actors of a parsed document, with their relations.

    Parameters
    ----------
    parsed:
        The output of :func:`stancekit.nlp.parse`.
    config:
        ``config.actors`` / ``config.replace_actors`` extend or replace the knowledge
        base; options: ``actors.pronouns`` (default True) turns pronoun linking on or
        off, ``actors.lead_sentences`` (default 3) sets the lead used for salience.

    Returns
    -------
    ActorLayer
        ``mentions`` (offsets into ``parsed.text``), ``actors`` (one row per actor,
        stance fields at their defaults) and ``relations``.
    """
    config = config or AnalysisConfig()
    kb = load_kb(config)
    cues = _cues()
    text = parsed.text
    toks = word_tokens(text)
    raw = [text[s:e] for _, s, e in toks]
    d = _Doc(
        parsed=parsed,
        kb=kb,
        cues=cues,
        text=text,
        toks=toks,
        raw=raw,
        shouted=_shouted(raw),
        tok_at_start={s: i for i, (_, s, _) in enumerate(toks)},
        tok_at_end={e: i for i, (_, _, e) in enumerate(toks)},
        sp_starts=parsed.doc.to_array("IDX").tolist() if len(parsed.doc) else [],
        word_starts=[s for _, s, _ in toks],
    )
    places, states = _dateline_places(d)
    d.credits = _photo_credits(d.text)
    for span in places + d.credits:
        bisect.insort(d.taken, span)  # no mention may start there
    for s, e, state in states:  # "SACRAMENTO, Calif. — ": the state, as annotators name it
        d.add_mention(s, e, d.derived_actor(state, "STATE", "ner"), "dateline")
    d.sources = _dateline_sources(d)
    cands, d.demonyms = _kb_candidates(d)
    _link_names(d, cands)
    _drop_mere_places(d)
    _link_short_nominals(d)
    _capitalised_short_forms(d)
    _link_patterns(d)
    _link_title_nominals(d)
    _link_titled_demonyms(d)
    _link_descriptor_regime(d)
    _link_government(d)
    _link_camps(d)
    _link_industries(d)
    _link_blocs(d)
    _link_agency_regions(d)
    _link_office_variants(d)
    _link_collectives(d)
    if config.option("actors.pronouns", True):
        _resolve_pronouns(d)
    _relations(d)
    return _assemble(d, int(config.option("actors.lead_sentences", 3)))


# --------------------------------------------------------------------------- datelines
_UPPER_PLACE = r"[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3}(?:/[A-Z][A-Z.'’\-]+)*"
_DATELINE_PLACE = re.compile(
    rf"^(?P<place>{_UPPER_PLACE}(?P<region>, [A-Z][\w.'’\- ]{{1,40}}?)?"
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}(?=, \d{1,2} [A-Z][a-z]{2,8}\.?(?: \d{4})? [-–—]))"
    r"(?:, \d{1,2} [A-Z][a-z]{2,8}\.?(?: \d{4})?)?(?: \([^)\n]{1,40}\))?\s*[-–—]{1,2}\s+[\"“A-Z]",
    re.M,
)
# a dateline run into a headline on the first line ("Europe Must Stop ... Defence BRUSSELS — Two")
_RUN_IN_DATELINE = re.compile(
    rf"(?<=[A-Za-z'’!?.)] )(?P<place>{_UPPER_PLACE}(?P<region>, [A-Z][\w.'’\- ]{{1,40}}?)?)"
    r"(?: \([^)\n]{1,40}\))?\s*[-–—]{1,2}\s+[\"“A-Z]"
)


def _dateline_places(d: _Doc) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """The place of a dateline at the start of a line ("EL PASO, Texas — ", "KYIV,
    Ukraine (Reuters) — ", "Beirut, 09 May - "): where the story was filed, not an
    actor. An upper-case name alone before the dash (one to four words, no region after
    a comma: "NCRI - ", "CEDARLINE - ") may be
    the source, so it counts only when the knowledge base knows it as a capital or a
    seat ("BRUSSELS — "). An agency in brackets stays (it is matched like any name).

    A US state after the comma ("SACRAMENTO, Calif.", "EL PASO, Texas"; cue table
    ``dateline_states``) is returned apart, as ``(start, end, state name)``: annotators
    of news name it, so it is found as the state (method ``dateline``)."""
    out = []
    states: list[tuple[int, int, str]] = []
    first_line = d.text.find("\n")
    run_in = _RUN_IN_DATELINE.finditer(d.text, 0, first_line if first_line >= 0 else len(d.text))
    for m in itertools.chain(_DATELINE_PLACE.finditer(d.text), run_in):
        s, e = m.span("place")
        place = m.group("place")
        region = m.group("region")
        state = None
        if region is not None:
            state = d.cues.dateline_states.get(_fold(region[2:].strip()).rstrip("."))
        if state is not None:
            rs = m.start("region") + 2
            states.append((rs, rs + len(region[2:].rstrip()), state))
            e = m.start("region")  # "SACRAMENTO, Calif.": the city is the place
        elif region is not None and m.re is _RUN_IN_DATELINE:
            e = m.start("region")  # "KYIV, Ukraine": the city is the place, the country too
            out.append((m.start("region") + 2, m.end("region")))
        if (
            place.isupper()
            and m.group("region") is None
            and "," not in m.group(0)
            and "(" not in m.group(0)  # "LONDON/ADEN (Harbourline News Service) — "
            and not all(_known_capital(d, part) for part in place.split("/"))
        ):
            continue
        out.append((s, e))
    return sorted(out), states


_AGENCY = r"(?:Getty Images|Getty|AFP|AP|Reuters|Shutterstock|NurPhoto|Bloomberg|iStock)"
_CAPS_RUN = r"[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}"
_PHOTO_CREDIT = re.compile(
    # "(AP Photo/Ellen Knickmeyer)", "(Photo: Kevin Lamarque/Reuters)", "[Photo by Jan Kranendonk]"
    r"[(\[](?:[A-Z]{2,5}[ \t]+)?(?:Photo|Photograph|Image|Picture|Credit)s?"
    r"(?:[ \t]+by|[ \t]+credit)?[ \t]*[:/ ][^()\[\]\n]{1,80}[)\]](?:AP|AFP)?"
    # a line "Photo: Getty Images", "Image copyright Getty Images"
    r"|^[ \t]*(?:©[ \t]*)?(?:Photo|Photograph|Image|Picture)s?"
    rf"(?:[ \t]+by|[ \t]+credit:?|[ \t]+copyright|[ \t]*:)[ \t]+{_CAPS_RUN}(?:[ \t]*/[ \t]*{_CAPS_RUN})*"
    # "Dibyangshu Sarkar/AFP/Getty Images", "Rick Bowmer/AP Photo", "© Getty"
    rf"|(?:©[ \t]*)?(?:{_CAPS_RUN}[ \t]*/[ \t]*)+{_AGENCY}(?:[ \t]*/[ \t]*{_AGENCY})*(?:[ \t]+Photo)?\b"
    rf"|©[ \t]*{_AGENCY}(?:[ \t]+Photo)?\b",
    re.M,
)


def _photo_credits(text: str) -> list[tuple[int, int]]:
    """Spans of photo credits ("(AP Photo/Ellen Knickmeyer)", "(Photo: Kevin Lamarque/
    Reuters)", a line "Photo: Getty Images", "Dibyangshu Sarkar/AFP/Getty Images",
    "© Getty"): the photographer and the agency of a picture are no actors of the text."""
    return [m.span() for m in _PHOTO_CREDIT.finditer(text)]


_DATELINE_SOURCE = re.compile(
    r"^([A-Z][A-Z&'’\-]{2,}(?: [A-Z][A-Z&'’\-]+){0,2})\s+[-–—]{1,2}\s+[\"“A-Z]", re.M
)


def _dateline_sources(d: _Doc) -> set[str]:
    """Upper-case names before a dateline dash that are no known capital ("CEDARLINE - "):
    the outlet or agency that filed the story (folded), a MEDIA actor when named again."""
    return {
        _fold(m.group(1))
        for m in _DATELINE_SOURCE.finditer(d.text)
        if not _known_capital(d, m.group(1))
    }


def _known_capital(d: _Doc, place: str) -> bool:
    """Whether the knowledge base knows ``place`` as a capital or a seat ("BRUSSELS")."""
    node: Any = d.kb.trie
    for w, _, _ in word_tokens(place):
        node = node.get(w) if node is not None else None
    return node is not None and any(a.kind in ("capital", "descriptor") for a in node.get(_END, ()))


# --------------------------------------------------------------------------- step 1: KB matching
_LIST_SEPARATORS = frozenset(",;()[]")


def _shouted(raw: Sequence[str]) -> list[bool]:
    """A token is shouted when it is ALL CAPS and at least two of its four alphabetic
    neighbours are too (headlines, page furniture). Neighbours count up to a list
    separator (comma, semicolon, bracket): "ABC, CBS, NBC and Fox" is a list of
    acronyms, not shouting."""
    caps = [len(t) >= 2 and t.isalpha() and t.isupper() for t in raw]
    alpha = [i for i, t in enumerate(raw) if t[:1].isalpha()]
    # cut[k]: a list separator lies between alphabetic tokens k - 1 and k
    cut = [
        k == 0 or any(raw[x] in _LIST_SEPARATORS for x in range(alpha[k - 1] + 1, i))
        for k, i in enumerate(alpha)
    ]
    out = [False] * len(raw)
    for k, i in enumerate(alpha):
        if not caps[i]:
            continue
        lo = k
        while lo > max(0, k - 2) and not cut[lo]:
            lo -= 1
        hi = k
        while hi < min(len(alpha) - 1, k + 2) and not cut[hi + 1]:
            hi += 1
        near = alpha[lo:k] + alpha[k + 1 : hi + 1]
        if sum(caps[n] for n in near) >= 2:
            out[i] = True
    return out


def _case_ok(d: _Doc, a: _Alias, i: int, j: int) -> bool:
    raw = d.raw[i:j]
    letters = [t for t in raw if t[:1].isalpha()]
    all_caps = (
        bool(letters) and all(t.isupper() for t in letters) and sum(len(t) for t in letters) >= 3
    )
    if a.kind == "acronym":
        if all(t == r for t, r in zip(raw, a.raw)):
            # a stop-word acronym in shouted text is the word: "US" in "TRUMP TELLS US"
            return not (
                any(d.shouted[i:j]) and len(a.raw) == 1 and _fold(a.raw[0]) in d.cues.stop_words
            )
        return all_caps and not "".join(a.raw).isupper()  # "AFD" for "AfD"
    if all_caps:
        return True
    if any(
        len(r) >= 2 and r.isupper() and sum(ch.isupper() for ch in t) >= 2 and not t.isupper()
        for t, r in zip(raw, a.raw)
    ):
        return False  # "MPs" is not the group "MPS" ("Nato" may still be "NATO")
    return all(not (r[:1].isupper() and not t[:1].isupper()) for t, r in zip(raw, a.raw))


def _kb_candidates(d: _Doc) -> tuple[list[_Cand], list[_Cand]]:
    """Greedy longest matches of knowledge-base aliases, left to right."""
    trie = d.kb.trie
    toks = d.toks
    n = len(toks)
    names: list[_Cand] = []
    demonyms: list[_Cand] = []
    i = 0
    while i < n:
        node: Any = trie
        best: tuple[int, _Alias] | None = None
        j = i
        while j < n:
            node = node.get(toks[j][0])
            if node is None:
                break
            j += 1
            aliases = node.get(_END)
            if aliases:
                for a in aliases:
                    if _case_ok(d, a, i, j):
                        best = (j, a)
                        break
        if best is None:
            i += 1
            continue
        j, a = best
        c = _Cand(i, j, toks[i][1], toks[j - 1][2], d.kb.entries[a.entry], a.kind, a.the_flag)
        if a.kind in ("demonym",):
            demonyms.append(c)
        elif (
            a.kind == "capital"
            and i > 0
            and toks[i - 1][0] in d.cues.locative
            and toks[i - 1][0] not in ("of", "on")
        ):
            d.places.append((c.start, c.end))  # "in Berlin": a place, not the state acting
        else:
            names.append(c)
        i = j
    return names, demonyms


# --------------------------------------------------------------------------- step 2: names (KB + NER)
_POSSESSIVE = re.compile(r"['’]s\b")
_NER_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_NER_BLOCKING_LABELS = frozenset({"LAW", "EVENT", "WORK_OF_ART", "PRODUCT", "FAC"})
_ACRO_INTRO = re.compile(
    r"\s*\(\s*((?:[A-Z][A-Za-z0-9&.\-]{1,11})(?:\s*/\s*[A-Z][A-Za-z0-9&.\-]{1,11})*)\s*\)"
)
_KNOWN_AS = re.compile(
    r",?\s*(?:also\s+|better\s+|commonly\s+)?(?:known|referred to)\s+as\s+(?:the\s+)?([A-Z][A-Za-z0-9&.\-]{1,11})\b"
)
_FINITE = frozenset({"MD", "VBZ", "VBD", "VBP"})
_LOCATIVE_UNKNOWN = frozenset(
    {
        "in",
        "on",
        "near",
        "from",
        "into",
        "outside",
        "around",
        "across",
        "throughout",
        "toward",
        "towards",
        "inside",
    }
)


def _strip_the(d: _Doc, start: int, end: int) -> tuple[int, int]:
    t = d.text[start:end]
    for art in ("the ", "The ", "THE ", "a ", "an "):
        if t.startswith(art) and len(t) > len(art):
            start += len(art)
            break
    t = d.text[start:end]
    if "(" in t and ")" not in t[t.index("(") :]:
        end = start + t.index("(")  # "the US Department of Agriculture (USDA" -> drop "(USDA"
        t = d.text[start:end]
    for pos in ("'s", "’s", "'", "’"):
        if t.endswith(pos) and len(t) > len(pos) + 1:
            end -= len(pos)
            break
    while end > start and d.text[end - 1] in " \n\t.,;:":
        end -= 1
    return start, end


def _extend_the(d: _Doc, c: _Cand) -> int:
    """Include a preceding "the" in the mention when it belongs to the name."""
    if c.i == 0 or d.toks[c.i - 1][0] != "the" or c.kind in ("capital", "demonym", "plural"):
        return c.start
    if c.entry.type == "PERSON":
        return c.start
    if c.entry.type == "STATE" and not c.the_flag and c.kind != "descriptor":
        return c.start
    nxt = d.next_sp_token(c.end)
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and not d.text[c.end : nxt.idx].strip():
        return c.start  # "the PMF forces": "the" belongs to the longer phrase
    return d.toks[c.i - 1][1]


def _title_prefix(d: _Doc, start: int, end: int) -> tuple[int, str | None]:
    """Strip leading titles from a person span: (new start, role)."""
    cues = d.cues
    i = d.word_index(start)
    role = None
    while i < len(d.toks) and d.toks[i][1] < end:
        found = False
        for n in range(min(cues.max_title_len, 4), 0, -1):
            key = tuple(k for k, _, _ in d.toks[i : i + n])
            if len(key) == n and key in cues.titles and d.toks[i + n - 1][2] < end:
                title = cues.titles[key]
                if title:
                    role = title if role is None else f"{role} {title}"
                i += n
                found = True
                break
        if not found:
            break
    return (d.toks[i][1] if i < len(d.toks) else end), role


def _preceding_title(d: _Doc, start: int) -> tuple[str | None, str | None]:
    """A title (and a demonym's country) right before a name: "French President Emmanuel Macron"."""
    cues = d.cues
    i = d.word_index(start)
    role = None
    country = None
    k = i
    while k > 0:
        found = False
        for n in range(min(cues.max_title_len, 4), 0, -1):
            if k - n < 0:
                continue
            key = tuple(t for t, _, _ in d.toks[k - n : k])
            if key in cues.titles and d.raw[k - n][:1].isupper():
                t = cues.titles[key]
                if t:
                    role = t if role is None else f"{t} {role}"
                k -= n
                found = True
                break
        if not found:
            break
    if role is not None and k > 0:
        for c in d.demonyms:
            if c.j == k:
                country = c.entry.id
    return role, country


def _title_cased(d: _Doc, char: int) -> bool:
    """Whether the sentence holding ``char`` is a title-case headline (most content
    words capitalised)."""
    return _case_profile(d, char)[0]


def _headline(d: _Doc, char: int) -> bool:
    """Every content word of the sentence holding ``char`` capitalised ("Local Police
    Impose Information Blackout")."""
    return _case_profile(d, char)[1]


def _case_profile(d: _Doc, char: int) -> tuple[bool, bool]:
    """(title-cased, headline) for the sentence holding ``char``, cached per sentence.

    A text given without a title often starts with its headline run into the first
    sentence ("Coal Miners Rally Behind Trump Hundreds of workers gathered ..."): there
    the headline and the rest of the sentence get a profile each (see
    :func:`_glued_headline_end`)."""
    sid = d.parsed.sentence_id(char)
    if sid == 0 and not d.parsed.title:
        if d.glued_end is None:
            d.glued_end = _glued_headline_end(d)
        if d.glued_end:
            key = -1 if char < d.glued_end else -2
            hit = d.title_cache.get(key)
            if hit is None:
                sent = d.parsed.sentences[0]
                toks = [t for t in sent if (t.idx < d.glued_end) == (key == -1)]
                hit = d.title_cache[key] = (_profile(toks)[0], False)
            return hit
    hit = d.title_cache.get(sid)
    if hit is None:
        hit = d.title_cache[sid] = _profile(d.parsed.sentences[sid])
    return hit


def _content_words(toks: Iterable[Token]) -> list[str]:
    return [t.text for t in toks if t.is_alpha and len(t.text) > 3 and not t.is_stop]


def _profile(toks: Iterable[Token]) -> tuple[bool, bool]:
    words = _content_words(toks)
    caps = sum(w[0].isupper() for w in words)
    return (len(words) >= 2 and caps >= 0.75 * len(words), bool(words) and caps == len(words))


def _glued_headline_end(d: _Doc) -> int:
    """Where a title-case headline run into the first sentence ends (0: none).

    The body's first sentence is taken to open with the capitalised word right before
    the first lower-case content word ("Coal Miners Rally Behind Trump | Hundreds of
    workers gathered", "Scientists Warn Of Mass Extinction | A new report found"), or
    before a date after "on" ("... Slash Emissions | Walmart on Tuesday pledged"). The
    part before it is a headline when all its content words (at least three) are
    capitalised and so is a function word after its first word ("Behind", "Of", "Outside"), which
    a name or a plain sentence does not do ("President Donald Trump on Wednesday
    signed"); and the rest of the sentence is not title-cased itself."""
    sent = list(d.parsed.sentences[0])
    j = next(
        (k for k, t in enumerate(sent) if t.is_alpha and t.text[:1].islower() and not t.is_stop),
        0,
    )
    while j > 0 and not sent[j - 1].text[:1].isupper():
        j -= 1  # back over "of", "a", punctuation
    start = j - 1
    if (
        start >= 2
        and sent[start].ent_type_ == "DATE"
        and sent[start - 1].lower_ in ("on", "last", "this")
        and sent[start - 2].text[:1].isupper()
    ):
        start -= 2  # "... Fracking BNP Paribas | on Wednesday became": the subject before the date
    if start > 0 and sent[start - 1].lower_ in ("a", "an", "the"):
        start -= 1  # "A new report", "The Sierra Club said"
    if start <= 0:
        return 0
    head = sent[:start]
    words = _content_words(head)
    if len(words) < 3 or not all(w[0].isupper() for w in words):
        return 0
    if not any(
        (t.is_stop or t.tag_ in ("IN", "TO", "MD"))
        and t.is_alpha
        and t.text[:1].isupper()
        and not t.text.isupper()
        and t.lower_ not in ("a", "an", "the")
        for t in head[1:]
    ):
        return 0
    if _profile(sent[start:])[0]:
        return 0
    return sent[start].idx


def _state_before_title(d: _Doc, c: _Cand) -> str | None:
    """The US state a knowledge-base match names when one of its own offices follows
    ("Washington Gov. Jay Inslee", "Georgia Attorney General Chris Carr"; cue table
    ``state_level_titles``), else None: the state, not the United States (its capital
    "Washington") or the country Georgia."""
    key = " ".join(d.toks[k][0] for k in range(c.i, c.j))
    state = d.cues.dateline_states.get(key)
    if state is None or _fold(state) != key or not d.cues.state_titles:
        return None  # only a spelled-out name ("Wash." is a dateline's abbreviation)
    after = tuple(t for t, _, _ in d.toks[c.j : c.j + 8] if t != ".")
    if any(after[: len(t)] == t for t in d.cues.state_titles):
        return state
    return None


_EXPANSION_SMALL = frozenset({"of", "for", "the", "and", "on", "in", "de"})
_EXPANSION_RUN = re.compile(
    r"[A-Z][\w'’\-]*(?:\s+(?:(?:of|for|the|and|on|in|de|&)\s+)*[A-Z][\w'’\-]*)+"
)


def _expansion_of(d: _Doc, acronym: str) -> tuple[int, int] | None:
    """The first capitalised phrase of the text whose capitalised words' initials spell
    ``acronym`` ("Jewish Voice for Peace" for "JVP"), as (start, end), else None."""
    for run in _EXPANSION_RUN.finditer(d.text):
        words = [
            (w.group(), run.start() + w.start(), run.start() + w.end())
            for w in re.finditer(r"\S+", run.group())
        ]
        for a in range(len(words)):
            if not words[a][0][:1].isupper() or words[a][0] == "The":
                continue
            initials = ""
            for w, _, end in words[a:]:
                if w[:1].isupper():
                    initials += w[0]
                    if initials == acronym:
                        tail = d.text[end - 2 : end]
                        return words[a][1], end - 2 if tail in ("'s", "’s") else end
                    if not acronym.startswith(initials):
                        break
    return None


def _text_expansions(d: _Doc, cands: list[_Cand]) -> dict[int, tuple[str, int, int]]:
    """Knowledge-base acronyms the text itself expands as another name: candidate index
    -> (acronym, start, end of the expansion). "JVP" is the Sri Lankan Janatha Vimukthi
    Peramuna in the knowledge base, but Jewish Voice for Peace where the text writes
    "Jewish Voice for Peace", before, after or in brackets: the text's own expansion wins.
    Only all-capital acronyms of three to six letters; an expansion that is the entry's
    own name or alias keeps the entry."""
    out: dict[int, tuple[str, int, int]] = {}
    seen: dict[str, tuple[int, int] | None] = {}
    for k, c in enumerate(cands):
        if c.kind not in ("acronym", "alias", "name") or c.j - c.i != 1:
            continue
        acronym = d.raw[c.i]
        if not (3 <= len(acronym) <= 6 and acronym.isalpha() and acronym.isupper()):
            continue
        if d.shouted[c.i]:
            continue
        if acronym not in seen:
            seen[acronym] = _expansion_of(d, acronym)
        span = seen[acronym]
        if span is None:
            continue
        if _same_name(d.text[span[0] : span[1]], (c.entry.name, *c.entry.aliases)):
            continue  # "United Nations Environmental Programme" for the KB's UNEP
        out[k] = (acronym, *span)
    return out


def _stems(name: str) -> set[str]:
    """Five-letter stems of the words of a name longer than two letters, function words
    left out ("United Nations Environmental Programme" -> unite, natio, envir, progr)."""
    return {
        w[:5]
        for w in re.findall(r"[a-z]+", _fold(name))
        if len(w) > 2 and w not in _EXPANSION_SMALL
    }


def _same_name(expansion: str, forms: Iterable[str]) -> bool:
    """Whether an expansion names the same actor as one of ``forms``: it shares all its
    word stems, or at least two, with one form (spelling variants, a word left out)."""
    mine = _stems(expansion)
    for f in forms:
        shared = len(mine & _stems(f))
        if shared >= 2 or (mine and shared == len(mine)):
            return True
    return False


def _link_expanded_acronyms(d: _Doc, expanded: Iterable[tuple[str, int, int]]) -> None:
    """Link an acronym the text expands (:func:`_text_expansions`) to the actor of its
    expansion: every mention of the acronym found so far moves to it, and later uses of
    the acronym follow it (a local alias, as for "Name (ABC)")."""
    for acronym, s, e in sorted(set(expanded)):
        actor = next(
            (
                d.actors[m.actor]
                for m in d.mentions
                if m.method != "pronoun" and m.start <= s and e <= m.end
            ),
            None,
        )
        if actor is None:
            if d.overlaps(s, e):
                continue
            actor = d.derived_actor(d.text[s:e], "ORG", "ner")
            d.add_mention(s, e, actor, "ner")
        d.local_aliases[acronym] = actor.id
        for m in d.mentions:
            if (
                m.method != "pronoun"
                and _strip_the(d, m.start, m.end)
                == (
                    m.end - len(acronym),
                    m.end,
                )
                and d.text[m.end - len(acronym) : m.end] == acronym
            ):
                m.actor, m.method = actor.id, "acronym"


def _link_names(d: _Doc, cands: list[_Cand]) -> None:
    doc = d.doc
    cues = d.cues
    ents = [e for e in doc.ents if e.text.strip()]
    # --- NER entities that contain knowledge-base place names win over them ("Iran Focus", "Paris Agreement")
    drop: set[int] = set()
    blocking: list[tuple[int, int]] = []
    cand_starts = [c.start for c in cands]  # candidates come in text order
    for ent in ents:
        if ent.label_ not in _NER_BLOCKING_LABELS | {"ORG", "PERSON", "LOC"}:
            continue  # LOC: "Latin America", "the South China Sea" are not the states inside
        if _title_cased(d, ent.start_char):
            continue  # in "Iran Waits" every word is capitalised: the name of the state wins
        s, e = _strip_the(d, ent.start_char, ent.end_char)
        lo = bisect.bisect_left(cand_starts, s)
        inner = [
            k
            for k in range(lo, bisect.bisect_left(cand_starts, e))
            if cands[k].end <= e and (cands[k].start, cands[k].end) != (s, e)
        ]
        if (
            ent.label_ == "PERSON"
            and len(inner) == 1
            and cands[inner[0]].entry.type not in ("PERSON", "STATE")
            and cands[inner[0]].j - cands[inner[0]].i == 1
            and cands[inner[0]].end == e
            and 2 <= d.word_index(e) - d.word_index(s) <= 4
            and _person_like(d, d.text[s:e])
        ):
            drop.add(inner[0])  # "Michael Bloomberg", "Henry Ford": the person, not the outlet
            continue
        if (
            ent.label_ == "PERSON"
            and len(inner) == 1
            and _given_name_of_other(d, cands[inner[0]], e)
        ):
            drop.add(inner[0])  # "Col. Vance Spath": not JD Vance
            continue
        if not inner or any(cands[k].entry.type not in ("STATE",) for k in inner):
            continue
        if all(_state_before_title(d, cands[k]) for k in inner):
            continue  # "Washington Lt. Gov. Denny Heck": the state, then the title
        covered = [(cands[k].start, cands[k].end) for k in inner]
        rest = [
            (d.toks[i][0], i)
            for i in range(d.word_index(s), d.word_index(e))
            if d.toks[i][2] <= e
            and not any(a <= d.toks[i][1] and d.toks[i][2] <= b for a, b in covered)
        ]
        extra = [
            i
            for t, i in rest
            if d.raw[i][:1].isupper() and t not in cues.particles and t not in cues.titles
        ]
        if not extra:
            continue
        if any(
            cands[k].kind != "acronym" and d.raw[i].isupper() and len(d.raw[i]) > 2
            for k in inner
            for i in range(cands[k].i, cands[k].j)
        ) and not all(d.raw[i].isupper() for i in extra):
            continue  # "IRAN Created": shouted name next to a normal word
        if (
            ent.label_ == "LOC"
            and all(d.toks[i][0] in cues.compass for i in extra)
            and all(cands[k].kind == "name" for k in inner)
        ):
            continue  # "Northern Iraq", "Eastern Ukraine": the state's own territory
        drop.update(inner)
        if ent.label_ in _NER_BLOCKING_LABELS:
            blocking.append((s, e))
    expanded = _text_expansions(d, cands)
    drop.update(expanded)  # "JVP" where the text says "Jewish Voice for Peace"
    cands = [c for k, c in enumerate(cands) if k not in drop]

    # --- demonyms are kept aside for later rules
    # --- sequential pass over KB candidates and NER entities in text order
    items: list[tuple[int, int, str, Any]] = [(c.start, -c.end, "kb", c) for c in cands]
    body_words = _body_words(cues)
    for ent in ents:
        if ent.label_ in _NER_ACTOR_LABELS or ent.label_ == "LOC" or _body_named(ent, body_words):
            items.append((ent.start_char, -ent.end_char, "ner", ent))
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    kb_spans = sorted([(c.start, c.end) for c in cands] + d.places)
    d.place_words = _place_words(d, ents)
    for _, _, kind, obj in items:
        if kind == "kb":
            c: _Cand = obj
            if d.overlaps(c.start, c.end) or any(a <= c.start and c.end <= b for a, b in blocking):
                continue
            us_state = _state_before_title(d, c)
            if us_state is not None:  # "Washington Gov. Jay Inslee": the state, not the US
                d.add_mention(
                    c.start, c.end, d.derived_actor(us_state, "STATE", "ner"), "state_title"
                )
                continue
            if c.kind == "plural":  # "Iraqis": a people, not the state
                actor = d.derived_actor(
                    d.text[c.start : c.end], "GROUP", "people", country=c.entry.id
                )
            else:
                actor = d.kb_actor(c.entry)
            start = _extend_the(d, c)
            d.add_mention(start, c.end, actor, _METHOD_OF_KIND[c.kind])
            _acronym_intro(d, c.end, actor)
            continue
        ent = obj
        s, e = _strip_the(d, ent.start_char, ent.end_char)
        for a, b in d.credits:
            if a <= s < b < e:  # "© Getty Carl Sagan and ...": the credit, then the name
                s = b + len(d.text[b:e]) - len(d.text[b:e].lstrip())
        if e <= s or d.overlaps(s, e):
            continue
        k = bisect.bisect_left(kb_spans, (e, -1))
        near = [(a, b) for a, b in kb_spans[max(0, k - 12) : k] if a < e and s < b]
        if near:
            # a knowledge-base match overlaps: it wins; a possessor before it stays a name
            # ("Zinke's Interior Department" -> "Zinke" + the department)
            m = _POSSESSIVE.search(d.text, s, min(a for a, _ in near))
            if m is not None and m.start() > s and not d.overlaps(s, m.start()):
                _ner_entity(d, ent, s, m.start())
            last = max(b for _, b in near)
            if last + 2 < e and d.text.startswith(", ", last) and d.text[last + 2].isupper():
                tail = last + 2  # a list run into one entity: "the DNC, Facebook"
                if "," not in d.text[tail:e] and not d.overlaps(tail, e):
                    _ner_entity(d, ent, tail, e)
            continue
        _ner_entity(d, ent, s, e)
    _link_expanded_acronyms(d, expanded.values())
    _companies_before_roles(d, ents)
    _unlabelled_names(d)
    _cataphoric_surnames(d, ents)
    _persons_over_org_aliases(d)
    _unlabelled_repeats(d)
    _speaking_names(d)
    _acting_names(d)
    _transcript_speakers(d)
    _persons_by_context(d)
    _coordinated_names(d)
    _named_after_kind(d)
    # --- later uses of acronyms introduced in the text
    if d.local_aliases:
        for i, r in enumerate(d.raw):
            aid = d.local_aliases.get(r)
            if aid is None:
                continue
            s, e = d.toks[i][1], d.toks[i][2]
            if not d.overlaps(s, e):
                d.add_mention(s, e, d.actors[aid], "acronym")


def _given_name_of_other(d: _Doc, c: _Cand, end: int) -> bool:
    """Whether a one-word knowledge-base alias of a person opens a longer person's name
    (to the model) and is followed there by a title-case word that is no word of the
    knowledge-base person's names and no common word: used as a given name ("Vance
    Spath" is not JD Vance; "Vladimir Putin" stays Putin, "Trump Supporter" Trump)."""
    if c.entry.type != "PERSON" or c.j - c.i != 1 or c.j >= len(d.toks):
        return False
    nxt = d.raw[c.j]
    if d.toks[c.j][2] > end or not (nxt[:1].isupper() and nxt[1:].islower() and nxt.isalpha()):
        return False
    if d.toks[c.j][0] in d.cues.particles or "\n" in d.text[c.end : d.toks[c.j][1]]:
        return False
    own = {w for n in (c.entry.name, *c.entry.aliases) for w in alias_key(n)}
    known = _dictionary(d.doc.vocab) or ()
    return d.toks[c.j][0] not in own and d.toks[c.j][0] not in known
    # (a surname, no common word or place: not "Trump Supporter", "President Trump Oregon")


def _group_of_singular(d: _Doc, s: int, e: int, word: str) -> KBEntry | None:
    """The knowledge-base group, party or armed group whose name is the plural of a
    one-word modifier ("Houthi" in "Houthi missile sites" -> the Houthis), else None."""
    tok = d.sp_token(s)
    if tok.dep_ not in ("compound", "amod", "nmod") or tok.head.i <= tok.i:
        return None
    node = d.kb.trie.get(word + "s")
    for a in node.get(_END, ()) if node is not None else ():
        entry = d.kb.entries[a.entry]
        if a.kind == "name" and entry.type in ("ARMED_GROUP", "GROUP", "PARTY"):
            return entry
    return None


def _after_media_kind(d: _Doc, start: int) -> bool:
    """Whether the name starting at ``start`` comes right after a lower-case noun naming a
    kind of news outlet ("the newspaper Die Tagespost", "the magazine Harpers"; not
    "publisher", which is also a person's job: "the publisher Jann Wenner")."""
    tok = d.sp_token(start)
    if tok.i == 0 or tok.idx != start:
        return False
    prev = d.doc[tok.i - 1]
    return (
        prev.is_lower
        and prev.text in d.cues.media_kinds
        and prev.text != "publisher"
        and "\n" not in prev.whitespace_
    )


def _newsroom(d: _Doc, s: int, e: int) -> bool:
    """Whether the name at ``s:e`` is where a newsroom role works: the object of at/of/for
    after one of ``name_context.newsroom_roles`` ("a columnist for Rio Grande Commons",
    "a senior editor at Ember & Tide")."""
    root = d.span_root(s, e)
    prep = root.head
    if root.dep_ != "pobj" or prep.lower_ not in ("at", "of", "for", "with", "in"):
        return False
    role = prep.head
    if role.dep_ == "pobj" and role.head.lower_ == "by" and prep.lower_ in ("in", "for"):
        role = role.head.head  # "an article by Aaron Hall | in AdAge"
    words = {role.lower_, role.lemma_.lower()}
    words |= {f"{t.lower_} {role.lower_}" for t in role.lefts if t.dep_ in ("compound", "amod")}
    if prep.lower_ in ("at", "for", "in") and words & d.cues.publication_nouns:
        return True  # "an article by Aaron Hall in AdAge", "an op-ed for The Hill"
    return prep.lower_ != "in" and bool(words & d.cues.newsroom_roles)


def _unpersonal_place(d: _Doc, s: int, e: int, prev: str) -> bool:
    """A one-word name the model called PERSON after a place preposition, with no person
    evidence: no title before it, no role after it, not the subject of a speech verb.
    After "from", "on", "to", "into" or "toward(s)" the preposition must hang on a motion
    verb ("withdrew from Avdiivka"); after "at" or another locative one on no verb or adjective ("as at Avdiivka") or a motion
    verb ("arrived in"), never on one such as "looked at", "believe in"."""
    if prev not in _LOCATIVE_UNKNOWN and prev != "at":
        return False
    if _newsroom(d, s, e):
        return False  # "an article in AdAge": the outlet
    tok = d.sp_token(s)
    if tok.i == 0 or d.doc[tok.i - 1].lower_ != prev:
        return False
    head = d.doc[tok.i - 1].head
    if prev in ("from", "on", "to", "into", "toward", "towards"):
        if not _after_motion(d, s):
            return False
    elif head.pos_ in ("VERB", "AUX", "ADJ") and not _after_motion(d, s):
        return False
    if _preceding_title(d, s)[0] is not None or _title_prefix(d, s, e)[1] is not None:
        return False
    return not (_role_apposition(d, e) or _speaker(d, s, e))


def _mere_place(d: _Doc, m: _M) -> bool:
    """Whether a mention only says where: the object of a place preposition ("in Tartu",
    "based in Aden", "from Lagos to Chicago", also in a list after one) that does not
    qualify people ("people in Appalachia" names a group by its place), or a place given
    after a comma ("Grass Valley, California")."""
    tok = d.span_root(m.start, m.end)  # not its noun phrase: "the U.S economy" acts
    while tok.dep_ == "conj" and tok.head.i < tok.i:
        tok = tok.head  # "in Chicago, Denver and New York"
    if tok.dep_ == "pobj" and tok.head.lower_ in d.cues.where_preps:
        owner = tok.head.head.lower_
        cues = d.cues
        return not (  # "people in Appalachia": the place names who they are
            owner in cues.people_heads
            or owner in cues.collective_nouns
            or owner in cues.resident_heads
            or _harm(d, tok.head.head)  # "the floods in Houston": the place suffers
        )
    before = d.text[max(0, m.start - 2) : m.start]
    return (
        before == ", " and tok.dep_ in ("appos", "npadvmod", "conj") and tok.head.ent_type_ == "GPE"
    )


def _harm(d: _Doc, tok: Token) -> bool:
    """Whether a noun names a harm a place can suffer (cue table ``region_harm_heads``)."""
    return tok.pos_ == "NOUN" and (
        tok.lower_ in d.cues.region_harm_heads or tok.lemma_.lower() in d.cues.region_harm_heads
    )


def _region_acts(d: _Doc, s: int, e: int) -> bool:
    """Whether a region (a LOC entity: "the Arctic", "South Florida", "Europe") plays a
    part in the sentence: subject or object of a verb ("the Arctic is warming", "to
    hit South Florida"), possessor ("Europe's farmers"), object of a preposition (a
    mere "in"/"at" place is dropped later, see :func:`_drop_mere_places`) or modifier of
    a harm noun ("Northern California wildfires"; cue table ``region_harm_heads``). A
    region that only qualifies a thing ("Arctic sea ice", "Middle East peace") is no
    actor."""
    tok = d.span_root(s, e)
    while tok.dep_ == "conj" and tok.head.i < tok.i:
        tok = tok.head  # "Europe and Asia must act"
    if tok.dep_ == "pobj":
        owner = tok.head.head.lower_
        cues = d.cues
        if (
            owner in cues.people_heads
            or owner in cues.collective_nouns
            or owner in cues.resident_heads
            or owner in cues.role_nouns
            or (owner,) in cues.titles
        ):
            return False  # "people in Africa", "the mayor of South Bend": the people act
        if tok.head.lower_ in d.cues.where_preps and not _harm(d, tok.head.head):
            key = _undotted(alias_key(d.text[s:e]))
            public = {_undotted(k) for k in cues.public_markers}
            return (
                _uncompassed(key, cues.compass) in public
            )  # "sea levels in Southern Florida"; not "in Asia"
        return True
    if tok.dep_ in ("compound", "amod", "nmod"):
        head = tok.head
        while head.dep_ == "compound" and head.head.i > head.i:
            head = head.head
        return _harm(d, head)
    return tok.dep_ in ("nsubj", "nsubjpass", "dobj", "poss", "pobj", "appos", "attr", "ROOT")


def _undotted(key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in key if w != ".")  # "Calif." as written or as the model cut it


def _drop_mere_places(d: _Doc) -> None:
    """A city, region or county the knowledge base does not know (a GPE to the model,
    typed STATE, or a county typed STATE_BODY) is an actor only when the text makes it act or be acted upon somewhere:
    when every mention of it only says where ("in Tartu", "based in Aden", "to Chicago,
    Denver and New York"), its mentions are dropped. A US state stays (cue table
    ``public_markers``): its government is an actor even "in California"."""
    public = {
        _undotted(k) for k in d.cues.public_markers
    }  # US states, their abbreviations, "city" ...
    by_actor: dict[str, list[_M]] = {}
    for m in d.mentions:
        by_actor.setdefault(m.actor, []).append(m)
    gone = {
        aid
        for aid, ms in by_actor.items()
        if (
            (a := d.actors[aid]).type == "STATE"
            or (
                a.type == "STATE_BODY"
                and any(k in d.cues.local_governments for k in alias_key(a.name)[-1:])
            )
        )
        and a.kb is None
        and a.derived == "ner"
        and _undotted(alias_key(a.name)) not in public  # "the fires in California"
        and _undotted(_uncompassed(alias_key(a.name), d.cues.compass))
        not in public  # "in Southern Florida"
        and all(_mere_place(d, m) for m in ms)
    }
    if not gone:
        return
    d.mentions = [m for m in d.mentions if m.actor not in gone]
    d.taken = sorted((m.start, m.end) for m in d.mentions if not m.nested)
    for aid in gone:
        del d.actors[aid]
        d.first_seen.pop(aid, None)
        d.last_seen.pop(aid, None)


def _uncompassed(key: tuple[str, ...], compass: frozenset[str]) -> tuple[str, ...]:
    """A name without its leading compass words: "Southern Florida" -> "Florida"."""
    k = 0
    while k < len(key) - 1 and key[k] in compass:
        k += 1
    return key[k:]


def _after_motion(d: _Doc, s: int) -> bool:
    """Whether the preposition before ``s`` hangs on a motion verb ("withdrew from")."""
    tok = d.sp_token(s)
    if tok.i == 0:
        return False
    prep = d.doc[tok.i - 1]
    return (
        prep.head.lemma_.lower() in d.cues.motion_verbs or prep.head.lower_ in d.cues.motion_verbs
    )


def _place_words(d: _Doc, ents: Sequence[Any]) -> frozenset[str]:
    """Names this text uses as places: one-word GPE/LOC entities; one-word ORG/PERSON
    entities right after a place preposition ("in Appalachia") not governed by a verb
    such as "published in" (cue table ``place_evidence``); ORG/PERSON names of up to
    four words followed by a comma and a GPE ("Grass Valley, California")."""
    cues = d.cues
    out: set[str] = set()
    doc = d.doc
    for ent in ents:
        word = _fold(ent.text)
        if ent.label_ not in ("GPE", "LOC", "ORG", "PERSON"):
            continue
        if (
            ent.label_ in ("ORG", "PERSON")
            and len(ent) <= 4
            and ent.end + 1 < len(doc)
            and doc[ent.end].text == ","
            and doc[ent.end + 1].ent_type_ == "GPE"
        ):
            out.add(word)  # "Paradise, California"
        if len(ent) != 1:
            continue
        if ent.label_ in ("GPE", "LOC"):
            out.add(word)
        elif ent.start > 0:
            prep = doc[ent.start - 1]
            if (
                prep.lower_ in cues.place_preps
                and prep.head.lemma_.lower() not in cues.place_not_after
            ):
                out.add(word)
    return frozenset(out)


def _persons_over_org_aliases(d: _Doc) -> None:
    """A one-word knowledge-base name of an organisation that is the surname of exactly
    one person named in the text is that person ("Michael Bloomberg ... Bloomberg has
    invested", not Bloomberg News): the mention moves to the person (``surname``)."""
    persons = [a for a in d.actors.values() if a.type == "PERSON"]
    if not persons:
        return
    for m in d.mentions:
        a = d.actors[m.actor]
        if a.kb is None or a.type in ("PERSON", "STATE") or m.method == "pronoun" or " " in m.text:
            continue
        key = tuple(k for k, _, _ in word_tokens(m.text))
        if len(key) != 1:
            continue
        found = [
            p for p in persons if any(len(nk) > 1 and nk[-1] == key[0] for nk in _name_keys(d, p))
        ]
        if len(found) == 1:
            m.actor, m.method = found[0].id, "surname"


def _cataphoric_surnames(d: _Doc, ents: Sequence[Any]) -> None:
    """A surname before the full name ("Sanders releases plan ... Sen. Bernie Sanders"):
    one-word PERSON/ORG/NORP entities left unlinked that end the name of exactly one
    person of the text link to that person (``surname``)."""
    persons = [a for a in d.actors.values() if a.type == "PERSON"]
    if not persons:
        return
    for ent in ents:
        if len(ent) != 1 or ent.label_ not in ("PERSON", "ORG", "NORP"):
            continue
        s, e = _strip_the(d, ent.start_char, ent.end_char)
        if e <= s or d.overlaps(s, e) or ent.text.isupper():
            continue
        key = tuple(k for k, _, _ in word_tokens(d.text[s:e]) if k != "'s")
        if len(key) != 1 or key[0] in d.cues.particles or key[0] in d.cues.stop_words:
            continue
        found = [
            a for a in persons if any(len(nk) > 1 and nk[-1] == key[0] for nk in _name_keys(d, a))
        ]
        if len(found) == 1:
            d.add_mention(s, e, found[0], "surname")


_GLUED = re.compile(r"^(?:[\"“‘'\ufeff\u200b(]+|[A-Za-z]+[?!.)]+[\"“”]?)(?=[A-Z])")
_REPEAT_LABELS = frozenset({"", "WORK_OF_ART", "PRODUCT", "PERSON", "ORG", "NORP"})


def _cased_tokens(doc: Any) -> Iterator[Any]:
    """The tokens whose text is not all lower case (ORTH differs from LOWER), in order:
    the only ones a rule that needs a capital letter can use (made without building a
    Token for every word)."""
    from spacy.attrs import LOWER, ORTH

    if not len(doc):
        return
    arr = doc.to_array([ORTH, LOWER])
    for i in (arr[:, 0] != arr[:, 1]).nonzero()[0].tolist():
        yield doc[i]


def _unlabelled_repeats(d: _Doc) -> None:
    """Names the model left unlabelled (or called a work of art) at some occurrences
    though the text names the actor elsewhere: a capitalised proper noun that is the
    surname of exactly one person of the text ("it."O'Rourke asserted", "Riggi said",
    "Sanders told HuffPost", "the plan?Buttigieg said"; ``surname``), the one-word name
    of an organisation found elsewhere ("WeWork confirmed"; ``ner``), or a one-word place
    the model found elsewhere, glued to the word before ("To California)California
    forests"). The word must be written as in the name, and not be a stop word,
    particle or title."""
    surnames: dict[str, list[_Actor]] = {}
    words: dict[str, _Actor] = {}
    places: dict[str, _Actor] = {}
    for a in d.actors.values():
        if a.derived not in ("", "ner"):
            continue
        parts = a.name.split()
        if a.type == "PERSON" and len(parts) >= 2:
            surnames.setdefault(parts[-1], []).append(a)
        elif a.type not in ("PERSON", "STATE") and a.derived == "ner" and _camel(a.name):
            words[a.name] = a  # "WeWork": a name no common word can be
        elif a.type == "STATE" and a.derived == "ner" and len(parts) == 1:
            places[a.name] = a  # "California", when glued to the word before it
    if not surnames and not words and not places:
        return
    cues = d.cues
    for tok in _cased_tokens(d.doc):  # every branch below needs a capital letter
        glue = _GLUED.match(tok.text)  # 'it."O'Rourke asserted', 'the plan?Buttigieg said'
        w = tok.text[glue.end() :] if glue else tok.text
        if glue and w in places:
            e = tok.idx + len(tok.text)
            if not d.overlaps(e - len(w), e):
                d.add_mention(e - len(w), e, places[w], "ner")
            continue
        if not w[:1].isupper() or w.isupper() or tok.ent_type_ not in _REPEAT_LABELS:
            continue
        if _fold(w) in cues.stop_words or _fold(w) in cues.particles:
            continue
        if (_fold(w),) in cues.titles or tok.tag_ == "NNPS":
            continue
        node = d.kb.trie.get(_fold(w))
        if node is not None and _END in node:
            continue  # "Republican", "Democrat": the knowledge base decides
        found = surnames.get(w)
        if not (
            tok.pos_ == "PROPN"
            or tok.ent_type_ == "PERSON"
            or _name_shaped(w)
            or not (tok.is_sent_start or _title_cased(d, tok.idx))
            or (found is not None and not re.search(rf"\b{re.escape(w.lower())}\b", d.text))
        ):
            continue  # a capitalised common word opening a sentence or in a headline
        method = "surname"
        if found is None or len(found) != 1:
            found = [words[w]] if w in words else None
            method = "ner"
        if not found:
            continue
        e = tok.idx + len(tok.text)
        s = e - len(w)
        if d.overlaps(s, e):
            continue
        if tok.i + 1 < len(d.doc) and d.doc[tok.i + 1].pos_ == "PROPN":
            continue  # part of a longer name: "Sanders Foundation"
        if tok.i > 0 and d.doc[tok.i - 1].pos_ == "PROPN" and d.doc[tok.i - 1].text[:1].isupper():
            name = found[0].name  # the full name the model missed: "Beto O'Rourke Revives ..."
            full = e - len(name)
            if (
                method == "surname"
                and full >= 0
                and d.text[full:e] == name
                and not d.overlaps(full, e)
            ):
                d.add_mention(full, e, found[0], "ner")
            continue
        d.add_mention(s, e, found[0], method)


_SPEAKER_LABELS = frozenset({"", "PERSON", "ORG"})
# verbs of speaking whose subject may well be a thing ("Theory suggests", "Data show")
_THING_SPEECH = frozenset({"suggest", "estimate", "predict", "note", "observe", "believe", "think"})


def _cue_word(cues: _Cues, key: str) -> bool:
    """Whether a folded word is one of the cue words no one-word name can be (stop word,
    particle, title, public head, collective noun, capitalised body, deity, type-rule
    word): shared by :func:`_speaking_names` and :func:`_acting_names`."""
    return (
        key in cues.stop_words
        or key in cues.particles
        or key in cues.not_actor_words
        or (key,) in cues.titles
        or (key,) in cues.public_heads
        or key in cues.collective_nouns
        or key in cues.capitalised_bodies
        or key in cues.not_speakers
        or any((key,) in ws for _, ws, _ in cues.type_rules)
    )


def _speaking_names(d: _Doc) -> None:
    """A one-word name the model left unlabelled, or labelled and the rules let go, that
    is the subject of a verb of speaking or writing ("Masipa said", "Chaffetz wrote",
    "Daines has said"; cue table ``speech_verbs``): someone speaks, so it is an actor, a
    PERSON (``speaker``), or the organisation of that name already found. The word is
    title-case, a proper noun (or a noun opening the sentence), with no article, no
    compound before it, and the text never writes it in lower case ("Police said",
    "Critics said" are no names); not a stop word, title, cue noun or knowledge-base
    alias; not in a headline."""
    cues = d.cues
    for tok in _cased_tokens(d.doc):
        w = tok.text
        verb = tok.head.lemma_.lower()
        if len(w) < 3 or not w[0].isupper() or not w[1:].islower() or not w.isalpha():
            continue
        # a word no dictionary knows right before a verb of speaking, whatever the parse
        # ("Turnbull on Tuesday said", "Later Rauner said", "Abiy told")
        surface = _unknown_word(d, tok) and _speech_verb_after(tok, cues.speech_verbs)
        if not surface and (
            tok.dep_ != "nsubj" or verb not in cues.speech_verbs or verb in _THING_SPEECH
        ):
            continue
        if tok.ent_type_ not in _SPEAKER_LABELS and not (
            surface and tok.ent_type_ in ("GPE", "FAC", "NORP", "PRODUCT", "WORK_OF_ART")
        ):
            continue
        if not (
            tok.pos_ == "PROPN"
            or (tok.tag_ == "NN" and tok.is_sent_start and tok.ent_type_)
            or surface
        ):
            continue  # a noun opening a sentence only where the model saw a name: "Daines"
        if any(
            c.dep_ in ("det", "compound", "poss", "amod") and c.pos_ != "ADV" for c in tok.children
        ):
            continue
        doc = tok.doc
        if any(
            0 <= k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper()
            for k in (tok.i - 1, tok.i + 1)
        ):
            continue  # part of a longer name: "Professor of Climate Prediction ... claims"
        s, e = tok.idx, tok.idx + len(w)
        if d.overlaps(s, e):
            continue
        key = _fold(w)
        if _cue_word(cues, key):
            continue
        if s > 0 and d.text[s - 1] in "\"“‘'":
            continue  # a quoted word: '"Revulsion," Haig said'
        if _names_no_actor(d, s, e):
            continue  # "Scripture tells us"
        node = d.kb.trie.get(key)
        if node is not None and _END in node:
            continue  # the knowledge base decides
        if _headline(d, s) or d.shouted[d.word_index(s)]:
            continue
        if _written_lower(d, w):
            continue  # a common word: "Police said", "Scientists said"
        actor = next(
            (a for a in d.actors.values() if a.derived == "ner" and a.name == w),
            None,
        ) or d.derived_actor(w, "PERSON", "ner")
        d.add_mention(s, e, actor, "speaker")


def _speech_verb_after(tok: Token, verbs: frozenset[str]) -> bool:
    """Whether a finite verb of speaking follows a word, perhaps past a date ("Turnbull on
    Tuesday said", "Abiy told")."""
    doc = tok.doc
    k = tok.i + 1
    while (
        k < len(doc)
        and k - tok.i <= 4
        and (doc[k].lower_ in ("on", "last", "this", ",") or doc[k].ent_type_ in ("DATE", "TIME"))
    ):
        k += 1
    if k >= len(doc) or doc[k].tag_ not in ("VBD", "VBZ"):
        return False
    lemma = doc[k].lemma_.lower()
    return lemma in verbs and lemma not in _THING_SPEECH


_OPENER_BEFORE = frozenset(".!?:;\"“”‘'([—–-\n")  # what may precede the first word of a sentence


def _opens(d: _Doc, s: int) -> bool:
    """Whether the word at ``s`` opens a sentence, a quotation or a clause after a colon
    or dash (the place where any word is capitalised)."""
    before = d.text[max(0, s - 40) : s].rstrip(" \t")
    return not before or before[-1] in _OPENER_BEFORE or bool(d.sp_token(s).is_sent_start)


def _capitalised_mid_sentence(d: _Doc, name: str, s: int) -> bool:
    """Whether the text writes ``name`` capitalised somewhere else right after a
    lower-case word, a comma or a semicolon (so not as an opener): the mark of a name,
    not of a common word that opens a sentence."""
    for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", d.text):
        prev = d.text[max(0, m.start() - 40) : m.start()].rstrip(" \t")[-1:]
        nxt = d.text[m.end() : m.end() + 40].lstrip(" \t")[:1]
        if m.start() != s and (prev.islower() or prev in (",", ";")) and not nxt.isupper():
            return True  # standing alone: not "Research" of "the Science Research Center"
    return False


def _after_given_name(d: _Doc, word: str) -> bool:
    """Whether the text writes ``word`` after another capitalised word that is no stop
    word, title or possessive ("(James) Mattis", "Sofian Abdelaziz Zakkout"): the
    surname of a person given in full somewhere."""
    for m in re.finditer(rf"\b([A-Z][a-z]+)\)? {re.escape(word)}\b", d.text):
        k = _fold(m.group(1))
        if (
            k not in d.cues.stop_words
            and (k,) not in d.cues.titles
            and not _written_lower(d, m.group(1))  # "... Emissions Walmart on Tuesday"
        ):
            return True
    return False


_NOT_ACTING = frozenset({"be", "have", "become", "seem", "remain", "appear"})


def _glued_start(d: _Doc) -> int:
    """Where the body's first sentence starts after a headline run into it (0: none)."""
    if d.parsed.title or not d.parsed.sentences:
        return 0
    if d.glued_end is None:
        d.glued_end = _glued_headline_end(d)
    return d.glued_end


def _verb_after_glued_name(d: _Doc, tok: Token) -> Token | None:
    """The finite verb right after a name that opens the body's first sentence behind a
    headline run into it, perhaps past a date ("... Slash Emissions | Walmart on Tuesday
    pledged"): the name is its subject, whatever the parse of the run-together line."""
    glued = _glued_start(d)
    if not glued or tok.idx != glued or tok.pos_ != "PROPN":
        return None
    doc = tok.doc
    k = tok.i + 1
    while k < len(doc) and (
        doc[k].lower_ in ("on", "last", "this", ",") or doc[k].ent_type_ == "DATE"
    ):
        k += 1
    if k < len(doc) and doc[k].tag_ in ("VBD", "VBZ", "VBP", "MD"):
        return doc[k]
    return None


def _acting_names(d: _Doc) -> None:
    """A capitalised proper-noun run (one to three words) the model left unlabelled
    that is the subject of a verb other than *be* or *have* ("In 2022, Gazprom cut gas
    deliveries", "Walmart pledged to ...", "DETROIT ― Theresa Landrum survived ..."),
    the agent of a passive ("a mine run by RWE", "Reached by TPM") or the one-word
    outlet a speaker told something ("Curry told TheDCNF"; MEDIA, see :func:`_told`):
    whoever does something is an actor. Linked to the actor of that name already found
    (``ner``), to a person of that surname or given name (``surname``), or else a new
    actor (``agent``): a PERSON when the run looks like a person's name (two or three
    words, no organisation cue) or the word follows a given name elsewhere in the text
    ("(James) Mattis"), otherwise an organisation (a lone name never given in full:
    "Gazprom", "Walmart"). A run that opens a sentence or quotation counts only when the
    text also writes it capitalised mid-sentence (a name recurs; "Irony", "Wildfires"
    do not). Not: a stop word, title, cue noun, knowledge-base alias, place, deity
    (``speech_verbs.not_speakers``), a word the text writes in lower case, a run after
    a number ("3200 Phaethon"), in a headline or shouted."""
    cues = d.cues
    doc = d.doc
    for tok in _cased_tokens(doc):
        if tok.ent_type_ or not (
            tok.pos_ in ("PROPN", "NOUN")
            or (tok.pos_ == "VERB" and tok.dep_ == "nsubj" and _unknown_word(d, tok))
        ):
            continue  # (a name the model tagged as a verb: "Ørsted is building")
        glued_verb = _verb_after_glued_name(d, tok)
        if tok.dep_ == "nsubj":
            role, verb = "subject", tok.head
        elif glued_verb is not None:
            role, verb = "subject", glued_verb  # the model parsed it into the headline
        elif tok.dep_ == "pobj" and tok.head.dep_ == "agent" and tok.pos_ == "PROPN":
            role, verb = "agent", tok.head.head  # "a mine run by RWE", "was reached by TPM"
        elif tok.dep_ == "dobj" and tok.head.lemma_.lower() == "tell" and tok.pos_ == "PROPN":
            role, verb = "told", tok.head  # "Curry told TheDCNF": the outlet (see _told)
        else:
            continue
        if (
            verb.pos_ != "VERB"
            or not verb.lemma_.isalpha()
            or verb.lemma_.lower() in _NOT_ACTING
            or (
                tok.tag_ in ("NNS", "NNPS")
                and (not _unknown_word(d, tok) or verb.text[:1].isupper())
            )
        ):
            continue  # plurals are collective actors (other rules); "Nunes met" is a name
            # (not "But Logins Continued" of a headline)
        if (
            role != "agent"
            and verb.tag_ in ("VB", "VBN")
            and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
        ):
            continue  # no finite clause: a table's "Change Foreign born", a misparse
        w = tok.text
        acronym = w.isalpha() and w.isupper() and 2 <= len(w) <= 6
        if not w.isalpha() or not (
            (len(w) >= 3 and w[0].isupper() and w[1:].islower()) or _camel(w) or acronym
        ):
            continue  # "Gazprom", "WeWork", "AJHS"; not "O'Brien" (other rules)
        speaks = verb.lemma_.lower() in cues.speech_verbs
        if any(
            c.dep_ in ("poss", "amod", "nummod")
            or (c.dep_ == "det" and not (acronym and speaks and c.lower_ == "the"))
            for c in tok.children
        ):
            continue  # "the IFRC said" is a name; "the JCPOA may provide" is not
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is not None and (
            (nxt.pos_ == "PROPN" and nxt.text[:1].isupper())
            or (acronym and (nxt.text == ":" or nxt.like_num))
        ):
            continue  # part of a longer name; "DB: Randy ...", "AL 303 teaches"
        if w in d.not_actors or (acronym and w in d.local_aliases):
            continue  # no actor ("CBAM", a storm's name), or an acronym the text introduced
        i = tok.i
        glued = _glued_start(d)
        while (
            not acronym
            and i > 0
            and tok.i - i < 2
            and doc[i - 1].pos_ == "PROPN"
            and doc[i - 1].dep_ == "compound"
            and doc[i - 1].head.i == tok.i
            and not doc[i - 1].ent_type_
            and doc[i - 1].text.isalpha()
            and doc[i - 1].text[:1].isupper()
            and "\n" not in doc[i - 1].whitespace_
        ):
            if doc[i - 1].idx < glued <= doc[i].idx and _written_lower(d, doc[i - 1].text):
                break  # the headline's last word: "... Slash Emissions | Walmart on Tuesday"
            if doc[i - 1].text[1:2].isupper() and not doc[i - 1].idx < glued <= doc[i].idx:
                break
            i -= 1
            if doc[i].text[1:2].isupper():
                break  # an acronym opens a name: "... Fracking | BNP Paribas"
        if (
            i >= 2
            and doc[i - 1].text in _HYPHEN_TOKENS
            and not doc[i - 1].whitespace_
            and not doc[i - 2].whitespace_
            and doc[i - 2].pos_ == "PROPN"
            and doc[i - 2].text.isalpha()
            and doc[i - 2].text[:1].isupper()
        ):
            i -= 2  # a double-barrelled surname: "Rodriguez-Lopez claimed"
        headline_before = i > 0 and doc[i - 1].idx < glued <= doc[i].idx
        if i > 0 and (
            doc[i - 1].like_num
            or (
                doc[i - 1].pos_ == "PROPN"
                and doc[i - 1].text[:1].isupper()
                and not (headline_before and _written_lower(d, doc[i - 1].text))
            )
        ):
            continue  # "3200 Phaethon", "350 Action"; a longer name the run is the end of
        if tok.pos_ == "NOUN" and i < tok.i:
            continue
        s, e = doc[i].idx, tok.idx + len(w)
        if d.overlaps(s, e):
            continue
        prev = d.text[max(0, s - 40) : s].rstrip(" \t")
        if prev[-1:] in ("/", "|") or (
            re.search(r"(?i)\b(?:the|a|an)$", prev) and not (acronym and speaks)
        ):
            continue  # a credit or byline ("Sam Greene/Cincinnati Enquirer"); "The Conference of"
        if (
            i > 0
            and doc[i - 1].text[:1].isupper()
            and doc[i - 1].is_alpha
            and not doc[i - 1].is_stop
            and not (headline_before and _written_lower(d, doc[i - 1].text))
        ):
            continue  # the end of a longer name: "Open Hillel"
        words = alias_key(d.text[s:e])
        run = [t for t in doc[i : tok.i + 1] if t.is_alpha]
        if any(
            _cue_word(cues, k) or k in cues.role_nouns or _written_lower(d, t.text)
            for t, k in ((t, _fold(t.text)) for t in run)
        ):
            continue
        if _names_no_actor(d, s, e) or _storm_name(d, s, e) or words[-1].endswith("ism"):
            continue  # "Holy Communion", "hurricanes Harvey and Irma", "Nazism"
        node = d.kb.trie.get(words[0]) if len(words) == 1 else None
        if node is not None and _END in node:
            continue  # the knowledge base decides
        if d.shouted[d.word_index(s)] or any(
            d.shouted[k] for k in range(d.word_index(s), d.word_index(e))
        ):
            continue
        if _headline(d, s):
            continue
        if _title_cased(d, e - 1) and not (d.glued_end and s < d.glued_end < e):
            continue  # a title-case line; but a name run across a glued headline's end counts
        name = re.sub(r"\s+", " ", d.text[s:e])
        if (
            (tok.pos_ == "NOUN" or _opens(d, s))
            and not _capitalised_mid_sentence(d, name, s)
            and not (
                len(run) == 1
                and _unknown_word(d, tok)
                and (tok.i + 1 >= len(doc) or doc[tok.i + 1].text != ",")  # "Nope, ..."
                and verb.lemma_.lower() in (_dictionary(doc.vocab) or ())  # "Whosoever resisteth"
            )
        ):
            continue  # an opener: only a name the text also writes mid-sentence, or one word
            # that is no common word ("Hagel didn't succeed"), subject of a known verb
        actor = next(
            (a for a in d.actors.values() if a.derived == "ner" and a.name == name),
            None,
        )
        method = "ner"
        single = " " not in name  # one word, or a double-barrelled one
        if actor is None and single:
            actor = _person_by_surname(d, words, s) or (
                _person_by_given_name(d, words[0], s) if len(words) == 1 else None
            )
            method = "surname"
        if actor is None:
            if _fold(w) in d.place_words:
                continue  # a name this text uses as a place
            method = "agent"
            person = (
                not single
                and _person_like(d, name)
                and not any(k in cues.modified_heads for k in words)  # not "Wall Street"
            ) or (single and _after_given_name(d, name))
            typ = "PERSON" if person else "ORG"
            if role == "told":
                if person or not single or not _told(d, s, e):
                    continue  # "told Jones to leave": whom, not which outlet
                typ = "MEDIA"
            actor = d.derived_actor(name, typ, "ner")
        d.add_mention(s, e, actor, method)


_NUMERIC_LABELS = frozenset({"MONEY", "CARDINAL", "QUANTITY", "PERCENT"})
_THING_LABELS = frozenset({"DATE", "TIME", "PRODUCT", "WORK_OF_ART"})


def _one_word_unknown_entity(d: _Doc, tok: Token) -> bool:
    """Whether a token is a one-word entity of the model that no dictionary knows
    ("Romney" as PRODUCT, "Mateen" as DATE)."""
    doc = tok.doc
    alone = tok.ent_iob_ == "B" and (tok.i + 1 >= len(doc) or doc[tok.i + 1].ent_iob_ != "I")
    return alone and _unknown_word(d, tok)


_ABSTRACT = ("ism", "ment", "tion", "sion", "ity", "ness")  # endings of abstract nouns
_PERSONAL = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})


def _person_evidence(tok: Token, verbs: frozenset[str], roles: frozenset[str]) -> bool:
    """Whether the sentence treats a one-word name as a person: the object of a verb
    whose object is a person, or the subject of its passive ("shot Steenkamp", "Mateen
    was interviewed"), the subject of "be" with a role noun ("Sessions was the first
    senator"; cue table ``role_nouns``), followed by a relative "who" ("Chaffetz, who
    criticized"), or the subject of a clause with a personal pronoun later in the
    sentence and no other person between ("Kelly brought ... in his view")."""
    doc = tok.doc
    if tok.dep_ in ("dobj", "nsubjpass") and tok.head.lemma_.lower() in verbs:
        return True
    if tok.dep_ == "nsubj" and tok.head.lemma_ == "be":
        attr = next((c for c in tok.head.children if c.dep_ == "attr"), None)
        if attr is not None and attr.pos_ == "NOUN" and attr.lemma_.lower() in roles:
            return True
    k = tok.i + 1
    if k < len(doc) and doc[k].text == ",":
        k += 1
    if (
        k < len(doc)
        and doc[k].lower_ == "who"
        and doc[k].head.dep_ == "relcl"
        and doc[k].head.head.i == tok.i
    ):
        return True  # "who" relates to the name: not "converts to Catholicism, who want"
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    own = {t.i for t in tok.subtree}  # "Impeachment for her": inside the subject itself
    for t in doc[tok.i + 1 : tok.sent.end]:
        if t.i in own:
            continue
        if t.ent_type_ == "PERSON":
            return False  # another person: the pronoun may be theirs
        if t.lower_ in _PERSONAL and t.pos_ == "PRON":
            return True
    return False


_SPEAKER_LABEL = re.compile(r"(?m)^[ \t]*([A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]+){0,2}):[ \t]+(?=\S)")


def _transcript_speakers(d: _Doc) -> None:
    """A shouted name that opens a line before a colon, as a transcript writes who speaks
    ("BANNON: No, I think ...", "CHUCK TODD: Welcome back"): a PERSON (``speaker``), the
    person of that surname when one was named, when no word of the label is a common word
    (not "UPDATE:", "THE FACTS:") or the text also writes the name in title case, and it is
    no title or knowledge-base name."""
    labels = [m for m in _SPEAKER_LABEL.finditer(d.text) if len(m.group(1)) >= 3]
    if not labels:
        return
    words_known = _dictionary(d.doc.vocab)
    for m in labels:
        s, e = m.span(1)
        name = " ".join(w.capitalize() for w in m.group(1).split())
        keys = alias_key(name)
        if d.overlaps(s, e) or not keys or any(not w.isalpha() for w in name.split()):
            continue
        if any(_cue_word(d.cues, k) for k in keys):
            continue
        node = d.kb.trie.get(keys[0]) if len(keys) == 1 else None
        if node is not None and _END in node:
            continue  # "NATO:": the knowledge base decides
        common = words_known is None or any(k in words_known for k in keys)
        if common and re.search(rf"\b{re.escape(name)}\b", d.text) is None:
            continue
        p = _person_by_surname(d, keys[-1:], s)
        actor = (
            p
            or next((a for a in d.actors.values() if a.derived == "ner" and a.name == name), None)
            or d.derived_actor(name, "PERSON", "ner")
        )
        d.add_mention(s, e, actor, "speaker")


def _copula_kind(tok: Token, nouns: frozenset[str]) -> bool:
    """Whether a name is the subject of "be" with a noun naming a kind of organisation
    ("Glencore is the largest coal miner"; cue table ``name_context.organisation_nouns``)."""
    if tok.dep_ != "nsubj" or tok.head.lemma_ != "be":
        return False
    attr = next((c for c in tok.head.children if c.dep_ == "attr"), None)
    return attr is not None and attr.pos_ == "NOUN" and attr.lemma_.lower() in nouns


def _persons_by_context(d: _Doc) -> None:
    """A one-word name the model left unlabelled (or labelled and the rules let go) that
    its sentence treats as a person (see :func:`_person_evidence`; cue table
    ``person_context``): a PERSON (``person_cue``), or the person of that surname already
    seen; the subject of "be" with a kind of organisation ("Glencore is the largest coal
    miner"): an ORG (``name_cue``). Same guards as :func:`_speaking_names`: title-case, a proper noun (or a
    sentence-opening noun), no article or modifier, no part of a longer name, not a
    cue word, quoted word, knowledge-base alias, headline or shouted word, and a word the
    text never writes in lower case."""
    cues = d.cues
    doc = d.doc
    for tok in _cased_tokens(doc):
        w = tok.text
        if len(w) < 3 or not (w[0].isupper() and w[1:].islower() and w.isalpha()):
            continue
        if (
            tok.ent_type_ not in _SPEAKER_LABELS
            and tok.ent_type_ not in _NUMERIC_LABELS
            and not (tok.ent_type_ in _THING_LABELS and _one_word_unknown_entity(d, tok))
        ):
            continue  # (a name the model took for a number: "Mateen" as MONEY; or for a
            # date or a product, when no dictionary knows it: "Romney" as PRODUCT)
        if tok.tag_ in ("NNS", "NNPS") and not _unknown_word(d, tok) and not _singular_subject(tok):
            continue  # a plural noun; not "Nunes", "Sessions was"
        if not (tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and tok.is_sent_start)):
            continue
        if any(c.dep_ in ("det", "compound", "poss", "amod", "nummod") for c in tok.children):
            continue
        if any(
            0 <= k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper()
            for k in (tok.i - 1, tok.i + 1)
        ):
            continue  # part of a longer name
        s, e = tok.idx, tok.idx + len(w)
        if d.overlaps(s, e):
            continue
        if _person_evidence(tok, cues.person_object_verbs, cues.role_nouns) or (
            tok.dep_ == "poss"
            and any(
                t.lower_ in cues.person_possessions
                for t in (tok.head, *(c for c in tok.head.children if c.dep_ == "compound"))
            )
            and _unknown_word(d, tok)
        ):
            typ = "PERSON"  # (or "Lugar's political career", "Kavanaugh's confirmation vote")
        elif _copula_kind(tok, cues.organisation_nouns):
            typ = "ORG"  # "Glencore is the largest coal miner"
        else:
            continue
        if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of":
            continue  # an office: "appointed Consultor of the Secretariat"
        if w.endswith("ing") and not _unknown_word(d, tok):
            continue  # a gerund opening a sentence: "Retailing these lies ought to hurt her"
        key = _fold(w)
        if _cue_word(cues, key) or key in cues.role_nouns or key.endswith(_ABSTRACT):
            continue  # "Catholicism", "Impeachment": no person
        if s > 0 and d.text[s - 1] in "\"“‘'":
            continue  # a quoted word
        if _names_no_actor(d, s, e) or _storm_name(d, s, e) or w in d.not_actors:
            continue
        node = d.kb.trie.get(key)
        if node is not None and _END in node:
            continue  # the knowledge base decides
        if _headline(d, s) or d.shouted[d.word_index(s)] or _written_lower(d, w):
            continue
        p = _person_by_surname(d, (key,), s) if typ == "PERSON" else None
        if p is not None:
            d.add_mention(s, e, p, "surname")
            continue
        actor = next(
            (a for a in d.actors.values() if a.derived == "ner" and a.name == w),
            None,
        ) or d.derived_actor(w, typ, "ner")
        d.add_mention(s, e, actor, "person_cue" if typ == "PERSON" else "name_cue")


def _coordinated_names(d: _Doc) -> None:
    """A one-word proper noun the model left unlabelled, coordinated with a name already
    linked to a person or an organisation ("to join Heitkamp and Manchin"): an actor of
    the same type (``agent``), when it is no common word (see :func:`_unknown_word`), does
    not open a sentence and is no part of a longer name, cue word or knowledge-base alias."""
    by_root = {m.root_i: m for m in d.mentions if m.method != "pronoun"}
    if not by_root:
        return
    doc = d.doc
    for tok in _cased_tokens(doc):
        if tok.ent_type_ or tok.pos_ != "PROPN" or tok.dep_ != "conj":
            continue
        w = tok.text
        if len(w) < 3 or not (w[0].isupper() and w[1:].islower() and w.isalpha()):
            continue
        m = by_root.get(tok.head.i)
        other = d.actors.get(m.actor) if m is not None else None
        if other is None or other.type not in ("PERSON", "ORG"):
            continue
        first = tok.head
        while first.dep_ == "conj" and first.head.i < first.i:
            first = first.head
        if any(t.ent_type_ in ("GPE", "LOC", "FAC") for t in (*first.conjuncts, first)):
            continue  # a list of places: "Athens, Bramwell and Oakvale"
        if any(
            0 <= k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper()
            for k in (tok.i - 1, tok.i + 1)
        ):
            continue  # part of a longer name
        s, e = tok.idx, tok.idx + len(w)
        key = _fold(w)
        if d.overlaps(s, e) or _opens(d, s) or _cue_word(d.cues, key):
            continue
        if not _unknown_word(d, tok) or _headline(d, s) or d.shouted[d.word_index(s)]:
            continue
        node = d.kb.trie.get(key)
        if node is not None and _END in node:
            continue  # the knowledge base decides
        actor = next(
            (a for a in d.actors.values() if a.derived == "ner" and a.name == w),
            None,
        ) or d.derived_actor(w, other.type, "ner")
        d.add_mention(s, e, actor, "agent")


def _named_after_kind(d: _Doc) -> None:
    """A capitalised proper-noun run the model left unlabelled right after a lower-case
    noun saying what kind of organisation it is ("the environmental group Defenders of
    Wildlife", "the natural gas company Western LNG", "the watchdog Climate
    Investigations Center", "the magazine GreenTechMedia"; cue table
    ``name_context.organisation_nouns``): an organisation (MEDIA after a newsroom kind:
    website, newspaper, outlet, broadcaster, publisher, magazine), method
    ``apposition``. The run may hold "of"/"for" (+ "the") before a capitalised word.
    Not a title ("including Reps. Waters"), a stop word, a knowledge-base name, in a
    headline or shouted."""
    cues = d.cues
    doc = d.doc
    n = len(doc)
    for t in _tokens_lowered_in(doc, cues.organisation_nouns):
        if t.i + 1 >= n or not t.is_lower:
            continue
        first = doc[t.i + 1]
        if (
            first.pos_ != "PROPN"
            or first.ent_type_
            or not first.text[:1].isupper()
            or not first.is_alpha
            or "\n" in t.whitespace_
        ):
            continue
        j = t.i + 1
        while j + 1 < n and j - t.i < 6 and "\n" not in doc[j].whitespace_:
            nxt = doc[j + 1]
            if nxt.pos_ == "PROPN" and nxt.text[:1].isupper():
                j += 1  # "Western LNG", though the model took "LNG" for a name of its own
                continue
            k = j + 1
            if nxt.lower_ in ("of", "for"):
                k += 1
                if k < n and doc[k].lower_ == "the":
                    k += 1
                if (
                    k < n
                    and doc[k].pos_ == "PROPN"
                    and doc[k].text[:1].isupper()
                    and not doc[k].ent_type_
                ):
                    j = k
                    continue
            break
        s, e = first.idx, doc[j].idx + len(doc[j])
        if d.overlaps(s, e):
            continue
        words = alias_key(d.text[s:e])
        key = _fold(first.text)
        if (
            key in cues.stop_words
            or (key,) in cues.titles
            or key in cues.not_actor_words
            or key in cues.not_speakers
            or _names_no_actor(d, s, e)
            or (j == t.i + 1 and _written_lower(d, first.text))
        ):
            continue  # one word the text writes in lower case is a common word
        node: Any = d.kb.trie
        for w in words:
            node = node.get(w) if node is not None else None
        if node is not None and _END in node:
            continue  # the knowledge base decides
        if _headline(d, s) or _title_cased(d, s) or d.shouted[d.word_index(s)]:
            continue
        name = re.sub(r"\s+", " ", d.text[s:e])
        typ = "MEDIA" if t.lower_ in cues.media_kinds else "ORG"
        actor = next(
            (a for a in d.actors.values() if a.derived == "ner" and a.name == name),
            None,
        ) or d.derived_actor(name, typ, "ner")
        d.add_mention(s, e, actor, "apposition")


def _written_lower(d: _Doc, word: str) -> bool:
    """Whether the text also writes ``word`` in lower case as a word of its own (not
    inside a hyphenated compound): "Weather is ..." where "weather" occurs too. Cached
    per text: the rules ask it of many candidates, each a scan of the whole text."""
    low = word.lower()
    found = d.written_lower.get(low)
    if found is None:
        found = re.search(rf"(?<![\w-]){re.escape(low)}(?![\w-])", d.text) is not None
        d.written_lower[low] = found
    return found


_WORDS_LOCK = threading.Lock()
_WORDS: list[tuple[Any, frozenset[str] | None]] = []  # (vocab, its pipeline's word list)


def _dictionary(vocab: Any) -> frozenset[str] | None:
    """The lower-case common words (lemmas of nouns, verbs, adjectives, adverbs) the
    pipeline's rule lemmatizer knows (its ``lemma_index`` table, from WordNet), or None
    when the pipeline that made ``vocab`` has none (a blank or lookup-only pipeline).
    Read once per pipeline."""
    with _WORDS_LOCK:
        for v, words in _WORDS:
            if v is vocab:
                return words
        from . import nlp as _nlp  # the pipelines get_nlp loaded; no new load here

        words = None
        for pipe in list(getattr(_nlp, "_PIPELINES", {}).values()):
            if pipe.vocab is not vocab or "lemmatizer" not in pipe.pipe_names:
                continue
            lookups = getattr(pipe.get_pipe("lemmatizer"), "lookups", None)
            if lookups is not None and "lemma_index" in lookups.tables:
                table = lookups.get_table("lemma_index")
                words = frozenset(w for pos in table.values() for w in pos)
            break
        _WORDS.append((vocab, words))
        return words


#: parts of speech that never name anyone
_CLOSED_POS = frozenset({"AUX", "DET", "PRON", "ADP", "CCONJ", "SCONJ", "PART", "NUM", "INTJ"})


def _unknown_word(d: _Doc, tok: Token) -> bool:
    """Whether a capitalised word is no common English word (neither it nor its lemma
    is in the lemmatizer's dictionary: "Enriquez", "Hagel", not "Weather", "Wildfires",
    "Kelly"): a name, wherever it stands. False when the pipeline has no dictionary."""
    words = _dictionary(d.doc.vocab)
    if not words or not tok.is_alpha or tok.is_stop or tok.pos_ in _CLOSED_POS:
        return False  # "Having said that": a function word the dictionary leaves out
    low = tok.lower_
    stem = low[:-1] if low.endswith("s") else low
    if low.endswith("ing") and (low[:-3] in words or low[:-3] + "e" in words):
        return False  # "Having" (have), "Making" (make): a verb form, not a name
    return low not in words and tok.lemma_.lower() not in words and stem not in words


def _org_not_people(d: _Doc, s: int, e: int) -> bool:
    """Whether a one-word nationality or group to the model is an organisation's name: a
    proper noun standing as a noun (subject, object, in a list), no common word or
    people the lemmatizer's dictionary knows (it holds the nationalities: "American",
    "Kurd") nor a knowledge-base name ("campaign groups including Bankwatch")."""
    span = d.doc.char_span(s, e) if s < e else None
    if span is None or len(span) != 1:
        return False
    tok = span[0]
    if tok.pos_ != "PROPN" or tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj"):
        return False
    if not (tok.text[:1].isupper() and tok.text[1:].islower()) or not _unknown_word(d, tok):
        return False
    key = _fold(tok.text)
    if key.endswith(d.cues.demonym_suffixes + _ABSTRACT) or any(
        c.dep_ in ("det", "amod", "compound", "poss") for c in tok.children
    ):
        return False  # "the Kasperians" (a faction), "Jewishness", "a Jewish Bantustan"
    node = d.kb.trie.get(key)
    return node is None or _END not in node


def _place_acts(d: _Doc, s: int, e: int) -> bool:
    """Whether a place name ("Silicon Valley", "the Gulf Coast") is the subject of a verb
    other than *be*: it acts or suffers ("Silicon Valley is investing", "the Gulf Coast was
    hit hardest"), standing for its people or industry."""
    words = alias_key(d.text[s:e])
    if not words or words[-1] not in d.cues.peopled_place_heads:
        return False  # "the Thames River froze", "Mandalay Bay": no people or industry
    root = d.span_root(s, e)
    return (
        root.dep_ in ("nsubj", "nsubjpass")
        and root.head.pos_ == "VERB"
        and root.head.lemma_ not in ("be", "have", "lie", "sit", "stretch")
    )


def _person_not_place(d: _Doc, s: int, e: int) -> bool:
    """Whether a one-word place to the model is a person's name: no common word or place
    the lemmatizer's dictionary knows (it holds many places: "Dallas", "Paris"), and it
    stands where a person does: coordinated with a person ("kudos to Gervais and Najle")
    or the source after "according to" ("According to Kaku")."""
    span = d.doc.char_span(s, e) if s < e else None
    if span is None or len(span) != 1:
        return False
    tok = span[0]
    if not (tok.text[:1].isupper() and tok.text[1:].islower()) or not _unknown_word(d, tok):
        return False
    if tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lower_ == "according":
        return True
    subject = tok.dep_ in ("nsubj", "nsubjpass")  # "Tanya and Jason Badger said": one subject
    conjuncts = [
        c for c in tok.children if c.dep_ == "conj" and (subject or not _clause_subject(c))
    ]
    if tok.dep_ == "conj":
        conjuncts.append(tok.head)
    return any(c.ent_type_ == "PERSON" for c in conjuncts)


def _clause_subject(tok: Token) -> bool:
    """Whether a conjunct of an object is really the subject of the next clause, the parse
    having joined two clauses at "and" ("to attack Afrin and President Erdogan has
    threatened Manbij"): a finite auxiliary or verb follows its phrase straight away."""
    nxt = tok.right_edge.i + 1
    if nxt >= len(tok.doc):
        return False
    t = tok.doc[nxt]
    return t.dep_ in ("aux", "auxpass") or (
        t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBZ", "VBD", "VBP", "MD")
    )


def _singular_subject(tok: Token) -> bool:
    """Whether a word is the subject of a singular present verb or of "was" ("Sanders
    has", "Sanders is", "Sanders was"): no plural common noun, whatever its tag."""
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = tok.head
    finite = [c for c in verb.children if c.dep_ in ("aux", "auxpass")] + [verb]
    return any(t.tag_ == "VBZ" or t.lower_ == "was" for t in finite)


def _unlabelled_names(d: _Doc) -> None:
    """Capitalised proper-noun runs the model gave no entity label, outside headlines:

    - after a title, a person (``titled_name``): "Cardinal McCarrick", "Mayor Rahm";
    - two or three name-shaped words with a role after them, a person (``ner``):
      "Andres Restrepo, a lawyer with the Sierra Club";
    - two or more words ending in a type cue, an organisation or body (``name_cue``):
      "Capitol Police", "Mediatrix Press", "Jihad Watch" (typed by that last word).
    """
    from spacy.attrs import ENT_IOB, POS
    from spacy.parts_of_speech import PROPN

    doc = d.doc
    cues = d.cues
    n = len(doc)
    arr = doc.to_array([POS, ENT_IOB])
    mask = (arr[:, 0] == PROPN) & ((arr[:, 1] == 2) | (arr[:, 1] == 0))
    free = [int(k) for k in mask.nonzero()[0]]
    free_set = set(free)
    done = -1
    for i in free:
        if i <= done:
            continue
        t = doc[i]
        if not t.text[:1].isupper():
            continue
        j = i
        while j < n:
            if (
                j in free_set
                and doc[j].text[:1].isupper()
                and (j == i or "\n" not in doc[j - 1].whitespace_)
            ):
                j += 1
            elif (
                j > i
                and doc[j].tag_ == "POS"
                and j + 1 < n
                and j + 1 in free_set
                and doc[j + 1].text[:1].isupper()
            ):
                j += 2  # "Our Children's Trust", "Women's March": a possessive inside the name
            else:
                break
        done = j - 1
        s, e = t.idx, doc[j - 1].idx + len(doc[j - 1])
        if d.overlaps(s, e):
            continue
        if _headline(d, t.idx) or any(
            d.shouted[k] for k in range(d.word_index(s), d.word_index(e))
        ):
            continue
        if j < n and doc[j].ent_type_ == "PERSON":
            continue  # "Mayor Rahm" + "Emanuel": the entity decides
        start, role = _title_prefix(d, s, e)
        if role is None:
            for k in range(d.word_index(s) + 1, min(d.word_index(e), d.word_index(s) + 3)):
                inner, inner_role = _title_prefix(d, d.toks[k][1], e)
                if (
                    inner_role is not None
                    and inner < e
                    and (
                        " " not in d.text[inner:e]
                        or _person_like(d, re.sub(r"\b[A-Z]\.\s*", "", d.text[inner:e]))
                    )
                ):
                    start, role = inner, inner_role  # "Police | Chief U. Reneé Hall"
                    break  # not "Climate Justice | Resiliency Fund"
        if role is not None and start < e and not d.text[start].isupper():
            start, role = s, None  # "Sheriff’s Office": the title's possessive, no name after it
        if role is not None and start < e:
            key = alias_key(d.text[start:e])
            alpha = [k for k in key if k.isalpha()]  # "U. Reneé Hall": the initial's dot aside
            if (
                not 1 <= len(alpha) <= 3
                or any(k in cues.stop_words for k in key)
                or any(k in cues.role_nouns or (k,) in cues.titles for k in alpha)
            ):  # "Deputy Director", "Chief Administrative Officer": a title, no name
                continue
            person = _person_by_surname(d, key, start) or next(
                (a for a in d.actors.values() if a.type == "PERSON" and _name_keys(d, a)[0] == key),
                None,
            )
            if person is None:
                person = d.derived_actor(d.text[start:e], "PERSON", "ner", role=role)
            d.add_mention(start, e, person, "titled_name")
            continue
        words = alias_key(d.text[s:e])
        if len(words) < 2 or role is not None:
            continue
        if (
            len(words) <= 3
            and _person_like(d, d.text[s:e])
            and not any(k in cues.stop_words for k in words)
            and _role_apposition(d, e)
            and not _title_cased(d, s)
        ):
            person = _person_by_surname(d, words[-1:], s) or d.derived_actor(
                _name_of(d, s, e), "PERSON", "ner"
            )  # "Andres Restrepo, a lawyer with the Sierra Club"
            d.add_mention(s, e, person, "ner")
            continue
        has_state = _country_inside(d, s, e) is not None
        typ = None
        grams = {words[k : k + m] for m in (1, 2, 3) for k in range(len(words) - m + 1)}
        if grams & cues.public_markers and (words[-1],) in cues.public_heads:
            typ = "STATE_BODY"
        for rtyp, rwords, needs_state in cues.type_rules:
            if typ is None and (words[-1],) in rwords and (has_state or not needs_state):
                typ = rtyp
        for rtyp, rwords, _ in cues.type_rules:
            if typ is None and (words[-1],) in rwords:
                typ = rtyp  # "Capitol Police": a public body though no state is named
        if typ is None and _company_name(d, words):
            typ = "ORG"  # "Peabody Energy filed for bankruptcy"
        if typ is None:
            continue
        if i > 0 and doc[i - 1].tag_ == "PRP$" and doc[i - 1].text[:1].isupper():
            s = doc[i - 1].idx  # "Our Children's Trust": the capitalised pronoun is in the name
        name = re.sub(r"\s+", " ", d.text[s:e])
        start = s - 4 if d.text[max(0, s - 4) : s].lower() == "the " else s
        actor = next(
            (a for a in d.actors.values() if a.derived == "ner" and _name_keys(d, a)[0] == words),
            None,
        ) or d.derived_actor(name, typ, "ner", country=_country_inside(d, s, e))
        d.add_mention(start, e, actor, "name_cue")


def _company_name(d: _Doc, words: Sequence[str]) -> bool:
    """Two or three words ending in a company's last word, not a kind of energy:
    "Peabody Energy", "Arch Coal" (cue table ``company_heads``); not "Clean Energy"."""
    cues = d.cues
    return (
        2 <= len(words) <= 3
        and words[-1] in cues.company_heads
        and words[0] not in cues.company_not_first
        and words[0] not in cues.company_heads
        and words[0] not in cues.stop_words
    )


def _energy_kind(d: _Doc, words: Sequence[str]) -> bool:
    """Two words naming a kind of energy or fuel ("Clean Energy", "Natural Gas", "Solar
    Power"): the first in ``company_heads.not_first``, the last in its ``heads``."""
    cues = d.cues
    return len(words) == 2 and words[0] in cues.company_not_first and words[1] in cues.company_heads


def _acronym_intro(d: _Doc, end: int, actor: _Actor) -> None:
    """Register "Name (ABC)" and "Name, known as ABC" as local aliases of ``actor``."""
    tail = d.text[end : end + 60]
    m = _ACRO_INTRO.match(tail) or _KNOWN_AS.match(tail)
    if not m:
        return
    for part in re.split(r"\s*/\s*", m.group(1)):
        if sum(ch.isupper() for ch in part) >= 2 and part not in d.local_aliases:
            d.local_aliases[part] = actor.id


def _body_words(cues: _Cues) -> dict[str, frozenset[tuple[str, ...]]]:
    """The one-word keys of the type rules by type: words that name a kind of body."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for typ, ws, _ in cues.type_rules:
        out.setdefault(typ, set()).update(k for k in ws if len(k) == 1)
    return {t: frozenset(ws) for t, ws in out.items()}


def _body_named(ent: Any, body_words: Mapping[str, frozenset[tuple[str, ...]]]) -> bool:
    """An entity the model called a facility, law or product whose last word names a
    public body or an organisation ("the Aden Policy Forum" and "Rainforest Action
    Network" as FAC), or an event or work whose last word names an outlet ("the Dallas
    Morning News" as an EVENT): an organisation. Not "The Energy Gang" (a podcast)."""
    if ent.label_ not in _NER_BLOCKING_LABELS or len(ent) < 2:
        return False
    last = ent[-1]
    key = (_fold(last.text),)
    if not last.text[:1].isupper():
        return False
    if ent.label_ in ("EVENT", "WORK_OF_ART"):
        return key in body_words.get("MEDIA", frozenset())
    return any(key in body_words.get(t, frozenset()) for t in ("STATE_BODY", "IGO", "ORG", "MEDIA"))


def _storm_name(d: _Doc, s: int, e: int) -> bool:
    """A name after or starting with a storm word ("Superstorm Sandy", "supertyphoon Haiyan",
    "Hurricane Katrina"; cue table ``name_context.storm_words``) names a weather event, not a
    person: the name (without the storm word) is no actor anywhere in the text."""
    i, j = d.word_index(s), d.word_index(e)
    words = tuple(t[0] for t in d.toks[max(0, i - 2) : j])
    k = min(i, 2)  # words[k:] are the entity's own words
    for sw in d.cues.storm_words:
        n = len(sw)
        if words[k : k + n] == sw and j - i > n:
            d.not_actors.add(d.text[d.toks[i + n][1] : e])
            return True
        if k >= n and words[k - n : k] == sw:
            d.not_actors.add(d.text[s:e])
            return True
    return False


_ORG_APPOSITION = re.compile(r"\b([a-z][a-z-]+),\s*$")


def _org_apposition(d: _Doc, s: int, e: int) -> bool:
    """Whether the name at ``s:e`` stands between commas right after an organisation
    noun ("a Texas-based company, Defense Distributed, ..."; ``organisation_nouns``)."""
    m = _ORG_APPOSITION.search(d.text, max(0, s - 40), s)
    if m is None or m.group(1) not in d.cues.organisation_nouns:
        return False
    return d.text[e : e + 1] in (",", ";", ")") or d.text[e : e + 2] in (". ", ".\n")


def _names_no_actor(d: _Doc, s: int, e: int) -> bool:
    """Whether the name at ``s:e`` ends in a phrase of the cue table ``not_actor_names``
    ("Holy Communion", "Confession and Holy Communion", "the Geminids")."""
    key = alias_key(d.text[s:e])
    return any(key[k:] in d.cues.not_actor_names for k in range(max(0, len(key) - 3), len(key)))


def _ner_entity(d: _Doc, ent: Any, s: int, e: int) -> None:
    cues = d.cues
    if d.text[s:e] in d.not_actors or _storm_name(d, s, e):
        return  # "Superstorm Sandy", then "Sandy": a storm, not a person
    if _names_no_actor(d, s, e):
        return  # "Holy Communion", "the Geminids": a rite, a meteor shower
    label = "ORG" if ent.label_ in _NER_BLOCKING_LABELS else ent.label_
    if label == "NORP" and _org_not_people(d, s, e):
        label = "ORG"  # "campaign groups including Bankwatch"
    personal = label == "GPE" and _person_not_place(d, s, e)
    if personal:
        label = "PERSON"  # "kudos to Gervais and Najle", "according to Kaku"
    if (
        label in ("ORG", "NORP", "GPE")
        and alias_key(d.text[s:e]) in d.cues.titles
        and _org_by_head(d, alias_key(d.text[s:e])[0], s) is None  # "Justice" for the department
    ):
        return  # "Fr.", "Msgr.", "Archbishop": a title alone
    if label in ("PERSON", "ORG"):
        e = _extend_name(d, s, e)
        e = _trim_headline_verb(d, s, e)
        s, e = _trim_run_in_words(d, s, e)
    if label == "PERSON" and _before_company_role(d, e):
        label = "ORG"  # "Twitter CEO Jack Dorsey": the company, then its chief
    idx = [i for i in range(d.word_index(s), d.word_index(e)) if d.toks[i][2] <= e]
    if not idx:
        return
    if (
        len(idx) == 1
        and label in ("PERSON", "ORG", "NORP")
        and d.raw[idx[0]][:1].isupper()
        and not d.raw[idx[0]].isupper()
        and not d.shouted[idx[0]]
    ):
        p = _person_by_surname(d, (d.toks[idx[0]][0],), s)
        if p is not None:  # before the common-word checks: "Sanders" (NNS to the model)
            _add_surname(d, s, e, p, label)
            return
        p = _person_by_given_name(d, d.toks[idx[0]][0], s) if label != "NORP" else None
        if p is not None:  # "Bernie" after "Bernie Sanders"
            d.add_mention(s, e, p, "given_name")
            return
        group = _group_of_singular(d, s, e, d.toks[idx[0]][0])
        if group is not None:  # "Houthi missile sites": the Houthis, like a demonym
            d.add_mention(s, e, d.kb_actor(group), "demonym")
            return
    nxt = d.word_index(e)
    if (
        nxt < len(d.toks)
        and d.toks[nxt][0] in cues.resident_heads
        and d.raw[nxt].islower()
        and len(idx) <= 3
    ):
        return  # "Ulaanbaatar residents": a place naming a group (see _link_collectives)
    words = [d.toks[i][0] for i in idx if d.raw[i][:1].isalnum()]
    raws = [d.raw[i] for i in idx if d.raw[i][:1].isalnum()]
    if not words or not any(r[:1].isupper() for r in raws):
        return
    if any(d.shouted[i] for i in idx):
        return  # shouted headline words: "SHOULD", "REPORTS"
    if any(c.start <= s and e <= c.end for c in d.demonyms):
        return  # "Lebanese", "Ukrainian": the demonym rules decide
    span = d.doc.char_span(s, e, alignment_mode="expand")
    org_noun = False  # a name right after an organisation noun ("the company Covanta")
    if label == "NORP" and span is not None and _identity_group(d, span):
        return  # "Muslim leaders", "Aboriginal elders": the group, not the adjective
    if span is not None:
        if any(
            t.tag_ in _FINITE or (t.pos_ == "PRON" and not (t.i == span.start and t.tag_ == "PRP$"))
            for t in span
        ) and not (
            len(span) > 1
            and span.start > 0
            and all(t.text[:1].isupper() for t in span)
            and d.doc[span.start - 1].tag_ == "NN"
            and d.doc[span.start - 1].text in d.cues.organisation_nouns
        ):  # "the newspaper Die Tagespost" names the paper, whatever the tag of "Die"
            if label == "PERSON" or not _org_apposition(d, s, e):
                return  # a headline run together: "Europe Must Stop", "Carbon Border Is Coming"
            label = "ORG"  # "a Texas-based company, Defense Distributed, ..." (VBD to the model)
            org_noun = True
        if len(span) > 1 and span[-1].tag_ == "IN" and span[-1].text[:1].isupper():
            return  # ends in a preposition: "Coal Miners Rally Behind", "Republican Assault On"
        if span[0].tag_ == "PRP$" and (len(span) < 3 or _title_cased(d, span.start_char)):
            return  # "Our Planet" in a headline; "Our Children's Trust" is a name
        if label == "NORP" and len(span) == 1 and _state_like_head(d, span[0]):
            people = d.derived_actor(_name_of(d, s, e), "GROUP", "people")
            d.add_mention(s, e, people, "demonym")  # "Kurdish forces", "Western sanctions"
            return
        if (
            len(span) == 1
            and span[0].pos_ in ("VERB", "ADJ")
            and not (_camel(span[0].text) and _unknown_word(d, span[0]))
        ):
            return  # "Tighten", "VOTE": common words the model took for names ("BloombergNEF" is one)
        if label in ("PERSON", "ORG") and _names_a_thing(d, span):
            return  # "the Paso del Norte bridge", "the H-2A program", "the carrier Galaxy Leader"
        if label in ("PERSON", "ORG") and _energy_kind(d, words):
            return  # "Clean Energy", "Solar Power": a kind of energy, not a company
        if label == "PERSON" and _company_name(d, words):
            label = "ORG"  # "Arch Coal"
        if (
            label in ("PERSON", "GPE", "NORP", "LOC")
            and _after_noun(d, span, d.cues.organisation_nouns)
            and not (
                label == "PERSON"
                and d.doc[span.start - 1].lower_ in d.cues.job_nouns
                and len(span) == 2
                and _person_like(d, d.text[s:e])
            )  # "newspaper publisher Rupert Murdoch": a person's job
        ):
            label = "ORG"  # "the Danish group A.P. Moller-Maersk", "the company Covanta"
            org_noun = True
        if len(span) == 1 and not _name_shaped(span[0].text):  # "REDOIL", "WeWork" are names
            unknown = _unknown_word(d, span[0])  # "Enriquez was", "Mateen": no common word
            if (
                span[0].tag_ == "NNS"
                and label != "NORP"  # "Hispanics", "Floridians": peoples
                and (_opens(d, s) or _title_cased(d, s) or label != "PERSON")
                and not (unknown and label == "PERSON")
                and (not _singular_subject(span[0]) or _after_given_name(d, span[0].text))
                and not _plural_looking_speaker(d, span[0], label)
            ):  # a surname given in full later is linked to it (_cataphoric_surnames)
                return  # "Wildfires", "Polluters", "Concertgoers": common words the model
                # took for names (but "told by Sanders", "Sanders has doubled" are a person's)
            if span[0].tag_ == "NN" and span[0].is_sent_start and not unknown:
                return  # "Coal workers also travel": a capitalised sentence opener, not a name
    if any(ch.isdigit() for ch in d.text[s:e]) and label != "ORG":
        return
    if (
        len(words) > 1
        and words[-1] in cues.place_heads
        and label != "PERSON"
        and not _place_acts(d, s, e)
    ):
        return  # "Bab el-Mandeb Strait", "Cantrell County": a place
    if len(words) > 1 and words[-1] in cues.event_heads and label in ("GPE", "PERSON", "NORP"):
        return  # "Las Vegas Shooting", "Camp Fire": an event
    if len(words) > 1 and words[-1] in cues.observance_heads:
        return  # "Armed Forces Day", "Earth Day": a day observed, whatever the model said
    if (
        d.parsed.in_title(s)
        and d.text[s:e] not in d.parsed.body
        and not (label == "PERSON" and _title_person(d, s, e, words))
    ):
        return  # a title-case headline fools the model: keep title-only names that recur in the body
    if (
        label in ("ORG", "PERSON")
        and len(words) >= (3 if label == "ORG" else 4)
        and span is not None
        and _headline(d, span.start_char)
        and d.text.count(d.text[s:e]) == 1
        and not any((words[-1],) in ws or tuple(words[-2:]) in ws for _, ws, _ in cues.type_rules)
    ):
        return  # a headline run together, said once: "Local Police Impose Information Blackout"
    if label == "PERSON" and span is not None and _headline_words_after_title(d, s, e, words):
        return  # "Judge Halts Pipeline Work After Tribe Sues": a headline, not a name
    if all(w in cues.stop_words or w in cues.not_actor_words for w in words):
        return
    if any("\n" in d.text[d.toks[a][2] : d.toks[b][1]] for a, b in itertools.pairwise(idx)):
        return  # spans a line break: page furniture run together
    text = d.text[s:e]
    if text in d.not_actors:
        return  # "CBAM" after "the Carbon Border Adjustment Mechanism (CBAM)"
    if (
        len(words) > 1
        and words[-1] in cues.instrument_heads
        and label != "PERSON"
        and d.text[d.toks[idx[-1]][1] - 1] not in _HYPHENS  # "The Atlanta Journal-Constitution"
    ):
        m = _ACRO_INTRO.match(d.text, e)
        if m is not None:
            d.not_actors.update(re.split(r"\s*/\s*", m.group(1)))
        return  # "the Carbon Border Adjustment Mechanism", "the European Peace Facility": a policy
    if label != "GPE" and _place_part_of(d, s, e):
        return  # "the left bank of the Dniester": a river or a place, not an actor
    # acronym introduced earlier, or a later mention of an introduced acronym
    if text in d.local_aliases:
        d.add_mention(s, e, d.actors[d.local_aliases[text]], "acronym")
        return
    prev = d.toks[idx[0] - 1][0] if idx[0] > 0 else ""
    grams = {tuple(words[k : k + n]) for n in (1, 2) for k in range(len(words) - n + 1)}
    has_cue = any(grams & ws for _, ws, _ in cues.type_rules[:5])
    if (
        label in ("ORG", "PERSON")
        and len(words) <= 4
        and not has_cue
        and not org_noun
        and not personal
        and _fold(d.text[s:e]) in d.place_words
        and _preceding_title(d, s)[0] is None
        and not _newsroom(d, s, e)
    ):
        label = "GPE"  # "in Appalachia", "near Ulaanbaatar": a place, typed like any GPE
    if (
        label == "ORG"
        and prev in _LOCATIVE_UNKNOWN
        and len(words) == 1
        and not has_cue
        and not (raws[0].isupper() and len(raws[0]) >= 2)  # "data from RTE", "from UCL"
        and (prev not in ("from", "on") or _after_motion(d, s))  # not "a brief from Fox"
    ):
        return  # "withdrew from Bakhmut": a place the model took for an organisation
    if label == "PERSON" and len(words) == 1 and not has_cue and _unpersonal_place(d, s, e, prev):
        return  # "withdrew from Avdiivka", "as at Avdiivka": a town, not a person
    if (
        label == "ORG"
        and prev == "at"
        and len(words) == 1
        and not has_cue
        and not raws[0].isupper()
        and _at_a_place(d, s, e)
    ):
        return  # "ammunition depots in Europe, at Cobasna": a village, not an organisation
    if (
        label in ("ORG", "PERSON")
        and len(words) >= 2
        and words[0] in cues.compass
        and not has_cue
        and (d.sp_token(e - 1).tag_ == "NNPS" or " ".join(words[1:]) in d.place_words)
    ):
        label = "LOC"  # "the Western Balkans", "Southern Appalachia": a region
    if (
        label == "PERSON"
        and len(words) == 1
        and d.text[max(0, s - 4) : s] == "the "
        and d.span_root(s, e).dep_ not in ("compound", "amod", "nmod", "poss")
        and _preceding_title(d, s)[0] is None
    ):
        label = "LOC"  # "drought in the Sahel": a person's name takes no article
    if label == "LOC" and (_preceding_title(d, s)[0] is not None or _speaker(d, s, e)):
        label = "PERSON"  # "Cardinal Muller", "Beverly said": a person, whatever the model said
    if label == "LOC" and _title_cased(d, s) and d.text.count(d.text[s:e]) == 1:
        return  # "California's Multi-Front Fight On Climate California": a headline, said once
    if label == "LOC" and (
        not raws[-1][:1].isupper()
        or any(w in cues.event_heads for w in words)
        or (any(w in cues.place_heads for w in words) and not _place_acts(d, s, e))
        or any(w in cues.region_skip_words for w in words)
        or not _region_acts(d, s, e)
    ):
        return  # "Arctic sea ice", "Gulf of Mexico", "Earth": no region acting or suffering
        # (but "Silicon Valley is investing", "the Gulf Coast was hit hardest" are)
    if label == "NORP" and (
        _title_prefix(d, s, e)[1] is not None
        or (
            len(words) == 1
            and d.span_root(s, e).tag_ == "NNP"
            and not any(c.dep_ == "det" for c in d.span_root(s, e).children)  # "the Latin says"
            and _speaker(d, s, e)
        )
    ):
        label = "PERSON"  # "Archbishop Viganò", "as Viganò testifies": a person, not a people
    # a GPE stays an actor even after "in" ("the fires in California"), like the countries
    role = None
    country = None
    start = s
    if label == "PERSON":
        start, role = _title_prefix(d, s, e)
        if start >= e:
            return
        if role is None:
            role, country = _preceding_title(d, s)
    # a short form of an organisation already seen: "the Commission" after "European Commission"
    if label == "ORG" and len(words) == 1:
        org = _org_by_head(d, words[0], s)
        if org is not None:
            d.add_mention(s if ent.start_char >= s else ent.start_char, e, org, "short")
            return
    if (
        label in ("PERSON", "ORG")
        and len(raws) == 1
        and raws[0][1:].islower()
        and (words[0],) not in cues.titles
        and not any((words[0],) in ws for _, ws, _ in cues.type_rules)
        and (words[0],) not in cues.public_heads
        and words[0] not in cues.capitalised_bodies
        and _written_lower(d, raws[0])
        and _person_by_surname(d, (words[0],), s) is None
    ):
        return  # "Weather is ...", "Chill!" where the text also writes "weather", "chill"
        # (but "Hall said" after "Police Chief U. Reneé Hall", though a "town hall" met)
    if label == "PERSON" and len(raws) == 1 and raws[0].isupper() and 2 <= len(raws[0]) <= 6:
        label = "ORG"  # "VDA": an acronym is not a person
    capital_of = cues.state_capitals.get(" ".join(words))
    if capital_of is not None and label != "NORP" and _acts(d, s, e) and not _speaker(d, s, e):
        state = d.derived_actor(capital_of, "STATE", "ner")
        d.add_mention(s, e, state, "capital")  # "Austin has bused migrants": the Texas government
        return
    if (
        label == "PERSON"
        and len(idx) == 1
        and words[0].endswith(cues.demonym_suffixes)
        and d.sp_token(s).tag_ == "NNPS"
    ):
        label = "NORP"  # "fellow Detroiters": a people, not a person
    if label == "ORG" and _role_apposition(d, e) and _person_like(d, text):
        label = "PERSON"  # "Bianca Moebius-Clune, director of soil health"
    # a surname or short form of a person already seen
    if label in ("PERSON", "ORG", "GPE", "LOC") and len(words) <= 3:
        p = _person_by_surname(d, tuple(k for k, _, _ in word_tokens(d.text[start:e])), start)
        if p is not None:
            _add_surname(d, start, e, p, label)
            return
    if label == "NORP":
        tok = d.span_root(s, e)
        plural_name = tok.tag_ == "NNP" and tok.text.endswith("s") and tok.i > 0
        if (
            tok.tag_ not in ("NNPS", "NNS")
            and not (plural_name and tok.doc[tok.i - 1].lower_ == "the")
            and not _people_noun(tok)
        ):
            return  # an adjective ("Shiite militia groups"): not an actor on its own
    has_state = _country_inside(d, s, e) is not None
    typ = type_entity(d.text[start:e], label, has_state=has_state, titled=role is not None)
    if typ is None:
        return
    if typ == "ORG" and (_newsroom(d, s, e) or _after_media_kind(d, start)):
        typ = "MEDIA"  # "the editorial page editor of the Frontier Standard"
    elif typ == "PERSON" and role is None and len(words) == 1 and _newsroom(d, s, e):
        typ = "MEDIA"  # "an article by Aaron Hall in AdAge": no person, the outlet
    elif typ == "PERSON" and role is None and _after_media_kind(d, start):
        typ = "MEDIA"  # "the German newspaper Die Tagespost", "the magazine Harpers"
    if (
        typ in ("PERSON", "ORG")
        and len(words) == 1
        and (_fold(text) in d.sources or _told(d, s, e))
    ):
        typ = "MEDIA"  # "told Cedarline" (and "CEDARLINE - " in the dateline): the outlet
    name = re.sub(r"\s+", " ", d.text[start:e]).strip()
    key = alias_key(name)
    # same name seen before (or a longer form that ends with it)
    for a in d.actors.values():
        if a.derived == "ner" and _name_keys(d, a)[0] == key:
            if a.type == "ORG" and typ == "MEDIA":
                a.type = "MEDIA"  # "in Rio Grande Commons" ... "a columnist for Rio Grande Commons"
            d.add_mention(start, e, a, "ner")
            _acronym_intro(d, e, a)
            return
    for a in d.actors.values():  # an outlet seen with its article: "Die Tagespost" ... "Tagespost"
        k0 = _name_keys(d, a)[0]
        if (
            a.derived == "ner"
            and a.type in ("MEDIA", "ORG")
            and len(k0) == len(key) + 1
            and k0[0] in d.cues.name_articles
            and k0[1:] == key
        ):
            d.add_mention(start, e, a, "ner")
            return
    for a in d.actors.values():  # the model cut a name seen before: "Thameside Marine| Mutual"
        if (
            a.derived == "ner"
            and a.name.startswith(name + " ")
            and d.text.startswith(a.name, start)
            and not d.overlaps(start, start + len(a.name))
        ):
            d.add_mention(start, start + len(a.name), a, "ner")
            return
    if typ == "STATE_BODY" and country is None:
        country = _country_inside(d, s, e)
    actor = d.derived_actor(name, typ, "ner", role=role, country=country)
    if (
        typ != "PERSON"
        and start == s
        and ent.start_char < s
        and d.text[ent.start_char : s].lower() == "the "
    ):
        start = ent.start_char  # "the Russian Defence Ministry", like knowledge-base mentions
    d.add_mention(start, e, actor, "ner")
    _acronym_intro(d, e, actor)
    if actor.role is None:
        actor.role = _apposition_role(d, e)


def _name_of(d: _Doc, s: int, e: int) -> str:
    """The text at ``s:e`` with its white space collapsed."""
    return re.sub(r"\s+", " ", d.text[s:e]).strip()


def _state_like_head(d: _Doc, tok: Token) -> bool:
    """A NORP adjective no state of the knowledge base answers to, modifying a head that
    only an actor has: forces, army, sanctions, government ... (cue tables ``state_heads``
    and the one-word ``state_body_heads``): "Kurdish forces", "Western sanctions"."""
    if tok.dep_ not in ("amod", "compound") or tok.head.i <= tok.i:
        return False
    head = tok.head
    word = head.lower_
    if word in ("state", "system"):
        return False  # "the Amazonian state of Rondonia"
    return word in d.cues.state_heads or (word,) in d.cues.state_body_heads


def _people_noun(tok: Token) -> bool:
    """A NORP word used as a noun for its people: "the" + the word as the subject of a
    plural verb ("the Inuit have lived here", "the Sami are"); not a modifier ("Inuit
    hunters"), one person ("the Republican says") or a title ("the Oregonian")."""
    if tok.i == 0 or tok.doc[tok.i - 1].lower_ != "the":
        return False
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = tok.head
    return verb.tag_ == "VBP" or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ == "VBP" for c in verb.children
    )


def _add_surname(d: _Doc, s: int, e: int, p: _Actor, label: str) -> None:
    """Link the surname at ``s:e`` to person ``p``; a name the model called ORG before
    ("Alina Brosnan") becomes a PERSON when the model calls the surname a person or the
    surname speaks ("Brosnan told me")."""
    if p.type != "PERSON" and (label == "PERSON" or _speaker(d, s, e)):
        p.type = "PERSON"
    d.add_mention(s, e, p, "surname")


def _acts(d: _Doc, s: int, e: int) -> bool:
    """Whether the name at ``s:e`` is the subject of a verb ("Austin has bused migrants")."""
    return d.span_root(s, e).dep_ in ("nsubj", "nsubjpass")


def _told(d: _Doc, s: int, e: int) -> bool:
    """A one-word name told something by a speaker ("Maya Atallah ... told Cedarline"):
    in news, the outlet the speaker talked to (a person told something is named in full
    first, and then linked as a surname before this rule); not one told to do something
    ("Smith told Jones to leave")."""
    root = d.span_root(s, e)
    return (
        root.dep_ in ("dobj", "dative")
        and root.head.lemma_.lower() == "tell"
        and any(c.dep_ == "nsubj" for c in root.head.children)
        and not any(
            c.dep_ in ("dobj", "ccomp", "xcomp") and c.i > root.i for c in root.head.children
        )  # not "told Jones to leave": whom, not which outlet
    )


def _place_part_of(d: _Doc, s: int, e: int) -> bool:
    """A name after "of" that follows a noun for part of a place ("the left bank of the
    Dniester", "the outskirts of Kharkiv"; cue table ``name_context.place_part_nouns``)."""
    root = d.span_root(s, e)
    if root.dep_ != "pobj" or root.head.lower_ != "of":
        return False
    return root.head.head.lower_ in d.cues.place_part_nouns


def _at_a_place(d: _Doc, s: int, e: int) -> bool:
    """A one-word name the model called ORG after ", at", said once, where "at" does not
    follow a role ("a fellow at", "works at"; cue tables ``role_nouns``,
    ``name_context.newsroom_roles``, ``place_evidence.at_org_verbs``): a place added
    after a comma ("depots in Europe, at Cobasna"); not "professors at Oxford"."""
    if d.text.count(d.text[s:e]) > 1 or d.text[max(0, s - 5) : s] != ", at ":
        return False
    root = d.span_root(s, e)
    if root.dep_ != "pobj":
        return False
    head = root.head.head
    cues = d.cues
    return not (
        head.lower_ in cues.role_nouns
        or head.lower_ in cues.newsroom_roles
        or head.lemma_.lower() in cues.at_org_verbs
        or (head.pos_ == "NOUN" and head.lemma_.lower() in cues.role_nouns)
    )


def _after_noun(d: _Doc, span: Any, nouns: frozenset[str]) -> bool:
    """Whether ``span`` follows one of ``nouns`` (lower case), in apposition or as a
    compound ("the car carrier Galaxy Leader", "the Danish group A.P. Moller-Maersk")."""
    if span.start == 0:
        return False
    prev = d.doc[span.start - 1]
    return (
        prev.tag_ in ("NN", "NNS")
        and prev.text.islower()
        and prev.lower_ in nouns
        and (span.root.head.i == prev.i or prev.head.i in range(span.start, span.end))
    )


def _names_a_thing(d: _Doc, span: Any) -> bool:
    """A name that modifies a lower-case place or thing noun ("the Paso del Norte bridge",
    "the H-2A program"; cue tables ``name_context.modified_heads`` and ``place_heads``) or
    stands in apposition after a vessel noun ("the car carrier Galaxy Leader"): the name
    of a thing, not an actor."""
    if _after_noun(d, span, d.cues.thing_nouns):
        return True
    head = span.root
    while head.dep_ == "compound" and head.head.i > head.i:
        head = head.head
    return (
        head.i >= span.end
        and head.tag_ in ("NN", "NNS")
        and head.text.islower()
        and head.lemma_.lower() in d.cues.modified_heads
    )


_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")


def _identity_group(d: _Doc, span: Any) -> bool:
    """A religious, ethnic or political adjective the model calls NORP before a plural
    noun for people ("Muslim leaders", "Aboriginal elders", "Indigenous organizers"):
    one collective GROUP actor (``collective``). People are told by an agent-noun ending
    (-ers, -ors, -ists, -ians, -ees) or by the collective-noun table (which
    :func:`_link_collectives` then handles); "Christian values" or "African species"
    are no actors."""
    last = span[-1]
    head = last.head
    if last.dep_ not in ("amod", "compound") or head.i != span.end or head.tag_ != "NNS":
        return False
    word = head.lower_
    if word in d.cues.collective_nouns or word in d.cues.not_agent_plurals:
        return False
    if not word.endswith(d.cues.agent_suffixes) or d.overlaps(
        span.start_char, head.idx + len(head)
    ):
        return False
    if head.text[:1].isupper() and not _title_cased(d, head.idx):
        return False  # "Muslim Brotherhood"-like names: the entity rules decide
    s, e = span.start_char, head.idx + len(head)
    name = re.sub(r"\s+", " ", d.text[s:e])
    actor = next(
        (a for a in d.actors.values() if a.derived == "generic" and _fold(a.name) == _fold(name)),
        None,
    ) or d.derived_actor(name, "GROUP", "generic")
    d.add_mention(s, e, actor, "collective")
    return True


def _headline_words_after_title(d: _Doc, s: int, e: int, words: Sequence[str]) -> bool:
    """Words of a title-case headline in the text that the model called a person right
    after a title ("Judge | Halts Pipeline Work After Tribe Sues"): two words or more,
    said once, none of them capitalised again elsewhere in the text (a surname would
    recur: "Judge Amy Berman Jackson Rejects ..." then "Jackson said"), and a headline
    verb first ("Halts", "Blocks": an -s word whose stem is a common word) or a word the
    text also writes in lower case ("pipeline")."""
    if len(words) < 2 or not _title_cased(d, s) or _preceding_title(d, s)[0] is None:
        return False
    name = d.text[s:e]
    if d.text.count(name) != 1:
        return False
    parts = name.split()
    for p in parts:
        for m in re.finditer(rf"(?<![\w-]){re.escape(p)}(?![\w-])", d.text):
            if not s <= m.start() < e:
                return False  # "Jackson said" in the body: a person's surname
    first = parts[0]
    words_known = _dictionary(d.doc.vocab)
    stem = first.lower()[:-1]
    verb_like = (
        first.endswith("s")
        and not first.endswith("ss")
        and first[:1].isupper()
        and (not words_known or stem in words_known or stem.removesuffix("e") in words_known)
    )  # "Halts", "Pushes"; not "Janis" of "Cardinal Janis Pujats"
    return verb_like or any(_written_lower(d, p) for p in parts)


def _title_person(d: _Doc, s: int, e: int, words: Sequence[str]) -> bool:
    """A person named only in the title: two or three capitalised words, no stop word,
    and either the surname recurs in the body ("Gary Wills" ... "Wills said") or the name
    is listed with a person already found ("Keith Ellison, Bill Clinton, Al Franken Or
    George Soros")."""
    name = d.text[s:e]
    if not _person_like(d, name) or any(w in d.cues.stop_words for w in words):
        return False
    if "'" in name or "’" in name:
        return False  # "Valentine's Day"
    if re.search(rf"[a-z,]\s+{re.escape(name.split()[-1])}\b", d.parsed.body):
        return True  # the surname recurs mid-sentence in the body
    around = d.text[max(0, s - 6) : s] + "|" + d.text[e : e + 6]
    if not re.search(r"(,|\band|\bor|\bOr|\bAnd)\s*\||\|\s*(,|and\b|or\b|Or\b|And\b)", around):
        return False
    return any(
        x.label_ == "PERSON" and x.start_char != s and abs(x.start_char - s) < 80
        for x in d.doc.ents
        if d.parsed.in_title(x.start_char)
    ) or any(
        m.method != "pronoun"
        and d.actors[m.actor].type == "PERSON"
        and d.parsed.in_title(m.start)
        and abs(m.start - s) < 80
        for m in d.mentions
    )


def _camel(word: str) -> bool:
    """One word with an upper-case letter after a lower-case one ("WeWork", "ExxonMobil")."""
    return " " not in word and any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))


def _name_shaped(word: str) -> bool:
    """An acronym ("REDOIL", "NEA"), a camel-case word ("WeWork", "ExxonMobil") or a
    capital after an inner apostrophe or hyphen ("O'Rourke"): the shape of a name,
    whatever tag the model gave it."""
    letters = [ch for ch in word if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return True
    return any(
        (a.islower() and b.isupper()) or (a in "'’-" and b.isupper() and k > 0)
        for k, (a, b) in enumerate(itertools.pairwise(word))
    )  # "WeWork", "O'Rourke", "Ocasio-Cortez"


_NAME_TAIL = re.compile(r" ([A-Z][a-z]+(?:[-‐][A-Z][a-z]+)*)(?=[\s,.;:)]|$)")


def _extend_name(d: _Doc, s: int, e: int) -> int:
    """A one-word entity followed by a capitalised word the model left out: "Bianca" +
    " Moebius-Clune". Not in title-case headlines, not over another entity or a title."""
    if d.word_index(e) - d.word_index(s) != 1:
        return e
    m = _NAME_TAIL.match(d.text, e)
    if m is None:
        return e
    tok = d.next_sp_token(m.start(1))
    if tok is None or tok.ent_type_ or tok.is_sent_start or _title_cased(d, tok.idx):
        return e
    word = _fold(m.group(1))
    if word in d.cues.stop_words or (word,) in d.cues.titles or word in d.cues.not_actor_words:
        return e
    if tok.pos_ not in ("PROPN",):
        return e
    return m.end(1)


def _trim_headline_verb(d: _Doc, s: int, e: int) -> int:
    """ "Tom Steyer Vows" -> "Tom Steyer": a finite verb the model ran into the end of a name
    (title-case headlines). Only a last-token verb is cut; "Carbon Border Is Coming" stays
    whole (and is rejected as a headline run together)."""
    span = d.doc.char_span(s, e, alignment_mode="expand")
    if span is None or len(span) < 3 or span[-1].tag_ not in _FINITE:
        return e
    if any(t.tag_ in _FINITE or t.pos_ == "PRON" for t in span[:-1]):
        return e
    return span[-2].idx + len(span[-2])


def _trim_run_in_words(d: _Doc, s: int, e: int) -> tuple[int, int]:
    """A word the model ran into a person's name: a shouted stop word of four letters or
    more before it ("shot BEFORE Paddock opened fire"; not "US") or a verb-like last word ("-s", "-ed") after a name the
    text gives elsewhere, said once ("Elizabeth Warren Zeroes In On ..." with "Elizabeth
    Warren" in the text, "Loomer Tweeted" after "Laura Loomer"; a given name of a person
    seen before, run into an award: "naming Greta Person of the Year"), or the first words of a
    title that goes on after it ("retired Navy Vice Admiral Lee Gunn" -> "Navy"; a person's
    name after "the" there names a chair: "the Samuel Tak Lee Associate Professor"), or an
    epithet or common word (one the text also writes in lower case) before the given name
    of a person seen before ("Crooked Hillary", "Chill Greta" after "told her to 'chill'"):
    the given name alone is kept, and linked to that person (cue list ``epithets``)."""
    words = list(re.finditer(r"\S+", d.text[s:e]))
    first = words[0].group() if words else ""
    if (
        len(words) >= 2
        and len(first) >= 4
        and first.isupper()
        and _fold(first) in d.cues.stop_words
    ):
        s += words[1].start()
        words = list(re.finditer(r"\S+", d.text[s:e]))
    if len(words) < 2:
        return s, e
    if len(words) == 2:
        w0, w1 = words[0].group(), words[1].group()
        common = w0.lower() in d.cues.epithets or re.search(rf"\b{re.escape(w0.lower())}\b", d.text)
        if (
            common
            and _person_by_given_name(d, _fold(w1), s) is not None
            and _person_by_given_name(d, _fold(w0), s) is None
        ):
            return s + words[1].start(), e  # "Chill Greta", "Crooked Hillary": the person
    nxt = d.word_index(e)
    if nxt < len(d.toks) and d.raw[nxt][:1].isupper():
        after = d.toks[nxt][0]
        for n in (1, 2):
            head = (*(_fold(w.group()) for w in words[-n:]), after)
            if len(words) > n and head in d.cues.titles:
                if (
                    d.text[max(0, s - 4) : s].lower() == "the "
                    and d.sp_token(s).ent_type_ == "PERSON"
                ):
                    return s, s  # "the Samuel Tak Lee Associate Professor": a named chair
                return s, s + words[-n - 1].end()  # "retired Navy Vice| Admiral Lee Gunn"
    last = words[-1].group()
    if (
        len(words) == 2
        and re.match(r" of the [A-Z]", d.text[e : e + 9])
        and _person_by_given_name(d, _fold(words[0].group()), s) is not None
    ):
        return s, s + words[0].end()  # "naming Greta Person of the Year": an award
    if not (last[:1].isupper() and not last.isupper() and last.endswith(("s", "ed"))):
        return s, e
    prefix = d.text[s : s + words[-2].end()]
    if d.text.count(d.text[s:e]) != 1 or last.lower() in d.cues.particles:
        return s, e
    for ent in d.doc.ents:
        if ent.label_ != "PERSON" or ent.start_char == s:
            continue
        name = ent.text
        if (len(words) > 2 and name == prefix) or (
            len(words) == 2 and len(name.split()) >= 2 and name.split()[-1] == prefix
        ):
            return s, s + words[-2].end()
    return s, e


_COPULA = re.compile(r"\s+(?:is|was|has been|had been|became|remains)\s+(?=an?\s|the\s)")


def _role_apposition(d: _Doc, end: int) -> bool:
    """ ", director of soil health", ", a climate scientist at ...", " is a senior fellow":
    a person's role follows (cue table ``role_nouns``, or a word for a specialist:
    -ologist, -ographer, -ician, -onomist)."""
    tail = d.text[end : end + 60]
    cop = _COPULA.match(tail)
    if cop is not None:
        tail = "," + tail[cop.end() :]
    if not tail.startswith(","):
        return False
    words = [k for k, _, _ in word_tokens(tail[1:])][:5]
    if words and words[0] in ("whose", "which", "who", "that", "where", "when"):
        return False
    for w in words:
        if w in d.cues.role_nouns or w.endswith(d.cues.specialist_suffixes):
            return True
        if w in ("of", "at", "for", "in", "and", ",", "."):
            return False
    return False


def _company_run_before_role(d: _Doc, ent: Span) -> tuple[int, int] | None:
    """The character span of the one to three capitalised proper nouns right before a
    company role that comes right before a person's name ("Facebook CEO Mark Zuckerberg",
    "Twitter CEO Jack Dorsey"; cue table ``name_context.company_roles``), or None."""
    doc = d.doc
    r = ent.start - 1
    if r < 1 or doc[r].lower_ not in d.cues.company_roles:
        return None
    k = r - 1
    sent_start = doc[r].sent.start
    while (
        k >= sent_start
        and r - k <= 3
        and doc[k].pos_ == "PROPN"
        and doc[k].text[:1].isupper()
        and not doc[k].text.isupper()
        and doc[k].ent_type_ in ("", "ORG", "PERSON")
    ):
        k -= 1
    if k == r - 1:
        return None
    first = doc[k + 1]
    return first.idx, doc[r - 1].idx + len(doc[r - 1])


def _before_company_role(d: _Doc, e: int) -> bool:
    """Whether a company role and a person's name follow a name ending at ``e``
    ("Twitter| CEO Jack Dorsey"; cue table ``name_context.company_roles``)."""
    tok = d.next_sp_token(e)
    if tok is None or tok.lower_ not in d.cues.company_roles or tok.idx > e + 1:
        return False
    doc = tok.doc
    return (
        tok.i + 1 < len(doc)
        and doc[tok.i + 1].ent_iob_ == "B"
        and (doc[tok.i + 1].ent_type_ == "PERSON")
    )


def _companies_before_roles(d: _Doc, ents: list[Span]) -> None:
    """A name the model left unlabelled before a company role and a person's name is the
    company ("Notes Facebook CEO Mark Zuckerberg brought"): an ORG (``name_cue``). Only
    words no rule has linked, not a title, stop word or cue word, outside headlines."""
    for ent in ents:
        if ent.label_ != "PERSON":
            continue
        span = _company_run_before_role(d, ent)
        if span is None:
            continue
        s, e = span
        if d.overlaps(s, e) or _headline(d, s):
            continue
        keys = alias_key(d.text[s:e])
        if not keys or any(_cue_word(d.cues, k) for k in keys):
            continue
        actor = d.derived_actor(_name_of(d, s, e), "ORG", "ner")
        d.add_mention(s, e, actor, "name_cue")


def _plural_looking_speaker(d: _Doc, tok: Token, label: str) -> bool:
    """Whether a word tagged as a plural noun is a person's name all the same: the model
    calls it a PERSON, it is the bare subject of a verb of speaking ("Sanders told
    reporters", '"...," Sanders said'), and it is no word for people or a cue word
    ("Critics said", "Officials told", "Protesters said") nor one the text writes in
    lower case."""
    if label != "PERSON" or tok.tag_ != "NNS" or tok.dep_ != "nsubj":
        return False
    verb = tok.head.lemma_.lower()
    if verb not in d.cues.speech_verbs or verb in _THING_SPEECH:
        return False
    if any(c.dep_ in ("det", "amod", "compound", "poss", "nummod") for c in tok.children):
        return False
    key = _fold(tok.text)
    cues = d.cues
    return not (
        _cue_word(cues, key)
        or key in cues.people_heads
        or key in cues.ally_nouns
        or key in cues.opponent_nouns
        or key.endswith((*cues.specialist_suffixes, "ists"))
        or _written_lower(d, tok.text)
    )


def _speaker(d: _Doc, s: int, e: int) -> bool:
    """Whether the name at ``s:e`` is the subject of a verb of speaking or writing
    ("Brosnan told me", "Sayles said"; cue table ``speech_verbs``)."""
    root = d.span_root(s, e)
    return root.dep_ == "nsubj" and root.head.lemma_.lower() in d.cues.speech_verbs


def _person_like(d: _Doc, name: str) -> bool:
    """Two or three capitalised words without an organisation cue ("Alina Brosnan")."""
    key = alias_key(name)
    parts = name.split()
    if not 2 <= len(parts) <= 3 or not all(p[:1].isupper() and not p.isupper() for p in parts):
        return False
    grams = {key[i : i + n] for n in (1, 2) for i in range(len(key) - n + 1)}
    return not any(grams & ws for _, ws, _ in d.cues.type_rules)


def _country_inside(d: _Doc, s: int, e: int) -> str | None:
    """The state whose name, capital or demonym occurs in a span (None if none)."""
    trie = d.kb.trie
    lo = d.word_index(s)
    hi = d.word_index(e)
    for i in range(lo, hi):
        node: Any = trie
        for j in range(i, hi):
            node = node.get(d.toks[j][0])
            if node is None:
                break
            for a in node.get(_END, ()):
                entry = d.kb.entries[a.entry]
                if entry.type != "STATE" or a.kind == "descriptor" or not _case_ok(d, a, i, j + 1):
                    continue
                return entry.id
    return None


def _person_by_given_name(d: _Doc, word: str, before: int) -> _Actor | None:
    """The one person seen before whose full name starts with ``word`` ("Bernie" ->
    Bernie Sanders); None when there is no such person or more than one."""
    if word in d.cues.particles or word in d.cues.stop_words:
        return None
    found = [
        a
        for aid in d.last_seen
        if d.first_seen[aid] < before
        and (a := d.actors[aid]).type == "PERSON"
        and any(len(k) >= 2 and k[0] == word for k in _name_keys(d, a)[:1])
    ]
    return found[0] if len(found) == 1 else None


def _person_by_surname(d: _Doc, key: tuple[str, ...], before: int) -> _Actor | None:
    """The most recently mentioned person whose name ends with ``key`` ("Sistani", "Le Drian")."""
    if not key:
        return None
    if len(key) == 1 and key[0] in d.cues.particles:
        return None
    best: tuple[int, _Actor] | None = None
    for aid, last in d.last_seen.items():
        a = d.actors[aid]
        if d.first_seen[aid] >= before or (a.type != "PERSON" and not _maybe_person(d, a)):
            continue
        ends = any(len(nk) > len(key) and nk[-len(key) :] == key for nk in _name_keys(d, a))
        if ends and (best is None or last > best[0]):
            best = (last, a)
    return best[1] if best else None


def _name_keys(d: _Doc, a: _Actor) -> list[tuple[str, ...]]:
    """Alias keys of an actor's name and knowledge-base aliases (cached per document)."""
    keys = d.name_keys.get(a.id)
    if keys is None:
        names = [a.name, *(a.kb.aliases if a.kb else ())]
        keys = [tuple(t for t in alias_key(n) if t != "'s") for n in names]
        d.name_keys[a.id] = keys
    return keys


def _link_short_nominals(d: _Doc) -> None:
    """Lower-case "the agency" / "the party" / "the committee" after a name that ends with
    that word ("the Environmental Protection Agency", "the Democratic Party"): the most
    recent such organisation (``short``). Singular heads that name a kind of body (the
    type-rule and public-body words) only; generic heads such as "state" or "house" are
    excluded (cue list ``short_nominal_exclude``)."""
    toks = d.toks
    n = len(toks)
    if not any(d.actors[aid].type not in ("PERSON", "STATE", "GROUP") for aid in d.last_seen):
        return
    type_words = frozenset().union(*(ws for _, ws, _ in d.cues.type_rules)) | d.cues.public_heads
    for i in range(n - 1):
        if toks[i][0] != "the":
            continue
        w = toks[i + 1][0]
        if not d.raw[i + 1].islower() or w in d.cues.short_exclude or (w,) not in type_words:
            continue  # only words that name a kind of body: not "the winter", "the faculty"
        s0, e0 = toks[i][1], toks[i + 1][2]
        tok = d.sp_token(toks[i + 1][1])
        if tok.tag_ != "NN" or (
            tok.i + 1 < len(d.doc) and d.doc[tok.i + 1].pos_ in ("NOUN", "PROPN")
        ):
            continue  # "the party leadership": the head is further on
        if d.overlaps(s0, e0):
            continue
        org = _org_by_head(d, w, s0)
        if org is not None and org.derived not in ("generic", "collective"):
            d.add_mention(s0, e0, org, "short")


def _capitalised_short_forms(d: _Doc) -> None:
    """Capitalised short forms the model left unlinked: the last one to three words of an
    organisation's name seen before, ending in a word that names a kind of body ("the
    Coastal Commission" after "the California Coastal Commission", "the Movement" after
    "the Global Catholic Climate Movement"; ``short``). A one-word form needs "the"
    before it; the form must stand alone (no capitalised word around it) and fit exactly
    one organisation."""
    cues = d.cues
    type_words = frozenset().union(*(ws for _, ws, _ in cues.type_rules)) | cues.public_heads
    tails: dict[tuple[str, ...], list[_Actor]] = {}
    for aid in d.last_seen:
        a = d.actors[aid]
        if a.type in ("PERSON", "STATE", "GROUP") or a.derived in ("generic", "collective"):
            continue
        key = _name_keys(d, a)[0]
        if len(key) < 2 or (key[-1],) not in type_words or key[-1] in cues.short_exclude:
            continue
        for k in range(max(1, len(key) - 3), len(key)):
            tails.setdefault(key[k:], []).append(a)
    if not tails:
        return
    toks, raw = d.toks, d.raw
    n = len(toks)
    for i in range(n):
        if not raw[i][:1].isupper() or raw[i].isupper() or d.shouted[i]:
            continue
        if i > 0 and raw[i - 1][:1].isupper():
            continue  # inside a longer name
        for size in (3, 2, 1):
            j = i + size
            key = tuple(t for t, _, _ in toks[i:j])
            found = tails.get(key)
            if found is None or j > n or not all(r[:1].isupper() for r in raw[i:j]):
                continue
            if j < n and raw[j][:1].isupper() and (toks[j][0],) not in cues.titles:
                break  # a longer name; not "Coastal Commission Chair Dayna Bochco"
            if size == 1 and (i == 0 or toks[i - 1][0] != "the"):
                break
            s0, e0 = toks[i][1], toks[j - 1][2]
            found = [a for a in found if d.first_seen[a.id] < s0]
            if len(found) != 1 or d.overlaps(s0, e0) or _title_cased(d, s0):
                break
            start = toks[i - 1][1] if i > 0 and toks[i - 1][0] == "the" else s0
            if d.overlaps(start, e0):
                start = s0
            d.add_mention(start, e0, found[0], "short")
            break


def _org_by_head(d: _Doc, word: str, before: int) -> _Actor | None:
    """The most recent organisation whose multi-word name ends with ``word``."""
    best = None
    for aid, last in d.last_seen.items():
        a = d.actors[aid]
        if d.first_seen[aid] >= before or a.type in ("PERSON", "STATE", "GROUP"):
            continue
        key = _name_keys(d, a)[0]
        if len(key) >= 2 and key[-1] == word and (best is None or last > best[0]):
            best = (last, a)
    return best[1] if best else None


def _maybe_person(d: _Doc, a: _Actor) -> bool:
    """An entity the model called ORG that looks like a person's name ("Alina Brosnan")."""
    if a.derived != "ner" or a.type != "ORG":
        return False
    hit = d.maybe_person.get(a.id)
    if hit is None:
        hit = d.maybe_person[a.id] = _looks_like_person(d, a)
    return hit


def _looks_like_person(d: _Doc, a: _Actor) -> bool:
    key = _name_keys(d, a)[0]
    if not 2 <= len(key) <= 3 or not all(w[:1].isupper() for w in a.name.split()):
        return False
    grams = {key[i : i + n] for n in (1, 2) for i in range(len(key) - n + 1)}
    return not any(grams & ws for _, ws, _ in d.cues.type_rules)


_APPOSITION = re.compile(r",\s+(?:a|an|the)\s+([^,.;:()\n\"“”]{3,80}?)\s*(?=,|\.|;|\n)")


def _apposition_role(d: _Doc, end: int) -> str | None:
    """ "Ranj Alaaldin, a visiting fellow at the Brookings Doha Center," -> that role."""
    m = _APPOSITION.match(d.text, end)
    if not m:
        return None
    return m.group(1).strip()


# --------------------------------------------------------------------------- step 3: patterns
def _link_patterns(d: _Doc) -> None:
    """Collective armed actors, state bodies, peoples and demonyms of states."""
    cues = d.cues
    toks = d.toks
    n = len(toks)
    named = sorted((m for m in d.mentions if not m.nested), key=lambda m: m.start)
    start_of = {m.start: m for m in named}
    collectives: dict[str, _Actor] = {}  # "sponsor id:category" -> derived actor
    proxy_heads = {
        h: v for h, v in cues.collective_heads.items() if h in cues.demonym_collective_heads
    }

    def head_at(
        i: int, heads: Mapping[tuple[str, ...], Any] | frozenset[tuple[str, ...]], max_mod: int
    ) -> tuple[int, tuple[str, ...]] | None:
        """A head phrase at word token ``i`` after at most ``max_mod`` modifiers: (end token, key)."""
        for skip in range(max_mod + 1):
            k = i + skip
            if k >= n:
                return None
            for ln in (3, 2, 1):
                key = tuple(t for t, _, _ in toks[k : k + ln])
                if len(key) == ln and key in heads:
                    return k + ln, key
            # only plain words may be skipped as modifiers ("Iran-backed Shiite militias")
            if not d.raw[k].isalpha() or d.overlaps(toks[k][1], toks[k][2]) or d.raw[k].isupper():
                return None
        return None

    def collective_for(sponsor: _Actor, category: str) -> _Actor:
        key = f"{sponsor.id}:{category}"
        if key not in collectives:
            collectives[key] = d.derived_actor(
                f"{sponsor.name}-backed {category}", "ARMED_GROUP", "collective", sponsor=sponsor.id
            )
        return collectives[key]

    def sponsored(
        sponsor: _Actor, m_start: int, sponsor_end: int, j: int, anchor: _M | None
    ) -> bool:
        """ "<sponsor>-backed ..." with the participle at word token j: a relation to the
        named actor that follows, to the named actor it describes ("Kataib Hezbollah, an
        Iran-backed militia"), or a collective actor ("Iran-backed militias")."""
        cue = toks[j][0]
        kind = "ally" if cue in ("aligned", "allied") else "sponsor"
        k = j + 1
        nxt = start_of.get(toks[k][1]) if k < n else None
        if (
            nxt is None
            and k + 1 < n
            and d.raw[k].isalpha()
            and not d.overlaps(toks[k][1], toks[k][2])
        ):
            nxt = start_of.get(toks[k + 1][1])  # "Iran-backed Lebanese Hezbollah"
        if nxt is not None and d.actors[nxt.actor].type != "STATE":
            _add_relation(
                d, sponsor, kind, d.actors[nxt.actor], m_start, nxt.end, cue, "hyphen-participle"
            )
            return True
        h = head_at(k, cues.collective_heads, 2)
        if h is None or sponsor.type not in ("STATE", "STATE_BODY", "ARMED_GROUP"):
            return False  # "Koch-funded groups" are not an armed collective
        end = toks[h[0] - 1][2]
        prev = max((x for x in named if x.end <= m_start), key=lambda x: x.end, default=None)
        if (
            prev is not None
            and re.fullmatch(r",\s*(?:an?|the|another)\s+", d.text[prev.end : m_start])
            and d.actors[prev.actor].type not in ("STATE", "PERSON")
        ):
            _add_relation(
                d, sponsor, kind, d.actors[prev.actor], prev.start, end, cue, "apposition"
            )
            return True
        coll = collective_for(sponsor, cues.collective_heads[h[1]])
        s0 = m_start
        if s0 > 0 and toks[d.word_index(s0) - 1][0] == "the" and d.word_index(s0) > 0:
            s0 = toks[d.word_index(s0) - 1][1]
        d.add_mention(s0, end, coll, "cue")
        if anchor is not None:
            anchor.nested = True
        _add_relation(d, sponsor, "sponsor", coll, m_start, end, cue, "hyphen-participle")
        return True

    # --- 1. after a named mention: "Iran-backed militias", "Iran-backed PMF forces", "Iran's proxies", "Iran proxies"
    for m in named:
        sponsor = d.actors[m.actor]
        j = d.tok_at_end.get(m.end)
        if j is None or j + 1 >= n:
            continue
        j += 1
        gap = d.text[m.end : toks[j][1]]
        if gap in ("-", "‐", "‑") and toks[j][0] in cues.sponsor_participles:
            sponsored(sponsor, m.start, m.end, j, m)
            continue
        if sponsor.type == "PERSON" and sponsor.country and sponsor.kb is not None:
            # "Putin's regime" -> Russia
            k = j + 1 if toks[j][0] == "'s" else j
            if k < n and toks[k][0] in ("regime", "government", "junta") and (k > j or gap == " "):
                state_entry = d.kb.get(sponsor.country)
                if state_entry is not None and state_entry.type == "STATE":
                    d.add_mention(m.start, toks[k][2], d.kb_actor(state_entry), "descriptor")
                    m.nested = True
            continue
        if sponsor.type not in ("STATE", "STATE_BODY", "ARMED_GROUP"):
            continue
        if toks[j][0] == "'s":
            h = head_at(j + 1, proxy_heads, 1)
        elif sponsor.type == "STATE" and gap == " ":
            h = head_at(j, proxy_heads, 0)
        else:
            h = None
        if h is not None:
            end = toks[h[0] - 1][2]
            coll = collective_for(sponsor, proxy_heads[h[1]])
            d.add_mention(m.start, end, coll, "cue")
            m.nested = True
            _add_relation(d, sponsor, "sponsor", coll, m.start, end, " ".join(h[1]), "possessive")

    # --- 2. demonyms: "pro-Iranian militias", "Iranian militias", "the Iraqi army", "Iranian protesters", "Iranian influence"
    deferred: list[tuple[_Cand, int, int]] = []
    for c in d.demonyms:
        if d.overlaps(c.start, c.end):
            continue
        j = c.j
        if c.entry.type == "PARTY" and j < n and _party_before_person(d, c, start_of):
            continue  # "Democratic Rep. Ilhan Omar": the party, and her membership
        if (
            c.entry.type == "STATE"
            and c.i > 0
            and d.raw[c.i - 1][:1].isupper()
            and d.raw[c.i - 1].isalpha()
            and toks[c.i - 1][0] not in cues.stop_words
            and (toks[c.i - 1][0],) not in cues.titles
            and not d.sp_token(toks[c.i - 1][1]).is_sent_start
            and not _title_cased(d, c.start)
        ):
            continue  # "Central American", "Native American", "African American": not the state
        if (
            c.entry.type == "STATE"
            and c.i > 0
            and toks[c.i - 1][0] in ("the", "of", "an", *_GENERIC_BEFORE)
        ):
            last = d.sp_token(toks[j - 1][1])
            generic = toks[c.i - 1][0] in _GENERIC_BEFORE and last.dep_ == "poss"
            if last.pos_ in ("PROPN", "NOUN") and (last.dep_ not in _MODIFIER_DEPS or generic):
                # "every American", "the average American's footprint": the people too
                # "the Chinese are building", "unlike the French": the people, like "Iraqis"
                grp = d.derived_actor(
                    d.text[c.start : c.end], "GROUP", "people", country=c.entry.id
                )
                lead = toks[c.i - 1][1] if toks[c.i - 1][0] == "the" else c.start
                d.add_mention(lead, c.end, grp, "demonym")
                continue
        if j >= n or d.overlaps(toks[j][1], toks[j][2]):
            continue  # modifies a name: "Iraqi Grand Ayatollah Ali al-Sistani", "Iranian Revolutionary Guards"
        titled = [ln for ln in (3, 2, 1) if tuple(t for t, _, _ in toks[j : j + ln]) in cues.titles]
        if titled:
            # a title: "Iraqi Grand Ayatollah ...", "the French president" (see _link_titled_demonyms)
            after = j + titled[0]
            if after >= n or not d.raw[after][:1].isupper():
                d.titled_demonyms.append(c)
            continue
        state = d.kb_actor(c.entry)
        demonym = d.text[c.start : c.end]
        if (
            d.text[c.end : toks[j][1]] in ("-", "‐", "‑")
            and (toks[j][0] not in cues.sponsor_participles or c.entry.type != "STATE")
            and d.sp_token(toks[j][1]).tag_ == "VBN"
        ):
            d.add_mention(c.start, c.end, state, "demonym")  # "Republican-led", "Russian-made"
            continue
        if c.entry.type == "PARTY" and _party_noun(d, c, state):
            continue  # "McConnell, a Kentucky Republican", "the Republican has dismissed"
        if c.entry.type != "STATE":
            # "Republican opposition", "Democratic candidates": the party itself
            if d.raw[j][:1].islower() and d.sp_token(toks[j][1]).pos_ in ("NOUN", "ADJ"):
                d.add_mention(c.start, c.end, state, "demonym")
            continue
        start = toks[c.i - 1][1] if c.i > 0 and toks[c.i - 1][0] in ("the", "pro") else c.start
        if d.text[c.end : toks[j][1]] in ("-", "‐", "‑") and toks[j][0] in cues.sponsor_participles:
            d.add_mention(c.start, c.end, state, "demonym", nested=True)
            sponsored(state, c.start, c.end, j, None)  # "Russian-backed separatists"
            continue
        if c.i > 0 and toks[c.i - 1][0] == "pro":
            h = head_at(j, cues.collective_heads, 1)
            if h is not None:
                end = toks[h[0] - 1][2]
                coll = collective_for(state, cues.collective_heads[h[1]])
                d.add_mention(c.start, c.end, state, "demonym", nested=True)
                d.add_mention(start, end, coll, "cue")
                _add_relation(d, state, "sponsor", coll, start, end, "pro-", "prefix")
            continue
        h = head_at(j, cues.demonym_collective_heads, 1)
        if h is not None:
            deferred.append((c, start, toks[h[0] - 1][2]))
            continue
        h = head_at(j, cues.state_body_heads, 1)
        if h is not None:
            canon = cues.state_body_heads[h[1]]
            typ = "MEDIA" if h[1] in cues.state_media_heads else "STATE_BODY"
            body = d.derived_actor(f"{demonym} {canon}", typ, "state_body", country=c.entry.id)
            d.add_mention(start, toks[h[0] - 1][2], body, "cue")
            continue
        word = toks[j][0]
        if word in (",", "and", "or"):
            head = _coordinated_head(
                d.sp_token(c.start)
            )  # "Chinese, American, or Indian protesters"
            if head is None:
                continue
            if head.lower_ in cues.people_heads:
                grp = d.derived_actor(
                    f"{demonym} {head.lower_}", "GROUP", "people", country=c.entry.id
                )
                d.add_mention(c.start, c.end, grp, "cue")
            else:
                d.add_mention(c.start, c.end, state, "demonym")
            continue
        if not d.raw[j][:1].islower():
            continue
        if word in cues.people_heads:
            grp = d.derived_actor(f"{demonym} {word}", "GROUP", "people", country=c.entry.id)
            d.add_mention(start, toks[j][2], grp, "cue")
        elif word in cues.state_heads or d.sp_token(toks[j][1]).pos_ == "NOUN":
            d.add_mention(c.start, c.end, state, "demonym")
        else:
            # adjectives between the demonym and its noun: "American political establishment"
            dem = d.sp_token(toks[c.j - 1][1])
            head = dem.head
            if (
                dem.dep_ in ("amod", "compound", "nmod")
                and head.i > dem.i
                and head.pos_ == "NOUN"
                and head.text.islower()
                and head.lower_ not in cues.people_heads
                and all(
                    t.pos_ in ("ADJ", "NOUN", "ADV", "PUNCT") and not t.text[:1].isupper()
                    for t in d.doc[dem.i + 1 : head.i]
                )
            ):
                d.add_mention(c.start, c.end, state, "demonym")
    # "Iranian militias": the collective sponsored by that state when the text has one, else its own actor
    for c, start, end in deferred:
        found = [a for k, a in collectives.items() if k.startswith(f"{c.entry.id}:")]
        if found:
            coll = found[0]
        else:
            coll = d.derived_actor(
                f"{d.text[c.start : c.end]} militias",
                "ARMED_GROUP",
                "collective",
                country=c.entry.id,
            )
        d.add_mention(start, end, coll, "cue")


_GENERIC_BEFORE = ("average", "typical", "ordinary", "every", "each")  # "every American"
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss", "npadvmod"})


def _coordinated_head(tok: Token) -> Token | None:
    """The lower-case noun a coordination of modifiers modifies ("Chinese, American, or
    Indian protesters" -> protesters), seen from its first member; None otherwise."""
    if not any(c.dep_ == "conj" for c in tok.children):
        return None
    head = tok.head
    if tok.dep_ not in ("amod", "compound", "nmod") or head.i <= tok.i:
        head = tok  # parsed as nouns in a list: the last member is the noun
        while any(c.dep_ == "conj" for c in head.children):
            head = next(c for c in head.children if c.dep_ == "conj")
        if head.i - tok.i > 8:
            return None
    return head if head.pos_ == "NOUN" and head.text.islower() else None


def _link_titled_demonyms(d: _Doc) -> None:
    """A demonym or party word before a title with no name after it ("the French
    president said", "a Democratic mayor", "the Canadian minister") stands for its
    state or party when the title nominal was not linked to a person of the text
    (``demonym``); before a name it stays a modifier ("French President Emmanuel
    Macron")."""
    for c in d.titled_demonyms:
        if d.overlaps(c.start, c.end):
            continue  # "the French president" linked to Emmanuel Macron
        d.add_mention(c.start, c.end, d.kb_actor(c.entry), "demonym")


def _party_noun(d: _Doc, c: _Cand, party: _Actor) -> bool:
    """A party word used as a noun for one of its members ("a Kentucky Republican", "the
    Texas Democrat"): linked to the person it names (``party_member``, with member_of the
    party) when the text says who, else to the party itself (``demonym``).

    The person is the one the noun is in apposition to or predicated of ("McConnell, a
    Kentucky Republican"; "Collins was the lone Republican"); after "the", the person of
    the last mention linked before it (in linking order, not always the nearest in the
    text) in this or the two previous sentences who is not known to belong to another
    party ("Ted Cruz won. The Republican has dismissed ...")."""
    tok = d.sp_token(d.toks[c.j - 1][1])
    if tok.pos_ not in ("PROPN", "NOUN") or tok.tag_ not in ("NNP", "NN"):
        return False
    if tok.dep_ in _MODIFIER_DEPS or (tok.i + 1 < len(d.doc) and d.doc[tok.i + 1].tag_ == "POS"):
        return False
    person: _Actor | None = None
    anchor = tok.head if tok.dep_ in ("appos", "attr") else None
    if tok.dep_ == "conj" and tok.head.dep_ == "appos":
        anchor = tok.head.head  # "Garcia, a former journalist and Democrat from Des Moines"
    if anchor is not None and tok.dep_ == "attr":
        anchor = next((t for t in anchor.children if t.dep_ == "nsubj"), None)
    if anchor is not None:
        m = next(
            (m for m in d.mentions if m.method != "pronoun" and m.start <= anchor.idx < m.end), None
        )
        if m is not None and d.actors[m.actor].type == "PERSON":
            person = d.actors[m.actor]
    det = next((t.lower_ for t in tok.children if t.dep_ == "det"), "")
    if (
        person is None
        and det == "the"
        and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr")
    ):
        sent = d.parsed.sentence_id(c.start)
        others = {
            r.source_id for r in d.relations if r.kind == "member_of" and r.target_id != party.id
        }
        for m in reversed(d.mentions):
            if m.start >= c.start or m.method == "pronoun" or m.sent < sent - 2:
                continue
            a = d.actors[m.actor]
            if a.type == "PERSON" and a.id not in others:
                person = a
                break
    if person is None:
        d.add_mention(c.start, c.end, party, "demonym")
        return True
    d.add_mention(c.start, c.end, person, "party_member")
    _add_relation(
        d, person, "member_of", party, c.start, c.end, d.text[c.start : c.end], "party-noun"
    )
    return True


def _party_before_person(d: _Doc, c: _Cand, start_of: Mapping[int, _M]) -> bool:
    """A party adjective before a (titled) person: "Democratic Rep. Ilhan Omar", "Republican
    Senator John Chafee", "Democrat Jay Inslee". Links the party (``demonym``) and adds
    person member_of party."""
    toks = d.toks
    j = k = c.j
    for ln in (3, 2, 1):
        if tuple(t for t, _, _ in toks[j : j + ln]) in d.cues.titles:
            k = j + ln
            break
    if k >= len(toks):
        return False
    pm = start_of.get(toks[k][1])
    if pm is not None and k == j and d.actors[pm.actor].type == "STATE_BODY":
        d.add_mention(c.start, c.end, d.kb_actor(c.entry), "demonym")
        return True  # "Republican House members": the party
    if pm is None or d.actors[pm.actor].type != "PERSON":
        return False
    if k == j and d.text[c.end : toks[j][1]] != " ":
        return False
    party = d.kb_actor(c.entry)
    d.add_mention(c.start, c.end, party, "demonym")
    _add_relation(
        d,
        d.actors[pm.actor],
        "member_of",
        party,
        c.start,
        pm.end,
        d.text[c.start : c.end],
        "party-adjective",
    )
    return True


def _link_title_nominals(d: _Doc) -> None:
    """ "the chancellor" -> the nearest earlier person whose role holds "chancellor"."""
    cues = d.cues
    toks = d.toks
    n = len(toks)
    persons = [m for m in d.mentions if d.actors[m.actor].type == "PERSON"]
    if not persons:
        return
    firsts = {key[0] for key in cues.nominal_titles}
    demonym_at = {c.i: c for c in d.demonyms}
    for i in range(n - 1):
        if toks[i][0] != "the" or (toks[i + 1][0] not in firsts and i + 1 not in demonym_at):
            continue
        k = i + 1
        country = None
        for c in d.demonyms:
            if c.i == k:
                country = c.entry.id
                k = c.j
                break
        for key in cues.nominal_titles:
            if tuple(t for t, _, _ in toks[k : k + len(key)]) != key:
                continue
            e = k + len(key)
            if e < n and d.raw[e][:1].isupper() and d.raw[e].isalpha():
                break  # a title before a name: "the Chancellor Olaf Scholz" (the name links)
            s_char, e_char = toks[i][1], toks[e - 1][2]
            if d.overlaps(s_char, e_char):
                break
            title = " ".join(key)
            best = None
            for m in persons:
                if m.start >= s_char:
                    continue
                a = d.actors[m.actor]
                role = (a.role or "").lower()
                if not re.search(rf"\b{re.escape(title)}\b", role):
                    continue
                if country and a.country and a.country != country:
                    continue
                if best is None or m.start > best.start:
                    best = m
            if best is not None:
                d.add_mention(s_char, e_char, d.actors[best.actor], "title")
            break


def _link_descriptor_regime(d: _Doc) -> None:
    """Bare "the regime" -> the state already called a regime in this text (when there is one)."""
    toks = d.toks
    counts: dict[str, int] = {}
    for m in d.mentions:
        a = d.actors[m.actor]
        if (
            a.type == "STATE"
            and m.method == "descriptor"
            and re.search(r"regime|mullah|ayatollah|junta", m.text, re.I)
        ):
            counts[a.id] = counts.get(a.id, 0) + 1
    if len(counts) != 1:
        return
    (aid,) = counts
    for i in range(len(toks) - 1):
        if toks[i][0] == "the" and toks[i + 1][0] in ("regime", "junta"):
            nxt = toks[i + 2][0] if i + 2 < len(toks) else ""
            if nxt in ("change", "of", "in"):
                continue
            s, e = toks[i][1], toks[i + 1][2]
            if not d.overlaps(s, e):
                d.add_mention(s, e, d.actors[aid], "descriptor")


def _link_government(d: _Doc) -> None:
    """Bare "the (federal) government" / "the administration" -> the salient state.

    The salient state is the state with the most mentions in the text (its own, and
    those of its bodies and peoples: "the Iraqi army" counts for Iraq), at least twice
    as many as the next state (else no link), as "the Iranian government" links to Iran.
    Not "the government of X", "the government's", nor a name ("the Government
    Accountability Office").
    """
    cues = d.cues
    counts: dict[str, int] = {}
    for m in d.mentions:
        a = d.actors[m.actor]
        if m.method == "pronoun":
            continue
        sid = a.id if a.type == "STATE" and a.kb is not None else a.country
        if sid and sid in d.actors:
            counts[sid] = counts.get(sid, 0) + 1
    if not counts:
        return
    ranked = sorted(counts.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] < 2 * ranked[1]:
        return  # no state dominates the text: "the government" could be either
    state = d.actors[max(counts, key=lambda k: counts[k])]
    toks = d.toks
    n = len(toks)
    for i in range(n - 1):
        if toks[i][0] != "the":
            continue
        j = i + 1
        if toks[j][0] in cues.gov_modifiers and j + 1 < n:
            j += 1
        if toks[j][0] not in cues.gov_heads or d.shouted[j]:
            continue
        if j + 1 < n:
            nk = toks[j + 1][0]
            if nk in ("of", "'s", "'", "in", "for") or (
                d.raw[j + 1][:1].isupper() and d.text[toks[j][2] : toks[j + 1][1]] == " "
            ):
                continue
        s0, e0 = toks[i][1], toks[j][2]
        if not d.overlaps(s0, e0):  # its own method: the link comes from salience, not words
            d.add_mention(s0, e0, state, "salient_state")


_HYPHEN_TOKENS = frozenset({"-", "‐", "‑"})
_NOT_MODIFIER_POS = frozenset({"DET", "NUM", "PRON", "CCONJ", "ADP", "PART", "AUX", "VERB"})


def _tokens_lowered_in(doc: Any, words: Iterable[str]) -> Iterator[Any]:
    """The tokens whose lower-case form is one of ``words``, in order (compared by
    spaCy's string hash, without building a Token for every word)."""
    from spacy.attrs import LOWER
    from spacy.strings import get_string_id

    if not len(doc):
        return
    wanted = np.fromiter((get_string_id(w) for w in words), dtype=np.uint64)
    lower = doc.to_array([LOWER]).reshape(-1)
    for i in np.isin(lower, wanted).nonzero()[0].tolist():
        yield doc[i]


def _link_industries(d: _Doc) -> None:
    """An industry named by what it sells, where only an industry fits: the object of a
    "war on" ("Trump's War on Coal"), of "funding for" ("cut off funding for fracking"),
    of a verb that helps or harms it ("revive coal", "ban fracking"), or the subject of a
    verb only an actor does ("coal is struggling", "Big Oil lobbied"); cue table ``industry_metonyms``. Not the substance: "burn coal",
    "coal plants"."""
    cues = d.cues.industries
    if not cues.get("words"):
        return
    words: Mapping[str, str] = cues["words"]
    for tok in _tokens_lowered_in(d.doc, words):
        name = words.get(tok.lower_)
        if name is None or tok.pos_ not in ("NOUN", "PROPN") or tok.text.isupper():
            continue
        start = tok.idx
        if tok.i > 0 and f"{d.doc[tok.i - 1].lower_} {tok.lower_}" in words:
            name = words[f"{d.doc[tok.i - 1].lower_} {tok.lower_}"]  # "natural gas", "Big Oil"
            start = d.doc[tok.i - 1].idx
        head = tok.head
        verb = head.lemma_.lower()
        if tok.dep_ == "pobj" and head.lower_ == "for":
            fits = head.head.lemma_.lower() in cues["funds"]  # "cut off funding for fracking"
        elif tok.dep_ == "pobj":
            fits = head.lower_ in ("on", "against") and head.head.lemma_.lower() in cues["harms"]
        elif tok.dep_ == "dobj":
            fits = verb in cues["object_of"]
        elif tok.dep_ == "nsubj":
            fits = verb in cues["subject_of"]
        else:
            fits = False
        last = tok
        while any(c.dep_ == "conj" for c in last.children):
            last = next(c for c in last.children if c.dep_ == "conj")
            if last.lower_ not in words:
                break
        if last.lower_ not in words or (
            last.i + 1 < len(d.doc) and d.doc[last.i + 1].pos_ == "NOUN"
        ):
            continue  # "end oil, gas and coal leasing": the leasing is the object
        end = tok.idx + len(tok)
        if fits and tok.i + 1 < len(d.doc) and d.doc[tok.i + 1].lower_ in words:
            nxt = d.doc[tok.i + 1]  # "Funding For Natural Gas Fracking": one industry
            end = nxt.idx + len(nxt)
        if not fits or d.overlaps(start, end):
            continue
        d.add_mention(start, end, d.derived_actor(name, "ORG", "generic"), "collective")


def _link_blocs(d: _Doc) -> None:
    """A power bloc named by "the", one modifier and a bloc head ("the military-industrial
    complex", "the prison industrial complex", "the Climate Industrial Complex"; cue
    table ``bloc_heads``): one collective ORG actor per phrase (``collective``). An
    adjective not hyphenated to the head describes a site ("the vast industrial complex")."""
    for head in d.cues.bloc_heads:
        tail = r"[\s-]+".join(re.escape(w) for w in head)
        for m in re.finditer(rf"\b([A-Za-z]+)[\s-]+{tail}\b", d.text, re.I):
            if _fold(m.group(1)) in d.cues.stop_words or "\n" in m.group():
                continue
            start, end = m.span()
            if d.text[max(0, start - 4) : start].lower() != "the ":
                continue  # "an industrial complex near the river": a site
            hyphen = d.text[m.end(1) : m.end(1) + 1] == "-"
            if not hyphen and d.sp_token(m.start(1)).tag_ in ("JJ", "JJR", "JJS"):
                continue  # "the vast industrial complex": a site
            start -= 4
            if d.overlaps(start, end):
                continue
            name = re.sub(r"\s+", " ", m.group()).lower()
            d.add_mention(start, end, d.derived_actor(name, "ORG", "generic"), "collective")


_AGENCY_REGION = re.compile(r"\b(?:([A-Z]{2,6})\s+)?Region\s+(\d{1,2}|[IVX]{1,4})\b")


def _link_agency_regions(d: _Doc) -> None:
    """A numbered region of an agency ("EPA Region 5", later "Region 5") is its regional
    office, a STATE_BODY, when the text names a state body; all its mentions link to one
    actor (``name_cue``). An acronym of a state body of the text before it names the
    actor ("EPA Region 5") and stays its own mention; another one is left out."""
    if not any(a.type == "STATE_BODY" for a in d.actors.values()):
        return
    bodies = {
        d.text[m.start : m.end]
        for m in d.mentions
        if d.actors[m.actor].type == "STATE_BODY" and m.method != "pronoun"
    }
    found: dict[str, _Actor] = {}
    for m in _AGENCY_REGION.finditer(d.text):
        start, end = m.span()
        acronym = m.group(1) if m.group(1) in bodies else None
        if d.overlaps(start, end) or (m.group(1) and acronym is None):
            start = m.start() + m.group().index("Region")  # "EPA" is a mention already
            if d.overlaps(start, end):
                continue
        num = m.group(2)
        actor = found.get(num)
        if actor is None:
            name = f"{acronym} Region {num}" if acronym else f"Region {num}"
            actor = found[num] = d.derived_actor(name, "STATE_BODY", "ner")
        d.add_mention(start, end, actor, "name_cue")


_OFFICE_VARIANT = re.compile(
    r"\b((?:[A-Z][\w'’.-]*[ \t]+){1,3})(?:(area|regional|field|district|local|branch)[ \t]+)?"
    r"(office|bureau|division)\b"
)


def _link_office_variants(d: _Doc) -> None:
    """A body named "<Place> Office" found before, written again in lower case with a
    word such as "area" or "field" inside ("EPA's Great Lakes Office" ... "the Great
    Lakes area office"): the same body (``short``)."""
    offices = {
        _name_keys(d, a)[0]: a
        for a in d.actors.values()
        if a.type in ("STATE_BODY", "ORG")
        and _name_keys(d, a)[0][-1:] in (("office",), ("bureau",), ("division",))
    }
    if not offices:
        return
    for m in _OFFICE_VARIANT.finditer(d.text):
        run = alias_key(m.group(1))
        a = offices.get((*run, m.group(3)))
        if a is None and m.group(2):
            a = offices.get((*run, m.group(2), m.group(3)))  # "the Dallas field office"
        if a is None or d.parsed.in_title(m.start()):
            continue
        s, e = m.start(1), m.end()
        if d.text[max(0, s - 4) : s].lower() == "the ":
            s -= 4
        if not d.overlaps(s, e):
            d.add_mention(s, e, a, "short")


def _link_camps(d: _Doc) -> None:
    """Political camps: "the far right", "the radical left", "the Left" (GROUP, ``collective``)."""
    cues = d.cues
    doc = d.doc
    for wi, (k, s0, e0) in enumerate(d.toks):
        if k not in cues.camp_heads or d.overlaps(s0, e0) or d.shouted[wi]:
            continue
        tok = d.sp_token(s0)
        if tok.idx != s0 or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        i = tok.i - 1
        mods: list[Token] = []
        while i >= 0 and doc[i].pos_ in ("ADJ", "ADV") and doc[i].lower_ != "the" and len(mods) < 2:
            mods.insert(0, doc[i])
            i -= 1
        if i < 0 or doc[i].lower_ != "the":
            continue
        if i > 0 and doc[i - 1].lower_ in cues.camp_not_after:
            continue  # "turn to the right"
        if not mods and not tok.text[:1].isupper():
            continue  # bare "the left": too often a direction
        if any(m.lower_ not in cues.camp_modifiers for m in mods):
            continue  # "the constitutional right"
        if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in ("to", "of", "for", "now", "away"):
            continue  # "the right to vote", "right now"
        if tok.text[:1].isupper() and not mods and (tok.is_sent_start or _title_cased(d, tok.idx)):
            continue
        start = doc[i].idx
        name = " ".join(t.lower_ for t in (*mods, tok))
        actor = d.derived_actor(name, "GROUP", "generic")
        d.add_mention(start, e0, actor, "collective")


def _of_a_place(d: _Doc, word: str) -> bool:
    """Whether a capitalised plural is the people of a place the text names as a GPE:
    "Detroiters" with "Detroit", "Californians" with "California"."""
    for ent in d.doc.ents:
        if ent.label_ == "GPE" and len(ent) == 1:
            place = _fold(ent.text)
            if len(place) >= 4 and word.startswith(place[:-1]) and len(word) - len(place) <= 4:
                return True
    return False


def _demonym_context(tok: Token) -> bool:
    """A capitalised plural is a people ("fellow Detroiters", "New Yorkers") when the word
    before it is lower case, a number or punctuation, or part of the same place name; not
    after another capitalised word ("Scientific Papers")."""
    if tok.i == 0:
        return False
    prev = tok.doc[tok.i - 1]
    if not prev.text[:1].isupper():
        return True
    return bool(prev.ent_type_) and prev.ent_type_ == tok.ent_type_ and prev.ent_iob_ != "O"


def _link_collectives(d: _Doc) -> None:
    """Unnamed collective actors from a plural head and its modifiers (``collective`` method).

    "climate activists", "oil companies", "Tangier residents", "West Coast states",
    "people in Appalachia", "fellow Detroiters": one derived actor per phrase, typed
    by the head (cue table ``collective_nouns``). A name or state among the
    modifiers stays its own mention inside the phrase ("EPA officials", "US farmers").
    Heads that need a modifier ("people", "groups", "states") are skipped bare, unless
    a longer phrase with that head came earlier ("the groups" after "environmental
    groups"), which they then link to.
    """
    cues = d.cues
    table = cues.collective_nouns
    if not table:
        return
    doc = d.doc
    text = d.text
    starts = {m.start: m for m in d.mentions if m.method != "pronoun"}
    mentions = sorted((m for m in d.mentions if m.method != "pronoun"), key=lambda m: m.start)
    m_starts = [m.start for m in mentions]

    def mention_at(char: int) -> _M | None:
        k = bisect.bisect_right(m_starts, char) - 1
        for m in mentions[max(0, k - 3) : k + 1]:
            if m.start <= char < m.end:
                return m
        return None

    by_head: dict[str, _Actor] = {}
    for a in d.actors.values():
        if a.derived == "people":
            by_head[_fold(a.name.split()[-1])] = a
    suffixes = cues.demonym_suffixes
    candidates = [
        i
        for i, (k, _, _) in enumerate(d.toks)
        if k in table
        or (len(k) > 5 and k.endswith(suffixes) and d.raw[i][:1].isupper())
        or (k.endswith(cues.agent_suffixes) and d.raw[i].islower())
    ]
    for wi in candidates:
        tok = d.sp_token(d.toks[wi][1])
        if tok.idx != d.toks[wi][1]:
            continue
        low = tok.lower_
        info = table.get(low)
        demonymish = agentive = False
        if info is None:
            if (
                tok.tag_ == "NNPS"
                and len(low) > 5
                and low.endswith(cues.demonym_suffixes)
                and tok.text[:1].isupper()
                and not tok.text.isupper()
                and tok.ent_type_ not in ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "FAC")
                and (
                    (
                        not tok.is_sent_start
                        and not _title_cased(d, tok.idx)
                        and _demonym_context(tok)
                    )
                    or _of_a_place(d, low)  # "Detroiters March For ..." with Detroit in the text
                )
            ):
                info, demonymish = ("GROUP", False), True  # "Detroiters", "New Yorkers"
            elif (
                tok.tag_ == "NNS"
                and low.endswith(cues.agent_suffixes)
                and low not in cues.not_agent_plurals
            ):
                info, agentive = ("GROUP", True), True  # "Trump supporters": needs a name
            else:
                continue
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        s0, e0 = tok.idx, tok.idx + len(tok)
        if d.overlaps(s0, e0) or (tok.text.isupper() and len(tok.text) > 1):
            continue
        if (
            tok.text[:1].isupper()
            and not demonymish
            and not (tok.is_sent_start or _title_cased(d, tok.idx))
            and not _ACRONYM_PLURAL.fullmatch(tok.text)  # "MPs", "MEPs"
        ):
            continue  # "Union of Concerned Scientists": part of a name
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        after = starts.get(nxt.idx) if nxt is not None else None
        if after is not None and d.actors[after.actor].type == "PERSON":
            continue  # a plural title: "Senators Cruz and Cornyn"
        typ, needs_mod = info
        # modifiers to the left, inside the head's subtree
        start = s0
        inner: _M | None = None
        mods = 0
        k = tok.i - 1
        while k >= 0:
            t = doc[k]
            if t.text in _HYPHEN_TOKENS and t.whitespace_ == "" and k > 0:
                if doc[k - 1].is_alpha and not doc[k - 1].whitespace_:
                    start = doc[k - 1].idx  # "far-right groups", "fossil-fuel companies"
                    mods += 1
                    k -= 2
                    continue
                break
            if not tok.is_ancestor(t) or "\n" in text[t.idx : start]:
                break
            if d.glued_end and t.idx < d.glued_end <= start:
                break  # a headline run into the first sentence: "... Enthusiasm | Environmental activists"
            m = mention_at(t.idx)
            if m is not None:
                if (
                    m.end <= start
                    and (d.actors[m.actor].type != "PERSON" or info[0] == "GROUP")
                    and not m.nested
                ):  # "Trump supporters", "Sanders voters": a group named after a person
                    inner = m
                    start = m.start
                    for pre in d.cues.stance_prefixes:
                        if text[max(0, start - len(pre)) : start].lower() == pre:
                            start -= len(pre)  # "pro-Moscow candidates"
                break
            conj_mod = t.dep_ == "conj" and t.head.dep_ in ("amod", "compound", "nmod")
            if (
                t.dep_ == "cc"
                and t.head.dep_ in ("amod", "compound", "nmod")
                and t.head.i < t.i
                and mention_at(t.head.idx) is None
            ):
                start = t.idx  # "oil and gas companies": the "and" between two modifiers
                k -= 1
                continue
            if (
                (t.dep_ not in ("compound", "amod", "nmod", "npadvmod") and not conj_mod)
                or (t.pos_ in _NOT_MODIFIER_POS and t.tag_ not in ("VBN", "VBG"))
                or t.is_stop
                or (
                    t.lower_ in cues.collective_skip and t.pos_ != "PROPN"
                )  # "Green New Deal backers"
                or t.tag_ == "POS"
                or (t.text.isupper() and len(t.text) > 1)
                or (  # "spend their shifts processing families": a verb after its object
                    t.tag_ == "VBG"
                    and k > 0
                    and doc[k - 1].tag_ in ("NN", "NNS")
                    and doc[k - 1].head.i != k
                )
            ):
                break
            start = t.idx
            mods += 1
            k -= 1
        first = d.sp_token(start)
        if first.dep_ == "cc":
            start = doc[first.i + 1].idx  # "UW | and student activists"
        # a place after the head: "people in Appalachia", "residents of Tangier"
        end = e0
        place = False
        if (
            typ in ("GROUP", "STATE")
            and nxt is not None
            and nxt.lower_ in cues.collective_place_preps
        ):
            k = nxt.i + 1
            if k < len(doc) and doc[k].lower_ == "the":
                k += 1
            last = None
            while k < len(doc) and k - nxt.i <= 5:
                t = doc[k]
                compass = (  # "the countries of the Western Balkans"
                    t.lower_ in cues.compass and k + 1 < len(doc) and doc[k + 1].pos_ == "PROPN"
                )
                if (
                    (t.pos_ != "PROPN" and not compass)
                    or not t.text[:1].isupper()
                    or (t.text.isupper() and len(t.text) > 4)  # shouted, not "U.S."
                    or mention_at(t.idx) is not None
                ):
                    break
                last = t
                k += 1
            if last is not None and (k >= len(doc) or doc[k].pos_ not in ("PROPN", "NUM")):
                end = last.idx + len(last)
                place = True
        if agentive and not (
            inner is not None
            or any(
                t.pos_ == "PROPN" or (t.text[:1].isupper() and not t.is_sent_start)
                for t in doc[d.sp_token(start).i : tok.i]
            )
        ):
            continue  # a plural agent noun outside the table counts after a name only
        if mods == 0 and inner is None and not place:
            prev = by_head.get(low)
            det = doc[tok.i - 1].lower_ if tok.i > 0 else ""
            if prev is not None and det in ("the", "these", "those"):
                d.add_mention(
                    s0, e0, prev, "collective"
                )  # "the groups" after "environmental groups"
                continue
            if needs_mod:
                continue
        if mods and typ != "ARMED_GROUP":
            hi = d.word_index(e0)
            tail = tuple(k for k, _, _ in d.toks[max(0, hi - 3) : hi])
            if any(tail[-n:] in cues.collective_heads for n in (2, 3) if len(tail) >= n):
                typ = "ARMED_GROUP"  # "Shiite militia groups", "armed groups"
        name_parts = []
        for t in doc.char_span(start, end, alignment_mode="expand") or ():
            keep = (
                t.pos_ == "PROPN"
                or t.text.isupper()
                or (inner is not None and inner.start <= t.idx < inner.end)
                or (t.text[:1].isupper() and not t.is_sent_start and not _title_cased(d, t.idx))
            )
            name_parts.append((t.text if keep else t.lower_) + t.whitespace_)
        name = re.sub(r"\s+", " ", "".join(name_parts)).strip()
        if (
            inner is None
            and text[max(0, start - 4) : start].lower() == "the "
            and (start == 4 or not text[start - 5].isalnum())
        ):
            start -= 4  # "the oil companies", like the other derived mentions
        if not name:
            continue
        country = None
        if inner is not None:
            ia = d.actors[inner.actor]
            if ia.type == "STATE" and low in cues.state_heads:
                continue  # "Iranian officials", "US officials": the state itself
            if ia.type == "STATE":
                country = ia.kb.id if ia.kb else ia.id
            inner.nested = True
        actor = d.derived_actor(name, typ, "generic", country=country)
        d.add_mention(start, end, actor, "collective")
        by_head[low] = actor


# --------------------------------------------------------------------------- step 4: pronouns
_PRON_PERSON = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
_PRON_PLURAL = frozenset({"they", "them", "their", "theirs", "themselves"})
_PRON_NEUTER = frozenset({"it", "its", "itself"})
_EXPLETIVE_HEADS = frozenset(
    {"be", "seem", "appear", "remain", "become", "take", "matter", "make", "happen", "turn"}
)
_GROUPISH = frozenset({"ARMED_GROUP", "GROUP", "PARTY"})


def _compatible(d: _Doc, m: _M, pron: str) -> bool:
    a = d.actors[m.actor]
    if pron in _PRON_PERSON:
        return a.type == "PERSON"
    if pron in _PRON_PLURAL:
        return a.type != "PERSON" and (m.plural or a.type in _GROUPISH)
    return (
        a.type != "PERSON"
        and not m.plural
        and (m.method != "pronoun" or m.text.lower() in _PRON_NEUTER)
    )


@lru_cache(maxsize=1)
def _pronoun_ids() -> tuple[Any, Any]:
    """String ids of the pronouns linked and of the tags PRP, PRP$ (for ``to_array``)."""
    from spacy.strings import get_string_id

    words = sorted(_PRON_PERSON | _PRON_PLURAL | _PRON_NEUTER)
    return (
        np.array([get_string_id(w) for w in words], dtype=np.uint64),
        np.array([get_string_id("PRP"), get_string_id("PRP$")], dtype=np.uint64),
    )


def _pronoun_tokens(doc: Any) -> Iterator[Any]:
    """The tokens tagged PRP or PRP$ whose lower form is one of the pronouns linked
    (he/she/they/it and their forms), in order: found with ``to_array`` instead of
    building a Token for every word."""
    from spacy.attrs import LOWER, TAG

    if not len(doc):
        return
    arr = doc.to_array([LOWER, TAG])
    words, tags = _pronoun_ids()
    mask = np.isin(arr[:, 0], words) & np.isin(arr[:, 1], tags)
    for i in mask.nonzero()[0].tolist():
        yield doc[i]


def _resolve_pronouns(d: _Doc) -> None:
    """Link pronouns to actors by a conservative rule on recency, number, type and role.

    - he/him/his/she/her -> a PERSON; they/them/their -> a plural mention or a group
      (armed group, party, people); it/its -> a singular non-person.
    - Look first in the same sentence, nearest first, skipping the subject of the
      pronoun's own verb when the pronoun is its object ("the GOP accused them").
    - Else the previous sentence (never across the title/body border): its subjects
      first, in order, then its nearest compatible mention.
    - "it" links only as a subject, only to a main-clause subject, and never as an
      expletive ("it is time", "it would cause"); "its" links like "their".
    """
    parsed = d.parsed
    by_sent: dict[int, list[_M]] = {}
    for m in sorted(d.mentions, key=lambda m: m.start):
        by_sent.setdefault(m.sent, []).append(m)
    doc = d.doc
    for tok in _pronoun_tokens(doc):
        low = tok.lower_
        if d.overlaps(tok.idx, tok.idx + len(tok)):
            continue
        if tok.text.isupper() and len(tok.text) > 1:
            continue  # shouted text
        if low == "it":
            if tok.dep_ not in ("nsubj", "nsubjpass") or tok.head.lemma_ in _EXPLETIVE_HEADS:
                continue
            if (
                any(c.dep_ in ("ccomp", "xcomp") and c.i > tok.head.i for c in tok.head.children)
                and tok.head.lemma_ in _EXPLETIVE_HEADS
            ):
                continue
        sid = parsed.sentence_id(tok.idx)
        target = _antecedent(d, tok, low, sid, by_sent)
        if target is None:
            continue
        pm = d.add_mention(tok.idx, tok.idx + len(tok), d.actors[target.actor], "pronoun")
        by_sent.setdefault(sid, []).append(pm)
        by_sent[sid].sort(key=lambda m: m.start)


def _antecedent(
    d: _Doc, tok: Token, low: str, sid: int, by_sent: Mapping[int, list[_M]]
) -> _M | None:
    is_object = tok.dep_ in ("dobj", "obj", "pobj", "dative", "iobj")
    verb = tok.head
    if tok.dep_ == "pobj" and verb.dep_ in ("prep", "agent"):
        verb = verb.head
    same = [m for m in by_sent.get(sid, ()) if m.end <= tok.idx]
    if low in ("its", "their") and tok.i >= 2 and tok.doc[tok.i - 1].lower_ in ("and", "or"):
        # "Iran and its proxies", "the US and its allies": the conjunct just before
        before = tok.doc[tok.i - 2]
        end = before.idx + len(before)
        for m in reversed(same):
            if m.end == end and not m.nested and _compatible(d, m, low):
                return m
    if low == "it":
        same = [m for m in same if m.root_subject]
    by_root = {m.root_i: m for m in same}
    # the subject of a verb governing the pronoun ("the militias ... to consolidate their hold")
    anc = tok.head
    for _ in range(8):
        if anc.pos_ in ("VERB", "AUX"):
            for c in sorted(anc.children, key=lambda c: -c.i):  # the nearest subject first
                if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i and c.i in by_root:
                    m = by_root[c.i]
                    if _compatible(d, m, low) and not (is_object and anc.i == verb.i):
                        return m
        if anc.head.i == anc.i:
            break
        anc = anc.head
    for m in reversed(same):
        if not _compatible(d, m, low):
            continue
        if low in _PRON_NEUTER and not m.subject:
            continue  # "its" is too often about a non-subject thing: only subjects qualify
        if is_object and m.subject and m.root_i >= 0 and d.doc[m.root_i].head.i == verb.i:
            continue  # binding: "X accused them" - them is not X
        return m
    prev = sid - 1
    if prev < 0 or d.parsed.in_title(d.parsed.sentences[prev].start_char) != d.parsed.in_title(
        tok.idx
    ):
        return None
    if low in _PRON_NEUTER:
        # across sentences only from the main subject slot: "It also controls ports.", "Its loss ..."
        slot = tok if low == "it" else tok.head
        if not (slot.dep_ in ("nsubj", "nsubjpass") and slot.head.dep_ == "ROOT"):
            return None
    ms = list(by_sent.get(prev, ()))
    subj = [
        m
        for m in ms
        if (m.root_subject if low in _PRON_NEUTER else m.subject) and _compatible(d, m, low)
    ]
    if subj:
        return subj[0]
    if low in _PRON_NEUTER:
        return None
    rest = [m for m in ms if _compatible(d, m, low)]
    return rest[-1] if rest else None


# --------------------------------------------------------------------------- step 5: relations
def _add_relation(
    d: _Doc, src: _Actor, kind: str, tgt: _Actor, start: int, end: int, cue: str, method: str
) -> None:
    if src.id == tgt.id:
        return
    for r in d.relations:
        if r.source_id == src.id and r.target_id == tgt.id and r.kind == kind and r.start == start:
            return
    d.relations.append(
        Relation(
            source=src.name,
            kind=kind,
            target=tgt.name,
            start=start,
            end=end,
            cue=cue,
            source_id=src.id,
            target_id=tgt.id,
            sentence_id=d.parsed.sentence_id(start),
            in_title=d.parsed.in_title(start),
            method=method,
        )
    )
    if kind == "sponsor":
        tgt.sponsor = src.id


def _relations(d: _Doc) -> None:
    cues = d.cues
    text = d.text
    ms = sorted((m for m in d.mentions if m.method != "pronoun"), key=lambda m: (m.start, -m.end))
    top = [m for m in ms if not m.nested]
    part = "|".join(
        sorted(
            cues.sponsor_participles - {"aligned", "allied", "linked", "affiliated", "led", "run"}
        )
    )
    passive = re.compile(
        rf"^\s*,?\s*(?:(?:which|who|that)\s+)?(?:(?:is|are|was|were|has been|have been|had been|being)\s+)?"
        rf"(?:\w+ly\s+)?({part})(?:\s*(?:,|and|or)\s*(?:\w+ly\s+)?(?:{part}))*\s+by\s+(?:the\s+)?$",
        re.I,
    )
    member = re.compile(
        r"^\s*(?:,\s*|\s+(?:is|are|was|were|remains|became)\s+)(?:a|an|one|the|another|part|one of the|a key|a leading|a powerful)?\s*"
        r"(?:[\w'-]+\s+){0,2}?("
        + "|".join(sorted(cues.member_nouns))
        + r")\s+(?:of|in|within|inside)\s+(?:the\s+)?$",
        re.I,
    )
    apposition = re.compile(
        r"^\s*,\s*(?:a|an|the|one of the)\s+(?:[\w'-]+\s+){0,2}?("
        + "|".join(sorted(cues.ally_nouns | cues.opponent_nouns))
        + r")\s+(?:of|to)\s+(?:the\s+)?$",
        re.I,
    )
    based = re.compile(
        r"^\s*(?:,\s*)?(?:(?:which is|who are|that is)\s+)?(?:based\s+)?in\s+(?:the\s+)?$", re.I
    )
    like = re.compile(
        r"^\s*,?\s*(?:like|such as|including|notably|among them)\s+(?:the\s+)?$", re.I
    )
    like_end = re.compile(r"\b(?:like|such as|including)\s+(?:the\s+)?$", re.I)
    listsep = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or)\s+(?:the\s+)?$", re.I)
    for a, b in itertools.pairwise(top):
        if a.sent != b.sent or b.start - a.end > 90:
            continue
        gap = text[a.end : b.start]
        A, B = d.actors[a.actor], d.actors[b.actor]
        if (m := passive.match(gap)) and A.type != "STATE":
            _add_relation(d, B, "sponsor", A, a.start, b.end, gap.strip(" ,"), "passive-by")
        elif (m := member.match(gap)) and B.type not in ("PERSON",) and A.type != "STATE":
            _add_relation(d, A, "member_of", B, a.start, b.end, m.group(1).lower(), "apposition")
        elif m := apposition.match(gap):
            kind = "ally" if m.group(1).lower() in cues.ally_nouns else "opposes"
            _add_relation(d, A, kind, B, a.start, b.end, m.group(1).lower(), "apposition")
        elif (
            based.match(gap)
            and B.type == "STATE"
            and A.type in ("ARMED_GROUP", "PARTY", "ORG", "MEDIA", "GROUP")
        ):
            _add_relation(d, A, "based_in", B, a.start, b.end, gap.strip(" ,") or "in", "location")
    # "Iran proxies like Hezbollah", "anti-Iran voices ... like Muqtada al-Sadr"
    for k, a in enumerate(top):
        A = d.actors[a.actor]
        sponsor = A.sponsor if A.derived == "collective" else None
        anti = _anti_target(d, a)
        if sponsor is None and anti is None:
            continue
        j = k + 1
        if anti is not None:
            # the "like" may come a few words after "anti-X voices"
            while (
                j < len(top)
                and top[j].sent == a.sent
                and not like_end.search(text[a.end : top[j].start])
            ):
                j += 1
            if j >= len(top) or top[j].sent != a.sent or top[j].start - a.end > 120:
                continue

        elif j >= len(top) or not like.match(text[a.end : top[j].start]):
            continue
        prev_end = a.end
        while j < len(top) and top[j].sent == a.sent:
            b = top[j]
            if prev_end != a.end and not listsep.match(text[prev_end : b.start]):
                break
            B = d.actors[b.actor]
            if anti is not None:
                s0 = d.toks[d.tok_at_start[a.start] - 1][1]
                _add_relation(d, B, "opposes", d.actors[anti], s0, b.end, "anti-", "anti-like")
            elif sponsor is not None:
                _add_relation(
                    d, d.actors[sponsor], "sponsor", B, a.start, b.end, "like", "proxies-like"
                )
            prev_end = b.end
            j += 1
    _verb_relations(d)


def _anti_target(d: _Doc, m: _M) -> str | None:
    """The actor of an "anti-X" mention (X a mention right after "anti-")."""
    i = d.tok_at_start.get(m.start)
    if i is None or i == 0 or d.toks[i - 1][0] != "anti":
        return None
    return (
        m.actor
        if d.actors[m.actor].type in ("STATE", "ARMED_GROUP", "PERSON", "PARTY", "STATE_BODY")
        else None
    )


def _verb_relations(d: _Doc) -> None:
    cues = d.cues
    by_root: dict[int, _M] = {}
    for m in d.mentions:
        if m.root_i >= 0 and (m.root_i not in by_root or by_root[m.root_i].method == "pronoun"):
            by_root[m.root_i] = m
    doc = d.doc
    for ri, m in by_root.items():
        tok = doc[ri]
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = tok.head
        lemma = verb.lemma_.lower()
        kind = (
            "opposes"
            if lemma in cues.verbs_opposes
            else "ally"
            if lemma in cues.verbs_ally
            else "sponsor"
            if lemma in cues.verbs_sponsor
            else None
        )
        if kind is None or any(c.dep_ == "neg" or c.tag_ == "MD" for c in verb.children):
            continue  # negated or modal ("Congress must fund ICE"): not a fact about the actors
        objs: list[Token] = []
        for c in verb.children:
            if tok.dep_ == "nsubj" and c.dep_ in ("dobj", "obj"):
                objs.append(c)
                objs.extend(cc for cc in c.conjuncts)
            elif (c.dep_ == "prep" and c.lower_ in ("against", "with") and tok.dep_ == "nsubj") or (
                c.dep_ == "agent" and tok.dep_ == "nsubjpass"
            ):
                objs.extend(g for g in c.children if g.dep_ == "pobj")
        for o in objs:
            om = by_root.get(o.i)
            if om is None:
                continue
            A, B = d.actors[m.actor], d.actors[om.actor]
            s, e = min(m.start, om.start), max(m.end, om.end)
            if tok.dep_ == "nsubjpass":  # "Y is backed by X"
                _add_relation(d, B, kind, A, s, e, verb.text, "verb")
            else:
                _add_relation(d, A, kind, B, s, e, verb.text, "verb")


# --------------------------------------------------------------------------- step 6: tables
def _assemble(d: _Doc, lead_sentences: int) -> ActorLayer:
    parsed = d.parsed
    ms = sorted(d.mentions, key=lambda m: (m.start, m.end, m.actor))
    mentions: list[Mention] = []
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    in_title: dict[str, bool] = {}
    in_lead: dict[str, bool] = {}
    seen: dict[str, dict[str, str]] = {}
    body_sent0 = parsed.sentence_id(parsed.body_start) if parsed.title else 0
    for k, m in enumerate(ms):
        t = parsed.in_title(m.start)
        mentions.append(
            Mention(
                mention_id=k,
                actor_id=m.actor,
                text=m.text,
                start=m.start,
                end=m.end,
                sentence_id=m.sent,
                in_title=t,
                method=m.method,
            )
        )
        counts[m.actor] = counts.get(m.actor, 0) + 1
        first.setdefault(m.actor, m.start)
        in_title[m.actor] = in_title.get(m.actor, False) or t
        if not t and m.sent < body_sent0 + lead_sentences:
            in_lead[m.actor] = True
        if m.method != "pronoun":
            form = re.sub(r"\s+", " ", m.text).strip()
            seen.setdefault(m.actor, {}).setdefault(_fold(form), form)
    scores = {
        aid: counts[aid] + (2.0 if in_title.get(aid) else 0.0) + (1.0 if in_lead.get(aid) else 0.0)
        for aid in counts
    }
    total = sum(scores.values()) or 1.0
    actors = []
    for aid in sorted(counts, key=lambda a: (-scores[a], first[a], a)):
        a = d.actors[aid]
        actors.append(
            Actor(
                actor_id=aid,
                name=a.name,
                type=a.type,
                n_mentions=counts[aid],
                salience=round(scores[aid] / total, 4),
                aliases=tuple(seen.get(aid, {}).values()),
                kb_id=a.kb.id if a.kb else None,
                role=a.role,
                country=a.country,
                sponsor=a.sponsor,
                in_title=in_title.get(aid, False),
            )
        )
    rels = sorted(
        (r for r in d.relations if r.source_id in counts and r.target_id in counts),
        key=lambda r: (r.start, r.end, r.kind, r.source_id, r.target_id),
    )
    return ActorLayer(mentions=tuple(mentions), actors=tuple(actors), relations=tuple(rels))
