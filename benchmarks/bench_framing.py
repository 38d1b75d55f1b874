"""How much the framing stage adds to the spaCy parse, measured in one process.

The budget: framing (advocacy rules, tags, features and textstat readability) costs at
most 15% of the time spaCy takes to parse the same documents. Documents are the
invented samples in ``data/samples`` (plus the seed article from ``../shared`` when it
is there), each repeated ``--rounds`` times with a distinct closing sentence so that no
cache (spaCy's or textstat's) serves a repeat. The actors and claims layers are built
before the clock starts (they are other stages' cost); one warm-up round loads the
pipeline, the CMU dictionary and the lexicons.

Run from the repository root::

    python benchmarks/bench_framing.py            # prints a markdown table
    python benchmarks/bench_framing.py --rounds 5 --check   # exit 1 above 15%
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SEED = ROOT.parent / "shared" / "samples" / "iran-proxies-iraq.raw.txt"
BUDGET = 0.15


def documents() -> list[tuple[str | None, str]]:
    import stancekit

    docs: list[tuple[str | None, str]] = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in (".txt", ".md", ".html") and path.name != "README.md":
            for doc in stancekit.load(path):
                docs.append((doc.title, doc.text))
    if SEED.is_file():
        raw = SEED.read_text(encoding="utf-8")
        start = raw.index("NCRI - When")
        end = raw.index("regime change in Iran.") + len("regime change in Iran.")
        docs.append(("Regime Change Is Only Way to Stop Iran Proxies in Iraq", raw[start:end]))
    return docs


def upstream(parsed, config):
    """The actors and claims layers (real stages when they run, else empty)."""
    from stancekit.errors import StancekitError
    from stancekit.types import ActorLayer, ClaimLayer

    actors, claims = ActorLayer(), ClaimLayer()
    try:
        from stancekit.actors import extract_actors

        actors = extract_actors(parsed, config)
    except (ImportError, StancekitError):
        pass
    try:
        from stancekit.claims import extract_claims

        claims = extract_claims(parsed, actors, config)
    except (ImportError, StancekitError):
        pass
    return actors, claims


def run(rounds: int) -> tuple[float, float, int, int]:
    from stancekit.config import AnalysisConfig
    from stancekit.framing import extract_framing
    from stancekit.nlp import get_nlp, parse

    nlp = get_nlp()
    config = AnalysisConfig()
    docs = documents()
    parse_s: list[float] = []
    framing_s: list[float] = []
    words = 0
    for r in range(rounds + 1):  # round 0 warms up
        t_parse = t_frame = 0.0
        for title, body in docs:
            text = f"{body}\n\nThis is round {r} of the benchmark."
            t0 = time.perf_counter()
            parsed = parse(title, text, nlp)
            t_parse += time.perf_counter() - t0
            actors, claims = upstream(parsed, config)
            t0 = time.perf_counter()
            extract_framing(parsed, actors, claims, config)
            t_frame += time.perf_counter() - t0
            if r == 1:
                words += sum(1 for t in parsed.doc if not (t.is_punct or t.is_space))
        if r:
            parse_s.append(t_parse)
            framing_s.append(t_frame)
    return statistics.median(parse_s), statistics.median(framing_s), len(docs), words


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--check", action="store_true", help=f"exit 1 when above {BUDGET:.0%}")
    args = ap.parse_args(argv)
    parse_t, frame_t, n_docs, words = run(args.rounds)
    ratio = frame_t / parse_t
    print(f"{n_docs} documents, {words} words, median of {args.rounds} rounds\n")
    print("| step | seconds | ms per 1,000 words | share of parse |")
    print("|---|---|---|---|")
    print(f"| spaCy parse | {parse_t:.3f} | {1000 * parse_t / words * 1000:.1f} | 100% |")
    print(f"| framing stage | {frame_t:.3f} | {1000 * frame_t / words * 1000:.1f} | {ratio:.1%} |")
    print(f"\nbudget {BUDGET:.0%}: {'OK' if ratio <= BUDGET else 'OVER'}")
    return 1 if args.check and ratio > BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
