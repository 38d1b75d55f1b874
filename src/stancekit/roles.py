"""Narrative roles of actors: hero, villain, victim, or none.

A story about a public issue casts its actors: someone causes harm (the villain), someone
suffers it (the victim), someone acts against it (the hero). :func:`narrative_roles` reads
each actor's mentions in a parsed document and scores the four roles with a linear model
(``models/narrative_roles``, rebuilt by ``scripts/train_roles.py`` from the narrative_frames
corpus of climate news, MIT).

The features are entity-level, aggregated over the actor's mentions (no other stage's
internals are used; only the parse and the actors stage's mentions):

* the governing verb when the actor is its agent (``nsubj``, passive ``by``) or patient
  (``dobj``, ``nsubjpass``), as a lemma and as a class of the role model's own cue lists
  (``resources/role_cues.json``: harm, help, oppose, advocate, suffer, blame ...; not the
  stance stage's lists, which serve other rules: "protest against X" opposes X but helps
  nobody, and the war verb "fire" is no harm in "fired the director"), negation aware;
  phrasal verbs of the lists ("roll back", "crack down") match with their particle;
* for an agent's counter, oppose, stop or permit verb, what it acts on: a bad thing
  (``A_oppose_bad``: "opposes the war", "fights climate change"), a good one
  (``A_oppose_good``: "opposed the ceasefire", "cut funding"; countering and contesting a
  known thing read alike, which pools their scarce training examples) or unknown
  (``A_oppose``: "opposed the measures", ``A_counter``: "repelled the assault"), by
  ``role_cues.json``'s ``opposed_objects``, the harm / suffer / help nouns and the lexicon
  polarity of the object phrase without its clauses (:func:`_object_polarity`); "counter"
  verbs ("fight", "reduce", "tackle") treat their object as a problem (``P_counter``),
  "oppose" verbs ("block", "reject", "repeal") contest it;
* a light verb ("led", "launched", "carried out": ``light_verbs``) takes the classes of its
  object noun ("led the invasion" harms, "led the rescue" helps, "led the company" is no
  role), and so does a possessor ("the EU's fight against pollution": ``poss_counter_bad``);
* the lexicon polarity (VADER's lexicon plus ``stance_lexicon.json``) of that verb, of the
  rest of its clause, of the actor's modifiers and of a six-token window; the cue nouns of
  the clause (``A_obj_harm``: "poisoned the children's water") only of the verb's own
  arguments, not of a compound modifier ("raised war-risk premiums") nor of a reported
  clause ("said they love danger");
* what the actor's mention attaches to when it is not an argument (``the impact on
  farmers``, ``Exxon's pollution``, ``Shell executives``), with the preposition when the
  governing noun or verb is a cue (``prep_from_help``: "protect the coast from X";
  ``prep_on_harm``: "the impact on X"; ``prep_against_oppose``: "the case against X");
* the head nouns of the mentions (victims are often ``communities``, ``farmers``,
  ``children``; villains ``companies``, ``industry``), whether that head is an ordinary
  people noun (``head_group``: role_cues.json's ``group_nouns``), the actor type, its
  mention count and share of the document's mentions, and whether it is in the title or
  the lead.

The featurizer emits all of these, but the stored model uses only the structural ones
(:func:`structural_feature`: cue classes, polarities, syntactic positions, salience;
no actor type, as the grid of ``scripts/train_roles.py`` no longer offers it; no actor names,
no verb or noun lemmas, no reporting verbs), so that what it learnt on
climate news transfers to war, trade and politics op-eds: a model that knew ``trump`` or
``emissions`` as villains and ``said`` as heroic filled the wrong stances there. And an actor
with no role cue at all (:func:`has_role_cue`: no harm / help / oppose / advocate / suffer /
blame / permit / stop verb or noun, no victim, harmful or hero modifier) gets no role
(``P(none) = 1``):
polarity and position alone cast no hero, villain or victim.

Each :class:`RoleScore` carries the probabilities of the four roles and its evidence: the
feature occurrences that pushed most toward the chosen role, with character offsets into
``parsed.text``.

Combining with the author's stance (``stance.assess_stance``, option
``stance.narrative_roles``): a role maps to a stance (hero -> favor, villain -> against,
victim -> favor, see :data:`ROLE_STANCE`); :func:`role_stance` returns the favored side
(hero + victim probability) or the opposed side (villain) when the role mass
``1 - P(none)`` reaches the card's ``threshold`` and that side holds at least
``min_share`` of the mass (both chosen on the tune halves of PerSenT and narrative_frames,
see ``scripts/train_roles.py``), else the rule score is kept.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ResourceError
from .models import load_model_files
from .resources import read_json, vader_entries

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token

__all__ = [
    "MODEL_NAME",
    "ROLES",
    "ROLE_STANCE",
    "RoleModel",
    "RoleScore",
    "actor_features",
    "has_role_cue",
    "load_role_model",
    "narrative_roles",
    "role_stance",
    "structural_feature",
]

MODEL_NAME = "narrative_roles"
ROLES = ("hero", "villain", "victim", "none")
ROLE_STANCE: Mapping[str, str] = {"hero": "favor", "villain": "against", "victim": "favor"}
MAX_MENTIONS = 60  # mentions of one actor read per document
N_EVIDENCE = 3  # evidence occurrences kept per actor
WINDOW = 6  # tokens each side for the window polarity

_LOCK = threading.Lock()
_AGENT = frozenset({"nsubj", "csubj", "agent"})
_PATIENT = frozenset({"dobj", "obj", "nsubjpass", "csubjpass", "dative", "iobj", "oprd"})
_CLIMB = frozenset({"conj", "appos", "flat"})
_SHARE = frozenset({"xcomp", "advcl"})  # controlled clauses share the agent
_MODS = frozenset({"amod", "compound", "acl", "relcl", "appos", "nmod"})
# the role cue classes of ``resources/role_cues.json`` (its "verbs" and "nouns"; "report":
# stance_cues.json's reporting verbs, whose features the model leaves out)
_CUE_CLASSES = (
    "harm",
    "help",
    "oppose",
    "counter",
    "advocate",
    "suffer",
    "blame",
    "report",
    "permit",
    "stop",
)
_MOD_CLASSES = ("victim", "harmful", "hero")
# prepositions that link an actor to a role cue ("the impact on X", "protect Y from X");
# not those of place or occasion ("the war in X", "a challenge at X")
_ROLE_PREPS = frozenset({"of", "on", "to", "for", "from", "against", "by", "with"})
# cue classes whose agent is split by the polarity of what it acts on: "opposed the war"
# (A_oppose_bad) vs "opposed the ceasefire" (A_oppose_good), "cut emissions" vs "cut aid"
_POLAR = frozenset({"oppose", "counter", "stop", "permit"})
# clauses of reported or loosely attached content: not the verb's own objects
_REPORTED = frozenset({"ccomp", "parataxis"})
# clauses and appositions of a noun: what they say is not what the noun is
_CLAUSES = frozenset({"relcl", "acl", "appos", "advcl", "ccomp", "parataxis"})


# feature families that name a word class or a position, not a word of the text
_STRUCTURAL_PREFIXES = ("prep:", "dep:")


def structural_feature(name: str) -> bool:
    """Whether the feature ``name`` is structural: a cue class, a polarity, a syntactic
    position (``is_agent``, ``prep:of``, ``dep:appos``, ``head:PROPN``) or the actor's
    salience, rather than a word's identity (``name:trump``, ``type:ORG``, ``A:spend``,
    ``head:emission``, ``prep_gov:by_attempt``). The trainer keeps only these, so that the
    roles learnt on climate news transfer to other topics."""
    if name.endswith("_report"):  # "said", "urged": who speaks is no hero
        return False
    if ":" not in name:
        return True
    if name.startswith(_STRUCTURAL_PREFIXES):
        return True
    return name.startswith("head:") and name[5:].isupper()


# features of a role cue: a harm / help / oppose / suffer ... word of the cue lists governing
# or modifying the actor ("A_harm", "P_neg_help", "A_obj_suffer", "prep_harm", "mod_victim")
_ROLE_CUE = re.compile(
    rf"_(neg_)?({'|'.join(c for c in _CUE_CLASSES if c != 'report')})(_bad|_good)?$"
    rf"|^mod_({'|'.join(_MOD_CLASSES)})$"
)
NO_ROLE = {"hero": 0.0, "villain": 0.0, "victim": 0.0, "none": 1.0}


# an agent contesting something of unknown worth ("denounced the mechanism", "opposed the
# measures"): a feature of the model, but no role cue by itself
_NO_CUE = frozenset({"A_oppose", "A_neg_oppose"})


def has_role_cue(feats: Mapping[str, float]) -> bool:
    """Whether any role cue (a word of the harm, help, counter, oppose, advocate, suffer,
    blame, permit, stop or victim / harmful / hero lists of ``role_cues.json``) governs or
    modifies the actor, or the actor is what something is "against". Without
    one, :func:`narrative_roles` gives the actor no role: polarity, position and the
    model's prior alone do not cast a hero, villain or victim; nor does contesting
    something of unknown worth (``A_oppose`` without ``_bad`` / ``_good``)."""
    return any(v and k not in _NO_CUE and _ROLE_CUE.search(k) for k, v in feats.items())


@dataclass(frozen=True)
class RoleScore:
    """The narrative role of one actor: ``role`` (hero, villain, victim or none), the
    probabilities of the four roles and the strongest evidence, each item
    ``(start, end, cue, weight)`` with character offsets into ``parsed.text`` (``weight``:
    how much that occurrence pushed toward ``role``, in log-odds)."""

    actor_id: str
    role: str
    probs: dict[str, float]
    evidence: tuple[tuple[int, int, str, float], ...] = ()

    @property
    def stance(self) -> str | None:
        """The stance the role implies (hero/victim favor, villain against), None for none."""
        return ROLE_STANCE.get(self.role)


# --------------------------------------------------------------------------- resources
@dataclass(frozen=True)
class _Lex:
    valence: Mapping[str, float]
    classes: Mapping[str, frozenset[str]]  # from the verb lists
    noun_classes: Mapping[str, frozenset[str]]  # from the *_nouns lists
    mod_classes: Mapping[str, frozenset[str]]
    labels: Mapping[str, float]
    negations: frozenset[str]
    groups: frozenset[str] = frozenset()  # role_cues.json's group_nouns
    light: frozenset[str] = frozenset()  # role_cues.json's light_verbs ("led the invasion")
    # role_cues.json's opposed_objects: what it is right ("bad") or wrong ("good") to oppose
    bad_objects: frozenset[str] = frozenset()
    good_objects: frozenset[str] = frozenset()

    def classes_of(self, word: str) -> set[str]:
        """The verb-list classes of ``word`` (a lemma or a phrasal verb "roll back")."""
        return {c for c, ws in self.classes.items() if word in ws}


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    with _LOCK:
        valence = {k.strip().lower(): float(v) for k, v in vader_entries()}
        for w, v in read_json("stance_lexicon.json").get("valence", {}).items():
            valence[str(w).lower()] = float(v)
        cues = read_json("stance_cues.json")
        roles = read_json("role_cues.json")

        def words(group: str, cls: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in roles.get(group, {}).get(cls, ()))

        verbs = {c: words("verbs", c) for c in _CUE_CLASSES}
        verbs["report"] = frozenset(str(w).lower() for w in cues.get("reporting_verbs", ()))
        return _Lex(
            valence=valence,
            classes=verbs,
            noun_classes={c: words("nouns", c) for c in _CUE_CLASSES},
            mod_classes={c: words("modifiers", c) for c in _MOD_CLASSES},
            labels={str(k).lower(): float(v) for k, v in cues.get("labels", {}).items()},
            negations=frozenset(str(w).lower() for w in cues.get("negations", ())),
            groups=frozenset(str(w).lower() for w in roles.get("group_nouns", ())),
            light=frozenset(str(w).lower() for w in roles.get("light_verbs", ())),
            bad_objects=words("opposed_objects", "bad"),
            good_objects=words("opposed_objects", "good"),
        )


@lru_cache(maxsize=2)
def _hashed_classes(noun: bool = False) -> dict[int, tuple[str, ...]]:
    """Cue-list classes keyed by spaCy's string hash of the word: of the verb lists, or of
    the noun lists (``noun``), so that the verb "fired" is no "fire" of ``plight_nouns``."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    out: dict[int, list[str]] = {}
    lex = _lex()
    for c, ws in (lex.noun_classes if noun else lex.classes).items():
        for w in ws:
            out.setdefault(hash_string(w), []).append(c)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _hashed_valence() -> tuple[np.ndarray, np.ndarray]:
    """The lexicon as sorted spaCy string hashes (as in ``Doc.to_array([LOWER, LEMMA])``)
    and their polarities (VADER scale / 4), for vectorised look-ups."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    table = {hash_string(w): v / 4.0 for w, v in _lex().valence.items()}
    keys = np.array(sorted(table), dtype=np.uint64)
    return keys, np.array([table[int(k)] for k in keys], dtype=float)


def _lookup(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(found, polarity) of each hash."""
    keys, vals = _hashed_valence()
    if not len(keys) or not len(hashes):
        return np.zeros(len(hashes), dtype=bool), np.zeros(len(hashes))
    idx = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
    found = keys[idx] == hashes
    return found, np.where(found, vals[idx], 0.0)


