"""Framing: advocacy calls, threat appeals, us-versus-them, loaded language and document features.

:func:`extract_framing` reads the spaCy parse of a document together with the
results of the actors and claims stages and returns a :class:`FramingLayer`:

- **advocacy calls** (:class:`AdvocacyCall`, plus a :class:`FramingTag` of kind
  ``advocacy`` each): sentences or titles that demand, urge or prescribe action,
  with ``form`` (modal, only-way, imperative, call-on, it-is-time,
  negated-permission, other), ``speaker`` ("author" or the actor whose words
  they are), ``addressee`` (who should act), ``action`` (the demanded verb
  phrase), ``target`` (the actor the action is aimed at) and the ``cue``;
- **framing tags** of kinds ``threat`` (danger words and harmful consequences,
  with the actor cast as the threat), ``us_vs_them``, ``loaded_language``,
  ``black_and_white`` and ``rhetorical_question``. Hedges, certainty markers and
  attributions come from the claims stage (``ClaimLayer.tags``) and are counted
  here, never duplicated;
- **document features**: ``rate_<kind>`` (tags per 1,000 words) for every kind
  in :data:`FRAMING_KINDS`, ``n_advocacy`` and ``advocacy_<form>`` counts (form
  with ``-`` written ``_``: ``advocacy_only_way``), the in-group and out-group
  (``in_group``, ``out_group``: actor names, ``"author"`` for an unresolved
  "we", or ``None``), the four readability scores of :mod:`stancekit.readability`
  (body text), ``words``, ``sentences``, ``mean_sentence_length``,
  ``mean_word_length`` and ``actor_sentence_share``.

Advocacy is read from the dependency parse, not from keywords alone: a modal
counts when it governs a verb whose subject can act, outside questions,
conditions, reported expectations and legal obligations ("the results should
arrive Monday", "companies must report payments under the 2015 law" and "he
asked whether the talks should continue" are not calls). Cue words live in the
``framing_*.json`` resources; users extend the loaded-language lexicon with
``AnalysisConfig(loaded_terms={"term": weight})`` (weight <= 0 drops a packaged
term; option ``framing.replace_loaded_terms`` replaces the packaged lexicon).

Options (``AnalysisConfig.options``):

- ``framing.readability`` (default True): compute the readability scores.
- ``framing.replace_loaded_terms`` (default False): see above.

Every offset indexes ``parsed.text`` (title, blank line, body); every tag carries
its span, cue, method (``rule:<name>``) and score.

Examples
--------
>>> from stancekit.nlp import get_nlp, parse  # doctest: +SKIP
>>> from stancekit.types import ActorLayer, ClaimLayer  # doctest: +SKIP
>>> p = parse(None, "Washington must end its support for the coalition.", get_nlp())  # doctest: +SKIP
>>> layer = extract_framing(p, ActorLayer(), ClaimLayer())  # doctest: +SKIP
>>> layer.advocacy[0].form, layer.advocacy[0].action  # doctest: +SKIP
('modal', 'end its support for the coalition')
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import AnalysisConfig
from .errors import ResourceError, StancekitValueError
from .readability import READABILITY_SCORES, readability
from .resources import read_json
from .types import (
    ADVOCACY_FORMS,
    Actor,
    ActorLayer,
    AdvocacyCall,
    ClaimLayer,
    FramingLayer,
    FramingTag,
    Mention,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

    from .nlp import Parsed

__all__ = ["FRAMING_KINDS", "extract_framing"]

#: the framing kinds whose rates per 1,000 words appear in the features
FRAMING_KINDS = (
    "advocacy",
    "threat",
    "us_vs_them",
    "loaded_language",
    "black_and_white",
    "rhetorical_question",
    "hedge",
    "certainty",
    "attribution",
)
#: kinds that come from the claims stage (counted, not produced, here)
CLAIM_KINDS_COUNTED = ("hedge", "certainty", "attribution")

# forms in priority order: when two rules fire on the same verb the earlier wins
_FORM_PRIORITY = (
    "negated-permission",
    "call-on",
    "it-is-time",
    "only-way",
    "other",
    "modal",
    "imperative",
)
_SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl")
_NEG_WORDS = frozenset({"not", "n't", "never", "no"})
_QUOTES_OPEN = frozenset({"“", "‘"})
_QUOTES_CLOSE = frozenset({"”", "’"})
_QUOTES_BOTH = frozenset({'"', "''", "``"})
_PARA_BREAK_AT = re.compile(r"(?=\n\n)")

# spaCy string id -> the lower-case form with ’ as ' (0) / the lower-cased lemma (1), shared
# by all documents (a hash always names the same string); a full cache is replaced by an
# empty one (not cleared: a document reading the old one in another thread keeps it), so
# memory stays flat over a long corpus
_DECODED_MAX = 1 << 15
_DECODED: list[dict[int, str]] = [{}, {}]


def _decoded(which: int) -> dict[int, str]:
    cache = _DECODED[which]
    if len(cache) >= _DECODED_MAX:
        cache = _DECODED[which] = {}
    return cache


# preps whose objects are places or examples, not targets
_LOCATIVE_PREPS = frozenset(
    {
        "in",
        "inside",
        "within",
        "across",
        "throughout",
        "at",
        "near",
        "around",
        "outside",
        "from",
        "like",
        "including",
    }
)
_NP_MODIFIERS = frozenset(
    {"compound", "amod", "det", "poss", "case", "nmod", "nummod", "npadvmod", "quantmod", "flat"}
)
_TOKEN_RE = re.compile(r"'\w+|\w+|[^\w\s]")


# --------------------------------------------------------------------------- lexicons
def _words(term: str) -> tuple[str, ...]:
    """Split a lexicon term the way spaCy tokenizes it (hyphens and clitics apart)."""
    return tuple(_TOKEN_RE.findall(term.lower().replace("’", "'")))


@dataclass(frozen=True)
class _PhraseIndex:
    """Multi-word term lookup over token surface forms and lemmas (longest match wins)."""

    by_first: dict[str, tuple[tuple[tuple[str, ...], float, str], ...]]

    @classmethod
    def build(cls, terms: Mapping[str, float]) -> _PhraseIndex:
        tmp: dict[str, list[tuple[tuple[str, ...], float, str]]] = {}
        for term, weight in terms.items():
            words = _words(term)
            if words:
                tmp.setdefault(words[0], []).append((words, float(weight), term.lower()))
        return cls({k: tuple(sorted(v, key=lambda x: -len(x[0]))) for k, v in tmp.items()})

    def starts(self, low: list[str], lem: list[str]) -> list[int]:
        """Token positions whose form or lemma begins some term (where a match can start)."""
        by_first = self.by_first
        return [i for i, (w, m) in enumerate(zip(low, lem)) if w in by_first or m in by_first]

    def matches(
        self,
        low: Sequence[str],
        lem: Sequence[str],
        start: int,
        end: int,
        starts: list[int] | None = None,
    ) -> Iterator[tuple[int, int, str, float]]:
        """(start_token, end_token_exclusive, term, weight), left to right, non-overlapping.

        ``low`` and ``lem`` are the lower-case forms and lemmas of the document's tokens;
        ``starts`` (from :meth:`starts`, optional) lets the scan jump between candidates.
        """
        by_first = self.by_first
        if starts is None:
            positions: Iterable[int] = range(start, end)
        else:
            positions = starts[bisect_left(starts, start) : bisect_left(starts, end)]
        i = start
        for pos in positions:
            if pos < i:
                continue  # inside the previous match
            i = pos
            found = None
            cands = by_first.get(low[i], ())
            if lem[i] != low[i]:
                cands = cands + by_first.get(lem[i], ())
            for words, weight, term in cands:
                n = len(words)
                if i + n > end or (found is not None and n <= found[1] - found[0]):
                    continue
                # the first word matches (it is how the candidate was found); the second is
                # tested on its own, as most candidates fail there
                if n > 1 and (
                    (low[i + 1] != words[1] and lem[i + 1] != words[1])
                    or not all(
                        low[i + k] == w or lem[i + k] == w for k, w in enumerate(words[2:], 2)
                    )
                ):
                    continue
                found = (i, i + n, term, weight)
            if found:
                yield found
                i = found[1]


@dataclass(frozen=True)
class _Lexicon:
    adv: dict[str, Any]
    threat: dict[str, Any]
    threat_phrases: _PhraseIndex
    loaded: _PhraseIndex
    loaded_exceptions: _PhraseIndex
    pron: dict[str, Any]
    bw: dict[str, Any]
    bw_phrases: _PhraseIndex
    in_group_phrases: _PhraseIndex
    out_group_phrases: _PhraseIndex
    sets: dict[str, frozenset[str]] = field(default_factory=dict)

    def s(self, name: str) -> frozenset[str]:
        return self.sets[name]


def _read(name: str) -> dict[str, Any]:
    data = read_json(name)
    if not isinstance(data, dict):
        raise ResourceError(
            f"packaged resource {name!r} must hold a JSON object; reinstall stancekit"
        )
    return data


@lru_cache(maxsize=16)
def _lexicon(extra_loaded: tuple[tuple[str, float], ...], replace_loaded: bool) -> _Lexicon:
    adv = _read("framing_advocacy.json")
    threat = _read("framing_threat.json")
    loaded = _read("framing_loaded.json")
    pron = _read("framing_pronouns.json")
    bw = _read("framing_black_white.json")
    terms: dict[str, float] = {} if replace_loaded else dict(loaded["terms"])
    for term, weight in extra_loaded:
        key = term.lower().strip()
        if float(weight) <= 0:
            terms.pop(key, None)
        else:
            terms[key] = min(1.0, float(weight))
    sets = {
        name: frozenset(w.lower() for w in adv[name])
        for name in (
            "eventive_verbs",
            "agent_nouns",
            "agent_entity_labels",
            "epistemic_subjects",
            "legal_nouns",
            "legal_preps",
            "procedural_verbs",
            "expectation_verbs",
            "question_verbs",
            "question_marks",
            "condition_marks",
            "reporting_verbs",
            "discourse_verbs",
            "first_person",
            "call_on_np_verbs",
            "call_on_that_verbs",
            "permission_verbs",
            "permission_modals",
            "unpunished_adjs",
            "only_way_nouns",
            "only_way_forward_words",
            "spatial_preps",
            "only_way_complement_preps",
            "imperative_verbs",
            "imperative_blockers",
            "imperative_openers",
            "partner_preps",
            "semi_modal_blocked_aux",
            "discourse_lets",
            "discourse_let_verbs",
            "only_way_spatial_nouns",
            "interpretive_verbs",
            "negative_subjects",
        )
    }
    sets["agent_entity_labels"] = frozenset(adv["agent_entity_labels"])
    sets["intention_verbs"] = frozenset(threat["intention_verbs"])
    sets["future_aux"] = frozenset(threat["future_aux"])
    sets["in_group"] = frozenset(pron["in_group"])
    sets["out_group"] = frozenset(pron["out_group"])
    sets["plural_actor_types"] = frozenset(pron["plural_actor_types"])
    sets["antagonism"] = frozenset(pron["antagonism"])
    sets["bw_only_nouns"] = frozenset(bw["only_nouns"])
    sets["either_blockers"] = frozenset(bw["either_blockers"])
    return _Lexicon(
        adv=adv,
        threat=threat,
        threat_phrases=_PhraseIndex.build(threat["phrases"]),
        loaded=_PhraseIndex.build(terms),
        loaded_exceptions=_PhraseIndex.build(dict.fromkeys(loaded.get("exceptions", []), 1.0)),
        pron=pron,
        bw=bw,
        bw_phrases=_PhraseIndex.build(bw["phrases"]),
        in_group_phrases=_PhraseIndex.build(dict.fromkeys(pron["in_group_phrases"], 1.0)),
        out_group_phrases=_PhraseIndex.build(dict.fromkeys(pron["out_group_phrases"], 1.0)),
        sets=sets,
    )


def _get_lexicon(config: AnalysisConfig) -> _Lexicon:
    extra = []
    for term, weight in dict(config.loaded_terms).items():
        try:
            value = float(weight)
        except (TypeError, ValueError):
            value = math.nan
        if not isinstance(term, str) or not term.strip() or math.isnan(value):
            raise StancekitValueError(
                f"AnalysisConfig.loaded_terms: {term!r}: {weight!r} is not a term with a numeric "
                "weight; give {'term': weight} with a weight in [0, 1] (<= 0 removes a packaged term)"
            )
        extra.append((term, value))
    return _lexicon(
        tuple(sorted(extra)), bool(config.option("framing.replace_loaded_terms", False))
    )


# Mentions linked by inference rather than by their words ("the government" -> the state
# the text is mostly about): a speaker or addressee keeps the words, the actor stays linked.
_WORDS_NOT_NAME_METHODS = frozenset({"salient_state"})


# --------------------------------------------------------------------------- context
class _TokenList:
    """``doc[i]`` made on first use and then reused: the rules touch about a tenth of the
    tokens, so building a Token object for every token (``list(doc)``) is mostly waste."""

    __slots__ = ("_doc", "_toks")

    def __init__(self, doc: Doc) -> None:
        self._doc = doc
        self._toks: list[Token | None] = [None] * len(doc)

    def __len__(self) -> int:
        return len(self._toks)

    def __getitem__(self, i: int) -> Token:
        tok = self._toks[i]
        if tok is None:
            tok = self._toks[i] = self._doc[i]
        return tok


class _Context:
    """Per-document lookups: token -> actor mention, quotes, sentence ids, claims."""

    def __init__(
        self, parsed: Parsed, actors: ActorLayer, claims: ClaimLayer, lex: _Lexicon
    ) -> None:
        self.parsed = parsed
        self.doc = parsed.doc
        self.lex = lex
        self.by_id: dict[str, Actor] = {a.actor_id: a for a in actors.actors}
        self.by_name: dict[str, Actor] = {a.name: a for a in actors.actors}
        n = len(self.doc)
        self.tok_mention: list[Mention | None] = [None] * n
        for m in sorted(actors.mentions, key=lambda m: m.end - m.start, reverse=True):
            span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for i in range(span.start, span.end):  # shorter mentions overwrite longer ones
                self.tok_mention[i] = m
        self.sponsor_of: dict[str, str] = {}
        for a in actors.actors:
            if a.sponsor and a.sponsor in self.by_id:
                self.sponsor_of[a.name] = self.by_id[a.sponsor].name
        for r in actors.relations:
            if r.kind == "sponsor":
                self.sponsor_of.setdefault(r.target, r.source)
        self.sent_of: list[int] = [0] * n
        for k, s in enumerate(parsed.sentences):
            self.sent_of[s.start : s.end] = [k] * (s.end - s.start)
        self.toks = _TokenList(self.doc)  # one Token object per token used, reused by every rule
        # token strings and flags from the document's token columns (Parsed.tokens, read
        # and decoded once for every stage); each distinct string decoded once
        tokens = parsed.tokens
        lower = tokens.ids("LOWER")
        idx = tokens.idx
        length = tokens.ids("LENGTH")
        strings = self.doc.vocab.strings
        low_of = _decoded(0)
        for h in set(lower).difference(low_of):
            low_of[h] = strings[h].replace("’", "'")
        self.low: list[str] = list(map(low_of.__getitem__, lower))
        self.lem: Sequence[str] = tokens.lemma
        text = parsed.text  # the doc's text (doc.text would rebuild it from Token objects)
        self.texts: list[str] = [text[a : a + k] for a, k in zip(idx, length)]
        punct, space = tokens.column("IS_PUNCT"), tokens.column("IS_SPACE")
        self.is_word: list[bool] = ((punct == 0) & (space == 0)).tolist()
        self.in_quote = self._quotes(tokens.column("ORTH"), idx, length)
        self._where: dict[str, list[int]] | None = None
        self._spans: dict[int, tuple[int, int, str]] = {}
        self._starts: dict[int, tuple[_PhraseIndex, list[int]]] = {}
        self._found: dict[int, tuple[object, list[int]]] = {}
        self.claim_by_sent = {c.sentence_id: c for c in claims.claims}
        self.attribution_tags = [t for t in claims.tags if t.kind == "attribution"]

    def _quotes(self, orth: Any, starts: Sequence[int], lengths: Sequence[int]) -> list[bool]:
        """Whether each token stands inside a quotation (``orth``: the tokens' ORTH ids;
        ``starts``, ``lengths``: the tokens' IDX, LENGTH).

        A token's trailing whitespace is one space or nothing in spaCy: a paragraph break
        ("\\n\\n", which ends any quotation) is always inside a token's own text. Only
        quotation marks and paragraph breaks change the state, so the walk visits those
        (found with numpy and in the text) and fills the runs between them."""
        texts = self.texts
        n = len(texts)
        out = [False] * n
        if not n:
            return out
        strings = self.doc.vocab.strings
        marks = [strings[q] for q in (*_QUOTES_OPEN, *_QUOTES_CLOSE, *_QUOTES_BOTH)]
        events = set(np.flatnonzero(np.isin(orth, marks)).tolist())
        if not events:
            return out
        # tokens holding "\n\n": where the text has one (overlaps counted) inside a token
        text = self.parsed.text
        for m in _PARA_BREAK_AT.finditer(text):
            p = m.start()
            t = bisect_right(starts, p) - 1
            if t >= 0 and p + 2 <= starts[t] + lengths[t]:
                events.add(t)
        inside = False
        prev = 0
        for i in sorted(events):
            if inside and i > prev:
                out[prev:i] = [True] * (i - prev)
            prev = i + 1
            txt = texts[i]
            if "\n\n" in txt:
                inside = False
            if txt in _QUOTES_OPEN or (txt in _QUOTES_BOTH and not inside):
                inside = True
                continue
            if txt in _QUOTES_CLOSE or (txt in _QUOTES_BOTH and inside):
                inside = False
                continue
            out[i] = inside
        if inside and n > prev:
            out[prev:n] = [True] * (n - prev)
        return out

    # actors ----------------------------------------------------------------
    def mention(self, tok: Token) -> Mention | None:
        return self.tok_mention[tok.i]

    def actor_name(self, m: Mention | None) -> str | None:
        if m is None:
            return None
        a = self.by_id.get(m.actor_id)
        return a.name if a is not None else m.text

    def name_at(self, tok: Token) -> str | None:
        return self.actor_name(self.tok_mention[tok.i])

    def actor_type(self, name: str | None) -> str | None:
        a = self.by_name.get(name) if name else None
        return a.type if a is not None else None

    def pronoun_referent(self, tok: Token) -> str | None:
        """The actor a pronoun mention (the pronoun itself, not a longer name around it) names."""
        m = self.tok_mention[tok.i]
        if m is None or m.text.strip().lower().replace("’", "'") != self.low[tok.i]:
            return None
        return self.actor_name(m)

    def resolve_plural(self, tok: Token) -> str | None:
        """they/them/their: the actor the actors stage linked, else the nearest plural actor before."""
        own = self.pronoun_referent(tok)
        if own is not None:
            return own
        sid = self.sent_of[tok.i]
        back = int(self.lex.pron.get("max_sentences_back", 2))
        first = self.parsed.sentences[max(0, sid - back)].start
        plural_types = self.lex.s("plural_actor_types")
        for i in range(tok.i - 1, first - 1, -1):
            m = self.tok_mention[i]
            if m is None:
                continue
            t = self.toks[i]
            if t.lower_ in self.lex.s("out_group") or t.lower_ in self.lex.s("in_group"):
                continue
            a = self.by_id.get(m.actor_id)
            if t.tag_ in ("NNS", "NNPS") or (a is not None and a.type in plural_types):
                return self.actor_name(m)
        return None

    # offsets -----------------------------------------------------------------
    def positions(self, words: Iterable[str] | Mapping[str, Any]) -> list[int]:
        """Sorted indices of the tokens whose lower-case form or lemma is in ``words``.

        Each distinct form and lemma of the document is tested once (not each token).
        """
        where = self._where
        if where is None:  # string -> its token positions (form or lemma), ascending
            where = {}
            for i, (w, m) in enumerate(zip(self.low, self.lem)):
                where.setdefault(w, []).append(i)
                if m != w:
                    where.setdefault(m, []).append(i)
            self._where = where
        if isinstance(words, (set, frozenset, dict)) and len(words) < len(where):
            found = [where[w] for w in words if w in where]
        else:
            found = [pos for w, pos in where.items() if w in words]
        if len(found) == 1:
            return list(found[0])
        return sorted({i for pos in found for i in pos})

    def find(self, sent: Span, words: Iterable[str] | Mapping[str, Any]) -> Iterator[Token]:
        """Tokens of ``sent`` whose lower-case form or lemma is one of ``words`` (fast pre-filter).

        The document is scanned once per ``words`` object (cached by identity): pass the same
        set for every sentence, not a new one per call.
        """
        cached = self._found.get(id(words))
        if cached is None or cached[0] is not words:  # positions in the whole document, once
            cached = (words, self.positions(words))  # the object is kept: its id is not reused
            self._found[id(words)] = cached
        hits = cached[1]
        toks = self.toks
        for i in hits[bisect_left(hits, sent.start) : bisect_left(hits, sent.end)]:
            yield toks[i]

    def match(
        self, index: _PhraseIndex, start: int = 0, end: int | None = None
    ) -> Iterator[tuple[int, int, str, float]]:
        """Matches of a phrase index over tokens ``start:end`` of the document."""
        starts = self._starts.get(id(index))
        if starts is None or starts[0] is not index:
            starts = (index, self.positions(index.by_first))  # = index.starts(low, lem)
            self._starts[id(index)] = starts
        end = len(self.low) if end is None else end
        return index.matches(self.low, self.lem, start, end, starts[1])

    def sentence_span(self, sid: int) -> tuple[int, int, str]:
        """(start, end, text) of a sentence without its surrounding whitespace."""
        cached = self._spans.get(sid)
        if cached is None:
            s = self.parsed.sentences[sid]
            raw = self.parsed.text[s.start_char : s.end_char]
            lead = len(raw) - len(raw.lstrip())
            text = raw.strip()
            cached = (s.start_char + lead, s.start_char + lead + len(text), text)
            self._spans[sid] = cached
        return cached

    def tag(
        self,
        kind: str,
        start: int,
        end: int,
        cue: str,
        method: str,
        score: float,
        actor: str | None = None,
    ) -> FramingTag:
        text = self.parsed.text[start:end]
        return FramingTag(
            kind=kind,
            text=text,
            start=start,
            end=end,
            sentence_id=self.parsed.sentence_id(start),
            cue=cue,
            method=method,
            score=round(max(0.0, min(1.0, score)), 3),
            in_title=self.parsed.in_title(start),
            actor=actor,
        )


# --------------------------------------------------------------------------- parse helpers
def _subject(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in _SUBJ_DEPS:
            return c
    if verb.dep_ == "conj" and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head)
    return None


def _has_child(tok: Token, deps: Iterable[str], words: Iterable[str] | None = None) -> bool:
    deps = set(deps)
    words = set(words) if words is not None else None
    return any(c.dep_ in deps and (words is None or c.lower_ in words) for c in tok.children)


def _is_negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in _NEG_WORDS for c in tok.children if c.i < tok.i + 1)


def _text(tokens: Iterable[Token]) -> str:
    toks = sorted(set(tokens), key=lambda t: t.i)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].dep_ == "cc"):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    if not toks:
        return ""
    out = []
    for k, t in enumerate(toks):
        out.append(t.text)
        if k + 1 < len(toks):
            nxt = toks[k + 1]
            out.append(t.whitespace_ if nxt.i == t.i + 1 else (t.whitespace_ or " "))
    return " ".join("".join(out).split())


def _subtree_minus(
    root: Token, drop: Iterable[Token], drop_tokens: Iterable[Token] = ()
) -> list[Token]:
    """The subtree of ``root`` without the subtrees of ``drop`` and the single ``drop_tokens``."""
    dropped: set[int] = {t.i for t in drop_tokens}
    for d in drop:
        dropped.update(t.i for t in d.subtree)
    return [t for t in root.subtree if t.i not in dropped]


def _np_tokens(head: Token) -> list[Token]:
    """The head noun with its determiners, modifiers and 'of' phrases (no clauses, appositions)."""
    toks = [head]
    for c in head.children:
        if c.dep_ in _NP_MODIFIERS or (c.dep_ == "prep" and c.lower_ == "of"):
            toks.extend(c.subtree)
    return sorted(toks, key=lambda t: t.i)


def _phrase(head: Token) -> str:
    toks = _np_tokens(head)
    text = _text(toks)
    first = toks[0] if toks else head
    if first.tag_ == "DT" and first.is_sent_start and text[:1].isupper():
        text = text[:1].lower() + text[1:]
    return text


def _is_anti(tok: Token) -> bool:
    """'Iran' inside 'anti-Iran' / 'pro-Iran' does not name a target."""
    doc = tok.doc
    i = tok.i
    while i > 0 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_:
        if i > 1 and doc[i - 2].lower_ in ("anti", "pro", "non"):
            return True
        i -= 2
    return tok.lower_.startswith(("anti-", "pro-"))


# --------------------------------------------------------------------------- advocacy
@dataclass
class _Call:
    form: str
    sent_id: int
    anchor: Token  # the cue token the rule fired on
    verb: Token | None  # the head of the demanded action (verb or noun)
    cue: str
    score: float
    addressee_tok: Token | None = None
    addressee: str | None = None
    action: str | None = None
    action_roots: tuple[Token, ...] = ()
    target_from_subject: Token | None = None
    fallback_roots: tuple[Token, ...] = ()
    speaker_from: Token | None = None


class _Advocacy:
    """Rule set for advocacy calls over one document."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.lex = ctx.lex
        self.adv = ctx.lex.adv
        self._modal_words = {*self.adv["modal"], *self.adv["semi_modal"], "got"}
        self._permission_words = {*self.lex.s("permission_verbs"), "go"}

    # ---------------------------------------------------------------- shared checks
    def _is_question_sentence(self, sent: Span) -> bool:
        text = self.ctx.parsed.text[sent.start_char : sent.end_char]
        text = text.rstrip().rstrip("\"'”’)]»")
        return text.endswith("?")

    def _blocked_by_context(self, clause: Token) -> str | None:
        """Why a clause is not a call: condition, embedded question, reported expectation."""
        s = self.lex.s
        cur = clause
        for _ in range(12):
            if _has_child(cur, ("mark",), s("condition_marks")):
                return "condition"
            parent = cur.head
            if parent.i == cur.i:
                return None
            lemma = parent.lemma_.lower()
            if cur.dep_ in ("ccomp", "xcomp") and lemma in s("expectation_verbs"):
                return "expectation"
            if (
                cur.dep_ == "ccomp"
                and lemma in s("question_verbs")
                and (
                    lemma in ("wonder", "question", "debate", "inquire", "enquire")
                    or any(
                        c.lower_ in s("question_marks") or c.tag_ in ("WDT", "WP", "WRB")
                        for c in cur.children
                    )
                )
            ):
                return "question"  # "asked whether the talks should continue"
            if cur.dep_ in ("ccomp", "parataxis") and lemma in s("reporting_verbs"):
                return None
            if cur.dep_ not in (
                "conj",
                "xcomp",
                "ccomp",
                "advcl",
                "pcomp",
                "relcl",
                "acl",
                "prep",
                "pobj",
            ):
                return None
            cur = parent
        return None

    def _is_legal(self, sent: Span, verb: Token) -> bool:
        s = self.lex.s
        low = self.ctx.parsed.text[sent.start_char : sent.end_char].lower()
        if any(p in low for p in self.adv["legal_phrases"]):
            return True
        for t in self.ctx.find(sent, s("legal_preps")):
            if t.lower_ not in s("legal_preps") or not (t.head.i == verb.i or t.i < verb.i):
                continue
            # "under the 2015 law", "according to the treaty", "by law"
            if any(c.lemma_.lower() in s("legal_nouns") for c in t.subtree if c.dep_ == "pobj"):
                return True
        return False

    def _is_agent(self, subj: Token | None) -> bool:
        if subj is None:
            return True
        s = self.lex.s
        if subj.dep_ == "expl":
            return True
        if self.ctx.mention(subj) is not None:
            return True
        if subj.lower_ in s("agent_nouns") or subj.lemma_.lower() in s("agent_nouns"):
            return True
        if subj.ent_type_ in s("agent_entity_labels"):
            return True
        if subj.pos_ == "PRON" and subj.lower_ in ("we", "you", "they", "he", "she", "i"):
            return True
        return subj.tag_ in ("NNP", "NNPS")

    def _has_date(self, verb: Token) -> bool:
        """A time expression on the verb ("should arrive on Monday", "should end soon")."""
        for c in verb.children:
            if c.ent_type_ in ("DATE", "TIME") and c.dep_ in ("npadvmod", "advmod", "tmod", "obl"):
                return True
            if c.dep_ == "prep" and any(
                g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in c.children
            ):
                return True
            if c.lower_ in ("soon", "shortly", "tomorrow", "tonight"):
                return True
        return False

    # ---------------------------------------------------------------- detectors
    def modal(self, sent: Span, sid: int) -> Iterator[_Call]:
        modal_w: dict[str, float] = self.adv["modal"]
        semi_w: dict[str, float] = self.adv["semi_modal"]
        s = self.lex.s
        for t in self.ctx.find(sent, self._modal_words):
            low = t.lower_
            if low in modal_w and (t.tag_ == "MD" or low == "ought"):
                verb = t.head
                subj_of = verb
                if verb.i == t.i:  # "Congress ought to pass": the modal heads an xcomp
                    verb = next((c for c in t.children if c.dep_ == "xcomp"), t)
                    subj_of = t
                if verb.i == t.i or verb.pos_ not in ("VERB", "AUX"):
                    continue
                # "should have acted", "must have known": counterfactual or epistemic
                if (
                    any(
                        c.lower_ in ("have", "'ve") and c.dep_ == "aux" and c.i > t.i
                        for c in verb.children
                    )
                    and verb.tag_ == "VBN"
                ):
                    continue
                neg = [c for c in verb.children if c.dep_ == "neg"]
                cue = " ".join(
                    [t.text + (" to" if low == "ought" else "")]
                    + [n.text for n in neg if n.i > t.i]
                )
                yield from self._modal_call(
                    sent, sid, anchor=t, verb=verb, subj_of=subj_of, cue=cue, score=modal_w[low]
                )
            elif (
                t.lemma_.lower() in semi_w
                and t.pos_ in ("VERB", "AUX")
                and t.tag_ not in ("VBD", "VBN", "VBG")
            ) or (
                # "America has got to lead"
                t.lower_ == "got"
                and any(
                    c.dep_ == "aux" and c.lower_ in ("has", "have", "'s", "'ve") for c in t.children
                )
            ):
                x = next(
                    (
                        c
                        for c in t.children
                        if c.dep_ == "xcomp"
                        and any(a.lower_ == "to" and a.i < c.i for a in c.children)
                    ),
                    None,
                )
                if x is None:
                    continue
                if any(
                    c.dep_ == "aux" and c.lower_ in s("semi_modal_blocked_aux") for c in t.children
                ):
                    continue
                if t.lemma_.lower() == "need" and _is_negated(t):
                    continue
                if t.lemma_.lower() == "have" and (
                    _is_negated(t)
                    or any(
                        c.dep_ == "aux" and c.lemma_ == "do" and c.tag_ == "VBD" for c in t.children
                    )
                ):
                    continue
                yield from self._modal_call(
                    sent,
                    sid,
                    anchor=t,
                    verb=x,
                    subj_of=t,
                    cue=f"{t.text} to",
                    score=semi_w.get(t.lemma_.lower(), semi_w["have"]),
                )

    def _modal_call(
        self,
        sent: Span,
        sid: int,
        *,
        anchor: Token,
        verb: Token,
        subj_of: Token,
        cue: str,
        score: float,
    ) -> Iterator[_Call]:
        s = self.lex.s
        subj = _subject(subj_of)
        lemma = verb.lemma_.lower()
        subj_low = subj.lower_ if subj is not None else ""
        # discourse and epistemic uses: "I must say", "it should be noted", "it must be hard"
        if lemma in s("discourse_verbs") and subj_low in ("i", "it", "we", "one"):
            return
        if subj_low == "i" and anchor.lower_ != "ought":
            return  # "maybe I should go": the writer deliberates, nobody is called on
        if (
            subj_low in s("epistemic_subjects")
            and subj is not None
            and subj.dep_ != "expl"
            and lemma == "be"
        ):
            return
        agent = self._is_agent(subj)
        dated = self._has_date(verb)
        if lemma in s("eventive_verbs") and (not agent or dated):
            return
        if not agent and dated:
            return
        passive = subj is not None and (
            subj.dep_ in ("nsubjpass", "csubjpass") or _has_child(verb, ("auxpass",))
        )
        if not agent and not passive:
            return  # "the weather should be fine", "the outcome should surprise no one"
        if passive and lemma in s("interpretive_verbs") and _has_child(verb, ("prep",), ("as",)):
            return  # "nothing here should be read as sympathy": a reading instruction
        if self._blocked_by_context(verb) or self._is_legal(sent, verb):
            return
        if (
            lemma in s("procedural_verbs")
            and subj is not None
            and subj.tag_ == "NNS"
            and self.ctx.mention(subj) is None
            and not any(c.dep_ in ("det", "poss") for c in subj.children)
        ):
            return  # "companies must report ...": a rule being described
        call = _Call(
            form="modal",
            sent_id=sid,
            anchor=anchor,
            verb=verb,
            cue=cue,
            score=score,
            addressee_tok=None if passive or subj is None or subj.dep_ == "expl" else subj,
            action_roots=(verb,),
            target_from_subject=subj if passive else None,
        )
        call.action = self._action_text(verb, extra_drop=[anchor])
        yield call

    def call_on(self, sent: Span, sid: int) -> Iterator[_Call]:
        s = self.lex.s
        verbs: dict[str, float] = self.adv["call_on_verbs"]
        preps: dict[str, list[str]] = self.adv["call_on_preps"]
        for v in self.ctx.find(sent, verbs):
            lemma = v.lemma_.lower()
            if lemma not in verbs or v.pos_ not in ("VERB",) or _is_negated(v):
                continue
            vs = _subject(v)
            if vs is not None and (
                vs.lower_ in s("negative_subjects")
                or any(c.dep_ == "det" and c.lower_ == "no" for c in vs.children)
            ):
                continue  # "nobody proposes rewarding aggression"
            if self._blocked_by_context(v):
                continue
            score = verbs[lemma]
            dobj = next((c for c in v.children if c.dep_ in ("dobj", "dative")), None)
            xcomp = next(
                (
                    c
                    for c in v.children
                    if c.dep_ in ("xcomp", "ccomp", "advcl")
                    and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)
                ),
                None,
            )
            prep = next(
                (c for c in v.children if c.dep_ == "prep" and c.lower_ in preps.get(lemma, [])),
                None,
            )
            pobj = (
                next((c for c in prep.children if c.dep_ == "pobj"), None)
                if prep is not None
                else None
            )
            if xcomp is None and dobj is not None:
                xcomp = next(
                    (
                        c
                        for c in dobj.children
                        if c.dep_ in ("acl", "relcl") and any(a.lower_ == "to" for a in c.children)
                    ),
                    None,
                )
            if xcomp is None and pobj is not None:
                xcomp = next(
                    (
                        c
                        for c in pobj.children
                        if c.dep_ in ("acl", "relcl") and any(a.lower_ == "to" for a in c.children)
                    ),
                    None,
                )
            ccomp = next((c for c in v.children if c.dep_ == "ccomp"), None)
            call = None
            if xcomp is not None and (
                dobj is not None
                or (
                    pobj is not None
                    and prep is not None
                    and prep.lower_ in ("on", "upon", "to", "with")
                )
            ):
                addr = pobj if dobj is None else dobj
                if addr is not None and addr.ent_type_ in ("DATE", "TIME"):
                    continue
                call = _Call(
                    "call-on",
                    sid,
                    v,
                    xcomp,
                    f"{v.text} {prep.text}" if prep is not None and dobj is None else v.text,
                    score,
                    addressee_tok=addr,
                    action_roots=(xcomp,),
                )
                call.action = self._action_text(xcomp)
            elif (
                ccomp is not None
                and lemma in s("call_on_that_verbs")
                and ccomp.i > v.i
                and not _has_child(ccomp, ("mark",), s("question_marks"))
                and (
                    # subjunctive "demand that Iran withdraw" or "urged that X should ..."
                    (ccomp.tag_ == "VB" and not any(c.dep_ == "aux" for c in ccomp.children))
                    or _has_child(ccomp, ("aux",), ("should", "must"))
                )
            ):
                csubj = _subject(ccomp)
                call = _Call(
                    "call-on",
                    sid,
                    v,
                    ccomp,
                    f"{v.text} that" if _has_child(ccomp, ("mark",), ("that",)) else v.text,
                    score,
                    addressee_tok=csubj if csubj is not None and csubj.dep_ == "nsubj" else None,
                    action_roots=(ccomp,),
                )
                call.action = self._action_text(ccomp)
            elif (
                prep is not None
                and pobj is not None
                and prep.lower_ == "for"
                and xcomp is None
                and (v.dep_ in ("acl", "relcl") or self._is_agent(_subject(v)))
            ):  # "the opposition called for elections", not "the plan calls for 20 schools"
                call = _Call(
                    "call-on", sid, v, pobj, f"{v.text} for", score * 0.9, action_roots=(pobj,)
                )
                call.action = _text(pobj.subtree)
            elif (
                dobj is not None
                and xcomp is None
                and lemma in s("call_on_np_verbs")
                and dobj.pos_ in ("NOUN",)
                and self.ctx.mention(dobj) is None
            ):
                call = _Call("call-on", sid, v, dobj, v.text, score * 0.85, action_roots=(dobj,))
                call.action = _text(dobj.subtree)
            if call is None:
                continue
            call.speaker_from = v
            yield call

    def it_is_time(self, sent: Span, sid: int) -> Iterator[_Call]:
        for t in self.ctx.find(sent, ("time",)):
            if t.lemma_.lower() != "time" or t.pos_ != "NOUN":
                continue
            head = t.head
            cop_ok = (
                head.lemma_ == "be"
                and t.dep_ in ("attr", "nsubj")
                and any(
                    c.dep_ in ("nsubj", "expl", "advmod") and c.lower_ in ("it", "now", "this")
                    for c in head.children
                )
            ) or (head.lemma_ == "come" and t.dep_ == "nsubj")
            if not cop_ok:
                continue
            if t.i + 1 < len(t.doc) and t.doc[t.i + 1].text == "-":
                continue
            cands = [
                c
                for c in t.children
                if c.dep_ in ("relcl", "acl", "advcl", "ccomp") and c.pos_ in ("VERB", "AUX")
            ]
            cands += [
                c
                for c in head.children
                if c.dep_ in ("advcl", "xcomp", "ccomp", "relcl")
                and c.pos_ in ("VERB", "AUX")
                and c.i > t.i
            ]
            verb = next(iter(cands), None)
            if verb is None:
                continue
            infinitive = any(a.lower_ == "to" and a.dep_ == "aux" for a in verb.children)
            subj = _subject(verb)
            if not infinitive and subj is None:
                continue
            if self._blocked_by_context(head):
                continue
            addr = subj if subj is not None and subj.dep_ == "nsubj" else None
            if addr is None:
                forp = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "for"), None)
                if forp is not None:
                    addr = next((c for c in forp.children if c.dep_ == "pobj"), None)
            lead = [c for c in head.children if c.dep_ in ("nsubj", "expl") and c.i < t.i]
            first = min([t.i, head.i, *(c.i for c in lead), *(c.i for c in t.lefts)])
            cue_toks = list(
                t.doc[first : max(t.i, head.i) + 1]
            )  # "it is high time", "the time has come"
            call = _Call(
                "it-is-time",
                sid,
                t,
                verb,
                _text(cue_toks).lower(),
                0.9,
                addressee_tok=addr,
                action_roots=(verb,),
            )
            call.speaker_from = head
            call.action = self._action_text(verb)
            yield call

    def _only_noun(self, t: Token) -> bool:
        if t.lemma_.lower() not in self.lex.s("only_way_nouns") or t.pos_ not in ("NOUN", "PROPN"):
            return False
        if any(c.lower_ == "only" and c.dep_ in ("amod", "advmod") for c in t.children):
            return True
        doc = t.doc
        return any(doc[j].lower_ == "only" for j in range(max(0, t.i - 2), t.i))

    def _purpose(self, noun: Token) -> Token | None:
        for c in noun.children:
            if (
                c.dep_ in ("relcl", "acl", "advcl", "xcomp")
                and any(a.lower_ == "to" and a.i < c.i for a in c.children)
                and (c.pos_ in ("VERB", "AUX") or c.tag_ in ("VB", "NNP", "VBP"))
            ):
                return c  # "the only way to stop them" (title case may tag the verb NNP)
        return None

    def _spatial(self, noun: Token) -> bool:
        s = self.lex.s
        for c in noun.children:
            if c.dep_ in ("prep", "advmod") and c.lower_ in s("spatial_preps") and c.i > noun.i:
                return True
        return False

    def only_way(self, sent: Span, sid: int) -> Iterator[_Call]:
        s = self.lex.s
        for n in self.ctx.find(sent, s("only_way_nouns")):
            if not self._only_noun(n):
                continue
            purpose = self._purpose(n)
            forward = any(c.lower_ in s("only_way_forward_words") for c in n.children if c.i > n.i)
            if purpose is None and (self._spatial(n) and not forward):
                continue
            cop = n.head if n.dep_ in ("nsubj", "attr") and n.head.lemma_ == "be" else None
            action_root: Token | None = None
            action: str | None = None
            if cop is not None and n.dep_ == "attr":
                subj = _subject(cop)
                if subj is None or subj.lower_ in ("this", "that", "it", "which"):
                    continue
                action_root = subj
                action = _text(subj.subtree)
            elif cop is not None:
                comp = None
                for c in cop.children:
                    if c.i <= n.i:
                        continue
                    if c.dep_ in ("xcomp", "ccomp", "attr", "acomp"):
                        comp = c
                        break
                    if c.dep_ == "prep" and c.lower_ in s("only_way_complement_preps"):
                        comp = next((g for g in c.children if g.dep_ in ("pcomp", "pobj")), None)
                        if (
                            comp is not None
                            and comp.dep_ == "pobj"
                            and comp.pos_ != "VERB"
                            and purpose is None
                        ):
                            comp = None  # "the only way in is through the gate"
                        break
                if comp is None:
                    continue
                action_root = comp
                drop = [c for c in comp.children if c.dep_ in ("aux", "mark") and c.i < comp.i]
                action = _text(_subtree_minus(comp, drop))
            else:
                appos = next((c for c in n.children if c.dep_ == "appos"), None)
                if appos is None or purpose is None:
                    continue
                action_root = appos
                action = _text(appos.subtree)
            if (
                purpose is None
                and not forward
                and n.lemma_.lower() in s("only_way_spatial_nouns")
                and action_root is not None
                and action_root.pos_ not in ("VERB", "AUX")
            ):
                continue  # "the only way is through the gate" names a place
            if any(
                c.dep_ == "relcl" and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
                for c in n.children
            ):
                continue  # "the only answer I got was silence" describes, it does not prescribe
            anchor_head = cop if cop is not None else n
            if self._blocked_by_context(anchor_head):
                continue
            call = _Call(
                "only-way",
                sid,
                n,
                action_root,
                f"only {n.text.lower()}",
                0.9,
                action=action,
                action_roots=(action_root,) if action_root is not None else (),
                fallback_roots=(purpose,) if purpose is not None else (),
            )
            call.speaker_from = anchor_head
            yield call

    def negated_permission(self, sent: Span, sid: int) -> Iterator[_Call]:
        s = self.lex.s
        for v in self.ctx.find(sent, self._permission_words):
            lemma = v.lemma_.lower()
            modal = next(
                (c for c in v.children if c.dep_ == "aux" and c.lower_ in s("permission_modals")),
                None,
            )
            if modal is None:
                continue
            neg = [c for c in v.children if c.dep_ == "neg" or c.lower_ in ("never", "not", "n't")]
            subj = _subject(v)
            no_subject = subj is not None and (
                subj.lower_ in s("negative_subjects")
                or any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children)
            )  # "no single capital should be allowed to ..."
            if (
                not neg
                and not no_subject
                and not (modal.lower_ in ("can", "ca") and v.doc[modal.i + 1].lower_ == "not")
            ):
                continue
            xcomp = next((c for c in v.children if c.dep_ in ("xcomp", "ccomp")), None)
            passive = _has_child(v, ("auxpass",))
            if lemma in s("permission_verbs") and passive and v.tag_ == "VBN":
                target = subj
                addr = None
            elif lemma in s("permission_verbs") and not passive:
                obj = next((c for c in v.children if c.dep_ in ("dobj",)), None)
                if obj is None and xcomp is not None:
                    xs = _subject(xcomp)
                    obj = xs if xs is not None and xs.i != v.i else None
                if obj is None:
                    continue
                target = obj
                addr = subj if subj is not None and subj.dep_ == "nsubj" else None
            elif lemma == "go" and any(c.lower_ in s("unpunished_adjs") for c in v.children):
                target = subj
                addr = None
                xcomp = None
            else:
                continue
            if self._blocked_by_context(v):
                continue
            cue_toks = [modal, *neg, *[c for c in v.children if c.dep_ == "auxpass"], v]
            if xcomp is not None:
                cue_toks += [a for a in xcomp.children if a.lower_ == "to" and a.dep_ == "aux"]
            cue = _text(sorted(cue_toks, key=lambda t: t.i))
            if xcomp is not None:
                action = self._action_text(xcomp)
                roots: tuple[Token, ...] = (xcomp,)
            else:
                keep = [*neg, *[c for c in v.children if c.dep_ == "auxpass"], v]
                for c in v.children:
                    if c.i > v.i and c.dep_ not in ("punct", "cc", "conj") and c not in keep:
                        keep.extend(c.subtree)
                action = _text(keep)
                roots = (v,)
            call = _Call(
                "negated-permission",
                sid,
                v,
                v,
                cue,
                0.9,
                addressee_tok=addr,
                action=action,
                action_roots=roots,
                target_from_subject=target,
            )
            yield call

    def other(self, sent: Span, sid: int) -> Iterator[_Call]:
        """'It is essential/imperative that X do Y', 'it is vital for X to do Y'."""
        adjs: dict[str, float] = self.adv["necessity_adjs"]
        for a in self.ctx.find(sent, adjs):
            if a.lemma_.lower() not in adjs or a.dep_ != "acomp":
                continue
            cop = a.head
            if cop.lemma_ != "be" or not any(
                c.dep_ in ("nsubj", "expl") and c.lower_ == "it" for c in cop.children
            ):
                continue
            verb = next(
                (
                    c
                    for c in [*a.children, *cop.children]
                    if (
                        c.dep_ == "ccomp"
                        or (c.dep_ in ("xcomp", "advcl") and c.pos_ in ("VERB", "AUX"))
                    )
                    and c.i > a.i
                ),
                None,
            )
            if verb is None or self._blocked_by_context(cop):
                continue
            subj = _subject(verb)
            call = _Call(
                "other",
                sid,
                a,
                verb,
                f"it is {a.text.lower()}",
                adjs[a.lemma_.lower()],
                addressee_tok=subj if subj is not None and subj.dep_ == "nsubj" else None,
                action_roots=(verb,),
            )
            call.speaker_from = cop
            call.action = self._action_text(verb)
            yield call

    def imperative(self, sent: Span, sid: int) -> Iterator[_Call]:
        s = self.lex.s
        ctx = self.ctx
        if not any(ctx.is_word[sent.start : sent.end]):
            return
        root = sent.root
        lemma = root.lemma_.lower()
        low = root.lower_
        if low in s("imperative_blockers") or lemma in s("imperative_blockers"):
            return
        if lemma == "let" and any(
            g.dep_ == "acomp" and g.lower_ in s("discourse_lets")
            for c in root.children
            for g in c.children
        ):
            return  # "let's be clear": a discourse marker, not a call
        if lemma == "let" and any(
            c.dep_ in ("ccomp", "xcomp") and c.lemma_.lower() in s("discourse_let_verbs")
            for c in root.children
        ):
            return  # "let us begin with ...", "let me explain"
        if lemma == "let" and any(c.lower_ == "me" for c in root.subtree if c.i < root.i + 3):
            return  # "let me get this straight"
        if any(c.dep_ in _SUBJ_DEPS for c in root.children):
            return
        if any(c.dep_ == "aux" and c.tag_ == "MD" for c in root.children):
            return
        if any(
            c.dep_ == "conj" and c.i > root.i and any(g.dep_ in _SUBJ_DEPS for g in c.children)
            for c in root.children
        ):
            return  # "Look at a map and the danger is obvious": a conditional, not a call
        toks = [ctx.toks[i] for i in range(sent.start, sent.end) if ctx.is_word[i]]
        vocative: Token | None = None
        k = 0
        while k < len(toks) and toks[k].i < root.i:
            t = toks[k]
            if t.lower_ in s("imperative_openers") or t.dep_ in (
                "intj",
                "advmod",
                "cc",
                "discourse",
            ):
                k += 1
                continue
            if t.dep_ in ("aux", "neg") and t.lower_ in (
                "do",
                "don't",
                "n't",
                "not",
                "never",
                "dont",
            ):
                k += 1
                continue
            # a vocative: "Iran, stop ..." / "Dear Barack Obama, please ..."
            nxt = t.doc[t.right_edge.i + 1] if t.right_edge.i + 1 < len(t.doc) else None
            if t.dep_ in ("npadvmod", "dep", "nsubj", "vocative", "appos") or (
                nxt is not None and nxt.text == ","
            ):
                head_tok = t if t.head.i == root.i else t.head
                if nxt is not None and nxt.text == "," and head_tok.head.i == root.i:
                    vocative = head_tok
                    k = next((j for j, x in enumerate(toks) if x.i > t.right_edge.i), len(toks))
                    continue
            break
        if k >= len(toks) or toks[k].i != root.i:
            return
        if not root.is_alpha or (root.i > 0 and root.doc[root.i - 1].text in ("#", "@")):
            return  # a hashtag or a handle is not a verb
        tag_ok = root.tag_ == "VB"
        lex_ok = (low in s("imperative_verbs") or lemma in s("imperative_verbs")) and root.tag_ in (
            "VB",
            "NN",
            "NNP",
            "VBP",
            "UH",
        )
        if not (tag_ok or lex_ok):
            return
        if self._is_question_sentence(sent):
            return
        cue = root.text
        if (
            root.i > 0
            and root.doc[root.i - 1].lower_ in ("n't", "not", "never")
            and root.i > sent.start
        ):
            cue = (
                _text([root.doc[root.i - 1], root]) if root.doc[root.i - 1].i >= sent.start else cue
            )
            prev2 = root.doc[root.i - 2] if root.i - 2 >= sent.start else None
            if prev2 is not None and prev2.lemma_ == "do":
                cue = _text([prev2, root.doc[root.i - 1], root])
        drop = [
            c
            for c in root.children
            if c.i < root.i
            and (
                c.lower_ in s("imperative_openers")
                or c.dep_ in ("intj", "cc", "discourse", "punct")
            )
        ]
        if vocative is not None:
            drop.append(vocative)
        drop += [c for c in root.children if c.dep_ in ("punct",) and c.i > root.i]
        call = _Call(
            "imperative",
            sid,
            root,
            root,
            cue,
            0.85 if tag_ok else 0.65,
            addressee_tok=vocative,
            action_roots=(root,),
        )
        call.action = _text(_subtree_minus(root, drop))
        yield call

    # ---------------------------------------------------------------- slots
    def _action_text(self, verb: Token, extra_drop: Iterable[Token] = ()) -> str:
        s = self.lex.s
        drop: list[Token] = []
        for c in verb.children:
            if (
                c.dep_ in _SUBJ_DEPS
                or (c.dep_ in ("mark", "parataxis", "punct") and c.i < verb.i)
                or (c.dep_ == "aux" and (c.tag_ == "MD" or (c.lower_ == "to" and c.i < verb.i)))
                or (
                    c.dep_ == "advcl"
                    and any(m.dep_ == "mark" and m.lower_ not in ("to", "so") for m in c.children)
                )
            ):
                drop.append(c)
            elif c.dep_ == "conj" and any(g.dep_ in _SUBJ_DEPS for g in c.children):
                drop.append(c)
                drop.extend(g for g in verb.children if g.dep_ == "cc" and g.i < c.i)
            elif c.dep_ in ("intj", "discourse", "parataxis") or (
                c.dep_ == "advmod" and c.i < verb.i and c.lower_ in s("imperative_openers")
            ):
                drop.append(c)
            elif c.i < verb.i and (
                c.dep_ in ("prep", "advcl", "npadvmod", "cc", "dep", "mark")
                or (
                    c.dep_ == "advmod"
                    and c.right_edge.i + 1 < len(c.doc)
                    and c.doc[c.right_edge.i + 1].text == ","
                )
            ):
                drop.append(c)  # "at the same time", "according to the treaty", "Third, ..."
        quotes = [t for t in verb.subtree if t.is_quote]
        return _text(_subtree_minus(verb, drop, [*extra_drop, *quotes]))

    def _target_candidates(
        self, root: Token, rank: float, out: list[tuple[float, int, Token]], depth: int = 0
    ) -> None:
        if depth > 6:
            return
        s = self.lex.s
        if root.pos_ not in ("VERB", "AUX"):
            self._np_candidates(root, rank, out, depth)
            return
        for c in root.children:
            dep = c.dep_
            if dep in ("dobj", "attr", "oprd", "dative", "nsubjpass", "acomp"):
                self._np_candidates(c, rank, out, depth + 1)
            elif dep == "prep" or dep == "agent":
                partner = c.lower_ in s("partner_preps")
                loc = c.lower_ in _LOCATIVE_PREPS
                for g in c.children:
                    if g.dep_ == "pobj":
                        self._np_candidates(
                            g, 3.0 if (partner or loc) else rank + 1, out, depth + 1
                        )
                    elif g.dep_ == "pcomp":
                        self._target_candidates(g, rank + 2, out, depth + 1)
            elif dep in ("xcomp", "ccomp", "pcomp") or (
                dep == "conj" and not _has_child(c, _SUBJ_DEPS)
            ):
                self._target_candidates(c, rank + 2 if dep != "conj" else rank, out, depth + 1)
                if dep == "ccomp":  # "stop pretending that Beijing is a partner"
                    for g in c.children:
                        if g.dep_ in ("nsubj", "nsubjpass"):
                            self._np_candidates(g, rank + 2, out, depth + 1)
            elif dep == "advcl" and not any(
                m.dep_ == "mark" and m.lower_ != "to" for m in c.children
            ):
                self._target_candidates(c, rank + 2, out, depth + 1)
            elif dep == "prt":
                continue

    def _np_candidates(
        self, head: Token, rank: float, out: list[tuple[float, int, Token]], depth: int
    ) -> None:
        if depth > 8:
            return
        out.append((rank, head.i, head))
        for c in head.children:
            if c.dep_ in ("compound", "amod", "poss", "nmod", "npadvmod", "nummod"):
                for g in c.subtree:
                    out.append((rank + 0.5, g.i, g))
            elif c.dep_ in ("conj", "appos"):
                self._np_candidates(c, rank, out, depth + 1)
            elif c.dep_ == "prep":
                aside = c.lower_ in _LOCATIVE_PREPS or c.lower_ in self.lex.s("partner_preps")
                for g in c.children:
                    if g.dep_ == "pobj":
                        self._np_candidates(g, 3.0 if aside else rank + 1, out, depth + 1)

    def _pick_target(self, call: _Call, exclude: set[str]) -> str | None:
        ctx = self.ctx
        cands: list[tuple[float, int, Token]] = []
        if call.target_from_subject is not None:
            self._np_candidates(call.target_from_subject, 0.0, cands, 0)
        for r in call.action_roots:
            if r is not None:
                self._target_candidates(r, 0.0, cands, 0)
        best = self._best(cands, exclude)
        if best is None:
            fb: list[tuple[float, int, Token]] = []
            for r in call.fallback_roots:
                self._target_candidates(r, 0.0, fb, 0)
            best = self._best(fb, exclude)
        if best is None:
            return None
        # an action only a state can be the object of ("regime change", "sanctions") aims at
        # the sponsor of a proxy named as its object
        action = (call.action or "").lower()
        if ctx.actor_type(best) not in (None, "STATE") and any(
            a in action for a in self.adv["state_actions"]
        ):
            return ctx.sponsor_of.get(best, best)
        return best

    def _best(self, cands: list[tuple[float, int, Token]], exclude: set[str]) -> str | None:
        for _rank, _i, tok in sorted(cands, key=lambda x: (x[0], x[1])):
            m = self.ctx.mention(tok)
            if m is None or _is_anti(tok):
                continue
            name = self.ctx.actor_name(m)
            if name in exclude:
                continue
            return name
        return None

    def _name_or_phrase(self, tok: Token | None) -> str | None:
        if tok is None:
            return None
        m = self.ctx.mention(tok)
        if m is not None and m.method not in _WORDS_NOT_NAME_METHODS:
            return self.ctx.actor_name(m)
        if tok.pos_ == "PRON":
            return tok.text if tok.text == "I" else tok.lower_
        return _phrase(tok) or tok.text

    def _speaker(self, call: _Call) -> str:
        """'author', or whoever the call is reported from (subject of a reporting verb)."""
        s = self.lex.s
        start = call.speaker_from if call.speaker_from is not None else (call.verb or call.anchor)
        cur = start
        for _ in range(12):
            parent = cur.head
            if parent.i == cur.i:
                break
            if cur.dep_ in ("ccomp", "parataxis", "xcomp") and parent.lemma_.lower() in s(
                "reporting_verbs"
            ):
                return self._speaker_of(parent, call)
            if cur.dep_ not in ("conj", "xcomp", "ccomp", "advcl", "pcomp", "prep", "pobj", "aux"):
                break
            cur = parent
        # a call-on verb's own subject speaks: "the senator urged ..."
        if call.form == "call-on" and call.anchor.pos_ == "VERB":
            return self._speaker_of(call.anchor, call)
        return self._quoted_speaker(call) or "author"

    def _speaker_of(self, verb: Token, call: _Call) -> str:
        s = self.lex.s
        subj = _subject(verb)
        if subj is None and verb.dep_ == "advcl" and verb.tag_ == "VBG":
            subj = _subject(verb.head)  # "the Council adopted a resolution demanding that ..."
        if subj is None and verb.dep_ in ("acl", "relcl"):
            # "a fatwa calling on ...": the one who issued the fatwa
            noun = verb.head
            gov = noun.head
            if noun.dep_ in ("dobj", "pobj") and gov.i != noun.i:
                subj = _subject(gov if noun.dep_ == "dobj" else gov.head)
        if subj is None:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subj = (
                next((g for g in agent.children if g.dep_ == "pobj"), None)
                if agent is not None
                else None
            )
        if subj is None:
            return self._quoted_speaker(call) or "author"
        if subj.lower_ in s("first_person"):
            return "author"
        name = self.ctx.name_at(subj)
        if name is not None:
            return name
        if subj.pos_ == "PRON":
            claim = self.ctx.claim_by_sent.get(call.sent_id)
            if claim is not None and claim.attributed_to and claim.attributed_to != "author":
                return claim.attributed_to
            return subj.text.lower() if subj.lower_ != "i" else "author"
        return _phrase(subj)

    def _quoted_speaker(self, call: _Call) -> str | None:
        ctx = self.ctx
        tok = call.anchor
        char = tok.idx
        for att in ctx.attribution_tags:
            if att.start <= char < att.end and att.actor:
                return att.actor
        if not ctx.in_quote[tok.i]:
            return None
        claim = ctx.claim_by_sent.get(call.sent_id)
        if claim is not None and claim.attributed_to and claim.attributed_to != "author":
            return claim.attributed_to
        # a quote continued over sentences: '"...," Marsh said. "Shipowners should ..."'
        sents = ctx.parsed.sentences
        for sid in (call.sent_id, call.sent_id - 1, call.sent_id + 1):
            if not 0 <= sid < len(sents):
                continue
            lo, hi = sorted((sid, call.sent_id))
            if any(
                "\n\n" in t.text or "\n\n" in t.whitespace_
                for t in ctx.doc[sents[lo].start : sents[hi].start]
            ):
                continue  # another paragraph
            for t in sents[sid]:
                if (
                    t.lemma_.lower() in self.lex.s("reporting_verbs")
                    and t.pos_ == "VERB"
                    and not ctx.in_quote[t.i]
                    and _subject(t) is not None
                ):
                    return self._speaker_of(t, call)
        return None

    # ---------------------------------------------------------------- run
    def run(self) -> list[tuple[AdvocacyCall, FramingTag]]:
        ctx = self.ctx
        out: list[tuple[AdvocacyCall, FramingTag]] = []
        detectors = {
            "negated-permission": self.negated_permission,
            "call-on": self.call_on,
            "it-is-time": self.it_is_time,
            "only-way": self.only_way,
            "other": self.other,
            "modal": self.modal,
            "imperative": self.imperative,
        }
        for sid, sent in enumerate(ctx.parsed.sentences):
            if not ctx.parsed.text[sent.start_char : sent.end_char].strip():
                continue
            question = self._is_question_sentence(sent)
            used: set[int] = set()
            calls: list[_Call] = []
            for form in _FORM_PRIORITY:
                for call in detectors[form](sent, sid):
                    if question and not ctx.in_quote[call.anchor.i]:
                        continue  # questions are not calls (see rhetorical_question)
                    keys = {call.anchor.i} | ({call.verb.i} if call.verb is not None else set())
                    if keys & used:
                        continue
                    used |= keys
                    calls.append(call)
            start, end, text = ctx.sentence_span(sid)
            for call in sorted(calls, key=lambda c: c.anchor.i):
                speaker = self._speaker(call)
                addressee = self._name_or_phrase(call.addressee_tok)
                if call.addressee_tok is not None and call.addressee_tok.lower_ in ("you", "ye"):
                    addressee = "you"
                exclude = {addressee} if addressee else set()
                target = self._pick_target(call, exclude)
                in_title = ctx.parsed.in_title(start)
                method = f"rule:{call.form}"
                rec = AdvocacyCall(
                    sentence_id=sid,
                    start=start,
                    end=end,
                    text=text,
                    in_title=in_title,
                    form=call.form,
                    speaker=speaker,
                    addressee=addressee,
                    action=call.action or None,
                    target=target,
                    cue=call.cue,
                    method=method,
                )
                tag = ctx.tag(
                    "advocacy", start, end, call.cue, method, call.score, actor=target or addressee
                )
                out.append((rec, tag))
        return out


