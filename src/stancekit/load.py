"""Files, HTML, JSON(L), CSV and DataFrames -> :class:`~stancekit.types.Document` records.

Page furniture (menus, repeated titles, bylines, comment boxes, "Popular posts",
teasers of other articles) is removed from raw captures and HTML pages, and every
removed segment is listed in ``Document.dropped`` with a reason. A clean article
or a bare paragraph passes through unchanged.

>>> docs = load("data/samples")             # doctest: +SKIP
>>> for doc in docs: print(doc.doc_id, doc.title)   # doctest: +SKIP
>>> docs.errors                              # doctest: +SKIP  (files that could not be read)
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import LoadError
from .types import Document, Dropped

__all__ = [
    "DocumentStream",
    "LoadFailure",
    "clean_page",
    "decode_bytes",
    "document_from_html",
    "document_from_text",
    "is_html",
    "load",
]

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv", ".tsv"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES

# column / key names recognised for each field, in order of preference
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "body",
        "content",
        "article",
        "full_text",
        "fulltext",
        "article_text",
        "story",
        "document",
    ),
    "title": ("title", "headline", "heading", "name_of_article"),
    "author": ("author", "authors", "byline", "writer"),
    "published": (
        "published",
        "date",
        "publish_date",
        "published_at",
        "pub_date",
        "datetime",
        "timestamp",
        "created",
    ),
    "url": ("url", "link", "href", "permalink"),
    "source": ("source", "outlet", "site", "sitename", "site_name", "publisher", "domain", "media"),
    "doc_id": ("doc_id", "id", "article_id", "uid", "docid", "guid"),
}

MAX_URL_BYTES = 10_000_000
URL_TIMEOUT = 20.0


@dataclass(frozen=True)
class LoadFailure:
    """A document or file that could not be loaded (kept in ``DocumentStream.errors``)."""

    doc_id: str
    stage: str
    error_type: str
    message: str


@dataclass
class DocumentStream:
    """An iterator of Documents that records the inputs it could not read in ``errors``.

    Iterate it once (it streams). ``errors`` grows as bad files are met.
    """

    _iter: Iterator[Document]
    errors: list[LoadFailure] = field(default_factory=list)

    def __iter__(self) -> Iterator[Document]:
        return self._iter

    def __next__(self) -> Document:
        return next(self._iter)


# --------------------------------------------------------------------------- decoding
def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, tuple[str, ...]]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252/latin-1 (noted).

    Raises ``LoadError`` for binary content (NUL bytes or many control characters).
    """
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(f"invalid UTF-16 text ({exc})", name) from exc
        notes.append("decoded as utf-16")
    else:
        _check_binary(data, name)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # mostly UTF-8 with a few stray bytes (common in scraped pages): keep the UTF-8
            # reading, otherwise every accented letter would turn into cp1252 mojibake
            text = data.decode("utf-8", errors="replace")
            n_bad = text.count("\ufffd") - data.count("\ufffd".encode())
            n_good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
            if n_good > n_bad:
                notes.append(
                    f"not valid UTF-8: {n_bad} invalid byte sequence(s) replaced by U+FFFD"
                )
                return text, tuple(notes)
            try:
                text = data.decode("cp1252")
                notes.append("not valid UTF-8: decoded as cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                notes.append("not valid UTF-8: decoded as latin-1")
    return text, tuple(notes)


def _check_binary(data: bytes, name: str) -> None:
    head = data[:8192]
    if not head:
        return
    if b"\x00" in head:
        raise LoadError("looks like a binary file (NUL bytes), not text", name)
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if ctrl / len(head) > 0.05:
        raise LoadError("looks like a binary file (control bytes), not text", name)


def sanitize_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove NUL and other control characters and lone surrogates; normalise newlines."""
    notes: list[str] = []
    # a byte-order mark left by a file read without utf-8-sig (it is not whitespace to
    # str.strip, so a "blank" text would reach the stages)
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = (
        "".join(
            ch
            for ch in text
            if not (
                (unicodedata.category(ch) == "Cc" and ch not in "\n\t")
                or unicodedata.category(ch) == "Cs"
            )
        )
        if _needs_cleaning(text)
        else text
    )
    if cleaned != text:
        notes.append(f"removed {len(text) - len(cleaned)} control or surrogate characters")
    return cleaned, tuple(notes)


_BAD_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _needs_cleaning(text: str) -> bool:
    return _BAD_CHARS.search(text) is not None


# --------------------------------------------------------------------------- language
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")
_EN_STOP = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "a",
        "in",
        "is",
        "that",
        "for",
        "it",
        "on",
        "was",
        "with",
        "as",
        "by",
        "be",
        "are",
        "this",
        "not",
        "at",
        "from",
        "have",
        "has",
        "but",
        "or",
        "an",
        "they",
    ]
)


def language_note(text: str) -> str | None:
    """A note when the text does not look like English (script or stopwords), else None."""
    sample = text[:20000]
    letters = _LETTER.findall(sample)
    if len(letters) < 20:
        return None
    latin = len(_LATIN.findall(sample)) / len(letters)
    if latin < 0.5:
        scripts: dict[str, int] = {}
        for ch in letters:
            if not _LATIN.match(ch):
                script = unicodedata.name(ch, "UNKNOWN").split()[0]
                scripts[script] = scripts.get(script, 0) + 1
        main = max(scripts, key=lambda k: scripts[k]).title() if scripts else "non-Latin"
        return f"language: the text is mostly in {main} script, not English; results will be poor"
    words = re.findall(r"[a-z]+", sample.lower())
    if len(words) >= 40:
        ratio = sum(w in _EN_STOP for w in words) / len(words)
        if ratio < 0.08:
            return "language: the text does not look like English (few English function words); results will be poor"
    return None


# --------------------------------------------------------------------------- furniture
_NAV = re.compile(
    r"^(skip to (main )?content|skip navigation|jump to (main )?content|menu|main menu|navigation|"
    r"toggle navigation|search|home|sign in|log ?in|subscribe( now)?|register|share( this)?( article)?|"
    r"advertisement|sponsored( content)?|close|accept( all)?( cookies)?|cookie settings)$",
    re.I,
)
_FOOTER = re.compile(
    r"^(comments?( \(\d+\))?|\d+ comments?|leave a (comment|reply)|post a comment|popular posts( from this blog)?|"
    r"related (articles|posts|stories|content|coverage)|read more|read next|more from .{1,40}|more stories|"
    r"you may also like|you might also like|recommended( for you)?|most (read|popular|viewed)|trending( now)?|"
    r"also read|see also|latest (news|posts|stories)|tags?:?.*|share this( article| story)?:?|"
    r"subscribe to .{1,40}|sign up for .{1,60}|newsletter|about the author|"
    r"(copyright|©).{0,80}|all rights reserved.{0,40}|labels?:.{0,80})$",
    re.I,
)
_MONTHS = r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)"
_DATE_LINE = re.compile(
    r"^((published|posted|updated|created|last updated|date)( on)?:?\s*)?"
    r"((mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?"
    rf"(\d{{1,2}}(st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})"
    r"([\s,|at-]*\d{1,2}[:.]\d{2}(\s*[ap]\.?m\.?)?(\s*[A-Z]{2,4})?)?\s*$",
    re.I,
)
_BYLINE = re.compile(r"^(written\s+)?by\s+(?P<name>[^\d,|]{2,80}?)(\s*[,|].*)?$", re.I)
_NAMEISH = re.compile(
    r"^[A-Z][\w.'’-]*( (?:[A-Z][\w.'’-]*|de|al|van|von|bin|der|la|le|and|&)){0,4}$"
)
_DATELINE = re.compile(
    r"^(?P<src>[A-Z][A-Za-z.&' ]{1,40}?|[A-Z][A-Z .]{1,30}, [A-Za-z .]{1,30}(\([A-Za-z .]{2,30}\))?)\s+[-–—]{1,2}\s+\S"
)
_MD = re.compile(r"^#{1,6}\s+|^[*_]{1,2}(?=\S)|(?<=\S)[*_]{1,2}$")
_SENT_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def _words(line: str) -> int:
    return len(line.split())


def _is_paragraph(line: str) -> bool:
    """Body-like: a long line, or a sentence that ends with punctuation."""
    n = _words(line)
    return n >= 25 or (n >= 8 and bool(_SENT_END.search(line)))


def parse_date(text: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date line or metadata value, else None."""
    text = (text or "").strip()
    if not text:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return m.group(0)
    cleaned = re.sub(
        r"^(published|posted|updated|created|last updated|date)( on)?:?\s*", "", text, flags=re.I
    )
    try:
        from dateutil import parser as dparser

        dt = dparser.parse(
            cleaned, fuzzy=True, dayfirst=not re.match(rf"^\W*{_MONTHS}", cleaned, re.I)
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if not re.search(r"\d{4}", cleaned):
        return None
    return dt.date().isoformat()


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped


def _lines(raw: str) -> list[_Line]:
    out = []
    pos = 0
    for line in raw.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(line) + 1
    return out


@dataclass(frozen=True)
class CleanPage:
    """What :func:`clean_page` found: the body and the metadata lines it removed."""

    body: str
    title: str | None
    author: str | None
    published: str | None
    source: str | None
    dropped: tuple[Dropped, ...]


def clean_page(raw: str, *, title: str | None = None) -> CleanPage:
    """Split a plain-text page capture into title, byline, date, body and furniture.

    Conservative: only short lines before the first paragraph (the header) and
    the material after a footer marker ("Comments", "Popular posts ...",
    "Related articles" ...) are removed. A clean article passes unchanged.
    """
    lines = _lines(raw)
    if not lines:
        return CleanPage(raw.strip(), title, None, None, None, ())
    for ln in lines:  # markdown decoration: "# Title", "*By X*"
        md = _MD.sub("", ln.text).strip()
        if md != ln.text:
            ln.text = md or ln.text
    first_para = None
    for i, ln in enumerate(lines):
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if _is_paragraph(ln.text) and not (
            i < 4 and _words(ln.text) <= 25 and (_BYLINE.match(nxt) or _DATE_LINE.match(nxt))
        ):
            first_para = i
            break
    if first_para is None or len(lines) == 1:
        return CleanPage(raw.strip(), title, None, None, None, ())

    dropped: list[Dropped] = []
    found_title = title
    author = published = None
    header = lines[:first_para]
    # a header is short lines only; a long header is probably not furniture
    if len(header) > 12:
        header = []
        first_para = 0
    for ln in header:
        t = ln.text
        if _NAV.match(t) or re.fullmatch(r"([\w' ]{1,20}\s*[|•·/]\s*){2,}[\w' ]{1,20}", t):
            dropped.append(Dropped(t, "navigation", ln.start, ln.end))
        elif published is None and _DATE_LINE.match(t):
            published = parse_date(t)
            dropped.append(Dropped(t, "date line (kept as published)", ln.start, ln.end))
        elif found_title and _norm(t) == _norm(found_title):
            reason = (
                "repeated title"
                if title is None or any(d.reason.startswith("title") for d in dropped)
                else "title (kept as title)"
            )
            dropped.append(Dropped(t, reason, ln.start, ln.end))
        elif (m := _BYLINE.match(t)) and author is None:
            author = m.group("name").strip()
            dropped.append(Dropped(t, "byline (kept as author)", ln.start, ln.end))
        elif found_title is None and _words(t) >= 2 and _words(t) <= 30:
            found_title = t
            dropped.append(Dropped(t, "title (kept as title)", ln.start, ln.end))
        elif found_title is not None and author is None and _NAMEISH.match(t) and _words(t) <= 5:
            author = t
            dropped.append(Dropped(t, "byline (kept as author)", ln.start, ln.end))
        else:
            dropped.append(Dropped(t, "page header", ln.start, ln.end))

    # footer: the first short marker line after the first paragraph
    body_lines = lines[first_para:]
    cut = None
    for j, ln in enumerate(body_lines):
        if j == 0:
            continue
        if _words(ln.text) <= 8 and _FOOTER.match(ln.text):
            cut = j
            break
    if cut is not None:
        footer = body_lines[cut:]
        body_lines = body_lines[:cut]
        for k, ln in enumerate(footer):
            t = ln.text
            if _FOOTER.match(t) and _words(t) <= 8:
                low = t.lower()
                reason = (
                    "comment section"
                    if "comment" in low or "reply" in low
                    else (
                        "copyright notice"
                        if ("©" in t or "copyright" in low or "rights reserved" in low)
                        else "related-posts heading"
                    )
                )
            elif _NAV.match(t):
                reason = "navigation"
            else:
                reason = "teaser of another article" if k else "page footer"
            dropped.append(Dropped(t, reason, ln.start, ln.end))

    if not body_lines:
        return CleanPage(raw.strip(), title, None, None, None, ())
    body = raw[body_lines[0].start : body_lines[-1].end]
    # source from a dateline ("NCRI - When ...", "LONDON, 5 Mar (Reuters) - ...")
    # ("NCRI - When ...", "LONDON, 5 Mar (Reuters) - ..."); a place dateline ("BRUSSELS — ",
    # "EL PASO, Texas — ") names no source
    source = None
    m = _DATELINE.match(body)
    if m:
        src = m.group("src").strip()
        paren = re.search(r"\(([^)]+)\)", src)
        sep = body[m.end("src") : m.end()].strip()[:1]
        if paren:
            source = paren.group(1).strip()
        elif sep == "-" and "," not in src and _words(src) <= 4:
            source = src
    return CleanPage(body, found_title, author, published, source, tuple(dropped))


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


# --------------------------------------------------------------------------- constructors
def _doc_id(text: str, hint: str | None = None) -> str:
    if hint:
        return hint
    return "doc-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def is_html(text: str) -> bool:
    """Whether a string looks like an HTML page or fragment."""
    head = text[:2000].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<?xml")):
        return True
    tags = len(
        re.findall(
            r"</?(p|div|article|span|a|br|h[1-6]|section|body|li|ul)\b[^>]*>", text[:20000], re.I
        )
    )
    return tags >= 3


def document_from_text(
    raw: str,
    *,
    doc_id: str | None = None,
    title: str | None = None,
    author: str | None = None,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    path: str | None = None,
    notes: tuple[str, ...] = (),
    detect_furniture: bool = True,
    meta: tuple[tuple[str, str], ...] = (),
) -> Document:
    """A Document from plain text or a plain-text page capture (HTML is detected and extracted)."""
    raw, more = sanitize_text(raw)
    notes = notes + more
    # metadata too: a lone surrogate in a title breaks the tokenizer and JSON output
    doc_id, title, author, source, url = (
        sanitize_text(v)[0] if isinstance(v, str) else v
        for v in (doc_id, title, author, source, url)
    )
    if is_html(raw):
        return document_from_html(
            raw,
            doc_id=doc_id,
            title=title,
            author=author,
            published=published,
            source=source,
            url=url,
            path=path,
            notes=notes,
            meta=meta,
        )
    if detect_furniture:
        page = clean_page(raw, title=title)
        body, dropped = page.body, page.dropped
        title = title or page.title
        author = author or page.author
        published = parse_date(published) if published else page.published
        source = source or page.source
    else:
        body, dropped = raw.strip(), ()
        published = parse_date(published) if published else None
    return _make_document(
        body,
        raw,
        doc_id=doc_id,
        title=title,
        author=author,
        published=published,
        source=source,
        url=url,
        dropped=dropped,
        notes=notes,
        path=path,
        meta=meta,
    )


def _make_document(
    body: str,
    raw: str,
    *,
    doc_id: str | None,
    title: str | None,
    author: str | None,
    published: str | None,
    source: str | None,
    url: str | None,
    dropped: Iterable[Dropped],
    notes: tuple[str, ...],
    path: str | None,
    meta: tuple[tuple[str, str], ...],
) -> Document:
    """The one place a loaded Document is built: language and empty notes, id, empty strings
    -> None."""
    dropped = tuple(dropped)
    if not body.strip():
        # analysed all the same (empty tables), but a corpus user must see why a row is bare
        notes = (
            *notes,
            f"empty: no text left after removing page furniture ({len(dropped)} block(s) dropped)"
            if dropped
            else "empty: the document has no text",
        )
    lang = language_note(body)
    if lang:
        notes = (*notes, lang)
    return Document(
        text=body,
        doc_id=_doc_id(raw, doc_id),
        title=(title or "").strip() or None,  # parse() strips it: offsets must agree
        author=author or None,
        published=published,
        source=source or None,
        url=url or None,
        dropped=dropped,
        notes=notes,
        path=path,
        meta=meta,
    )


_FURNITURE_TAGS = ("nav", "aside", "footer", "header", "form", "noscript")
_FURNITURE_HINT = re.compile(
    r"(comment|related|popular|most-read|mostread|teaser|newsletter|cookie|share|promo|sidebar|advert|banner|menu)",
    re.I,
)


def _html_furniture(html: str) -> list[Dropped]:
    """Blocks that the page marks as furniture, for the ``dropped`` report (never executed)."""
    try:
        from lxml import html as lhtml
    except ImportError:  # pragma: no cover
        return []
    try:
        parser = lhtml.HTMLParser(remove_comments=True, no_network=True, huge_tree=False)
        tree = lhtml.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except Exception:
        return []
    out: list[Dropped] = []
    seen: set[Any] = set()  # lxml elements (kept alive here, so identity is stable)
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        reason = None
        if tag in ("script", "style"):
            reason = f"<{tag}> block"
        elif tag in _FURNITURE_TAGS:
            reason = f"<{tag}> element"
        else:
            cls = f"{el.get('class', '')} {el.get('id', '')}"
            if tag in ("div", "section", "ul") and _FURNITURE_HINT.search(cls):
                reason = f"<{tag} class/id '{cls.strip()[:40]}'>"
        if reason is None:
            continue
        if any(a in seen for a in el.iterancestors()):
            continue
        seen.add(el)
        text = " ".join(el.text_content().split())
        if text:
            out.append(Dropped(text[:300] + ("…" if len(text) > 300 else ""), reason))
    return out


def document_from_html(
    html: str,
    *,
    doc_id: str | None = None,
    title: str | None = None,
    author: str | None = None,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    path: str | None = None,
    notes: tuple[str, ...] = (),
    meta: tuple[tuple[str, str], ...] = (),
) -> Document:
    """A Document from an HTML page: article body and metadata extracted with trafilatura."""
    import trafilatura

    name = path or doc_id or "<html>"
    try:
        res = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception as exc:  # trafilatura raises assorted errors on broken markup
        raise LoadError(
            f"cannot extract an article from the HTML ({type(exc).__name__}: {exc})", name
        ) from exc
    data: dict[str, Any] = (
        res.as_dict() if res is not None and hasattr(res, "as_dict") else (res or {})
    )
    text = data.get("text") or ""
    if not text.strip():
        # fall back to all visible text
        text = _visible_text(html)
        notes = (*notes, "no article found by the extractor: used all visible text")
    ex_title = title or data.get("title")
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    joined = "\n\n".join(paras)
    page = clean_page(
        joined, title=ex_title
    )  # section labels, a repeated <h1>, bylines before the body
    body = page.body
    dropped = [Dropped(d.text, d.reason) for d in page.dropped] + _html_furniture(html)
    # metadata from the page's own tags first, then what the text's header showed
    return _make_document(
        body,
        html,
        doc_id=doc_id,
        title=ex_title or page.title,
        author=author or data.get("author") or page.author,
        published=parse_date(published or data.get("date") or "") or page.published,
        source=source or data.get("sitename") or data.get("hostname"),
        url=url or data.get("url"),
        dropped=dropped,
        notes=notes,
        path=path,
        meta=meta,
    )


def _visible_text(html: str) -> str:
    try:
        from lxml import html as lhtml

        parser = lhtml.HTMLParser(remove_comments=True, no_network=True)
        tree = lhtml.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
        for bad in tree.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        return "\n".join(t.strip() for t in tree.itertext() if t.strip())
    except Exception:
        return re.sub(r"<[^>]+>", " ", html)


# --------------------------------------------------------------------------- tables
def _pick(columns: Iterable[str], field_name: str, given: str | None) -> str | None:
    cols = list(columns)
    if given:
        return given if given in cols else None
    lower = {c.lower().strip(): c for c in cols}
    for cand in FIELD_NAMES[field_name]:
        if cand in lower:
            return lower[cand]
    return None


def _records_to_docs(
    rows: Iterable[tuple[str, Mapping[str, Any]]],
    columns: Mapping[str, str | None],
    name: str,
    errors: list[LoadFailure],
    detect_furniture: bool,
    fixed_text: bool = False,
) -> Iterator[Document]:
    text_col = columns.get("text")
    for row_id, row in rows:
        text = row.get(text_col) if text_col else None
        if text in (None, "") and not fixed_text:  # heterogeneous JSON lines: another text-like key
            text = next(
                (row[k] for k in FIELD_NAMES["text"] if isinstance(row.get(k), str) and row[k]),
                text,
            )
        id_col = columns.get("doc_id")
        doc_id = str(row.get(id_col)) if id_col and row.get(id_col) not in (None, "") else row_id
        if text is None or (isinstance(text, float) and text != text):
            errors.append(
                LoadFailure(
                    doc_id,
                    "load",
                    "LoadError",
                    f"{name}: row {row_id} has no text in column {text_col!r}",
                )
            )
            continue
        if not isinstance(text, str):
            text = str(text)

        def get(key: str, row: Mapping[str, Any] = row) -> str | None:
            col = columns.get(key)
            v = row.get(col) if col else None
            if v is None or (isinstance(v, float) and v != v):
                return None
            if isinstance(v, list):
                v = ", ".join(map(str, v))
            return str(v)

        used = {c for c in columns.values() if c}
        meta = tuple(
            (str(k), str(v))
            for k, v in row.items()
            if k not in used and isinstance(v, str | int | float | bool)
        )
        try:
            yield document_from_text(
                text,
                doc_id=doc_id,
                title=get("title"),
                author=get("author"),
                published=get("published"),
                source=get("source"),
                url=get("url"),
                path=name,
                detect_furniture=detect_furniture,
                meta=meta,
            )
        except Exception as exc:
            errors.append(
                LoadFailure(doc_id, "load", type(exc).__name__, f"{name}: row {row_id}: {exc}")
            )


INDEX_KEYS = ("file", "path", "filename", "filepath")


def _index_rows(
    rows: Sequence[tuple[str, Mapping[str, Any]]],
    given: Mapping[str, str | None],
    index_path: Path,
    errors: list[LoadFailure],
    detect_furniture: bool,
) -> Iterator[Document]:
    """An index table: each row names a file (relative to the index) and adds metadata."""
    for row_id, row in rows:
        key = next((k for k in INDEX_KEYS if row.get(k)), None)
        if key is None:
            errors.append(
                LoadFailure(
                    row_id,
                    "load",
                    "LoadError",
                    f"{index_path}: row {row_id} has neither text nor file",
                )
            )
            continue
        target = (index_path.parent / str(row[key])).resolve()
        try:
            docs = list(_read_file(target, {}, errors, detect_furniture, None))
        except (LoadError, ValueError, OSError, csv.Error, RecursionError) as exc:
            errors.append(
                LoadFailure(str(row.get("doc_id") or row_id), "load", type(exc).__name__, str(exc))
            )
            continue
        for doc in docs:
            upd: dict[str, Any] = {}
            for fname in ("title", "author", "published", "source", "url", "doc_id"):
                col = _pick(row.keys(), fname, None)
                if col and row.get(col) not in (None, ""):
                    upd[fname] = (
                        parse_date(str(row[col])) if fname == "published" else str(row[col])
                    )
            used = {c for c in (_pick(row.keys(), f, None) for f in FIELD_NAMES) if c} | {key}
            meta = tuple(
                (str(k), str(v))
                for k, v in row.items()
                if k not in used and isinstance(v, str | int | float | bool)
            )
            yield replace(doc, **upd, meta=doc.meta + meta)


def is_index(rows: list[Mapping[str, Any]]) -> bool:
    """Whether table rows are an index of files (a file column and no text column)."""
    keys = {str(k).lower() for r in rows[:5] for k in r}
    return bool(keys & set(INDEX_KEYS)) and not keys & set(FIELD_NAMES["text"])


def _columns(
    cols: Iterable[str], given: Mapping[str, str | None], name: str
) -> dict[str, str | None]:
    cols = list(cols)
    out = {f: _pick(cols, f, given.get(f)) for f in FIELD_NAMES}
    for f, g in given.items():
        if g and out.get(f) is None:
            raise LoadError(
                f"column {g!r} (for {f}) not found; columns are: {', '.join(map(str, cols))}", name
            )
    if out["text"] is None:
        raise LoadError(
            f"no text column found; name it with text=... (columns are: {', '.join(map(str, cols)) or 'none'}; "
            f"recognised names: {', '.join(FIELD_NAMES['text'])})",
            name,
        )
    return out


# --------------------------------------------------------------------------- files
def _read_file(
    path: Path,
    given: Mapping[str, str | None],
    errors: list[LoadFailure],
    detect_furniture: bool,
    base: Path | None,
) -> Iterator[Document]:
    name = str(path)
    stem_id = _path_id(path, base)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file ({exc.strerror or exc})", name) from exc
    text, notes = decode_bytes(data, name)
    if suffix in HTML_SUFFIXES:
        text, more = sanitize_text(text)
        yield document_from_html(text, doc_id=stem_id, path=name, notes=notes + more)
    elif suffix in (".json",):
        try:
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:  # RecursionError: [[[[...]]]]
            raise LoadError(f"invalid JSON ({exc})", name) from exc
        items = (
            obj
            if isinstance(obj, list)
            else (obj.get("documents") or obj.get("articles") or [obj])
            if isinstance(obj, dict)
            else None
        )
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise LoadError("JSON must be an object or a list of objects with a text field", name)
        keys = sorted({k for i in items for k in i})
        cols = _columns(keys, given, name)
        single = len(items) == 1
        yield from _records_to_docs(
            ((stem_id if single else f"{stem_id}:{i}", it) for i, it in enumerate(items)),
            cols,
            name,
            errors,
            detect_furniture,
        )
    elif suffix in (".jsonl", ".ndjson"):
        rows: list[tuple[str, dict[str, Any]]] = []
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("line is not a JSON object")
            except (ValueError, RecursionError) as exc:
                errors.append(
                    LoadFailure(
                        f"{stem_id}:{lineno}",
                        "load",
                        "LoadError",
                        f"{name}, line {lineno}: invalid JSON ({exc})",
                    )
                )
                continue
            rows.append((f"{stem_id}:{lineno}", obj))
        if not rows:
            if not errors or not any(e.doc_id.startswith(f"{stem_id}:") for e in errors):
                raise LoadError("no JSON lines found", name)
            return
        if not given.get("text") and is_index([r for _, r in rows]):
            yield from _index_rows(rows, given, path, errors, detect_furniture)
            return
        keys = sorted({k for _, r in rows for k in r})
        cols = _columns(keys, given, name)
        yield from _records_to_docs(rows, cols, name, errors, detect_furniture)
    elif suffix in (".csv", ".tsv"):
        csv.field_size_limit(50_000_000)
        reader = csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ",")
        crows = [(f"{stem_id}:{i}", row) for i, row in enumerate(reader, 1)]
        if not given.get("text") and crows and is_index([r for _, r in crows]):
            yield from _index_rows(crows, given, path, errors, detect_furniture)
            return
        cols = _columns(reader.fieldnames or [], given, name)
        yield from _records_to_docs(crows, cols, name, errors, detect_furniture)
    else:
        text, more = sanitize_text(text)
        yield document_from_text(
            text, doc_id=stem_id, path=name, notes=notes + more, detect_furniture=detect_furniture
        )


def _path_id(path: Path, base: Path | None) -> str:
    name = path.name
    if base is not None:
        with contextlib.suppress(ValueError):
            name = str(path.relative_to(base)).replace("\\", "/")
    for suf in (".raw.txt", ".txt", ".html", ".htm", ".md", ".jsonl", ".json", ".csv", ".tsv"):
        if name.lower().endswith(suf):
            return name[: -len(suf)]
    return name.rsplit(".", 1)[0] if "." in name.rsplit("/", 1)[-1] else name


_NOT_DOCUMENTS = re.compile(
    r"^(readme|license|licence|notice|changelog|contributing)(\.\w+)?$", re.I
)


def _walk(folder: Path) -> list[Path]:
    """Files below ``folder``, sorted; hidden files and README/LICENSE-like files are skipped."""
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and not _NOT_DOCUMENTS.match(p.name)
    ]
    return sorted(files)


