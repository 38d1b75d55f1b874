"""Throughput of ``target_stance`` (targets per second on one core, parse included).

Reads target sentences from ../shared/data/newsmtsc/dev_rw.jsonl when present (else a
built-in list), calls ``target_stance(sentence_text, spans)`` one sentence at a time
(the spaCy parse of each sentence is part of the measured time) and compares with
the spaCy + VADER-around-the-target baseline on the same sentences.

Usage::

    python benchmarks/bench_stance.py            # prints a markdown table
    python benchmarks/bench_stance.py --n 200    # fewer sentences

The issue's target is >= 100 targets per second on one core. The table gives CPU time
(``time.process_time``: what one core spends, whatever else runs on the machine) and wall
time; ``OMP_NUM_THREADS=1`` keeps numpy on one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "newsmtsc" / "dev_rw.jsonl"

FALLBACK = [
    (
        "The regime in Tehran has spent decades exporting terror across the region.",
        "The regime in Tehran",
    ),
    ("Ukraine's soldiers have defended their homeland with extraordinary courage.", "Ukraine"),
    ("Civilians in Mosul suffered horribly under ISIS rule.", "ISIS"),
    ("Critics call the minister corrupt, but the audit found no wrongdoing.", "the minister"),
    ("Nobody doubts that the ceasefire brokered by Qatar saved lives.", "Qatar"),
    ("The Kremlin is not a reliable partner, and never was.", "The Kremlin"),
    ("The opposition leader said the president had betrayed the country.", "the president"),
    (
        "The Houthis, armed and financed by Iran, fired another missile at a cargo ship.",
        "The Houthis",
    ),
]


def load(n: int) -> list[tuple[str, list[tuple[int, int]]]]:
    if DEV.is_file():
        rows = []
        for line in DEV.read_text(encoding="utf-8").splitlines()[:n]:
            d = json.loads(line)
            rows.append((d["sentence_normalized"], [(t["from"], t["to"]) for t in d["targets"]]))
        return rows
    rows = []
    for text, span in FALLBACK:
        i = text.index(span)
        rows.append((text, [(i, i + len(span))]))
    return (rows * (n // len(rows) + 1))[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=320, help="number of sentences")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from stancekit.nlp import get_nlp
    from stancekit.stance import (
        _token_range,
        load_target_model,
        target_stance,
        target_stance_batch,
        vader_window_stance,
    )

    nlp = get_nlp()
    rows = load(args.n)
    n_targets = sum(len(s) for _, s in rows)
    # warm up: load the pipeline, the model and the lexicons outside the timing
    target_stance(rows[0][0], rows[0][1], nlp=nlp)
    load_target_model()
    vader_window_stance(nlp("warm up")[:], 0, 1)

    def timed(fn: Any) -> tuple[float, float]:
        """(wall seconds, CPU seconds of this process): on a shared machine the CPU time is
        what one core would take; the wall time includes waiting for other processes."""
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - w0, time.process_time() - c0

    def run_model() -> None:
        for text, spans in rows:
            target_stance(text, spans, nlp=nlp)

    def run_batch() -> None:
        target_stance_batch(rows, nlp=nlp)

    def run_vader() -> None:
        for text, spans in rows:
            sent = nlp(text)[:]
            for s, e in spans:
                a, b = _token_range(sent, s, e)
                vader_window_stance(sent, a, b)

    def run_parse() -> None:
        for text, _ in rows:
            nlp(text)

    times = [
        ("target_stance, one call per sentence (parse + features + model)", timed(run_model)),
        ("target_stance_batch (nlp.pipe parse + features + model)", timed(run_batch)),
        ("spaCy + VADER window baseline", timed(run_vader)),
        ("spaCy parse alone, one call per sentence", timed(run_parse)),
    ]

    print(
        f"{len(rows)} sentences, {n_targets} targets, one process, "
        f"source: {'NewsMTSC dev_rw' if DEV.is_file() else 'built-in sentences'}\n"
    )
    print("| method | targets/s (CPU time) | ms/target (CPU) | targets/s (wall) |")
    print("|---|---:|---:|---:|")
    for name, (wall, cpu) in times:
        print(
            f"| {name} | {n_targets / cpu:.0f} | {1000 * cpu / n_targets:.1f} "
            f"| {n_targets / wall:.0f} |"
        )
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