# --------------------------------------------------------------------------- other kinds
def _threat_tags(ctx: _Context) -> list[FramingTag]:
    lex = ctx.lex
    words: dict[str, float] = lex.threat["words"]
    verbs: dict[str, float] = lex.threat["verbs"]
    not_after: dict[str, list[str]] = lex.threat.get("not_threat_after", {})
    doc = ctx.doc
    found: list[
        tuple[int, int, str, str, float, str | None]
    ] = []  # start_tok, end_tok, cue, method, score, actor

    def actor_of_clause(verb: Token) -> str | None:
        subj = _subject(verb)
        if subj is None and verb.dep_ == "xcomp":
            subj = _subject(verb.head)
        if subj is None:
            return None
        if subj.lower_ in lex.s("out_group"):
            return ctx.resolve_plural(subj)
        name = ctx.name_at(subj)
        if name is None:
            for c in subj.children:
                if c.dep_ in ("compound", "amod", "poss", "conj", "appos"):
                    name = (
                        ctx.name_at(c)
                        if c.lower_ not in lex.s("out_group")
                        else ctx.resolve_plural(c)
                    )
                    if name:
                        break
        return name

    def actor_of_noun(noun: Token) -> str | None:
        name = ctx.name_at(noun)
        if name:
            return name
        for c in noun.children:
            if c.dep_ == "appos" or (c.dep_ in ("compound", "amod", "poss") and c.i != noun.i):
                n = ctx.name_at(c) if c.lower_ not in lex.s("out_group") else ctx.resolve_plural(c)
                if n:
                    return n
            if c.dep_ == "prep" and c.lower_ in ("from", "of", "by", "posed"):
                for g in c.children:
                    if g.dep_ == "pobj" and (n := ctx.name_at(g)):
                        return n
        if noun.dep_ in ("attr", "dobj") and noun.head.lemma_ in ("be", "pose", "remain", "become"):
            return actor_of_clause(noun.head)
        return None

    cue_words = {*words, *verbs}
    for sent in ctx.parsed.sentences:
        for t in ctx.find(sent, cue_words):
            lemma = t.lemma_.lower()
            low = t.lower_
            nxt = ctx.low[t.i + 1] if t.i + 1 < len(doc) else ""
            if nxt in not_after.get(lemma, ()):
                continue
            if t.pos_ == "VERB" and lemma in verbs:
                if t.tag_ == "VBD" or (t.tag_ == "VBN" and not _has_child(t, ("auxpass",))):
                    continue
                aux = {c.lower_ for c in t.children if c.dep_ == "aux"}
                future = bool(aux & lex.s("future_aux"))
                intended = t.dep_ == "xcomp" and t.head.lemma_.lower() in lex.s("intention_verbs")
                present = t.tag_ in ("VBZ", "VBP") and not _is_negated(t)
                if not (future or intended or present) or _is_negated(t):
                    continue
                end = t.right_edge.i + 1
                while end > t.i + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
                    end -= 1
                score = verbs[lemma] + (0.1 if future or intended else 0.0)
                cue = (
                    f"{'/'.join(sorted(aux & lex.s('future_aux')))} {t.text}".strip()
                    if future
                    else t.text
                )
                found.append((t.i, end, cue, "rule:threat-consequence", score, actor_of_clause(t)))
            elif lemma in words or low in words:
                w = words.get(lemma, words.get(low, 0.0))
                if t.pos_ == "VERB":
                    continue
                if t.dep_ == "amod" and t.head.i > t.i and t.head.i - t.i <= 3:
                    s_i, e_i = t.i, t.head.i + 1
                    actor = actor_of_noun(t.head)
                elif t.pos_ in ("NOUN", "PROPN"):
                    left = [c for c in t.lefts if c.dep_ in ("amod", "compound") and c.i >= t.i - 3]
                    s_i, e_i = (min(c.i for c in left) if left else t.i), t.i + 1
                    actor = actor_of_noun(t)
                else:
                    s_i, e_i = t.i, t.i + 1
                    actor = actor_of_clause(t.head) if t.dep_ in ("acomp", "attr") else None
                found.append((s_i, e_i, t.text.lower(), "rule:threat-word", w, actor))
        for a, b, term, weight in ctx.match(lex.threat_phrases, sent.start, sent.end):
            found.append((a, b, term, "rule:threat-phrase", weight, None))
    tags: list[FramingTag] = []
    last_end = -1
    for s_i, e_i, cue, method, score, actor in sorted(found, key=lambda x: (x[0], -(x[1] - x[0]))):
        if s_i < last_end:
            continue
        last_end = e_i
        start, end = doc[s_i].idx, doc[e_i - 1].idx + len(doc[e_i - 1].text)
        tags.append(ctx.tag("threat", start, end, cue, method, score, actor))
    return tags


