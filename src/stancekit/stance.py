"""Stance toward actors, with evidence.

Two levels:

* :func:`target_stance`: the stance a sentence takes toward given target spans
  (against / neutral / favor, a score in [-1, 1], a confidence and the features
  that decided it). A linear model trained on NewsMTSC (``models/target_stance``,
  rebuilt by ``scripts/train_stance.py``) over features that know where the
  target is: its syntactic role (agent, patient, ...), the governing predicate
  with its polarity and negation, the target's modifiers and appositions,
  lexicon scores in windows around it, the dependency/lemma path from the target
  to each sentiment word, the cue-list class of its predicate (harm, help, oppose ...),
  n-grams of the sentence with the target masked, and the parse's own context vectors
  (``doc.tensor``, tok2vec) averaged over the target, its predicate, its neighbours and
  the sentence (dense columns, left out of the evidence: they name no word).
* :func:`assess_stance`: the author's stance toward each actor of a document,
  from the target model on every mention plus transparent rules (evaluative
  labels, what the actor is said to do, who suffers at its hands, who sponsors
  it, which voices the author enlists), each piece of evidence one
  :class:`~stancekit.types.StanceEvidence` row.

The polarity lexicon is VADER's (``vader_lexicon.txt`` from the installed
``vaderSentiment`` package, MIT, Hutto & Gilbert 2014), overridden and extended
by ``resources/stance_lexicon.json`` (political vocabulary VADER lacks).
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import mul
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ResourceError, StancekitValueError
from .nlp import TokenColumns, WordTable
from .resources import read_json, vader_entries
from .types import TargetStance

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "MODEL_NAME",
    "TARGET_TOKEN",
    "Lexicon",
    "TargetStanceModel",
    "get_lexicon",
    "load_target_model",
    "target_features",
    "target_stance",
    "target_stance_batch",
    "vader_label",
    "vader_window_stance",
]

MODEL_NAME = "target_stance"
#: the word that replaces the target in the masked sentence (n-gram features)
TARGET_TOKEN = "tgtx"
LABELS = ("against", "neutral", "favor")

_LOCK = threading.Lock()


# --------------------------------------------------------------------------- lexicon
@dataclass(frozen=True)
class Lexicon:
    """Word valences on VADER's scale (-4..4) plus negation and reporting cues."""

    valence: Mapping[str, float] = field(repr=False)
    negations: frozenset[str] = frozenset()
    reporting_verbs: frozenset[str] = frozenset()

    def value(self, tok: Token) -> float:
        """The valence of a token (its lower-cased form, else its lemma); 0 when unknown."""
        v = self.valence.get(tok.lower_)
        if v is None:
            v = self.valence.get(tok.lemma_.lower(), 0.0)
        return v


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """VADER's lexicon overridden by ``stance_lexicon.json`` and the cue lists (cached)."""
    with _LOCK:
        valence = {k.strip().lower(): v for k, v in vader_entries()}
        own = read_json("stance_lexicon.json")
        for word, v in own.get("valence", {}).items():
            valence[str(word).lower()] = float(v)
        cues = read_json("stance_cues.json")
        return Lexicon(
            valence=valence,
            negations=frozenset(w.lower() for w in cues.get("negations", ())),
            reporting_verbs=frozenset(w.lower() for w in cues.get("reporting_verbs", ())),
        )


# --------------------------------------------------------------------------- features
_AGENT_DEPS = frozenset({"nsubj", "csubj", "expl"})
_PATIENT_DEPS = frozenset({"nsubjpass", "csubjpass", "dobj", "obj", "iobj", "dative", "oprd"})
_CLIMB_DEPS = frozenset({"conj", "appos", "compound", "flat", "nmod", "npadvmod"})
_MOD_DEPS = frozenset({"amod", "appos", "acl", "relcl", "prep", "nmod", "advmod", "nummod"})
_PRED_POS = frozenset({"VERB", "AUX"})
_QUOTES = frozenset('"“”')
_CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "PROPN"})


#: what a negated word's valence is multiplied by (VADER's N_SCALAR)
_NEGATION_SCALAR = -0.74
_MAX_CONTEXT = 60  # tokens each side of a target in very long sentences
MAX_PER_SENTENCE = 8  # mentions of one actor read in one sentence
MAX_PER_ACTOR = 150  # mentions of one actor read in one document


class _DocView:
    """Token attributes of one parsed Doc as plain Python sequences (``Parsed.tokens``),
    plus lazy per-token caches (valence, negation, ancestors, subtrees, the clause's
    predicate) and per-sentence valence maps shared by every target of a document.

    Reading ``doc[i].lemma_`` creates a Token object and looks a string up each time; the
    stance features read the same few attributes of the same tokens many times over, so
    they go through this view instead. Results are identical to reading the tokens.
    """

    def __init__(
        self,
        doc: Doc,
        lex: Lexicon,
        text: str | None = None,
        tokens: TokenColumns | None = None,
        words: WordTable | None = None,
    ) -> None:
        self.doc = doc
        self.lex = lex
        n = len(doc)
        # the document's token columns (``Parsed.tokens``: read and decoded once, shared
        # with the other stages)
        if tokens is None or tokens.doc is not doc:
            tokens = TokenColumns(doc)
        strings = doc.vocab.strings
        self.lower = tokens.lower
        self.lemma = tokens.lemma
        self.pos = tokens.pos
        self.dep = tokens.dep
        self.ent_type = tokens.ent_type
        rng = np.arange(n, dtype=np.int64)
        head = tokens.heads
        self.head = tokens.head
        self.punct = tokens.column("IS_PUNCT").astype(bool).tolist()
        self.idx: Sequence[Any] = tokens.idx
        self.end: Sequence[Any] = tokens.end
        quotes = {strings[q] for q in ('"', "“", "”", "'")}
        self.quote = list(map(quotes.__contains__, tokens.ids("ORTH")))
        self.is_pred = list(map(_PRED_POS.__contains__, self.pos))
        # children of each token (ascending): the non-root tokens sorted by head, cut at
        # each head
        self._order, self._cut = tokens.children
        self._nbrs: dict[int, tuple[int, ...]] = {}
        dep_neg = tokens.column("DEP") == strings["neg"]
        neg_child = np.zeros(n, dtype=bool)
        neg_child[head[dep_neg & (head != rng)]] = True
        self.neg_child = neg_child.tolist()
        # the nearest negation word before each token (a large negative number: none)
        negs = lex.negations
        is_neg = np.fromiter(map(negs.__contains__, self.lower), dtype=bool, count=n)
        last = np.maximum.accumulate(np.where(is_neg, rng, -(10**9))) if n else rng
        self.prev_neg = np.concatenate([[-(10**9)], last[:-1]]).astype(np.int64).tolist()
        self._tree_neg: dict[int, bool] = {}
        self._anc_all: dict[int, frozenset[int]] = {}
        # the caller's copy of the document text (Parsed.text) saves rebuilding doc.text
        ok = text is not None and (n == 0 or text[self.idx[-1] : self.end[-1]] == doc[-1].text)
        self._text = text if ok else None
        #: the words of that text as the n-gram models split them (``Parsed.words``), or None
        self.words = words if ok else None
        self._vals: dict[int, dict[int, float]] = {}
        self._clause: list[int] | None = None
        self._quotes: list[int] | None = None
        self._has_quote: dict[tuple[int, int], bool] = {}
        self._clause_words: dict[tuple[int, int, int], tuple[int, ...]] = {}
        self._chain: dict[int, tuple[int, ...]] = {}
        self._closed: dict[tuple[int, int], bool] = {}
        self._learned: dict[
            tuple[int, int, int], tuple[tuple[int, ...], tuple[float, ...], tuple[float, ...]]
        ] = {}
        self._cue_index: dict[tuple[int, int], Any] = {}
        self._cue_ok: list[bool] | None = None
        self._learned_hits: tuple[Any, list[Any], list[bool]] | None = None
        self._story: dict[tuple[int, int, int], bool] = {}
        self._subtree_vals: dict[tuple[int, int, int], tuple[tuple[int, float], ...]] = {}
        self._val_keys: dict[int, tuple[int, ...]] = {}
        self._roles: dict[int, tuple[str, int, int]] = {}
        #: the document's n-gram table per model (:func:`_sentence_grams`)
        self.grams: dict[int, Any] = {}
        # the parse's context vectors (tok2vec output, one row per token); None when the
        # Doc has none (a pipeline without tok2vec, a Doc built by hand)
        tensor = getattr(doc, "tensor", None)
        ok = isinstance(tensor, np.ndarray) and tensor.ndim == 2 and tensor.shape[0] == n
        self.tensor: np.ndarray | None = tensor if ok and n else None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.doc.text
        return self._text

    def char_tokens(self, start: int, end: int) -> tuple[int, int] | None:
        """(first, last + 1) token of ``doc.char_span(start, end, alignment_mode="expand")``
        found by bisection in the token offsets (a token owns the whitespace after it, so
        the tokens tile the text), or None for what that leaves to spaCy: an empty or
        reversed range, or one reaching outside the tokens' text."""
        idx, end_ = self.idx, self.end
        if not idx or start < idx[0] or end <= start or end > end_[-1]:
            return None
        a = bisect_right(idx, start) - 1
        b = bisect_right(idx, end - 1, a)
        if start == end_[a]:  # the whitespace after token a: not part of it
            a += 1
        return (a, b) if b > a else None

    def kids(self, i: int) -> Sequence[int]:
        """``[c.i for c in doc[i].children]`` (a slice, nothing to cache)."""
        return self._order[self._cut[i] : self._cut[i + 1]]

    def nbr(self, i: int) -> tuple[int, ...]:
        """Tree neighbours in the order a breadth-first walk visits them: children, head."""
        got = self._nbrs.get(i)
        if got is None:
            h = self.head[i]
            got = self._nbrs[i] = (*self.kids(i), h) if h != i else tuple(self.kids(i))
        return got

    def negated(self, i: int, s0: int) -> bool:
        """Token ``i`` is negated when it or a head up to its clause's verb has a ``neg``
        child, or a negation word stands among the three words before it (in the sentence
        starting at ``s0``)."""
        tn = self._tree_neg.get(i)
        if tn is None:
            tn = False
            cur = i
            head, neg_child, is_pred = self.head, self.neg_child, self.is_pred
            for _ in range(3):
                if neg_child[cur]:
                    tn = True
                    break
                if is_pred[cur] or head[cur] == cur:
                    break
                cur = head[cur]
            self._tree_neg[i] = tn
        return tn or self.prev_neg[i] >= max(s0, i - 3)

    def vals(self, s0: int, s1: int) -> dict[int, float]:
        """Negation-aware valence of the tokens of [s0, s1) that have one (cached per s0)."""
        key = s0 * 1_000_003 + s1
        out = self._vals.get(key)
        if out is None:
            out = {}
            valence, lower, lemma = self.lex.valence, self.lower, self.lemma
            for i in range(s0, s1):
                v = valence.get(lower[i])
                if v is None:
                    v = valence.get(lemma[i], 0.0)
                if v:
                    if self.negated(i, s0):
                        v *= _NEGATION_SCALAR
                    out[i] = v
            self._vals[key] = out
        return out

    def learned_in(
        self, s0: int, s1: int, learned: Mapping[str, tuple[float, float]]
    ) -> tuple[tuple[int, ...], tuple[float, ...], tuple[float, ...]]:
        """(tokens, favor leans, against leans) of the non-punctuation tokens of [s0, s1) in
        the learned lexicon, swapped when negated (cached per sentence and lexicon).

        The caches of this view hold tuples of numbers rather than lists (and parallel
        tuples rather than a tuple per token): the garbage collector stops tracking such
        tuples at its first pass, so later collections do not walk them again."""
        key = (s0, s1, id(learned))
        out = self._learned.get(key)
        if out is None:
            ts: list[int] = []
            favs: list[float] = []
            ags: list[float] = []
            negated = self.negated
            got = self._learned_hits
            if got is None or got[0] is not learned:  # each token's lean, looked up once
                leans = list(map(learned.get, self.lemma))
                hit = [sc is not None and not p for sc, p in zip(leans, self.punct)]
                got = self._learned_hits = (learned, leans, hit)
            lean_of: list[Any] = got[1]  # (None only where the hit mask is False)
            for t in itertools.compress(range(s0, s1), got[2][s0:s1]):
                fav, ag = lean_of[t]
                if negated(t, s0):
                    fav, ag = ag, fav
                ts.append(t)
                favs.append(fav)
                ags.append(ag)
            out = self._learned[key] = (tuple(ts), tuple(favs), tuple(ags))
        return out

    def ancestors(self, i: int) -> tuple[int, ...]:
        """Token ``i`` and up to 12 ancestors, bottom up."""
        return self.chain(i)[:13]

    def clause_words(self, pred: int, s0: int, s1: int) -> tuple[int, ...]:
        """The content words of ``doc[pred]``'s subtree, within [s0, s1), whose nearest
        predicate above is ``pred`` (cached)."""
        key = (pred, s0, s1)
        got = self._clause_words.get(key)
        if got is None:
            ptok = self.doc[pred]
            pos = self.pos
            heads = self._clause if self._clause is not None else self._clause_heads()
            got = tuple(
                [
                    t
                    for t in range(max(ptok.left_edge.i, s0), min(ptok.right_edge.i + 1, s1))
                    if heads[t] == pred and pos[t] in _CONTENT_POS
                ]
            )
            self._clause_words[key] = got
        return got

    def chain(self, i: int) -> tuple[int, ...]:
        """Token ``i`` and all its ancestors, bottom up (cached)."""
        got = self._chain.get(i)
        if got is None:
            up = [i]
            cur, head = i, self.head
            while head[cur] != cur:
                cur = head[cur]
                up.append(cur)
            got = self._chain[i] = tuple(up)
        return got

    def closed(self, s0: int, s1: int) -> bool:
        """Whether every token of [s0, s1) has its head inside it (then tree paths between
        its tokens stay inside too)."""
        key = (s0, s1)
        got = self._closed.get(key)
        if got is None:
            head = self.head
            got = self._closed[key] = all(s0 <= head[t] < s1 for t in range(s0, s1))
        return got

    def distances(self, root: int, s0: int, s1: int) -> dict[int, int]:
        """Breadth-first tree distances from ``root`` over the tokens of [s0, s1)."""
        dist = {root: 0}
        frontier = [root]
        d = 0
        nbrs = self.nbr
        while frontier:
            d += 1
            nxt = []
            for t in frontier:
                for n in nbrs(t):
                    if n not in dist and s0 <= n < s1:
                        dist[n] = d
                        nxt.append(n)
            frontier = nxt
        return dist

    def cue_index(
        self, s0: int, s1: int, learned: Mapping[str, tuple[float, float]]
    ) -> tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...], list[tuple[int, float, float]]]:
        """Per sentence [s0, s1) (cached): its content words (and negations), ascending,
        their lower-cased forms and their lemmas (scanned for a word: a prediction looks
        up two or three, fewer than a dict per sentence would hold), and (token, against
        strength, favor strength) of its polar words (fixed lexicon on the 0..1 scale, or
        the learned lexicon's lean)."""
        key = (s0, s1)
        got = self._cue_index.get(key)
        if got is None:
            ok = self._cue_ok
            if ok is None:  # content words and negations of the document, flagged once
                negs = self.lex.negations
                ok = self._cue_ok = [
                    p in _CONTENT_POS or w in negs for p, w in zip(self.pos, self.lower)
                ]
            cand = tuple(itertools.compress(range(s0, s1), ok[s0:s1]))
            vals = self.vals(s0, s1)
            lemmas = tuple(map(self.lemma.__getitem__, cand))
            polar = []
            lget, vget = learned.get, vals.get
            for t, lm in zip(cand, lemmas):
                sc = lget(lm)
                v = vget(t)
                if sc is None and v is None:  # no valence, no lean: never polar
                    continue
                v = (0.0 if v is None else v) / 4
                fav, ag = (0.0, 0.0) if sc is None else sc
                ag_s = ag if ag > -v else -v  # max(-v, ag)
                fav_s = fav if fav > v else v  # max(v, fav)
                if ag_s > 0 or fav_s > 0:
                    polar.append((t, ag_s, fav_s))
            lowers = tuple(map(self.lower.__getitem__, cand))
            got = self._cue_index[key] = (cand, lowers, lemmas, polar)
        return got

    def has_story_word(self, s0: int, s1: int, cues: _Cues) -> bool:
        """Whether [s0, s1) holds a word any story-role rule needs (a cue word of
        :func:`_story_roles`, or one of valence 1.5 or more either way): without one, no
        rule can fire (cached per sentence)."""
        key = (s0, s1, id(cues))
        got = self._story.get(key)
        if got is None:
            words = _story_words(cues)
            valence = self.lex.valence
            got = False
            lower, lemma = self.lower, self.lemma
            for t in range(s0, s1):
                lw, lm = lower[t], lemma[t]
                v = valence.get(lw)
                if v is None:
                    v = valence.get(lm, 0.0)
                if lw in words or lm in words or abs(v) >= 1.5:
                    got = True
                    break
            self._story[key] = got
        return got

    def above(self, i: int) -> frozenset[int]:
        """Token ``i`` and all its ancestors (``j in above(i)`` iff ``i`` is in
        ``doc[j].subtree``)."""
        got = self._anc_all.get(i)
        if got is None:
            got = self._anc_all[i] = frozenset(self.chain(i))
        return got

    def subtree_vals(self, c: int, s0: int, s1: int) -> tuple[tuple[int, float], ...]:
        """The (token, value) items of :meth:`vals` ``(s0, s1)`` in ``doc[c].subtree``, in
        order (cached, so that each is tested against the subtree once)."""
        key = (c, s0, s1)
        got = self._subtree_vals.get(key)
        if got is None:
            got = self._subtree_vals[key] = tuple(
                [(t, v) for t, v in self.vals(s0, s1).items() if c in self.above(t)]
            )
        return got

    def val_keys(self, s0: int, s1: int) -> tuple[int, ...]:
        """The tokens of :meth:`vals` ``(s0, s1)``, ascending (cached)."""
        key = s0 * 1_000_003 + s1
        got = self._val_keys.get(key)
        if got is None:
            got = self._val_keys[key] = tuple(self.vals(s0, s1))
        return got

    def clause_head(self, i: int) -> int:
        """The first predicate (or root) at or above token ``i`` (at most ``_MAX_CONTEXT``
        steps up)."""
        heads = self._clause if self._clause is not None else self._clause_heads()
        return heads[i]

    def _clause_heads(self) -> list[int]:
        """:meth:`clause_head` of every token, all climbing together (computed once)."""
        head = np.asarray(self.head, dtype=np.int64)
        stop_at = np.asarray(self.is_pred, dtype=bool) | (head == np.arange(len(head)))
        cur = np.arange(len(head))
        for _ in range(_MAX_CONTEXT):
            stop = stop_at[cur]
            if stop.all():
                break
            cur = np.where(stop, cur, head[cur])
        self._clause = cur.tolist()
        return self._clause

    def quotes_before(self, s0: int, a: int) -> int:
        """Quotation marks (straight, curly or a lone apostrophe) in [s0, a)."""
        if self._quotes is None:
            acc = [0]
            for q in self.quote:
                acc.append(acc[-1] + q)
            self._quotes = acc
        return self._quotes[a] - self._quotes[s0]

    def has_quote(self, s0: int, s1: int) -> bool:
        """Whether [s0, s1) holds a double quotation mark (a lone apostrophe does not count)."""
        key = (s0, s1)
        got = self._has_quote.get(key)
        if got is None:
            doc = self.doc
            got = self._has_quote[key] = any(
                self.quote[t] and doc[t].text in _QUOTES for t in range(s0, s1)
            )
        return got

    def span_root(self, a: int, b: int) -> int:
        head = self.head
        for i in range(a, b):
            h = head[i]
            if h < a or h >= b or h == i:
                return i
        return a

    def role_and_predicate(self, root: int) -> tuple[str, int, int]:
        """(role, governing predicate or -1, the token carrying the role) of a target root,
        climbing conj/appos/compound links first (cached per root)."""
        got = self._roles.get(root)
        if got is not None:
            return got
        head, dep = self.head, self.dep
        tok = root
        for _ in range(3):
            if dep[tok] in _CLIMB_DEPS and head[tok] != tok:
                tok = head[tok]
            else:
                break
        d = dep[tok]
        if d in _AGENT_DEPS:
            role = "agent"
        elif d in _PATIENT_DEPS:
            role = "patient"
        elif d == "pobj":
            prep = head[tok]
            role = "agent" if self.lower[prep] == "by" and dep[prep] == "agent" else "obl"
        elif d == "agent":
            role = "agent"
        elif d == "poss":
            role = "poss"
        elif d == "ROOT":
            role = "root"
        elif d == "attr":
            role = "attr"
        else:
            role = "other"
        pred = -1
        cur = tok
        for _ in range(4):
            if head[cur] == cur:
                break
            cur = head[cur]
            if self.is_pred[cur]:
                pred = cur
                break
        if pred < 0 and d == "ROOT" and self.is_pred[tok]:
            pred = tok
        got = self._roles[root] = (role, pred, tok)
        return got


