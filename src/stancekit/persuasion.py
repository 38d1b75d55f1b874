"""Persuasion techniques, issue frames and genre, from trained linear models.

Three small models, trained by ``scripts/train_persuasion.py`` on the English
training data of SemEval-2023 Task 3 (and the Propaganda Techniques Corpus
2019, whose labels are mapped onto the 2023 names), score a parsed document:

* ``techniques``: one sigmoid per technique of :data:`stancekit.types.TECHNIQUES`
  seen in training, applied to each paragraph (the unit of SemEval subtask 3);
  a paragraph above the technique's cross-validated threshold gives a
  :class:`~stancekit.types.Technique` record located at its best-scoring
  sentence (``stage option persuasion.localize=False`` keeps the paragraph);
* ``frames``: one sigmoid per generic frame (subtask 2) over the whole text,
  with per-frame thresholds tuned by cross-validation;
* ``genre``: opinion / reporting / satire (subtask 1), softmax with a
  temperature fitted on cross-validation folds.

Each model reads TF-IDF n-grams of the unit's text (vocabulary and idf stored
with the model) plus a few dozen counts taken from the spaCy parse and from the
cue lexicon ``resources/persuasion_lexicon.json`` and the VADER lexicon
(loaded words, superlatives, exclamations, questions, quotes, first-person
plural, words repeated across the document ...), standardised with stored
means and scales. The same featurizer serves training and inference.

Inference reads each document once: the token table (one cached look-up per
distinct word form, the rest vectorised) and the TF-IDF tokens (:class:`DocTerms`,
looked up once in the joint vocabulary of the three models) are shared by the
frames, the genre, every paragraph and the sentences scored to localise a
technique; a unit's TF-IDF row is gathered from its token range, with the same
numbers as scoring the unit's own text.

The training corpora are for research use only; so are the models (see their
cards in ``models/``).

Examples
--------
>>> from stancekit.nlp import get_nlp, parse  # doctest: +SKIP
>>> from stancekit.config import AnalysisConfig  # doctest: +SKIP
>>> layer = detect_persuasion(parse("Title", "Body ...", get_nlp()), AnalysisConfig())  # doctest: +SKIP
>>> [(t.technique, round(t.score, 2)) for t in layer.techniques]  # doctest: +SKIP
"""

from __future__ import annotations

import bisect
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ResourceError
from .models import LinearModel, load_model_files
from .nlp import TOKEN_ATTRS, WORD_PATTERN, TokenColumns, WordTable
from .resources import read_json, vader_lexicon
from .types import FRAMES, GENRES, TECHNIQUES, FrameScore, PersuasionLayer, Technique

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from .config import AnalysisConfig
    from .nlp import Parsed

__all__ = [
    "DOC_FEATURES",
    "FEATURIZER_VERSION",
    "MODEL_NAMES",
    "UNIT_FEATURES",
    "DocTerms",
    "TokenTable",
    "detect_persuasion",
    "load_scorer",
    "paragraph_spans",
    "score_document",
    "score_paragraphs",
]

FEATURIZER_VERSION = 1
MODEL_NAMES = ("techniques", "frames", "genre")
GENRE_MIN_WORDS = 100  # below this many words the genre model is out of its range
REBUILD = "python scripts/train_persuasion.py"

_QUOTES = frozenset({'"', "“", "”", "«", "»", "„", "''", "``"})
_WORD_CLASSES = (
    "first_plural",
    "first_singular",
    "second_person",
    "attribution",
    "intensifiers",
    "absolutes",
    "hedges",
)
#: per-token columns, summed over a unit
_TOKEN_COLUMNS = (
    "exclaim",
    "question",
    "quotes",
    "superlatives",
    *_WORD_CLASSES,
    "all_caps",
    "loaded",
    "negative",
    "positive",
    "numbers",
    "proper_nouns",
    *(f"cue:{t}" for t in TECHNIQUES),
)
_COL = {name: i for i, name in enumerate(_TOKEN_COLUMNS)}
#: ORTH, TAG, IDX, LOWER: the columns of ``TokenColumns.array`` a TokenTable reads
_TABLE_COLUMNS = [TOKEN_ATTRS.index(a) for a in ("ORTH", "TAG", "IDX", "LOWER")]
_CUE0 = _COL[f"cue:{TECHNIQUES[0]}"]

#: features of a document as a whole (rates per 100 tokens, plus sizes)
DOC_FEATURES = (
    "log_tokens",
    "log_units",
    "mean_unit_tokens",
    "repeated_bigrams",
    *(f"rate:{c}" for c in _TOKEN_COLUMNS),
)
#: features of a unit (paragraph or sentence): log counts, repetition across the document, position
#: (the document's own rates as context did not help in cross-validation, so they are left out)
UNIT_FEATURES = (
    "log_tokens",
    *(f"log:{c}" for c in _TOKEN_COLUMNS),
    "repeated_share",
    "repeated_max",
    "repeated_bigram_max",
    "is_title",
    "position",
)

_PARA_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE_END_OK = re.compile(r"[.!?:;\"'”’»)\]]\s*$")
_LOCK = threading.Lock()


