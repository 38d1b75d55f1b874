"""Cross-validated scores of the persuasion models, next to plain TF-IDF baselines.

Prints markdown tables: per technique F1 and micro-F1 per paragraph (SemEval-2023
Task 3 subtask 3), per frame F1 and micro-F1 per article (subtask 2), genre
macro-F1 (subtask 1). Every score is out-of-fold: 5 folds grouped by article
(PTC 2019 and SemEval copies of one article share a fold), thresholds of fold k
tuned on the other folds. Columns:

* ``TF-IDF LR``: scikit-learn defaults (``TfidfVectorizer()``, ``LogisticRegression()``),
  one-vs-rest at 0.5 (argmax for genre);
* ``+ tuned thr.``: the same probabilities with cross-validated thresholds;
* ``stancekit``: the shipped featurizer and settings (``scripts/train_persuasion.py``).

Usage::

    python scripts/evaluate_persuasion.py                 # everything (~10 min on 2 cores)
    python scripts/evaluate_persuasion.py --only frames --limit 60 --folds 3
    python scripts/evaluate_persuasion.py --only genre --genre-extra webis=0.3  # + editorials
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_persuasion as T


def baseline_scores(data: T.Dataset, multiclass: bool, n_folds: int) -> np.ndarray:
    """Out-of-fold probabilities (or decision values for genre) of the plain baseline."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    def run(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        vec = TfidfVectorizer()
        Xtr = vec.fit_transform([data.texts[i] for i in tr])
        Xte = vec.transform([data.texts[i] for i in te])
        if multiclass:
            lr = LogisticRegression(max_iter=2000).fit(Xtr, data.Y[tr])
            out = np.full((len(te), len(data.classes)), -1e9)
            out[:, [int(c) for c in lr.classes_]] = lr.predict_log_proba(Xte)
            return out
        out = np.zeros((len(te), data.Y.shape[1]))
        for j in range(data.Y.shape[1]):
            y = data.Y[tr, j]
            if y.min() == y.max():
                out[:, j] = float(y[0])
                continue
            out[:, j] = LogisticRegression(max_iter=2000).fit(Xtr, y).predict_proba(Xte)[:, 1]
        return out

    return T.crossval(data, run, n_folds)


def evaluate(task: str, limit: int | None = None, n_folds: int = T.N_FOLDS) -> dict[str, Any]:
    """Scores of stancekit and the baselines for ``task`` (techniques, frames, genre)."""
    s = T.SETTINGS[task]
    if task == "techniques":
        articles, _ = T.load_techniques(limit=limit)
        data = T.technique_dataset(articles, s["min_positives"])
    else:
        data = T.document_dataset(T.load_documents(task, limit=limit), task)
    out: dict[str, Any] = {"task": task, "classes": data.classes, "n": len(data.texts)}
    out["n_articles"] = len(set(data.groups.tolist()))
    if task == "genre":
        extra, xw, _ = T.genre_extra_rows(s.get("extra") or {})
        z = T.cv_genre(data, s, n_folds, extra=extra, extra_weight=xw)
        pred = T.genre_predictions(data, z, n_folds)
        out["stancekit"] = T.genre_report(data, pred)
        out["stancekit"]["ci"] = T.bootstrap_macro_f1(data.Y, pred, len(data.classes))
        out["stancekit"]["ranking"] = T.ranking_diagnostics(data.Y, z, data.classes)
        b = baseline_scores(data, True, n_folds)
        out["baseline"] = T.genre_report(data, b.argmax(axis=1))
        return out
    p = T.cv_multilabel(data, s, n_folds)
    out["stancekit"] = T.multilabel_report(data, p, tuned=True, n_folds=n_folds)
    b = baseline_scores(data, False, n_folds)
    out["baseline"] = T.multilabel_report(data, b, tuned=False, n_folds=n_folds)
    out["baseline_tuned"] = T.multilabel_report(data, b, tuned=True, n_folds=n_folds)
    return out


def table(res: dict[str, Any]) -> str:
    """A markdown table of one task's result."""
    task = res["task"]
    cols = (
        ["baseline", "baseline_tuned", "stancekit"]
        if "baseline_tuned" in res
        else ["baseline", "stancekit"]
    )
    head = {"baseline": "TF-IDF LR", "baseline_tuned": "+ tuned thr.", "stancekit": "stancekit"}
    unit = {"techniques": "paragraphs", "frames": "articles", "genre": "articles"}[task]
    lines = [
        f"**{task}** ({res['n']} {unit}, {res['n_articles']} articles, cross-validated by article)",
        "",
        "| " + " | ".join(["class", "support", *(head[c] + " F1" for c in cols)]) + " |",
        "|" + "---|" * (2 + len(cols)),
    ]
    for c in res["classes"]:
        per = [res[k]["per_class"][c] for k in cols]
        lines.append(
            f"| {c} | {per[0]['support']} | " + " | ".join(f"{p['f1']:.3f}" for p in per) + " |"
        )
    summary = (
        ["micro_f1", "micro_precision", "micro_recall", "macro_f1"]
        if task != "genre"
        else ["macro_f1", "accuracy"]
    )
    for key in summary:
        label = key.replace("_", "-").replace("f1", "F1")
        lines.append(
            f"| **{label}** | | " + " | ".join(f"**{res[k][key]:.3f}**" for k in cols) + " |"
        )
    if "ci" in res["stancekit"]:
        lo, hi = res["stancekit"]["ci"]
        lines.append(
            f"\nstancekit macro-F1 95% bootstrap interval over articles: [{lo:.3f}, {hi:.3f}]"
        )
    rank = res["stancekit"].get("ranking")
    if rank:
        lines.append(
            "\nstancekit out-of-fold ranking (average precision vs base rate; best F1 over all "
            "thresholds, chosen on the scored articles, an optimistic ceiling): "
            + "; ".join(
                f"{c} AP {r['average_precision']:.3f} vs {r['base_rate']:.3f}, "
                f"best F1 {r['best_threshold_f1']:.3f}"
                for c, r in rank.items()
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["techniques", "frames", "genre"], action="append")
    ap.add_argument("--limit", type=int, default=None, help="first N articles of each subtask")
    ap.add_argument("--folds", type=int, default=T.N_FOLDS)
    ap.add_argument(
        "--genre-extra",
        action="append",
        default=[],
        metavar="SOURCE=WEIGHT",
        help="genre: out-of-domain training articles (persent, webis) with this weight",
    )
    args = ap.parse_args(argv)
    if args.genre_extra:
        T.SETTINGS["genre"]["extra"] = {
            k: float(v) for k, v in (x.split("=", 1) for x in args.genre_extra)
        }
    if not T.SHARED.is_dir():
        print(f"../shared/data not found at {T.SHARED}: nothing to evaluate", file=sys.stderr)
        return 2
    print(f"# Persuasion models: {args.folds}-fold cross-validation by article\n")
    for task in args.only or ["techniques", "frames", "genre"]:
        t0 = time.time()
        res = evaluate(task, args.limit, args.folds)
        print(table(res))
        print(f"\n({time.time() - t0:.0f}s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(T.REPO / "src"))
    raise SystemExit(main())