def _negated(t: Token, lex: _Lex) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in lex.negations for c in t.children)


def _phrasal(t: Token) -> list[str]:
    """The phrasal-verb forms of ``t`` with each particle ("roll back", "carry out"); "back"
    may be parsed as an adverb ("rolled back")."""
    lem = t.lemma_.lower()
    return [f"{lem} {p.lower_}" for p in t.children if p.dep_ in ("prt", "advmod")]


# --------------------------------------------------------------------------- features
class _Ctx:
    """The lexicon plus per-document memos of token polarity and cue classes (by index)."""

    def __init__(self, lex: _Lex, doc: Any) -> None:
        from spacy.attrs import LEMMA, LOWER

        self.lex = lex
        arr = doc.to_array([LOWER, LEMMA]) if len(doc) else np.zeros((0, 2), dtype=np.uint64)
        self.pairs = arr.tolist()
        arr = arr.astype(np.uint64)
        f_low, v_low = _lookup(arr[:, 0])
        _, v_lem = _lookup(arr[:, 1])
        #: polarity of every token (lower-cased form, else lemma; VADER scale / 4)
        self.vals = np.where(f_low, v_low, v_lem)
        # prefix sums of the positive and negative polarities (window sums in O(1))
        self.cpos = [0.0, *np.cumsum(np.maximum(self.vals, 0.0)).tolist()]
        self.cneg = [0.0, *np.cumsum(np.minimum(self.vals, 0.0)).tolist()]
        self._cls: dict[int, list[str]] = {}
        self._mod: dict[int, list[str]] = {}

    def val(self, t: Token) -> float:
        return float(self.vals[t.i])

    def classes(self, t: Token) -> list[str]:
        c = self._cls.get(t.i)
        if c is None:
            noun = t.pos_ in ("NOUN", "PROPN")
            hc = _hashed_classes(noun)
            lo, le = self.pairs[t.i]
            both = set(hc.get(lo, ())) | set(hc.get(le, ()))
            if not noun:  # a phrasal verb of the lists: "roll back", "crack down", "phase out"
                for pv in _phrasal(t):
                    both.update(self.lex.classes_of(pv))
            c = self._cls[t.i] = [k for k in _CUE_CLASSES if k in both]
        return c

    def nominal_classes(self, t: Token) -> list[str]:
        """Classes of a noun by the noun lists and the verb lists ("the invasion", "the
        fight", "the rescue", "the protests"): the object of a light verb."""
        lem, low = t.lemma_.lower(), t.lower_
        got = set(self.classes(t)) | self.lex.classes_of(lem) | self.lex.classes_of(low)
        return [k for k in _CUE_CLASSES if k in got and k != "report"]

    def light(self, t: Token) -> bool:
        """Whether ``t`` is a light verb of role_cues.json ("led", "launched", "carried out")."""
        return t.lemma_.lower() in self.lex.light or any(pv in self.lex.light for pv in _phrasal(t))

    def mod_classes(self, t: Token) -> list[str]:
        c = self._mod.get(t.i)
        if c is None:
            lem, low = t.lemma_.lower(), t.lower_
            c = [k for k, ws in self.lex.mod_classes.items() if lem in ws or low in ws]
            self._mod[t.i] = c
        return c