# --------------------------------------------------------------------------- lexicons
@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    lex = read_json("persuasion_lexicon.json")
    if "word_classes" not in lex or "technique_cues" not in lex:
        raise ResourceError(
            "packaged resource 'persuasion_lexicon.json' lacks 'word_classes' or "
            "'technique_cues'; reinstall stancekit"
        )
    return lex  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _word_classes() -> dict[str, int]:
    """lowercase word -> bit mask of the word classes it belongs to."""
    out: dict[str, int] = {}
    classes = _lexicon()["word_classes"]
    for bit, name in enumerate(_WORD_CLASSES):
        for w in classes.get(name, ()):
            out[w] = out.get(w, 0) | (1 << bit)
    return out


@lru_cache(maxsize=1)
def _cue_matcher() -> tuple[re.Pattern[str] | None, dict[str, tuple[int, ...]]]:
    """One regex over all technique cue phrases, and phrase -> technique indices."""
    owners: dict[str, list[int]] = {}
    for j, tech in enumerate(TECHNIQUES):
        for phrase in _lexicon()["technique_cues"].get(tech, ()):
            p = phrase.lower().strip()
            if p:
                owners.setdefault(p, []).append(j)
    if not owners:
        return None, {}
    bounded = sorted(p for p in owners if p[0].isalnum() and p[-1].isalnum())
    loose = sorted(p for p in owners if not (p[0].isalnum() and p[-1].isalnum()))
    parts = [f"(?<!\\w)(?:{_trie_pattern(bounded)})(?!\\w)"] if bounded else []
    parts += [_trie_pattern(loose)] if loose else []
    pattern = re.compile("|".join(parts))
    return pattern, {p: tuple(v) for p, v in owners.items()}


def _trie_pattern(phrases: Sequence[str]) -> str:
    """A regex matching any of ``phrases`` (longest first), built from a character trie so
    that matching costs one pass over the text instead of one try per phrase."""
    trie: dict[str, Any] = {}
    for p in phrases:
        node = trie
        for ch in p:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict[str, Any]) -> str:
        end = "" in node
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)


# --------------------------------------------------------------------------- units
def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraph spans of ``text``, stripped of surrounding whitespace.

    Blocks separated by blank lines are paragraphs; inside a block, a single
    newline also ends a paragraph when the line before it ends like a sentence
    (so one-paragraph-per-line text splits, hard-wrapped prose does not).
    Spans without a letter or digit are dropped.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    blocks = [*(m.start() for m in _PARA_BREAK.finditer(text)), len(text)]
    for cut in blocks:
        block = text[pos:cut]
        off = pos
        line_start = 0
        for m in re.finditer(r"\n", block):
            line = block[line_start : m.start()]
            if _LINE_END_OK.search(line):
                _add_span(spans, text, off + line_start, off + m.start())
                line_start = m.end()
        _add_span(spans, text, off + line_start, off + len(block))
        pos = cut
    return spans


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    seg = text[start:end]
    stripped = seg.strip()
    if not stripped or not any(ch.isalnum() for ch in stripped):
        return
    s = start + (len(seg) - len(seg.lstrip()))
    spans.append((s, s + len(stripped)))


def _lower_same_length(text: str) -> str:
    """``text.lower()``, keeping characters whose lowercase is longer (e.g. 'İ') so that
    offsets stay aligned with ``text``."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in text)


def _lexical_row(
    text: str, lower: str, is_punct: bool, like_num: bool, extra: frozenset[str]
) -> np.ndarray:
    """The columns of ``_TOKEN_COLUMNS`` that depend on the word form alone."""
    row = np.zeros(len(_TOKEN_COLUMNS), dtype=np.float64)
    if is_punct or not text.isalnum():
        row[0] = text.count("!")
        row[1] = text.count("?")
        if text in _QUOTES:
            row[2] = 1.0
    mask = _word_classes().get(lower, 0)
    for bit in range(len(_WORD_CLASSES)) if mask else ():
        if mask >> bit & 1:
            row[4 + bit] = 1.0
    if len(text) >= 4 and text.isupper() and text.isalpha():
        row[_COL["all_caps"]] = 1.0
    v = vader_lexicon().get(lower)
    if v is not None:
        if abs(v) >= 2.0:
            row[_COL["loaded"]] = 1.0
        if v < 0:
            row[_COL["negative"]] = -v
        else:
            row[_COL["positive"]] = v
    if lower in extra:
        row[_COL["loaded"]] = 1.0
    if like_num:
        row[_COL["numbers"]] = 1.0
    return row


@lru_cache(maxsize=1 << 14)
def _form(vocab: Any, orth: int) -> tuple[np.ndarray | None, str, bool]:
    """Lexical columns (None when all are zero, as for most forms: their rows stay zero
    without being copied), lowercase and content-word flag of one word form (cached across
    documents: they depend on the form alone; 16,384 forms hold the working vocabulary of
    150 long articles (8,192 made persuasion and framing 15% slower) and keep the cache
    small, so memory stays flat over a long corpus)."""
    lexeme = vocab[orth]
    lower = lexeme.lower_
    row = _lexical_row(lexeme.orth_, lower, lexeme.is_punct, lexeme.like_num, frozenset())
    row.setflags(write=False)
    content = bool(lexeme.is_alpha and len(lower) > 2 and not lexeme.is_stop)
    return (row if row.any() else None), lower, content


def _ranges(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The concatenated index ranges [a[u], b[u]) and the range number of each index."""
    lengths = np.maximum(b - a, 0)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(a)), lengths)
    first = np.cumsum(lengths) - lengths
    idx = np.arange(total) - first[owner] + a[owner]
    return idx, owner


