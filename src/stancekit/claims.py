"""Claims: which sentences assert what, how sure the author is, and on whose word.

:func:`extract_claims` turns a parsed document into a :class:`~stancekit.types.ClaimLayer`:
one :class:`~stancekit.types.Claim` per sentence (the title included) and the
``hedge``, ``certainty`` and ``attribution`` framing tags that explain it.

For each sentence it decides

* ``is_claim`` / ``claim_score``: a check-worthiness model (TF-IDF word n-grams and
  parse features, logistic regression, ``models/checkworthy.*``) gated by the
  parse: a claim has a verb, is not a question, and scores above
  ``claims.threshold`` (or above ``claims.anchor_threshold`` when it names an
  actor or a number);
* ``kind``: rules over the parse, in the order normative, predictive, causal,
  statistical, evaluative, factual (cues in ``resources/claims_kinds.json``);
* ``certainty`` and ``cues``: hedges against certainty markers
  (``resources/claims_certainty.json``);
* attribution: reported speech (``X said/wrote/warned that ...``,
  ``according to X``) and direct quotations (also across sentences or left
  unclosed at a paragraph end), the speaker resolved to an actor of the
  :class:`~stancekit.types.ActorLayer`, and whether the author endorses or
  disputes it (``resources/claims_attribution.json``).

All offsets index into ``parsed.text``.

Examples
--------
>>> from stancekit.nlp import get_nlp, parse  # doctest: +SKIP
>>> from stancekit.config import AnalysisConfig
>>> from stancekit.types import ActorLayer
>>> parsed = parse(None, "No doubt, the sanctions will fail.", get_nlp())  # doctest: +SKIP
>>> layer = extract_claims(parsed, ActorLayer(), AnalysisConfig())  # doctest: +SKIP
>>> layer.claims[0].certainty, layer.claims[0].kind  # doctest: +SKIP
('certain', 'predictive')
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import AnalysisConfig
from .errors import ResourceError
from .models import load_model_files
from .nlp import TOKEN_ATTRS, TokenColumns
from .resources import read_json
from .types import ActorLayer, Claim, ClaimLayer, FramingTag, Mention

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

    from .nlp import Parsed

__all__ = [
    "KIND_MODEL_NAME",
    "MODEL_NAME",
    "CheckWorthiness",
    "EvidenceKinds",
    "Quote",
    "combine_kind",
    "extract_claims",
    "find_quotes",
    "load_checkworthy",
    "load_claim_kind",
    "parse_features",
    "span_parse_features",
    "word_ngrams",
]

#: the stored check-worthiness model (``models/checkworthy.npz`` + ``.json``)
MODEL_NAME = "checkworthy"

_WORD = re.compile(r"(?u)\b\w\w+\b")
_TRAILING_CLOSERS = "\"'”’»)]} \t\r\n"
_NEGATIONS = frozenset({"not", "n't", "never", "no"})
_NAMED_ENTS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
)
_NUMERIC_ENTS = frozenset({"PERCENT", "MONEY", "QUANTITY", "CARDINAL"})
_NOT_NUMERIC_ENTS = frozenset({"DATE", "TIME", "ORDINAL"})
_CLAUSE_BOUNDARIES = frozenset(
    {"ccomp", "advcl", "relcl", "acl", "csubj", "csubjpass", "parataxis", "xcomp_", "pcomp"}
)
_SUBJECTS = ("nsubj", "nsubjpass")
_SENTENCE_END = frozenset({".", "!", "?"})
_IOB = ("", "I", "O", "B")  # spaCy's ENT_IOB codes
_COLUMNS = {"lower": 0, "tag": 1, "pos": 2, "dep": 3, "lemma": 4, "ent_type": 5}
#: the token attributes of ``_Tokens._cols``: the string columns of ``_COLUMNS``, then the rest
_ATTRS = (
    "LOWER",
    "TAG",
    "POS",
    "DEP",
    "LEMMA",
    "ENT_TYPE",
    "IDX",
    "LENGTH",
    "HEAD",
    "ENT_IOB",
    "IS_SPACE",
    "LIKE_NUM",
)
_ATTR_COLUMNS = [TOKEN_ATTRS.index(a) for a in _ATTRS]
_VERBISH = frozenset({"VERB", "AUX"})
_ANCHOR_ENTS = _NAMED_ENTS | _NUMERIC_ENTS
_FRAME_NOUNS = frozenset({"truth", "answer", "fact", "reality", "point", "problem", "lesson"})


# --------------------------------------------------------------------------- featurizer
def word_ngrams(text: str) -> list[str]:
    """Lowercased word unigrams and bigrams, as scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2))``.

    >>> word_ngrams("Iran backs the PMF.")
    ['iran', 'backs', 'the', 'pmf', 'iran backs', 'backs the', 'the pmf']
    """
    toks = _WORD.findall(text.lower())
    return toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]


def parse_features(
    tags: Sequence[str], deps: Sequence[str], ent_labels: Sequence[str]
) -> list[str]:
    """Parse features of one sentence: POS tags, tag bigrams, entity labels, dependency labels.

    >>> parse_features(["NNP", "VBD"], ["nsubj", "ROOT"], ["GPE"])
    ['T_NNP', 'T_VBD', 'TT_NNP_VBD', 'E_GPE', 'D_nsubj', 'D_ROOT']
    """
    out = [f"T_{t}" for t in tags]
    out += [f"TT_{a}_{b}" for a, b in itertools.pairwise(tags)]
    out += [f"E_{e}" for e in ent_labels]
    out += [f"D_{d}" for d in deps]
    return out


def span_parse_features(span: Span | Doc) -> list[str]:
    """:func:`parse_features` of a spaCy span or doc (whitespace tokens skipped)."""
    toks = [t for t in span if not t.is_space]
    ents = [t.ent_type_ for t in toks if t.ent_iob_ == "B"]
    return parse_features([t.tag_ for t in toks], [t.dep_ for t in toks], ents)


def _tfidf_row(feats: Iterable[str], vocab: Mapping[str, int], idf: np.ndarray) -> dict[int, float]:
    """One L2-normalised sublinear TF-IDF row (as scikit-learn computes it), as {column: value}."""
    counts = Counter(vocab[f] for f in feats if f in vocab)
    row = {j: (1.0 + math.log(c)) * float(idf[j]) for j, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in row.values()))
    if norm > 0:
        row = {j: v / norm for j, v in row.items()}
    return row


def _block_dots(
    rows: Sequence[Sequence[str]], vocab: Mapping[str, int], idf: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Per row, the dot product of its L2-normalised sublinear TF-IDF vector (as
    ``_tfidf_row`` builds it) with ``weights`` (one column, shape (V,), or K, shape (V, K)),
    for all rows at once."""
    n = len(rows)
    k = 1 if weights.ndim == 1 else weights.shape[1]
    flat = list(itertools.chain.from_iterable(rows))
    ids = np.fromiter(map(vocab.get, flat, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
    row = np.repeat(np.arange(n, dtype=np.int64), [len(r) for r in rows])
    keep = ids >= 0
    ids, row = ids[keep], row[keep]
    if not ids.size:
        return np.zeros(n) if weights.ndim == 1 else np.zeros((n, k))
    width = len(idf)
    cells, counts = np.unique(row * width + ids, return_counts=True)
    return _tfidf_dots(n, cells // width, cells % width, counts, idf, weights)


def _tfidf_dots(
    n: int, r: np.ndarray, j: np.ndarray, counts: np.ndarray, idf: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Per row, the dot product with ``weights`` of the L2-normalised sublinear TF-IDF vector
    whose cells are (row ``r``, column ``j``, ``counts``); rows without a cell get 0."""
    v = (1.0 + np.log(counts)) * idf[j]
    norm = np.sqrt(np.bincount(r, weights=v * v, minlength=n))
    v = v / norm[r]
    if weights.ndim == 1:
        return np.bincount(r, weights=v * weights[j], minlength=n)
    w = weights[j]
    return np.stack(
        [np.bincount(r, weights=v * w[:, c], minlength=n) for c in range(weights.shape[1])], axis=1
    )


class _MergedVocab:
    """The vocabularies of one block (words or parse) of several models merged, so that one
    dictionary lookup per feature serves every model (the costliest step of scoring)."""

    def __init__(self, vocabs: Sequence[Mapping[str, int]]) -> None:
        index: dict[str, int] = {}
        for vocab in vocabs:
            for f in vocab:
                index.setdefault(f, len(index))
        self.index = index
        self.columns = []  # per model: merged id -> the model's column, -1 when absent
        for vocab in vocabs:
            col = np.full(len(index), -1, dtype=np.int64)
            col[[index[f] for f in vocab]] = list(vocab.values())
            self.columns.append(col)

    def count(self, rows: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, merged id, count) of every distinct known feature of every row."""
        flat = list(itertools.chain.from_iterable(rows))
        get = self.index.get
        ids = np.fromiter(map(get, flat, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
        row = np.repeat(np.arange(len(rows), dtype=np.int64), [len(r) for r in rows])
        return self.count_ids(row, ids)

    def count_ids(
        self, row: np.ndarray, ids: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`count` from the row and merged id (-1: unknown) of every feature occurrence."""
        keep = ids >= 0
        width = max(len(self.index), 1)
        cells, counts = np.unique(row[keep] * width + ids[keep], return_counts=True)
        return cells // width, cells % width, counts


def _word_counts(
    parsed: Parsed, bounds: Sequence[tuple[int, int]], vocab: _MergedVocab
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``vocab.count`` of :func:`word_ngrams` of each ``parsed.text[start:end]``, read off
    the document's word table (``Parsed.words``: the text split once, each distinct
    unigram and bigram looked up once) instead of splitting and looking up every sentence
    (a sentence whose edge cuts a word, or a text whose pieces may lower-case otherwise,
    is split on its own)."""
    table = parsed.words
    uni, bi = table.columns(vocab.index)
    got = [table.span(start, end) for start, end in bounds]
    n = len(bounds)
    if all(g is not None for g in got):
        w = np.array(got, dtype=np.int64).reshape(n, 2)
        nu = w[:, 1] - w[:, 0]  # unigrams w0 .. w1 - 1, bigrams w0 .. w1 - 2
        nb = np.maximum(nu - 1, 0)
        occ = np.concatenate(
            (
                uni[table.ids[_concat_ranges(w[:, 0], nu)]],
                bi[table.pair_id[_concat_ranges(w[:, 0], nb)]],
            )
        )
        rows = np.concatenate((np.repeat(np.arange(n), nu), np.repeat(np.arange(n), nb)))
        return vocab.count_ids(rows, occ)
    get = vocab.index.get
    parts: list[list[int]] = []
    for g, (start, end) in zip(got, bounds):
        if g is None:
            parts.append([get(x, -1) for x in word_ngrams(parsed.text[start:end])])
        else:
            w0, w1 = g
            parts.append(
                uni[table.ids[w0:w1]].tolist() + bi[table.pair_id[w0 : max(w0, w1 - 1)]].tolist()
            )
    rows = np.repeat(np.arange(n), [len(x) for x in parts])
    return vocab.count_ids(
        rows, np.array(list(itertools.chain.from_iterable(parts)), dtype=np.int64)
    )


def _concat_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The index ranges [starts[k], starts[k] + lengths[k]) concatenated (int64)."""
    total = int(lengths.sum())
    first = np.cumsum(lengths) - lengths
    return np.repeat(starts - first, lengths) + np.arange(total, dtype=np.int64)


def _counted_dots(
    n: int,
    counted: tuple[np.ndarray, np.ndarray, np.ndarray],
    columns: np.ndarray,
    idf: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """:func:`_block_dots` from :meth:`_MergedVocab.count` output (``columns`` maps merged ids
    to this model's columns)."""
    row, merged, counts = counted
    j = columns[merged]
    keep = j >= 0
    r, j, counts = row[keep], j[keep], counts[keep]
    if not r.size:
        return np.zeros(n) if weights.ndim == 1 else np.zeros((n, weights.shape[1]))
    return _tfidf_dots(n, r, j, counts, idf, weights)


def _tfidf_lr_arrays(
    name: str, arrays: Mapping[str, np.ndarray], n_classes: int
) -> tuple[list[str], np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(word vocab, word idf, parse vocab, parse idf, coef (K, V), intercept (K,)) of a stored
    two-block TF-IDF logistic regression; ``ResourceError`` when it does not fit together."""
    rebuild = "rebuild it with `python scripts/train_claims.py`"
    try:
        wv = [str(s) for s in arrays["word_vocab"]]
        pv = [str(s) for s in arrays["parse_vocab"]]
        coef = np.asarray(arrays["coef"], dtype=np.float64).reshape(n_classes, -1)
        intercept = np.asarray(arrays["intercept"], dtype=np.float64).ravel()
        word_idf = np.asarray(arrays["word_idf"], dtype=np.float64)
        parse_idf = np.asarray(arrays["parse_idf"], dtype=np.float64)
    except KeyError as exc:
        raise ResourceError(f"model {name!r}: array {exc} is missing; {rebuild}") from exc
    except ValueError as exc:
        raise ResourceError(f"model {name!r}: malformed weights ({exc}); {rebuild}") from exc
    if coef.shape[1] != len(wv) + len(pv) or len(intercept) != n_classes:
        raise ResourceError(
            f"model {name!r}: {coef.shape} weights for {len(wv)}+{len(pv)} features and "
            f"{n_classes} classes; {rebuild}"
        )
    return wv, word_idf, pv, parse_idf, coef, intercept


@dataclass(frozen=True)
class CheckWorthiness:
    """The check-worthiness classifier: two TF-IDF blocks (words, parse) and a logistic regression.

    Load it with :func:`load_checkworthy`; ``score`` returns P(check-worthy) per sentence.
    """

    word_vocab: Mapping[str, int] = field(repr=False)
    word_idf: np.ndarray = field(repr=False)
    parse_vocab: Mapping[str, int] = field(repr=False)
    parse_idf: np.ndarray = field(repr=False)
    coef_word: np.ndarray = field(repr=False)
    coef_parse: np.ndarray = field(repr=False)
    intercept: float
    card: Mapping[str, Any] = field(repr=False, default_factory=dict)

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, np.ndarray], card: Mapping[str, Any]
    ) -> CheckWorthiness:
        wv, word_idf, pv, parse_idf, coef, intercept = _tfidf_lr_arrays(MODEL_NAME, arrays, 1)
        return cls(
            word_vocab={t: i for i, t in enumerate(wv)},
            word_idf=word_idf,
            parse_vocab={t: i for i, t in enumerate(pv)},
            parse_idf=parse_idf,
            coef_word=coef[0, : len(wv)],
            coef_parse=coef[0, len(wv) :],
            intercept=float(intercept[0]),
            card=card,
        )

    def decisions(
        self, words: Sequence[Sequence[str]], parses: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """Logits of sentences from their word n-grams and parse features."""
        return (
            self.intercept
            + _block_dots(words, self.word_vocab, self.word_idf, self.coef_word)
            + _block_dots(parses, self.parse_vocab, self.parse_idf, self.coef_parse)
        )

    def decision(self, words: Iterable[str], parse: Iterable[str]) -> float:
        """The logit of one sentence from its word n-grams and parse features."""
        return float(self.decisions([list(words)], [list(parse)])[0])

    def scores(self, texts: Sequence[str], parses: Sequence[Sequence[str]]) -> list[float]:
        """P(check-worthy) of each sentence."""
        z = self.decisions([word_ngrams(t) for t in texts], parses)
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))).tolist()

    def score(self, text: str, parse: Iterable[str]) -> float:
        """P(check-worthy) of a sentence."""
        return self.scores([text], [list(parse)])[0]


@lru_cache(maxsize=4)
def load_checkworthy(name: str = MODEL_NAME) -> CheckWorthiness:
    """The stored check-worthiness model (cached; ``ResourceError`` when missing)."""
    files = load_model_files(name)
    return CheckWorthiness.from_arrays(files.arrays, files.card)


#: the stored evidence-type model behind ``kind`` (``models/claim_kind.npz`` + ``.json``)
KIND_MODEL_NAME = "claim_kind"


@dataclass(frozen=True)
class EvidenceKinds:
    """Evidence types of a sentence (Webis editorial units: statistics, testimony, anecdote,
    assumption): two TF-IDF blocks (words, parse) and a multinomial logistic regression.

    Load it with :func:`load_claim_kind`; ``probas`` gives one row of class probabilities per
    sentence, columns in the order of ``classes``.
    """

    classes: tuple[str, ...]
    word_vocab: Mapping[str, int] = field(repr=False)
    word_idf: np.ndarray = field(repr=False)
    parse_vocab: Mapping[str, int] = field(repr=False)
    parse_idf: np.ndarray = field(repr=False)
    coef_word: np.ndarray = field(repr=False)  # (V_word, K)
    coef_parse: np.ndarray = field(repr=False)  # (V_parse, K)
    intercept: np.ndarray = field(repr=False)  # (K,)
    card: Mapping[str, Any] = field(repr=False, default_factory=dict)

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, np.ndarray], card: Mapping[str, Any], name: str = KIND_MODEL_NAME
    ) -> EvidenceKinds:
        if "classes" not in arrays:
            raise ResourceError(f"model {name!r}: array 'classes' is missing")
        classes = tuple(str(c) for c in arrays["classes"])
        wv, word_idf, pv, parse_idf, coef, intercept = _tfidf_lr_arrays(name, arrays, len(classes))
        return cls(
            classes=classes,
            word_vocab={t: i for i, t in enumerate(wv)},
            word_idf=word_idf,
            parse_vocab={t: i for i, t in enumerate(pv)},
            parse_idf=parse_idf,
            coef_word=np.ascontiguousarray(coef[:, : len(wv)].T),
            coef_parse=np.ascontiguousarray(coef[:, len(wv) :].T),
            intercept=intercept,
            card=card,
        )

    def probas(self, words: Sequence[Sequence[str]], parses: Sequence[Sequence[str]]) -> np.ndarray:
        """(n, K) class probabilities from word n-grams and parse features of n sentences."""
        z = (
            self.intercept
            + _block_dots(words, self.word_vocab, self.word_idf, self.coef_word)
            + _block_dots(parses, self.parse_vocab, self.parse_idf, self.coef_parse)
        )
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


@lru_cache(maxsize=4)
def load_claim_kind(name: str = KIND_MODEL_NAME) -> EvidenceKinds:
    """The stored evidence-type model (cached; ``ResourceError`` when missing)."""
    files = load_model_files(name)
    return EvidenceKinds.from_arrays(files.arrays, files.card, name)


class _Scorers:
    """The check-worthiness and evidence-type models scored together over shared lookups."""

    def __init__(self, model: CheckWorthiness | None, kinds: EvidenceKinds | None) -> None:
        self.model, self.kinds = model, kinds
        parts = [m for m in (model, kinds) if m is not None]
        self.words = _MergedVocab([m.word_vocab for m in parts])
        self.parses = _MergedVocab([m.parse_vocab for m in parts])

    def __call__(
        self, words: Sequence[Sequence[str]], parses: Sequence[Sequence[str]]
    ) -> tuple[list[float], np.ndarray | None]:
        """(P(check-worthy) per sentence or [], evidence-type probabilities or None)."""
        return self.counted(len(words), self.words.count(words), self.parses.count(parses))

    def counted(
        self,
        n: int,
        cw: tuple[np.ndarray, np.ndarray, np.ndarray],
        cp: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> tuple[list[float], np.ndarray | None]:
        """:meth:`__call__` from the counted word and parse features of ``n`` sentences."""
        k = 0
        scores: list[float] = []
        evidence = None
        if self.model is not None:
            m = self.model
            z = (
                m.intercept
                + _counted_dots(n, cw, self.words.columns[0], m.word_idf, m.coef_word)
                + _counted_dots(n, cp, self.parses.columns[0], m.parse_idf, m.coef_parse)
            )
            z = np.clip(z, -30.0, 30.0)
            scores = (1.0 / (1.0 + np.exp(-z))).tolist()
            k = 1
        if self.kinds is not None:
            e = self.kinds
            z = (
                e.intercept
                + _counted_dots(n, cw, self.words.columns[k], e.word_idf, e.coef_word)
                + _counted_dots(n, cp, self.parses.columns[k], e.parse_idf, e.coef_parse)
            )
            z = z - z.max(axis=1, keepdims=True)
            ez = np.exp(z)
            evidence = ez / ez.sum(axis=1, keepdims=True)
        return scores, evidence


@lru_cache(maxsize=4)
def _scorers(model_name: str | None, kind_model_name: str | None) -> _Scorers:
    return _Scorers(
        load_checkworthy(model_name) if model_name else None,
        load_claim_kind(kind_model_name) if kind_model_name else None,
    )


def _parse_feature_ids(
    tv: _Tokens, bounds: Sequence[tuple[int, int]], vocab: _MergedVocab
) -> tuple[np.ndarray, np.ndarray]:
    """(row, merged id) of every :func:`parse_features` feature of every sentence.

    Row ``r`` holds the non-space tokens of ``bounds[r]`` (token ``start, end``; the
    ranges do not overlap), as
    :func:`parse_features` receives them in :func:`extract_claims`; ``vocab.count_ids`` of
    the result equals ``vocab.count`` of the feature strings. The features are read from
    the id columns: each distinct tag, tag pair, entity label and dependency of the
    document is spelled out and looked up once, not once per token.
    """
    n = len(tv.idx)
    row_of = np.full(n, -1, dtype=np.int64)
    for r, (s0, s1) in enumerate(bounds):
        row_of[s0:s1] = r
    keep = np.flatnonzero((row_of >= 0) & ~tv._space)
    rows = row_of[keep]
    if not keep.size:
        return rows, rows
    get = vocab.index.get

    def lookup(
        column: int, prefix: str, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[str]]:
        values = tv._cols[keep, column] if mask is None else tv._cols[keep[mask], column]
        uniq, inv = np.unique(values, return_inverse=True)
        names = [tv.table(column)[h] for h in uniq.tolist()]
        lut = np.array([get(f"{prefix}{name}", -1) for name in names], dtype=np.int64)
        return lut[inv.ravel()], inv.ravel(), names

    tag_ids, tag_inv, tag_names = lookup(1, "T_")
    # tag bigrams of consecutive kept tokens of one sentence
    same = rows[1:] == rows[:-1]
    m = len(tag_names)
    pair = tag_inv[:-1][same] * m + tag_inv[1:][same]
    uniq, inv = np.unique(pair, return_inverse=True)
    lut = np.array(
        [get(f"TT_{tag_names[k // m]}_{tag_names[k % m]}", -1) for k in uniq.tolist()],
        dtype=np.int64,
    )
    pair_ids = lut[inv.ravel()]
    begins = tv._cols[keep, 9] == _IOB.index("B")
    ent_ids = lookup(5, "E_", begins)[0]
    dep_ids = lookup(3, "D_")[0]
    return (
        np.concatenate((rows, rows[1:][same], rows[begins], rows)),
        np.concatenate((tag_ids, pair_ids, ent_ids, dep_ids)),
    )


# --------------------------------------------------------------------------- lexicons
@dataclass(frozen=True)
class _Cue:
    key: str
    words: tuple[str, ...]
    kind: str
    weight: float = 1.0
    tag: str | None = None
    not_in_question: bool = False
    not_before_negation: bool = False
    not_after_head: bool = False


class _CueMatcher:
    """Longest-match phrase matcher over lowercased tokens."""

    def __init__(self, cues: Iterable[_Cue]) -> None:
        index: dict[str, list[_Cue]] = {}
        for cue in cues:
            index.setdefault(cue.words[0], []).append(cue)
        for lst in index.values():
            lst.sort(key=lambda c: -len(c.words))
        self.index = index
        # per first word: (length, {words: the cues of those words, in index order}) by
        # length, longest first; a position then tests one slice per length, not each cue
        self.by_length: dict[str, list[tuple[int, dict[tuple[str, ...], list[_Cue]]]]] = {}
        for first, lst in index.items():
            groups: dict[int, dict[tuple[str, ...], list[_Cue]]] = {}
            for cue in lst:
                groups.setdefault(len(cue.words), {}).setdefault(cue.words, []).append(cue)
            self.by_length[first] = sorted(groups.items(), key=lambda kv: -kv[0])
        # the strings' ids in spaCy's StringStore (hashes; symbols' own ids), sorted
        from spacy.strings import get_string_id  # type: ignore[attr-defined]

        self.hashes = np.array(sorted({get_string_id(w) for w in index}), dtype=np.uint64)

    def find(
        self, tv: _Tokens, start: int, end: int, question: bool = False
    ) -> list[tuple[int, int, _Cue]]:
        out: list[tuple[int, int, _Cue]] = []
        positions = tv._positions.get(id(self))
        if positions is None:
            positions = tv.positions(self)
        lower, tags, by_length = tv.lower, tv.tag, self.by_length
        k = bisect.bisect_left(positions, start)
        if k == len(positions) or positions[k] >= end:
            return out
        nxt = start  # tokens before nxt are inside the previous hit
        for i in itertools.islice(positions, k, None):
            if i >= end:
                break
            if i < nxt:
                continue
            found = None
            for n, by_words in by_length[lower[i]]:
                j = i + n
                if j > end:
                    continue
                for cue in by_words.get(tuple(lower[i:j]), ()):
                    if cue.tag and not tags[i].startswith(cue.tag):
                        continue
                    if cue.not_in_question and question:
                        continue
                    if cue.not_before_negation and j < end and lower[j] in _NEGATIONS:
                        continue
                    if cue.not_after_head and n == 1:
                        h = tv.head[i]
                        if h < i and tv.pos[h] == "VERB":
                            continue
                    found = cue
                    break
                if found is not None:
                    break
            if found is not None:
                out.append((i, j, found))
                nxt = j
        return out


def _cues(entries: Iterable[Mapping[str, Any]], kind: str) -> list[_Cue]:
    out = []
    for e in entries:
        key = str(e["cue"]).lower().strip()
        out.append(
            _Cue(
                key=key,
                words=tuple(key.split()),
                kind=kind,
                weight=float(e.get("weight", 1.0)),
                tag=e.get("tag"),
                not_in_question=bool(e.get("not_in_question", False)),
                not_before_negation=bool(e.get("not_before_negation", False)),
                not_after_head=bool(e.get("not_after_head", False)),
            )
        )
    return out


@dataclass(frozen=True)
class _Lexicons:
    certainty: _CueMatcher
    normative_modals: frozenset[str]
    epistemic_if_perfect: frozenset[str]
    normative: _CueMatcher
    predictive_modals: frozenset[str]
    predictive: _CueMatcher
    possibility_modals: frozenset[str]
    future: _CueMatcher
    causal: _CueMatcher
    causal_verbs: frozenset[str]
    causal_particles: Mapping[str, frozenset[str]]
    stat_ents: frozenset[str]
    stat_words: frozenset[str]
    stat_phrases: _CueMatcher
    min_number: float
    evaluative: frozenset[str]
    evaluative_not_after: Mapping[str, frozenset[str]]
    reporting: Mapping[str, str]
    object_content: frozenset[str]
    first_person: frozenset[str]
    according: _CueMatcher
    dispute_openers: _CueMatcher
    dispute_words: _CueMatcher
    endorse_openers: _CueMatcher
    endorse_adverbs: frozenset[str]
    dispute_adverbs: frozenset[str]
    quote_marks: tuple[tuple[str, str], ...]
    min_quote_words: int
    model_decides: frozenset[str] = frozenset()
    evidence_kinds: Mapping[str, str] = field(default_factory=dict)
    kind_thresholds: Mapping[str, float] = field(default_factory=dict)


def _phrases(items: Iterable[str], kind: str) -> _CueMatcher:
    return _CueMatcher(_cues(({"cue": s} for s in items), kind))


@lru_cache(maxsize=1)
def _lexicons() -> _Lexicons:
    cert = read_json("claims_certainty.json")
    kinds = read_json("claims_kinds.json")
    attr = read_json("claims_attribution.json")
    try:
        norm, pred, causal = kinds["normative"], kinds["predictive"], kinds["causal"]
        stat, ev = kinds["statistical"], kinds["evaluative"]
        model_kinds = kinds.get("model", {})
        return _Lexicons(
            certainty=_CueMatcher(
                _cues(cert["hedges"], "hedge")
                + _cues(cert["certainty"], "certainty")
                + _cues(cert.get("neutral", ()), "neutral")
            ),
            normative_modals=frozenset(norm["modals"]),
            epistemic_if_perfect=frozenset(norm.get("epistemic_if_perfect", ())),
            normative=_CueMatcher(_cues(norm["phrases"], "normative")),
            predictive_modals=frozenset(pred["modals"]),
            predictive=_CueMatcher(_cues(pred["phrases"], "predictive")),
            possibility_modals=frozenset(pred["possibility_modals"]),
            future=_CueMatcher(_cues(pred["future_cues"], "future")),
            causal=_CueMatcher(_cues(causal["phrases"], "causal")),
            causal_verbs=frozenset(causal["verb_lemmas"]),
            causal_particles={k: frozenset(v) for k, v in causal.get("verb_particles", {}).items()},
            stat_ents=frozenset(stat["entity_labels"]),
            stat_words=frozenset(stat["words"]),
            stat_phrases=_CueMatcher(_cues(stat.get("phrases", ()), "statistical")),
            min_number=float(stat.get("min_number", 100)),
            evaluative=frozenset(ev["lemmas"]),
            evaluative_not_after={k: frozenset(v) for k, v in ev.get("not_after", {}).items()},
            reporting=dict(attr["reporting_verbs"]),
            object_content=frozenset(attr.get("object_content", ())),
            first_person=frozenset(attr["first_person"]),
            according=_phrases(attr["according_to"], "according"),
            dispute_openers=_phrases(attr["dispute_openers"], "dispute"),
            dispute_words=_phrases(attr["dispute_words"], "dispute"),
            endorse_openers=_phrases(attr["endorse_openers"], "endorse"),
            endorse_adverbs=frozenset(attr["endorse_adverbs"]),
            dispute_adverbs=frozenset(attr["dispute_adverbs"]),
            quote_marks=tuple((str(a), str(b)) for a, b in attr["quote_marks"]),
            min_quote_words=int(attr.get("min_quote_words_without_speaker", 6)),
            model_decides=frozenset(model_kinds.get("model_decides", ())),
            evidence_kinds=dict(model_kinds.get("evidence_kinds", {})),
            kind_thresholds={
                str(k): float(v) for k, v in model_kinds.get("thresholds", {}).items()
            },
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ResourceError(
            f"claims resources are incomplete or malformed ({type(exc).__name__}: {exc}); "
            "check claims_certainty.json, claims_kinds.json and claims_attribution.json"
        ) from exc


# --------------------------------------------------------------------------- token view
class _Tokens:
    """Token attributes of a Doc as plain lists (read once; the rules index them)."""

    def __init__(self, doc: Doc, tokens: TokenColumns | None = None) -> None:
        if tokens is None or tokens.doc is not doc:
            tokens = TokenColumns(doc)
        self.doc = doc
        n = len(doc)
        # the document's token columns, read once and decoded once for every stage
        cols = tokens.array[:, _ATTR_COLUMNS]
        self._cols = cols
        self._tokens = tokens  # its per-column id -> string tables, built when asked
        self._keys: dict[int, tuple[np.ndarray, list[int]]] = {}
        self.lower = tokens.lower
        self.tag = tokens.tag
        self.pos = tokens.pos
        self.dep = tokens.dep
        self.lemma = tokens.lemma
        self.ent_type = tokens.ent_type
        self.idx = tokens.idx
        self.end = tokens.end
        self.head = tokens.head
        heads = tokens.heads
        # children as one sorted index (token order within each head), not a list per token
        self._kids, self._kid_ptr = tokens.children
        iob, space, num = cols[:, 9:12].T.tolist() if n else ([], [], [])
        self.ent_iob = list(map(_IOB.__getitem__, iob))
        self.space = list(map(bool, space))
        self.like_num = list(map(bool, num))
        self._heads = heads
        self._space = cols[:, 10].astype(bool) if n else np.zeros(0, dtype=bool)
        self._num = cols[:, 11].astype(bool) if n else np.zeros(0, dtype=bool)
        self._positions: dict[int, list[int]] = {}
        self._marked: dict[str, list[int]] = {}

    def positions(self, matcher: _CueMatcher) -> list[int]:
        """Sorted token indices whose word starts a cue of ``matcher`` (computed once per doc)."""
        key = id(matcher)
        hit = self._positions.get(key)
        if hit is None:
            ids, cue_ids = self._cols[:, 0], matcher.hashes
            at = np.minimum(np.searchsorted(cue_ids, ids), max(len(cue_ids) - 1, 0))
            found = cue_ids[at] == ids if len(cue_ids) else np.zeros(len(ids), dtype=bool)
            hit = self._positions[key] = np.flatnonzero(found).tolist()
        return hit

    def is_in(self, column: str, values: Collection[str]) -> np.ndarray:
        """Per token: is its ``column`` (lower, tag, pos, dep, lemma, ent_type) in ``values``?
        (Each distinct value of the doc is tested once.)"""
        k = _COLUMNS[column]
        table = self.table(k)
        cached = self._keys.get(k)
        if cached is None:
            keys = np.fromiter(table.keys(), dtype=np.uint64, count=len(table))
            keys.sort()
            cached = self._keys[k] = (keys, keys.tolist())
        keys, key_list = cached
        good = np.fromiter((table[h] in values for h in key_list), dtype=bool, count=len(key_list))
        return good[np.searchsorted(keys, self._cols[:, k])]

    def table(self, column: int) -> dict[int, str]:
        """spaCy id -> string of the document's values in ``column`` (an index of _COLUMNS)."""
        return self._tokens.table(_ATTRS[column])

    def indices(self, mask: np.ndarray) -> list[int]:
        return np.flatnonzero(mask).tolist()  # type: ignore[no-any-return]

    def marked(self, key: str, build: Callable[[], list[int]]) -> list[int]:
        """Sorted token indices of one kind, ``build()`` once per doc and ``key``."""
        hit = self._marked.get(key)
        if hit is None:
            hit = self._marked[key] = build()
        return hit

    @staticmethod
    def between(positions: list[int], start: int, end: int) -> list[int]:
        """The entries of sorted ``positions`` in [start, end)."""
        return positions[bisect.bisect_left(positions, start) : bisect.bisect_left(positions, end)]

    def kids(self, i: int, *deps: str) -> list[int]:
        return [c for c in self.children(i) if self.dep[c] in deps]

    def children(self, i: int) -> Sequence[int]:
        """The dependents of token ``i`` in token order."""
        return self._kids[self._kid_ptr[i] : self._kid_ptr[i + 1]]

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.children(j))
        return sorted(out)


# --------------------------------------------------------------------------- quotes
@dataclass(frozen=True)
class Quote:
    """A direct quotation: ``start``/``end`` is the quoted text (inside the marks)."""

    start: int
    end: int
    closed: bool
    open_mark: int  # offset of the opening mark
    close_end: int  # offset just after the closing mark (== end when unclosed)


_PARA = re.compile(r"\n[ \t\r\f\v]*\n")


def find_quotes(text: str, marks: Sequence[tuple[str, str]] | None = None) -> list[Quote]:
    """Direct quotations in ``text``; a quote left open runs to the end of its paragraph.

    >>> [text[q.start:q.end] for text in ['He said: "We will win." Then he left.'] for q in find_quotes(text)]
    ['We will win.']
    """
    marks = tuple(marks) if marks is not None else _lexicons().quote_marks
    openers = {a: b for a, b in marks}
    closers = {b for _, b in marks}
    chars = "".join(sorted({c for pair in marks for c in pair}))
    if not chars:
        return []
    bounds = [0] + [m.end() for m in _PARA.finditer(text)] + [len(text)]
    finder = re.compile(f"[{re.escape(chars)}]")
    out: list[Quote] = []
    for p0, p1 in itertools.pairwise(bounds):
        open_at = -1
        want = ""
        for m in finder.finditer(text, p0, p1):
            i, ch = m.start(), m.group()
            if open_at < 0 and ch in openers:
                open_at, want = i, openers[ch]
            elif open_at >= 0 and ch == want:
                _add_quote(out, text, open_at, i, True)
                open_at = -1
            elif open_at >= 0 and ch in openers and ch not in closers:
                # a new opening mark before the old one closed: close the old one here
                _add_quote(out, text, open_at, i, False)
                open_at, want = i, openers[ch]
        if open_at >= 0:
            _add_quote(out, text, open_at, p1, False)
    return out


def _add_quote(out: list[Quote], text: str, open_at: int, close_at: int, closed: bool) -> None:
    start = open_at + 1
    end = close_at
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    seg = seg.strip()
    if not seg:
        return
    start += lead
    end = start + len(seg)
    out.append(Quote(start, end, closed, open_at, close_at + 1 if closed else end))


# --------------------------------------------------------------------------- attribution
@dataclass(frozen=True)
class _Attribution:
    speaker: str | None
    cue: str
    method: str
    content: tuple[int, int]  # char span of the attributed content
    verb: int  # token index of the cue (-1 when none)
    endorsement: str = "neutral"
    speaker_span: tuple[int, int] = (-1, -1)


class _Speakers:
    """Resolve a speaker phrase to an actor through the mentions of the ActorLayer."""

    def __init__(self, actors: ActorLayer) -> None:
        names = {a.actor_id: a.name for a in actors.actors}
        self.mentions: list[tuple[int, int, str]] = [
            (m.start, m.end, names.get(m.actor_id, m.text)) for m in _sorted(actors.mentions)
        ]

    def lookup(self, start: int, end: int) -> str | None:
        for ms, me, name in self.mentions:
            if ms >= end:
                break
            if me > start:
                return name
        return None


def _sorted(mentions: Iterable[Mention]) -> list[Mention]:
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _speaker(tv: _Tokens, verb: int, speakers: _Speakers) -> tuple[str | None, tuple[int, int]]:
    """The speaker of a reporting verb: its subject phrase, resolved to an actor when possible."""
    subj = tv.kids(verb, "nsubj")  # passive 'it is said' names no speaker
    if not subj or tv.lower[subj[0]] in ("it", "there"):
        return None, (-1, -1)
    head = subj[0]
    if tv.lower[head] in _lexicons().first_person:
        return None, (-1, -1)
    sub = tv.subtree(head)
    first = sub[0]
    # the noun phrase up to its head: drop appositions, relative clauses, prepositional tails
    last = head
    if tv.ent_type[head] in _NAMED_ENTS:  # "the Centers for Disease Control"
        while last + 1 < len(tv.idx) and tv.ent_iob[last + 1] == "I":
            last += 1
    toks = [i for i in range(first, last + 1) if not tv.space[i]]
    start, end = tv.idx[toks[0]], tv.end[toks[-1]]
    name = speakers.lookup(tv.idx[head], tv.end[head])
    if name is None and tv.pos[head] == "PROPN":
        name = speakers.lookup(start, end)
    if name is not None:
        return name, (start, end)
    words = [tv.doc[i].text_with_ws for i in toks]
    text = "".join(words).strip()
    if tv.lower[toks[0]] in ("the", "a", "an") and len(toks) > 1:
        if all(tv.ent_type[i] in _NAMED_ENTS for i in toks[1:]):
            text = text.split(None, 1)[1]  # "the United Nations" -> "United Nations"
        else:
            text = (
                tv.lower[toks[0]] + text[len(tv.lower[toks[0]]) :]
            )  # "The ministry" -> "the ministry"
    return text, (start, end)


def _verb_endorsement(tv: _Tokens, verb: int, lex: _Lexicons) -> str:
    for c in tv.kids(verb, "advmod"):
        if tv.lower[c] in lex.endorse_adverbs:
            return "endorsed"
        if tv.lower[c] in lex.dispute_adverbs:
            return "disputed"
    return lex.reporting.get(tv.lemma[verb], "neutral")


def _is_reporting(tv: _Tokens, i: int, lex: _Lexicons) -> bool:
    return tv.lemma[i] in lex.reporting and tv.pos[i] in ("VERB", "AUX") and tv.tag[i] != "VBG"


def _reported(
    tv: _Tokens, s0: int, s1: int, lex: _Lexicons, speakers: _Speakers
) -> _Attribution | None:
    """'X said/wrote/warned that ...' with the verb heading the sentence or a parenthetical."""
    reporting = tv.marked(
        "reporting",
        lambda: [
            i
            for i, lem in enumerate(tv.lemma)
            if lem in lex.reporting and _is_reporting(tv, i, lex)
        ],
    )
    for i in tv.between(reporting, s0, s1):
        h = tv.head[i]
        # "As Hill claims, ..." attributes the main clause
        as_clause = tv.dep[i] == "advcl" and any(tv.lower[m] == "as" for m in tv.kids(i, "mark"))
        if not (h == i or as_clause or (tv.dep[i] in ("parataxis", "conj") and tv.head[h] == h)):
            continue
        content = tv.kids(i, "ccomp")
        if not content and tv.lemma[i] in lex.object_content:
            content = tv.kids(i, "dobj")
        if not content and (tv.dep[i] == "parataxis" or as_clause):
            content = [h]  # "The plan, he said, is doomed."
        if not content:
            continue
        speaker, span = _speaker(tv, i, speakers)
        if speaker is None:
            continue
        c = content[0]
        if c == h and (tv.dep[i] == "parataxis" or as_clause):
            sub = [j for j in range(s0, s1) if j not in set(tv.subtree(i))]
        else:
            sub = tv.subtree(c)
        sub = [j for j in sub if not tv.space[j]]
        while sub and tv.dep[sub[-1]] == "punct":
            sub.pop()
        if not sub:
            continue
        return _Attribution(
            speaker=speaker,
            cue=tv.doc[i].text,
            method="reporting-verb",
            content=(tv.idx[sub[0]], tv.end[sub[-1]]),
            verb=i,
            endorsement=_verb_endorsement(tv, i, lex),
            speaker_span=span,
        )
    return None


def _according(
    tv: _Tokens, s0: int, s1: int, lex: _Lexicons, speakers: _Speakers
) -> _Attribution | None:
    """'According to X, ...' / '..., according to X.'"""
    hits = lex.according.find(tv, s0, s1)
    if not hits:
        return None
    i, j, cue = hits[0]
    obj = [k for k in range(j - 1, min(s1, j + 12)) if tv.dep[k] == "pobj" and tv.head[k] == j - 1]
    if not obj:
        return None
    head = obj[0]
    sub = tv.subtree(head)
    toks = [k for k in range(sub[0], head + 1) if not tv.space[k]]
    start, end = tv.idx[toks[0]], tv.end[toks[-1]]
    name = speakers.lookup(tv.idx[head], tv.end[head]) or speakers.lookup(start, end)
    if name is None:
        text = tv.doc[toks[0] : toks[-1] + 1].text
        if (
            tv.lower[toks[0]] == "the"
            and all(tv.ent_type[k] in _NAMED_ENTS for k in toks[1:])
            and len(toks) > 1
        ):
            text = text.split(None, 1)[1]
        name = text
    phrase_end = max(sub[-1], j - 1)
    # content: the larger side of the sentence around "according to X"
    left = [k for k in range(s0, i) if not tv.space[k] and tv.dep[k] != "punct"]
    right = [k for k in range(phrase_end + 1, s1) if not tv.space[k]]
    while right and tv.dep[right[0]] == "punct":
        right.pop(0)
    side = right if len(right) >= len(left) else left
    if not side:
        return None
    return _Attribution(
        speaker=name,
        cue=" ".join(cue.words),
        method="according-to",
        content=(tv.idx[side[0]], tv.end[side[-1]]),
        verb=i,
        speaker_span=(start, end),
    )


def _inside_quotes(quotes: Sequence[Quote]) -> Callable[[int], bool]:
    """``inside(char)``: does any quote (opening mark to closing mark) cover ``char``?"""
    ordered = sorted(quotes, key=lambda o: o.open_mark)
    opens = [o.open_mark for o in ordered]
    reach, top = [], -1
    for o in ordered:
        top = max(top, o.close_end)
        reach.append(top)

    def inside(char: int) -> bool:
        k = bisect.bisect_right(opens, char) - 1
        return k >= 0 and reach[k] > char

    return inside


def _quote_speaker(
    tv: _Tokens,
    q: Quote,
    inside: Callable[[int], bool],
    lex: _Lexicons,
    speakers: _Speakers,
) -> tuple[str | None, int, tuple[int, int]]:
    """The reporting verb next to a quote (after its closing mark, else before its opening mark);
    ``inside`` tells whether a character lies in any quote (:func:`_inside_quotes`)."""

    n = len(tv.idx)
    cands: list[tuple[int, int]] = []  # (distance in chars, token)
    if q.closed:  # '"...," the minister said.' / '"...?" she asked.'
        k = bisect.bisect_left(tv.idx, q.close_end)
        for i in range(k, min(n, k + 12)):
            if inside(tv.idx[i]) or tv.lower[i] in _SENTENCE_END:
                break
            if _is_reporting(tv, i, lex):
                cands.append((tv.idx[i] - q.close_end, i))
                break
    # 'He said: "..."'
    k = bisect.bisect_right(tv.end, q.open_mark) - 1
    for i in range(k, max(-1, k - 20), -1):
        if inside(tv.idx[i]) or tv.lower[i] in _SENTENCE_END:
            break
        if _is_reporting(tv, i, lex):
            cands.append((q.open_mark - tv.end[i], i))
            break
    for _, i in sorted(cands):
        name, span = _speaker(tv, i, speakers)
        if name is not None:
            return name, i, span
    return None, -1, (-1, -1)


def _next_sentence_endorsement(
    tv: _Tokens, parsed: Parsed, after_char: int, lex: _Lexicons
) -> str | None:
    """'However, the real answer is ...' right after reported content disputes it."""
    sid = parsed.sentence_id(max(after_char - 1, 0)) + 1
    sents = parsed.sentences
    while sid < len(sents) and not parsed.text[sents[sid].start_char : sents[sid].end_char].strip():
        sid += 1
    if sid >= len(sents):
        return None
    s = sents[sid]
    s0 = s.start
    while s0 < s.end and tv.space[s0]:
        s0 += 1
    opener = lex.dispute_openers.find(tv, s0, min(s.end, s0 + 4))
    if opener and opener[0][0] == s0:
        if lex.dispute_words.find(tv, s0, s.end):
            return "disputed"
        if any(c.kind == "certainty" for _, _, c in _lexicons().certainty.find(tv, s0, s.end)):
            return "disputed"
    endorse = lex.endorse_openers.find(tv, s0, min(s.end, s0 + 5))
    if endorse and endorse[0][0] == s0:
        return "endorsed"
    return None


# --------------------------------------------------------------------------- kinds
def _content_head(tv: _Tokens, root: int, lex: _Lexicons) -> int:
    """The head of what a sentence asserts: the reported clause of 'X said that ...' and of
    'the truth is that ...', else the root."""
    ccomp = tv.kids(root, "ccomp")
    if ccomp:
        if _is_reporting(tv, root, lex):
            return ccomp[0]
        subj = tv.kids(root, *_SUBJECTS)
        if tv.lemma[root] == "be" and subj and tv.lemma[subj[0]] in _FRAME_NOUNS:
            return ccomp[0]
    return root


def _clause(tv: _Tokens, head: int) -> set[int]:
    """Tokens of the main clause of ``head`` (subordinate and coordinated clauses left out)."""
    out, stack = set(), [head]
    while stack:
        j = stack.pop()
        out.add(j)
        for c in tv.children(j):
            d = tv.dep[c]
            if d in _CLAUSE_BOUNDARIES:
                continue
            if d == "conj" and tv.pos[c] in ("VERB", "AUX"):
                continue
            stack.append(c)
    return out


def _in(hits: list[tuple[int, int, _Cue]], clause: set[int]) -> tuple[int, int, _Cue] | None:
    for h in hits:
        if h[0] in clause:
            return h
    return None


def _number_value(s: str) -> float | None:
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _kind(tv: _Tokens, s0: int, s1: int, root: int, lex: _Lexicons) -> tuple[str, str]:
    """(kind, rule) of a declarative sentence."""
    head = _content_head(tv, root, lex)
    clause = _clause(tv, head)
    lower, tag = tv.lower, tv.tag
    md = tv.marked("md", lambda: [i for i, t in enumerate(tag) if t == "MD"])
    perfect = {i for i in tv.between(md, s0, s1 - 1) if lower[i + 1] == "have"}
    modals = sorted(i for i in clause if tag[i] == "MD")  # the clause's modals, in token order
    # normative: should / must / ought in the main clause, "need to", "it is time" ...
    for i in modals:
        if lower[i] in lex.normative_modals:
            if lower[i] in lex.epistemic_if_perfect and i in perfect:
                continue
            return "normative", f"modal:{lower[i]}"
    hit = _in(lex.normative.find(tv, s0, s1), clause)
    if hit:
        return "normative", f"phrase:{hit[2].key}"
    # predictive: will / going to in the main clause; may/might/could + a future cue
    for i in modals:
        if lower[i] in lex.predictive_modals:
            return "predictive", f"modal:{lower[i]}"
    hit = _in(lex.predictive.find(tv, s0, s1), clause)
    if hit:
        return "predictive", f"phrase:{hit[2].key}"
    fut = lex.future.find(tv, s0, s1)
    if fut and modals:
        poss = [  # in the clause set's order, as always
            i
            for i in clause
            if tag[i] == "MD" and lower[i] in lex.possibility_modals and i not in perfect
        ]
        if poss:
            return "predictive", f"modal+future:{lower[poss[0]]}+{fut[0][2].key}"
    # causal: because, led to, responsible for, caused ...
    hits = lex.causal.find(tv, s0, s1)
    if hits:
        return "causal", f"phrase:{hits[0][2].key}"
    causal_verbs = tv.marked(
        "causal-verb",
        lambda: [
            i
            for i, (lem, pos) in enumerate(zip(tv.lemma, tv.pos, strict=True))
            if lem in lex.causal_verbs and pos == "VERB"
        ],
    )
    for i in tv.between(causal_verbs, s0, s1):
        lem = tv.lemma[i]
        parts = lex.causal_particles.get(lem)
        if parts is None or any(lower[c] in parts for c in tv.kids(i, "prep", "prt", "agent")):
            return "causal", f"verb:{lem}"
    # statistical: percentages, money, large numbers, "million", "rate", "more likely" ...
    hits = lex.stat_phrases.find(tv, s0, s1)
    if hits:
        return "statistical", f"phrase:{hits[0][2].key}"
    numeric = tv.marked(
        "statistical",
        lambda: [
            i
            for i, (ent, w, num) in enumerate(zip(tv.ent_type, lower, tv.like_num, strict=True))
            if num or ent in lex.stat_ents or w in lex.stat_words
        ],
    )
    for i in tv.between(numeric, s0, s1):
        if tv.ent_type[i] in lex.stat_ents:
            return "statistical", f"entity:{tv.ent_type[i]}"
        if lower[i] in lex.stat_words:
            return "statistical", f"word:{lower[i]}"
        if tv.like_num[i] and tv.ent_type[i] not in _NOT_NUMERIC_ENTS:
            if i + 1 < s1 and lower[i + 1] in ("-", "–"):
                continue  # "a 100,000-strong force" describes, it does not count
            v = _number_value(lower[i])
            if v is not None and v >= lex.min_number:
                return "statistical", f"number:{tv.doc[i].text}"
    # evaluative: judgement words
    judged = tv.marked(
        "evaluative",
        lambda: [
            i
            for i, (lem, w) in enumerate(zip(tv.lemma, lower, strict=True))
            if lem in lex.evaluative or w in lex.evaluative
        ],
    )
    for i in tv.between(judged, s0, s1):
        lem = tv.lemma[i]
        nxt = lex.evaluative_not_after.get(lem) or lex.evaluative_not_after.get(lower[i])
        if nxt and i + 1 < s1 and lower[i + 1] in nxt:
            continue
        return "evaluative", f"word:{lower[i]}"
    return "factual", "default"


def combine_kind(
    kind: str,
    rule: str,
    classes: Sequence[str],
    probs: Sequence[float],
    lex: _Lexicons | None = None,
    threshold: float | None = None,
) -> tuple[str, str]:
    """(kind, method) of a sentence from its rule kind and its evidence-type probabilities.

    A rule with a strong cue (a modal, a phrase, a causal verb) keeps its kind; for the
    weak ones (a single judgement or statistics word, a numeric entity, the factual
    default: ``model_decides`` in ``claims_kinds.json``) the evidence-type model decides
    when its best class reaches that class's threshold (``thresholds`` there, or
    ``threshold`` for every class). The method names both, e.g.
    ``model:anecdote=0.81|rule:default`` (the model decided) or
    ``rule:default|model:assumption=0.55`` (it was asked, below threshold).

    >>> lex = _lexicons()
    >>> combine_kind("normative", "modal:should", ["anecdote", "assumption"], [0.9, 0.1], lex)
    ('normative', 'modal:should')
    >>> combine_kind("factual", "default", ["anecdote", "assumption"], [0.05, 0.95], lex)
    ('evaluative', 'model:assumption=0.95|rule:default')
    >>> combine_kind("factual", "default", ["anecdote", "assumption"], [0.45, 0.55], lex)
    ('factual', 'rule:default|model:assumption=0.55')
    """
    lex = lex or _lexicons()
    if rule.split(":", 1)[0] not in lex.model_decides:
        return kind, rule
    j = max(range(len(classes)), key=lambda c: probs[c])
    label, p = classes[j], float(probs[j])
    need = threshold if threshold is not None else lex.kind_thresholds.get(label, 0.5)
    if p >= need and label in lex.evidence_kinds:
        return lex.evidence_kinds[label], f"model:{label}={p:.2f}|rule:{rule}"
    return kind, f"rule:{rule}|model:{label}={p:.2f}"


# --------------------------------------------------------------------------- the stage
def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    return start + lead, start + len(seg.rstrip())


def _is_question(text: str) -> bool:
    return text.rstrip(_TRAILING_CLOSERS).endswith("?")


def _overlaps(starts: list[int], reach: list[int], start: int, end: int) -> bool:
    """Does any span overlap [start, end)? ``starts`` sorted, ``reach`` the running max of ends."""
    k = bisect.bisect_left(starts, end) - 1
    return k >= 0 and reach[k] > start


def extract_claims(parsed: Parsed, actors: ActorLayer, config: AnalysisConfig) -> ClaimLayer:
    """One :class:`Claim` per sentence of ``parsed`` plus hedge, certainty and attribution tags.

    Parameters
    ----------
    parsed:
        The parsed document (:func:`stancekit.nlp.parse`).
    actors:
        The actor layer; its mentions resolve speakers to canonical actor names
        (an empty layer leaves the speaker phrase as text).
    config:
        Options: ``claims.threshold`` (0.5) and ``claims.anchor_threshold`` (0.3):
        the check-worthiness score a declarative sentence needs to be a claim,
        without and with a named actor or number; ``claims.model`` (``"checkworthy"``,
        ``None`` for rules only).

    Returns
    -------
    ClaimLayer
        ``claims`` (one per non-blank sentence, offsets into ``parsed.text``) and
        ``tags`` (FramingTag rows of kind ``hedge``, ``certainty`` and ``attribution``).
    """
    lex = _lexicons()
    threshold = float(config.option("claims.threshold", 0.5))
    anchor_threshold = float(config.option("claims.anchor_threshold", 0.3))
    model_name = config.option("claims.model", MODEL_NAME)
    model = load_checkworthy(model_name) if model_name else None
    kind_model_name = config.option("claims.kind_model", KIND_MODEL_NAME)
    kind_model = load_claim_kind(kind_model_name) if kind_model_name else None
    kind_threshold = config.option("claims.kind_threshold", None)
    if kind_threshold is not None:
        kind_threshold = float(kind_threshold)

    text = parsed.text
    tv = _Tokens(parsed.doc, parsed.tokens)
    speakers = _Speakers(actors)
    mention_starts = [m.start for m in _sorted(actors.mentions)]
    mention_reach = list(itertools.accumulate((m.end for m in _sorted(actors.mentions)), max))
    tags: list[FramingTag] = []

    def tag(
        kind: str,
        start: int,
        end: int,
        cue: str,
        method: str,
        score: float = 1.0,
        actor: str | None = None,
    ) -> None:
        tags.append(
            FramingTag(
                kind=kind,
                text=text[start:end],
                start=start,
                end=end,
                sentence_id=parsed.sentence_id(start),
                cue=cue,
                method=method,
                score=score,
                in_title=parsed.in_title(start),
                actor=actor,
            )
        )

    # direct quotations and their speakers
    quotes = find_quotes(text, lex.quote_marks)
    quote_attr: list[tuple[Quote, _Attribution]] = []
    prev: tuple[Quote, _Attribution] | None = None
    in_quotes = _inside_quotes(quotes)
    for q in quotes:
        name, verb, span = _quote_speaker(tv, q, in_quotes, lex, speakers)
        if (
            name is None
            and prev is not None
            and not prev[0].closed
            and _PARA.search(text, prev[0].end, q.open_mark + 1)
            and not text[prev[0].end : q.open_mark].strip()
        ):
            # a quote continued in the next paragraph keeps its speaker
            name, verb, span = prev[1].speaker, prev[1].verb, prev[1].speaker_span
        n_words = len(_WORD.findall(text[q.start : q.end]))
        if name is None and n_words < lex.min_quote_words:
            prev = None
            continue
        endorsement = _verb_endorsement(tv, verb, lex) if verb >= 0 else "neutral"
        qattr = _Attribution(
            speaker=name,
            cue=tv.doc[verb].text if verb >= 0 else "",
            method="quote",
            content=(q.start, q.end),
            verb=verb,
            endorsement=_next_sentence_endorsement(tv, parsed, q.close_end, lex) or endorsement,
            speaker_span=span,
        )
        quote_attr.append((q, qattr))
        tag("attribution", q.start, q.end, qattr.cue, "rule:quote", 1.0 if name else 0.5, name)
        prev = (q, qattr)

    verbs = tv.marked("verb", lambda: tv.indices(tv.is_in("pos", _VERBISH)))
    anchors = tv.marked(
        "anchor",
        lambda: tv.indices(tv._num | tv.is_in("ent_type", _ANCHOR_ENTS)),
    )
    # the sentences (blank ones skipped) and their check-worthiness, scored all at once
    spans: list[tuple[int, int, int, int, int]] = []  # sid, start, end, first, last token
    for sid, sent in enumerate(parsed.sentences):
        start, end = _strip_span(text, sent.start_char, sent.end_char)
        if start >= end:
            continue
        s0, s1 = sent.start, sent.end
        while s1 > s0 and tv.space[s1 - 1]:
            s1 -= 1
        spans.append((sid, start, end, s0, s1))
    scores: list[float] = []
    evidence: np.ndarray | None = None
    if model is not None or kind_model is not None:
        scorer = _scorers(model_name, kind_model_name)
        # parse_features of each sentence's non-space tokens, counted from the id columns
        row, ids = _parse_feature_ids(tv, [(s0, s1) for *_, s0, s1 in spans], scorer.parses)
        words = _word_counts(parsed, [(start, end) for _, start, end, _, _ in spans], scorer.words)
        scores, evidence = scorer.counted(len(spans), words, scorer.parses.count_ids(row, ids))

    claims: list[Claim] = []
    for n, (sid, start, end, s0, s1) in enumerate(spans):
        stext = text[start:end]
        question_mark = _is_question(stext)
        # a question inside a quotation is the speaker's, not the author's
        qmark = stext.rstrip(_TRAILING_CLOSERS).rfind("?") + start
        question = question_mark and not any(q.start <= qmark < q.end for q in quotes)

        # certainty
        hedge_w = cert_w = 0.0
        hedge_cues: list[str] = []
        cert_cues: list[str] = []
        for i, j, cue in lex.certainty.find(tv, s0, s1, question_mark):
            if cue.kind == "neutral":
                continue
            cs, ce = tv.idx[i], tv.end[j - 1]
            tag(cue.kind, cs, ce, cue.key, "lexicon:claims_certainty", cue.weight)
            if cue.kind == "hedge":
                hedge_w += cue.weight
                hedge_cues.append(cue.key)
            else:
                cert_w += cue.weight
                cert_cues.append(cue.key)
        if hedge_w > 0 and hedge_w >= cert_w:
            certainty, cues = "hedged", tuple(hedge_cues)
        elif cert_w > 0:
            certainty, cues = "certain", tuple(cert_cues)
        else:
            certainty, cues = "plain", ()

        # parse gate
        has_verb = bool(tv.between(verbs, s0, s1))
        anchor = bool(tv.between(anchors, s0, s1)) or _overlaps(
            mention_starts, mention_reach, start, end
        )

        # check-worthiness
        if model is not None:
            score = scores[n]
            claim_method = "checkworthy-lr+gate"
        else:
            score = 0.5 if (has_verb and anchor and not question_mark) else 0.0
            claim_method = "gate"
        is_claim = (
            has_verb
            and not question_mark
            and (score >= threshold or (anchor and score >= anchor_threshold))
        )

        # kind
        kind: str | None = None
        kind_rule = "none"
        roots = tv.between(
            tv.marked(
                "root",
                lambda: tv.indices((tv._heads == np.arange(len(tv.idx))) & ~tv._space),
            ),
            s0,
            s1,
        )
        if has_verb and not question_mark and roots:
            kind, kind_rule = _kind(tv, s0, s1, roots[0], lex)
            if evidence is not None and kind_model is not None:
                kind, kind_rule = combine_kind(
                    kind, kind_rule, kind_model.classes, evidence[n], lex, kind_threshold
                )

        # attribution: a quote covering the sentence, else reported speech, else "according to"
        attr: _Attribution | None = None
        for q, qa in quote_attr:
            overlap = min(end, q.end) - max(start, q.start)
            if qa.speaker and overlap > 0 and overlap >= 0.5 * (end - start):
                attr = qa
                break
        if attr is None:
            attr = _reported(tv, s0, s1, lex, speakers) or _according(tv, s0, s1, lex, speakers)
            if attr is not None:
                nxt = _next_sentence_endorsement(tv, parsed, end, lex)
                if nxt:
                    attr = _Attribution(
                        attr.speaker,
                        attr.cue,
                        attr.method,
                        attr.content,
                        attr.verb,
                        nxt,
                        attr.speaker_span,
                    )
                cs, ce = attr.content
                tag("attribution", cs, ce, attr.cue, f"rule:{attr.method}", 1.0, attr.speaker)

        method = f"claim={claim_method};kind={kind_rule}"
        if attr is not None:
            method += f";attribution={attr.method}"
        claims.append(
            Claim(
                sentence_id=sid,
                start=start,
                end=end,
                text=stext,
                in_title=parsed.in_title(start),
                is_claim=bool(is_claim),
                claim_score=round(float(score), 4),
                kind=kind,
                certainty=certainty,
                cues=cues,
                attributed_to=attr.speaker if attr else None,
                is_question=question,
                attribution_cue=attr.cue if attr else None,
                endorsement=attr.endorsement if attr else None,
                method=method,
            )
        )
    tags.sort(key=lambda t: (t.start, t.end, t.kind))
    return ClaimLayer(claims=tuple(claims), tags=tuple(tags))