def _view_of(doc: Doc, lex: Lexicon, view: _DocView | None) -> _DocView:
    return view if view is not None and view.doc is doc and view.lex is lex else _DocView(doc, lex)


def target_features(
    sent: Span,
    a: int,
    b: int,
    lex: Lexicon | None = None,
    learned: Mapping[str, tuple[float, float]] | None = None,
    view: _DocView | None = None,
) -> tuple[str, dict[str, float]]:
    """Features of the target ``doc[a:b]`` (token indices of the doc) inside sentence ``sent``.

    ``learned`` is the model's corpus-learned lexicon (lemma -> (favor lean, against
    lean)); its scores enter the same target-aware windows as the fixed lexicon.
    ``view`` is the document's cached token columns (built when not given; pass one to
    share the work between the targets of a document).
    Returns the sentence text with the target replaced by :data:`TARGET_TOKEN`
    (for n-gram features) and a dict of named feature values.
    """
    return _target_features(sent, a, b, lex, learned, view, True)


def _target_features(
    sent: Span,
    a: int,
    b: int,
    lex: Lexicon | None,
    learned: Mapping[str, tuple[float, float]] | None,
    view: _DocView | None,
    with_text: bool,
    dense: list[Any] | None = None,
) -> tuple[str, dict[str, float]]:
    """:func:`target_features`; ``with_text=False`` leaves the masked text empty (for a
    caller that has the masked n-grams already, :func:`_masked_grams`). With ``dense``
    (a list) the context vectors stay out of the feature dict: the arguments of
    :func:`_context_vector` are appended to it (None: the Doc has no tensor), for
    :func:`_context_matrix` to build the vectors of all targets at once (for
    :func:`_predict_many`, which adds their logits with one matrix product)."""
    lex = lex or get_lexicon()
    V = _view_of(sent.doc, lex, view)
    s0, s1 = sent.start, sent.end
    if s1 - s0 > 2 * _MAX_CONTEXT:
        # a run-on "sentence" (a list of thousands of names, a table): look at a window
        # around the target, so the cost per target stays bounded (normal sentences
        # are untouched, so the model sees the features it was trained on)
        lo = max(s0, a - _MAX_CONTEXT)
        s0, s1 = lo, min(s1, max(b, a + 1) + _MAX_CONTEXT)
    a, b = max(a, s0), min(max(b, a + 1), s1)
    head, dep, lemma, pos = V.head, V.dep, V.lemma, V.pos
    root = V.span_root(a, b)
    f: dict[str, float] = {}
    fg = f.get  # f[nm] = fg(nm, 0.0) + v: add v to feature k (features named once: f[k] = v)

    # valence of every token of the sentence (negation-aware), computed once per sentence
    vals = V.vals(s0, s1)

    # role and predicate
    role, pred, carrier = V.role_and_predicate(root)
    f[f"role={role}"] = 1.0
    f[f"dep={dep[root]}"] = 1.0
    if dep[carrier] == "pobj":
        f[f"prep={V.lower[head[carrier]]}"] = 1.0
    if pos[root] == "PRON":
        f["tgt_pron"] = 1.0
    ent = V.ent_type[root]
    if ent:
        f[f"ent={ent}"] = 1.0
    if pred >= 0:
        plemma = lemma[pred]
        f[f"pred={plemma}"] = 1.0
        f[f"{role}:pred={plemma}"] = 1.0
        pv = vals.get(pred, 0.0)
        pneg = V.negated(pred, s0)
        f[f"{role}:pred_val"] = pv / 4
        f["pred_val"] = pv / 4
        if pneg:
            f[f"{role}:pred_neg"] = 1.0
        if plemma in lex.reporting_verbs and role == "agent":
            f["speaker"] = 1.0
        # the predicate's class in the cue lists (harm, help, oppose ...), sign-flipped
        # when negated: generalises over verbs too rare for their own pred= feature
        for cls in _word_classes().get(plemma, ()):
            f[f"vcls:{role}={cls}"] = -1.0 if pneg else 1.0
        # the rest of the predicate's clause: objects, complements and what modifies them
        for c in V.kids(pred):
            dc = dep[c]
            if c == carrier or dc in ("punct", "cc", "aux", "neg", "conj"):
                continue
            sub = V.subtree_vals(c, s0, s1) if vals else None
            if sub:
                cv = sum(v for t, v in sub if not (a <= t < b))
                if cv:
                    nm = f"{role}:arg_{dc}_val"
                    f[nm] = fg(nm, 0.0) + cv / 4
                    nm = f"{role}:arg_val"
                    f[nm] = fg(nm, 0.0) + cv / 4
            if role == "agent" and dc in ("dobj", "attr", "acomp", "xcomp", "ccomp"):
                nm = f"agent:{dc}={lemma[c]}"
                f[nm] = fg(nm, 0.0) + 1.0
        if head[pred] != pred and dep[pred] in ("xcomp", "ccomp", "advcl", "conj"):
            f[f"pred_up={lemma[head[pred]]}"] = 1.0
    else:
        f[f"{role}:nopred"] = 1.0

    # the target itself and its modifiers (appositions, relative clauses, adjectives)
    if vals:
        inside = sum(vals.get(i, 0.0) for i in range(a, b))
        if inside:
            f["in_val"] = inside / 4
        for c in V.kids(root):
            if dep[c] in _MOD_DEPS and not (a <= c < b):
                mv = sum(v for _t, v in V.subtree_vals(c, s0, s1))
                if mv:
                    nm = f"mod_{dep[c]}_val"
                    f[nm] = fg(nm, 0.0) + mv / 4
                    f["mod_val"] = fg("mod_val", 0.0) + mv / 4
        if dep[root] in ("appos", "conj", "compound", "poss") and not (a <= head[root] < b):
            hv = vals.get(head[root], 0.0)
            if hv:
                f[f"head_{dep[root]}_val"] = hv / 4
    # the noun the target belongs to ("ISIS attacks", "under ISIS rule", "the regime of X")
    # and the evaluative labels in or on the target ("the regime", "the terrorists")
    owner = head[root]
    if (
        owner != root
        and not (a <= owner < b)
        and (dep[root] == "poss" or (dep[root] == "pobj" and dep[owner] == "prep"))
    ):
        noun = owner if dep[root] == "poss" else head[owner]
        for cls in _word_classes().get(lemma[noun], ()):
            f[f"ncls:{dep[root]}={cls}"] = 1.0
    labels = _base_cues().labels
    lab = sum(labels.get(V.lower[i], 0.0) for i in range(a, b))
    lab += sum(labels.get(V.lower[c], 0.0) for c in V.kids(root) if dep[c] in ("amod", "appos"))
    if lab:
        f["label_val"] = lab

        # lexicon windows around the target (the target excluded): the valued tokens of
        # each window by bisection in the sentence's sorted valued tokens
        keys = V.val_keys(s0, s1)
        for lo, hi, pname, nname in (
            (max(s0, a - 3), a, "w3L_pos", "w3L_neg"),
            (b, min(s1, b + 3), "w3R_pos", "w3R_neg"),
            (max(s0, a - 6), a, "w6L_pos", "w6L_neg"),
            (b, min(s1, b + 6), "w6R_pos", "w6R_neg"),
        ):
            k0 = bisect_left(keys, lo)
            k1 = bisect_left(keys, hi, k0)
            if k0 == k1:
                continue
            vs = [vals[i] for i in keys[k0:k1]]
            pos_ = sum(v for v in vs if v > 0)
            neg = sum(v for v in vs if v < 0)
            if pos_:
                f[pname] = pos_ / 4
            if neg:
                f[nname] = neg / 4
        spos = sum(v for i, v in vals.items() if v > 0 and not (a <= i < b))
        sneg = sum(v for i, v in vals.items() if v < 0 and not (a <= i < b))
        f["sent_pos"] = spos / 4
        f["sent_neg"] = sneg / 4
    else:
        f["sent_pos"] = 0.0
        f["sent_neg"] = 0.0
    f["sent_len"] = min(s1 - s0, 60) / 60

    # dependency path and lemma path from the target to each sentiment word
    if vals:
        anc = V.ancestors(root)
        anc_pos = {t: k for k, t in enumerate(anc)}
        tree_val = 0.0
        for i, v in vals.items():
            if a <= i < b:
                continue
            lca_k = None
            down: list[int] = []
            for t in V.ancestors(i):
                k = anc_pos.get(t)
                if k is not None:
                    lca_k = k
                    break
                down.append(t)
            if lca_k is None:
                continue
            length = lca_k + len(down)
            sign = "pos" if v > 0 else "neg"
            tree_val += v / (1 + length)
            nm = f"pl{min(length, 5)}_{sign}"
            f[nm] = fg(nm, 0.0) + abs(v) / 4
            if length <= 3:
                up_deps = ">".join(dep[t] for t in anc[:lca_k])
                down_deps = "<".join(dep[t] for t in reversed(down))
                nm = f"path:{up_deps}|{down_deps}:{sign}"
                f[nm] = fg(nm, 0.0) + 1.0
                lca = anc[lca_k]
                lemmas = [lemma[lca]] if lca != i else []
                nm = f"lp:{'>'.join([*lemmas, lemma[i]])}"
                f[nm] = fg(nm, 0.0) + 1.0
                nm = f"{role}:near_{sign}"
                f[nm] = fg(nm, 0.0) + abs(v) / 4
        if tree_val:
            f["tree_val"] = tree_val / 4

    # content words near the target in the tree (distance <= 2), and in its clause
    # (breadth-first to depth 2; longer distances, for the learned lexicon below, from the
    # tree path through the lowest common ancestor)
    dist = {root: 0}
    frontier = [root]
    nbrs = V.nbr
    for d in (1, 2):
        nxt = []
        for t in frontier:
            for n in nbrs(t):
                if n not in dist and s0 <= n < s1:
                    dist[n] = d
                    nxt.append(n)
        frontier = nxt
    for i, d in dist.items():
        if d and not (a <= i < b) and pos[i] in _CONTENT_POS:
            nm = f"near:{lemma[i]}"
            f[nm] = fg(nm, 0.0) + 1.0 / d
    if pred >= 0:
        # the predicate's clause: content words whose nearest predicate above is it
        for t in V.clause_words(pred, s0, s1):
            if not (a <= t < b) and t not in dist:
                nm = f"clause:{lemma[t]}"
                f[nm] = fg(nm, 0.0) + 0.5

    # the corpus-learned lexicon, weighted by tree distance and by window
    if learned:
        lp = ln = 0.0
        wp = wn = 0.0
        if V.closed(s0, s1):
            # tree distances through the lowest common ancestor: the root's ancestors are
            # k edges away, any other token one edge further than its head (-1: another tree)
            # (the breadth-first distances above are tree distances too: a climb that meets
            # one of them first has found a token on the path from the target)
            far = {u: k for k, u in enumerate(V.chain(root))}
            far.update(dist)
        else:  # the window cuts the tree: walk what is inside it (dist: its first levels)
            far = V.distances(root, s0, s1)
            far.update((u, -1) for u in range(s0, s1) if u not in far)
        fget = far.get
        ts, favs, ags = V.learned_in(s0, s1, learned)
        for t, fav, ag in zip(ts, favs, ags):
            if a <= t < b:
                continue
            dt = fget(t)
            if dt is None:
                path = []
                u = t
                while u not in far and head[u] != u:
                    path.append(u)
                    u = head[u]
                if u not in far:
                    path.append(u)
                d = far.get(u, -1)
                for x in reversed(path):
                    d = d + 1 if d >= 0 else -1
                    far[x] = d
                dt = far[t]
            if dt < 0:
                dt = 8
            lp += fav / dt
            ln += ag / dt
        # the words within 4 of the target and the predicate (``ts`` is ascending: a
        # slice of it, summed in the same order)
        k1 = bisect_left(ts, b + 4)
        for k in range(bisect_left(ts, a - 4, 0, k1), k1):
            if not (a <= ts[k] < b):
                wp += favs[k]
                wn += ags[k]
        if pred >= 0 and not (a <= pred < b):
            k = bisect_left(ts, pred)
            if k < len(ts) and ts[k] == pred:
                f[f"{role}:pred_lfav"] = 0.0 + favs[k]
                f[f"{role}:pred_lag"] = 0.0 + ags[k]
        f["lex_fav_tree"] = lp
        f["lex_ag_tree"] = ln
        f["lex_fav_w4"] = wp
        f["lex_ag_w4"] = wn
        f[f"{role}:lex_fav_tree"] = lp
        f[f"{role}:lex_ag_tree"] = ln

    # quotes: inside a quotation, or the speaker of one
    if V.quotes_before(s0, a) % 2 == 1:
        f["in_quote"] = 1.0
    if V.has_quote(s0, s1):
        f["sent_has_quote"] = 1.0

    # context vectors of the parse (doc.tensor) around the target
    if dense is not None:  # the vectors of all targets at once, by :func:`_context_matrix`
        dense.append((s0, s1, a, b, root, pred, carrier))  # (and :func:`_static_logits`)
    elif V.tensor is not None:
        vec = _context_vector(V, s0, s1, a, b, root, pred, carrier)
        f.update(zip(_context_names(len(vec) // len(CONTEXT_BLOCKS)), vec.tolist()))

    # the words right next to the target
    for j in range(max(s0, a - 2), a):
        if not V.punct[j]:
            nm = f"L:{lemma[j]}"
            f[nm] = fg(nm, 0.0) + 1.0
    for j in range(b, min(s1, b + 2)):
        if not V.punct[j]:
            nm = f"R:{lemma[j]}"
            f[nm] = fg(nm, 0.0) + 1.0

    # masked sentence
    if not with_text:
        return "", f
    text = V.text
    base = V.idx[s0]
    stext = text[base : V.end[s1 - 1]]
    ts, te = V.idx[a] - base, V.end[b - 1] - base
    masked = f"{stext[:ts]} {TARGET_TOKEN} {stext[te:]}"
    return masked, f


#: the context-vector blocks of :func:`_context_vectors`, in order
CONTEXT_BLOCKS = ("tgt", "root", "pred", "head", "winL", "winR", "sent")
#: prefix of the context-vector feature names (``cv_tgt_0`` ...): left out of the evidence
CONTEXT_PREFIX = "cv_"
_CONTEXT_WINDOW = 3


@lru_cache(maxsize=4)
def _context_names(width: int) -> tuple[str, ...]:
    return tuple(f"{CONTEXT_PREFIX}{blk}_{d}" for blk in CONTEXT_BLOCKS for d in range(width))


def _context_vector(
    V: _DocView, s0: int, s1: int, a: int, b: int, root: int, pred: int, carrier: int
) -> np.ndarray:
    """The target's context vectors, concatenated (named by :func:`_context_names`):
    the parse's token vectors
    (``doc.tensor``, the tok2vec output the tagger and parser read, so free) averaged
    over the target, at its root, its governing predicate, the head of the word carrying
    its role, the three words left and right of it, and the whole sentence (a missing
    token gives zeros). The model standardises them (folded into its weights)."""
    t = V.tensor
    assert t is not None
    w = t.shape[1]
    zero = np.zeros(w, dtype=t.dtype)
    lo, hi = max(s0, a - _CONTEXT_WINDOW), min(s1, b + _CONTEXT_WINDOW)
    h = V.head[carrier]
    rows = np.concatenate(
        [
            t[a:b].mean(axis=0),
            t[root],
            t[pred] if pred >= 0 else zero,
            t[h] if h != carrier else zero,
            t[lo:a].mean(axis=0) if a > lo else zero,
            t[b:hi].mean(axis=0) if hi > b else zero,
            t[s0:s1].mean(axis=0),
        ]
    )
    return rows


def _span_means(t: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``t[a[k]:b[k]].mean(axis=0)`` for every k (all b > a), bit for bit: numpy sums the
    rows of a span one after the other in the tensor's dtype and divides by the count as
    an integer (``_methods._mean``), which is what this does for all spans at once."""
    lengths = b - a
    out = t[a]
    short = lengths <= 8  # row by row for all spans; a long one (a sentence) on its own
    for k in range(1, int(lengths[short].max()) if short.any() else 1):
        m = np.flatnonzero(short & (lengths > k))
        out[m] += t[a[m] + k]
    add = np.add.reduce
    for k in np.flatnonzero(~short).tolist():
        out[k] = add(t[a[k] : b[k]], axis=0)
    np.true_divide(out, lengths.astype(np.intp)[:, None], out=out, casting="unsafe")
    return out


def _context_matrix(V: _DocView, tickets: Sequence[tuple[int, ...]]) -> np.ndarray:
    """The rows of :func:`_context_vector` for many targets of one document, stacked (the
    same floats): each ticket holds its arguments (s0, s1, a, b, root, pred, carrier).
    Sentence means are computed once per sentence, the rest with a few array operations
    instead of seven small numpy calls per target."""
    t = V.tensor
    assert t is not None
    arr = np.array(tickets, dtype=np.int64).reshape(len(tickets), 7)
    s0, s1, a, b, root, pred, carrier = arr.T
    n, w = len(arr), t.shape[1]
    out = np.zeros((n, len(CONTEXT_BLOCKS), w), dtype=t.dtype)
    if not n:
        return out.reshape(0, len(CONTEXT_BLOCKS) * w)
    out[:, 0] = _span_means(t, a, b)
    out[:, 1] = t[root]
    m = np.flatnonzero(pred >= 0)
    out[m, 2] = t[pred[m]]
    h = np.asarray(V.head, dtype=np.int64)[carrier]
    m = np.flatnonzero(h != carrier)
    out[m, 3] = t[h[m]]
    lo = np.maximum(s0, a - _CONTEXT_WINDOW)
    hi = np.minimum(s1, b + _CONTEXT_WINDOW)
    m = np.flatnonzero(a > lo)
    out[m, 4] = _span_means(t, lo[m], a[m])
    m = np.flatnonzero(hi > b)
    out[m, 5] = _span_means(t, b[m], hi[m])
    # the distinct sentences (s0, s1) in sorted order, by one integer key per target
    width = int(s1.max()) + 1
    keys, which = np.unique(s0 * width + s1, return_inverse=True)
    out[:, 6] = _span_means(t, keys // width, keys % width)[which.reshape(-1)]
    return out.reshape(n, len(CONTEXT_BLOCKS) * w)


#: the static word-vector blocks of :func:`_static_words`, in order
STATIC_BLOCKS = ("tgt", "pred", "head", "winL", "winR", "mod", "sent")
_STATIC_WINDOW = 3  # words with a vector each side of the target


def _static_words(V: _DocView, rows: Sequence[int], ticket: Sequence[int]) -> tuple[list[int], ...]:
    """Per block of :data:`STATIC_BLOCKS`, the rows of the static word-vector table of the
    words around one target (``rows``: each token's row, -1 for a word the table lacks:
    stop words, numbers, punctuation, rare words). ``ticket`` is (s0, s1, a, b, root,
    pred, carrier) as :func:`_target_features` records it. Blocks: the target's words, its
    governing predicate, the head of the word carrying its role, the three nearest words
    left and right of it, the subtrees of its modifiers, the rest of the sentence."""
    s0, s1, a, b, root, pred, carrier = ticket
    get = rows.__getitem__

    def take(ids: Iterable[int]) -> list[int]:
        return [r for r in map(get, ids) if r >= 0]

    left: list[int] = []
    i = a - 1
    while i >= s0 and len(left) < _STATIC_WINDOW:
        if rows[i] >= 0:
            left.append(rows[i])
        i -= 1
    right: list[int] = []
    i = b
    while i < s1 and len(right) < _STATIC_WINDOW:
        if rows[i] >= 0:
            right.append(rows[i])
        i += 1
    mods: list[int] = []
    dep = V.dep
    for c in V.kids(root):
        if dep[c] in _MOD_DEPS and not (a <= c < b):
            tok = V.doc[c]
            lo, hi = max(tok.left_edge.i, s0), min(tok.right_edge.i + 1, s1)
            mods.extend(t for t in range(lo, hi) if not (a <= t < b))
    h = V.head[carrier]
    return (
        take(range(a, b)),
        take((pred,)) if pred >= 0 and not (a <= pred < b) else [],
        take((h,)) if h != carrier and not (a <= h < b) else [],
        left,
        right,
        take(mods),
        take(itertools.chain(range(s0, a), range(b, s1))),
    )


def static_rows(V: _DocView, index: Mapping[str, int]) -> list[int]:
    """Each token's row in a static word-vector table (``index``: lower-cased word -> row;
    -1 when absent)."""
    get = index.get
    return [get(w, -1) for w in V.lower]


def static_words(
    sent: Span, a: int, b: int, index: Mapping[str, int], view: _DocView | None = None
) -> tuple[list[int], ...]:
    """:func:`_static_words` of the target ``doc[a:b]`` of sentence ``sent`` (for the
    training script, which averages the vectors of each block), with the sentence window
    and the target's root, predicate and carrier as :func:`_target_features` finds them."""
    V = _view_of(sent.doc, get_lexicon(), view)
    s0, s1 = sent.start, sent.end
    if s1 - s0 > 2 * _MAX_CONTEXT:
        lo = max(s0, a - _MAX_CONTEXT)
        s0, s1 = lo, min(s1, max(b, a + 1) + _MAX_CONTEXT)
    a, b = max(a, s0), min(max(b, a + 1), s1)
    root = V.span_root(a, b)
    _role, pred, carrier = V.role_and_predicate(root)
    return _static_words(V, static_rows(V, index), (s0, s1, a, b, root, pred, carrier))


def _static_logits(
    V: _DocView, tickets: Sequence[Sequence[int]], model: TargetStanceModel
) -> np.ndarray | None:
    """The logits the static word vectors add to each target (rows of ``tickets``, see
    :func:`_static_words`): per block, the mean over its words of the model's per-word
    class weights (the vectors times the block's weights, folded by the training script,
    so the table holds three numbers per word and block instead of the vectors); None
    when the model has no static vectors."""
    table = model.sv_weights
    if not table.size or not tickets:
        return None
    rows = static_rows(V, model.sv_index)
    seg: list[int] = []
    blk: list[int] = []
    got: list[int] = []
    wts: list[float] = []
    for k, ticket in enumerate(tickets):
        for j, ws in enumerate(_static_words(V, rows, ticket)):
            if ws:
                n = len(ws)
                seg += [k] * n
                blk += [j] * n
                got += ws
                wts += [1.0 / n] * n
    out = np.zeros((len(tickets), table.shape[2]))
    if got:
        np.add.at(out, np.asarray(seg), table[got, blk] * np.asarray(wts)[:, None])
    return out


_WORD_CLASSES = (
    "harm_verbs",
    "harm_nouns",
    "suffer_verbs",
    "perpetrator_nouns",
    "oppose_verbs",
    "protect_verbs",
    "help_verbs",
    "blame_verbs",
    "cause_verbs",
    "combat_verbs",
    "contest_verbs",
    "cessation_verbs",
    "face_verbs",
    "plight_nouns",
    "impact_nouns",
)


@lru_cache(maxsize=1)
def _word_classes() -> dict[str, tuple[str, ...]]:
    """Lemma -> the cue lists of ``stance_cues.json`` holding it (``harm_verb`` ...),
    for the target model's word-class features (one-word entries only)."""
    cues = read_json("stance_cues.json")
    out: dict[str, list[str]] = {}
    for key in _WORD_CLASSES:
        for w in cues.get(key, ()):
            w = str(w).lower()
            if " " not in w:
                out.setdefault(w, []).append(key[:-1])  # harm_verb, help_verb ...
    return {w: tuple(dict.fromkeys(v)) for w, v in out.items()}


# --------------------------------------------------------------------------- model
_WORD = re.compile(r"(?u)\b\w\w+\b")
#: sublinear term frequencies ``1 + log(count)`` of small counts (the same floats)
_N_TF = 64
_SUBLINEAR_TF = [0.0] + [1.0 + math.log(c) for c in range(1, _N_TF)]


@lru_cache(maxsize=1)
def _sublinear_tf_array() -> np.ndarray:
    """:data:`_SUBLINEAR_TF` as an array (read-only)."""
    out = np.array(_SUBLINEAR_TF, dtype=np.float64)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class TargetStanceModel:
    """The stored target-stance model: n-gram vocabulary (TF-IDF), named features (among
    them the context-vector dimensions ``cv_*``, whose standardisation the training
    script folded into ``coef`` and ``intercept``), a corpus-learned lexicon and the
    weights of a multinomial logistic regression.

    Vectorisation reimplements scikit-learn's ``TfidfVectorizer`` (lowercase, tokens
    ``\\b\\w\\w+\\b``, sublinear tf, idf, l2 norm) so that one target costs a few
    dictionary look-ups instead of a sparse-matrix round trip.
    """

    coef: np.ndarray = field(repr=False)
    intercept: np.ndarray = field(repr=False)
    classes: tuple[str, ...]
    vocab: Mapping[str, int] = field(repr=False)
    idf: np.ndarray = field(repr=False)
    features: Mapping[str, int] = field(repr=False)
    card: Mapping[str, Any] = field(repr=False)
    bias: np.ndarray = field(repr=False)
    learned: Mapping[str, tuple[float, float]] = field(repr=False, default_factory=dict)
    names: tuple[str, ...] = field(repr=False, default=())
    coef_centered: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    idf_list: list[float] = field(repr=False, default_factory=list)
    #: per column: whether it may be named in the evidence (not a context-vector dimension)
    readable: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=bool))
    #: the weights (times ``feat_scale``) of the context-vector columns, in
    #: :func:`_context_names` order (classes x width * blocks; no columns: none stored)
    ctx_coef: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    #: static word vectors folded into per-word class weights (:func:`_static_logits`):
    #: lower-cased word -> row, and the rows (words x :data:`STATIC_BLOCKS` x classes)
    sv_index: Mapping[str, int] = field(repr=False, default_factory=dict)
    sv_weights: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0, 0)))

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, np.ndarray], card: Mapping[str, Any]
    ) -> TargetStanceModel:
        try:
            coef = np.atleast_2d(arrays["coef"]).astype(np.float64)
            intercept = np.atleast_1d(arrays["intercept"]).astype(np.float64)
            classes = tuple(str(c) for c in arrays["classes"])
            vocab = {str(t): i for i, t in enumerate(arrays["vocab"])}
            idf = np.asarray(arrays["idf"], dtype=np.float64)
            feats = {str(t): i for i, t in enumerate(arrays["features"])}
            bias = np.asarray(arrays.get("bias", np.zeros(len(classes))), dtype=np.float64)
            learned = {
                str(t): (float(p), float(n))
                for t, p, n in zip(
                    arrays.get("lex_terms", ()), arrays.get("lex_fav", ()), arrays.get("lex_ag", ())
                )
            }
        except (KeyError, ValueError) as exc:
            raise ResourceError(
                f"model {MODEL_NAME!r} is incomplete or corrupt ({exc}); rebuild it with "
                "`python scripts/train_stance.py`"
            ) from exc
        if (
            coef.shape[1] != len(vocab) + len(feats)
            or len(idf) != len(vocab)
            or coef.shape[0] != len(classes)
            or set(classes) != set(LABELS)
        ):
            raise ResourceError(
                f"model {MODEL_NAME!r}: weights {coef.shape} do not match its vocabulary "
                f"({len(vocab)} n-grams + {len(feats)} features) or classes {classes}; "
                "rebuild it with `python scripts/train_stance.py`"
            )
        names = [""] * (len(vocab) + len(feats))
        for t, i in vocab.items():
            names[i] = f"'{t}'"
        for t, i in feats.items():
            names[len(vocab) + i] = t
        centered = coef - coef.mean(axis=0, keepdims=True)
        readable = np.array([not t.startswith(CONTEXT_PREFIX) for t in names], dtype=bool)
        n_ctx = int((~readable).sum())
        width = n_ctx // len(CONTEXT_BLOCKS)
        ctx_cols = [feats.get(t, -1) for t in _context_names(width)] if n_ctx else []
        if n_ctx and (width * len(CONTEXT_BLOCKS) != n_ctx or min(ctx_cols) < 0):
            raise ResourceError(
                f"model {MODEL_NAME!r}: its {n_ctx} context-vector features are not the "
                f"blocks {CONTEXT_BLOCKS}; rebuild it with `python scripts/train_stance.py`"
            )
        scale = float(card.get("hyperparameters", {}).get("feat_scale", 1.0))
        ctx_coef = coef[:, [len(vocab) + j for j in ctx_cols]] * scale
        sv_words = [str(w) for w in arrays.get("sv_words", ())]
        sv_weights = np.asarray(arrays.get("sv_weights", np.zeros((0, 0, 0))), dtype=np.float64)
        if sv_words and sv_weights.shape != (len(sv_words), len(STATIC_BLOCKS), len(classes)):
            raise ResourceError(
                f"model {MODEL_NAME!r}: static word-vector weights {sv_weights.shape} do not "
                f"match its {len(sv_words)} words, blocks {STATIC_BLOCKS} and classes; "
                "rebuild it with `python scripts/train_stance.py`"
            )
        return cls(
            coef,
            intercept,
            classes,
            vocab,
            idf,
            feats,
            dict(card),
            bias,
            learned,
            tuple(names),
            centered,
            idf.tolist(),
            readable,
            ctx_coef,
            {w: i for i, w in enumerate(sv_words)},
            sv_weights if sv_words else np.zeros((0, 0, 0)),
        )

    @property
    def ngram_range(self) -> tuple[int, int]:
        lo, hi = self.card.get("featurizer", {}).get("ngram_range", (1, 2))
        return int(lo), int(hi)

    @property
    def feat_scale(self) -> float:
        return float(self.card.get("hyperparameters", {}).get("feat_scale", 1.0))

    def vectorize(self, item: tuple[str, Mapping[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, values) of one (masked text, feature dict) item."""
        idx, val = self.vector_lists(item)
        return np.asarray(idx, dtype=np.int64), np.asarray(val, dtype=np.float64)

    def text_columns(self, text: str) -> list[int]:
        """The vocabulary columns of the n-grams of ``text``, in the vectoriser's order
        (unigrams, then bigrams, ...; unknown n-grams left out)."""
        words = _WORD.findall(text.lower())
        lo, hi = self.ngram_range
        get = self.vocab.get
        found: list[int] = []
        for n in range(lo, hi + 1):
            grams = words if n == 1 else map(" ".join, zip(*(words[k:] for k in range(n))))
            found.extend(j for j in map(get, grams) if j is not None)
        return found

    def vector_lists(self, item: tuple[str, Mapping[str, float]]) -> tuple[list[int], list[float]]:
        """:meth:`vectorize` as plain lists (the per-item reference of :meth:`vector_arrays`,
        which :func:`_predict_many` uses with the columns of :func:`_masked_grams`)."""
        text, feats = item
        found = self.text_columns(text)
        counts = Counter(found)  # first-seen order, like sklearn's vectoriser loop
        idf = self.idf_list
        idx = list(counts)
        tf = _SUBLINEAR_TF
        val = [(tf[c] if c < _N_TF else 1.0 + math.log(c)) * idf[j] for j, c in counts.items()]
        norm = math.sqrt(sum(map(mul, val, val)))
        if norm:
            val = [v / norm for v in val]
        off = len(self.vocab)
        scale = self.feat_scale
        fget = self.features.get
        named = [
            (off + j, v * scale)
            for j, v in zip(map(fget, feats), feats.values())
            if j is not None and v
        ]
        idx += [j for j, _ in named]
        val += [v for _, v in named]
        return idx, val

    def vector_arrays(
        self, items: Sequence[tuple[Sequence[int], Mapping[str, float]]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(column indices, values, entries per item) of many items at once, each item
        (the n-gram columns of its masked text in order, as :meth:`text_columns` gives
        them, its named features): the rows of :meth:`vector_lists` concatenated, with
        the same values in the same order (numpy over the whole batch instead of a
        Counter and list comprehensions per item)."""
        n = len(items)
        nv = len(self.vocab)
        glens = np.fromiter((len(g) for g, _ in items), dtype=np.int64, count=n)
        cols = np.fromiter(
            itertools.chain.from_iterable(g for g, _ in items),
            dtype=np.int64,
            count=int(glens.sum()),
        )
        seg = np.repeat(np.arange(n, dtype=np.int64), glens)
        # each item's distinct columns in first-seen order, with their counts
        uniq, first, counts = np.unique(seg * nv + cols, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        uniq, counts = uniq[order], counts[order]
        useg = uniq // nv
        ucol = uniq - useg * nv
        tf_table = _sublinear_tf_array()
        tf = tf_table[np.minimum(counts, _N_TF - 1)]
        big = counts >= _N_TF
        if big.any():
            tf[big] = [1.0 + math.log(int(c)) for c in counts[big]]
        val = tf * self.idf[ucol]
        # the sum of squares item by item in order (bincount adds in input order, as
        # Python's sum does), so the norms are the same floats
        norm = np.sqrt(np.bincount(useg, weights=val * val, minlength=n))
        val = val / np.where(norm > 0, norm, 1.0)[useg]
        # named features (dict order), those the model knows and that are not zero
        flens = np.fromiter((len(f) for _, f in items), dtype=np.int64, count=n)
        fget = self.features.get
        fcols = np.fromiter(
            map(fget, itertools.chain.from_iterable(f for _, f in items), itertools.repeat(-1)),
            dtype=np.int64,
            count=int(flens.sum()),
        )
        fval = np.fromiter(
            itertools.chain.from_iterable(f.values() for _, f in items),
            dtype=np.float64,
            count=int(flens.sum()),
        )
        fseg = np.repeat(np.arange(n, dtype=np.int64), flens)
        keep = (fcols >= 0) & (fval != 0)
        fcols, fval, fseg = fcols[keep] + nv, fval[keep] * self.feat_scale, fseg[keep]
        # per item: its n-gram entries, then its named ones
        allseg = np.concatenate([useg, fseg])
        pos = np.argsort(allseg, kind="stable")
        idx = np.concatenate([ucol, fcols])[pos]
        vals = np.concatenate([val, fval])[pos]
        lens = np.bincount(allseg, minlength=n)
        return idx, vals, lens

    def proba(self, idx: np.ndarray, val: np.ndarray, extra: Any = None) -> np.ndarray:
        """Class probabilities (in the order of ``classes``) of one vectorised item
        (``extra``: logits to add, or None)."""
        z = self.coef[:, idx] @ val + self.intercept + self.bias
        if extra is not None:
            z = z + extra
        z = z - z.max()
        e = np.exp(z)
        return np.asarray(e / e.sum())

    def predict_rows(
        self,
        rows: Sequence[tuple[Sequence[int], Sequence[float]]],
        top: int = 3,
        explain_neutral: bool = True,
    ) -> list[tuple[np.ndarray, int, list[str], list[tuple[str, float]]]]:
        """(class probabilities, best class, :meth:`explain` of it, the (feature name,
        contribution) pairs that pushed toward it, strongest first, up to 8) for many
        vectorised items (:meth:`vector_lists`) at once: one gather and one segmented sum
        instead of a matrix product per item. ``explain_neutral=False`` leaves the
        explanation of items predicted neutral empty (faster)."""
        if not rows:
            return []
        lens = np.fromiter((len(i) for i, _ in rows), dtype=np.int64, count=len(rows))
        idx = np.fromiter(itertools.chain.from_iterable(i for i, _ in rows), dtype=np.int64)
        val = np.fromiter(itertools.chain.from_iterable(v for _, v in rows), dtype=np.float64)
        return self._predict_arrays(idx, val, lens, top, explain_neutral)

    def predict_items(
        self,
        items: Sequence[tuple[Sequence[int], Mapping[str, float]]],
        top: int = 3,
        explain_neutral: bool = True,
        dense: np.ndarray | None = None,
        static: np.ndarray | None = None,
    ) -> list[tuple[np.ndarray, int, list[str], list[tuple[str, float]]]]:
        """:meth:`predict_rows` of items (n-gram columns, named features) vectorised by
        :meth:`vector_arrays` (the same rows, built for the whole batch at once).
        ``dense``: the items' context vectors kept out of the feature dicts, one row each
        (:func:`_context_matrix`), or None; their logits come from one matrix product with
        :attr:`ctx_coef` (the same sums as the named columns). ``static``: the logits of
        the static word vectors (:func:`_static_logits`), one row each, or None."""
        if not items:
            return []
        extra = None
        width = self.ctx_coef.shape[1]
        if dense is not None and width and dense.shape == (len(items), width):
            extra = dense @ self.ctx_coef.T
        if static is not None:
            extra = static if extra is None else extra + static
        return self._predict_arrays(*self.vector_arrays(items), top, explain_neutral, extra)

    def _predict_arrays(
        self,
        idx: np.ndarray,
        val: np.ndarray,
        lens: np.ndarray,
        top: int,
        explain_neutral: bool,
        extra: np.ndarray | None = None,
    ) -> list[tuple[np.ndarray, int, list[str], list[tuple[str, float]]]]:
        """:meth:`predict_rows` of rows given as concatenated (indices, values) and the
        number of entries of each row (``extra``: logits to add per row, or None)."""
        if not lens.all():
            out = []
            for r, (s, n) in enumerate(zip(np.cumsum(lens) - lens, lens)):
                ia, va = idx[s : s + n], val[s : s + n]
                p = self.proba(ia, va, None if extra is None else extra[r])
                k = int(p.argmax())
                c = np.where(self.readable[ia], va * self.coef_centered[k, ia], 0.0)
                pairs = [(self.names[ia[j]], float(c[j])) for j in np.argsort(-c)[:8] if c[j] > 0]
                out.append((p, k, self.explain(ia, va, k, top), pairs))
            return out
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        z = np.add.reduceat(self.coef[:, idx] * val, starts, axis=1).T
        if extra is not None:
            z = z + extra
        z = z + self.intercept + self.bias
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        probs = e / e.sum(axis=1, keepdims=True)
        best = probs.argmax(axis=1)
        contrib = val * self.coef_centered[np.repeat(best, lens), idx]
        contrib[~self.readable[idx]] = 0.0  # context vectors: not words to show
        names = self.names
        skip = -1 if explain_neutral else self.classes.index("neutral")
        # the positive contributions of the rows to explain, each row's strongest first
        # (ties keep the row's order), one sort for the whole batch
        rowid = np.repeat(np.arange(len(lens)), lens)
        sel = np.flatnonzero((best != skip)[rowid] & (contrib > 0))
        sel = sel[np.lexsort((-contrib[sel], rowid[sel]))]
        per_row = np.bincount(rowid[sel], minlength=len(lens)).tolist()
        sel_names = [names[j] for j in idx[sel].tolist()]
        sel_c = contrib[sel].tolist()
        out = []
        k = 0
        for r, (b, n) in enumerate(zip(best.tolist(), per_row)):
            if b == skip:
                out.append((probs[r], skip, [], []))
                continue
            pairs = list(zip(sel_names[k : k + min(n, 8)], sel_c[k : k + min(n, 8)]))
            k += n
            ev = [f"{nm} ({x:+.2f})" for nm, x in pairs[:top]]
            out.append((probs[r], b, ev, pairs))
        return out

    def explain(self, idx: np.ndarray, val: np.ndarray, k: int, top: int = 3) -> list[str]:
        """The features that pushed one item most toward class ``k``, with their contribution."""
        contrib = np.where(self.readable[idx], val * self.coef_centered[k, idx], 0.0)
        order = np.argsort(-contrib)[:top]
        return [f"{self.names[idx[j]]} ({contrib[j]:+.2f})" for j in order if contrib[j] > 0]


@lru_cache(maxsize=4)
def load_target_model(directory: str | None = None) -> TargetStanceModel:
    """The stored target-stance model (``models/target_stance.npz`` + ``.json``); no unpickling."""
    from .models import load_model_files

    files = load_model_files(MODEL_NAME, directory)
    return TargetStanceModel.from_arrays(files.arrays, files.card)


# --------------------------------------------------------------------------- API
def _label_of(score: float, lo: float = -0.33, hi: float = 0.33) -> str:
    return "against" if score <= lo else "favor" if score >= hi else "neutral"


def _token_range(sent: Span, start: int, end: int) -> tuple[int, int]:
    """Token indices (of the doc) covering characters [start, end) of the sentence text."""
    base = sent.start_char
    s, e = base + start, base + end
    a = b = None
    for t in sent:
        t_end = t.idx + len(t)
        if a is None and t_end > s:
            a = t.i
        if t.idx < e:
            b = t.i + 1
    if a is None or b is None or b <= a:
        raise StancekitValueError(
            f"target span ({start}, {end}) does not cover any token of the sentence "
            f"{sent.text[:60]!r}; spans are character offsets into the sentence text"
        )
    return a, b


def _predict_tokens(
    sent: Span,
    ranges: Sequence[tuple[int, int]],
    model: TargetStanceModel | None = None,
    view: _DocView | None = None,
) -> list[TargetStance]:
    """Target stance for token ranges (doc indices) of a parsed sentence (``view``: the
    document's cached token columns, shared by all its sentences)."""
    return _predict_many([(sent, ranges)], model, view)[0]


def _predict_many(
    groups: Sequence[tuple[Span, Sequence[tuple[int, int]]]],
    model: TargetStanceModel | None = None,
    view: _DocView | None = None,
    words: list[list[str]] | None = None,
) -> list[list[TargetStance]]:
    """:func:`_predict_tokens` for the token ranges of many sentences of one document, with
    one batched model call over all of them. ``words``, when given, receives per sentence
    the text words behind each prediction (:func:`_model_words`)."""
    groups = [(sent, list(ranges)) for sent, ranges in groups]
    if not any(ranges for _, ranges in groups):
        return [[] for _ in groups]
    model = model or load_target_model()
    lex = get_lexicon()
    V = _view_of(groups[0][0].doc, lex, view)
    rows = []
    dense: list[Any] = []  # context vectors (their arguments), outside the feature dicts
    for sent, ranges in groups:
        s0, s1 = sent.start, sent.end
        grams = _sentence_grams(V, s0, s1, model) if s1 - s0 <= 2 * _MAX_CONTEXT else None
        for a, b in ranges:
            found = None
            if grams is not None:
                a2, b2 = max(a, s0), min(max(b, a + 1), s1)
                found = _masked_grams(grams, V.idx[a2], V.end[b2 - 1], model)
            text, feats = _target_features(sent, a, b, lex, model.learned, V, found is None, dense)
            rows.append((model.text_columns(text) if found is None else found, feats))
    # (the context vectors only when the document has a tensor)
    ctx = _context_matrix(V, dense) if dense and V.tensor is not None else None
    static = _static_logits(V, dense, model)
    preds = iter(model.predict_items(rows, explain_neutral=words is None, dense=ctx, static=static))
    fav, ag = model.classes.index("favor"), model.classes.index("against")
    out: list[list[TargetStance]] = []
    for sent, ranges in groups:
        here = []
        base = sent.start_char
        cue_words = []
        for a, b in ranges:
            p, k, evidence, pairs = next(preds)
            score = float(p[fav] - p[ag])
            if words is not None:  # a neutral prediction pushes toward no polarity: no cue
                label = model.classes[k]
                cue_words.append(
                    "" if label == "neutral" else _model_words(V, sent, a, b, pairs, model, label)
                )
            here.append(
                TargetStance(
                    label=model.classes[k],
                    score=round(max(-1.0, min(1.0, score)), 4),
                    confidence=round(float(p[k]), 4),
                    evidence=tuple(evidence),
                    start=V.idx[a] - base,
                    end=V.end[b - 1] - base,
                    method=MODEL_NAME,
                )
            )
        out.append(here)
        if words is not None:
            words.append(cue_words)
    return out


def _sentence_grams(V: _DocView, s0: int, s1: int, model: TargetStanceModel) -> Any:
    """The words of sentence [s0, s1) as the vectoriser splits them, for
    :func:`_masked_grams`: (the n-gram table of its document, or of the sentence alone,
    see :func:`_gram_table`; the sentence's first word; its end). None when the fast path
    does not apply (other n-gram ranges; lower-casing that changes the text's length)."""
    if model.ngram_range != (1, 2):
        return None
    c0, c1 = V.idx[s0], V.end[s1 - 1]
    table = V.grams.get(id(model))
    if table is None:
        text = V.text
        table = (
            _gram_table(text, 0, len(text), model)
            if V.words is None
            else _word_grams(V.words, model)
        )
        table = V.grams[id(model)] = table or ()
    if table:
        starts, ends = table[1], table[2]
        w0 = bisect_left(starts, c0)
        w1 = bisect_left(starts, c1, w0)
        # the document's words are the sentence's unless a word runs across its edges
        if (w0 == 0 or ends[w0 - 1] <= c0) and (w1 == w0 or ends[w1 - 1] <= c1):
            return table, w0, w1
    table = _gram_table(V.text, c0, c1, model)
    return None if table is None else (table, 0, len(table[0]))


def _gram_table(text: str, c0: int, c1: int, model: TargetStanceModel) -> Any:
    """The words of ``text[c0:c1]`` (as the vectoriser splits them: lower-cased, with their
    character spans in ``text``), the vocabulary columns of its unigrams and bigrams
    (bigram k = words k, k+1) found, and how many of them lie before each word; None when
    lower-casing changes the text's length (offsets would not match)."""
    text = text[c0:c1]
    low = text.lower()
    if len(low) != len(text) or "Σ" in text:
        return None
    # the words and their spans, each match object freed at once (a list of them all would
    # keep them alive for the collector to walk)
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD.finditer(low):
        words.append(m.group())
        starts.append(m.start() + c0)
        ends.append(m.end() + c0)
    get = model.vocab.get
    uni = list(map(get, words))
    bi = list(map(get, map(" ".join, itertools.pairwise(words))))
    # the columns found, and how many of them lie before each word (slices of the
    # found columns stand for slices of the words' columns without the misses)
    uni_f = [j for j in uni if j is not None]
    uni_c = list(itertools.accumulate((j is not None for j in uni), initial=0))
    bi_f = [j for j in bi if j is not None]
    bi_c = list(itertools.accumulate((j is not None for j in bi), initial=0))
    if words:  # one count per word position and one past the end, as for the unigrams
        bi_c.append(bi_c[-1])  # (no bigram starts at the last word)
    return words, starts, ends, uni_f, uni_c, bi_f, bi_c


def _word_grams(words: WordTable, model: TargetStanceModel) -> Any:
    """:func:`_gram_table` of the whole text from its word table (``Parsed.words``: the
    text split once for every n-gram model, each distinct unigram and bigram looked up
    once); the same lists."""
    if not words.context_free:
        return None
    uni, bi = words.columns(model.vocab)
    occ_u, occ_b = uni[words.ids], bi[words.pair_id]
    fu, fb = occ_u >= 0, occ_b >= 0
    uni_c = [0, *np.cumsum(fu).tolist()]
    bi_c = [0, *np.cumsum(fb).tolist()]
    if words.words:  # one count per word position and one past the end (see _gram_table)
        bi_c.append(bi_c[-1])
    return (
        words.words,
        words.starts,
        words.ends,
        occ_u[fu].tolist(),
        uni_c,
        occ_b[fb].tolist(),
        bi_c,
    )


def _masked_grams(grams: Any, ts: int, te: int, model: TargetStanceModel) -> list[int] | None:
    """The vocabulary columns, in order, of the n-grams of the sentence with characters
    [ts, te) (offsets into the document text) replaced by `` tgtx `` (what
    :meth:`TargetStanceModel.text_columns` reads off the masked text), from the
    sentence's words (:func:`_sentence_grams`); None when a word straddles the target's
    edge."""
    (words, starts, ends, uni_f, uni_c, bi_f, bi_c), w0, w1 = grams
    left = bisect_right(ends, ts, w0, w1)
    right = bisect_left(starts, te, left, w1)
    for k in range(left, right):
        if starts[k] < ts or ends[k] > te:
            return None
    get = model.vocab.get
    tgt = TARGET_TOKEN
    edge = []
    if left > w0:
        edge.append(get(f"{words[left - 1]} {tgt}"))
    if right < w1:
        edge.append(get(f"{tgt} {words[right]}"))
    # the sentence's unigrams before the target, the target, the unigrams after it; its
    # bigrams (k, k + 1) before the target, the edge bigrams, the bigrams after it
    # (the columns found, in that order)
    out = uni_f[uni_c[w0] : uni_c[left]]
    j = get(tgt)
    if j is not None:
        out.append(j)
    out += uni_f[uni_c[right] : uni_c[w1]]
    hi = max(w0, w1 - 1)  # bigrams w0 .. w1 - 2
    out += bi_f[bi_c[w0] : bi_c[max(w0, left - 1)]]
    out += [j for j in edge if j is not None]
    out += bi_f[bi_c[min(right, hi)] : bi_c[hi]]
    return out


_STRUCTURAL_FEATURE = re.compile(
    r"^(role=|dep=|ent=|prep=|tgt_pron|speaker|in_quote|sent_has_quote|sent_len|\w+:nopred|"
    r"\w+:pred_neg|vcls:|ncls:)"
)


_WORD_FEATURE = re.compile(r"^(?:L|R|near|clause|pred_up|pred|\w+:pred|agent:\w+)[:=](.+)$")


@lru_cache(maxsize=65536)
def _feature_kind(name: str) -> tuple[str, tuple[str, ...]]:
    """How a model feature maps to text: ("ngram", its words), ("lemma", (lemma,)) for
    features naming one word, ("structural", ()) for none, ("lexicon", ()) for the
    lexicon scores (the sentence's polar words stand for them)."""
    if name.startswith("'"):
        return "ngram", tuple(w for w in name.strip("'").split() if w != TARGET_TOKEN)
    if _STRUCTURAL_FEATURE.match(name):
        return "structural", ()
    m = _WORD_FEATURE.match(name)
    if m and name.split(":")[-1] not in ("pred_val", "pred_lfav", "pred_lag"):
        return "lemma", (m.group(1),)
    if name.startswith("lp:"):
        return "lemma", (name[3:].split(">")[-1],)
    return "lexicon", ()


def _model_words(
    V: _DocView,
    sent: Span,
    a: int,
    b: int,
    pairs: Sequence[tuple[str, float]],
    model: TargetStanceModel,
    label: str,
    limit: int = 4,
) -> str:
    """The words of the sentence behind a model prediction, in text order: the words of the
    n-grams and named-word features (``L:``, ``near:``, ``pred=`` ...) that pushed most
    toward the label, and for the lexicon features (``sent_neg``, ``lex_ag_tree`` ...)
    the sentence's strongest words of that polarity. Contiguous words form one phrase,
    phrases are joined by " ... "; "" when only structural features (the target's role,
    its entity type, the sentence length) decided."""
    s0, s1 = sent.start, sent.end
    if s1 - s0 > 2 * _MAX_CONTEXT:
        s0, s1 = max(s0, a - _MAX_CONTEXT), min(s1, max(b, a + 1) + _MAX_CONTEXT)
    cand, lowers, lemmas, polar = V.cue_index(s0, s1, model.learned)
    chosen: list[int] = []

    def take(cands: Sequence[int] | None) -> None:
        if not cands or len(chosen) >= limit:
            return
        best = bd = -1  # the nearest candidate outside the target (the first of equals)
        for t in cands:
            if a <= t < b or t in chosen:
                continue
            d = a - t if t < a else t - b + 1  # = min(|t - a|, |t - (b - 1)|), b > a
            if best < 0 or d < bd:
                best, bd = t, d
        if best >= 0:
            chosen.append(best)

    lexical_done = False
    for name, _c in pairs:
        if len(chosen) >= limit:
            break
        kind, words = _feature_kind(name)
        if kind == "ngram":
            for w in words:
                if w in lowers:
                    take([t for t, x in zip(cand, lowers) if x == w])
            continue
        if kind == "lemma":
            w = words[0]
            if w in lemmas:
                take([t for t, x in zip(cand, lemmas) if x == w])
            continue
        if kind == "structural" or lexical_done or label == "neutral":
            continue
        # a lexicon feature: the sentence's strongest words of the label's polarity
        lexical_done = True
        k = 1 if label == "against" else 2
        scored = sorted(
            (
                (x[k], -min(abs(x[0] - a), abs(x[0] - b + 1)), x[0])
                for x in polar
                if x[k] > 0 and not (a <= x[0] < b)
            ),
            reverse=True,
        )
        for _v, _d, t in scored[:2]:
            take((t,))
    if not chosen:
        return ""
    chosen.sort()
    phrases: list[list[int]] = []
    for t in chosen:
        if (
            phrases
            and t - phrases[-1][-1] <= 2
            and all(V.punct[u] is False for u in range(phrases[-1][-1] + 1, t))
        ):
            phrases[-1].extend(range(phrases[-1][-1] + 1, t + 1))
        else:
            phrases.append([t])
    text, idx, end = V.text, V.idx, V.end
    return " ... ".join(" ".join(text[idx[t] : end[t]] for t in ph) for ph in phrases)


def _as_span(sentence: Any, nlp: Language | None) -> Span:
    from spacy.tokens import Doc, Span

    if isinstance(sentence, Span):
        return sentence
    if isinstance(sentence, Doc):
        return sentence[:]
    if not isinstance(sentence, str):
        raise TypeError(
            f"target_stance expects a str, a spaCy Doc or a Span, got {type(sentence).__name__}"
        )
    if nlp is None:
        from .nlp import get_nlp

        nlp = get_nlp()
    return nlp(sentence)[:]


def target_stance(
    sentence: str | Span | Doc,
    spans: Iterable[tuple[int, int]],
    nlp: Language | None = None,
) -> list[TargetStance]:
    """The stance a sentence takes toward each target span.

    Parameters
    ----------
    sentence:
        The sentence as text (parsed with ``nlp``, default :func:`stancekit.nlp.get_nlp`),
        or an already parsed spaCy ``Doc`` / ``Span``.
    spans:
        ``(start, end)`` character offsets of the targets in the sentence text
        (``span.text`` for a Span).
    nlp:
        The spaCy pipeline to parse a text with.

    Returns
    -------
    list of TargetStance
        One per span, in order: ``label`` (against / neutral / favor), ``score``
        (P(favor) - P(against), in [-1, 1]), ``confidence`` (the probability of the
        label), ``evidence`` (the features that pushed most toward the label, with
        their contribution), ``start``/``end`` (the span snapped to tokens) and
        ``method`` (the model name).

    Examples
    --------
    >>> from stancekit.stance import target_stance
    >>> s = "Ukraine's soldiers have defended their homeland with extraordinary courage."
    >>> target_stance(s, [(0, 7)])[0].label  # doctest: +SKIP
    'favor'
    """
    return _target_stance_span(_as_span(sentence, nlp), list(spans))


def target_stance_batch(
    items: Iterable[tuple[str | Span | Doc, Iterable[tuple[int, int]]]],
    nlp: Language | None = None,
    batch_size: int = 64,
) -> list[list[TargetStance]]:
    """:func:`target_stance` for many ``(sentence, spans)`` items: the texts are parsed
    together with ``nlp.pipe`` (faster than one call per sentence); already parsed
    ``Doc``/``Span`` items are used as they are. One list of TargetStance per item."""
    pairs = [(x, list(sp)) for x, sp in items]
    texts = [x for x, _ in pairs if isinstance(x, str)]
    if texts and nlp is None:
        from .nlp import get_nlp

        nlp = get_nlp()
    docs = iter(nlp.pipe(texts, batch_size=batch_size) if texts and nlp is not None else ())
    out = []
    for x, sp in pairs:
        sent = next(docs)[:] if isinstance(x, str) else _as_span(x, nlp)
        out.append(_target_stance_span(sent, sp))
    return out


def _target_stance_span(sent: Span, spans: list[tuple[int, int]]) -> list[TargetStance]:
    """Target stance of character spans of a parsed sentence (or Doc)."""
    ranges = [_token_range(sent, int(s), int(e)) for s, e in spans]
    # a Doc of several sentences: features use the sentence holding each target
    out: list[TargetStance] = []
    model = load_target_model()
    by_sent: dict[tuple[int, int], list[int]] = {}
    sents: dict[tuple[int, int], Span] = {}
    for k, (a, _) in enumerate(ranges):
        s = sent.doc[a].sent if sent.doc.has_annotation("SENT_START") else sent
        s = s if s.start >= sent.start and s.end <= sent.end else sent
        key = (s.start, s.end)
        sents[key] = s
        by_sent.setdefault(key, []).append(k)
    results: dict[int, TargetStance] = {}
    view = _DocView(sent.doc, get_lexicon()) if by_sent else None
    for key, ks in by_sent.items():
        s = sents[key]
        preds = _predict_tokens(s, [ranges[k] for k in ks], model, view)
        shift = s.start_char - sent.start_char
        for k, p in zip(ks, preds):
            results[k] = _replace_offsets(p, p.start + shift, p.end + shift)
    out = [results[k] for k in range(len(ranges))]
    return out


def _replace_offsets(ts: TargetStance, start: int, end: int) -> TargetStance:
    return replace(ts, start=start, end=end)


@lru_cache(maxsize=1)
def _vader_analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_window_stance(sentence: Span, a: int, b: int, window: int = 6) -> float:
    """Baseline (spaCy + VADER around the target): VADER's compound score of the words
    within ``window`` tokens of the target ``doc[a:b]``, in [-1, 1]. Label it with
    :func:`vader_label` (VADER's usual +-0.05 thresholds)."""
    doc = sentence.doc
    lo, hi = max(sentence.start, a - window), min(sentence.end, b + window)
    text = doc[lo:hi].text
    return float(_vader_analyzer().polarity_scores(text)["compound"])


def vader_label(score: float, threshold: float = 0.05) -> str:
    """VADER's conventional labels: compound <= -0.05 against, >= 0.05 favor."""
    return "against" if score <= -threshold else "favor" if score >= threshold else "neutral"


# --------------------------------------------------------------------------- author's stance
@dataclass(frozen=True)
class _Cues:
    labels: Mapping[str, float]
    harm_verbs: frozenset[str]
    harm_nouns: frozenset[str]
    suffer_verbs: frozenset[str]
    perpetrator_nouns: frozenset[str]
    oppose_verbs: frozenset[str]
    protect_verbs: frozenset[str]
    hedges: frozenset[str]
    weights: Mapping[str, float]
    thresholds: Mapping[str, float]
    impact_nouns: frozenset[str] = frozenset()
    plight_nouns: frozenset[str] = frozenset()
    face_verbs: frozenset[str] = frozenset()
    victim_adjectives: frozenset[str] = frozenset()
    harmful_adjectives: frozenset[str] = frozenset()
    blame_verbs: frozenset[str] = frozenset()
    culprit_adjectives: frozenset[str] = frozenset()
    verdict_adjectives: Mapping[str, float] = field(default_factory=dict)
    due_nouns: frozenset[str] = frozenset()
    deontic_modals: frozenset[str] = frozenset()
    solidarity_verbs: frozenset[str] = frozenset()
    solidarity_preps: frozenset[str] = frozenset()
    verdict_not_with: frozenset[str] = frozenset()
    condition_marks: frozenset[str] = frozenset()
    cause_verbs: frozenset[str] = frozenset()
    help_verbs: frozenset[str] = frozenset()
    rule_neutral: frozenset[str] = frozenset()
    permit_verbs: frozenset[str] = frozenset()
    cessation_verbs: frozenset[str] = frozenset()
    combat_verbs: frozenset[str] = frozenset()
    contest_verbs: frozenset[str] = frozenset()
    defeat_objects: frozenset[str] = frozenset()


def _lost_contest(V: _DocView, i: int, cues: _Cues) -> bool:
    """Whether the verb at ``i`` is "lose" with a contest or its own fighters as object
    ("lost the election", "the ground forces it lost in Ukraine"): a defeat, which tells
    nothing of the loser being anyone's victim."""
    if V.lemma[i] != "lose":
        return False
    for k in V.kids(i):
        if V.dep[k] != "dobj":
            continue
        if V.lemma[k] in cues.defeat_objects:
            return True
        for p in V.kids(k):  # "hundreds of fighters", "control of the Senate"
            if (
                V.dep[p] == "prep"
                and V.lower[p] == "of"
                and any(V.lemma[g] in cues.defeat_objects for g in V.kids(p) if V.dep[g] == "pobj")
            ):
                return True
    # a relative clause: the object is the noun it modifies ("the forces it lost")
    return V.dep[i] == "relcl" and V.lemma[V.head[i]] in cues.defeat_objects


@lru_cache(maxsize=1)
def _base_cues() -> _Cues:
    d = read_json("stance_cues.json")

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in d.get(key, ()))

    return _Cues(
        labels={str(k).lower(): float(v) for k, v in d.get("labels", {}).items()},
        harm_verbs=words("harm_verbs"),
        harm_nouns=words("harm_nouns"),
        suffer_verbs=words("suffer_verbs"),
        perpetrator_nouns=words("perpetrator_nouns"),
        oppose_verbs=words("oppose_verbs"),
        protect_verbs=words("protect_verbs"),
        hedges=words("hedges"),
        weights={str(k): float(v) for k, v in d.get("weights", {}).items()},
        thresholds={str(k): float(v) for k, v in d.get("thresholds", {}).items()},
        impact_nouns=words("impact_nouns"),
        plight_nouns=words("plight_nouns"),
        face_verbs=words("face_verbs"),
        victim_adjectives=words("victim_adjectives"),
        harmful_adjectives=words("harmful_adjectives"),
        defeat_objects=words("defeat_objects"),
        blame_verbs=words("blame_verbs"),
        culprit_adjectives=words("culprit_adjectives"),
        verdict_adjectives={
            str(k).lower(): float(v) for k, v in d.get("verdict_adjectives", {}).items()
        },
        due_nouns=words("due_nouns"),
        deontic_modals=words("deontic_modals"),
        solidarity_verbs=words("solidarity_verbs"),
        solidarity_preps=words("solidarity_preps"),
        verdict_not_with=words("verdict_not_with"),
        condition_marks=words("condition_marks"),
        cause_verbs=words("cause_verbs"),
        help_verbs=words("help_verbs"),
        rule_neutral=words("rule_neutral"),
        permit_verbs=words("permit_verbs"),
        cessation_verbs=words("cessation_verbs"),
        combat_verbs=words("combat_verbs"),
        contest_verbs=words("contest_verbs"),
    )


def _cues(config: Any) -> _Cues:
    """The packaged cues with ``stance.weights`` / ``stance.thresholds`` / ``stance.labels``
    options of the config applied."""
    base = _base_cues()
    if config is None:
        return base
    w = config.option("stance.weights", None)
    t = config.option("stance.thresholds", None)
    lab = config.option("stance.labels", None)
    if not (w or t or lab):
        return base
    return replace(
        base,
        weights={**base.weights, **(w or {})},
        thresholds={**base.thresholds, **(t or {})},
        labels={**base.labels, **{str(k).lower(): float(v) for k, v in (lab or {}).items()}},
    )


@dataclass
class _Ev:
    """One piece of evidence before it becomes a StanceEvidence row."""

    actor_id: str
    score: float
    start: int
    end: int
    cue: str
    method: str
    weight: float
    holder: str = "author"
    sentence_id: int = -1
    base: float = 1.0  # weight before the ``weights`` factors (sentence and pronoun weights)
    factors: tuple[str, ...] = ()  # keys of ``weights`` multiplied into ``weight``
    #: actors this mention fights in its sentence (:func:`_combatants`): its against-evidence
    #: there weighs ``fights_opposed`` when the author opposes one of them
    opponents: tuple[str, ...] = ()


def _weight_of(base: float, factors: Sequence[str], w: Mapping[str, float]) -> float:
    out = base
    for f in factors:
        out *= w.get(f, 1.0)
    return out


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, x))