class _Acc:
    """Feature values of one actor: counts (log1p at the end) and means over mentions."""

    def __init__(self) -> None:
        self.counts: dict[str, float] = {}
        self.sums: dict[str, float] = {}
        self.occ: list[tuple[int, int, str, str, float]] = []  # start, end, cue, feature, value

    def count(self, name: str, tok: Token | None = None, cue: str = "") -> None:
        self.counts[name] = self.counts.get(name, 0.0) + 1.0
        if tok is not None:
            self.occ.append((tok.idx, tok.idx + len(tok.text), cue or tok.text, name, 1.0))

    def add(self, name: str, value: float, tok: Token | None = None) -> None:
        if value == 0.0:
            return
        self.sums[name] = self.sums.get(name, 0.0) + value
        if tok is not None:
            self.occ.append((tok.idx, tok.idx + len(tok.text), tok.text, name, value))


def _object_polarity(v: Token, skip: set[int], cx: _Ctx) -> str:
    """ "bad", "good" or "": what the verb (or noun) ``v`` acts on, by its direct object,
    passive subject or "against" / "on" object ("fight against pollution", "crack down on
    corruption"): role_cues.json's ``opposed_objects`` (words or phrases), the harm / suffer
    (bad) and help (good) nouns, else the lexicon polarity of the object phrase."""
    lex = cx.lex
    objs = [c for c in v.children if c.dep_ in ("dobj", "obj", "nsubjpass", "pobj")]
    for c in v.children:
        if c.dep_ == "prep" and c.lower_ in ("against", "on"):
            objs.extend(g for g in c.children if g.dep_ == "pobj")

    def listed(w: Token) -> float:
        lem, low = w.lemma_.lower(), w.lower_
        if lem in lex.bad_objects or low in lex.bad_objects:
            return -1.0
        if lem in lex.good_objects or low in lex.good_objects:
            return 1.0
        cls = cx.classes(w) if w.pos_ == "NOUN" else ()
        return float(("help" in cls) - ("harm" in cls or "suffer" in cls))

    head = phrase = rest = valence = 0.0
    for o in objs:
        if o.i in skip:
            continue
        # the object phrase without its clauses: "Obama's Clean Power Plan, which aimed at
        # reducing carbon pollution" is a plan, not pollution
        clauses = {w.i for c in o.children if c.dep_ in _CLAUSES for w in c.subtree}
        words = [
            w for w in o.subtree if w.i not in skip and w.i not in clauses and abs(w.i - o.i) <= 6
        ]
        text = " " + " ".join(w.lemma_.lower() for w in words) + " "
        low = " " + " ".join(w.lower_ for w in words) + " "
        for phrases, sign in ((lex.bad_objects, -1.0), (lex.good_objects, 1.0)):
            for ph in phrases:
                if " " in ph and (f" {ph} " in text or f" {ph} " in low):
                    phrase += sign
        head += listed(o)
        rest += sum(listed(w) for w in words if w.i != o.i)
        valence += sum(cx.val(w) for w in words)
    # the object's head ("emissions standards" are standards, "a climate change rule" is a
    # rule), else a listed phrase ("fight climate change"), else its other words, else the
    # lexicon polarity
    score = next((x for x in (head, phrase, rest) if x), valence)
    return "bad" if score <= -0.25 else "good" if score >= 0.25 else ""


