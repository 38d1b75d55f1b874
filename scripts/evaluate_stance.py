"""Evaluate the stance stage; prints markdown tables.

1. NewsMTSC dev_mt / dev_rw: macro-F1 of ``target_stance`` (the trained model) against
   the spaCy + VADER-window baseline.
2. PerSenT dev: the author's sentiment toward the article's main person (document level),
   from ``assess_stance`` on the whole article; macro-F1 and accuracy.
3. narrative_frames: entity roles (hero -> favor, villain -> against, victim -> favor),
   accuracy of the entity's stance from ``assess_stance``.
4. The seed gold (iran-proxies-iraq): core actors whose stance is within ``accept``.

For 2 and 3 the document runs through the real actors and claims stages; the evaluated
entity is the actor whose name or alias matches it, else (when the actors stage missed it)
an actor built from the entity's occurrences in the text. The baseline column averages
VADER's compound score in a 6-token window around the same mentions.

Usage::

    python scripts/evaluate_stance.py                   # default subsamples (seed 0), ~5 min
    python scripts/evaluate_stance.py --persent 578 --frames 428   # everything (slow)
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
CLASSES = ["against", "neutral", "favor"]
PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "his", "their"}


def f1m(y: list[str], p: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, p, labels=CLASSES, average="macro"))


def acc(y: list[str], p: list[str]) -> float:
    return sum(a == b for a, b in zip(y, p)) / max(1, len(y))


# --------------------------------------------------------------------------- 1. NewsMTSC
def eval_newsmtsc(nlp: Any) -> list[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_stance as T

    from stancekit.stance import (
        _predict_tokens,
        load_target_model,
        vader_label,
        vader_window_stance,
    )

    model = load_target_model()
    lines = [
        "| NewsMTSC split | targets | target_stance F1m | VADER window F1m |",
        "|---|---:|---:|---:|",
    ]
    for split in ("dev_mt", "dev_rw"):
        rows = T.load_split(split)
        docs = list(nlp.pipe([r["text"] for r in rows], batch_size=64))
        where, y = T.targets_of(rows, docs)
        p_model = [_predict_tokens(s, [(a, b)], model)[0].label for s, a, b in where]
        p_vader = [vader_label(vader_window_stance(s, a, b)) for s, a, b in where]
        lines.append(f"| {split} | {len(y)} | {f1m(y, p_model):.3f} | {f1m(y, p_vader):.3f} |")
    return lines


# --------------------------------------------------------------------------- documents
def entity_stance(
    text: str, entity: str, nlp: Any, extra_names: list[str] | None = None
) -> tuple[str, str, str]:
    """(stance label, VADER-baseline label, how the entity was found) of ``entity`` in ``text``."""
    from stancekit.actors import extract_actors
    from stancekit.claims import extract_claims
    from stancekit.config import AnalysisConfig
    from stancekit.nlp import parse
    from stancekit.stance import _mention_tokens, assess_stance, vader_label, vader_window_stance
    from stancekit.types import Actor, ActorLayer, Mention

    cfg = AnalysisConfig(stages=("actors", "claims", "stance"))
    parsed = parse(None, text, nlp)
    layer = extract_actors(parsed, cfg)
    ent = entity.lower().strip()
    last = ent.split()[-1] if ent.split() else ent
    found = None
    for a in layer.actors:
        names = [a.name.lower(), *(x.lower() for x in a.aliases)]
        if ent in names or (len(last) > 3 and any(n.split()[-1:] == [last] for n in names if n)):
            found = a
            break
    how = "actors stage"
    if found is None:
        how = "string match"
        forms = {entity, *(extra_names or [])}
        if " " in entity and len(last) > 3:
            forms.add(entity.split()[-1])
        spans = []
        for f in sorted(forms, key=len, reverse=True):
            for m in re.finditer(r"\b" + re.escape(f) + r"\b", parsed.text, flags=re.I):
                if not any(s <= m.start() < e for s, e in spans):
                    spans.append((m.start(), m.end()))
        if not spans:
            return "neutral", "neutral", "not found"
        taken = {(m.start, m.end) for m in layer.mentions}
        mentions = list(layer.mentions)
        next_id = max((m.mention_id for m in mentions), default=-1) + 1
        for s, e in sorted(spans):
            if (s, e) in taken:
                continue
            mentions.append(
                Mention(
                    next_id,
                    "eval-entity",
                    parsed.text[s:e],
                    s,
                    e,
                    parsed.sentence_id(s),
                    method="eval",
                )
            )
            next_id += 1
        found = Actor("eval-entity", entity, "PERSON", n_mentions=len(spans))
        layer = ActorLayer(
            mentions=tuple(mentions), actors=(*layer.actors, found), relations=layer.relations
        )
    claims = extract_claims(parsed, layer, cfg)
    stance = assess_stance(parsed, layer, claims, cfg)
    label = next(a.stance for a in stance.actors if a.actor_id == found.actor_id)
    scores = []
    for m in layer.mentions:
        if m.actor_id != found.actor_id:
            continue
        sent = parsed.sentences[parsed.sentence_id(m.start)]
        r = _mention_tokens(sent, m.start, m.end)
        if r:
            scores.append(vader_window_stance(sent, *r))
    base = vader_label(sum(scores) / len(scores)) if scores else "neutral"
    return label, base, how


def eval_persent(nlp: Any, n: int, seed: int) -> list[str]:
    path = DATA / "persent" / "dev.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    random.Random(seed).shuffle(rows)
    rows = rows[:n]
    gold_map = {"Positive": "favor", "Negative": "against", "Neutral": "neutral"}
    y, p, b, hows = [], [], [], {}
    for r in rows:
        label, base, how = entity_stance(r["DOCUMENT"], r["TARGET_ENTITY"], nlp)
        y.append(gold_map[r["TRUE_SENTIMENT"]])
        p.append(label)
        b.append(base)
        hows[how] = hows.get(how, 0) + 1
    return [
        f"PerSenT dev, {len(rows)} of 578 documents (random sample, seed {seed}); entity found by: "
        + ", ".join(f"{k} {v}" for k, v in sorted(hows.items())),
        "",
        "| PerSenT dev | macro-F1 | accuracy |",
        "|---|---:|---:|",
        f"| assess_stance | {f1m(y, p):.3f} | {acc(y, p):.3f} |",
        f"| VADER window over the same mentions | {f1m(y, b):.3f} | {acc(y, b):.3f} |",
        f"| majority class (favor) | {f1m(y, ['favor'] * len(y)):.3f} | {acc(y, ['favor'] * len(y)):.3f} |",
    ]


def eval_frames(nlp: Any, n: int, seed: int) -> list[str]:
    base = DATA / "narrative_frames"
    csv.field_size_limit(10**8)
    texts = {
        r["ID"]: r["text"]
        for r in csv.DictReader(
            (base / "articles_metadata.tsv").open(encoding="utf-8"), delimiter="\t"
        )
    }
    roles: dict[str, list[tuple[str, str]]] = {}
    for r in csv.DictReader(
        (base / "role_and_frame_annoations.tsv").open(encoding="utf-8"), delimiter="\t"
    ):
        ent = r["entity"].strip()
        if ent.lower() in PRONOUNS or len(ent) < 3 or r["ID"] not in texts:
            continue
        roles.setdefault(r["ID"], []).append((ent, r["role"]))
    ids = sorted(roles, key=int)
    random.Random(seed).shuffle(ids)
    ids = ids[:n]
    want = {"hero": "favor", "villain": "against", "victim": "favor"}
    per_role: dict[str, list[int]] = {}
    per_role_b: dict[str, list[int]] = {}
    n_found = 0
    for i in ids:
        for ent, role in roles[i]:
            label, bl, how = entity_stance(texts[i], ent, nlp)
            if how == "not found":
                continue
            n_found += 1
            per_role.setdefault(role, []).append(int(label == want[role]))
            per_role_b.setdefault(role, []).append(int(bl == want[role]))
    allm = [x for v in per_role.values() for x in v]
    allb = [x for v in per_role_b.values() for x in v]
    lines = [
        f"narrative_frames: {len(ids)} of {len(roles)} articles (random sample, seed {seed}), "
        f"{n_found} entities found in the text (pronoun entities skipped)",
        "",
        "| role (expected stance) | entities | assess_stance acc | VADER window acc |",
        "|---|---:|---:|---:|",
    ]
    for role in ("hero", "villain", "victim"):
        v, vb = per_role.get(role, []), per_role_b.get(role, [])
        lines.append(
            f"| {role} ({want[role]}) | {len(v)} | {sum(v) / max(1, len(v)):.3f} | {sum(vb) / max(1, len(vb)):.3f} |"
        )
    lines.append(
        f"| all | {len(allm)} | {sum(allm) / max(1, len(allm)):.3f} | {sum(allb) / max(1, len(allb)):.3f} |"
    )
    return lines


def eval_seed() -> list[str]:
    import stancekit

    gold = json.loads((SHARED / "gold" / "iran-proxies-iraq.gold.json").read_text(encoding="utf-8"))
    raw = (SHARED / "samples" / "iran-proxies-iraq.raw.txt").read_text(encoding="utf-8")
    a = stancekit.analyze(
        raw, config=stancekit.AnalysisConfig(stages=("actors", "claims", "stance"))
    )
    table = a.actors.set_index("name")
    lines = ["| seed actor | accept | stance | score |", "|---|---|---|---:|"]
    ok = 0
    for g in gold["actors"]:
        name = g["canonical"]
        if name in table.index:
            row = table.loc[name]
            got, score = row["stance"], f"{row['stance_score']:+.2f}"
        else:
            got, score = "(not found)", ""
        ok += got in g["accept"]
        lines.append(f"| {name} | {'/'.join(g['accept'])} | {got} | {score} |")
    lines.insert(
        0, f"Seed gold: {ok} of {len(gold['actors'])} core actors within `accept` (target 12)\n"
    )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--persent", type=int, default=150, help="PerSenT dev documents (of 578)")
    ap.add_argument("--frames", type=int, default=60, help="narrative_frames articles (of ~400)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--skip", nargs="*", default=[], choices=["newsmtsc", "persent", "frames", "seed"]
    )
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} not found: the evaluation reads ../shared/data")

    from stancekit.nlp import get_nlp

    nlp = get_nlp()
    out: list[str] = []
    for name, fn in (
        ("newsmtsc", lambda: eval_newsmtsc(nlp)),
        ("persent", lambda: eval_persent(nlp, args.persent, args.seed)),
        ("frames", lambda: eval_frames(nlp, args.frames, args.seed)),
        ("seed", eval_seed),
    ):
        if name in args.skip:
            continue
        t0 = time.time()
        out += fn()
        out.append(f"\n({name}: {time.time() - t0:.0f}s)\n")
        print("\n".join(out[-1:]), file=sys.stderr)
    print("\n".join(out))


if __name__ == "__main__":
    main()