def _char_range(tokens: Iterable[Token]) -> tuple[int, int]:
    toks = list(tokens)
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _text_of(doc: Doc, start: int, end: int) -> str:
    """``doc.text[start:end]`` for token-aligned offsets, without building the whole text."""
    span = doc.char_span(start, end)
    return span.text if span is not None else doc.text[start:end]


def _label_for(score: float, th: Mapping[str, float]) -> str:
    if score <= th.get("against", -0.15):
        return "against"
    if score >= th.get("favor", 0.15):
        return "favor"
    return "neutral"


def _lemma(t: Token) -> str:
    return t.lemma_.lower()


def _rule_evidence(
    sent: Span,
    a: int,
    b: int,
    lex: Lexicon,
    cues: _Cues,
    blocked: frozenset[int],
    view: _DocView | None = None,
) -> list[tuple[str, float, int, int, str]]:
    """Rule evidence about the target ``doc[a:b]``: (kind, score, start, end, cue) tuples.

    ``blocked`` holds token indices of other actors' mentions: their words are not
    evaluations of this target. Kinds: label, action, victim, perpetrator, threat, opposed.
    """
    doc = sent.doc
    s0 = sent.start
    V = _view_of(doc, lex, view)
    root_i = V.span_root(a, b)
    role, pred_i, carrier_i = V.role_and_predicate(root_i)
    root, carrier = doc[root_i], doc[carrier_i]
    pred = doc[pred_i] if pred_i >= 0 else None
    out: list[tuple[str, float, int, int, str]] = []

    def val(t: Token) -> float:
        i = t.i
        if i in blocked or (a <= i < b) or V.lemma[i] in cues.rule_neutral:
            return 0.0
        v = lex.valence.get(V.lower[i])
        if v is None:
            v = lex.valence.get(V.lemma[i], 0.0)
        if v and V.negated(i, s0):
            v *= _NEGATION_SCALAR
        return v

    # 1. evaluative labels: the mention's own words, its modifiers, what it is in apposition to
    for i in range(a, b):
        lv = cues.labels.get(V.lower[i], cues.labels.get(V.lemma[i]))
        if lv is not None:
            out.append(("label", lv, V.idx[i], V.end[i], doc[i].text))
    # (children of other relations add nothing: only these become Tokens)
    vdep = V.dep
    for c in [doc[k] for k in V.kids(root_i) if vdep[k] in ("amod", "appos", "acl", "relcl")]:
        if c.dep_ == "amod" and (c.tag_ in ("VBN", "VBD", "VBG") or abs(val(c)) < 1.5):
            continue  # "the collapsed army" describes a state, not a judgement
        if c.dep_ in ("amod", "appos", "acl", "relcl") and not (a <= c.i < b):
            toks = (
                [c]
                if c.dep_ == "amod"
                else [
                    x
                    for x in c.subtree
                    if x.dep_ in ("amod", "ROOT", "appos", "attr", "acomp") or x.i == c.i
                ]
            )
            if (
                c.dep_ in ("acl", "relcl")
                and c.tag_ != "VB"
                and _verb_in(V, c.i, cues.contest_verbs)
            ):
                # "..., protesting against his rollbacks": what it acts against, flipped
                v = -sum(val(x) for x in toks if x.i != c.i) / 4
            else:
                v = sum(val(x) for x in toks) / 4
            lv = cues.labels.get(V.lemma[c.i], 0.0) if c.dep_ == "appos" else 0.0
            if v or lv:
                s, e = _char_range(c.subtree)
                out.append(("label", _clip(v + lv), s, e, _text_of(doc, s, e)))
    if root.dep_ in ("appos", "poss") and not (a <= root.head.i < b):
        h = root.head
        mods = [
            x
            for x in h.children
            if x.dep_ == "amod" and not (a <= x.i < b) and x.tag_ not in ("VBN", "VBD", "VBG")
        ]
        v = sum(val(x) for x in mods) / 4
        lv = cues.labels.get(h.lower_, cues.labels.get(V.lemma[h.i], 0.0))
        if root.dep_ == "appos" and not lv:
            lv = val(h) / 4  # "the security problems (ISIS, ...)"
        if root.dep_ == "poss" and lv > 0:
            lv = 0.0  # "Iran's allies" says little about Iran
        if v or lv:
            toks = sorted([h, *mods], key=lambda x: x.i)
            s, e = _char_range(toks)
            out.append(("label", _clip(v + lv), s, e, _text_of(doc, s, e)))

    # 2. what the actor is said to do (agent of a predicate): the verb, its adverbs,
    #    objects and complements (heads and their adjectives, not whole subtrees);
    #    "X never abandoned its aim of Y": X still pursues Y (2b)
    kept = (
        _continued_aim(doc, pred, lex, cues, s0, blocked, a, b, V)
        if role == "agent" and pred is not None
        else None
    )
    if kept is not None:
        if kept[1]:
            out.append(kept)
    elif role == "agent" and pred is not None:
        toks = [pred]
        frontier = [pred]
        for _ in range(2):
            nxt = []
            for p in frontier:
                for k in V.kids(p.i):
                    if vdep[k] in (
                        "dobj",
                        "attr",
                        "acomp",
                        "advmod",
                        "oprd",
                        "prt",
                        "xcomp",
                        "ccomp",
                        "npadvmod",
                    ):
                        c = doc[k]
                        if c.dep_ == "ccomp" and (V.lemma[p.i] in lex.reporting_verbs or k < p.i):
                            # what a speaker says, or a clause before the verb ("Putin
                            # must be stopped, NATO should act"): not what the agent does
                            continue
                        toks.append(c)
                        toks.extend(
                            doc[x]
                            for x in V.kids(k)
                            if vdep[x] in ("amod", "advmod", "neg", "compound")
                        )
                        if c.pos_ in _PRED_POS:
                            nxt.append(c)
            frontier = nxt
        # (a plain verb form, "must stop hiding", "time to stop", says what should be
        # done, which tells what is being done: read as before)
        contest = pred.tag_ != "VB" and _verb_in(V, pred.i, cues.contest_verbs)
        if contest:
            # acting against something: the verb's own valence left out, what it acts
            # against counted flipped, the verb's adverbs as they are
            own = {k for k in V.kids(pred.i) if vdep[k] in ("advmod", "neg", "prt", "npadvmod")}
            for k in V.kids(pred.i):  # "protested against the brutal crackdown"
                if vdep[k] == "prep" and V.lower[k] == "against":
                    for g in V.kids(k):
                        if vdep[g] == "pobj":
                            toks.append(doc[g])
                            toks.extend(
                                doc[x] for x in V.kids(g) if vdep[x] in ("amod", "compound")
                            )
            v = sum(
                val(t) if t.i in own else -val(t) for t in toks if t.i != root.i and t.i != pred.i
            )
        else:
            v = sum(val(t) for t in toks if t.i != root.i)
        if v:
            toks = sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)
            s, e = _char_range(toks)
            out.append(("action", _clip(v / 3), s, e, " ".join(t.text for t in toks if val(t))))
        # harming someone is acting against them: also covered by the verb's valence
        if (
            V.lemma[pred.i] in cues.harm_verbs
            and not contest
            and not any(o[0] == "action" for o in out)
        ):
            out.append(("action", -0.6, pred.idx, pred.idx + len(pred), pred.text))

    # 3. victims: object of a harm verb, subject of a suffering verb, or what a harm
    #    noun is done to ("damage to the security of Iraq")
    chain = [root, *(doc[k] for k in V.chain(root_i)[1:6])]  # the root and 5 heads up
    if pred is not None:
        if role == "patient" and V.lemma[pred.i] in cues.harm_verbs and not V.negated(pred.i, s0):
            out.append(("victim", 0.6, pred.idx, pred.idx + len(pred), pred.text))
        if (
            role == "agent"
            and V.lemma[pred.i] in cues.suffer_verbs
            and not _lost_contest(V, pred.i, cues)
        ):
            out.append(("victim", 0.6, pred.idx, pred.idx + len(pred), pred.text))
    for prev, t in itertools.pairwise(chain):
        if prev.dep_ not in ("pobj", "prep", "conj", "poss", "compound", "dobj", "appos"):
            break
        if (
            t.pos_ == "NOUN"
            and V.lemma[t.i] in cues.harm_nouns
            and prev.dep_ == "prep"
            and prev.lower_ in ("to", "on", "against", "of")
        ):
            out.append(("victim", 0.5, t.idx, t.idx + len(t), t.text))
            break

    # 4. perpetrators: "suffered under ISIS rule", "at the hands of X", "X's occupation"
    for prev, t in itertools.pairwise(chain):
        if t.pos_ in _PRED_POS:
            if (
                prev.dep_ == "prep"
                and prev.lower_ in ("under", "at", "by")
                and (V.lemma[t.i] in cues.suffer_verbs or V.lemma[t.i] in cues.harm_verbs)
            ):
                lo, hi = min(t.idx, prev.idx), max(t.idx + len(t), prev.idx + len(prev))
                cue = f"{t.text} {prev.text}" if t.idx <= prev.idx else f"{prev.text} ... {t.text}"
                out.append(("perpetrator", -0.7, lo, hi, cue))  # the latter: a byline "By"
            break
        if (
            t.pos_ == "NOUN"
            and prev.dep_ in ("compound", "poss", "pobj", "prep")
            and V.lemma[t.i] in cues.perpetrator_nouns
        ):
            up = t.head
            if (
                up.dep_ == "prep"
                and up.lower_ in ("under", "at")
                and V.lemma[up.head.i] in cues.suffer_verbs
            ):
                out.append(
                    (
                        "perpetrator",
                        -0.7,
                        up.head.idx,
                        t.idx + len(t),
                        f"{up.head.text} {up.text} ... {t.text}",
                    )
                )
                break
        if (
            t.pos_ == "NOUN"
            and V.lemma[t.i] in cues.harm_nouns
            and prev.dep_ in ("poss", "compound")
        ):
            out.append(("perpetrator", -0.6, t.idx, t.idx + len(t), t.text))
            break

    # 3a. op-ed idioms: "X is right", "X must be held accountable", "X must face justice",
    #     "we must stand with X", "stand up to X"
    out.extend(_verdict_rules(doc, V, role, pred, carrier, cues, s0))

    # 3b. victims and perpetrators of harm and its impacts, and helpers (roles in a story
    #     of harm: "communities affected by", "vulnerable X", "X face eviction", "bad for
    #     X", "destroyed their homes", "the impacts of X", "blame X", "X is responsible",
    #     "floods caused by X", "X helped")
    if not any(o[0] in ("victim", "perpetrator") for o in out) and V.has_story_word(
        sent.start, sent.end, cues
    ):
        out.extend(_story_roles(doc, root, role, pred, carrier, chain, lex, cues, s0, val, V))
    if role == "agent" and any(o[0] in ("victim", "perpetrator") for o in out):
        # "X face ruin", "X lost their homes", "X is responsible": the predicate's words
        # say what befalls the actor or what it is blamed for, not how it acts
        out = [o for o in out if o[0] != "action"]

    # 5. the threat: "defend their country against ISIS", "stand with Kyiv against Russian
    #    aggression", "... against Russia's invasion" (the owner of what is resisted)
    against = carrier
    if (
        root.dep_ in ("amod", "poss")
        and root.head.dep_ == "pobj"
        and (
            V.lemma[root.head.i] in cues.harm_nouns
            or V.lemma[root.head.i] in cues.impact_nouns
            or lex.value(root.head) <= -1.5
        )
    ):
        against = root.head  # the owner of a harm ("Russian aggression"), not of any
        # thing guarded against ("guarded against Christian prayer")
    if against.dep_ == "pobj" and against.head.lower_ == "against":
        vb = against.head.head
        if V.lemma[vb.i] in cues.protect_verbs and vb.pos_ in _PRED_POS:
            out.append(
                (
                    "threat",
                    -0.7,
                    vb.idx,
                    against.head.idx + len(against.head),
                    f"{vb.text} ... against",
                )
            )
    # ... and its mirror: the protector / the one stopped ("the only way to stop them")
    if (
        role == "patient"
        and pred is not None
        and V.lemma[pred.i] in cues.oppose_verbs
        and not V.negated(pred.i, s0)
    ):
        out.append(("opposed", -0.5, pred.idx, pred.idx + len(pred), pred.text))
    # "X cannot be allowed to ...", "X must not be permitted": the author wants X stopped
    if role == "patient" and pred is not None and V.lemma[pred.i] in cues.permit_verbs:
        neg = [c for c in pred.children if c.dep_ == "neg"]
        if neg:
            toks = sorted([*neg, pred], key=lambda t: t.i)
            s, e = toks[0].idx, pred.idx + len(pred)
            out.append(("opposed", -0.6, s, e, _text_of(doc, s, e)))
    return out