def _cue_name(side: str, neg: str, k: str, v: Token, skip: set[int], cx: _Ctx) -> str:
    """The feature of cue class ``k`` of ``v``; an agent's oppose / stop / permit cue takes
    the polarity of what it acts on ("A_oppose_bad": "opposes the war", "A_oppose_good":
    "opposed the ceasefire"; plain "A_oppose" when unknown: "opposed the measures")."""
    if side == "A" and k in _POLAR:
        pol = _object_polarity(v, skip, cx)
        if pol:  # countering and contesting a known good or bad thing read alike
            return f"A_{neg}{'oppose' if k == 'counter' else k}_{pol}"
    return f"{side}_{neg}{k}"


def _predicate_feats(acc: _Acc, side: str, v: Token, skip: set[int], cx: _Ctx) -> None:
    """Features of the predicate ``v`` of which the actor is the agent (A) or patient (P)."""
    neg = "neg_" if _negated(v, cx.lex) else ""
    lem = v.lemma_.lower()
    acc.count(f"{side}:{neg}{lem}", v)
    for k in cx.classes(v):
        acc.count(_cue_name(side, neg, k, v, skip, cx), v)
    if cx.light(v):  # "led the invasion" harms, "led the rescue" helps, "led the company": none
        for o in v.children:
            if o.dep_ in ("dobj", "obj", "nsubjpass") and o.pos_ == "NOUN" and o.i not in skip:
                for k in cx.nominal_classes(o):
                    acc.count(_cue_name(side, neg, k, o, skip, cx), o)
    val = cx.val(v) * (-1.0 if neg else 1.0)
    acc.add(f"{side}_val", val, v)
    # the rest of the clause: objects and complements of the verb ("poisoned the children");
    # the cue nouns only of the verb's own arguments: not of a reported clause ("said they
    # love danger") nor of a compound modifier ("raised war-risk premiums")
    clause = 0.0
    for c in v.children:
        if c.i in skip or c.dep_ in ("nsubj", "nsubjpass", "punct", "cc", "mark"):
            continue
        reported = c.dep_ in _REPORTED
        for w in c.subtree:
            if w.i in skip or w.i - v.i > 12 or v.i - w.i > 12:
                continue
            x = cx.val(w)
            clause += x
            if w.pos_ == "NOUN" and not reported and w.dep_ != "compound":
                for cl in cx.classes(w):
                    if cl in ("harm", "suffer", "help"):
                        acc.count(f"{side}_obj_{cl}", w)
    acc.add(f"{side}_clause", max(-1.0, min(1.0, clause)))
    if v.pos_ == "AUX" or lem == "be":  # copula: "X is responsible", "X are vulnerable"
        for c in v.children:
            if c.dep_ in ("acomp", "attr"):
                acc.count(f"cop:{c.lemma_.lower()}", c)
                acc.add("cop_val", cx.val(c), c)
                for mc in cx.mod_classes(c):
                    acc.count(f"mod_{mc}", c)


