"""Entity coverage and typing of the actors stage on annotated news (markdown tables).

Data (read from ``../shared/data``, never copied):

- ``narrative_frames`` (climate news, MIT): 428 articles; annotators listed the entities
  that play hero, villain or victim, with a stakeholder group. We keep the entities of
  the actor-like groups (governments/politicians, media, activists, science, industry,
  general public) that are *named* (hold a capitalised word that is not a sentence
  opener, e.g. "the EPA", "President Obama's", "Greta Thunberg"; not "the kids") and
  occur in the article text (verbatim, or by their longest capitalised run, e.g. "The
  Federal Energy Regulatory Commission FERC" -> "Federal Energy Regulatory Commission").
- ``persent`` (dev.csv, 578 news articles): each names its main entity (``TARGET_ENTITY``,
  mostly a person, some organisations and states). The entity is located by its full
  name, else by its capitalised words (a surname: "Fernando Lugo" -> "Lugo"; "MORRIS" ->
  "Morris"), and scored like a narrative_frames entity (no type is annotated, so no
  typed column). The corpus lost its commas (a double space is left): they are put
  back before parsing ("Lugo  a former bishop" -> "Lugo, a former bishop").
- ``newsmtsc`` (train.jsonl): single sentences of US political news with target spans.
  A fixed subset is scored: the named targets of every fifth sentence until 1,500
  targets (pronouns, common nouns and day or month names left out; a sentence-initial
  word counts as named when the corpus writes it capitalised mid-sentence more often
  than in lower case). Each sentence is parsed alone, so there is little context.
- ``semeval2023t3``: the English articles carry genre, frame and technique labels but no
  entity names, so there is nothing to score there (said in the output).

An annotated entity is *found* when one of its occurrences overlaps a mention that
``extract_actors`` linked to an actor (on a capitalised word of the entity); *whole
name* when one mention spans all capitalised words of the name proper (titles such as
"President" left out: "President Obama's" needs "Obama", "Environmental Protection
Agency" needs all three words). The baseline
is spaCy NER alone: an entity labelled PERSON, ORG, GPE or NORP overlapping it. *Typed
compatibly* compares the actor type (baseline: the NER label mapped PERSON->PERSON,
ORG->ORG, GPE->STATE, NORP->GROUP) with the stakeholder group, e.g. governments and
politicians -> PERSON, STATE, STATE_BODY, PARTY, IGO.

Articles with an even ID were looked at while writing the rules (dev); the odd IDs were
not (held out). Run::

    python scripts/evaluate_actors.py            # all articles, dev/held-out split
    python scripts/evaluate_actors.py --limit 60 # quick look
    python scripts/evaluate_actors.py --split dev --show-misses 50  # work on dev only
    python scripts/evaluate_actors.py --tables persent,newsmtsc --show-misses 50

PerSenT and NewsMTSC are dev material (their misses were looked at); ``--split
held-out`` scores narrative_frames only.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

GROUP_TYPES = {
    "GOVERNMENTS_POLITICIANS_POLIT.ORGS": {"PERSON", "STATE", "STATE_BODY", "PARTY", "IGO"},
    "MEDIA_JOURNALISTS": {"MEDIA", "PERSON", "ORG"},
    "ENV.ORGS_ACTIVISTS": {"ORG", "PERSON", "GROUP", "IGO"},
    "SCIENCE_EXPERTS_SCI.REPORTS": {"ORG", "PERSON", "IGO", "STATE_BODY"},
    "INDUSTRY_EMISSIONS": {"ORG", "GROUP", "PERSON"},
    "GENERALPUBLIC": {"GROUP", "STATE", "PERSON"},
}
NER_TYPE = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "STATE", "NORP": "GROUP"}
PRONOUNS = {
    "he",
    "she",
    "they",
    "it",
    "his",
    "her",
    "their",
    "its",
    "them",
    "him",
    "we",
    "us",
    "our",
    "i",
}
WORD = re.compile(r"[A-Za-z][\w'’.-]*")


def read_tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def capitalised_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Capitalised, non-stop-word tokens of text[start:end] that are not sentence openers."""
    from spacy.lang.en.stop_words import STOP_WORDS

    out = []
    for m in WORD.finditer(text, start, end):
        w = m.group()
        if not w[0].isupper() or w.lower() in STOP_WORDS:
            continue
        before = text[: m.start()].rstrip()
        opener = not before or before[-1] in ".!?\"'“”\n:"
        if opener and m.start() == start:
            # a sentence opener counts only if the word is capitalised elsewhere mid-sentence
            mid = re.search(rf"[a-z,;]\s+{re.escape(w)}\b", text)
            if not mid:
                continue
        out.append(m.span())
    return out