def _deontic(V: _DocView, p: int, cues: _Cues) -> bool:
    """Whether predicate ``p`` carries a modal of obligation ("must", "should", "ought"):
    the sentence says what ought to happen, the author's call."""
    return any(
        V.dep[k] in ("aux", "auxpass") and V.lower[k] in cues.deontic_modals for k in V.kids(p)
    )


def _authors_call(V: _DocView, p: int, cues: _Cues) -> bool:
    """Whether predicate ``p`` is the author's call: a modal of obligation or a
    first-person subject ("we must hold X accountable", "I stand with X")."""
    return _deontic(V, p, cues) or any(
        V.dep[k] == "nsubj" and V.lower[k] in ("we", "i") for k in V.kids(p)
    )


def _verdict_rules(
    doc: Doc,
    V: _DocView,
    role: str,
    pred: Token | None,
    carrier: Token,
    cues: _Cues,
    s0: int,
) -> list[tuple[str, float, int, int, str]]:
    """Evidence from op-ed idioms about the target (see :func:`_rule_evidence`, part 3a):

    - verdicts: "X is right", "X was right to veto" (label, + ; "not right" flipped; not
      "if X is right", not "politically correct");
    - accountability: "X must be held accountable / responsible" (perpetrator);
    - deserved consequences: "X must face justice / consequences" (perpetrator; without
      the modal, "X faces consequences", the story-of-harm rules read a plight);
    - solidarity: "we must stand with / by / behind X" (supported; only with a modal of
      obligation or a first-person subject: "Russia stands with Iran" is a fact, not the
      author's side) and "stand up to X" (opposed).
    """
    out: list[tuple[str, float, int, int, str]] = []
    if pred is not None:
        p = pred.i
        kids = V.kids(p)
        neg = V.negated(p, s0)
        if (
            role == "agent"
            and V.lemma[p] == "be"
            and not any(V.dep[k] == "mark" and V.lower[k] in cues.condition_marks for k in kids)
        ):
            for k in kids:
                v = cues.verdict_adjectives.get(V.lemma[k])
                if (
                    V.dep[k] == "acomp"
                    and v is not None
                    and not any(V.lower[j] in cues.verdict_not_with for j in V.kids(k))
                ):
                    s, e = V.idx[min(p, k)], V.end[max(p, k)]
                    out.append(
                        ("label", _NEGATION_SCALAR * v if neg else v, s, e, _text_of(doc, s, e))
                    )
        if (
            role == "patient"
            and V.lemma[p] == "hold"
            and not neg
            # "X must be held accountable", "we must hold X accountable"; not someone
            # else's verdict ("the government has held Cuba responsible")
            and (not any(V.dep[k] == "nsubj" for k in kids) or _authors_call(V, p, cues))
        ):
            for k in kids:
                if V.dep[k] in ("oprd", "acomp", "xcomp") and V.lemma[k] in cues.culprit_adjectives:
                    s, e = V.idx[p], V.end[k]
                    out.append(("perpetrator", -0.6, s, e, _text_of(doc, s, e)))
        if role == "agent" and V.lemma[p] in cues.face_verbs and not neg and _deontic(V, p, cues):
            for k in kids:
                if V.dep[k] in ("dobj", "obj") and V.lemma[k] in cues.due_nouns:
                    s, e = V.idx[p], V.end[k]
                    out.append(("perpetrator", -0.6, s, e, _text_of(doc, s, e)))
                    break
    if carrier.dep_ == "pobj":
        prep = carrier.head
        vb = prep.head
        if vb.pos_ in _PRED_POS and V.lemma[vb.i] in cues.solidarity_verbs:
            up = any(V.dep[k] == "prt" and V.lower[k] == "up" for k in V.kids(vb.i))
            neg = V.negated(vb.i, s0)
            s, e = V.idx[vb.i], V.end[prep.i]
            if up and V.lower[prep.i] == "to" and not neg:
                out.append(("opposed", -0.5, s, e, _text_of(doc, s, e)))
            elif (
                not up and V.lower[prep.i] in cues.solidarity_preps and _authors_call(V, vb.i, cues)
            ):
                out.append(
                    (
                        "supported",
                        _NEGATION_SCALAR * 0.6 if neg else 0.6,
                        s,
                        e,
                        _text_of(doc, s, e),
                    )
                )
    return out


