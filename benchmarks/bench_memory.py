"""Memory over a long run: RSS every 1,000 documents while 10,000 short documents
stream through the full analysis, written to disk (``corpus.write``) or iterated
without keeping (``keep=False``).

Run by hand (never a timed test)::

    python benchmarks/bench_memory.py                        # 10,000 docs, write parquet, all cores
    python benchmarks/bench_memory.py --mode iterate --jobs 1
    python benchmarks/bench_memory.py --docs 3000 --format csv

Documents: three sentences each, drawn (fixed seed) from the sentences of the
SemEval-2023 task 3 articles in ``../shared`` (or of the bundled samples), so the
vocabulary is real. RSS is sampled in the parent as it hands out every 1,000th
document: the parent, the worker processes, and the PSS of all of them (shared
pages, such as the forked pipeline, counted once).

Target (issue 8): flat memory: the last samples no higher than the ones after
warm-up (a few MB of noise aside).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PROBE = "The minister said that Iran must stop arming the militias. The United States should act."


def sentences() -> list[str]:
    folder = SHARED / "data" / "semeval2023t3" / "train-articles-subtask-1"
    paths = sorted(folder.glob("article*.txt")) if folder.is_dir() else []
    if not paths:
        paths = sorted((REPO / "data" / "samples").glob("*.txt"))
    out = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s.strip()) <= 300]
    return out


def short_docs(n: int, seed: int = 0) -> list[str]:
    pool = sentences()
    rng = random.Random(seed)
    return [" ".join(rng.sample(pool, 3)) for _ in range(n)]


def usable_stages() -> tuple[str, ...]:
    from stancekit import AnalysisConfig, Analyzer
    from stancekit.config import STAGES

    ok: list[str] = []
    for name in STAGES:
        try:
            Analyzer(AnalysisConfig(stages=(*ok, name))).analyze(PROBE)
        except Exception:
            continue
        ok.append(name)
    return tuple(ok)


def memory() -> tuple[float, float, float]:
    """(parent RSS, workers RSS, PSS of all) in MB."""
    import psutil

    me = psutil.Process()
    kids = [p for p in me.children(recursive=True) if p.is_running()]
    rss_kids = 0.0
    pss = 0.0
    for p in [me, *kids]:
        try:
            info = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        pss += getattr(info, "pss", info.rss)
        if p is not me:
            rss_kids += info.rss
    return me.memory_info().rss / 2**20, rss_kids / 2**20, pss / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--every", type=int, default=1000)
    ap.add_argument("--mode", choices=("write", "iterate"), default="write")
    ap.add_argument("--format", choices=("csv", "jsonl", "parquet"), default="parquet")
    ap.add_argument("--jobs", type=int, default=None, help="processes (default: every core)")
    ap.add_argument("--batch-size", type=int, default=16)
    args = ap.parse_args(argv)

    from stancekit import AnalysisConfig, Analyzer

    stages = usable_stages()
    texts = short_docs(args.docs)
    analyzer = Analyzer(AnalysisConfig(stages=stages))
    samples: list[tuple[int, float, float, float, float]] = []
    start = time.perf_counter()

    def source():
        for i, t in enumerate(texts):
            if i % args.every == 0:
                samples.append((i, time.perf_counter() - start, *memory()))
            yield t
        samples.append((len(texts), time.perf_counter() - start, *memory()))

    corpus = analyzer.analyze_corpus(
        source(), n_process=args.jobs, batch_size=args.batch_size, progress=False
    )
    with tempfile.TemporaryDirectory() as tmp:
        if args.mode == "write":
            corpus.write(Path(tmp) / "out", format=args.format)
            done = corpus.n_done
        else:
            corpus.keep = False
            done = sum(1 for _ in corpus) + len(corpus.errors)
    elapsed = time.perf_counter() - start
    import resource

    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    jobs = args.jobs or os.cpu_count()
    print(
        f"# stancekit memory: {args.docs:,} short documents ({sum(map(len, texts)) / len(texts):.0f} "
        f"chars on average), mode={args.mode}"
        f"{' (' + args.format + ')' if args.mode == 'write' else ' (keep=False)'}, "
        f"{jobs} process(es), stages: {', '.join(stages)}\n"
    )
    print("| documents handed out | seconds | parent RSS MB | workers RSS MB | PSS of all MB |")
    print("|---:|---:|---:|---:|---:|")
    for i, sec, rss, kids, pss in samples:
        print(f"| {i:,} | {sec:.0f} | {rss:.0f} | {kids:.0f} | {pss:.0f} |")
    warm = samples[min(2, len(samples) - 1)]
    last = samples[-1]
    per_k = max(1.0, (last[0] - warm[0]) / 1000)
    rss_growth = (last[2] + last[3]) - (warm[2] + warm[3])
    print(
        f"\n{done:,} documents in {elapsed:.0f} s ({done / elapsed:.1f} docs/s)\n"
        f"peak RSS: parent {peak_self:.0f} MB, largest worker {peak_kids:.0f} MB\n"
        f"from {warm[0]:,} to {last[0]:,} documents: RSS (parent + workers) {rss_growth:+.0f} MB "
        f"({rss_growth / per_k:+.1f} MB per 1,000 documents); PSS {last[4] - warm[4]:+.0f} MB "
        "(forked workers slowly copy pages they share with the parent: PSS rises towards RSS)"
    )
    errors = corpus.errors
    if len(errors):
        print(f"\nerror rows: {len(errors)}")
        for (stage, kind), group in errors.groupby(["stage", "error_type"]):
            print(f"- {stage} {kind} x{len(group)}: {group.message.iloc[0][:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