class TokenTable:
    """Per-token counts of one spaCy ``Doc``, summed over any character spans.

    One pass over the tokens fills a (tokens x columns) matrix of the columns in
    ``_TOKEN_COLUMNS``; prefix sums make every unit a subtraction. Word forms are
    looked up once per distinct form (and cached across documents); everything
    else is vectorised.

    Parameters
    ----------
    doc:
        A spaCy ``Doc`` with POS tags (``tag_``).
    loaded_terms:
        Extra loaded words (``AnalysisConfig.loaded_terms``); single words count as loaded.
    text:
        ``doc.text`` when the caller has it (saves rebuilding the string from the tokens).
    """

    def __init__(
        self,
        doc: Doc,
        loaded_terms: Mapping[str, float] | None = None,
        text: str | None = None,
        tokens: TokenColumns | None = None,
    ) -> None:
        extra = frozenset(k.lower() for k in (loaded_terms or {}) if " " not in k.strip())
        n = len(doc)
        if text is None or (n and doc[-1].idx + len(doc[-1].text_with_ws) != len(text)):
            text = doc.text
        width = len(_TOKEN_COLUMNS)
        # ORTH, TAG, IDX, LOWER of the document's token columns (``Parsed.tokens``: read
        # once for every stage)
        if tokens is None or tokens.doc is not doc:
            tokens = TokenColumns(doc)
        arr = tokens.array[:, _TABLE_COLUMNS]
        starts = arr[:, 2].astype(np.int64)
        # lexical columns depend on the word form only: one (cached) look-up per distinct form
        orths, inverse = np.unique(arr[:, 0], return_inverse=True)
        inverse = inverse.reshape(-1)
        vocab = doc.vocab
        forms = [_form(vocab, orth) for orth in orths.tolist()]
        if forms:
            # the rows of the forms with a non-zero column; the other rows stay zero
            lex = np.zeros((len(forms), width), dtype=np.float64)
            nonzero = [u for u, f in enumerate(forms) if f[0] is not None]
            if nonzero:
                lex[nonzero] = [forms[u][0] for u in nonzero]
            if extra:
                for u, f in enumerate(forms):
                    if f[1] in extra:
                        lex[u, _COL["loaded"]] = 1.0
            mat = lex[inverse]
            is_content = np.array([f[2] for f in forms], dtype=bool)[inverse]
        else:
            mat = np.zeros((0, width))
            is_content = np.zeros(0, dtype=bool)
        strings = vocab.strings
        tags, lowers = arr[:, 1], arr[:, 3]

        def ids(*names: str) -> list[int]:
            return [strings[s] for s in names]

        sup = np.isin(tags, ids("JJS", "RBS"))
        if n > 1:
            after_most = np.zeros(n, dtype=bool)
            after_most[1:] = np.isin(lowers[:-1], ids("most", "least"))
            sup |= after_most & np.isin(tags, ids("JJ", "RB"))
        mat[sup, 3] = 1.0
        mat[np.isin(tags, ids("NNP", "NNPS")), _COL["proper_nouns"]] = 1.0
        pattern, owners = _cue_matcher()
        if pattern is not None and n:
            token_starts = starts.tolist()
            for m in pattern.finditer(_lower_same_length(text)):
                i = max(0, bisect.bisect_right(token_starts, m.start()) - 1)
                for j in owners.get(m.group(0), ()):
                    mat[i, _CUE0 + j] += 1.0
        # content words (by lowercase form) and their bigrams, as integer ids
        cid = np.full(n, -1, dtype=np.int64)
        if is_content.any():
            _, cid[is_content] = np.unique(lowers[is_content], return_inverse=True)
        n_words = int(cid.max()) + 1 if n else 0
        word_count = np.bincount(cid[cid >= 0], minlength=n_words)
        bid = np.full(max(n - 1, 0), -1, dtype=np.int64)
        pair = (cid[:-1] >= 0) & (cid[1:] >= 0) if n > 1 else np.zeros(0, dtype=bool)
        if pair.any():
            keys = cid[:-1][pair] * max(n_words, 1) + cid[1:][pair]
            _, bid[pair] = np.unique(keys, return_inverse=True)
        bigram_count = np.bincount(bid[bid >= 0]) if pair.any() else np.zeros(0, dtype=np.int64)
        self.n = n
        self.text = text
        self.starts = starts
        self.matrix = mat
        self.cum = np.zeros((n + 1, width))
        np.cumsum(mat, axis=0, out=self.cum[1:])
        self.word_id = cid
        self.word_count = word_count
        self.bigram_id = bid
        self.bigram_count = bigram_count

    # ------------------------------------------------------------------ helpers
    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices [a, b) of the tokens starting inside [start, end)."""
        a = int(np.searchsorted(self.starts, start, side="left"))
        b = int(np.searchsorted(self.starts, end, side="left"))
        return a, b

    def sums(self, a: int, b: int) -> np.ndarray:
        return self.cum[b] - self.cum[a]  # type: ignore[no-any-return]

    def doc_features(self, n_units: int) -> np.ndarray:
        """The vector of ``DOC_FEATURES`` for the whole document."""
        total = self.sums(0, self.n)
        n = max(self.n, 1)
        rep = int(np.sum(self.bigram_count > 1))
        head = [
            math.log1p(self.n),
            math.log1p(n_units),
            math.log1p(self.n / max(n_units, 1)),
            math.log1p(rep),
        ]
        return np.concatenate([np.array(head), 100.0 * total / n])

    def unit_features(self, spans: Sequence[tuple[int, int]], titles: Sequence[bool]) -> np.ndarray:
        """The matrix of ``UNIT_FEATURES`` for character spans of the document."""
        n_sp = len(spans)
        out = np.zeros((n_sp, len(UNIT_FEATURES)), dtype=np.float64)
        if not n_sp:
            return out
        k = len(_TOKEN_COLUMNS)
        sp = np.asarray(spans, dtype=np.int64).reshape(n_sp, 2)
        a = np.searchsorted(self.starts, sp[:, 0], side="left")
        b = np.searchsorted(self.starts, sp[:, 1], side="left")
        counts = self.cum[b] - self.cum[a]
        # repetition: content words of the unit that also occur elsewhere in the document
        idx, unit = _ranges(a, b)
        w = self.word_id[idx]
        keep = w >= 0
        w, unit = w[keep], unit[keep]
        n_words = np.bincount(unit, minlength=n_sp)
        elsewhere: np.ndarray = np.zeros(n_sp)
        rmax = np.zeros(n_sp)
        if len(w):
            _, inv, local = np.unique(
                unit * max(len(self.word_count), 1) + w, return_inverse=True, return_counts=True
            )
            total = self.word_count[w]
            elsewhere = np.bincount(
                unit, weights=(total > local[inv.reshape(-1)]).astype(np.float64), minlength=n_sp
            )
            np.maximum.at(rmax, unit, total.astype(np.float64))
        bmax = np.zeros(n_sp)
        idx2, unit2 = _ranges(a, b - 1)
        if len(idx2):
            g = self.bigram_id[idx2]
            sel = g >= 0
            if sel.any():
                np.maximum.at(bmax, unit2[sel], self.bigram_count[g[sel]].astype(np.float64))
        n_units = max(n_sp - 1, 1)
        out[:, 0] = np.log1p(b - a)
        out[:, 1 : 1 + k] = np.log1p(counts)
        out[:, 1 + k] = elsewhere / np.maximum(n_words, 1)
        out[:, 2 + k] = np.log1p(rmax)
        out[:, 3 + k] = np.log1p(bmax)
        out[:, 4 + k] = np.asarray(titles, dtype=np.float64)
        out[:, 5 + k] = np.arange(n_sp) / n_units
        return out


# --------------------------------------------------------------------------- models
@dataclass(frozen=True)
class Scorer:
    """A stored linear model with its featurizer: TF-IDF n-grams plus standardised dense features."""

    name: str
    model: LinearModel
    tfidf: FastTfidf = field(repr=False)
    feature_names: tuple[str, ...]
    mean: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)
    thresholds: np.ndarray = field(repr=False)
    dense_weight: float = 1.0
    dense_clip: float | None = None
    coef_t: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))

    @property
    def classes(self) -> tuple[str, ...]:
        return self.model.classes

    @property
    def method(self) -> str:
        return f"model:{self.name}-v{self.model.card.get('version', 1)}"

    def features(self, texts: Sequence[str], dense: np.ndarray) -> Any:
        """The model's input matrix: TF-IDF rows, then the scaled dense features."""
        from scipy import sparse

        X = self.tfidf.transform(texts)
        D = scale_dense(dense, self.mean, self.scale, self.dense_weight, self.dense_clip)
        return sparse.hstack([X, sparse.csr_matrix(D)], format="csr")

    def proba(self, texts: Sequence[str], dense: np.ndarray) -> np.ndarray:
        """Class probabilities (one sigmoid per class, or a softmax for single-label models)."""
        if not len(texts):
            return np.zeros((0, len(self.classes)))
        z = np.asarray(self.features(texts, dense) @ self.coef_t) + self.model.intercept
        return self.link(z)

    def decision_spans(
        self, terms: DocTerms, spans: Sequence[tuple[int, int]], dense: np.ndarray
    ) -> np.ndarray:
        """Decision values of character spans of ``terms.text`` (one row per span).

        The same numbers as ``features([text[s:e] ...]) @ coef + intercept``, computed
        from the document's shared tokens with array operations.
        """
        R = len(spans)
        k = len(self.model.intercept)
        fz = self.tfidf
        V = len(fz.idf)
        D = scale_dense(dense, self.mean, self.scale, self.dense_weight, self.dense_clip)
        z = D @ self.coef_t[V:] + self.model.intercept
        if not R:
            return np.zeros((0, k))
        lo, hi = fz.ngram_range
        if not terms.aligned or terms.key != fz.key or lo != 1 or hi > 2:
            X = fz.transform([terms.text[s:e] for s, e in spans])
            return z + np.asarray(X @ self.coef_t[:V])
        a, b, cut = terms.token_ranges(spans)
        uni_cols, bi_cols = terms.columns(fz, hi == 2)
        idx, row = _ranges(a, b)
        cols = uni_cols[terms.ids[idx]]
        if hi == 2:
            idx2, row2 = _ranges(a, b - 1)
            cols = np.concatenate([cols, bi_cols[terms.pair_id[idx2]]])
            row = np.concatenate([row, row2])
        keep = cols >= 0
        if keep.any():
            keys, counts = np.unique(row[keep] * V + cols[keep], return_counts=True)
            r, c = keys // V, keys % V
            tf = np.log(counts) + 1.0 if fz.sublinear_tf else counts.astype(np.float64)
            w = tf * fz.idf[c]
            norm = np.sqrt(np.bincount(r, weights=w * w, minlength=R))
            w = w / norm[r]
            first = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
            z[r[first]] += np.add.reduceat(w[:, None] * self.coef_t[c], first, axis=0)
        for i in np.flatnonzero(cut).tolist():  # a token crosses the span's edge: score its text
            s, e = spans[i]
            z[i] = D[i] @ self.coef_t[V:] + self.model.intercept
            z[i] += np.asarray(fz.transform([terms.text[s:e]]) @ self.coef_t[:V])[0]
        return z  # type: ignore[no-any-return]

    def link(self, z: np.ndarray) -> np.ndarray:
        """Probabilities from decision values: sigmoids (multi-label) or a softmax."""
        if self.model.card.get("multilabel"):
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
        else:
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            p = e / e.sum(axis=1, keepdims=True)
        return np.clip(p, 0.0, 1.0)  # type: ignore[no-any-return]