def _verb_in(V: _DocView, p: int, words: frozenset[str]) -> bool:
    """Whether token ``p``'s lemma, or lemma + particle ("give up", "strike down"), is one
    of ``words``."""
    lm = V.lemma[p]
    if lm in words:
        return True
    return any(V.dep[c] == "prt" and f"{lm} {V.lower[c]}" in words for c in V.kids(p))


def _continued_aim(
    doc: Doc,
    pred: Token,
    lex: Lexicon,
    cues: _Cues,
    s0: int,
    blocked: frozenset[int],
    a: int,
    b: int,
    V: _DocView,
) -> tuple[str, float, int, int, str] | None:
    """Rule 2b: the target is the agent of a negated verb of giving up ("has never
    abandoned his aim of subjugating Ukraine", "did not give up the plan to annex"): what
    is not given up is still pursued, so the valence of its words (as they stand, not
    flipped by the negation of the verb; -0.6 at most when one is a harm word) is the
    actor's action. None when the predicate is no negated verb of giving up (the other
    action rules apply); a zero score when what is kept is neutral (the verb's own
    valence, flipped by the negation, says nothing about the actor). Only for an aim (what
    is kept holds a verb or a harm noun); "never abandoned the farmers" is the usual
    action rule."""
    p = pred.i
    if not (V.pos[p] in _PRED_POS and _verb_in(V, p, cues.cessation_verbs) and V.negated(p, s0)):
        return None
    content: list[Token] = []
    for k in V.kids(p):
        if V.dep[k] in ("dobj", "obj", "xcomp", "ccomp", "prep", "attr"):
            content.extend(t for t in doc[k].subtree if not (a <= t.i < b) and t.i not in blocked)
    if not any(V.pos[t.i] == "VERB" or V.lemma[t.i] in cues.harm_nouns for t in content):
        return None  # "never abandoned the farmers": a person or a thing, not an aim
    v = 0.0
    harm = False
    cue_toks = []
    for t in content:
        lm = V.lemma[t.i]
        x = 0.0 if lm in cues.rule_neutral else lex.value(t)
        is_harm = lm in cues.harm_verbs or lm in cues.harm_nouns
        if x or is_harm:
            v += x
            harm = harm or is_harm
            cue_toks.append(t)
    score = _clip(v / 3)
    if harm:
        score = min(score, -0.6)
    negs = [doc[c] for c in V.kids(p) if V.dep[c] == "neg"]
    toks = sorted([*negs, pred, *cue_toks], key=lambda t: t.i)
    s, e = toks[0].idx, toks[-1].idx + len(toks[-1])
    cue = " ... ".join(t.text for t in toks)
    return ("action", score, s, e, cue)