def _shared(v: Token, subj: str) -> list[Token]:
    """``v`` and the verbs coordinated with it or controlled by it that have no subject of
    their own and so share its subject ("Exxon polluted the river and poisoned the
    children", "the industry spent millions to block climate action")."""
    out = [v]
    for c in v.children:
        own = any(g.dep_ in ("nsubj", "nsubjpass", subj) for g in c.children)
        dep_ok = c.dep_ == "conj" or (subj == "nsubj" and c.dep_ in _SHARE)
        if dep_ok and c.pos_ in ("VERB", "AUX") and not own and len(out) < 4:
            out.append(c)
            if c.dep_ != "conj":  # "spent millions to block and delay": block's conj too
                out.extend(g for g in c.children if g.dep_ == "conj" and g.pos_ == "VERB")
    return out[:5]


def _mention_feats(acc: _Acc, doc: Any, start: int, end: int, s0: int, s1: int, cx: _Ctx) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    skip = set(range(span.start, span.end))
    root = span.root
    head = root.lemma_.lower() if root.pos_ in ("NOUN", "PRON") else root.pos_
    acc.count(f"head:{head}")
    if root.lemma_.lower() in cx.lex.groups or root.lower_ in cx.lex.groups:
        acc.count("head_group")  # "farmers", "local communities": ordinary people
    for w in span:
        lab = cx.lex.labels.get(w.lower_)
        if lab is not None:
            acc.add("label", lab, w)
    for c in root.children:  # the mention's own modifiers ("poor farmers", "greedy companies")
        if c.dep_ not in _MODS:
            continue
        for w in c.subtree if c.dep_ in ("acl", "relcl", "appos") else (c,):
            # a compound names what the actor deals with, not what it is ("the UN refugee
            # agency" is no victim, "a war hero" is)
            for mc in cx.mod_classes(w) if c.dep_ != "compound" else ():
                acc.count(f"mod_{mc}", w)
            acc.add("mod_val", cx.val(w), w)
        if c.dep_ == "relcl":  # "companies that pollute": the actor is the relcl agent
            _predicate_feats(acc, "A", c, skip, cx)
    t = root
    while t.dep_ in _CLIMB and t.head.i != t.i:
        t = t.head
    if t.dep_ == "compound" and t.head.i != t.i:  # "Shell executives", "coal industry"
        acc.count(f"comp_of:{t.head.lemma_.lower()}", t.head)
        t = t.head
        skip.add(t.i)
    dep, h = t.dep_, t.head
    if dep in _AGENT or (dep == "pobj" and h.lower_ == "by" and h.head.tag_ == "VBN"):
        v = h if dep != "pobj" else h.head
        acc.count("is_agent")
        for u in _shared(v, "nsubj"):
            _predicate_feats(acc, "A", u, skip, cx)
    elif dep in _PATIENT:
        acc.count("is_patient")
        for u in _shared(h, "nsubjpass") if dep == "nsubjpass" else (h,):
            _predicate_feats(acc, "P", u, skip, cx)
    elif dep == "pobj":
        gov = h.head
        acc.count(f"prep:{h.lower_}")
        acc.count(f"prep_gov:{h.lower_}_{gov.lemma_.lower()}", gov)
        # a role cue only through a preposition that links a role: "the impact on X",
        # "protect the coast from X", not "the war in X" or "a challenge at X"
        for c in cx.classes(gov) if h.lower_ in _ROLE_PREPS else ():
            acc.count(f"prep_{c}", gov)
            # "protect X from Y" / "suffer from Y" (Y harms) vs "protection of X" (X is helped)
            acc.count(f"prep_{h.lower_}_{c}", gov)
        if h.lower_ == "against":  # "protest / a lawsuit / the case against X": X is opposed
            acc.count("prep_against_oppose", h)
        if h.lower_ in _ROLE_PREPS and gov.pos_ == "ADJ":  # "harmful to X", "disruptive for X"
            for mc in cx.mod_classes(gov):
                if mc == "harmful":
                    acc.count(f"prep_{h.lower_}_harm", gov)
        elif h.lower_ in ("to", "for", "on") and gov.pos_ in ("VERB", "AUX"):
            # "poses a threat to X", "did damage to X", "brings relief to X": the verb's object
            for o in gov.children:
                if o.dep_ in ("dobj", "obj") and o.pos_ == "NOUN":
                    for c in cx.classes(o):
                        if c in ("harm", "help"):
                            acc.count(f"prep_{h.lower_}_{c}", o)
        acc.add("prep_val", cx.val(gov), gov)
    elif dep == "poss":
        acc.count(f"poss_of:{h.lemma_.lower()}", h)
        # "Exxon's pollution", "Russia's invasion", "the EU's fight against pollution"
        for c in cx.nominal_classes(h) if h.pos_ == "NOUN" else cx.classes(h):
            acc.count(_cue_name("A", "", c, h, skip, cx).replace("A_", "poss_", 1), h)
        acc.add("poss_val", cx.val(h), h)
    else:
        acc.count(f"dep:{dep}")
    # window polarity in the sentence [s0, s1), the mention itself left out
    lo, hi = max(s0, span.start - WINDOW), min(s1, span.end + WINDOW)
    a, b = max(lo, span.start), min(hi, span.end)
    cp, cn = cx.cpos, cx.cneg
    pos = cp[hi] - cp[lo] - (cp[b] - cp[a] if b > a else 0.0)
    neg = cn[hi] - cn[lo] - (cn[b] - cn[a] if b > a else 0.0)
    acc.add("win_pos", min(1.0, float(pos)))
    acc.add("win_neg", max(-1.0, float(neg)))
    return True