class FastTfidf:
    """TF-IDF rows exactly as scikit-learn's ``TfidfVectorizer`` (word analyzer, l2 norm)
    computes them from a stored vocabulary and idf, without its per-call validation overhead.

    ``tests/test_persuasion.py`` checks the equality against scikit-learn.
    """

    def __init__(self, vocab: Iterable[str], idf: np.ndarray, params: Mapping[str, Any]) -> None:
        self.vocab = {str(t): i for i, t in enumerate(vocab)}
        self.idf = np.asarray(idf, dtype=np.float64)
        lo, hi = params.get("ngram_range", (1, 2))
        self.ngram_range = (int(lo), int(hi))
        self.lowercase = bool(params.get("lowercase", True))
        self.sublinear_tf = bool(params.get("sublinear_tf", True))
        self.token_re = re.compile(params.get("token_pattern", r"(?u)\b\w\w+\b"))
        self.key = (self.token_re.pattern, self.lowercase)

    def _terms(self, text: str) -> list[str]:
        tokens = self.token_re.findall(text.lower() if self.lowercase else text)
        lo, hi = self.ngram_range
        out = list(tokens) if lo == 1 else []
        for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
            out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return out

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy import sparse

        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        vocab = self.vocab
        for text in texts:
            counts = Counter(j for t in self._terms(text) if (j := vocab.get(t)) is not None)
            cols = sorted(counts)
            tf = np.array([counts[j] for j in cols], dtype=np.float64)
            if self.sublinear_tf and len(tf):
                tf = np.log(tf) + 1.0
            w = tf * self.idf[cols] if cols else tf
            norm = math.sqrt(float(w @ w)) if len(w) else 0.0
            if norm > 0:
                w = w / norm
            indices.extend(cols)
            values.extend(w.tolist())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64), indptr),
            shape=(len(texts), len(self.idf)),
        )