def _combatants(
    sent: Span,
    ranges: Sequence[tuple[Any, tuple[int, int]]],
    cues: _Cues,
    V: _DocView,
) -> dict[int, dict[str, tuple[int, bool]]]:
    """Mention id -> the actors it fights in this sentence (the mention's verb, and whether
    the other actor is that verb's object): it is the agent of a combat or
    harm verb (``combat_verbs``, ``harm_verbs``; not negated) whose object, or whose
    "at"/"against" phrase, is the other actor's mention, or the other actor is the agent of
    another such verb of the sentence ("they fired one shell for every five fired by the
    Russians"); both ways for the latter, one way (agent -> object) for the former. The
    object of such a verb is fought by its agents (no edge: being attacked says nothing
    of whom one opposes)."""
    verbs = cues.combat_verbs | cues.harm_verbs
    agents: dict[int, list[Any]] = {}  # verb -> mentions that are its agent
    objects: dict[int, list[Any]] = {}  # verb -> mentions that are its object
    for m, (a, b) in ranges:
        role, pred, carrier = V.role_and_predicate(V.span_root(a, b))
        if pred < 0 or V.lemma[pred] not in verbs or V.negated(pred, sent.start):
            continue
        if role == "agent":
            agents.setdefault(pred, []).append(m)
        elif role == "patient" or (
            role == "obl" and V.lower[V.head[carrier]] in ("at", "against", "on", "into")
        ):
            objects.setdefault(pred, []).append(m)
    out: dict[int, dict[str, tuple[int, bool]]] = {}
    for v, ms in agents.items():
        for m in ms:
            foes = {o.actor_id: (v, False) for v2, ms2 in agents.items() if v2 != v for o in ms2}
            foes.update((o.actor_id, (v, True)) for o in objects.get(v, ()))
            foes.pop(m.actor_id, None)
            if foes:
                out[m.mention_id] = foes
    for v, ms in objects.items():  # the attacked: its attackers (no edge)
        for m in ms:
            foes = {o.actor_id: (v, False) for o in agents.get(v, ()) if o.actor_id != m.actor_id}
            if foes:
                mine = out.setdefault(m.mention_id, {})
                for k, x in foes.items():  # what the mention fights as an agent comes first
                    mine.setdefault(k, x)
    return out