def actor_features(
    parsed: Any, actors: Any
) -> dict[str, tuple[dict[str, float], list[tuple[int, int, str, str, float]]]]:
    """Actor id -> (feature values, feature occurrences ``(start, end, cue, feature, value)``)
    over the mentions of the actors layer in ``parsed``."""
    doc = parsed.doc
    cx = _Ctx(_lex(), doc)
    sents = parsed.sentences
    by_actor: dict[str, list[Any]] = {}
    for m in actors.mentions:
        by_actor.setdefault(m.actor_id, []).append(m)
    out: dict[str, tuple[dict[str, float], list[tuple[int, int, str, str, float]]]] = {}
    total = max(1, len(actors.mentions))
    body0 = parsed.sentence_id(parsed.body_start)
    for a in actors.actors:
        mine = sorted(by_actor.get(a.actor_id, ()), key=lambda m: m.start)
        ms = mine[:MAX_MENTIONS]
        acc = _Acc()
        n = 0
        for m in ms:
            sent = sents[parsed.sentence_id(m.start)]
            n += _mention_feats(acc, doc, m.start, m.end, sent.start, sent.end, cx)
        feats: dict[str, float] = {k: math.log1p(v) for k, v in acc.counts.items()}
        for k, v in acc.sums.items():
            feats[k] = v / max(1, n)
        for w in str(a.name).lower().replace("'s", "").split():
            if w.isalpha() and len(w) > 2:
                feats[f"name:{w}"] = 1.0
        feats[f"type:{a.type}"] = 1.0
        # counted from the mentions (not the Actor record) so that any actor layer works
        feats["n_mentions"] = math.log1p(len(mine))
        feats["share"] = len(mine) / total
        feats["in_title"] = float(any(parsed.in_title(m.start) for m in mine))
        feats["in_lead"] = float(any(parsed.sentence_id(m.start) < body0 + 3 for m in mine))
        feats["bias"] = 1.0
        out[a.actor_id] = (feats, acc.occ)
    return out


