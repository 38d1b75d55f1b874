"""Train the target-stance model (``models/target_stance.npz`` + ``.json``) from NewsMTSC.

Data: ``../shared/data/newsmtsc`` (Hamborg & Donnay, EACL 2021; MIT): ``train.jsonl``
for fitting, ``dev_mt.jsonl`` and ``dev_rw.jsonl`` for choosing the regularisation and
reporting scores. Polarity 2 -> against, 4 -> neutral, 6 -> favor.

Usage::

    python scripts/train_stance.py                      # train, tune, save
    python scripts/train_stance.py --cache /tmp/stx     # keep the spaCy parses between runs
    python scripts/train_stance.py --no-save            # only print the dev scores

Runs in about two minutes on one core (parsing ~8,300 sentences dominates).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data" / "newsmtsc"
POLARITY = {2: "against", 4: "neutral", 6: "favor"}
CLASSES = ("against", "neutral", "favor")


def load_split(name: str) -> list[dict[str, Any]]:
    """Rows of a NewsMTSC split: {"text", "targets": [(from, to, label), ...]}."""
    path = DATA / f"{name}.jsonl"
    if not path.is_file():
        sys.exit(f"{path} not found: this script needs ../shared/data/newsmtsc (see its README)")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        targets = [
            (int(t["from"]), int(t["to"]), POLARITY[int(t["polarity"])]) for t in d["targets"]
        ]
        rows.append({"text": d["sentence_normalized"], "targets": targets})
    return rows


def parse_split(name: str, rows: list[dict[str, Any]], nlp: Any, cache: Path | None) -> list[Any]:
    """spaCy docs of a split's sentences (read from / written to ``cache`` when given)."""
    from spacy.tokens import DocBin

    texts = [r["text"] for r in rows]
    if cache is not None:
        path = cache / f"newsmtsc_{name}.spacy"
        if path.is_file():
            docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
            if [d.text for d in docs] == texts:
                return docs
    docs = list(nlp.pipe(texts, batch_size=64))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        DocBin(docs=docs, store_user_data=False).to_disk(cache / f"newsmtsc_{name}.spacy")
    return docs


def targets_of(rows: list[dict[str, Any]], docs: list[Any]) -> tuple[list[Any], list[str]]:
    """(sentence span, a, b) token ranges and labels of a split's targets."""
    from stancekit.stance import _token_range

    where, labels = [], []
    for row, doc in zip(rows, docs):
        span = doc[:]
        for start, end, label in row["targets"]:
            a, b = _token_range(span, start, end)
            where.append((doc[a].sent, a, b))
            labels.append(label)
    return where, labels