def _load_url(
    url: str, errors: list[LoadFailure], given: Mapping[str, str | None], detect_furniture: bool
) -> Iterator[Document]:
    """Fetch one URL (only when the user passes one) with a timeout and a size limit."""
    import urllib.request

    req = urllib.request.Request(url, headers={"User-Agent": "stancekit"})
    try:
        with urllib.request.urlopen(req, timeout=URL_TIMEOUT) as resp:
            data = resp.read(MAX_URL_BYTES + 1)
    except Exception as exc:
        raise LoadError(f"cannot fetch URL ({type(exc).__name__}: {exc})", url) from exc
    if len(data) > MAX_URL_BYTES:
        raise LoadError(f"page larger than {MAX_URL_BYTES} bytes", url)
    text, notes = decode_bytes(data, url)
    if is_html(text):
        yield document_from_html(text, url=url, path=url, notes=notes)
    else:
        yield document_from_text(
            text, url=url, path=url, notes=notes, detect_furniture=detect_furniture
        )


def load(
    source: Any,
    *,
    text: str | None = None,
    title: str | None = None,
    author: str | None = None,
    date: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    id: str | None = None,
    detect_furniture: bool = True,
) -> DocumentStream:
    """Load documents from a path, a folder (recursively), a list of paths, a URL or a DataFrame.

    Parameters
    ----------
    source:
        A file (.txt .md .html .htm .json .jsonl .csv .tsv), a folder, a list of
        those, an ``http(s)://`` URL (fetched with a timeout and a size limit; the
        only network access stancekit ever makes), a pandas DataFrame, or a list of
        dicts.
    text, title, author, date, url, outlet, id:
        Column or key names for tables (found by common names when not given).
    detect_furniture:
        Remove page furniture from raw captures (reported in ``Document.dropped``).

    Returns
    -------
    DocumentStream
        Iterate it for Documents; unreadable inputs are listed in ``.errors``
        (doc_id, stage, error_type, message) and never stop the stream.

    Examples
    --------
    >>> docs = load(["a.txt", "b.html"])      # doctest: +SKIP
    >>> docs = load(df, text="body", id="doc_id")  # doctest: +SKIP
    """
    given = {
        "text": text,
        "title": title,
        "author": author,
        "published": date,
        "url": url,
        "source": outlet,
        "doc_id": id,
    }
    errors: list[LoadFailure] = []

    def gen() -> Iterator[Document]:
        if _is_dataframe(source):
            name = "<DataFrame>"
            cols = _columns([str(c) for c in source.columns], given, name)
            rows = (
                (str(idx), {str(k): v for k, v in rec.items()})
                for idx, rec in zip(source.index, source.to_dict(orient="records"))
            )
            yield from _records_to_docs(rows, cols, name, errors, detect_furniture)
            return
        if isinstance(source, Mapping):
            cols = _columns([str(k) for k in source], given, "<dict>")
            yield from _records_to_docs([("0", source)], cols, "<dict>", errors, detect_furniture)
            return
        items: list[Any]
        if isinstance(source, str | Path):
            items = [source]
        elif isinstance(source, Iterable):
            items = list(source)
        else:
            raise TypeError(
                f"load() takes a path, a folder, a list of paths, a URL or a DataFrame, not {type(source).__name__}"
            )
        if items and all(isinstance(i, Mapping) for i in items):
            keys = sorted({str(k) for i in items for k in i})
            cols = _columns(keys, given, "<records>")
            yield from _records_to_docs(
                ((str(n), i) for n, i in enumerate(items)),
                cols,
                "<records>",
                errors,
                detect_furniture,
            )
            return
        for item in items:
            if isinstance(item, str) and re.match(r"^https?://", item):
                try:
                    yield from _load_url(item, errors, given, detect_furniture)
                except LoadError as exc:
                    errors.append(LoadFailure(item, "load", "LoadError", str(exc)))
                continue
            if not isinstance(item, str | Path):
                errors.append(
                    LoadFailure(
                        repr(item)[:60], "load", "TypeError", f"not a path: {type(item).__name__}"
                    )
                )
                continue
            path = Path(item)
            if path.is_dir():
                files = [f for f in _walk(path) if f.suffix.lower() in SUFFIXES]
                listed = _listed_by_index(files)
                for f in files:
                    if f.resolve() in listed:
                        continue
                    yield from _safe_file(f, given, errors, detect_furniture, path)
            elif path.is_file():
                yield from _safe_file(path, given, errors, detect_furniture, None)
            else:
                errors.append(
                    LoadFailure(str(path), "load", "LoadError", f"{path}: no such file or folder")
                )

    return DocumentStream(gen(), errors)


