"""Stance toward actors, with evidence.

Two levels:

* :func:`target_stance`: the stance a sentence takes toward given target spans
  (against / neutral / favor, a score in [-1, 1], a confidence and the features
  that decided it). A linear model trained on NewsMTSC (``models/target_stance``,
  rebuilt by ``scripts/train_stance.py``) over features that know where the
  target is: its syntactic role (agent, patient, ...), the governing predicate
  with its polarity and negation, the target's modifiers and appositions,
  lexicon scores in windows around it, the dependency/lemma path from the target
  to each sentiment word, and n-grams of the sentence with the target masked.
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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ResourceError, StancekitValueError
from .resources import read_json
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


def _read_vader() -> dict[str, float]:
    from importlib import resources as ir

    try:
        text = ir.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - dependency
        raise ResourceError(
            "the VADER lexicon (vader_lexicon.txt of the vaderSentiment package) is missing; "
            "install it with `pip install vaderSentiment`"
        ) from exc
    out: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                out[parts[0].strip().lower()] = float(parts[1])
            except ValueError:
                continue
    return out


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """VADER's lexicon overridden by ``stance_lexicon.json`` and the cue lists (cached)."""
    with _LOCK:
        valence = _read_vader()
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


def _span_root(doc: Doc, a: int, b: int) -> Token:
    """The token of doc[a:b] whose head lies outside it (the span's syntactic root)."""
    for i in range(a, b):
        h = doc[i].head.i
        if h < a or h >= b or h == i:
            return doc[i]
    return doc[a]


def _role_and_predicate(root: Token) -> tuple[str, Token | None, Token]:
    """(role, governing predicate, the token that carries the role) of a target root."""
    tok = root
    for _ in range(3):
        if tok.dep_ in _CLIMB_DEPS and tok.head.i != tok.i:
            tok = tok.head
        else:
            break
    dep = tok.dep_
    if dep in _AGENT_DEPS:
        role = "agent"
    elif dep in _PATIENT_DEPS:
        role = "patient"
    elif dep == "pobj":
        prep = tok.head
        if prep.lower_ == "by" and prep.dep_ == "agent":
            role = "agent"
        else:
            role = "obl"
    elif dep == "agent":
        role = "agent"
    elif dep == "poss":
        role = "poss"
    elif dep == "ROOT":
        role = "root"
    elif dep == "attr":
        role = "attr"
    else:
        role = "other"
    pred = None
    cur = tok
    for _ in range(4):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.pos_ in _PRED_POS:
            pred = cur
            break
    if pred is None and tok.dep_ == "ROOT" and tok.pos_ in _PRED_POS:
        pred = tok
    return role, pred, tok


def _negated(tok: Token, lex: Lexicon, sent_start: int) -> bool:
    """A token is negated when it or a head up to its clause's verb has a ``neg`` child,
    or a negation word stands among the three words before it."""
    cur = tok
    for _ in range(3):
        if any(c.dep_ == "neg" for c in cur.children):
            return True
        if cur.pos_ in _PRED_POS or cur.head.i == cur.i:
            break
        cur = cur.head
    doc = tok.doc
    return any(doc[j].lower_ in lex.negations for j in range(max(sent_start, tok.i - 3), tok.i))


def _ancestors(tok: Token, limit: int = 12) -> list[Token]:
    out = [tok]
    cur = tok
    for _ in range(limit):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        out.append(cur)
    return out


_MAX_CONTEXT = 60  # tokens each side of a target in very long sentences
MAX_PER_SENTENCE = 8  # mentions of one actor read in one sentence
MAX_PER_ACTOR = 150  # mentions of one actor read in one document


def _tree_distances(root: Token, s0: int, s1: int) -> dict[int, int]:
    """Undirected dependency-tree distance from ``root`` to every token of the sentence."""
    dist = {root.i: 0}
    frontier = [root]
    d = 0
    while frontier:
        d += 1
        nxt = []
        for t in frontier:
            nbrs = list(t.children)
            if t.head.i != t.i:
                nbrs.append(t.head)
            for n in nbrs:
                if n.i not in dist and s0 <= n.i < s1:
                    dist[n.i] = d
                    nxt.append(n)
        frontier = nxt
    return dist


