"""Train the narrative-role model (``models/narrative_roles``) from ../shared/data.

Data: ``narrative_frames`` (role_and_frame_annoations.tsv, MIT): (entity, role) rows over
climate-news articles, roles hero / villain / victim. Each article goes through the real
parse and actors stage; an annotated entity is linked to an actor exactly as
``scripts/evaluate_stance.py`` does (same name or alias, a PERSON's surname, else an actor
built from the entity's occurrences), pronoun entities skipped. Every actor of the article
becomes one example: the role of its linked entities (the most frequent when several), or
"none" when no annotated entity links to it.

Split: the fixed article split of ``evaluate_stance.split_ids("narrative_frames", ...)``;
the model is trained ONLY on the tune half (the held-out half is what
``scripts/evaluate_roles.py`` reports). The regularisation C and the class weighting are
chosen by 5-fold cross-validation grouped by article inside the tune half (the combined
stance accuracy below; macro-F1 over the four roles breaks ties); the threshold of
``roles.role_stance`` (role mass ``1 - P(none)`` above which the role's stance replaces the
rule stance) is chosen on the out-of-fold probabilities of the tune half, maximising the
stance accuracy of the annotated entities when combined with ``assess_stance`` (its
labels come from evaluate_stance's cached evidence) while giving a role stance to at most
20% of the actors without a role (``MAX_OVERRIDE``; the unconstrained best is in the card
too).

Parsed documents are cached in ``--cache`` (spaCy DocBin + actors layer JSON; keyed by a hash
of actors.py, nlp.py and the spaCy model) so that retraining only re-runs the features.

Usage::

    python scripts/train_roles.py            # ~5 min uncached, ~1 min cached
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import evaluate_stance as ES  # noqa: E402  (split_ids, load_frames, predict, ROLE_STANCE)

DATA = ES.DATA
CORPUS = "narrative_frames"
ROLE_NAMES = ("hero", "villain", "victim", "none")
C_GRID = (0.03, 0.1, 0.3)
# "balanced" won at every C of a first full sweep with (None, "balanced") and C up to 1.0
WEIGHT_GRID = ("balanced",)
# the cue-class and polarity columns (names without ":", e.g. A_harm, P_val, mod_victim)
# are multiplied by this before fitting (less shrinkage for the few general features than
# for the many lemma columns); the stored coefficients include the factor
SCALE_GRID = (1.0, 3.0)
META = frozenset({"bias", "n_mentions", "share", "in_title", "in_lead"})
MAX_OVERRIDE = 0.2  # share of no-role actors the card threshold may give a role stance
MIN_DOCS = 2  # a feature must occur in at least this many training articles
TH_GRID = tuple(round(float(x), 2) for x in np.arange(0.0, 1.0001, 0.05))


def load_corpus() -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """Article texts and (entity, role) pairs per article, filtered like evaluate_stance."""
    import csv

    base = DATA / CORPUS
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
        if ent.lower() in ES.PRONOUNS or len(ent) < 3 or r["ID"] not in texts:
            continue
        if (ent, r["role"]) not in roles.setdefault(r["ID"], []):
            roles[r["ID"]].append((ent, r["role"]))
    return texts, roles


def link_entities(parsed: Any, layer: Any, entities: list[str]) -> tuple[Any, dict[str, str]]:
    """Link annotated entities to actors (the logic of ``evaluate_stance.document_payload``);
    returns the layer with the string-matched extra actors and entity -> actor id ("" when
    not found)."""
    from stancekit.types import Actor, ActorLayer, Mention

    norm = ES._norm
    mentions = list(layer.mentions)
    extra: list[Any] = []
    taken = {(m.start, m.end) for m in mentions}
    next_id = max((m.mention_id for m in mentions), default=-1) + 1
    links: dict[str, str] = {}
    for k, entity in enumerate(entities):
        ent = norm(entity)
        words = ent.split()
        last = words[-1] if words else ent
        found = None
        for a in layer.actors:
            if ent in {norm(a.name), *(norm(x) for x in a.aliases)}:
                found = a
                break
        if found is None and len(last) > 3:
            for a in layer.actors:
                if a.type == "PERSON" and any(
                    norm(n).split()[-1:] == [last] for n in (a.name, *a.aliases) if n.strip()
                ):
                    found = a
                    break
        if found is not None:
            links[entity] = found.actor_id
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
            links[entity] = ""
            continue
        aid = f"eval-entity-{k}"
        for s, e in sorted(spans):
            mentions.append(
                Mention(next_id, aid, parsed.text[s:e], s, e, parsed.sentence_id(s), method="eval")
            )
            taken.add((s, e))
            next_id += 1
        # type UNKNOWN (never produced by the actors stage): the type feature of these
        # string-matched actors, which always carry a role, cannot leak into real types
        extra.append(Actor(aid, entity, "UNKNOWN", n_mentions=len(spans)))
        links[entity] = aid
    out = ActorLayer(
        mentions=tuple(mentions), actors=(*layer.actors, *extra), relations=layer.relations
    )
    return out, links


def _cache_key(nlp: Any) -> str:
    h = hashlib.sha1()
    for f in ("actors.py", "nlp.py"):
        h.update((ROOT / "src" / "stancekit" / f).read_bytes())
    h.update(f"{nlp.meta.get('name')}-{nlp.meta.get('version')}".encode())
    return h.hexdigest()[:12]


def parsed_docs(ids: list[str], texts: dict[str, str], nlp: Any, cache: Path | None):
    """Yield (doc id, Parsed, ActorLayer) for the articles, from the cache when there."""
    from spacy.tokens import DocBin

    from stancekit.actors import extract_actors
    from stancekit.config import AnalysisConfig
    from stancekit.nlp import Parsed, parse
    from stancekit.types import ActorLayer

    cfg = AnalysisConfig(stages=("actors", "claims", "stance"))
    folder = cache / _cache_key(nlp) if cache else None
    for i in ids:
        if folder and (folder / f"{i}.json").is_file():
            meta = json.loads((folder / f"{i}.json").read_text(encoding="utf-8"))
            doc = next(
                iter(DocBin().from_bytes((folder / f"{i}.spacy").read_bytes()).get_docs(nlp.vocab))
            )
            parsed = Parsed(doc, meta["text"], meta["title"], meta["body"], meta["body_start"])
            yield i, parsed, ActorLayer.from_dict(meta["layer"])
            continue
        parsed = parse(None, texts[i], nlp)
        layer = extract_actors(parsed, cfg)
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{i}.spacy").write_bytes(DocBin(docs=[parsed.doc]).to_bytes())
            meta = {
                "text": parsed.text,
                "title": parsed.title,
                "body": parsed.body,
                "body_start": parsed.body_start,
                "layer": layer.to_dict(),
            }
            (folder / f"{i}.json").write_text(json.dumps(meta), encoding="utf-8")
        yield i, parsed, layer


def build_examples(half: str, nlp: Any, cache: Path | None) -> tuple[list[dict], list[dict]]:
    """(actor examples, entity items) of one half.

    Actor example: {"doc", "actor", "feats", "y"}; entity item: {"doc", "entity", "role",
    "actor"} (one per annotated (entity, role) pair, actor "" when not found)."""
    from stancekit.roles import actor_features

    texts, roles = load_corpus()
    ids = ES.split_ids(CORPUS, list(roles))[half]
    examples: list[dict] = []
    items: list[dict] = []
    t0 = time.time()
    for n, (i, parsed, layer) in enumerate(parsed_docs(ids, texts, nlp, cache)):
        ents = sorted({e for e, _ in roles[i]})
        layer, links = link_entities(parsed, layer, ents)
        votes: dict[str, Counter] = {}
        for ent, role in roles[i]:
            items.append({"doc": i, "entity": ent, "role": role, "actor": links[ent]})
            if links[ent]:
                votes.setdefault(links[ent], Counter())[role] += 1
        for aid, (feats, _occ) in actor_features(parsed, layer).items():
            y = "none"
            if aid in votes:
                y = sorted(votes[aid].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            examples.append({"doc": i, "actor": aid, "feats": feats, "y": y})
        if (n + 1) % 50 == 0:
            print(
                f"  {half}: {n + 1}/{len(ids)} articles ({time.time() - t0:.0f}s)", file=sys.stderr
            )
    return examples, items


def rule_labels(
    half: str, nlp: Any, cache: str
) -> tuple[dict[tuple[str, str, str], str], dict[tuple[str, str, str], str]]:
    """assess_stance's label and the VADER-window baseline's label of each (doc, entity,
    role) item of the half, from evaluate_stance's cached evidence."""
    from stancekit.stance import _base_cues

    _, roles = load_corpus()
    frames = ES.load_frames(nlp, Path(cache) if cache else None, 0)[half]
    ids = ES.split_ids(CORPUS, list(roles))[half]
    keys = [(i, ent, role) for i in ids for ent, role in roles[i]]
    assert len(keys) == len(frames), (len(keys), len(frames))
    rules = ES.predict(frames, _base_cues())
    vader = ES.vader_pred(frames)
    return dict(zip(keys, rules, strict=True)), dict(zip(keys, vader, strict=True))


