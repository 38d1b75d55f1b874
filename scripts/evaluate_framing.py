"""Evaluate the framing stage: call-to-action detection on electoral tweets, and the seed gold.

1. Call-to-action detection on the 2012 US election tweets of Mohammad et al.
   (``../shared/data/electoral_tweets_2012``, Questionnaire 1, research use). Each
   tweet was labelled by 1 to 30 crowd workers with its purpose; a tweet is a call to
   action when "to motivate or to incite action" is its most frequent purpose label
   (ties count; the strict-majority reading is printed too). stancekit predicts a call
   when the framing stage finds at least one advocacy call in the tweet. Baselines:
   always "no" (the majority class), always "yes", and a keyword list.
   Tweets are lightly cleaned first: HTML entities decoded, URLs and a leading
   "RT @user:" removed. The rules were written on invented op-ed sentences; after one
   look at the tweet errors a few general fixes went in (hashtags and handles are not
   verbs, "maybe I should go" and "let me ..." are not calls), so read the scores as
   dev scores, not a held-out test.
2. The seed gold (``../shared/gold/iran-proxies-iraq.gold.json``): each gold advocacy
   call, found or not, with its form, speaker, addressee, action and target.

Run from the repository root::

    python scripts/evaluate_framing.py            # both tables (markdown)
    python scripts/evaluate_framing.py --limit 300 # a quick look
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TWEETS = (
    SHARED
    / "data"
    / "electoral_tweets_2012"
    / "Annotated-US2012-Election-Tweets"
    / "Questionnaire1"
    / "AnnotatedTweets.txt"
)
GOLD = SHARED / "gold" / "iran-proxies-iraq.gold.json"
SEED = SHARED / "samples" / "iran-proxies-iraq.raw.txt"
PURPOSE = "q3whichofthefollowingbestdescribesthepurposeofthistweet"
CALL = "to motivate or to incite action"

# the keyword baseline: words that often open or carry a call to action
KEYWORDS = re.compile(
    r"\b(should|must|need to|needs to|have to|has to|let's|let us|vote|please|join|sign|"
    r"call on|stop|don't|do not|go|help|support|retweet|rt if|urge|demand|time to|get out)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?\S*|http//\S*|www\.\S+")
_RT = re.compile(r"^\s*RT\s+@\w+:?\s*")


def clean_tweet(text: str) -> str:
    text = html.unescape(text)
    text = _RT.sub("", text)
    text = _URL.sub("", text)
    return " ".join(text.split())


def load_tweets(path: Path) -> list[tuple[str, bool, bool]]:
    """(tweet, plurality label, strict-majority label) per unique tweet, in file order."""
    votes: dict[str, list[str]] = defaultdict(list)
    texts: dict[str, str] = {}
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            unit = row["unitid"]
            votes[unit].append(row[PURPOSE])
            texts.setdefault(unit, row["tweet"])
    out = []
    for unit, labels in votes.items():
        counts = Counter(labels)
        n = counts[CALL]
        top = max(counts.values())
        out.append((texts[unit], n > 0 and n == top, n > len(labels) / 2))
    return out


def prf(gold: list[bool], pred: list[bool]) -> tuple[float, float, float, float]:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, acc


def _upstream() -> tuple[Callable[..., Any] | None, Callable[..., Any] | None]:
    """The real actors and claims stages when they are installed, else None."""
    import importlib

    found = []
    for module, name in (
        ("stancekit.actors", "extract_actors"),
        ("stancekit.claims", "extract_claims"),
    ):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            found.append(None)
    return found[0], found[1]


def framing_layers(
    items: Iterable[tuple[str | None, str]], *, upstream: bool, used: dict[str, bool] | None = None
) -> list[Any]:
    """Framing layers of (title, body) pairs; ``used`` records which upstream stages ran."""
    from stancekit.config import AnalysisConfig
    from stancekit.errors import StancekitError
    from stancekit.framing import extract_framing
    from stancekit.nlp import get_nlp, parse_many
    from stancekit.types import ActorLayer, ClaimLayer

    config = AnalysisConfig()
    get_actors, get_claims = _upstream() if upstream else (None, None)
    out = []
    for parsed in parse_many(items, get_nlp(), batch_size=64):
        actors, claims = ActorLayer(), ClaimLayer()
        for name in ("actors", "claims"):
            stage = get_actors if name == "actors" else get_claims
            if stage is None:
                continue
            try:
                if name == "actors":
                    actors = stage(parsed, config)
                else:
                    claims = stage(parsed, actors, config)
                if used is not None:
                    used[name] = True
            except StancekitError as exc:  # a stage still being built: say so, go on
                print(
                    f"_{name} stage failed ({type(exc).__name__}: {exc}); framing goes on without it_\n"
                )
        out.append(extract_framing(parsed, actors, claims, config))
    return out


def tweet_table(limit: int | None) -> str:
    if not TWEETS.is_file():
        return f"_electoral tweets not found at {TWEETS}: skipped_\n"
    data = load_tweets(TWEETS)
    if limit:
        data = data[:limit]
    texts = [clean_tweet(t) for t, _p, _m in data]
    t0 = time.perf_counter()
    layers = framing_layers(((None, t) for t in texts), upstream=False)
    seconds = time.perf_counter() - t0
    pred_any = [bool(layer.advocacy) for layer in layers]
    pred_author = [any(c.speaker == "author" for c in layer.advocacy) for layer in layers]
    keyword = [bool(KEYWORDS.search(t)) for t in texts]
    lines = []
    for label_name, idx in (("plurality", 1), ("strict majority", 2)):
        gold = [row[idx] for row in data]
        n_pos = sum(gold)
        lines.append(
            f"\n**Label: {label_name}** ({n_pos} calls to action in {len(gold)} tweets, "
            f"{n_pos / len(gold):.1%})\n"
        )
        lines.append("| system | precision | recall | F1 | accuracy |")
        lines.append("|---|---|---|---|---|")
        rows = [
            ("majority class (never a call)", [False] * len(gold)),
            ("always a call", [True] * len(gold)),
            ("keyword list", keyword),
            ("stancekit framing: any advocacy call", pred_any),
            ("stancekit framing: author's calls only", pred_author),
        ]
        for name, pred in rows:
            p, r, f, a = prf(gold, pred)
            lines.append(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {a:.3f} |")
    gold = [row[1] for row in data]
    forms: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for layer, g in zip(layers, gold):
        for form in {c.form for c in layer.advocacy}:
            forms[form] += 1
            hits[form] += g
    lines.append(
        "\nPrecision of each form (plurality label): "
        + ", ".join(
            f"{form} {hits[form]}/{n} = {hits[form] / n:.2f}" for form, n in forms.most_common()
        )
    )
    lines.append(f"\nParse + framing of {len(texts)} tweets: {seconds:.1f} s.")
    return "\n".join(lines) + "\n"


def seed_table() -> str:
    if not (GOLD.is_file() and SEED.is_file()):
        return f"_seed gold not found under {SHARED}: skipped_\n"
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    raw = SEED.read_text(encoding="utf-8")
    start = raw.index("NCRI - When")
    end = raw.index("regime change in Iran.") + len("regime change in Iran.")
    used: dict[str, bool] = {"actors": False, "claims": False}
    (layer,) = framing_layers(
        [(gold["document"]["title"], raw[start:end])], upstream=True, used=used
    )
    lines = [
        f"\nUpstream stages used: actors={'yes' if used['actors'] else 'no'}, "
        f"claims={'yes' if used['claims'] else 'no'}.\n",
        "| gold call | stretch | found | form | speaker | addressee | action | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ok_core = n_core = 0
    for g in gold["advocacy_calls"]:
        call = next(
            (c for c in layer.advocacy if g["sentence_contains"] in c.text and c.form == g["form"]),
            None,
        )
        cells = []
        all_ok = call is not None
        for slot, gold_key in (
            ("form", "form"),
            ("speaker", "speaker"),
            ("addressee", "addressee"),
            ("action", "action_contains"),
            ("target", "target"),
        ):
            got = getattr(call, slot) if call is not None else None
            if gold_key not in g:
                cells.append(f"{got or '–'}")
                continue
            want = g[gold_key]
            ok = got is not None and (
                want.lower() in got.lower() if slot == "action" else got == want
            )
            all_ok &= ok
            cells.append(f"{'✓' if ok else '✗'} {got or '–'}")
        stretch = bool(g.get("stretch"))
        if not stretch:
            n_core += 1
            ok_core += all_ok
        short = g["sentence_contains"][:50]
        lines.append(
            f"| {short} | {'yes' if stretch else ''} | {'✓' if call else '✗'} | "
            + " | ".join(c.replace("|", "/")[:60] for c in cells)
            + " |"
        )
    lines.append(
        f"\nNon-stretch gold calls with every slot right: {ok_core}/{n_core}. "
        f"Calls found in the seed article: {len(layer.advocacy)}."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N tweets")
    args = ap.parse_args(argv)
    print("## Call-to-action detection: electoral tweets 2012 (Mohammad et al.)")
    print(tweet_table(args.limit))
    print("## Seed gold: advocacy calls of iran-proxies-iraq")
    print(seed_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
