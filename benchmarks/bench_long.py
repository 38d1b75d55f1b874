"""One very long document through the real pipeline: time and peak memory.

Run by hand::

    python benchmarks/bench_long.py                  # 1,500,000 characters
    python benchmarks/bench_long.py --chars 300000 --chunk-chars 50000
    python benchmarks/bench_long.py --stages claims,framing   # leave a slow stage out

The document is built from whole SemEval-2023 task 3 articles in ``../shared`` (or
the bundled samples), one after another, paragraphs kept. It is parsed in paragraph
chunks of ``chunk_chars`` (``AnalysisConfig.chunk_chars``, default 100,000), which
spaCy sees one group of at most ``chunk_chars`` characters at a time, then every
stage usable in this checkout runs on the joined Doc. The script checks that every
mention, claim, advocacy and framing row's text is the text at its offsets.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PROBE = "The minister said that Iran must stop arming the militias. The United States should act."


def long_text(n: int) -> str:
    folder = SHARED / "data" / "semeval2023t3" / "train-articles-subtask-1"
    paths = sorted(folder.glob("article*.txt")) if folder.is_dir() else []
    paths = paths or sorted((REPO / "data" / "samples").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="replace").strip() for p in paths]
    parts: list[str] = []
    size = 0
    i = 0
    while size < n:
        parts.append(texts[i % len(texts)])
        size += len(parts[-1]) + 2
        i += 1
    return "\n\n".join(parts)[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chars", type=int, default=1_500_000)
    ap.add_argument("--chunk-chars", type=int, default=100_000)
    ap.add_argument("--stages", help="comma-separated stages (default: every usable one)")
    args = ap.parse_args(argv)

    from stancekit import AnalysisConfig, Analyzer
    from stancekit import nlp as sknlp
    from stancekit.config import STAGES
    from stancekit.types import Document

    stages: list[str] = []
    wanted = args.stages.split(",") if args.stages is not None else STAGES
    for name in [s for s in wanted if s]:
        try:
            Analyzer(AnalysisConfig(stages=(*stages, name))).analyze(PROBE)
        except Exception:
            continue
        stages.append(name)
    body = long_text(args.chars)
    analyzer = Analyzer(AnalysisConfig(stages=tuple(stages), chunk_chars=args.chunk_chars))
    analyzer.analyze(PROBE)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t = time.perf_counter()
    parsed = sknlp.parse("A very long document", body, analyzer.nlp, chunk_chars=args.chunk_chars)
    t_parse = time.perf_counter() - t
    from stancekit import api

    spent: dict[str, float] = {}
    real = api._stage_function

    def timed(name: str):
        func = real(name)

        def run(*a, **k):
            t = time.perf_counter()
            try:
                return func(*a, **k)
            finally:
                spent[name] = time.perf_counter() - t

        return run

    api._stage_function = timed
    t = time.perf_counter()
    try:
        a = analyzer.analyze_parsed(Document(text=body, title="A very long document"), parsed)
    finally:
        api._stage_function = real
    t_stages = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = 0
    for field in ("mention_records", "claim_records", "advocacy_records", "framing_records"):
        for rec in getattr(a, field):
            text = a.document.title if rec.in_title else a.document.text
            got = text[rec.start : rec.end]
            ok = got.strip() == rec.text.strip() if field == "claim_records" else got == rec.text
            assert ok, (field, rec)
            rows += 1
    n_chunks = len(sknlp._chunks(parsed.text, args.chunk_chars))
    print(
        f"# One long document: {len(body):,} characters, {n_chunks} chunks of <= {args.chunk_chars:,}\n"
    )
    print("| step | seconds | chars/s |")
    print("|---|---:|---:|")
    print(
        f"| parse ({len(parsed.doc):,} tokens, {len(parsed.sentences):,} sentences) | {t_parse:.1f} | {len(body) / t_parse:,.0f} |"
    )
    for name in stages:
        sec = spent.get(name, 0.0)
        print(f"| stage {name} | {sec:.1f} | {len(body) / max(sec, 1e-9):,.0f} |")
    print(f"| all stages and offsets | {t_stages:.1f} | {len(body) / t_stages:,.0f} |")
    print(
        f"\npeak RSS {peak:.0f} MB (pipeline loaded: {base:.0f} MB); {rows:,} rows, every one's "
        "text is the text at its offsets"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