def learn_lexicon(
    where: list[Any], labels: list[str], k: float = 2.0, min_count: int = 3
) -> dict[str, tuple[float, float]]:
    """Corpus-learned lexicon: for each lemma seen with >= ``min_count`` targets, how much
    more often than the prior its sentences are favor / against (shrunk by ``k``)."""
    from collections import defaultdict

    idx = {c: i for i, c in enumerate(CLASSES)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    totals = [0, 0, 0]
    for (sent, a, b), y in zip(where, labels):
        j = idx[y]
        totals[j] += 1
        lemmas = {
            t.lemma_.lower()
            for t in sent
            if not (a <= t.i < b) and not t.is_punct and not t.is_stop
        }
        for w in lemmas:
            counts[w][j] += 1
    n = sum(totals)
    prior = [c / n for c in totals]
    out = {}
    for w, c in sorted(counts.items()):
        m = sum(c)
        if m < min_count:
            continue
        fav = (c[2] + k * prior[2]) / (m + k) - prior[2]
        ag = (c[0] + k * prior[0]) / (m + k) - prior[0]
        out[w] = (round(fav, 4), round(ag, 4))
    return out


def featurize(where: list[Any], learned: dict[str, tuple[float, float]]) -> list[Any]:
    from stancekit.stance import get_lexicon, target_features

    lex = get_lexicon()
    return [target_features(sent, a, b, lex, learned) for sent, a, b in where]


def crossfit_features(where: list[Any], labels: list[str], folds: int = 5) -> list[Any]:
    """Training features whose learned-lexicon scores come from the other folds (by sentence),
    so the classifier does not learn to trust a lexicon fitted on its own labels."""
    doc_ids: dict[int, int] = {}
    for s, _, _ in where:
        doc_ids.setdefault(id(s.doc), len(doc_ids))
    fold = [doc_ids[id(s.doc)] % folds for s, _, _ in where]
    items: list[Any] = [None] * len(where)
    for f in range(folds):
        train_idx = [i for i in range(len(where)) if fold[i] != f]
        lex = learn_lexicon([where[i] for i in train_idx], [labels[i] for i in train_idx])
        test_idx = [i for i in range(len(where)) if fold[i] == f]
        for i, item in zip(test_idx, featurize([where[i] for i in test_idx], lex)):
            items[i] = item
    return items


def build_matrices(
    train_items,
    other_items,
    min_df: int,
    ngram_range: tuple[int, int],
    min_feat: int,
    scale: float = 1.0,
):
    """Fit the n-gram vocabulary and the feature index on train; transform all."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=ngram_range, min_df=min_df, sublinear_tf=True)
    vec.fit([t for t, _ in train_items])
    counts: dict[str, int] = {}
    for _, f in train_items:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    names = sorted(k for k, n in counts.items() if n >= min_feat)
    index = {k: i for i, k in enumerate(names)}

    def transform(items):
        xt = vec.transform([t for t, _ in items])
        rows, cols, vals = [], [], []
        for r, (_, f) in enumerate(items):
            for k, v in f.items():
                j = index.get(k)
                if j is not None and v:
                    rows.append(r)
                    cols.append(j)
                    vals.append(v * scale)
        xf = sparse.csr_matrix((vals, (rows, cols)), shape=(len(items), len(names)))
        return sparse.hstack([xt, xf], format="csr")

    return vec, names, transform(train_items), [transform(o) for o in other_items]


def macro_f1(y_true: list[str], y_pred: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, labels=list(CLASSES), average="macro"))


def tune_bias(
    x: Any, y: list[str], where: list[Any], c: float, clf: Any, folds: int = 5
) -> np.ndarray:
    """Per-class offsets of the decision function that maximise out-of-fold macro-F1 on train."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    groups = [id(s.doc) for s, _, _ in where]
    classes = list(clf.classes_)
    z = np.zeros((len(y), len(classes)))
    for tr, te in GroupKFold(folds).split(x, y, groups):
        m = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(
            x[tr], [y[i] for i in tr]
        )
        z[te] = m.decision_function(x[te])
    grid = np.arange(-0.6, 0.61, 0.1)
    best = (macro_f1(y, [classes[i] for i in z.argmax(1)]), np.zeros(len(classes)))
    for b0 in grid:
        for b2 in grid:
            bias = np.zeros(len(classes))
            bias[0], bias[2] = b0, b2
            f = macro_f1(y, [classes[i] for i in (z + bias).argmax(1)])
            if f > best[0] + 1e-4:
                best = (f, bias)
    return best[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cache", type=Path, default=None, help="folder for cached spaCy parses")
    ap.add_argument("--no-save", action="store_true", help="do not write models/target_stance.*")
    ap.add_argument("--C", type=float, nargs="*", default=[0.2, 0.3, 0.5, 0.7, 1.0])
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--min-feat", type=int, default=2)
    ap.add_argument(
        "--feat-scale", type=float, default=0.5, help="weight of named features vs n-grams"
    )
    ap.add_argument("--models-dir", type=Path, default=None)
    args = ap.parse_args(argv)

    from sklearn.linear_model import LogisticRegression

    from stancekit.models import save_model_files
    from stancekit.nlp import get_nlp, pipeline_name
    from stancekit.stance import MODEL_NAME

    t0 = time.time()
    nlp = get_nlp()
    splits = {name: load_split(name) for name in ("train", "dev_mt", "dev_rw")}
    docs = {name: parse_split(name, rows, nlp, args.cache) for name, rows in splits.items()}
    targets = {name: targets_of(splits[name], docs[name]) for name in splits}
    where, y_train = targets["train"]
    learned = learn_lexicon(where, y_train)
    train_items = crossfit_features(where, y_train)
    dev_items = [featurize(targets[n][0], learned) for n in ("dev_mt", "dev_rw")]
    y_mt, y_rw = targets["dev_mt"][1], targets["dev_rw"][1]
    print(f"parsed and featurized in {time.time() - t0:.0f}s", file=sys.stderr)

    ngram_range = (1, 2)
    vec, names, x_train, (x_mt, x_rw) = build_matrices(
        train_items, dev_items, args.min_df, ngram_range, args.min_feat, args.feat_scale
    )
    best = None
    for c in args.C:
        clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        clf.fit(x_train, y_train)
        f_mt = macro_f1(y_mt, list(clf.predict(x_mt)))
        f_rw = macro_f1(y_rw, list(clf.predict(x_rw)))
        mean = (f_mt + f_rw) / 2
        print(
            f"C={c:<5} dev_mt F1m={f_mt:.3f} dev_rw F1m={f_rw:.3f} mean={mean:.3f}", file=sys.stderr
        )
        if best is None or mean > best[0]:
            best = (mean, c, clf, f_mt, f_rw)
    assert best is not None
    mean, c, clf, f_mt, f_rw = best
    print(f"best C={c}: dev_mt {f_mt:.3f}, dev_rw {f_rw:.3f}", file=sys.stderr)

    # class biases chosen on out-of-fold training predictions (not on the dev sets)
    bias = tune_bias(x_train, y_train, where, c, clf)
    classes = [str(k) for k in clf.classes_]
    zb = np.array([bias[classes.index(k)] for k in classes])
    pred_b = lambda x: [classes[i] for i in (clf.decision_function(x) + zb).argmax(1)]  # noqa: E731
    fb_mt, fb_rw = macro_f1(y_mt, pred_b(x_mt)), macro_f1(y_rw, pred_b(x_rw))
    print(
        f"with out-of-fold biases {dict(zip(classes, zb.round(2)))}: dev_mt {fb_mt:.3f}, dev_rw {fb_rw:.3f}",
        file=sys.stderr,
    )
    if (fb_mt + fb_rw) / 2 < mean:
        print("biases do not help on dev; storing zero biases", file=sys.stderr)
        zb = np.zeros(len(classes))
    else:
        f_mt, f_rw = fb_mt, fb_rw
    if args.no_save:
        return 0

    classes = [str(k) for k in clf.classes_]
    order = [classes.index(k) for k in CLASSES]
    vocab_terms = np.empty(len(vec.vocabulary_), dtype=object)
    for term, i in vec.vocabulary_.items():
        vocab_terms[i] = term
    arrays = {
        "coef": clf.coef_[order].astype(np.float32),
        "intercept": clf.intercept_[order].astype(np.float32),
        "classes": np.array(CLASSES),
        "vocab": vocab_terms.astype(str),
        "idf": vec.idf_.astype(np.float32),
        "features": np.array(names, dtype=str),
        "bias": zb[order].astype(np.float32),
        "lex_terms": np.array(list(learned), dtype=str),
        "lex_fav": np.array([v[0] for v in learned.values()], dtype=np.float32),
        "lex_ag": np.array([v[1] for v in learned.values()], dtype=np.float32),
    }
    card = {
        "task": "target-dependent sentiment (stance) toward a span: against / neutral / favor",
        "estimator": "sklearn.linear_model.LogisticRegression (multinomial, class_weight=balanced)",
        "hyperparameters": {
            "C": c,
            "min_df": args.min_df,
            "min_feat": args.min_feat,
            "feat_scale": args.feat_scale,
            "learned_lexicon": {"k": 2.0, "min_count": 3, "crossfit_folds": 5},
            "class_bias": dict(zip(CLASSES, [round(float(b), 3) for b in zb[order]])),
        },
        "data": "NewsMTSC (Hamborg & Donnay, EACL 2021), ../shared/data/newsmtsc",
        "data_origin": "fhamborg/NewsMTSC b9d9b79",
        "licence": "MIT (NewsMTSC repository licence); lexicon: VADER (vaderSentiment, MIT) + stancekit",
        "split": {"train": "train.jsonl", "tune_and_report": ["dev_mt.jsonl", "dev_rw.jsonl"]},
        "n_train_targets": len(y_train),
        "scores": {"dev_mt_f1_macro": round(f_mt, 4), "dev_rw_f1_macro": round(f_rw, 4)},
        "featurizer": {
            "function": "stancekit.stance.target_features",
            "target_token": "tgtx",
            "ngram_range": list(ngram_range),
            "tfidf": "sublinear_tf, word tokens \\b\\w\\w+\\b, lowercase",
            "spacy_pipeline": pipeline_name(nlp),
        },
        "rebuild": "python scripts/train_stance.py",
    }
    path = save_model_files(MODEL_NAME, arrays, card, args.models_dir)
    print(f"saved {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
