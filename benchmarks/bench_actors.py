"""How much the actors stage adds to the spaCy parse: time of ``extract_actors`` / time of ``parse``.

Target: at most 0.15. Both are timed in one process on the same documents, after a
warm-up (pipeline loaded, knowledge base and its trie built, cue files read: the one-off
cost of loading the knowledge base is reported separately). Documents: the packaged
samples (``data/samples``), the seed article of ``../shared`` when present, and, with
``--semeval N``, the first N SemEval-2023 task 3 articles.

Usage::

    python benchmarks/bench_actors.py [--repeat 5] [--semeval 0]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def documents(semeval: int) -> list[tuple[str, str | None, str]]:
    import stancekit

    docs = [(d.doc_id, d.title, d.text) for d in stancekit.load(REPO / "data" / "samples")]
    seed = SHARED / "samples" / "iran-proxies-iraq.raw.txt"
    if seed.is_file():
        d = next(iter(stancekit.load(seed)))
        docs.append(("seed", d.title, d.text))
    folder = SHARED / "data" / "semeval2023t3" / "train-articles-subtask-1"
    if semeval and folder.is_dir():
        for path in sorted(folder.glob("article*.txt"))[:semeval]:
            lines = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)
            if len(lines) == 2 and lines[1].strip():
                docs.append((path.stem, lines[0].strip() or None, lines[1]))
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="actor extraction time relative to spaCy parse time")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--semeval", type=int, default=0, help="add the first N SemEval-2023 articles")
    args = ap.parse_args(argv)

    from stancekit.actors import extract_actors, load_kb
    from stancekit.nlp import get_nlp, parse

    docs = documents(args.semeval)
    nlp = get_nlp()
    t0 = time.perf_counter()
    kb = load_kb()
    _ = kb.trie
    kb_seconds = time.perf_counter() - t0
    parsed = [parse(title, text, nlp) for _, title, text in docs]  # warm-up
    for p in parsed:
        extract_actors(p)

    parse_t: list[float] = []
    actor_t: list[float] = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        parsed = [parse(title, text, nlp) for _, title, text in docs]
        parse_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        for p in parsed:
            extract_actors(p)
        actor_t.append(time.perf_counter() - t)
    p_med, a_med = statistics.median(parse_t), statistics.median(actor_t)
    chars = sum(len(text) for _, _, text in docs)
    print(
        f"documents: {len(docs)} ({chars:,} characters), repeats: {args.repeat}, pipeline: {nlp.meta['name']}"
    )
    print(f"knowledge base: {len(kb):,} actors, loaded and indexed once in {kb_seconds:.2f} s")
    print(
        f"spaCy parse (median): {p_med * 1000:.0f} ms; extract_actors (median): {a_med * 1000:.0f} ms"
    )
    ratio = a_med / p_med
    print(
        f"ratio extract_actors / parse: {ratio:.3f} (target <= 0.15) -> {'OK' if ratio <= 0.15 else 'TOO SLOW'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