class JointVocab:
    """One dictionary over the vocabularies of several TF-IDF models: a document's distinct
    terms are looked up once, then mapped to each model's columns by an array index."""

    def __init__(self, models: Sequence[FastTfidf]) -> None:
        self.models = tuple(models)
        index: dict[str, int] = {}
        for fz in self.models:
            for t in fz.vocab:
                index.setdefault(t, len(index))
        self.index = index
        self.columns: dict[int, np.ndarray] = {}
        for fz in self.models:
            col = np.full(len(index) + 1, -1, dtype=np.int64)  # the last entry: a missing term
            rows = np.fromiter((index[t] for t in fz.vocab), dtype=np.int64, count=len(fz.vocab))
            col[rows] = np.fromiter(fz.vocab.values(), dtype=np.int64, count=len(fz.vocab))
            self.columns[id(fz)] = col


_JOINT: list[JointVocab] = []  # lazy cache: the joint vocabulary of the loaded models


def _joint_vocab(scorers: Sequence[Scorer]) -> JointVocab:
    fzs = tuple(s.tfidf for s in scorers)
    with _LOCK:
        for j in _JOINT:
            if len(j.models) == len(fzs) and all(a is b for a, b in zip(j.models, fzs)):
                return j
        j = JointVocab(fzs)
        _JOINT[:] = [j]
        return j