_STORY_WORDS: dict[int, tuple[_Cues, frozenset[str]]] = {}


def _story_words(cues: _Cues) -> frozenset[str]:
    """Every cue word a story-role rule (:func:`_story_roles`) can fire on (a lazy cache
    per cue set; the entry keeps its cue set alive so that its id is not reused)."""
    got = _STORY_WORDS.get(id(cues))
    if got is not None and got[0] is cues:
        return got[1]
    words = frozenset().union(
        cues.harm_verbs,
        cues.harm_nouns,
        cues.impact_nouns,
        cues.plight_nouns,
        cues.face_verbs,
        cues.victim_adjectives,
        cues.harmful_adjectives,
        cues.blame_verbs,
        cues.culprit_adjectives,
        cues.cause_verbs,
        cues.help_verbs,
    )
    if len(_STORY_WORDS) < 64:
        _STORY_WORDS[id(cues)] = (cues, words)
    return words


def _story_roles(
    doc: Doc,
    root: Token,
    role: str,
    pred: Token | None,
    carrier: Token,
    chain: Sequence[Token],
    lex: Lexicon,
    cues: _Cues,
    s0: int,
    val: Any,
    view: _DocView | None = None,
) -> list[tuple[str, float, int, int, str]]:
    """Victim / perpetrator / helper evidence from the target's place in a story of harm
    (see :func:`_rule_evidence`, part 3b). At most one victim or perpetrator row."""
    V = _view_of(doc, lex, view)
    lemma_of, lower_of = V.lemma, V.lower

    def ev(kind: str, score: float, toks: Sequence[Token]) -> tuple[str, float, int, int, str]:
        toks = sorted(toks, key=lambda t: t.i)
        s, e = toks[0].idx, toks[-1].idx + len(toks[-1])
        return (kind, score, s, e, _text_of(doc, s, e))

    def isin(t: Token, words: frozenset[str]) -> bool:
        return lower_of[t.i] in words or lemma_of[t.i] in words

    def harmful(t: Token) -> bool:
        return (
            isin(t, cues.impact_nouns)
            or isin(t, cues.plight_nouns)
            or isin(t, cues.harm_nouns)
            or val(t) <= -1.5
        )

    pl = lemma_of[pred.i] if pred is not None else ""
    pneg = pred is not None and V.negated(pred.i, s0)
    # victims ---------------------------------------------------------------
    for c in root.children:
        if c.dep_ == "amod" and lemma_of[c.i] in cues.victim_adjectives:
            return [ev("victim", 0.5, [c])]  # "vulnerable communities"
        if (
            c.dep_ in ("acl", "relcl", "amod")
            and c.tag_ == "VBN"
            and (lemma_of[c.i] in cues.harm_verbs or lemma_of[c.i] in cues.victim_adjectives)
        ):
            return [ev("victim", 0.6, [c])]  # "communities affected by the floods"
    if pred is not None and not pneg and role == "agent":
        comp = [c for c in pred.children if c.dep_ in ("acomp", "attr")]
        if any(lemma_of[c.i] in cues.victim_adjectives for c in comp):  # "X are vulnerable"
            return [ev("victim", 0.5, [pred, *comp])]
        if pl in cues.face_verbs:  # "X face eviction"
            objs = [c for c in pred.children if c.dep_ in ("dobj", "obj") and harmful(c)]
            if objs:
                return [ev("victim", 0.5, [pred, objs[0]])]
        # "X is responsible for the crisis", "X is guilty": blamed; "responsible for
        # addressing it" is a duty, not blame (the "for" object must be a harm)
        for c in comp:
            if lemma_of[c.i] not in cues.culprit_adjectives:
                continue
            objs = [
                g
                for p in c.children
                if p.dep_ == "prep" and p.lower_ == "for"
                for g in p.children
                if g.dep_ == "pobj"
            ]
            if (objs and any(harmful(g) for g in objs)) or (
                not objs and lemma_of[c.i] in ("guilty", "culpable", "complicit")
            ):
                return [ev("perpetrator", -0.6, [pred, c])]
    # "California's wildfires", "the drought in Kenya"
    for prev, t in itertools.pairwise(chain[:3]):
        if (
            t.pos_ == "NOUN"
            and isin(t, cues.plight_nouns)
            and (
                (prev.dep_ in ("poss", "compound") and prev.i == root.i)
                or (prev.dep_ == "prep" and prev.lower_ in ("in", "across", "on", "for"))
            )
        ):
            return [ev("victim", 0.5, [prev, t])]
        if prev.dep_ not in ("pobj", "compound", "poss"):
            break
    # "bad for X", "the impact on X", "a threat to X"; "their homes were destroyed"
    for prev, t in itertools.pairwise(chain):
        if prev.dep_ == "prep" and prev.lower_ in ("for", "to", "on", "upon", "against"):
            if t.pos_ == "ADJ" and (isin(t, cues.harmful_adjectives) or val(t) <= -1.5):
                return [ev("victim", 0.5, [t, prev])]
            if t.pos_ == "NOUN" and isin(t, cues.impact_nouns):
                return [ev("victim", 0.5, [t, prev])]
            adj = [  # "X is bad for Y" with the preposition on the copula
                c
                for c in t.children
                if c.dep_ == "acomp" and (isin(c, cues.harmful_adjectives) or val(c) <= -1.5)
            ]
            if t.pos_ in _PRED_POS and adj:
                return [ev("victim", 0.5, [adj[0], prev])]
        if prev.dep_ in ("prep", "pobj", "poss", "compound", "conj", "appos"):
            continue
        if (
            prev.dep_ in ("dobj", "obj", "nsubjpass")
            and prev.i != root.i
            and t.pos_ in _PRED_POS
            and lemma_of[t.i] in cues.harm_verbs
            and not V.negated(t.i, s0)
            and not _reflexive_owner(root, prev, t)
        ):
            return [ev("victim", 0.5, [t, prev])]  # "destroyed their homes"
        break
    # perpetrators ------------------------------------------------------------
    # "the impacts of X", "X's emissions", "X impacts", "the threat from X"
    for prev, t in itertools.pairwise(chain[:3]):
        if (
            t.pos_ == "NOUN"
            and isin(t, cues.impact_nouns)
            and prev.dep_ in ("poss", "compound")
            and prev.i == root.i
        ):
            return [ev("perpetrator", -0.6, [prev, t])]
        if (
            prev.dep_ == "prep"
            and prev.lower_ in ("of", "from", "by")
            and t.pos_ == "NOUN"
            and isin(t, cues.impact_nouns)
        ):
            return [ev("perpetrator", -0.6, [t, prev])]
        if prev.dep_ not in ("pobj", "compound", "poss"):
            break
    if pred is not None and not pneg:
        if role == "patient" and pl in cues.blame_verbs:  # "blame X", "X was accused of"
            return [ev("perpetrator", -0.6, [pred])]
        if role == "agent" and pl in cues.cause_verbs:  # "X caused floods", "... caused by X"
            objs = [c for c in pred.children if c.dep_ in ("dobj", "obj") and harmful(c)]
            if pred.dep_ in ("acl", "relcl") and harmful(pred.head):
                objs.append(pred.head)
            if objs:
                return [ev("perpetrator", -0.6, [pred, objs[0]])]
        if role == "agent" and pl in cues.help_verbs:  # "X helped the farmers"
            return [ev("helper", 0.5, [pred])]
    return []


def _reflexive_owner(root: Token, owned: Token, verb: Token) -> bool:
    """Whether the target is a possessive pronoun that points back to the harm verb's own
    subject ("Assad gassed his own people", "he shot his father"): the owner is the one
    doing the harm, not its victim. Only with an active verb whose subject is a name or a
    personal pronoun of the same number; a thing as subject ("the storm destroyed his
    home", "it would ruin his credit score") leaves the owner a victim."""
    if root.dep_ != "poss" or root.pos_ != "PRON":
        return False
    subj = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subj:
        return False
    s = subj[0]
    if root.lower_ in ("his", "her"):
        return s.tag_ == "NNP" or s.lower_ in ("he", "she")
    if root.lower_ == "their":
        return s.tag_ == "NNPS" or s.lower_ == "they"
    return False


def _syntactic_opposition(
    sent: Span,
    ranges: Sequence[tuple[Any, tuple[int, int]]],
    lex: Lexicon,
    cues: _Cues,
    holders: Mapping[int, str],
    view: _DocView | None = None,
) -> list[tuple[str, str, str, int, int, str]]:
    """(source actor, "opposes", target actor, start, end, cue) for an author-held mention
    that is the agent of an opposing or protecting verb whose object (or "against" phrase)
    holds another actor's mention."""
    verbs = cues.oppose_verbs | cues.protect_verbs
    doc = sent.doc
    V = _view_of(doc, lex, view)
    out = []
    roots: dict[str, list[tuple[int, int]]] = {m.actor_id: [] for m, _ in ranges}
    for m, (a, b) in ranges:
        roots[m.actor_id].append((a, b))
    for m, (a, b) in ranges:
        if holders.get(m.mention_id, "author") != "author":
            continue
        role, pred_i, carrier_i = V.role_and_predicate(V.span_root(a, b))
        pred = None
        if role == "obl":
            carrier = doc[carrier_i]
            if (
                carrier.head.lower_ == "by"
                and carrier.head.head.pos_ == "VERB"
                and not any(c.dep_ == "nsubj" for c in carrier.head.head.children)
            ):
                role, pred = "agent", carrier.head.head  # "attempts to disarm them by Iraq"
        if role != "agent":
            continue
        if pred is None:
            if pred_i < 0:
                continue
            pred = doc[pred_i]
        if V.lemma[pred.i] not in verbs or V.negated(pred.i, sent.start):
            continue
        objects: set[int] = set()
        heads = [c for c in pred.children if c.dep_ in ("dobj", "obj")]
        heads += [
            g
            for c in pred.children
            if c.dep_ == "prep" and c.lower_ == "against"
            for g in c.children
            if g.dep_ == "pobj"
        ]
        for h in heads:
            objects.update(
                x.i
                for x in h.subtree
                if x.i == h.i
                or (x.dep_ in ("conj", "appos", "poss", "compound") and x.head.i in objects | {h.i})
            )
        for m2, (a2, _b2) in ranges:
            if m2.actor_id != m.actor_id and a2 in objects:
                out.append(
                    (m.actor_id, "opposes", m2.actor_id, pred.idx, pred.idx + len(pred), pred.text)
                )
    return out


def _mention_tokens(
    sent: Span, start: int, end: int, view: _DocView | None = None
) -> tuple[int, int] | None:
    """Token range (doc indices) of characters [start, end) of the doc, inside ``sent``
    (``view``: the document's token columns, to find the tokens without a Span)."""
    got = view.char_tokens(start, end) if view is not None and view.doc is sent.doc else None
    if got is None:
        span = sent.doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        got = span.start, span.end
    a, b = max(got[0], sent.start), min(got[1], sent.end)
    return (a, b) if b > a else None


def _speaker_content(
    sent: Span, lex: Lexicon, view: _DocView | None = None
) -> list[tuple[Token, set[int]]]:
    """Reporting constructions of a sentence: (reporting verb, token indices of what is
    reported). "X said (that) ...", "X wrote ...", "X calls Y corrupt", quotes with a speaker."""
    out = []
    view = _view_of(sent.doc, lex, view)
    verbs = lex.reporting_verbs
    doc = sent.doc
    for i in range(sent.start, sent.end):
        if not view.is_pred[i] or view.lemma[i] not in verbs:
            continue
        t = doc[i]
        subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj:
            continue
        content: set[int] = set()
        for c in t.children:
            if c.dep_ in ("ccomp", "xcomp", "parataxis") or (
                _lemma(t) in ("call", "describe", "brand", "label", "accuse")
                and c.dep_ in ("dobj", "oprd", "prep")
            ):
                content.update(x.i for x in c.subtree)
        # "..., X said." with the content before the verb
        if not content and t.dep_ in ("parataxis", "ROOT"):
            for c in t.children:
                if c.dep_ == "ccomp":
                    content.update(x.i for x in c.subtree)
        if content:
            out.append((t, content))
    return out


def _collect_evidence(
    parsed: Any, actors: Any, claims: Any, cues: _Cues
) -> tuple[list[_Ev], list[tuple[str, str, str, int, int, str]]]:
    """Direct evidence (model and rules, all holders, endorsed copies) about every actor,
    and the actor-to-actor edges (relations, sponsors, syntactic opposition) that structural
    evidence is derived from once the first-pass stances are known."""
    lex = get_lexicon()
    model = load_target_model()
    w = cues.weights
    names = {x.actor_id: x.name for x in actors.actors}
    claim_of = {c.sentence_id: c for c in getattr(claims, "claims", ())}
    sentences = parsed.sentences

    # Bounded work on degenerate input (a name repeated thousands of times, long lists of
    # names): at most MAX_PER_SENTENCE mentions of one actor in one sentence and
    # MAX_PER_ACTOR in the document are read; later ones add no evidence. Real prose stays
    # far below both caps.
    by_sent: dict[int, list[Any]] = {}
    per_actor: dict[str, int] = {}
    per_sent_actor: dict[tuple[int, str], int] = {}
    for m in actors.mentions:
        if m.actor_id not in names:
            continue
        sid = parsed.sentence_id(m.start)
        if (
            per_actor.get(m.actor_id, 0) >= MAX_PER_ACTOR
            or per_sent_actor.get((sid, m.actor_id), 0) >= MAX_PER_SENTENCE
        ):
            continue
        per_actor[m.actor_id] = per_actor.get(m.actor_id, 0) + 1
        per_sent_actor[(sid, m.actor_id)] = per_sent_actor.get((sid, m.actor_id), 0) + 1
        by_sent.setdefault(sid, []).append(m)

    evidence: list[_Ev] = []
    syn_edges: list[tuple[str, str, str, int, int, str]] = []
    view = _DocView(parsed.doc, lex, parsed.text, parsed.tokens, parsed.words)
    # the mentions' token ranges per sentence, and the model on all of them in one call
    sent_ranges: list[tuple[int, list[tuple[Any, tuple[int, int]]]]] = []
    for sid in sorted(by_sent):
        sent = sentences[sid]
        ranges: list[tuple[Any, tuple[int, int]]] = []
        for m in by_sent[sid]:
            r = _mention_tokens(sent, m.start, m.end, view)
            if r is not None:
                ranges.append((m, r))
        if ranges:
            sent_ranges.append((sid, ranges))
    all_words: list[list[str]] = []
    all_preds = _predict_many(
        [(sentences[sid], [r for _, r in ranges]) for sid, ranges in sent_ranges],
        model,
        view,
        all_words,
    )
    for (sid, ranges), preds, pwords in zip(sent_ranges, all_preds, all_words):
        sent = sentences[sid]
        first_ev = len(evidence)  # this sentence's rows (sentence ids are visited once each)
        mention_tokens = {m.mention_id: set(range(r[0], r[1])) for m, r in ranges}
        all_tokens = set().union(*mention_tokens.values())

        # sentence weight: certainty of the claim (or hedge words), questions, the title
        claim = claim_of.get(sid)
        certainty = (
            claim.certainty
            if claim is not None
            else (
                "hedged"
                if any(view.lower[i] in cues.hedges for i in range(sent.start, sent.end))
                else "plain"
            )
        )
        sw = w.get(certainty, 1.0)
        stext = view.text[sent.start_char : sent.end_char]
        if (claim is not None and claim.is_question) or stext.rstrip().endswith("?"):
            sw *= w.get("question", 0.5)
        if parsed.in_title(sent.start_char):
            sw *= w.get("title", 1.0)

        # holders: reported content belongs to its speaker
        reports = _speaker_content(sent, lex, view)
        endorsed = claim is not None and claim.endorsement == "endorsed"

        speakers = []  # (token indices of the speaker phrase, reported content, claim speaker)
        for verb, content in reports:
            subj = next(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))
            speakers.append(({x.i for x in subj.subtree}, content, subj))
        speaker_tokens = set().union(*(sp[0] for sp in speakers)) if speakers else set()
        holders = {}
        for m, (a, _b) in ranges:
            holder = "author"
            for sub_tokens, content, subj in speakers:
                if a not in content:
                    continue
                holder = next(
                    (names[m2.actor_id] for m2, (a2, _) in ranges if a2 in sub_tokens),
                    str(claim.attributed_to)
                    if claim is not None and claim.attributed_to
                    else " ".join(x.text for x in subj.subtree).strip(),
                )
                break
            holders[m.mention_id] = holder

        # who acts against whom in this sentence ("attempts to disarm them by Iraq"), who
        # fights whom ("X fired at Y")
        syn_edges.extend(_syntactic_opposition(sent, ranges, lex, cues, holders, view))
        fights = _combatants(sent, ranges, cues, view)
        foes_of: dict[str, set[str]] = {}  # actor -> whom it fights in this sentence
        for m, _r in ranges:
            for foe, (v, direct) in fights.get(m.mention_id, {}).items():
                foes_of.setdefault(m.actor_id, set()).add(foe)
                if direct and holders[m.mention_id] == "author":  # "X attacked Y"
                    syn_edges.append(
                        (
                            m.actor_id,
                            "fights",
                            foe,
                            view.idx[v],
                            view.end[v],
                            view.text[view.idx[v] : view.end[v]],
                        )
                    )

        ruled: set[tuple[str, str, int, int, str]] = set()  # rule rows of this sentence
        for (m, (a, b)), p, cue in zip(ranges, preds, pwords):
            holder = holders[m.mention_id]
            blocked = frozenset(all_tokens - mention_tokens[m.mention_id])
            rules = _rule_evidence(sent, a, b, lex, cues, blocked, view)
            mw = sw * (w.get("pronoun", 1.0) if m.method == "pronoun" else 1.0)
            mfactors = ["model"]
            role = view.role_and_predicate(view.span_root(a, b))[0]
            if role not in ("agent", "attr", "root"):
                mfactors.append("model_not_agent")
            if any(r[0] in ("victim", "perpetrator", "threat") for r in rules):
                mfactors.append("model_when_rule")  # sentiment of events is not stance
            if a in speaker_tokens:
                mfactors.append("speaker_model")
            ms_, me_ = view.idx[a], view.end[b - 1]
            foes = tuple(sorted(foes_of.get(m.actor_id, ())))
            evidence.append(
                _Ev(
                    m.actor_id,
                    p.score * p.confidence,
                    ms_,
                    me_,
                    cue,
                    MODEL_NAME,
                    _weight_of(mw, mfactors, w),
                    holder,
                    sid,
                    mw,
                    tuple(mfactors),
                    foes,
                )
            )
            for kind, score, s, e, rcue in rules:
                if (m.actor_id, kind, s, e, holder) in ruled:
                    continue  # two mentions of one actor in one phrase ("the Ministry of
                    # Commerce (MOFCOM) promised"): the same words are one piece of evidence
                ruled.add((m.actor_id, kind, s, e, holder))
                evidence.append(
                    _Ev(
                        m.actor_id,
                        score,
                        s,
                        e,
                        rcue,
                        f"rule:{kind}",
                        _weight_of(mw, (kind,), w),
                        holder,
                        sid,
                        mw,
                        (kind,),
                        foes,
                    )
                )
        # endorsed reported content also counts for the author
        if endorsed:
            for ev in [x for x in evidence[first_ev:] if x.holder != "author"]:
                factors = (*ev.factors, "endorsed")
                evidence.append(
                    _Ev(
                        ev.actor_id,
                        ev.score,
                        ev.start,
                        ev.end,
                        ev.cue,
                        ev.method + "+endorsed",
                        _weight_of(ev.base, factors, w),
                        "author",
                        sid,
                        ev.base,
                        factors,
                        ev.opponents,
                    )
                )

    by_name = {x.name: x.actor_id for x in actors.actors}
    edges: list[tuple[str, str, str, int, int, str]] = []
    for r in actors.relations:
        src = r.source_id or by_name.get(r.source, "")
        tgt = r.target_id or by_name.get(r.target, "")
        if src in names and tgt in names and src != tgt:
            edges.append((src, r.kind, tgt, r.start, r.end, r.cue or r.kind))
    for x in actors.actors:
        known = any(e[0] == x.sponsor and e[1] == "sponsor" and e[2] == x.actor_id for e in edges)
        if x.sponsor and x.sponsor in names and x.sponsor != x.actor_id and not known:
            edges.append((x.sponsor, "sponsor", x.actor_id, -1, -1, "sponsor"))
    edges.extend(e for e in syn_edges if e[0] in names and e[2] in names and e[0] != e[2])
    return evidence, edges