def target_features(
    sent: Span,
    a: int,
    b: int,
    lex: Lexicon | None = None,
    learned: Mapping[str, tuple[float, float]] | None = None,
) -> tuple[str, dict[str, float]]:
    """Features of the target ``doc[a:b]`` (token indices of the doc) inside sentence ``sent``.

    ``learned`` is the model's corpus-learned lexicon (lemma -> (favor lean, against
    lean)); its scores enter the same target-aware windows as the fixed lexicon.
    Returns the sentence text with the target replaced by :data:`TARGET_TOKEN`
    (for n-gram features) and a dict of named feature values.
    """
    lex = lex or get_lexicon()
    doc = sent.doc
    if len(sent) > 2 * _MAX_CONTEXT:
        # a run-on "sentence" (a list of thousands of names, a table): look at a window
        # around the target, so the cost per target stays bounded (normal sentences
        # are untouched, so the model sees the features it was trained on)
        lo = max(sent.start, a - _MAX_CONTEXT)
        sent = doc[lo : min(sent.end, max(b, a + 1) + _MAX_CONTEXT)]
    s0, s1 = sent.start, sent.end
    a, b = max(a, s0), min(max(b, a + 1), s1)
    root = _span_root(doc, a, b)
    f: dict[str, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        f[name] = f.get(name, 0.0) + value

    # valence of every token of the sentence (negation-aware), computed once
    vals: dict[int, float] = {}
    for t in sent:
        v = lex.value(t)
        if v:
            if _negated(t, lex, s0):
                v *= -0.74
            vals[t.i] = v

    # role and predicate
    role, pred, carrier = _role_and_predicate(root)
    add(f"role={role}")
    add(f"dep={root.dep_}")
    if carrier.dep_ == "pobj":
        add(f"prep={carrier.head.lower_}")
    if root.pos_ == "PRON":
        add("tgt_pron")
    if root.ent_type_:
        add(f"ent={root.ent_type_}")
    if pred is not None:
        lemma = pred.lemma_.lower()
        add(f"pred={lemma}")
        add(f"{role}:pred={lemma}")
        pv = vals.get(pred.i, 0.0)
        pneg = _negated(pred, lex, s0)
        add(f"{role}:pred_val", pv / 4)
        add("pred_val", pv / 4)
        if pneg:
            add(f"{role}:pred_neg")
        if lemma in lex.reporting_verbs and role == "agent":
            add("speaker")
        # the rest of the predicate's clause: objects, complements and what modifies them
        for c in pred.children:
            if c.i == carrier.i or c.dep_ in ("punct", "cc", "aux", "neg", "conj"):
                continue
            cv = sum(vals.get(t.i, 0.0) for t in c.subtree if not (a <= t.i < b))
            if cv:
                add(f"{role}:arg_{c.dep_}_val", cv / 4)
                add(f"{role}:arg_val", cv / 4)
            if c.dep_ in ("dobj", "attr", "acomp", "xcomp", "ccomp") and role == "agent":
                add(f"agent:{c.dep_}={c.lemma_.lower()}")
        if pred.head.i != pred.i and pred.dep_ in ("xcomp", "ccomp", "advcl", "conj"):
            add(f"pred_up={pred.head.lemma_.lower()}")
    else:
        add(f"{role}:nopred")

    # the target itself and its modifiers (appositions, relative clauses, adjectives)
    inside = sum(vals.get(i, 0.0) for i in range(a, b))
    if inside:
        add("in_val", inside / 4)
    for c in root.children:
        if c.dep_ in _MOD_DEPS and not (a <= c.i < b):
            mv = sum(vals.get(t.i, 0.0) for t in c.subtree)
            if mv:
                add(f"mod_{c.dep_}_val", mv / 4)
                add("mod_val", mv / 4)
    if root.dep_ in ("appos", "conj", "compound", "poss") and not (a <= root.head.i < b):
        hv = vals.get(root.head.i, 0.0)
        if hv:
            add(f"head_{root.dep_}_val", hv / 4)

    # lexicon windows around the target (the target excluded)
    for w in (3, 6):
        for side, rng in (("L", range(max(s0, a - w), a)), ("R", range(b, min(s1, b + w)))):
            pos = sum(vals[i] for i in rng if vals.get(i, 0.0) > 0)
            neg = sum(vals[i] for i in rng if vals.get(i, 0.0) < 0)
            if pos:
                add(f"w{w}{side}_pos", pos / 4)
            if neg:
                add(f"w{w}{side}_neg", neg / 4)
    spos = sum(v for i, v in vals.items() if v > 0 and not (a <= i < b))
    sneg = sum(v for i, v in vals.items() if v < 0 and not (a <= i < b))
    add("sent_pos", spos / 4)
    add("sent_neg", sneg / 4)
    add("sent_len", min(len(sent), 60) / 60)

    # dependency path and lemma path from the target to each sentiment word
    anc = _ancestors(root)
    anc_pos = {t.i: k for k, t in enumerate(anc)}
    tree_val = 0.0
    for i, v in vals.items():
        if a <= i < b:
            continue
        wt = doc[i]
        up_w = _ancestors(wt)
        lca_k = None
        down: list[Token] = []
        for t in up_w:
            if t.i in anc_pos:
                lca_k = anc_pos[t.i]
                break
            down.append(t)
        if lca_k is None:
            continue
        length = lca_k + len(down)
        sign = "pos" if v > 0 else "neg"
        tree_val += v / (1 + length)
        add(f"pl{min(length, 5)}_{sign}", abs(v) / 4)
        if length <= 3:
            up_deps = ">".join(t.dep_ for t in anc[:lca_k])
            down_deps = "<".join(t.dep_ for t in reversed(down))
            add(f"path:{up_deps}|{down_deps}:{sign}")
            lca = anc[lca_k]
            lemmas = [lca.lemma_.lower()] if lca.i != wt.i else []
            add(f"lp:{'>'.join([*lemmas, wt.lemma_.lower()])}")
            add(f"{role}:near_{sign}", abs(v) / 4)
    if tree_val:
        add("tree_val", tree_val / 4)

    # content words near the target in the tree (distance <= 2), and in its clause
    dist = _tree_distances(root, s0, s1)
    for i, d in dist.items():
        if 1 <= d <= 2 and not (a <= i < b) and doc[i].pos_ in _CONTENT_POS:
            add(f"near:{doc[i].lemma_.lower()}", 1.0 / d)
    seen = {i for i, d in dist.items() if d <= 2}
    if pred is not None:
        # the predicate's subtree, within the window (spaCy's English trees are projective)
        for t in doc[max(pred.left_edge.i, s0) : min(pred.right_edge.i + 1, s1)]:
            if (a <= t.i < b) or t.i in seen or t.pos_ not in _CONTENT_POS:
                continue
            cur = t
            for _ in range(_MAX_CONTEXT):
                if cur.pos_ in _PRED_POS or cur.head.i == cur.i:
                    break
                cur = cur.head
            if cur.i == pred.i:
                add(f"clause:{t.lemma_.lower()}", 0.5)

    # the corpus-learned lexicon, weighted by tree distance and by window
    if learned:
        lp = ln = 0.0
        wp = wn = 0.0
        for t in sent:
            if a <= t.i < b or t.is_punct:
                continue
            sc = learned.get(t.lemma_.lower())
            if sc is None:
                continue
            fav, ag = sc
            if _negated(t, lex, s0):
                fav, ag = ag, fav
            d = dist.get(t.i, 8)
            lp += fav / d
            ln += ag / d
            if a - 4 <= t.i < b + 4:
                wp += fav
                wn += ag
            if pred is not None and t.i == pred.i:
                add(f"{role}:pred_lfav", fav)
                add(f"{role}:pred_lag", ag)
        add("lex_fav_tree", lp)
        add("lex_ag_tree", ln)
        add("lex_fav_w4", wp)
        add("lex_ag_w4", wn)
        add(f"{role}:lex_fav_tree", lp)
        add(f"{role}:lex_ag_tree", ln)

    # quotes: inside a quotation, or the speaker of one
    n_quotes = sum(1 for t in doc[s0:a] if t.text in _QUOTES or t.text == "'")
    if n_quotes % 2 == 1:
        add("in_quote")
    if any(t.text in _QUOTES for t in sent):
        add("sent_has_quote")

    # the words right next to the target
    for j in range(max(s0, a - 2), a):
        if not doc[j].is_punct:
            add(f"L:{doc[j].lemma_.lower()}")
    for j in range(b, min(s1, b + 2)):
        if not doc[j].is_punct:
            add(f"R:{doc[j].lemma_.lower()}")

    # masked sentence
    base = sent.start_char
    text = sent.text
    ts, te = doc[a].idx - base, doc[b - 1].idx + len(doc[b - 1]) - base
    masked = f"{text[:ts]} {TARGET_TOKEN} {text[te:]}"
    return masked, f


# --------------------------------------------------------------------------- model
_WORD = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class TargetStanceModel:
    """The stored target-stance model: n-gram vocabulary (TF-IDF), named features, a
    corpus-learned lexicon and the weights of a multinomial logistic regression.

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
        text, feats = item
        words = _WORD.findall(text.lower())
        lo, hi = self.ngram_range
        counts: dict[int, int] = {}
        for n in range(lo, hi + 1):
            for i in range(len(words) - n + 1):
                j = self.vocab.get(" ".join(words[i : i + n]))
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
        idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        w = (1.0 + np.log(tf)) * self.idf[idx] if len(idx) else tf
        norm = math.sqrt(float(w @ w)) if len(w) else 0.0
        if norm:
            w = w / norm
        off = len(self.vocab)
        scale = self.feat_scale
        f_idx, f_val = [], []
        for name, v in feats.items():
            j = self.features.get(name)
            if j is not None and v:
                f_idx.append(off + j)
                f_val.append(v * scale)
        return (
            np.concatenate([idx, np.asarray(f_idx, dtype=np.int64)]),
            np.concatenate([w, np.asarray(f_val, dtype=np.float64)]),
        )

    def proba(self, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        """Class probabilities (in the order of ``classes``) of one vectorised item."""
        z = self.coef[:, idx] @ val + self.intercept + self.bias
        z = z - z.max()
        e = np.exp(z)
        return np.asarray(e / e.sum())

    def explain(self, idx: np.ndarray, val: np.ndarray, k: int, top: int = 3) -> list[str]:
        """The features that pushed one item most toward class ``k``, with their contribution."""
        contrib = val * self.coef_centered[k, idx]
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
    sent: Span, ranges: Sequence[tuple[int, int]], model: TargetStanceModel | None = None
) -> list[TargetStance]:
    """Target stance for token ranges (doc indices) of a parsed sentence."""
    if not ranges:
        return []
    model = model or load_target_model()
    lex = get_lexicon()
    items = [target_features(sent, a, b, lex, model.learned) for a, b in ranges]
    idx = {c: i for i, c in enumerate(model.classes)}
    out = []
    for (a, b), item in zip(ranges, items):
        cols, vals = model.vectorize(item)
        p = model.proba(cols, vals)
        k = int(p.argmax())
        score = float(p[idx["favor"]] - p[idx["against"]])
        evidence = tuple(model.explain(cols, vals, k))
        doc = sent.doc
        out.append(
            TargetStance(
                label=model.classes[k],
                score=round(max(-1.0, min(1.0, score)), 4),
                confidence=round(float(p[k]), 4),
                evidence=evidence,
                start=doc[a].idx - sent.start_char,
                end=doc[b - 1].idx + len(doc[b - 1]) - sent.start_char,
                method=MODEL_NAME,
            )
        )
    return out


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
    for key, ks in by_sent.items():
        s = sents[key]
        preds = _predict_tokens(s, [ranges[k] for k in ks], model)
        shift = s.start_char - sent.start_char
        for k, p in zip(ks, preds):
            results[k] = _replace_offsets(p, p.start + shift, p.end + shift)
    out = [results[k] for k in range(len(ranges))]
    return out


def _replace_offsets(ts: TargetStance, start: int, end: int) -> TargetStance:
    from dataclasses import replace

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
    from dataclasses import replace

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


def _label_for(score: float, th: Mapping[str, float]) -> str:
    if score <= th.get("against", -0.15):
        return "against"
    if score >= th.get("favor", 0.15):
        return "favor"
    return "neutral"


def _lemma(t: Token) -> str:
    return t.lemma_.lower()


def _rule_evidence(
    sent: Span, a: int, b: int, lex: Lexicon, cues: _Cues, blocked: frozenset[int]
) -> list[tuple[str, float, int, int, str]]:
    """Rule evidence about the target ``doc[a:b]``: (kind, score, start, end, cue) tuples.

    ``blocked`` holds token indices of other actors' mentions: their words are not
    evaluations of this target. Kinds: label, action, victim, perpetrator, threat, opposed.
    """
    doc = sent.doc
    s0 = sent.start
    root = _span_root(doc, a, b)
    role, pred, carrier = _role_and_predicate(root)
    out: list[tuple[str, float, int, int, str]] = []

    def val(t: Token) -> float:
        if t.i in blocked or (a <= t.i < b):
            return 0.0
        v = lex.value(t)
        if v and _negated(t, lex, s0):
            v *= -0.74
        return v

    # 1. evaluative labels: the mention's own words, its modifiers, what it is in apposition to
    for t in doc[a:b]:
        lv = cues.labels.get(t.lower_, cues.labels.get(_lemma(t)))
        if lv is not None and t.i != a - 1:
            out.append(("label", lv, t.idx, t.idx + len(t), t.text))
    for c in root.children:
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
            v = sum(val(x) for x in toks) / 4
            lv = cues.labels.get(_lemma(c), 0.0) if c.dep_ == "appos" else 0.0
            if v or lv:
                s, e = _char_range(c.subtree)
                out.append(("label", _clip(v + lv), s, e, doc.text[s:e]))
    if root.dep_ in ("appos", "poss") and not (a <= root.head.i < b):
        h = root.head
        mods = [
            x
            for x in h.children
            if x.dep_ == "amod" and not (a <= x.i < b) and x.tag_ not in ("VBN", "VBD", "VBG")
        ]
        v = sum(val(x) for x in mods) / 4
        lv = cues.labels.get(h.lower_, cues.labels.get(_lemma(h), 0.0))
        if root.dep_ == "appos" and not lv:
            lv = val(h) / 4  # "the security problems (ISIS, ...)"
        if root.dep_ == "poss" and lv > 0:
            lv = 0.0  # "Iran's allies" says little about Iran
        if v or lv:
            toks = sorted([h, *mods], key=lambda x: x.i)
            s, e = _char_range(toks)
            out.append(("label", _clip(v + lv), s, e, doc.text[s:e]))

    # 2. what the actor is said to do (agent of a predicate): the verb, its adverbs,
    #    objects and complements (heads and their adjectives, not whole subtrees)
    if role == "agent" and pred is not None:
        toks = [pred]
        frontier = [pred]
        for _ in range(2):
            nxt = []
            for p in frontier:
                for c in p.children:
                    if c.dep_ in (
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
                        if c.dep_ == "ccomp" and _lemma(p) in lex.reporting_verbs:
                            continue
                        toks.append(c)
                        toks.extend(
                            x for x in c.children if x.dep_ in ("amod", "advmod", "neg", "compound")
                        )
                        if c.pos_ in _PRED_POS:
                            nxt.append(c)
            frontier = nxt
        v = sum(val(t) for t in toks if t.i != root.i)
        if v:
            toks = sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)
            s, e = _char_range(toks)
            out.append(("action", _clip(v / 3), s, e, " ".join(t.text for t in toks if val(t))))
        # harming someone is acting against them: also covered by the verb's valence
        if _lemma(pred) in cues.harm_verbs and not any(o[0] == "action" for o in out):
            out.append(("action", -0.6, pred.idx, pred.idx + len(pred), pred.text))

    # 3. victims: object of a harm verb, subject of a suffering verb, or what a harm
    #    noun is done to ("damage to the security of Iraq")
    chain = [root]
    cur = root
    for _ in range(5):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        chain.append(cur)
    if pred is not None:
        if role == "patient" and _lemma(pred) in cues.harm_verbs and not _negated(pred, lex, s0):
            out.append(("victim", 0.6, pred.idx, pred.idx + len(pred), pred.text))
        if role == "agent" and _lemma(pred) in cues.suffer_verbs:
            out.append(("victim", 0.6, pred.idx, pred.idx + len(pred), pred.text))
    for prev, t in itertools.pairwise(chain):
        if prev.dep_ not in ("pobj", "prep", "conj", "poss", "compound", "dobj", "appos"):
            break
        if (
            t.pos_ == "NOUN"
            and _lemma(t) in cues.harm_nouns
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
                and (_lemma(t) in cues.suffer_verbs or _lemma(t) in cues.harm_verbs)
            ):
                out.append(
                    ("perpetrator", -0.7, t.idx, prev.idx + len(prev), f"{t.text} {prev.text}")
                )
            break
        if (
            t.pos_ == "NOUN"
            and prev.dep_ in ("compound", "poss", "pobj", "prep")
            and _lemma(t) in cues.perpetrator_nouns
        ):
            up = t.head
            if (
                up.dep_ == "prep"
                and up.lower_ in ("under", "at")
                and _lemma(up.head) in cues.suffer_verbs
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
        if t.pos_ == "NOUN" and _lemma(t) in cues.harm_nouns and prev.dep_ in ("poss", "compound"):
            out.append(("perpetrator", -0.6, t.idx, t.idx + len(t), t.text))
            break

    # 5. the threat: "defend their country against ISIS"
    if carrier.dep_ == "pobj" and carrier.head.lower_ == "against":
        vb = carrier.head.head
        if _lemma(vb) in cues.protect_verbs and vb.pos_ in _PRED_POS:
            out.append(
                (
                    "threat",
                    -0.7,
                    vb.idx,
                    carrier.head.idx + len(carrier.head),
                    f"{vb.text} ... against",
                )
            )
    # ... and its mirror: the protector / the one stopped ("the only way to stop them")
    if (
        role == "patient"
        and pred is not None
        and _lemma(pred) in cues.oppose_verbs
        and not _negated(pred, lex, s0)
    ):
        out.append(("opposed", -0.5, pred.idx, pred.idx + len(pred), pred.text))
    return out


def _syntactic_opposition(
    sent: Span,
    ranges: Sequence[tuple[Any, tuple[int, int]]],
    lex: Lexicon,
    cues: _Cues,
    holders: Mapping[int, str],
) -> list[tuple[str, str, str, int, int, str]]:
    """(source actor, "opposes", target actor, start, end, cue) for an author-held mention
    that is the agent of an opposing or protecting verb whose object (or "against" phrase)
    holds another actor's mention."""
    verbs = cues.oppose_verbs | cues.protect_verbs
    out = []
    roots: dict[str, list[tuple[int, int]]] = {m.actor_id: [] for m, _ in ranges}
    for m, (a, b) in ranges:
        roots[m.actor_id].append((a, b))
    for m, (a, b) in ranges:
        if holders.get(m.mention_id, "author") != "author":
            continue
        role, pred, carrier = _role_and_predicate(_span_root(sent.doc, a, b))
        if (
            role == "obl"
            and carrier.head.lower_ == "by"
            and carrier.head.head.pos_ == "VERB"
            and not any(c.dep_ == "nsubj" for c in carrier.head.head.children)
        ):
            role, pred = "agent", carrier.head.head  # "attempts to disarm them by Iraq"
        if role != "agent" or pred is None or _lemma(pred) not in verbs:
            continue
        if _negated(pred, lex, sent.start):
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


def _mention_tokens(sent: Span, start: int, end: int) -> tuple[int, int] | None:
    """Token range (doc indices) of characters [start, end) of the doc, inside ``sent``."""
    span = sent.doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    a, b = max(span.start, sent.start), min(span.end, sent.end)
    return (a, b) if b > a else None


def _speaker_content(sent: Span, lex: Lexicon) -> list[tuple[Token, set[int]]]:
    """Reporting constructions of a sentence: (reporting verb, token indices of what is
    reported). "X said (that) ...", "X wrote ...", "X calls Y corrupt", quotes with a speaker."""
    out = []
    for t in sent:
        if t.pos_ not in _PRED_POS or _lemma(t) not in lex.reporting_verbs:
            continue
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
    for sid in sorted(by_sent):
        sent = sentences[sid]
        ms = by_sent[sid]
        ranges: list[tuple[Any, tuple[int, int]]] = []
        for m in ms:
            r = _mention_tokens(sent, m.start, m.end)
            if r is not None:
                ranges.append((m, r))
        if not ranges:
            continue
        mention_tokens = {m.mention_id: set(range(r[0], r[1])) for m, r in ranges}
        all_tokens = set().union(*mention_tokens.values())

        # sentence weight: certainty of the claim (or hedge words), questions, the title
        claim = claim_of.get(sid)
        certainty = (
            claim.certainty
            if claim is not None
            else ("hedged" if any(t.lower_ in cues.hedges for t in sent) else "plain")
        )
        sw = w.get(certainty, 1.0)
        if (claim is not None and claim.is_question) or sent.text.rstrip().endswith("?"):
            sw *= w.get("question", 0.5)
        if parsed.in_title(sent.start_char):
            sw *= w.get("title", 1.0)

        # holders: reported content belongs to its speaker
        reports = _speaker_content(sent, lex)
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

        # who acts against whom in this sentence ("attempts to disarm them by Iraq")
        syn_edges.extend(_syntactic_opposition(sent, ranges, lex, cues, holders))

        preds = _predict_tokens(sent, [r for _, r in ranges], model)
        for (m, (a, b)), p in zip(ranges, preds):
            holder = holders[m.mention_id]
            blocked = frozenset(all_tokens - mention_tokens[m.mention_id])
            rules = _rule_evidence(sent, a, b, lex, cues, blocked)
            mw = sw * (w.get("pronoun", 1.0) if m.method == "pronoun" else 1.0)
            mfactors = ["model"]
            role = _role_and_predicate(_span_root(sent.doc, a, b))[0]
            if role not in ("agent", "attr", "root"):
                mfactors.append("model_not_agent")
            if any(k in ("victim", "perpetrator", "threat") for k, *_ in rules):
                mfactors.append("model_when_rule")  # sentiment of events is not stance
            if a in speaker_tokens:
                mfactors.append("speaker_model")
            cue = ", ".join(e.split(" (")[0] for e in p.evidence[:2])
            ms_, me_ = sent.doc[a].idx, sent.doc[b - 1].idx + len(sent.doc[b - 1])
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
                )
            )
            for kind, score, s, e, rcue in rules:
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
                    )
                )
        # endorsed reported content also counts for the author
        if endorsed:
            for ev in [x for x in evidence if x.sentence_id == sid and x.holder != "author"]:
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
        elif kind == "opposes":
            if abs(t_score) >= smin:
                new.append((src, -t_score, "opposes", names[tgt]))
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