# --------------------------------------------------------------------------- model
@dataclass(frozen=True)
class RoleModel:
    """The stored linear model: ``vocab`` (feature name -> column), ``coef`` (4 x d),
    ``intercept``, ``classes`` and the card (with the ``threshold`` of :func:`role_stance`)."""

    vocab: Mapping[str, int]
    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]
    card: Mapping[str, Any]

    @cached_property
    def relative(self) -> np.ndarray:
        """coef minus its mean over the classes: a feature's push toward each class."""
        return self.coef - self.coef.mean(axis=0)

    @property
    def threshold(self) -> float:
        return float(self.card.get("threshold", 0.5))

    @property
    def min_share(self) -> float:
        """The share of the role mass that the favor side (hero + victim) or the against
        side (villain) needs (:func:`role_stance`)."""
        return float(self.card.get("min_share", 0.0))

    def logits(self, feats: Mapping[str, float]) -> np.ndarray:
        z = self.intercept.copy()
        for name, v in feats.items():
            j = self.vocab.get(name)
            if j is not None:
                z += self.coef[:, j] * v
        return z

    def proba(self, feats: Mapping[str, float]) -> dict[str, float]:
        z = self.logits(feats)
        e = np.exp(z - z.max())
        p = e / e.sum()
        return {c: round(float(x), 4) for c, x in zip(self.classes, p, strict=True)}