def locate(text: str, entity: str) -> tuple[list[tuple[int, int]], str]:
    """Occurrences of an annotated entity in the text: verbatim, else its longest capitalised run."""
    ent = entity.strip().strip("'’").strip()
    ent = re.sub(r"['’]s$", "", ent)
    occ = [(m.start(), m.end()) for m in re.finditer(re.escape(ent), text)]
    if occ:
        return occ, "verbatim"
    runs = re.findall(r"(?:[A-Z][\w.&'-]*\s?){1,8}", ent)
    runs = sorted((r.strip() for r in runs if r.strip()), key=len, reverse=True)
    for r in runs:
        if len(r) >= 3 and r.lower() not in ("the", "president", "mr.", "sen."):
            occ = [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(r)}\b", text)]
            if occ:
                return occ, "core"
    return [], "absent"


Span = tuple[int, int]
DATE_WORDS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


SMALL = "of|the|a|an|to|in|for|on|at|by|with|from|and|or|as"


def pct(a: int, b: int) -> str:
    """A share rounded down to 0.1 (340 of 358 is 94.9%, not a 95.0% that meets a target)."""
    return f"{math.floor(1000 * a / b) / 10:.1f}%" if b else "-"


def hit(
    spans: list[tuple[int, int, str]],
    caps: list[Span],
    core: list[Span],
    occ: list[Span],
    ok_types: set[str],
) -> tuple[bool, bool, bool]:
    """(found, typed compatibly, whole name) for one annotated entity."""
    near = [(s, t, ty) for s, t, ty in spans if any(s < ce and cs < t for cs, ce in caps)]
    per_occ = [[(cs, ce) for cs, ce in core if s <= cs and ce <= t] for s, t in occ]
    whole = any(
        core_occ and all(s <= cs and ce <= t for cs, ce in core_occ)
        for s, t, _ in near
        for core_occ in per_occ
    )
    return bool(near), any(ty in ok_types for _, _, ty in near), whole