def _aggregate(
    evs: Iterable[_Ev], th: Mapping[str, float]
) -> dict[str, tuple[float, float, float]]:
    """Author's score, confidence and evidence weight per actor from author-held evidence.

    ``score = sum(w*s) / (dilution*sum(w) + (1 - dilution)*sum(w*|s|) + prior)``: with
    ``dilution`` 1 it is a weighted mean shrunk by ``prior`` (neutral mentions pull toward 0,
    so an actor mentioned often in neutral sentences is washed out); with ``dilution`` 0 it is
    the balance of the polar evidence (favor minus against over their sum), shrunk by
    ``prior``. Each sentence's evidence about an actor is capped at ``sentence_cap`` total
    weight, so one long sentence does not outvote the rest. All values from ``thresholds``
    in ``stance_cues.json`` (tuned on the tune halves of PerSenT and narrative_frames, see
    scripts/evaluate_stance.py).
    """
    prior = th.get("prior_weight", 1.0)
    dil = th.get("dilution", 1.0)
    cap = th.get("sentence_cap", 0.0)
    groups: dict[tuple[str, int], list[_Ev]] = {}
    for ev in evs:
        if ev.holder != "author" or ev.weight <= 0:
            continue
        groups.setdefault((ev.actor_id, ev.sentence_id), []).append(ev)
    acc: dict[str, list[float]] = {}
    for (aid, _sid), group in groups.items():
        total = sum(ev.weight for ev in group)
        scale = cap / total if cap > 0 and total > cap else 1.0
        s = acc.setdefault(aid, [0.0, 0.0, 0.0])
        for ev in group:
            wgt = ev.weight * scale
            s[0] += wgt * ev.score
            s[1] += wgt
            s[2] += wgt * abs(ev.score)
    out = {}
    for aid, (ws, wt, wa) in acc.items():
        denom = dil * wt + (1.0 - dil) * wa + prior
        score = ws / denom if denom > 0 else 0.0
        agreement = abs(ws) / wa if wa > 0 else 1.0
        conf = (wt / (wt + prior)) * (0.5 + 0.5 * agreement) if wt + prior > 0 else 0.0
        out[aid] = (_clip(score), conf, wt)
    return out


def _structural(
    edges: Sequence[tuple[str, str, str, int, int, str]],
    first: Mapping[str, tuple[float, float, float]],
    names: Mapping[str, str],
    cues: _Cues,
    sentence_of: Any,
) -> list[_Ev]:
    """Structural evidence from actor-to-actor edges, given the first-pass stances."""
    w, th = cues.weights, cues.thresholds
    smin = th.get("structural_min", 0.15)
    out: list[_Ev] = []
    seen: set[tuple[str, str, str]] = set()
    for src, kind, tgt, s, e, cue in edges:
        s_score = first.get(src, (0.0, 0.0, 0.0))[0]
        t_score = first.get(tgt, (0.0, 0.0, 0.0))[0]
        sid = sentence_of(s) if s >= 0 else -1
        new: list[tuple[str, float, str, str]] = []
        if kind == "sponsor":
            if abs(s_score) >= smin and s_score < 0:
                new.append((tgt, s_score, "sponsored_by", names[src]))
            if abs(t_score) >= smin and t_score < 0:
                new.append((src, t_score, "sponsor_of", names[tgt]))
        elif kind == "ally":
            if abs(t_score) >= smin:
                new.append((src, t_score, "ally", names[tgt]))
            if abs(s_score) >= smin:
                new.append((tgt, s_score, "ally", names[src]))
        elif kind in ("opposes", "fights"):
            if abs(t_score) >= smin:
                new.append((src, -t_score, kind, names[tgt]))
        elif kind == "member_of" and abs(t_score) >= smin:
            new.append((src, t_score, "member_of", names[tgt]))
        for aid, score, k, other in new:
            key = (aid, k, other)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                _Ev(
                    aid,
                    _clip(score),
                    max(s, 0),
                    max(e, 0),
                    f"{cue} ({other})",
                    f"structural:{k}",
                    w.get(k, 0.5),
                    "author",
                    sid,
                    1.0,
                    (k,),
                )
            )
    return out


def _fighting_the_opposed(
    evidence: Sequence[_Ev], cues: _Cues, country: Mapping[str, str] | None = None
) -> list[_Ev]:
    """The evidence with every against-row (score < 0, not an evaluative label) of an actor
    that, in that sentence, fights an opposed actor weighted by ``fights_opposed``: Ukraine's
    forces firing at the Russians in a text against Russia is no evidence against Ukraine's
    forces; likewise the victim rows of an opposed actor that is fought there ("Kurdish
    fighters attacked ISIS positions" does not make ISIS a victim to side with). The other
    actor is opposed when the author's stance toward it without that sentence (so that two
    sides of one fight do not excuse each other on the strength of the fight itself), or
    toward its country over the whole text (``country``: actor id -> the actor id of its
    state), is at most -``structural_min``. Nothing changes when ``fights_opposed`` is 1."""
    th = cues.thresholds
    smin = th.get("structural_min", 0.15)
    if cues.weights.get("fights_opposed", 1.0) == 1.0 or not any(ev.opponents for ev in evidence):
        return list(evidence)
    whole = _aggregate(evidence, th)
    country = country or {}
    cache: dict[tuple[str, int], bool] = {}
    by_actor: dict[str, list[_Ev]] = {}
    for ev in evidence:
        by_actor.setdefault(ev.actor_id, []).append(ev)

    def opposed(aid: str, sid: int) -> bool:
        key = (aid, sid)
        got = cache.get(key)
        if got is None:
            without = [ev for ev in by_actor.get(aid, ()) if ev.sentence_id != sid]
            score = _aggregate(without, th).get(aid, (0.0,))[0]
            state = country.get(aid)
            got = score <= -smin or (
                state is not None and state != aid and whole.get(state, (0.0,))[0] <= -smin
            )
            cache[key] = got
        return got

    out = []
    for ev in evidence:
        if ev.opponents and (
            (  # an actor fighting the opposed: its against-rows there
                ev.score < 0
                and ev.method != "rule:label"
                and any(opposed(o, ev.sentence_id) for o in ev.opponents)
            )
            or (  # an opposed actor fought by another: no sympathy as a victim there
                ev.score > 0
                and ev.method.startswith("rule:victim")
                and opposed(ev.actor_id, ev.sentence_id)
            )
        ):
            factors = (*ev.factors, "fights_opposed")
            ev = replace(ev, weight=_weight_of(ev.base, factors, cues.weights), factors=factors)
        out.append(ev)
    return out


def _actor_countries(actors: Any) -> dict[str, str]:
    """Actor id -> the actor id of its country, when that country is an actor of the layer
    (the ``country`` argument of :func:`_resolve`)."""
    ids = {x.actor_id for x in actors.actors}
    return {x.actor_id: x.country for x in actors.actors if x.country in ids}


def _resolve(
    evidence: Sequence[_Ev],
    edges: Sequence[tuple[str, str, str, int, int, str]],
    names: Mapping[str, str],
    cues: _Cues,
    sentence_of: Any,
    country: Mapping[str, str] | None = None,
) -> tuple[list[_Ev], dict[str, tuple[float, float, float]]]:
    """All evidence (direct + structural) and the final per-actor aggregate. Against-evidence
    of an actor from a sentence where it fights an actor the author opposes (first pass)
    weighs ``fights_opposed`` (:func:`_fighting_the_opposed`)."""
    evidence = _fighting_the_opposed(evidence, cues, country)
    first = _aggregate(evidence, cues.thresholds)
    full = [*evidence, *_structural(edges, first, names, cues, sentence_of)]
    return full, _aggregate(full, cues.thresholds)


def _roles(parsed: Any, actors: Any, config: Any) -> dict[str, Any]:
    """The narrative roles of the actors (:mod:`stancekit.roles`) when the option
    ``stance.narrative_roles`` is True (off by default: the shipped role model, trained on
    climate news with structural cues only, moves narrative_frames held-out accuracy from
    0.327 to 0.351 and PerSenT held-out macro-F1 from 0.413 to 0.415, but costs about 0.06 x
    the parse time, a fifth of the whole stage budget; see the README and the model card)."""
    if config is None or not config.option("stance.narrative_roles", False):
        return {}
    from .roles import narrative_roles

    return narrative_roles(parsed, actors, config)


def _role_fill(label: str, rs: Any, config: Any, span: tuple[int, int]) -> tuple[_Ev, float] | None:
    """Where the rules and the sentence model find no stance (``label`` neutral), the
    stance of the actor's narrative role (hero or victim: favor, villain: against) when the
    role model gives the three roles at least ``stance.role_threshold`` of its probability
    (default: the role model card's threshold): an evidence row ``model:narrative_roles``
    whose score is the chosen role's share of that mass (so it passes the label
    thresholds), and the confidence mass x share; its offsets are those of the strongest
    role cue, else ``span`` (the actor's first mention). None: keep the neutral label.

    Only neutral labels are filled: the role model is trained on climate news and does not
    overrule what the rules read in the text (an actor blamed for harm is not a victim)."""
    if label != "neutral" or rs is None:
        return None
    from .roles import ROLE_STANCE, load_role_model, role_stance

    directory = config.option("roles.model_dir", None) if config is not None else None
    model = load_role_model(str(directory) if directory else None)  # the one that scored rs
    th = config.option("stance.role_threshold", None) if config is not None else None
    hit = role_stance(
        rs, threshold=model.threshold if th is None else th, min_share=model.min_share
    )
    if hit is None:
        return None
    stance, share = hit
    mass = 1.0 - rs.probs.get("none", 0.0)
    role = max(
        (r for r in ("hero", "villain", "victim") if ROLE_STANCE[r] == stance),
        key=lambda r: (rs.probs.get(r, 0.0), r),
    )
    score = share if stance == "favor" else -share
    cues = [c for _s, _e, c, _w in rs.evidence] if rs.role == role else []
    start, end = (rs.evidence[0][0], rs.evidence[0][1]) if cues else span
    cue = f"{role} P={rs.probs.get(role, 0.0):.2f} (roles {mass:.2f})"
    if cues:
        cue += ": " + "; ".join(cues)
    ev = _Ev(rs.actor_id, score, start, end, cue, "model:narrative_roles", round(mass, 4))
    return ev, mass * share


def assess_stance(parsed: Any, actors: Any, claims: Any, config: Any = None) -> Any:
    """The author's stance toward each actor, with one evidence row per piece of evidence.

    Evidence: the target-stance model on every mention's sentence (``target_stance``; its
    ``cue`` names the sentence words behind the prediction); rules over the parse
    (``rule:label`` evaluative labels and modifiers, ``rule:action`` what the actor is said
    to do, ``rule:victim`` / ``rule:perpetrator`` / ``rule:helper`` the actor's place in a
    story of harm: who suffers ("affected by", "vulnerable X", "harm to X", "X face
    eviction"), who causes or is blamed ("the impacts of X", "blame X", "caused by X"), who
    helps; ``rule:threat`` / ``rule:opposed`` what is defended against or must be stopped,
    "X cannot be allowed to", "stand up to X"; op-ed idioms: "X is right" (``rule:label``),
    "X must be held accountable", "X must face justice" (``rule:perpetrator``), "we must
    stand with X" (``rule:supported``, only as the author's call: a modal of obligation or
    a first-person subject); ``rule:action`` also reads "X never abandoned its aim of Y"
    as X still pursuing Y); and structure (``structural:sponsored_by``, ``sponsor_of``,
    ``ally``, ``opposes``, ``member_of``) from the actor layer's relations, and
    ``structural:fights`` ("X attacked Y": X fights Y, passing the stance on like
    ``opposes``), given the first-pass stances. Against-evidence of an actor from a
    sentence where it fights an actor the author opposes weighs ``fights_opposed`` (0 by
    default: firing at the enemy is no fault), and so do victim rows of an opposed actor
    that is attacked there. Every rule row's ``cue`` is the text it read.

    What a reported speaker says is that speaker's stance (``holder`` = the speaker's
    name); it counts toward the author's stance only when the claims layer marks it
    endorsed. Hedged sentences weigh less, certain ones more.

    The author's ``stance_score`` aggregates the author-held evidence (see
    :func:`_aggregate`: polar-evidence balance with a small prior and a per-sentence weight
    cap); the label uses the thresholds of ``stance_cues.json``
    (``AnalysisConfig(options={"stance.thresholds": ...})``); ``confidence`` grows with the
    evidence weight and with its agreement.
    """
    from .types import StanceEvidence, StanceLayer

    if not actors.actors:
        return StanceLayer(actors=tuple(actors.actors))
    cues = _cues(config)
    th = cues.thresholds
    names = {x.actor_id: x.name for x in actors.actors}
    direct, edges = _collect_evidence(parsed, actors, claims, cues)
    evidence, final = _resolve(
        direct, edges, names, cues, parsed.sentence_id, _actor_countries(actors)
    )
    roles = _roles(parsed, actors, config)
    first: dict[str, tuple[int, int]] = {}
    for m in actors.mentions:
        first.setdefault(m.actor_id, (m.start, m.end))
    new_actors = []
    for x in actors.actors:
        score, conf, _ = final.get(x.actor_id, (0.0, 0.0, 0.0))
        label = _label_for(score, th)
        filled = _role_fill(label, roles.get(x.actor_id), config, first.get(x.actor_id, (0, 0)))
        if filled is not None:
            ev, conf = filled
            label, score = _label_for(ev.score, th), ev.score
            evidence.append(ev)
        new_actors.append(
            replace(x, stance=label, stance_score=round(score, 4), confidence=round(conf, 4))
        )
    rows = []
    for ev in sorted(evidence, key=lambda v: (v.start, v.end, v.actor_id, v.method)):
        rows.append(
            StanceEvidence(
                actor_id=ev.actor_id,
                holder=ev.holder,
                label=_label_for(ev.score, th),
                score=round(_clip(ev.score), 4),
                start=ev.start,
                end=ev.end,
                cue=ev.cue,
                method=ev.method,
                weight=round(ev.weight, 4),
                sentence_id=ev.sentence_id if ev.sentence_id >= 0 else parsed.sentence_id(ev.start),
                in_title=parsed.in_title(ev.start),
            )
        )
    return StanceLayer(actors=tuple(new_actors), evidence=tuple(rows))