@lru_cache(maxsize=4)
def load_role_model(directory: str | None = None) -> RoleModel:
    """The narrative-role model (cached); ``ResourceError`` when missing or corrupt."""
    files = load_model_files(MODEL_NAME, directory)
    a = files.arrays
    try:
        names = [str(x) for x in a["vocab"]]
        coef = np.asarray(a["coef"], dtype=np.float64)
        intercept = np.asarray(a["intercept"], dtype=np.float64)
        classes = tuple(str(c) for c in a["classes"])
    except KeyError as exc:
        raise ResourceError(
            f"model {MODEL_NAME!r}: array {exc} is missing. Rebuild it with "
            "`python scripts/train_roles.py`."
        ) from exc
    if coef.shape != (len(classes), len(names)) or set(classes) != set(ROLES):
        raise ResourceError(
            f"model {MODEL_NAME!r}: coef {coef.shape} does not fit {len(classes)} classes x "
            f"{len(names)} features. Rebuild it with `python scripts/train_roles.py`."
        )
    return RoleModel({n: j for j, n in enumerate(names)}, coef, intercept, classes, files.card)


def narrative_roles(parsed: Any, actors: Any, config: Any = None) -> dict[str, RoleScore]:
    """The narrative role of every actor of ``actors`` (an ActorLayer) in ``parsed``.

    Returns actor id -> :class:`RoleScore`. ``config`` options: ``roles.model_dir`` (a
    directory holding another ``narrative_roles`` model). Deterministic; the model loads on
    first use.
    """
    directory = config.option("roles.model_dir", None) if config is not None else None
    model = load_role_model(str(directory) if directory else None)
    out: dict[str, RoleScore] = {}
    for aid, (feats, occ) in actor_features(parsed, actors).items():
        probs = model.proba(feats) if has_role_cue(feats) else dict(NO_ROLE)
        role = max(model.classes, key=lambda c: (probs[c], -model.classes.index(c)))
        k = model.classes.index(role)
        rel = model.relative[k]
        scored: dict[tuple[int, int], tuple[float, str]] = {}
        for s, e, cue, name, v in occ:
            j = model.vocab.get(name)
            if j is None:
                continue
            w = float(rel[j] * v)
            if w > 0 and w > scored.get((s, e), (0.0, ""))[0]:
                scored[(s, e)] = (w, f"{cue} ({name})")
        best = sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))[:N_EVIDENCE]
        evidence = tuple((s, e, cue, round(w, 4)) for (s, e), (w, cue) in best)
        out[aid] = RoleScore(aid, role, probs, evidence)
    return out


def role_stance(
    score: RoleScore, threshold: float | None = None, min_share: float | None = None
) -> tuple[str, float] | None:
    """(stance, confidence) implied by a role score, or None to keep the rule stance.

    The role mass ``1 - P(none)`` splits into the favor mass (hero + victim) and the against
    mass (villain). The stance is the side that holds at least ``min_share`` of the role mass,
    when that mass reaches ``threshold`` (defaults: the model card's ``threshold`` and
    ``min_share``, chosen on the tune halves); confidence is that side's share of the mass.
    A hero-or-victim actor is favored either way: the hero and victim probabilities add up.
    """
    if threshold is None or min_share is None:
        model = load_role_model()
        threshold = model.threshold if threshold is None else threshold
        min_share = model.min_share if min_share is None else min_share
    mass = 1.0 - score.probs.get("none", 0.0)
    if mass < threshold or mass <= 0:
        return None
    sides = {"favor": 0.0, "against": 0.0}
    for role, stance in ROLE_STANCE.items():
        sides[stance] += score.probs.get(role, 0.0)
    best = max(sides, key=lambda k: (sides[k], k))
    share = sides[best] / mass
    if share < min_share:
        return None
    return best, round(share, 4)