def _resolve(
    evidence: Sequence[_Ev],
    edges: Sequence[tuple[str, str, str, int, int, str]],
    names: Mapping[str, str],
    cues: _Cues,
    sentence_of: Any,
) -> tuple[list[_Ev], dict[str, tuple[float, float, float]]]:
    """All evidence (direct + structural) and the final per-actor aggregate."""
    first = _aggregate(evidence, cues.thresholds)
    full = [*evidence, *_structural(edges, first, names, cues, sentence_of)]
    return full, _aggregate(full, cues.thresholds)


def assess_stance(parsed: Any, actors: Any, claims: Any, config: Any = None) -> Any:
    """The author's stance toward each actor, with one evidence row per piece of evidence.

    Evidence: the target-stance model on every mention's sentence (``target_stance``);
    rules over the parse (``rule:label`` evaluative labels and modifiers, ``rule:action``
    what the actor is said to do, ``rule:victim`` / ``rule:perpetrator`` who suffers at whose
    hands, ``rule:threat`` / ``rule:opposed`` what is defended against or must be stopped);
    and structure (``structural:sponsored_by``, ``sponsor_of``, ``ally``, ``opposes``,
    ``member_of``) from the actor layer's relations, given the first-pass stances.

    What a reported speaker says is that speaker's stance (``holder`` = the speaker's
    name); it counts toward the author's stance only when the claims layer marks it
    endorsed. Hedged sentences weigh less, certain ones more.

    The author's ``stance_score`` aggregates the author-held evidence (see
    :func:`_aggregate`: polar-evidence balance with a small prior and a per-sentence weight
    cap); the label uses the thresholds of ``stance_cues.json``
    (``AnalysisConfig(options={"stance.thresholds": ...})``); ``confidence`` grows with the
    evidence weight and with its agreement.
    """
    from dataclasses import replace

    from .types import StanceEvidence, StanceLayer

    if not actors.actors:
        return StanceLayer(actors=tuple(actors.actors))
    cues = _cues(config)
    th = cues.thresholds
    names = {x.actor_id: x.name for x in actors.actors}
    direct, edges = _collect_evidence(parsed, actors, claims, cues)
    evidence, final = _resolve(direct, edges, names, cues, parsed.sentence_id)
    new_actors = []
    for x in actors.actors:
        score, conf, _ = final.get(x.actor_id, (0.0, 0.0, 0.0))
        new_actors.append(
            replace(
                x,
                stance=_label_for(score, th),
                stance_score=round(score, 4),
                confidence=round(conf, 4),
            )
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
