"""Evaluate the stance stage; prints markdown tables.

1. NewsMTSC dev_mt / dev_rw: macro-F1 of ``target_stance`` (the trained model) against
   the spaCy + VADER-window baseline.
2. PerSenT dev: the author's sentiment toward the article's main person (document level),
   from ``assess_stance`` on the whole article; macro-F1 and accuracy.
3. narrative_frames: entity roles (hero -> favor, villain -> against, victim -> favor),
   accuracy of the entity's stance from ``assess_stance``, per role and balanced (mean of
   the favor-expected and against-expected accuracies; "always favor" gets 0.5 balanced
   but 0.59 plain accuracy, since heroes + victims outnumber villains).
4. The seed gold (iran-proxies-iraq): core actors whose stance is within ``accept``.

Split (fixed, documented, never changes between runs): for PerSenT dev and
narrative_frames the article ids are sorted and shuffled with
``random.Random("stancekit-stance-split-v1:<corpus>")``; the first half is **tune**, the
second **held-out**. The aggregation parameters of ``assess_stance`` (the
``thresholds`` and the model/label/action/victim/perpetrator weights in
``resources/stance_cues.json``) were chosen with ``--tune`` on the tune halves only, under
the constraint that the seed gold keeps >= 12 of 13; report the held-out rows.

For 2 and 3 each document runs once through the real actors and claims stages; an
annotated entity is linked to the actor with the same name or alias (or, for a PERSON
actor, the same surname), else (the actors stage missed it) to an actor built from the
entity's occurrences in the text. The baseline column averages VADER's compound score in a
6-token window around the same mentions. The stance evidence of each document is cached
(``--cache``, default /tmp/stancekit-eval-cache, keyed by a hash of the stance code, lexicon,
model and cue lists) so that tuning only re-runs the aggregation.

Usage::

    python scripts/evaluate_stance.py                   # all tables (~5 min uncached)
    python scripts/evaluate_stance.py --skip newsmtsc   # documents and seed only
    python scripts/evaluate_stance.py --tune            # search the aggregation parameters
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
CLASSES = ["against", "neutral", "favor"]
PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "his", "their"}


def f1m(y: list[str], p: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, p, labels=CLASSES, average="macro", zero_division=0))


def acc(y: list[str], p: list[str]) -> float:
    return sum(a == b for a, b in zip(y, p)) / max(1, len(y))


def balanced(y: list[str], p: list[str]) -> float:
    """Mean over the gold classes present of the accuracy within the class (narrative_frames:
    favor = heroes and victims, against = villains; always answering "favor" scores 0.5)."""
    per = [acc([a for a in y if a == c], [b for a, b in zip(y, p) if a == c]) for c in CLASSES]
    return sum(per[k] for k, c in enumerate(CLASSES) if c in y) / max(1, len(set(y)))


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
# Fixed split: the article ids of each corpus, sorted, shuffled with random.Random(SPLIT_SEED
# + corpus name), first half "tune" (aggregation parameters were chosen there), second half
# "held-out" (reported, never looked at while tuning).
SPLIT_SEED = "stancekit-stance-split-v1"


def split_ids(corpus: str, ids: list[str]) -> dict[str, list[str]]:
    ids = sorted(set(ids), key=lambda x: (len(x), x))
    random.Random(f"{SPLIT_SEED}:{corpus}").shuffle(ids)
    half = len(ids) // 2
    return {"tune": ids[:half], "held-out": ids[half:]}


def _norm(name: str) -> str:
    n = re.sub(r"['’]s$", "", name.strip().lower()).strip()
    return re.sub(r"^(the|a|an)\s+", "", n)


def _code_version() -> str:
    """Hash of what the cached stance evidence depends on: stance.py up to the aggregation
    (``_aggregate`` and later only combine evidence), the lexicon, the model, and the cue
    file without the tunable aggregation parameters (``thresholds`` and the ``TUNE_GRID``
    weights, applied at scoring time). Changes to the actors or claims stages are NOT in the
    key (they change often and would force a full rerun): after such a change pass
    ``--cache ''`` or delete the cache folder."""
    h = hashlib.sha1()
    pkg = ROOT / "src" / "stancekit"
    stance = (pkg / "stance.py").read_text(encoding="utf-8")
    h.update(stance[: stance.index("def _aggregate(")].encode())
    cues = json.loads((pkg / "resources" / "stance_cues.json").read_text(encoding="utf-8"))
    cues.pop("thresholds", None)
    cues["weights"] = {k: v for k, v in cues.get("weights", {}).items() if k not in TUNE_GRID}
    h.update(json.dumps(cues, sort_keys=True).encode())
    h.update((pkg / "resources" / "stance_lexicon.json").read_bytes())
    h.update((ROOT / "models" / "target_stance.npz").read_bytes())
    # the payload also holds the narrative-role probabilities (role_payload)
    h.update((pkg / "roles.py").read_bytes())
    h.update((ROOT / "models" / "narrative_roles.npz").read_bytes())
    h.update((ROOT / "models" / "narrative_roles.json").read_bytes())
    return h.hexdigest()[:12]


def link_entities(
    parsed: Any, layer: Any, entities: list[str], extra_type: str = "PERSON"
) -> tuple[Any, dict[str, tuple[str, str]]]:
    """Link annotated entities to actors: the actor with the same name or alias, else (a
    PERSON actor) the same surname, else an actor built from the entity's occurrences in
    the text (id ``eval-entity-K``, type ``extra_type``). Returns the layer with those
    extra actors and entity -> (actor id or "", how: "actors stage", "string match",
    "not found")."""
    from stancekit.types import Actor, ActorLayer, Mention

    mentions = list(layer.mentions)
    extra_actors: list[Any] = []
    taken = {(m.start, m.end) for m in mentions}
    next_id = max((m.mention_id for m in mentions), default=-1) + 1
    links: dict[str, tuple[str, str]] = {}
    for k, entity in enumerate(entities):
        ent = _norm(entity)
        words = ent.split()
        last = words[-1] if words else ent
        found = None
        for a in layer.actors:  # exact name or alias first, then the same last word
            if ent in {_norm(a.name), *(_norm(x) for x in a.aliases)}:
                found = a
                break
        if found is None and len(last) > 3:  # a surname: "Pelosi's" -> Nancy Pelosi
            for a in layer.actors:
                if a.type == "PERSON" and any(
                    _norm(n).split()[-1:] == [last] for n in (a.name, *a.aliases) if n.strip()
                ):
                    found = a
                    break
        if found is not None:
            links[entity] = (found.actor_id, "actors stage")
            continue
        forms = {entity.strip(), re.sub(r"['’]s$", "", entity.strip())}
        if len(words) > 1 and len(last) > 3:
            forms.add(re.sub(r"['’]s$", "", entity.strip().split()[-1]))
        spans: list[tuple[int, int]] = []
        for f in sorted(forms, key=len, reverse=True):
            for m in re.finditer(r"\b" + re.escape(f) + r"\b", parsed.text, flags=re.I):
                if not any(s <= m.start() < e for s, e in spans):
                    spans.append((m.start(), m.end()))
        spans = [sp for sp in spans if sp not in taken]
        if not spans:
            links[entity] = ("", "not found")
            continue
        aid = f"eval-entity-{k}"
        for s, e in sorted(spans):
            mentions.append(
                Mention(next_id, aid, parsed.text[s:e], s, e, parsed.sentence_id(s), method="eval")
            )
            taken.add((s, e))
            next_id += 1
        extra_actors.append(Actor(aid, entity, extra_type, n_mentions=len(spans)))
        links[entity] = (aid, "string match")
    layer = ActorLayer(
        mentions=tuple(mentions), actors=(*layer.actors, *extra_actors), relations=layer.relations
    )
    return layer, links


def document_payload(text: str, entities: list[str], nlp: Any) -> dict[str, Any]:
    """Run actors -> claims -> stance evidence once for a document; link each annotated
    entity to an actor and keep everything the aggregation needs (JSON-serialisable)."""
    from dataclasses import asdict

    from stancekit.actors import extract_actors
    from stancekit.claims import extract_claims
    from stancekit.config import AnalysisConfig
    from stancekit.nlp import parse
    from stancekit.stance import (
        _actor_countries,
        _base_cues,
        _collect_evidence,
        _mention_tokens,
        vader_label,
        vader_window_stance,
    )

    cfg = AnalysisConfig(stages=("actors", "claims", "stance"))
    parsed = parse(None, text, nlp)
    layer = extract_actors(parsed, cfg)
    layer, links = link_entities(parsed, layer, entities)
    claims = extract_claims(parsed, layer, cfg)
    evidence, edges = _collect_evidence(parsed, layer, claims, _base_cues())
    vader: dict[str, str] = {}
    for aid in {a for a, _ in links.values() if a}:
        scores = []
        for m in layer.mentions:
            if m.actor_id == aid:
                sent = parsed.sentences[parsed.sentence_id(m.start)]
                r = _mention_tokens(sent, m.start, m.end)
                if r:
                    scores.append(vader_window_stance(sent, *r))
        vader[aid] = vader_label(sum(scores) / len(scores)) if scores else "neutral"
    return {
        "names": {a.actor_id: a.name for a in layer.actors},
        "country": _actor_countries(layer),
        "evidence": [asdict(ev) for ev in evidence],
        "edges": [list(e) for e in edges],
        "sentence_of": {str(e[3]): parsed.sentence_id(e[3]) for e in edges if e[3] >= 0},
        "links": links,
        "vader": vader,
        "roles": role_payload(parsed, layer),
    }


def role_payload(parsed: Any, layer: Any) -> dict[str, dict[str, float]]:
    """Actor id -> the narrative-role probabilities (stancekit.roles); the actors this
    script built from the annotated names (``eval-entity-*``) are typed UNKNOWN, as in
    scripts/train_roles.py, so their made-up PERSON type does not sway the model."""
    from dataclasses import replace

    from stancekit.roles import narrative_roles

    actors = tuple(
        replace(a, type="UNKNOWN") if a.actor_id.startswith("eval-") else a for a in layer.actors
    )
    roles = narrative_roles(parsed, replace(layer, actors=actors))
    return {aid: dict(r.probs) for aid, r in roles.items()}


def cached_payload(
    cache: Path | None, corpus: str, doc_id: str, text: str, entities: list[str], nlp: Any
) -> dict[str, Any]:
    if cache is None:
        return document_payload(text, entities, nlp)
    path = cache / _code_version() / corpus / f"{doc_id}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    out = document_payload(text, entities, nlp)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(out), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a concurrent run never reads half a file
    return out


def payload_scores(payload: dict[str, Any], cues: Any) -> dict[str, tuple[float, float, float]]:
    """Actor id -> aggregated (score, ...) given ``cues`` (weights and thresholds): the same
    aggregation as ``assess_stance``, re-run over the cached evidence."""
    from stancekit.stance import _Ev, _resolve, _weight_of

    evs = []
    for d in payload["evidence"]:
        d = dict(d, factors=tuple(d["factors"]))
        d["weight"] = _weight_of(d["base"], d["factors"], cues.weights)
        evs.append(_Ev(**d))
    sent_of = payload["sentence_of"]
    return _resolve(
        evs,
        [tuple(e) for e in payload["edges"]],
        payload["names"],
        cues,
        lambda s: sent_of.get(str(s), -1),
        payload.get("country", {}),
    )[1]


def seed_items() -> list[dict[str, Any]]:
    """The seed article's core actors as items {"gold" (accepted labels), "actor",
    "payload"}: the document goes through the Analyzer's loading and parse, the real actors
    and claims stages, and the stance evidence is cached like the corpora's."""
    from dataclasses import asdict

    import stancekit
    from stancekit.actors import extract_actors
    from stancekit.claims import extract_claims
    from stancekit.nlp import parse
    from stancekit.stance import _actor_countries, _base_cues, _collect_evidence

    gold = json.loads((SHARED / "gold" / "iran-proxies-iraq.gold.json").read_text(encoding="utf-8"))
    raw = (SHARED / "samples" / "iran-proxies-iraq.raw.txt").read_text(encoding="utf-8")
    cfg = stancekit.AnalysisConfig(stages=("actors", "claims", "stance"))
    an = stancekit.Analyzer(config=cfg)
    doc = an.document(raw)
    parsed = parse(doc.title, doc.text, an.nlp, chunk_chars=cfg.chunk_chars)
    layer = extract_actors(parsed, cfg)
    claims = extract_claims(parsed, layer, cfg)
    evidence, edges = _collect_evidence(parsed, layer, claims, _base_cues())
    pl = {
        "names": {a.actor_id: a.name for a in layer.actors},
        "country": _actor_countries(layer),
        "evidence": [asdict(ev) for ev in evidence],
        "edges": [list(e) for e in edges],
        "sentence_of": {str(e[3]): parsed.sentence_id(e[3]) for e in edges if e[3] >= 0},
    }
    by_name = {a.name: a.actor_id for a in layer.actors}
    return [
        {"gold": g["accept"], "actor": by_name.get(g["canonical"], ""), "payload": pl}
        for g in gold["actors"]
    ]


