"""How much claim tagging adds to the spaCy parse: time of ``extract_claims`` / time of ``parse``.

Target: at most 0.10 (issue 5); the stage's share of the speed budget of issue 8
is 0.05 (see ``benchmarks/bench_throughput.py``). Both are timed in one process on
the same documents, after a warm-up (pipeline and models loaded). Documents: the
seed article of ``../shared`` and the first opinion articles of SemEval-2023 task 3
when present, else a built-in paragraph repeated.

Usage::

    python benchmarks/bench_claims.py [--docs 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

FALLBACK = (
    "When Grand Ayatollah Ali al-Sistani issued a fatwa in 2014, a 100,000-strong force emerged. "
    "The militias may even have been responsible for sectarian atrocities. No doubt, they will "
    "exacerbate tensions. “We will not negotiate with terrorists,” the prime minister told "
    "reporters. According to the United Nations, more than 2 million people have fled. "
    "So what can be done? Washington should lift the sanctions.\n\n"
)


def documents(n: int) -> list[tuple[str | None, str]]:
    docs: list[tuple[str | None, str]] = []
    seed = SHARED / "samples" / "iran-proxies-iraq.raw.txt"
    if seed.is_file():
        raw = seed.read_text(encoding="utf-8")
        start = raw.find("NCRI - When")
        end = raw.find("regime change in Iran.")
        if start >= 0 and end > start:
            docs.append(
                ("Regime Change Is Only Way to Stop Iran Proxies in Iraq", raw[start : end + 22])
            )
    folder = SHARED / "data" / "semeval2023t3" / "train-articles-subtask-1"
    if folder.is_dir():
        for path in sorted(folder.glob("article*.txt")):
            if len(docs) >= n:
                break
            lines = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)
            if len(lines) == 2 and lines[1].strip():
                docs.append((lines[0].strip() or None, lines[1]))
    while len(docs) < n:
        docs.append(("A fallback article", FALLBACK * 6))
    return docs[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="claim tagging time relative to spaCy parse time")
    ap.add_argument("--docs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    from stancekit.claims import extract_claims, load_checkworthy
    from stancekit.config import AnalysisConfig
    from stancekit.nlp import get_nlp, parse
    from stancekit.types import ActorLayer

    nlp = get_nlp()
    config = AnalysisConfig()
    load_checkworthy()
    docs = documents(args.docs)
    n_chars = sum(len(b) for _, b in docs)
    extract_claims(parse(*docs[0], nlp), ActorLayer(), config)  # warm-up

    ratios, parse_times, claim_times = [], [], []
    for _ in range(args.repeat):
        tp = tc = 0.0
        n_claims = 0
        for title, body in docs:
            t0 = time.perf_counter()
            parsed = parse(title, body, nlp)
            t1 = time.perf_counter()
            layer = extract_claims(parsed, ActorLayer(), config)
            t2 = time.perf_counter()
            tp += t1 - t0
            tc += t2 - t1
            n_claims += len(layer.claims)
        parse_times.append(tp)
        claim_times.append(tc)
        ratios.append(tc / tp)
    print("| documents | characters | sentences | parse s | claims s | claims / parse |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {len(docs)} | {n_chars} | {n_claims} | {statistics.median(parse_times):.3f} | "
        f"{statistics.median(claim_times):.3f} | {statistics.median(ratios):.3f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
