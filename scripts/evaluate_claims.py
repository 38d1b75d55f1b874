"""Evaluate the claims stage and print a markdown table.

Rows:

* ClaimBuster check-worthiness F1 (positive class), 5-fold stratified CV of
  ``claimbuster/train.json``: the shipped recipe (words + parse features, LR, with
  CheckThat in training) against TF-IDF word-n-gram logistic regression baselines;
* CheckThat! 2020 task 5 mean average precision over debates, 5 folds of whole
  debates left out;
* claim kinds against the Webis editorial units (statistics -> statistical, testimony and
  anecdote -> factual, assumption -> an opinion kind), 5 folds of whole editorials: the
  rules alone, and rules + the evidence-type model trained on the other folds;
* the seed gold (``gold/iran-proxies-iraq.gold.json``): the 8 checks of issue 5,
  claim kinds, and the hedge / certainty cues of ``framing_expected``;
* the ``cert-*`` and ``attr-*`` cases of ``gold/cases.jsonl``.

Usage::

    python scripts/evaluate_claims.py                # everything (parses ~50k sentences: minutes)
    python scripts/evaluate_claims.py --cache /tmp/claims_feats.json   # reuse the parse
    python scripts/evaluate_claims.py --gold-only    # seed gold and cases only (seconds)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_claims as tc


def _claim_of(layer: Any, contains: str) -> Any:
    for c in layer.claims:
        if contains in c.text:
            return c
    return None


def seed_gold(shared: Path) -> dict[str, Any]:
    from stancekit.actors import extract_actors
    from stancekit.claims import extract_claims
    from stancekit.config import AnalysisConfig
    from stancekit.load import document_from_text
    from stancekit.nlp import get_nlp, parse

    gold = json.loads((shared / "gold/iran-proxies-iraq.gold.json").read_text(encoding="utf-8"))
    raw = (shared / "samples/iran-proxies-iraq.raw.txt").read_text(encoding="utf-8")
    doc = document_from_text(raw)
    parsed = parse(doc.title, doc.text, get_nlp())
    cfg = AnalysisConfig()
    layer = extract_claims(parsed, extract_actors(parsed, cfg), cfg)

    checks: list[tuple[str, bool, str]] = []
    kinds: list[tuple[str, bool, str]] = []
    for g in gold["claims"]:
        c = _claim_of(layer, g["sentence_contains"])
        name = g["sentence_contains"][:40]
        if c is None:
            checks.append((name, False, "sentence not found"))
            continue
        if g.get("certainty") in ("hedged", "certain"):
            checks.append((f"certainty: {name}", c.certainty == g["certainty"], c.certainty))
        elif g.get("certainty") == "plain":
            ok = c.is_claim and c.certainty == "plain"
            checks.append((f"plain claim: {name}", ok, f"is_claim={c.is_claim} {c.certainty}"))
        if "attributed_to" in g:
            ok = c.attributed_to == g["attributed_to"]
            checks.append((f"attribution: {name}", ok, str(c.attributed_to)))
        if "kind" in g:
            kinds.append((name, c.kind == g["kind"], f"{c.kind} (gold {g['kind']})"))
    for g in gold["not_claims"]:
        c = _claim_of(layer, g["sentence_contains"])
        ok = c is not None and c.is_question and not c.is_claim
        checks.append((f"question: {g['sentence_contains']}", ok, ""))
    tagged = " | ".join(t.text.lower() for t in layer.tags if t.kind in ("hedge", "certainty"))
    exp = gold["framing_expected"]
    cues = exp["hedges"] + exp["certainty_markers"]
    found = [c for c in cues if c.lower() in tagged]
    return {"checks": checks, "kinds": kinds, "cues": (len(found), len(cues))}


def gold_cases(shared: Path) -> tuple[int, int, list[str]]:
    from stancekit.claims import extract_claims
    from stancekit.config import AnalysisConfig
    from stancekit.nlp import get_nlp, parse
    from stancekit.types import ActorLayer

    rows = [
        json.loads(line)
        for line in (shared / "gold/cases.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rows = [r for r in rows if r["id"].startswith(("cert-", "attr-"))]
    nlp, cfg = get_nlp(), AnalysisConfig()
    n_ok = n = 0
    wrong = []
    for r in rows:
        c = extract_claims(parse(None, r["text"], nlp), ActorLayer(), cfg).claims[0]
        for field in ("certainty", "kind", "is_claim", "is_question", "attributed_to"):
            if field in r:
                n += 1
                if getattr(c, field) == r[field]:
                    n_ok += 1
                else:
                    wrong.append(f"{r['id']} {field}: {getattr(c, field)!r} (gold {r[field]!r})")
    return n_ok, n, wrong


WEBIS_TYPES = ("statistics", "testimony", "anecdote", "assumption")


def webis_units(shared: Path) -> dict[str, dict[str, float]]:
    """The claims stage on each argumentative unit of the Webis editorials (all of ../shared).

    Per unit type: the share of units the stage calls statistical, attributed,
    claims, hedged, and evaluative/normative/predictive (opinion kinds).
    """
    from stancekit.claims import extract_claims
    from stancekit.config import AnalysisConfig
    from stancekit.nlp import Parsed, get_nlp
    from stancekit.types import ActorLayer

    units: list[tuple[str, str]] = []
    for path in sorted((shared / "data/webis_editorials").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for para in data["paragraphs"]:
            units += [(u["label"], u["text"].strip()) for u in para if u["label"] in WEBIS_TYPES]
    units = [(lab, t) for lab, t in units if t]
    # kinds by the rules alone: the kind model is trained on these very units
    nlp, cfg = get_nlp(), AnalysisConfig(options={"claims.kind_model": None})
    stats: dict[str, dict[str, float]] = {t: {} for t in WEBIS_TYPES}
    counts: dict[str, int] = dict.fromkeys(WEBIS_TYPES, 0)
    for (label, _), doc in zip(units, nlp.pipe([t for _, t in units], batch_size=256)):
        parsed = Parsed(doc=doc, text=doc.text, title="", body=doc.text, body_start=0)
        claims = extract_claims(parsed, ActorLayer(), cfg).claims
        counts[label] += 1
        flags = {
            "statistical": any(c.kind == "statistical" for c in claims),
            "attributed": any(c.attributed_to for c in claims),
            "claim": any(c.is_claim for c in claims),
            "hedged": any(c.certainty == "hedged" for c in claims),
            "opinion kind": any(
                c.kind in ("evaluative", "normative", "predictive") for c in claims
            ),
        }
        for k, v in flags.items():
            stats[label][k] = stats[label].get(k, 0) + int(v)
    return {
        t: {"n": counts[t], **{k: v / max(1, counts[t]) for k, v in stats[t].items()}}
        for t in WEBIS_TYPES
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="the shared folder (default: ../shared next to the repo)")
    ap.add_argument("--cache", type=Path, help="a JSON file to keep parse features between runs")
    ap.add_argument("--gold-only", action="store_true", help="skip the corpus evaluations")
    ap.add_argument("--no-webis", action="store_true", help="skip the Webis editorial units")
    args = ap.parse_args(argv)
    shared = tc.shared_dir(args.shared)

    rows: list[tuple[str, str, str, str]] = []  # (data, metric, value, note)
    if not args.gold_only:
        cb_texts, cb_y = tc.load_claimbuster(shared)
        ct_texts, ct_y, ct_debates = tc.load_checkthat(shared)
        cb_feats = tc.parse_feats(cb_texts, args.cache, "claimbuster")
        ct_feats = tc.parse_feats(ct_texts, args.cache, "checkthat2020")
        cv = tc.cv_claimbuster(cb_texts, cb_feats, cb_y, ct_texts, ct_feats, ct_y)
        m, b, bb = cv["model"], cv["baseline"], cv["baseline_balanced"]
        rows += [
            (
                "ClaimBuster train, 5-fold CV",
                "F1 check-worthy (P / R)",
                f"**{m['f1']:.3f}** ± {m['f1_std']:.3f} ({m['precision']:.3f} / {m['recall']:.3f})",
                "checkworthy: words + parse, LR, + CheckThat",
            ),
            (
                "ClaimBuster train, 5-fold CV",
                "F1 check-worthy (P / R)",
                f"{bb['f1']:.3f} ({bb['precision']:.3f} / {bb['recall']:.3f})",
                "baseline: TF-IDF 1-2 grams LR, balanced",
            ),
            (
                "ClaimBuster train, 5-fold CV",
                "F1 check-worthy (P / R)",
                f"{b['f1']:.3f} ({b['precision']:.3f} / {b['recall']:.3f})",
                "baseline: TF-IDF 1-2 grams LR, default",
            ),
        ]
        mp = tc.map_checkthat(cb_texts, cb_feats, cb_y, ct_texts, ct_feats, ct_y, ct_debates)
        rows += [
            (
                f"CheckThat 2020, {mp['n_debates']} debates, 5 folds of debates",
                "MAP",
                f"**{mp['model']:.4f}**",
                "checkworthy recipe (ClaimBuster + other debates)",
            ),
            ("", "MAP", f"{mp['claimbuster_only']:.4f}", "trained on ClaimBuster only"),
            (
                "",
                "MAP",
                f"{mp['baseline_checkthat_tfidf_lr']:.4f}",
                "baseline: TF-IDF LR on other debates",
            ),
        ]

    if not args.gold_only and not args.no_webis:
        texts, y, groups = tc.load_webis_units(shared)
        kv = tc.cv_kind(texts, tc.webis_rules(texts, args.cache), y, groups)
        sup = kv["support"]
        for name, key in (("rules alone", "rules"), ("rules + evidence-type model", "rules+model")):
            r = kv[key]
            rows.append(
                (
                    f"Webis editorial units as kinds, {kv['editorials']} editorials, "
                    "5 folds of editorials",
                    "F1 statistical / factual / opinion (macro)",
                    " / ".join(f"{r[c]:.3f}" for c in tc.KIND_CLASSES) + f" (**{r['macro']:.3f}**)",
                    f"{name}; support {sup['statistical']} / {sup['factual']} / {sup['opinion']}",
                )
            )
        e = kv["model_evidence_types"]
        rows.append(
            (
                "",
                "F1 statistics / testimony / anecdote / assumption (macro)",
                " / ".join(f"{e[c]:.3f}" for c in tc.WEBIS_TYPES) + f" ({e['macro']:.3f})",
                "evidence-type model alone (claim_kind)",
            )
        )
        web = webis_units(shared)
        cols = ("statistical", "attributed", "claim", "hedged", "opinion kind")
        for t, v in web.items():
            rows.append(
                (
                    f"Webis editorials, {t} units (n={v['n']})",
                    "share " + " / ".join(cols),
                    " / ".join(f"{v.get(c, 0.0):.2f}" for c in cols),
                    "descriptive; kinds by the rules alone (the kind model learnt these units)",
                )
            )

    seed = seed_gold(shared)
    ok = sum(1 for _, good, _ in seed["checks"] if good)
    rows.append(
        (
            "seed gold (iran-proxies-iraq)",
            "issue-5 checks",
            f"**{ok}/{len(seed['checks'])}**",
            "; ".join(n for n, good, _ in seed["checks"] if not good) or "all pass",
        )
    )
    kok = sum(1 for _, good, _ in seed["kinds"] if good)
    rows.append(
        (
            "seed gold",
            "claim kind",
            f"{kok}/{len(seed['kinds'])}",
            "; ".join(f"{n}: {v}" for n, good, v in seed["kinds"] if not good) or "all pass",
        )
    )
    f, t = seed["cues"]
    rows.append(("seed gold", "hedge + certainty cues tagged", f"{f}/{t}", "framing_expected"))
    n_ok, n, wrong = gold_cases(shared)
    rows.append(
        (
            "cases.jsonl cert-*, attr-*",
            "fields right",
            f"{n_ok}/{n}",
            "; ".join(wrong) or "all pass",
        )
    )

    print("| data | metric | score | note |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