GOLD_MAP = {"Positive": "favor", "Negative": "against", "Neutral": "neutral"}
ROLE_STANCE = {"hero": "favor", "villain": "against", "victim": "favor"}


def load_persent(nlp: Any, cache: Path | None, n: int) -> dict[str, list[dict[str, Any]]]:
    """PerSenT dev items per half: {"gold", "actor", "payload", "how"} (first ``n`` of each
    half in split order; n <= 0 means all)."""
    rows = {
        r["DOCUMENT_INDEX"]: r
        for r in csv.DictReader((DATA / "persent" / "dev.csv").open(encoding="utf-8"))
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for half, ids in split_ids("persent", list(rows)).items():
        items = []
        for i in ids[:n] if n > 0 else ids:
            r = rows[i]
            ent = r["TARGET_ENTITY"]
            pl = cached_payload(cache, "persent", i, r["DOCUMENT"], [ent], nlp)
            aid, how = pl["links"][ent]
            items.append(
                {"gold": GOLD_MAP[r["TRUE_SENTIMENT"]], "actor": aid, "payload": pl, "how": how}
            )
        out[half] = items
    return out


def frames_corpus() -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """narrative_frames article texts and their (entity, role) pairs, pronoun and
    one- or two-letter entities and duplicates left out."""
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
        if (ent, r["role"]) not in roles.setdefault(r["ID"], []):
            roles[r["ID"]].append((ent, r["role"]))
    return texts, roles


def load_frames(nlp: Any, cache: Path | None, n: int) -> dict[str, list[dict[str, Any]]]:
    """narrative_frames items per half (entities of the first ``n`` articles of each half):
    {"gold" (role's stance), "role", "actor", "payload", "how"}; pronoun entities skipped."""
    texts, roles = frames_corpus()
    out: dict[str, list[dict[str, Any]]] = {}
    for half, ids in split_ids("narrative_frames", list(roles)).items():
        items = []
        for i in ids[:n] if n > 0 else ids:
            ents = sorted({e for e, _ in roles[i]})
            pl = cached_payload(cache, "narrative_frames", i, texts[i], ents, nlp)
            for ent, role in roles[i]:
                aid, how = pl["links"][ent]
                items.append(
                    {
                        "gold": ROLE_STANCE[role],
                        "role": role,
                        "actor": aid,
                        "payload": pl,
                        "how": how,
                    }
                )
        out[half] = items
    return out


def predict(items: list[dict[str, Any]], cues: Any) -> list[str]:
    """Labels of the items (each document's evidence aggregated once; no actor: neutral)."""
    from stancekit.stance import _label_for

    scores = _scores(items, cues)
    out = [
        _label_for(float(x), cues.thresholds) if it["actor"] else "neutral"
        for x, it in zip(scores, items, strict=True)
    ]
    return [role_fill(label, it) for label, it in zip(out, items, strict=True)]


def role_fill(label: str, item: dict[str, Any]) -> str:
    """assess_stance's last step with ``stance.narrative_roles`` on (stance._role_fill): a
    neutral label takes the stance of the actor's narrative role when the role model is sure
    enough (only with --roles)."""
    if not ROLES or label != "neutral" or not item["actor"]:
        return label
    from stancekit.roles import RoleScore, role_stance

    probs = item["payload"].get("roles", {}).get(item["actor"])
    if probs is None:
        return label
    hit = role_stance(RoleScore(item["actor"], max(probs, key=probs.__getitem__), probs))
    return hit[0] if hit else label


ROLES = False  # --roles: the labels with the narrative-role fill (assess_stance option)


def vader_pred(items: list[dict[str, Any]]) -> list[str]:
    return [it["payload"]["vader"].get(it["actor"], "neutral") for it in items]


def persent_table(data: dict[str, list[dict[str, Any]]], cues: Any) -> list[str]:
    lines = [
        "| PerSenT dev half | docs | assess_stance F1m | acc | VADER window F1m | acc | majority (favor) F1m |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for half, items in data.items():
        y = [it["gold"] for it in items]
        p, b = predict(items, cues), vader_pred(items)
        lines.append(
            f"| {half} | {len(y)} | {f1m(y, p):.3f} | {acc(y, p):.3f} | {f1m(y, b):.3f} "
            f"| {acc(y, b):.3f} | {f1m(y, ['favor'] * len(y)):.3f} |"
        )
    hows: dict[str, int] = {}
    for items in data.values():
        for it in items:
            hows[it["how"]] = hows.get(it["how"], 0) + 1
    lines.append("")
    lines.append("entity found by: " + ", ".join(f"{k} {v}" for k, v in sorted(hows.items())))
    return lines


def frames_table(data: dict[str, list[dict[str, Any]]], cues: Any) -> list[str]:
    lines = [
        "| narrative_frames half | role (expected) | entities found | assess_stance acc "
        "| VADER window acc | always favor |",
        "|---|---|---:|---:|---:|---:|",
    ]
    hows: dict[str, int] = {}
    for half, items in data.items():
        for it in items:
            hows[it["how"]] = hows.get(it["how"], 0) + 1
        found = [it for it in items if it["how"] != "not found"]
        p, b = predict(found, cues), vader_pred(found)
        for role in ("hero", "villain", "victim", "all"):
            idx = [k for k, it in enumerate(found) if role == "all" or it["role"] == role]
            a = sum(p[k] == found[k]["gold"] for k in idx) / max(1, len(idx))
            ab = sum(b[k] == found[k]["gold"] for k in idx) / max(1, len(idx))
            exp = f" ({ROLE_STANCE[role]})" if role in ROLE_STANCE else ""
            fav = sum(found[k]["gold"] == "favor" for k in idx) / max(1, len(idx))
            lines.append(f"| {half} | {role}{exp} | {len(idx)} | {a:.3f} | {ab:.3f} | {fav:.3f} |")
        y = [it["gold"] for it in found]
        lines.append(
            f"| {half} | balanced (favor/against) | {len(found)} | {balanced(y, p):.3f} "
            f"| {balanced(y, b):.3f} | 0.500 |"
        )
    lines.append("")
    lines.append(
        "entities (pronouns skipped) linked by: "
        + ", ".join(f"{k} {v}" for k, v in sorted(hows.items()))
    )
    return lines


def eval_seed(options: dict[str, Any] | None = None) -> tuple[int, list[str]]:
    import stancekit

    gold = json.loads((SHARED / "gold" / "iran-proxies-iraq.gold.json").read_text(encoding="utf-8"))
    raw = (SHARED / "samples" / "iran-proxies-iraq.raw.txt").read_text(encoding="utf-8")
    a = stancekit.analyze(
        raw,
        config=stancekit.AnalysisConfig(
            stages=("actors", "claims", "stance"), options=options or {}
        ),
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
    return ok, lines


# --------------------------------------------------------------------------- tuning
TUNE_GRID: dict[str, tuple[str, list[float]]] = {
    "prior_weight": ("thresholds", [0.0, 0.25, 0.5, 1.0, 2.0]),
    "dilution": ("thresholds", [0.0, 0.1, 0.25, 0.5, 1.0]),
    "sentence_cap": ("thresholds", [0.0, 0.5, 1.0, 2.0]),
    "model": ("weights", [0.1, 0.2, 0.4, 0.8, 1.2]),
    "model_not_agent": ("weights", [0.0, 0.3, 0.6, 1.0]),
    "model_when_rule": ("weights", [0.0, 0.4, 1.0]),
    "label": ("weights", [0.5, 1.0, 2.0]),
    "action": ("weights", [0.3, 0.6, 1.2]),
    "victim": ("weights", [0.4, 0.8, 1.6, 3.0]),
    "perpetrator": ("weights", [0.5, 1.0, 2.0]),
    "helper": ("weights", [0.0, 0.5, 1.0, 2.0]),
    "fights": ("weights", [0.0, 0.3, 0.6, 1.2]),
    "fights_opposed": ("weights", [0.0, 0.5, 1.0]),
}


def _scores(items: list[dict[str, Any]], cues: Any) -> np.ndarray:
    memo: dict[int, dict[str, tuple[float, float, float]]] = {}
    out = []
    for it in items:
        pl = it["payload"]
        if id(pl) not in memo:
            memo[id(pl)] = payload_scores(pl, cues)
        out.append(memo[id(pl)].get(it["actor"], (0.0, 0.0, 0.0))[0] if it["actor"] else 0.0)
    return np.array(out)


def _objective(
    ps: np.ndarray, py: list[str], fs: np.ndarray, fy: list[str], lo: float, hi: float
) -> tuple[float, float, float]:
    def lab(s: np.ndarray) -> list[str]:
        return ["against" if x <= lo else "favor" if x >= hi else "neutral" for x in s]

    a = f1m(py, lab(ps))
    b = balanced(fy, lab(fs))
    return (a + b) / 2, a, b


def tune(persent: dict, frames: dict, seed: list[dict[str, Any]]) -> dict[str, Any]:
    """Coordinate search (two rounds) of the aggregation parameters on the tune halves;
    thresholds swept for each candidate. Objective: mean of PerSenT macro-F1 and
    narrative_frames balanced accuracy (favor vs against expected; plain accuracy would
    reward answering "favor" always, since heroes + victims are 59%), tune halves only,
    subject to the seed gold staying at >= 12 of 13 core actors within ``accept``."""
    from dataclasses import replace

    from stancekit.stance import _base_cues

    pt = persent["tune"]
    ft = [it for it in frames["tune"] if it["how"] != "not found"]
    py, fy = [it["gold"] for it in pt], [it["gold"] for it in ft]
    base = _base_cues()
    cur = {"weights": dict(base.weights), "thresholds": dict(base.thresholds)}
    th_grid = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4]  # below 0.1 a neutral sentence tips over
    th0 = base.thresholds
    start_cues = replace(base, weights=cur["weights"], thresholds=cur["thresholds"])
    persent_floor = (
        _objective(
            _scores(pt, start_cues), py, _scores(ft, start_cues), fy, th0["against"], th0["favor"]
        )[1]
        - 0.005
    )  # never trade PerSenT away for narrative_frames

    def evaluate(c: dict) -> tuple[float, float, float, float, float]:
        cues = replace(base, weights=c["weights"], thresholds=c["thresholds"])
        ps, fs, ss = _scores(pt, cues), _scores(ft, cues), _scores(seed, cues)
        cands = []
        for lo in th_grid:
            for hi in th_grid:
                lab = ["against" if x <= -lo else "favor" if x >= hi else "neutral" for x in ss]
                if sum(p in it["gold"] for p, it in zip(lab, seed)) < 12:  # seed constraint
                    continue
                obj = _objective(ps, py, fs, fy, -lo, hi)
                if obj[1] >= persent_floor:  # PerSenT constraint
                    cands.append((obj, -lo, hi))
        if not cands:
            return (-1.0, 0.0, 0.0, 0.0, 0.0)
        best = max(cands)
        return (*best[0], best[1], best[2])

    best = evaluate(cur)
    print(f"start {best[0]:.3f}", file=sys.stderr)
    for rnd in range(2):
        for key, (group, values) in TUNE_GRID.items():
            for v in values:
                cand = {g: dict(d) for g, d in cur.items()}
                cand[group][key] = v
                r = evaluate(cand)
                if r[0] > best[0] + 1e-9:
                    best, cur = r, cand
            print(
                f"round {rnd} {key}={cur[TUNE_GRID[key][0]].get(key)} -> {best[0]:.3f}",
                file=sys.stderr,
            )
    cur["thresholds"]["against"], cur["thresholds"]["favor"] = best[3], best[4]
    print(
        f"tune objective {best[0]:.3f} (PerSenT F1m {best[1]:.3f}, frames balanced acc {best[2]:.3f})",
        file=sys.stderr,
    )
    return cur


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--persent", type=int, default=0, help="PerSenT dev documents per half (0: all 289)"
    )
    ap.add_argument(
        "--frames", type=int, default=0, help="narrative_frames articles per half (0: all)"
    )
    ap.add_argument(
        "--cache",
        default="/tmp/stancekit-eval-cache",
        help="per-document evidence cache (keyed by a hash of the code); '' to disable",
    )
    ap.add_argument(
        "--tune", action="store_true", help="search the aggregation parameters on the tune halves"
    )
    ap.add_argument(
        "--skip", nargs="*", default=[], choices=["newsmtsc", "persent", "frames", "seed"]
    )
    ap.add_argument(
        "--roles",
        action="store_true",
        help="labels with the narrative-role fill of neutral labels (the option "
        "stance.narrative_roles=True of assess_stance; off by default)",
    )
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} not found: the evaluation reads ../shared/data")
    global ROLES
    ROLES = args.roles

    from stancekit.nlp import get_nlp
    from stancekit.stance import _base_cues

    nlp = get_nlp()
    cache = Path(args.cache) if args.cache else None
    cues = _base_cues()
    out: list[str] = []
    t0 = time.time()
    if "newsmtsc" not in args.skip:
        out += [*eval_newsmtsc(nlp), ""]
    persent = load_persent(nlp, cache, args.persent) if "persent" not in args.skip else None
    frames = load_frames(nlp, cache, args.frames) if "frames" not in args.skip else None
    if args.tune and persent and frames:
        params = tune(persent, frames, seed_items())
        print(json.dumps(params, indent=1))
        return
    split = (
        f"Split: article ids sorted and shuffled with random.Random('{SPLIT_SEED}:<corpus>'), "
        "first half tune (aggregation parameters chosen there with --tune), second half held-out."
    )
    if persent:
        out += [split, "", *persent_table(persent, cues), ""]
    if frames:
        out += [*frames_table(frames, cues), ""]
    if "seed" not in args.skip:
        out += eval_seed({"stance.narrative_roles": True} if ROLES else None)[1]
    out.append(f"\n({time.time() - t0:.0f}s)")
    print("\n".join(out))


if __name__ == "__main__":
    main()