def fit(X: Any, y: list[str], C: float, cw: Any) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight=cw, max_iter=3000).fit(X, y)


def combined(
    items: list[dict], probs: dict[tuple[str, str], dict[str, float]], rules: dict, th: float
) -> list[str]:
    """Stance of each found entity item: the role's stance when 1 - P(none) >= th, else the
    rule label."""
    from stancekit.roles import RoleScore, role_stance

    out = []
    for it in items:
        p = probs[(it["doc"], it["actor"])]
        r = role_stance(RoleScore(it["actor"], "", p), threshold=th)
        out.append(r[0] if r else rules[(it["doc"], it["entity"], it["role"])])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cache", default="/tmp/stancekit-roles-cache", help="parse cache; '' off")
    ap.add_argument(
        "--stance-cache",
        default="/tmp/stancekit-eval-cache",
        help="evaluate_stance's evidence cache (for the rule labels); '' off",
    )
    ap.add_argument("--out", default=None, help="models directory (default: models/)")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} not found: training reads ../shared/data")
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    from stancekit.models import save_model_files
    from stancekit.nlp import get_nlp

    nlp = get_nlp()
    cache = Path(args.cache) if args.cache else None
    examples, items = build_examples("tune", nlp, cache)
    docs_of: dict[str, set[str]] = {}
    for e in examples:
        for f in e["feats"]:
            docs_of.setdefault(f, set()).add(e["doc"])
    keep_f = {f for f, d in docs_of.items() if len(d) >= MIN_DOCS}
    vec = DictVectorizer(sort=True)
    X = vec.fit_transform([{k: v for k, v in e["feats"].items() if k in keep_f} for e in examples])
    X = X.toarray()  # dense: lbfgs is several times faster on it (~100 MB)
    y = [e["y"] for e in examples]
    groups = [e["doc"] for e in examples]
    print(f"tune: {X.shape[0]} actors x {X.shape[1]} features; {Counter(y)}", file=sys.stderr)
    folds = list(GroupKFold(n_splits=5).split(X, y, groups))
    found = [it for it in items if it["actor"]]
    gold = [ES.ROLE_STANCE[it["role"]] for it in found]
    rules = rule_labels("tune", nlp, args.stance_cache)[0]

    fnames = list(vec.get_feature_names_out())
    cue = np.array([":" not in n and n not in META for n in fnames])

    def scaled(sc: float) -> np.ndarray:
        Xs = X.copy()
        Xs[:, cue] *= sc
        return Xs

    def oof(Xs: np.ndarray, C: float, cw: Any) -> np.ndarray:
        P = np.zeros((X.shape[0], 4))
        for tr, te in folds:
            m = fit(Xs[tr], [y[k] for k in tr], C, cw)
            P[te] = m.predict_proba(Xs[te])[:, [list(m.classes_).index(c) for c in ROLE_NAMES]]
        return P

    none_rows = [k for k, e in enumerate(examples) if e["y"] == "none"]

    def best_threshold(P: np.ndarray) -> tuple[float, float, float, float]:
        """(acc, threshold) unconstrained and (acc, threshold) with at most MAX_OVERRIDE of
        the no-role actors getting a role stance."""
        probs = {
            (e["doc"], e["actor"]): {c: float(P[k, j]) for j, c in enumerate(ROLE_NAMES)}
            for k, e in enumerate(examples)
        }
        mass = 1.0 - P[none_rows, ROLE_NAMES.index("none")]
        rows, safe = [], []
        for th in TH_GRID:
            pred = combined(found, probs, rules, th)
            a = round(sum(p == g for p, g in zip(pred, gold)) / len(gold), 6)
            rows.append((a, -th))
            if th > 0 and float((mass >= th).mean()) <= MAX_OVERRIDE:
                safe.append((a, -th))
        a, th = max(rows)
        a2, th2 = max(safe) if safe else (0.0, -1.0)
        return a, -th, a2, -th2

    best = None
    cv_rows = []
    for sc in SCALE_GRID:
        Xs = scaled(sc)
        for C in C_GRID:
            for cw in WEIGHT_GRID:
                P = oof(Xs, C, cw)
                pred = [ROLE_NAMES[k] for k in P.argmax(axis=1)]
                f1 = float(f1_score(y, pred, labels=list(ROLE_NAMES), average="macro"))
                a_max, th_max, a, th = best_threshold(P)
                cv_rows.append(
                    {
                        "C": C,
                        "class_weight": cw or "none",
                        "cue_scale": sc,
                        "macro_f1": round(f1, 4),
                        "combined_stance_acc": round(a, 4),
                        "threshold": th,
                        "combined_stance_acc_unconstrained": round(a_max, 4),
                        "threshold_unconstrained": th_max,
                    }
                )
                print(f"  {cv_rows[-1]}", file=sys.stderr)
                if best is None or (a, f1) > best[:2]:
                    best = (a, f1, C, cw, th, a_max, th_max, sc)
    assert best is not None
    th_acc, f1, C, cw, th, a_max, th_max, sc = best
    print(
        f"chosen C={C} class_weight={cw} cue_scale={sc} threshold {th}: "
        f"tune OOF stance acc {th_acc:.3f}",
        file=sys.stderr,
    )
    model = fit(scaled(sc), y, C, cw)
    order = [list(model.classes_).index(c) for c in ROLE_NAMES]
    coef = model.coef_[order]
    coef[:, cue] *= sc  # folded in: the stored model reads unscaled features
    keep = np.abs(coef).max(axis=0) > 1e-6
    names = np.array(vec.get_feature_names_out())[keep]
    card = {
        "task": "narrative role of an actor (hero / villain / victim / none)",
        "data": "narrative_frames (role_and_frame_annoations.tsv + articles_metadata.tsv), MIT",
        "licence": "MIT (data and model)",
        "split": "evaluate_stance.split_ids('narrative_frames'): trained on the tune half only",
        "train_articles": len({e["doc"] for e in examples}),
        "train_actors": len(examples),
        "train_labels": dict(Counter(y)),
        "classifier": "sklearn LogisticRegression (multinomial, lbfgs)",
        "min_docs": MIN_DOCS,
        "C": C,
        "class_weight": cw or "none",
        "cue_scale": sc,
        "cv": {"folds": "GroupKFold(5) by article, tune half", "grid": cv_rows},
        "threshold": th,
        "threshold_note": (
            "role_stance uses the role's stance when 1 - P(none) >= threshold, else the rule "
            "stance; chosen on out-of-fold tune probabilities: the best combined stance "
            f"accuracy on tune entities ({th_acc:.3f}) with at most {MAX_OVERRIDE:.0%} of the "
            "no-role actors getting a role stance"
        ),
        "threshold_unconstrained": th_max,
        "threshold_unconstrained_note": (
            f"best tune combined stance accuracy ({a_max:.3f}) whatever it does to no-role actors"
        ),
        "featurizer": "stancekit.roles.actor_features (see the module docstring)",
        "rebuild": "python scripts/train_roles.py",
        "evaluate": "python scripts/evaluate_roles.py",
    }
    save_model_files(
        "narrative_roles",
        {
            "coef": coef[:, keep].astype(np.float32),
            "intercept": model.intercept_[order],
            "classes": np.array(ROLE_NAMES),
            "vocab": names,
        },
        card,
        Path(args.out) if args.out else None,
    )
    print(f"saved narrative_roles: {len(names)} features, C={C}, class_weight={cw}, th={th}")


if __name__ == "__main__":
    main()
