"""Train the two models of stancekit.claims: ``models/checkworthy`` (is it a check-worthy
claim?) and ``models/claim_kind`` (evidence type, joined with the kind rules).

Data (read from ``../shared/data``, never copied into the repository):

* ClaimBuster (``claimbuster/train.json``, US presidential debate sentences,
  check-worthy factual claim 1/0; GPL-3.0 per the repository README);
* CLEF-2020 CheckThat! task 5 (``checkthat2020/train/training/*.tsv``, debates and
  speeches, check-worthy 1/0; free for general research use);
* the Webis editorials (``webis_editorials/*/*.json``): argumentative units typed
  statistics, testimony, anecdote, assumption (the kind model).

checkworthy: word unigrams+bigrams (TF-IDF, sublinear tf, min_df 1, at most 100,000)
and parse features of the spaCy pipeline (POS tags, tag bigrams, entity labels,
dependency labels; :func:`stancekit.claims.span_parse_features`) scaled by 0.3 (full
weight parse features help ClaimBuster but cost CheckThat MAP); L2 logistic
regression, C 2; each corpus class-balanced with equal total weight.

claim_kind: the same featurizers (min_df 2, at most 20,000 words), class-balanced
multinomial logistic regression over the four unit types.

Usage::

    python scripts/train_claims.py                  # CV scores + both final models
    python scripts/train_claims.py --model claim_kind   # one of them
    python scripts/train_claims.py --cache /tmp/claims_feats.json   # reuse the parse
    python scripts/train_claims.py --no-cv          # final model only

The functions here are reused by ``scripts/evaluate_claims.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
C = 2.0
CT_SHARE = 1.0
MAX_WORD_FEATURES = 100_000
CW_MIN_DF = 1
PARSE_SCALE = 0.3
MIN_DF = 2
FOLDS = 5
SEED = 0


# --------------------------------------------------------------------------- data
def shared_dir(arg: str | None = None) -> Path:
    path = Path(arg) if arg else REPO.parent / "shared"
    if not (path / "data").is_dir():
        sys.exit(f"../shared not found at {path}: pass --shared PATH (the folder holding data/)")
    return path


def load_claimbuster(shared: Path) -> tuple[list[str], np.ndarray]:
    rows = json.loads((shared / "data/claimbuster/train.json").read_text(encoding="utf-8"))
    return [str(r["text"]) for r in rows], np.array([int(r["label"]) for r in rows])


def load_checkthat(shared: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts, labels, debates = [], [], []
    folder = shared / "data/checkthat2020/train/training"
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) < 4:
                    continue
                texts.append(row[2])
                labels.append(int(row[3]))
                debates.append(path.stem)
    return texts, np.array(labels), np.array(debates)


def parse_feats(texts: list[str], cache: Path | None, tag: str) -> list[list[str]]:
    """Parse features of each sentence (cached in ``cache`` when given)."""
    from stancekit.claims import span_parse_features
    from stancekit.nlp import get_nlp

    store: dict[str, Any] = {}
    if cache and cache.is_file():
        store = json.loads(cache.read_text(encoding="utf-8"))
        hit = store.get(tag)
        if hit and len(hit) == len(texts):
            return [list(f) for f in hit]
    nlp = get_nlp()
    t0 = time.time()
    feats = [span_parse_features(doc) for doc in nlp.pipe(texts, batch_size=256)]
    print(f"parsed {len(texts)} {tag} sentences in {time.time() - t0:.0f}s", file=sys.stderr)
    if cache:
        store[tag] = feats
        cache.write_text(json.dumps(store), encoding="utf-8")
    return feats


# --------------------------------------------------------------------------- model
def _identity(x: list[str]) -> list[str]:
    return x


def balanced(y: np.ndarray, total: float) -> np.ndarray:
    """Class-balanced sample weights summing to ``total``."""
    w = np.zeros(len(y), dtype=float)
    for label in (0, 1):
        m = y == label
        if m.any():
            w[m] = total / (2 * m.sum())
    return w


class Model:
    """TF-IDF (words, parse) + logistic regression, fitted with scikit-learn."""

    def __init__(
        self,
        c: float = C,
        max_words: int | None = MAX_WORD_FEATURES,
        parse_scale: float = 1.0,
        min_df: int | None = None,
    ) -> None:
        self.c = c
        self.max_words = max_words
        self.parse_scale = parse_scale
        self.min_df = min_df

    def _vectorizers(self) -> tuple[Any, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        from stancekit.claims import word_ngrams

        vw = TfidfVectorizer(
            analyzer=word_ngrams,
            sublinear_tf=True,
            min_df=self.min_df or MIN_DF,
            max_features=self.max_words,
        )
        vp = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=self.min_df or MIN_DF)
        return vw, vp

    def fit(
        self, texts: list[str], feats: list[list[str]], y: np.ndarray, w: np.ndarray | None = None
    ) -> Model:
        from scipy.sparse import hstack
        from sklearn.linear_model import LogisticRegression

        self.vw_, self.vp_ = self._vectorizers()
        X = hstack(
            [self.vw_.fit_transform(texts), self.parse_scale * self.vp_.fit_transform(feats)]
        ).tocsr()
        self.lr_ = LogisticRegression(C=self.c, max_iter=5000).fit(X, y, sample_weight=w)
        return self

    def predict_proba(self, texts: list[str], feats: list[list[str]]) -> np.ndarray:
        """P(positive) for a binary model; all class columns for a multi-class one."""
        from scipy.sparse import hstack

        X = hstack(
            [self.vw_.transform(texts), self.parse_scale * self.vp_.transform(feats)]
        ).tocsr()
        proba = self.lr_.predict_proba(X)
        return proba[:, 1] if proba.shape[1] == 2 else proba

    def arrays(self) -> dict[str, np.ndarray]:
        def vocab(v: Any) -> np.ndarray:
            terms = sorted(v.vocabulary_, key=v.vocabulary_.get)
            return np.array(terms, dtype=str)

        return {
            "word_vocab": vocab(self.vw_),
            "word_idf": self.vw_.idf_.astype(np.float32),
            "parse_vocab": vocab(self.vp_),
            "parse_idf": self.vp_.idf_.astype(np.float32),
            # the parse block's scale folded into its weights: inference needs no extra knob
            "coef": np.hstack(
                [
                    self.lr_.coef_[:, : len(self.vw_.vocabulary_)],
                    self.parse_scale * self.lr_.coef_[:, len(self.vw_.vocabulary_) :],
                ]
            ).astype(np.float32),
            "intercept": self.lr_.intercept_.astype(np.float64),
            "classes": np.array([str(c) for c in self.lr_.classes_]),
        }


def fit_combined(
    cb: tuple[list[str], list[list[str]], np.ndarray],
    ct: tuple[list[str], list[list[str]], np.ndarray] | None,
) -> Model:
    texts, feats, y = list(cb[0]), list(cb[1]), cb[2]
    w = balanced(y, float(len(y)))
    if ct is not None and len(ct[0]):
        texts += ct[0]
        feats += ct[1]
        w = np.concatenate([w, balanced(ct[2], CT_SHARE * len(cb[2]))])
        y = np.concatenate([y, ct[2]])
    return Model(c=C, max_words=MAX_WORD_FEATURES, parse_scale=PARSE_SCALE, min_df=CW_MIN_DF).fit(
        texts, feats, y, w
    )


# --------------------------------------------------------------------------- evaluation
def _prf(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score, precision_score, recall_score

    return {
        "f1": float(f1_score(y, pred)),
        "precision": float(precision_score(y, pred)),
        "recall": float(recall_score(y, pred)),
    }


def cv_claimbuster(cb_texts, cb_feats, cb_y, ct_texts, ct_feats, ct_y) -> dict[str, Any]:
    """5-fold stratified CV on ClaimBuster train (CheckThat always in the training side)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    skf = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    res: dict[str, list[dict[str, float]]] = {"model": [], "baseline": [], "baseline_balanced": []}
    for tr, te in skf.split(cb_texts, cb_y):
        sub = lambda xs, idx: [xs[i] for i in idx]  # noqa: E731
        m = fit_combined(
            (sub(cb_texts, tr), sub(cb_feats, tr), cb_y[tr]), (ct_texts, ct_feats, ct_y)
        )
        p = m.predict_proba(sub(cb_texts, te), sub(cb_feats, te))
        res["model"].append(_prf(cb_y[te], (p >= 0.5).astype(int)))
        for name, cw in (("baseline", None), ("baseline_balanced", "balanced")):
            vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
            lr = LogisticRegression(max_iter=2000, class_weight=cw)
            lr.fit(vec.fit_transform(sub(cb_texts, tr)), cb_y[tr])
            pred = lr.predict(vec.transform(sub(cb_texts, te)))
            res[name].append(_prf(cb_y[te], pred))
    return {
        name: {k: round(float(np.mean([f[k] for f in folds])), 4) for k in folds[0]}
        | {"f1_std": round(float(np.std([f["f1"] for f in folds])), 4)}
        for name, folds in res.items()
    }


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def map_checkthat(cb_texts, cb_feats, cb_y, ct_texts, ct_feats, ct_y, ct_debates) -> dict[str, Any]:
    """Mean average precision over CheckThat debates, 5 folds of whole debates left out.

    ClaimBuster sentences that reappear in a held-out debate are removed from its
    training side.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import GroupKFold

    pred = np.zeros(len(ct_texts))
    base = np.zeros(len(ct_texts))
    cb_only = np.zeros(len(ct_texts))
    for tr, te in GroupKFold(FOLDS).split(ct_texts, ct_y, ct_debates):
        held = {_norm(ct_texts[i]) for i in te}
        keep = [i for i, t in enumerate(cb_texts) if _norm(t) not in held]
        cb = ([cb_texts[i] for i in keep], [cb_feats[i] for i in keep], cb_y[keep])
        ct = ([ct_texts[i] for i in tr], [ct_feats[i] for i in tr], ct_y[tr])
        test = ([ct_texts[i] for i in te], [ct_feats[i] for i in te])
        pred[te] = fit_combined(cb, ct).predict_proba(*test)
        cb_only[te] = fit_combined(cb, None).predict_proba(*test)
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        lr = LogisticRegression(max_iter=2000, class_weight="balanced")
        lr.fit(vec.fit_transform(ct[0]), ct[2])
        base[te] = lr.predict_proba(vec.transform(test[0]))[:, 1]

    def mean_ap(scores: np.ndarray) -> float:
        aps = []
        for d in np.unique(ct_debates):
            m = ct_debates == d
            if ct_y[m].sum():
                aps.append(average_precision_score(ct_y[m], scores[m]))
        return round(float(np.mean(aps)), 4)

    return {
        "model": mean_ap(pred),
        "claimbuster_only": mean_ap(cb_only),
        "baseline_checkthat_tfidf_lr": mean_ap(base),
        "n_debates": len({d for d, y in zip(ct_debates, ct_y) if y}),
    }


# --------------------------------------------------------------------------- claim kinds
WEBIS_TYPES = ("statistics", "testimony", "anecdote", "assumption")
#: Webis unit types as our claim kinds, for scoring: assumptions are the author's own
#: judgements, so any opinion kind (evaluative, normative, predictive, causal) matches them
WEBIS_AS_KIND = {
    "statistics": "statistical",
    "testimony": "factual",
    "anecdote": "factual",
    "assumption": "opinion",
}
KIND_CLASSES = ("statistical", "factual", "opinion")
KIND_C = 4.0
KIND_MAX_WORDS = 20_000


def load_webis_units(shared: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(text, unit type, editorial) of every statistics/testimony/anecdote/assumption unit."""
    texts, labels, groups = [], [], []
    for path in sorted((shared / "data/webis_editorials").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for para in data["paragraphs"]:
            for unit in para:
                text = str(unit["text"]).strip()
                if unit["label"] in WEBIS_TYPES and text:
                    texts.append(text)
                    labels.append(unit["label"])
                    groups.append(f"{path.parent.name}/{path.stem}")
    return texts, np.array(labels), np.array(groups)


def webis_rules(texts: list[str], cache: Path | None) -> list[dict[str, Any]]:
    """Per unit: parse features, and the kind and rule of the rules alone (the first sentence
    with a kind), cached in ``cache`` when given."""
    from stancekit.claims import extract_claims, span_parse_features
    from stancekit.config import AnalysisConfig
    from stancekit.nlp import Parsed, get_nlp
    from stancekit.types import ActorLayer

    store: dict[str, Any] = {}
    if cache and cache.is_file():
        store = json.loads(cache.read_text(encoding="utf-8"))
        hit = store.get("webis_units")
        if hit and len(hit) == len(texts):
            return list(hit)
    nlp = get_nlp()
    cfg = AnalysisConfig(options={"claims.model": None, "claims.kind_model": None})
    rows = []
    t0 = time.time()
    for doc in nlp.pipe(texts, batch_size=256):
        parsed = Parsed(doc=doc, text=doc.text, title="", body=doc.text, body_start=0)
        claim = next((c for c in extract_claims(parsed, ActorLayer(), cfg).claims if c.kind), None)
        rule = claim.method.split("kind=", 1)[1].split(";", 1)[0] if claim else "none"
        rows.append(
            {
                "kind": claim.kind if claim else None,
                "rule": rule,
                "feats": span_parse_features(doc),
            }
        )
    print(f"parsed {len(texts)} Webis units in {time.time() - t0:.0f}s", file=sys.stderr)
    if cache:
        store["webis_units"] = rows
        cache.write_text(json.dumps(store), encoding="utf-8")
    return rows


def class_balanced(y: np.ndarray) -> np.ndarray:
    """Sample weights n / (K * count of the sample's class)."""
    labels, counts = np.unique(y, return_counts=True)
    per = {lab: len(y) / (len(labels) * c) for lab, c in zip(labels, counts, strict=True)}
    return np.array([per[v] for v in y])


def fit_kind(texts: list[str], feats: list[list[str]], y: np.ndarray) -> Model:
    return Model(c=KIND_C, max_words=KIND_MAX_WORDS).fit(texts, feats, y, class_balanced(y))


def _as_kind(kind: str | None) -> str:
    if kind in ("statistical", "factual"):
        return kind
    return "none" if kind is None else "opinion"


def cv_kind(
    texts: list[str], rows: list[dict[str, Any]], y: np.ndarray, groups: np.ndarray
) -> dict[str, Any]:
    """Per-class F1 of the rules alone and of rules + evidence-type model against the Webis
    units (as our kinds), and the model's own evidence-type F1: 5 folds of whole editorials."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    from stancekit.claims import combine_kind

    feats = [r["feats"] for r in rows]
    proba = np.zeros((len(y), len(WEBIS_TYPES)))
    for tr, te in GroupKFold(FOLDS).split(texts, y, groups):
        m = fit_kind([texts[i] for i in tr], [feats[i] for i in tr], y[tr])
        cols = [list(m.lr_.classes_).index(t) for t in WEBIS_TYPES]
        proba[te] = m.predict_proba([texts[i] for i in te], [feats[i] for i in te])[:, cols]
    gold = [WEBIS_AS_KIND[v] for v in y]
    rules = [_as_kind(r["kind"]) for r in rows]
    joint = [
        _as_kind(combine_kind(r["kind"], r["rule"], WEBIS_TYPES, p)[0] if r["kind"] else None)
        for r, p in zip(rows, proba, strict=True)
    ]
    model_types = [WEBIS_TYPES[j] for j in proba.argmax(1)]

    def f1s(pred: list[str], labels: tuple[str, ...], truth: list[str]) -> dict[str, float]:
        vals = f1_score(truth, pred, labels=list(labels), average=None)
        out = {lab: round(float(v), 4) for lab, v in zip(labels, vals, strict=True)}
        return out | {"macro": round(float(np.mean(vals)), 4)}

    return {
        "units": len(y),
        "editorials": len(set(groups.tolist())),
        "support": {k: gold.count(k) for k in KIND_CLASSES},
        "rules": f1s(rules, KIND_CLASSES, gold),
        "rules+model": f1s(joint, KIND_CLASSES, gold),
        "model_evidence_types": f1s(model_types, WEBIS_TYPES, [str(v) for v in y]),
    }


def train_kind(args: argparse.Namespace, shared: Path) -> None:
    from stancekit.models import save_model_files
    from stancekit.nlp import get_nlp, pipeline_name

    texts, y, groups = load_webis_units(shared)
    rows = webis_rules(texts, args.cache)
    scores: dict[str, Any] = {}
    if not args.no_cv:
        t0 = time.time()
        scores["webis_units_cv5_by_editorial"] = cv_kind(texts, rows, y, groups)
        print(f"kind evaluation took {time.time() - t0:.0f}s", file=sys.stderr)
        print(json.dumps(scores, indent=2))
    model = fit_kind(texts, [r["feats"] for r in rows], y)
    arrays = model.arrays()
    card = {
        "task": "evidence type of a sentence (Webis editorial units: statistics, testimony, "
        "anecdote, assumption), joined with the kind rules of stancekit.claims",
        "used_by": "stancekit.claims.extract_claims (kind, via combine_kind: where the rule is "
        "weak, see claims_kinds.json 'model')",
        "data": {
            "webis_editorials": {
                "path": "../shared/data/webis_editorials/*/*.json",
                "origin": "webis-de/COLING-20 5b90e85 (data-source), Al-Khatib et al.",
                "units": len(texts),
                "editorials": len(set(groups.tolist())),
                "per_type": {t: int((y == t).sum()) for t in WEBIS_TYPES},
            }
        },
        "licence": "Trained on the Webis editorial corpus (no licence stated in ../shared; "
        "research use).",
        "split": (
            "final model: all units. Scores: 5 folds of whole editorials (GroupKFold); "
            "units as our kinds: statistics -> statistical, testimony and anecdote -> factual, "
            "assumption -> opinion (evaluative, normative, predictive or causal); 'rules' is "
            "the kind rules alone, 'rules+model' the shipped combination."
        ),
        "scores": scores,
        "featurizer": {
            "word": "stancekit.claims.word_ngrams (uni+bigrams), TF-IDF sublinear, "
            f"min_df {MIN_DF}, at most {KIND_MAX_WORDS}",
            "parse": "stancekit.claims.span_parse_features: T_tag, TT_tag_tag, E_entity, D_dep",
            "pipeline": pipeline_name(get_nlp()),
        },
        "classifier": {
            "type": "multinomial logistic regression (scikit-learn): softmax(word_block . "
            "coef[:, :n_word].T + parse_block . coef[:, n_word:].T + intercept)",
            "C": KIND_C,
            "weights": "class-balanced",
        },
        "rebuild": "python scripts/train_claims.py --model claim_kind",
    }
    path = save_model_files("claim_kind", arrays, card, directory=args.out)
    print(f"wrote {path}", file=sys.stderr)


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="the shared folder (default: ../shared next to the repo)")
    ap.add_argument("--cache", type=Path, help="a JSON file to keep parse features between runs")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation scores")
    ap.add_argument("--out", type=Path, help="models directory (default: the package's models/)")
    ap.add_argument(
        "--model",
        choices=("all", "checkworthy", "claim_kind"),
        default="all",
        help="which model to train (default: both)",
    )
    args = ap.parse_args(argv)
    shared = shared_dir(args.shared)
    if args.model in ("all", "checkworthy"):
        train_checkworthy(args, shared)
    if args.model in ("all", "claim_kind"):
        train_kind(args, shared)
    return 0


def train_checkworthy(args: argparse.Namespace, shared: Path) -> None:
    from stancekit.models import save_model_files
    from stancekit.nlp import get_nlp, pipeline_name

    cb_texts, cb_y = load_claimbuster(shared)
    ct_texts, ct_y, ct_debates = load_checkthat(shared)
    cb_feats = parse_feats(cb_texts, args.cache, "claimbuster")
    ct_feats = parse_feats(ct_texts, args.cache, "checkthat2020")

    scores: dict[str, Any] = {}
    if not args.no_cv:
        t0 = time.time()
        scores["claimbuster_cv5"] = cv_claimbuster(
            cb_texts, cb_feats, cb_y, ct_texts, ct_feats, ct_y
        )
        scores["checkthat2020_map_leave_debates_out"] = map_checkthat(
            cb_texts, cb_feats, cb_y, ct_texts, ct_feats, ct_y, ct_debates
        )
        print(f"evaluation took {time.time() - t0:.0f}s", file=sys.stderr)
        print(json.dumps(scores, indent=2))

    model = fit_combined((cb_texts, cb_feats, cb_y), (ct_texts, ct_feats, ct_y))
    arrays = model.arrays()
    card = {
        "task": "check-worthiness of a sentence (is it a factual claim worth checking?)",
        "used_by": "stancekit.claims.extract_claims (claim_score; is_claim with the parse gate)",
        "data": {
            "claimbuster": {
                "path": "../shared/data/claimbuster/train.json",
                "origin": "utaresearch/claimbuster-spotter 332bba0 (data/two_class)",
                "sentences": len(cb_texts),
                "positives": int(cb_y.sum()),
            },
            "checkthat2020": {
                "path": "../shared/data/checkthat2020/train/training/*.tsv",
                "origin": "sshaar/clef2020-factchecking-task5 a9d7385 (training)",
                "sentences": len(ct_texts),
                "positives": int(ct_y.sum()),
                "debates": len(set(ct_debates.tolist())),
            },
        },
        "licence": (
            "Trained on ClaimBuster (GPL-3.0 per its repository README) and CLEF-2020 "
            "CheckThat! task 5 (free for general research use). The weights derive from "
            "these data: treat this model as research-use, and check GPL-3.0 obligations "
            "before redistributing it outside research."
        ),
        "split": (
            "final model: all of both corpora. Scores: ClaimBuster 5-fold stratified CV of "
            f"train (seed {SEED}, CheckThat in every training fold); CheckThat MAP with "
            f"{FOLDS} folds of whole debates left out (ClaimBuster duplicates of held-out "
            "sentences removed from training). The ClaimBuster held-out test is not in ../shared."
        ),
        "scores": scores,
        "featurizer": {
            "word": "stancekit.claims.word_ngrams: lowercase, token pattern (?u)\\b\\w\\w+\\b, uni+bigrams",
            "parse": "stancekit.claims.span_parse_features: T_tag, TT_tag_tag, E_entity, D_dep",
            "tfidf": {
                "sublinear_tf": True,
                "norm": "l2",
                "smooth_idf": True,
                "min_df": CW_MIN_DF,
                "max_word_features": MAX_WORD_FEATURES,
                "parse_block_scale": PARSE_SCALE,
            },
            "pipeline": pipeline_name(get_nlp()),
        },
        "classifier": {
            "type": "logistic regression (scikit-learn), sigmoid(word_block . coef[:n_word] + "
            "parse_block . coef[n_word:] + intercept)",
            "C": C,
            "weights": f"class-balanced per corpus; CheckThat total weight = {CT_SHARE} x ClaimBuster",
            "parse_block_scale": f"parse block multiplied by {PARSE_SCALE} in training; the stored "
            "parse weights include it",
            "threshold": 0.5,
        },
        "rebuild": "python scripts/train_claims.py",
    }
    path = save_model_files("checkworthy", arrays, card, directory=args.out)
    print(
        f"wrote {path} ({len(arrays['word_vocab'])} word + {len(arrays['parse_vocab'])} parse features)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    raise SystemExit(main())