def _safe_file(
    path: Path,
    given: Mapping[str, str | None],
    errors: list[LoadFailure],
    detect_furniture: bool,
    base: Path | None,
) -> Iterator[Document]:
    try:
        yield from _read_file(path, given, errors, detect_furniture, base)
    except (LoadError, ValueError, OSError, csv.Error, RecursionError) as exc:
        errors.append(LoadFailure(_path_id(path, base), "load", type(exc).__name__, str(exc)))


def _listed_by_index(files: list[Path]) -> set[Path]:
    """Files of a folder that an index file in it lists (they load through the index)."""
    listed: set[Path] = set()
    for f in files:
        if f.suffix.lower() not in (".jsonl", ".csv") or f.stat().st_size > 5_000_000:
            continue
        try:
            text = f.read_text(encoding="utf-8-sig")
            if f.suffix.lower() == ".jsonl":
                rows = [json.loads(line) for line in text.splitlines()[:200] if line.strip()]
            else:
                rows = list(csv.DictReader(io.StringIO(text)))
        except (ValueError, OSError, csv.Error, RecursionError):
            continue
        if rows and all(isinstance(r, dict) for r in rows) and is_index(rows):
            for r in rows:
                key = next((k for k in INDEX_KEYS if r.get(k)), None)
                if key:
                    listed.add((f.parent / str(r[key])).resolve())
    return listed


def _is_dataframe(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "to_dict") and hasattr(obj, "columns")