class DocTerms:
    """The word tokens of one text, found once and shared by every model and every unit.

    A unit's TF-IDF row is then a gather over its token range instead of a new
    tokenization: ``Scorer.decision_spans`` gives the same numbers as scoring the
    unit's text with :class:`FastTfidf` (and scikit-learn), except for a unit whose
    edge cuts through a token, which is scored from its own text.

    Parameters
    ----------
    text:
        The whole document.
    token_re, lowercase:
        The tokenizer of the models (their ``featurizer`` settings).
    """

    def __init__(
        self,
        text: str,
        token_re: re.Pattern[str],
        lowercase: bool = True,
        joint: JointVocab | None = None,
        words: WordTable | None = None,
    ) -> None:
        self.joint = joint
        self.text = text
        self.key = (token_re.pattern, lowercase)
        self._columns: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        if words is None or not (lowercase and token_re.pattern == WORD_PATTERN):
            words = WordTable(text, token_re, lowercase)
        # the document's word table (``Parsed.words``, split once for every n-gram model,
        # or this tokenizer's own): its words, spans and ids
        self._shared = words
        self.aligned = words.aligned
        self.unigrams = words.unigrams
        self.ids = words.ids
        self.starts = words.start_array
        self.ends = words.end_array
        self.pair_id = words.pair_id

    @property
    def bigrams(self) -> list[str]:
        """The distinct bigrams ("w1 w2"), indexed by ``pair_id``."""
        return self._shared.bigrams

    def columns(self, fz: FastTfidf, bigrams: bool) -> tuple[np.ndarray, np.ndarray]:
        """Columns of model ``fz`` for the distinct unigrams and bigrams (-1: not in its
        vocabulary), through the joint vocabulary when it holds ``fz`` (each vocabulary
        looked up once per document by the word table)."""
        key = id(fz) * 2 + bigrams
        if key in self._columns:
            return self._columns[key]
        joint = self.joint
        col = joint.columns.get(id(fz)) if joint is not None else None
        if col is not None and joint is not None:
            u, b = self._shared.columns(joint.index)
            miss = len(joint.index)
            uni, bi = col[np.where(u < 0, miss, u)], col[np.where(b < 0, miss, b)]
        else:
            uni, bi = self._shared.columns(fz.vocab)
        if not bigrams:
            bi = np.zeros(0, dtype=np.int64)
        self._columns[key] = (uni, bi)
        return uni, bi

    def token_ranges(
        self, spans: Sequence[tuple[int, int]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token index ranges [a, b) inside each span, and whether a token straddles its edge."""
        sp = np.asarray(spans, dtype=np.int64).reshape(len(spans), 2)
        n = len(self.starts)
        a = np.searchsorted(self.starts, sp[:, 0], side="left")
        b = np.maximum(np.searchsorted(self.ends, sp[:, 1], side="right"), a)
        cut = np.zeros(len(sp), dtype=bool)
        if n:
            before = np.clip(a - 1, 0, n - 1)
            cut |= (a > 0) & (self.ends[before] > sp[:, 0])
            after = np.clip(b, 0, n - 1)
            cut |= (b < n) & (self.starts[after] < sp[:, 1])
        return a, b, cut


def scale_dense(
    dense: np.ndarray, mean: np.ndarray, scale: np.ndarray, weight: float, clip: float | None
) -> np.ndarray:
    """Standardise dense features, clip them to +-``clip`` standard deviations, weight them."""
    z = (np.asarray(dense, dtype=np.float64) - mean) / scale
    if clip:
        z = np.clip(z, -clip, clip)
    return z * weight  # type: ignore[no-any-return]


def make_vectorizer(vocab: Iterable[str], idf: np.ndarray, params: Mapping[str, Any]) -> Any:
    """A fitted-equivalent ``TfidfVectorizer`` from a stored vocabulary and idf (no pickle)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        vocabulary={str(t): i for i, t in enumerate(vocab)},
        ngram_range=tuple(params.get("ngram_range", (1, 2))),  # type: ignore[arg-type]
        lowercase=bool(params.get("lowercase", True)),
        sublinear_tf=bool(params.get("sublinear_tf", True)),
        token_pattern=params.get("token_pattern", r"(?u)\b\w\w+\b"),
        min_df=1,
        dtype=np.float64,
    )
    vec.idf_ = np.asarray(idf, dtype=np.float64)
    vec.transform([""])  # validate the vocabulary once, so later calls only read
    return vec


@lru_cache(maxsize=8)
def load_scorer(name: str) -> Scorer:
    """Load the stored model ``name`` (one of ``MODEL_NAMES``) with its featurizer; cached.

    Raises ``ResourceError`` naming the rebuild command when the files are missing,
    corrupt or do not match this featurizer.
    """
    with _LOCK:
        files = load_model_files(name)
        card = files.card
        a = files.arrays

        def bad(problem: str) -> ResourceError:
            cmd = card.get("rebuild") or REBUILD
            return ResourceError(
                f"model {name!r}: {problem}. Rebuild it from ../shared/data with `{cmd}`, "
                "or reinstall stancekit."
            )

        try:
            model = LinearModel.from_files(files)
            vocab = a["vocab"]
            idf = a["idf"]
            names = tuple(str(x) for x in a["feature_names"])
            mean = a["feature_mean"].astype(np.float64)
            scale = a["feature_scale"].astype(np.float64)
        except KeyError as exc:
            raise bad(f"array {exc} is missing") from exc
        expected = UNIT_FEATURES if card.get("unit") in ("paragraph", "sentence") else DOC_FEATURES
        if names != expected or card.get("featurizer_version") != FEATURIZER_VERSION:
            raise bad("it was trained with another featurizer version")
        if model.coef.shape[1] != len(vocab) + len(names) or len(idf) != len(vocab):
            raise bad(
                f"its arrays disagree (coef {model.coef.shape}, vocab {len(vocab)}, "
                f"idf {len(idf)}, features {len(names)})"
            )
        valid = {"techniques": TECHNIQUES, "frames": FRAMES, "genre": GENRES}.get(name)
        if valid is not None and not set(model.classes) <= set(valid):
            raise bad(
                f"its classes {sorted(set(model.classes) - set(valid))} are not in the vocabulary"
            )
        if not np.all(np.isfinite(model.coef)) or not np.all(np.isfinite(mean)):
            raise bad("it holds non-finite weights")
        thresholds = a.get("thresholds")
        if thresholds is None:
            thresholds = np.full(len(model.classes), 0.5)
        fast = FastTfidf(vocab, idf, card.get("featurizer", {}))
        if len(fast.vocab) != len(vocab):
            raise bad("its vocabulary holds duplicate terms")
        scale = np.where(scale > 0, scale, 1.0)
        return Scorer(
            name=name,
            model=model,
            tfidf=fast,
            feature_names=names,
            mean=mean,
            scale=scale,
            thresholds=np.asarray(thresholds, dtype=np.float64),
            dense_weight=float(card.get("featurizer", {}).get("dense_weight", 1.0)),
            dense_clip=card.get("featurizer", {}).get("dense_clip"),
            coef_t=np.ascontiguousarray(model.coef.T),
        )


# --------------------------------------------------------------------------- the stage
@dataclass(frozen=True)
class ParagraphScores:
    """Technique probabilities of every paragraph of a parsed text (see :func:`score_paragraphs`)."""

    spans: tuple[tuple[int, int], ...]
    titles: tuple[bool, ...]
    classes: tuple[str, ...]
    proba: np.ndarray = field(repr=False)  # (paragraphs x classes)


class _Document:
    """What every model reads from one parsed document, computed once: the token table,
    the paragraphs and the word tokens of the TF-IDF models."""

    def __init__(self, parsed: Parsed, config: AnalysisConfig | None, table: TokenTable | None):
        self.parsed = parsed
        self.table = table or TokenTable(
            parsed.doc, getattr(config, "loaded_terms", None), parsed.text, parsed.tokens
        )
        self.spans = paragraph_spans(parsed.text)
        self._terms: dict[tuple[str, bool], DocTerms] = {}
        self.joint = _joint_vocab([load_scorer(n) for n in MODEL_NAMES])

    def terms(self, scorer: Scorer) -> DocTerms:
        fz = scorer.tfidf
        if fz.key not in self._terms:
            self._terms[fz.key] = DocTerms(
                self.parsed.text, fz.token_re, fz.lowercase, self.joint, self.parsed.words
            )
        return self._terms[fz.key]

    def doc_proba(self, scorer: Scorer) -> np.ndarray:
        dense = self.table.doc_features(len(self.spans))[None, :]
        text = self.parsed.text
        return scorer.link(scorer.decision_spans(self.terms(scorer), [(0, len(text))], dense))[0]

    def unit_proba(
        self, scorer: Scorer, spans: Sequence[tuple[int, int]], dense: np.ndarray
    ) -> np.ndarray:
        return scorer.link(scorer.decision_spans(self.terms(scorer), spans, dense))


def _paragraph_scores(d: _Document) -> ParagraphScores:
    model = load_scorer("techniques")
    parsed = d.parsed
    titles = tuple(parsed.in_title(s) for s, _ in d.spans)
    if d.spans:
        proba = d.unit_proba(model, d.spans, d.table.unit_features(d.spans, titles))
    else:
        proba = np.zeros((0, len(model.classes)))
    return ParagraphScores(tuple(d.spans), titles, model.classes, proba)


def _document_scores(d: _Document) -> tuple[dict[str, float], dict[str, float]]:
    frames_model = load_scorer("frames")
    genre_model = load_scorer("genre")
    fp = d.doc_proba(frames_model)
    gp = d.doc_proba(genre_model)
    return dict(zip(frames_model.classes, map(float, fp))), dict(
        zip(genre_model.classes, map(float, gp))
    )


def score_paragraphs(
    parsed: Parsed, config: AnalysisConfig | None = None, table: TokenTable | None = None
) -> ParagraphScores:
    """The probability of every trained technique for every paragraph of ``parsed.text``.

    Examples
    --------
    >>> s = score_paragraphs(parsed)  # doctest: +SKIP
    >>> dict(zip(s.classes, s.proba[0].round(2)))  # doctest: +SKIP
    """
    return _paragraph_scores(_Document(parsed, config, table))


def score_document(
    parsed: Parsed, config: AnalysisConfig | None = None, table: TokenTable | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """Frame probabilities and (calibrated) genre probabilities of the whole text."""
    return _document_scores(_Document(parsed, config, table))


def detect_persuasion(parsed: Parsed, config: AnalysisConfig) -> PersuasionLayer:
    """Persuasion techniques per paragraph, issue frames and genre of one parsed document.

    Stage options (``AnalysisConfig(options={...})``):

    * ``persuasion.threshold``: one probability threshold for every technique
      instead of the cross-validated per-technique thresholds;
    * ``persuasion.frame_threshold``: likewise for frames;
    * ``persuasion.localize`` (default true): report each technique at the
      sentence of its paragraph that scores highest for it, else the paragraph;
    * ``persuasion.genre_min_words`` (default 100): shorter texts get ``genre``
      None and a ``genre_note`` saying why (the model knows whole articles only).

    Returns a :class:`PersuasionLayer`; offsets index into ``parsed.text``.
    Features: ``genre`` (None below ``genre_min_words``), ``genre_score`` (its
    calibrated probability), ``genre_note`` (why there is no genre, else empty),
    ``genre_p_<class>``, ``n_techniques``, ``technique_paragraph_share``,
    ``top_technique``, ``n_frames``, ``top_frame``.
    """
    techniques_model = load_scorer("techniques")
    frames_model = load_scorer("frames")
    d = _Document(parsed, config, None)

    # ---- document level: frames and genre
    fp, gp = _document_scores(d)
    f_thr = config.option("persuasion.frame_threshold")
    thr_frame = dict(zip(frames_model.classes, map(float, frames_model.thresholds)))
    frames = tuple(
        FrameScore(
            frame=f,
            score=fp.get(f, 0.0),
            present=f in fp and fp[f] >= (float(f_thr) if f_thr is not None else thr_frame[f]),
            method=frames_model.method,
        )
        for f in FRAMES
    )
    genre: str | None = max(gp, key=lambda c: gp[c]) if gp else GENRES[0]
    # The genre model learned from whole articles (shortest 108 words, 5th percentile 244);
    # on a few sentences its length and rate features are out of range (a three-line column
    # read as satire), so below the minimum it says nothing rather than guess.
    from spacy.attrs import IS_ALPHA

    n_words = int(parsed.doc.to_array(IS_ALPHA).sum()) if len(parsed.doc) else 0
    min_words = int(config.option("persuasion.genre_min_words", GENRE_MIN_WORDS))
    genre_note = ""
    if n_words < min_words:
        genre = None
        genre_note = f"not assessed: {n_words} words, the genre model needs {min_words}"

    # ---- paragraphs: techniques
    ps = _paragraph_scores(d)
    records: list[Technique] = []
    n_hit = 0
    if ps.spans:
        t_thr = config.option("persuasion.threshold")
        thr = (
            np.full(len(ps.classes), float(t_thr))
            if t_thr is not None
            else techniques_model.thresholds
        )
        hits = np.argwhere(ps.proba >= thr[None, :])
        n_hit = len({int(i) for i, _ in hits})
        best: dict[tuple[int, int], tuple[int, int]] = {}
        if bool(config.option("persuasion.localize", True)):
            best = _localize(d, techniques_model, ps.spans, hits)
        for i, j in hits:
            s, e = best.get((int(i), int(j)), ps.spans[i])
            records.append(
                Technique(
                    technique=ps.classes[j],
                    start=s,
                    end=e,
                    sentence_id=parsed.sentence_id(s),
                    score=float(ps.proba[i, j]),
                    method=techniques_model.method,
                    in_title=parsed.in_title(s),
                )
            )
    records.sort(key=lambda r: (r.start, -r.score, r.technique))
    counts = Counter(r.technique for r in records)
    features: list[tuple[str, Any]] = [
        ("genre", genre),
        ("genre_score", gp.get(genre, 0.0) if genre is not None else math.nan),
        ("genre_note", genre_note),
        *((f"genre_p_{c}", p) for c, p in gp.items()),
        ("n_techniques", len(records)),
        ("technique_paragraph_share", n_hit / len(ps.spans) if ps.spans else 0.0),
        ("top_technique", counts.most_common(1)[0][0] if counts else None),
        ("n_frames", sum(1 for f in frames if f.present)),
        ("top_frame", max(frames, key=lambda f: f.score).frame if frames else None),
    ]
    return PersuasionLayer(techniques=tuple(records), frames=frames, features=tuple(features))


def _localize(
    d: _Document,
    model: Scorer,
    spans: Sequence[tuple[int, int]],
    hits: np.ndarray,
) -> dict[tuple[int, int], tuple[int, int]]:
    """For each (paragraph, technique) hit in a multi-sentence paragraph, the best sentence span."""
    paras = sorted({int(i) for i, _ in hits})
    if not paras:
        return {}
    parsed = d.parsed
    sent_starts = [s.start_char for s in parsed.sentences]
    units: list[tuple[int, int]] = []
    owner: list[int] = []
    for i in paras:
        ps, pe = spans[i]
        k = max(0, bisect.bisect_right(sent_starts, ps) - 1)
        mine: list[tuple[int, int]] = []
        while k < len(sent_starts) and sent_starts[k] < pe:
            sent = parsed.sentences[k]
            s, e = max(sent.start_char, ps), min(sent.end_char, pe)
            seg = parsed.text[s:e]
            if seg.strip():
                s += len(seg) - len(seg.lstrip())
                e = s + len(seg.strip())
                mine.append((s, e))
            k += 1
        if len(mine) > 1:
            units.extend(mine)
            owner.extend([i] * len(mine))
    if not units:
        return {}
    feats = d.table.unit_features(units, [parsed.in_title(s) for s, _ in units])
    # keep the paragraph's position so sentences are scored in the same place of the document
    pos_col = UNIT_FEATURES.index("position")
    n_units = max(len(spans) - 1, 1)
    feats[:, pos_col] = [i / n_units for i in owner]
    P = d.unit_proba(model, units, feats)
    own = np.asarray(owner)
    best: dict[tuple[int, int], tuple[int, int]] = {}
    for i, j in hits:
        rows = np.flatnonzero(own == i)
        if len(rows):
            r = rows[int(np.argmax(P[rows, j]))]
            best[(int(i), int(j))] = units[r]
    return best