def _loaded_tags(ctx: _Context) -> list[FramingTag]:
    lex = ctx.lex
    doc = ctx.doc
    blocked: set[int] = set()
    for a, b, _t, _w in ctx.match(lex.loaded_exceptions):
        blocked.update(range(a, b))
    tags = []
    for a, b, term, weight in ctx.match(lex.loaded):
        if any(i in blocked for i in range(a, b)):
            continue
        head = doc[b - 1]
        e = b
        if (
            b - a == 1
            and head.dep_ in ("amod", "compound")
            and head.head.i > head.i
            and head.head.i - head.i <= 2
        ):
            e = head.head.i + 1
            head = head.head
        actor = ctx.name_at(head) or ctx.name_at(doc[a])
        if actor is None:
            for c in head.children:
                if c.dep_ in ("poss", "appos", "compound"):
                    actor = (
                        ctx.resolve_plural(c) if c.lower_ in lex.s("out_group") else ctx.name_at(c)
                    )
                    if actor:
                        break
        start, end = doc[a].idx, doc[e - 1].idx + len(doc[e - 1].text)
        tags.append(
            ctx.tag("loaded_language", start, end, term, "rule:loaded-lexicon", weight, actor)
        )
    return tags


def _is_group_pronoun(tok: Token, words: frozenset[str]) -> bool:
    if tok.lower_ not in words:
        return False
    if tok.text.isupper() and tok.text in ("US", "U.S."):
        return False
    return tok.tag_ in ("PRP", "PRP$") or tok.pos_ == "PRON"


