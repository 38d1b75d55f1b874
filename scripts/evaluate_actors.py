"""Entity coverage and typing of the actors stage on annotated news (markdown tables).

Data (read from ``../shared/data``, never copied):

- ``narrative_frames`` (climate news, MIT): 428 articles; annotators listed the entities
  that play hero, villain or victim, with a stakeholder group. We keep the entities of
  the actor-like groups (governments/politicians, media, activists, science, industry,
  general public) that are *named* (hold a capitalised word that is not a sentence
  opener, e.g. "the EPA", "President Obama's", "Greta Thunberg"; not "the kids") and
  occur in the article text (verbatim, or by their longest capitalised run, e.g. "The
  Federal Energy Regulatory Commission FERC" -> "Federal Energy Regulatory Commission").
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
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

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
    args = ap.parse_args(argv)
    nf = args.shared / "data" / "narrative_frames"
    if not nf.is_dir():
        print(f"narrative_frames not found under {args.shared}/data", file=sys.stderr)
        return 2

    from stancekit.actors import extract_actors, load_kb
    from stancekit.nlp import get_nlp, parse_many

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

    nlp = get_nlp()
    load_kb()
    from stancekit.resources import read_json

    titles = {k.rstrip(".") for k in read_json("actor_cues.json")["titles"]}

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

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:.1f}%" if b else "-"

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
            f"| {key} | {n} | {pct(st['ours'], n)} | {pct(st['ours_exact'], n)} | {pct(st['ours_typed'], n)} "
            f"| {pct(st['base'], n)} | {pct(st['base_exact'], n)} | {pct(st['base_typed'], n)} |"
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