def narrative_frames(args: argparse.Namespace, nf: Path, nlp: Any, titles: set[str]) -> list[str]:
    """Print the narrative_frames table; return the dev misses."""
    from stancekit.actors import extract_actors
    from stancekit.nlp import parse_many

    articles = {r["ID"]: r["text"] for r in read_tsv(nf / "articles_metadata.tsv")}
    ents = [e for e in read_tsv(nf / "role_and_frame_annoations.tsv") if e["group"] in GROUP_TYPES]
    ids = sorted(articles, key=int)
    if args.split != "all":
        ids = [i for i in ids if ("held-out" if int(i) % 2 else "dev") == args.split]
    if args.limit:
        ids = ids[: args.limit]
    by_doc: dict[str, list[dict[str, str]]] = defaultdict(list)
    for e in ents:
        by_doc[e["ID"]].append(e)

    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[str] = []
    t_parse = t_actors = 0.0
    t0 = time.perf_counter()
    for doc_id, parsed in zip(
        ids, parse_many(((None, articles[i]) for i in ids), nlp, batch_size=16)
    ):
        t_parse += 0  # parse time is inside the generator; measured as the remainder below
        t1 = time.perf_counter()
        layer = extract_actors(parsed)
        t_actors += time.perf_counter() - t1
        text = parsed.text
        atype = {a.actor_id: a.type for a in layer.actors}
        ments = [
            (m.start, m.end, atype[m.actor_id]) for m in layer.mentions if m.method != "pronoun"
        ]
        nents = [
            (e.start_char, e.end_char, NER_TYPE[e.label_])
            for e in parsed.doc.ents
            if e.label_ in NER_TYPE
        ]
        split = "held-out" if int(doc_id) % 2 else "dev"
        seen: set[tuple[str, str]] = set()
        for e in by_doc.get(doc_id, []):
            name = e["entity"].strip()
            if name.lower() in PRONOUNS or (name, e["group"]) in seen:
                continue
            seen.add((name, e["group"]))
            occ, how = locate(text, name)
            if not occ:
                stats[split]["absent"] += 1
                continue
            caps = [c for s, t in occ for c in capitalised_spans(text, s, t)]
            if not caps:
                stats[split]["unnamed"] += 1
                continue
            ok_types = GROUP_TYPES[e["group"]]

            # the words of the name proper (titles such as "President" or "Rep." left out)
            core = [
                (cs, ce) for cs, ce in caps if text[cs:ce].lower().rstrip(".") not in titles
            ] or caps

            ours, ours_typed, ours_exact = hit(ments, caps, core, occ, ok_types)
            base, base_typed, base_exact = hit(nents, caps, core, occ, ok_types)
            for key in (split, "all", f"group:{e['group']}"):
                st = stats[key]
                st["n"] += 1
                st["ours"] += ours
                st["ours_typed"] += ours_typed
                st["base"] += base
                st["base_typed"] += base_typed
                st["ours_exact"] += ours_exact
                st["base_exact"] += base_exact
                st[how] += 1
            if not ours and split == "dev":
                ctx = text[max(0, occ[0][0] - 40) : occ[0][1] + 40].replace("\n", " ")
                misses.append(f"{doc_id}: {name!r} ({e['group']}) base={base} ... {ctx} ...")
    elapsed = time.perf_counter() - t0

    print(
        f"## Actor coverage on narrative_frames ({len(ids)} articles, {elapsed:.0f} s, actors stage {t_actors:.1f} s)\n"
    )
    print(
        "| articles | named entities | stancekit: found | whole name | typed compatibly "
        "| spaCy NER: found | whole name | typed compatibly |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in ("held-out", "dev", "all"):
        if args.split not in ("all", key):
            continue
        st = stats[key]
        n = st["n"]
        print(
            f"| {key} | {n} | {pct(st['ours'], n)} ({st['ours']}) | {pct(st['ours_exact'], n)} "
            f"| {pct(st['ours_typed'], n)} | {pct(st['base'], n)} ({st['base']}) "
            f"| {pct(st['base_exact'], n)} | {pct(st['base_typed'], n)} |"
        )
    print("\n| stakeholder group (all articles) | n | stancekit | baseline |")
    print("|---|---:|---:|---:|")
    for g in GROUP_TYPES:
        st = stats[f"group:{g}"]
        print(f"| {g} | {st['n']} | {pct(st['ours'], st['n'])} | {pct(st['base'], st['n'])} |")
    a = stats["all"]
    absent = stats["held-out"]["absent"] + stats["dev"]["absent"]
    unnamed = stats["held-out"]["unnamed"] + stats["dev"]["unnamed"]
    print(
        f"\nEntities located verbatim: {a['verbatim']}, by their capitalised core: {a['core']}; "
        f"left out: {absent} not in the text (paraphrased by annotators), {unnamed} unnamed "
        "(no capitalised word: 'the kids', 'climate activists')."
    )
    return [f"narrative_frames {m}" for m in misses]


def locate_target(text: str, target: str, titles: set[str]) -> tuple[list[Span], str]:
    """A PerSenT target in its article: the full name, else its last, then other name words."""
    name = target.strip()
    if name.isupper():
        name = name.title()  # "MORRIS" -> "Morris"
    occ = [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    if occ:
        return occ, "verbatim"
    words = [
        w for w in name.split() if len(w.rstrip(".")) > 1 and w.lower().rstrip(".") not in titles
    ]
    for w in words[::-1]:
        if w[0].isupper():
            occ = [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(w)}\b", text)]
            if occ:
                return occ, "core"
    return [], "absent"


def linked_spans(layer: Any, parsed: Any) -> tuple[list, list]:
    """(our non-pronoun actor mentions, spaCy NER entities) as (start, end, type)."""
    atype = {a.actor_id: a.type for a in layer.actors}
    ments = [(m.start, m.end, atype[m.actor_id]) for m in layer.mentions if m.method != "pronoun"]
    nents = [
        (e.start_char, e.end_char, NER_TYPE[e.label_])
        for e in parsed.doc.ents
        if e.label_ in NER_TYPE
    ]
    return ments, nents


def coverage_table(title: str, rows: dict[str, int], note: str) -> None:
    n = rows["n"]
    print(f"\n## {title}\n")
    print("| entities | stancekit: found | whole name | spaCy NER: found | whole name |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {n} | {pct(rows['ours'], n)} | {pct(rows['ours_exact'], n)} "
        f"| {pct(rows['base'], n)} | {pct(rows['base_exact'], n)} |"
    )
    print(f"\n{note}")


def persent(args: argparse.Namespace, nlp: Any, titles: set[str]) -> list[str]:
    """Print the PerSenT table (main entity of each dev article); return its misses."""
    from stancekit.actors import extract_actors
    from stancekit.nlp import parse_many

    path = args.shared / "data" / "persent" / "dev.csv"
    if not path.is_file():
        print(f"\nPerSenT: {path} not found, table skipped")
        return []
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if args.limit:
        rows = rows[: args.limit]
    # the corpus dropped its commas, leaving a double space: put them back (not after a
    # preposition or article, where the space stands for some other lost character)
    bodies = [
        re.sub(r"(?<=\S)  (?=\S)", lambda m: ", ", re.sub(rf"\b({SMALL})  ", r"\1 ", r["DOCUMENT"]))
        for r in rows
    ]
    st: dict[str, int] = defaultdict(int)
    misses = []
    t0 = time.perf_counter()
    everything = {"PERSON", "ORG", "STATE", "STATE_BODY", "PARTY", "IGO", "GROUP", "MEDIA"}
    for row, parsed in zip(rows, parse_many(((None, b) for b in bodies), nlp, batch_size=16)):
        text = parsed.text
        occ, how = locate_target(text, row["TARGET_ENTITY"], titles)
        if not occ:
            st["absent"] += 1
            continue
        caps = [c for s, t in occ for c in capitalised_spans(text, s, t)] or occ
        core = [
            (cs, ce) for cs, ce in caps if text[cs:ce].lower().rstrip(".") not in titles
        ] or caps
        ments, nents = linked_spans(extract_actors(parsed), parsed)
        ours, _, ours_exact = hit(ments, caps, core, occ, everything)
        base, _, base_exact = hit(nents, caps, core, occ, everything)
        st["n"] += 1
        st[how] += 1
        st["ours"] += ours
        st["ours_exact"] += ours_exact
        st["base"] += base
        st["base_exact"] += base_exact
        if not ours:
            s0, e0 = occ[0]
            ctx = text[max(0, s0 - 50) : e0 + 50].replace("\n", " ")
            misses.append(
                f"persent {row['DOCUMENT_INDEX']}: {row['TARGET_ENTITY']!r} base={base} ... {ctx} ..."
            )
    coverage_table(
        f"PerSenT dev: the main entity of each article ({len(rows)} articles, "
        f"{time.perf_counter() - t0:.0f} s)",
        st,
        f"Targets located by their full name: {st['verbatim']}, by a name word: {st['core']}; "
        f"not in the text: {st['absent']}. No type is annotated (no typed column).",
    )
    return misses


def newsmtsc(args: argparse.Namespace, nlp: Any, titles: set[str]) -> list[str]:
    """Print the NewsMTSC table (named targets of a fixed sentence subset); return its misses."""
    import json

    from spacy.lang.en.stop_words import STOP_WORDS

    from stancekit.actors import extract_actors
    from stancekit.nlp import parse_many

    path = args.shared / "data" / "newsmtsc" / "train.jsonl"
    if not path.is_file():
        print(f"\nNewsMTSC: {path} not found, table skipped")
        return []
    with path.open(encoding="utf-8") as fh:
        lines = [json.loads(line) for line in fh if line.strip()]
    # how the corpus writes a word mid-sentence: capitalised or lower case
    cased: dict[str, int] = defaultdict(int)
    for r in lines:
        for m in re.finditer(r"[a-z,;] ([A-Za-z][a-z]+)\b", r["sentence_normalized"]):
            w = m.group(1)
            cased[w.lower()] += 1 if w[0].isupper() else -1

    def named(sent: str, s: int, e: int) -> list[Span]:
        out = []
        for m in WORD.finditer(sent, s, e):
            w = m.group()
            low = w.lower().rstrip(".")
            if not w[0].isupper() or low in STOP_WORDS or low in PRONOUNS or low in DATE_WORDS:
                continue
            if low in titles:
                continue  # "Mr.", "Sen.": the name is the word after
            before = sent[: m.start()].rstrip()
            after_title = before.split(" ")[-1].rstrip(".").lower() in titles
            opener = not before or (before[-1] in ".!?\"'“”\n:" and not after_title)
            if opener and cased[low] <= 0:
                continue  # a sentence opener the corpus writes in lower case mid-sentence
            out.append(m.span())
        return out

    picked: list[tuple[str, list[tuple[int, int, list[Span]]]]] = []
    count = 0
    for r in lines[args.newsmtsc_offset :: 5]:
        if count >= args.newsmtsc_targets:
            break
        sent = r["sentence_normalized"]
        targets = []
        for t in r["targets"]:
            caps = named(sent, t["from"], t["to"])
            if caps and count < args.newsmtsc_targets:
                targets.append((t["from"], t["to"], caps))
                count += 1
        if targets:
            picked.append((sent, targets))
    st: dict[str, int] = defaultdict(int)
    misses = []
    t0 = time.perf_counter()
    for (sent, targets), parsed in zip(
        picked, parse_many(((None, s) for s, _ in picked), nlp, batch_size=64)
    ):
        ments, nents = linked_spans(extract_actors(parsed), parsed)
        for s, e, caps in targets:
            ours, _, ours_exact = hit(ments, caps, caps, [(s, e)], set())
            base, _, base_exact = hit(nents, caps, caps, [(s, e)], set())
            st["n"] += 1
            st["ours"] += ours
            st["ours_exact"] += ours_exact
            st["base"] += base
            st["base_exact"] += base_exact
            if not ours:
                misses.append(f"newsmtsc: {sent[s:e]!r} base={base} ... {sent[:300]}")
    coverage_table(
        f"NewsMTSC train: named targets of every fifth sentence from sentence "
        f"{args.newsmtsc_offset}, first {st['n']} "
        f"({len(picked)} sentences parsed one by one, {time.perf_counter() - t0:.0f} s)",
        st,
        "Named: a capitalised word that is no stop word, title, pronoun, day or month (a "
        "sentence opener only if the corpus capitalises it mid-sentence more often than not); "
        f"at most {args.newsmtsc_targets} targets.",
    )
    return misses


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--show-misses", type=int, default=0, help="print N misses on the dev articles")
    ap.add_argument(
        "--split",
        choices=("all", "dev", "held-out"),
        default="all",
        help="score only these articles (work on dev without looking at held-out)",
    )
    ap.add_argument(
        "--tables",
        default="narrative_frames,persent,newsmtsc",
        help="comma-separated: narrative_frames, persent, newsmtsc",
    )
    ap.add_argument(
        "--newsmtsc-targets", type=int, default=1500, help="size of the NewsMTSC subset"
    )
    ap.add_argument(
        "--newsmtsc-offset",
        type=int,
        default=0,
        help="start the every-fifth-sentence subset at 0-4",
    )
    args = ap.parse_args(argv)
    tables = {t.strip() for t in args.tables.split(",") if t.strip()}
    if args.split == "held-out":
        tables &= {"narrative_frames"}  # the other corpora are dev material only
    nf = args.shared / "data" / "narrative_frames"
    if "narrative_frames" in tables and not nf.is_dir():
        print(f"narrative_frames not found under {args.shared}/data", file=sys.stderr)
        return 2

    from stancekit.actors import load_kb
    from stancekit.nlp import get_nlp
    from stancekit.resources import read_json

    nlp = get_nlp()
    load_kb()
    titles = {k.rstrip(".") for k in read_json("actor_cues.json")["titles"]}
    misses: list[str] = []
    if "narrative_frames" in tables:
        misses += narrative_frames(args, nf, nlp, titles)
    if "persent" in tables:
        misses += persent(args, nlp, titles)
    if "newsmtsc" in tables:
        misses += newsmtsc(args, nlp, {t.lower() for t in titles})
    print(
        "\nsemeval2023t3: the English training articles have genre, frame and persuasion-technique "
        "labels but no entity names, so no coverage can be scored on them."
    )
    if args.show_misses:
        print("\nDev misses:")
        for m in misses[: args.show_misses]:
            print(" -", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