def _antagonizes(cue: Token, they: list[Token], we: list[Token]) -> bool:
    """An antagonism word that links the groups: 'they hate us', 'a plot against us'."""
    scope = {t.i for t in cue.subtree}
    if any(w.i in scope for w in we):
        return True
    heads = {cue.i, cue.head.i, cue.head.head.i}
    return any(t.head.i in heads or t.i in scope for t in they)


def _us_vs_them(
    ctx: _Context, threat: list[FramingTag], loaded: list[FramingTag]
) -> tuple[list[FramingTag], str | None, str | None]:
    lex = ctx.lex
    doc = ctx.doc
    ins, outs = lex.s("in_group"), lex.s("out_group")
    in_phr = {(a, b) for a, b, _t, _w in ctx.match(lex.in_group_phrases)}
    out_phr = {(a, b) for a, b, _t, _w in ctx.match(lex.out_group_phrases)}
    threat_by_sent: dict[int, list[FramingTag]] = {}
    for tag in threat + loaded:
        threat_by_sent.setdefault(tag.sentence_id, []).append(tag)
    in_counts: Counter[str] = Counter()
    out_counts: Counter[str] = Counter()
    unresolved_we = 0
    tags: list[FramingTag] = []
    for sid, sent in enumerate(ctx.parsed.sentences):
        we = [t for t in ctx.find(sent, ins) if _is_group_pronoun(t, ins)]
        they = [t for t in ctx.find(sent, outs) if _is_group_pronoun(t, outs)]
        we_phr = [(a, b) for a, b in in_phr if sent.start <= a < sent.end]
        they_phr = [(a, b) for a, b in out_phr if sent.start <= a < sent.end]
        for t in we:
            name = ctx.pronoun_referent(t)
            if name:
                in_counts[name] += 1
            elif not ctx.in_quote[t.i]:
                unresolved_we += 1
        they_names = [n for t in they if (n := ctx.resolve_plural(t))]
        sent_threats = threat_by_sent.get(sid, [])
        threat_actors = [t.actor for t in sent_threats if t.actor]
        has_in = bool(we or we_phr)
        antagonism = bool(sent_threats) or any(
            _antagonizes(a, they, we) for a in ctx.find(sent, lex.s("antagonism"))
        )
        has_out = bool(they or they_phr or threat_actors) and antagonism
        # the out-group: actors cast as a threat or named in loaded terms anywhere, and the
        # 'they' of an us-versus-them sentence (a plain 'they' is just a reference)
        for n in threat_actors:
            out_counts[n] += 1
        if not (has_in and has_out):
            continue
        for n in they_names:
            out_counts[n] += 2
        cue_words = sorted(
            {t.lower_ for t in we + they} | {doc[a:b].text.lower() for a, b in we_phr + they_phr}
        )
        score = (
            0.6
            + (0.2 if (we or we_phr) and (they or they_phr) else 0.0)
            + (0.1 if we_phr else 0.0)
            + (0.1 if sent_threats else 0.0)
        )
        start, end, _ = ctx.sentence_span(sid)
        actor = next(iter(they_names), None) or next(iter(threat_actors), None)
        method = "rule:us-vs-them-pronouns" if they or they_phr else "rule:us-vs-them-threat"
        tags.append(ctx.tag("us_vs_them", start, end, " / ".join(cue_words), method, score, actor))
    in_group = (
        in_counts.most_common(1)[0][0] if in_counts else ("author" if unresolved_we else None)
    )
    out_counts.pop(in_group or "", None)
    out_group = None
    if out_counts:
        out_group = sorted(out_counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return tags, in_group, out_group


def _black_white(ctx: _Context, adv: _Advocacy) -> list[FramingTag]:
    lex = ctx.lex
    doc = ctx.doc
    tags = []
    only_nouns = lex.s("bw_only_nouns")
    cue_words = only_nouns | {"either"}  # one object: ctx.find caches its hits by identity
    for sent in ctx.parsed.sentences:
        for t in ctx.find(sent, cue_words):
            if t.lemma_.lower() in only_nouns and t.pos_ in ("NOUN", "PROPN") and adv._only_noun(t):
                purpose = adv._purpose(t)
                if purpose is None and adv._spatial(t):
                    continue
                only = next(
                    (
                        doc[j]
                        for j in range(max(sent.start, t.i - 2), t.i)
                        if doc[j].lower_ == "only"
                    ),
                    None,
                )
                if only is None:
                    continue
                first = (
                    doc[only.i - 1]
                    if only.i > sent.start and doc[only.i - 1].lower_ in ("the", "one", "an", "a")
                    else only
                )
                tags.append(
                    ctx.tag(
                        "black_and_white",
                        first.idx,
                        t.idx + len(t.text),
                        f"only {t.lower_}",
                        "rule:only-x",
                        0.8,
                    )
                )
            elif (
                t.lower_ == "either"
                and t.i + 1 < sent.end
                and doc[t.i + 1].lower_ not in lex.s("either_blockers")
            ):
                orr = next((x for x in doc[t.i + 1 : sent.end] if x.lower_ == "or"), None)
                if orr is None:
                    continue
                end_tok = orr.head if orr.head.i > orr.i else orr
                last = max((x.i for x in end_tok.subtree), default=orr.i)
                if end_tok.i == orr.i:
                    last = sent.end - 1
                while last > orr.i and (doc[last].is_punct or doc[last].is_space):
                    last -= 1
                conj = [c for c in orr.head.children if c.dep_ == "conj" and c.i > orr.i]
                if conj:
                    last = max(x.i for x in conj[0].subtree)
                    while last > orr.i and (doc[last].is_punct or doc[last].is_space):
                        last -= 1
                tags.append(
                    ctx.tag(
                        "black_and_white",
                        t.idx,
                        doc[last].idx + len(doc[last].text),
                        "either ... or",
                        "rule:either-or",
                        0.85,
                    )
                )
        for a, b, term, weight in ctx.match(lex.bw_phrases, sent.start, sent.end):
            tags.append(
                ctx.tag(
                    "black_and_white",
                    doc[a].idx,
                    doc[b - 1].idx + len(doc[b - 1].text),
                    term,
                    "rule:black-white-phrase",
                    weight,
                )
            )
    return tags


def _rhetorical_questions(ctx: _Context) -> list[FramingTag]:
    tags = []
    sents = ctx.parsed.sentences
    for sid, sent in enumerate(sents):
        start, end, text = ctx.sentence_span(sid)
        core = text.rstrip("\"'”’)]» ")
        claim = ctx.claim_by_sent.get(sid)
        is_q = core.endswith("?") or (claim is not None and claim.is_question)
        if not is_q or not text:
            continue
        qtoks = [t for t in sent if t.text == "?"]
        if qtoks and ctx.in_quote[qtoks[-1].i]:
            continue  # a quoted question belongs to its speaker
        if claim is not None and claim.attributed_to and claim.attributed_to != "author":
            continue
        words = [t for t in sent if not (t.is_punct or t.is_space)]
        first = words[0].lower_ if words else ""
        score = 0.6
        if (
            sid + 1 < len(sents)
            and sents[sid + 1].text.strip()
            and not ctx.parsed.in_title(sents[sid + 1].start_char)
        ):
            score += 0.2  # the author goes on (usually to answer)
        if first in (
            "so",
            "why",
            "who",
            "how",
            "isn't",
            "aren't",
            "doesn't",
            "don't",
            "can",
            "what",
            "shouldn't",
            "wasn't",
            "is",
            "are",
            "should",
        ) or any(t.lower_ == "n't" for t in words[:3]):
            score += 0.1
        opener = " ".join(t.text for t in words[:2])
        tags.append(
            ctx.tag(
                "rhetorical_question", start, end, f"{opener} ...?", "rule:direct-question", score
            )
        )
    return tags


# --------------------------------------------------------------------------- features
def _features(
    ctx: _Context,
    tags: list[FramingTag],
    claims: ClaimLayer,
    calls: list[AdvocacyCall],
    in_group: str | None,
    out_group: str | None,
    config: AnalysisConfig,
) -> list[tuple[str, Any]]:
    is_word = ctx.is_word
    n_words = sum(is_word)
    sents = [s for s in ctx.parsed.sentences if any(is_word[s.start : s.end])]
    n_sents = len(sents)
    with_actor = sum(
        1 for s in sents if any(ctx.tok_mention[i] is not None for i in range(s.start, s.end))
    )
    counts: Counter[str] = Counter(t.kind for t in tags)
    counts.update(t.kind for t in claims.tags if t.kind in CLAIM_KINDS_COUNTED)
    per_k = 1000.0 / n_words if n_words else 0.0
    feats: list[tuple[str, Any]] = [
        ("words", n_words),
        ("sentences", n_sents),
        ("mean_sentence_length", round(n_words / n_sents, 3) if n_sents else math.nan),
        (
            "mean_word_length",
            round(sum(len(t) for t, w in zip(ctx.texts, is_word) if w) / n_words, 3)
            if n_words
            else math.nan,
        ),
        ("actor_sentence_share", round(with_actor / n_sents, 3) if n_sents else math.nan),
    ]
    for kind in FRAMING_KINDS:
        feats.append((f"rate_{kind}", round(counts.get(kind, 0) * per_k, 3)))
    forms = Counter(c.form for c in calls)
    feats.append(("n_advocacy", len(calls)))
    for form in ADVOCACY_FORMS:
        feats.append((f"advocacy_{form.replace('-', '_')}", forms.get(form, 0)))
    feats.append(("in_group", in_group))
    feats.append(("out_group", out_group))
    if config.option("framing.readability", True):
        body = ctx.parsed.body if ctx.parsed.body.strip() else ctx.parsed.text
        scores = readability(body)
        feats.extend((name, round(scores[name], 3)) for name in READABILITY_SCORES)
    else:
        feats.extend((name, math.nan) for name in READABILITY_SCORES)
    return feats


# --------------------------------------------------------------------------- entry point
def extract_framing(
    parsed: Parsed,
    actors: ActorLayer | None = None,
    claims: ClaimLayer | None = None,
    config: AnalysisConfig | None = None,
) -> FramingLayer:
    """Advocacy calls, framing tags and document features of one parsed document.

    Parameters
    ----------
    parsed : Parsed
        The parse of title + body (:func:`stancekit.nlp.parse`).
    actors : ActorLayer
        Mentions, actors and relations; names of speakers, addressees, targets and
        threat sources are resolved through the mentions that overlap them.
    claims : ClaimLayer
        Its hedge, certainty and attribution tags are counted in the features;
        its attributions name the speaker of quoted calls.
    config : AnalysisConfig
        ``loaded_terms`` extends the loaded-language lexicon; see the module
        docstring for the ``framing.*`` options.

    Returns
    -------
    FramingLayer
        ``advocacy`` (one :class:`AdvocacyCall` per call), ``tags`` (framing tags,
        advocacy included, sorted by offset) and ``features`` ((name, value) pairs).
    """
    actors = actors if actors is not None else ActorLayer()
    claims = claims if claims is not None else ClaimLayer()
    config = config if config is not None else AnalysisConfig()
    ctx = _Context(parsed, actors, claims, _get_lexicon(config))
    adv = _Advocacy(ctx)
    pairs = adv.run()
    calls = [c for c, _t in pairs]
    tags: list[FramingTag] = [t for _c, t in pairs]
    threat = _threat_tags(ctx)
    loaded = _loaded_tags(ctx)
    us_them, in_group, out_group = _us_vs_them(ctx, threat, loaded)
    tags += threat + loaded + us_them + _black_white(ctx, adv) + _rhetorical_questions(ctx)
    tags.sort(key=lambda t: (t.start, t.end, t.kind))
    features = _features(ctx, tags, claims, calls, in_group, out_group, config)
    return FramingLayer(advocacy=tuple(calls), tags=tuple(tags), features=tuple(features))
