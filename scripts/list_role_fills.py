"""List the narrative-role fills on the bundled samples (data/samples); prints markdown.

Each sample goes through ``stancekit.analyze`` (stages actors, claims, stance) with the
option ``stance.narrative_roles=True``; every actor whose stance came from the role model
(an evidence row with method ``model:narrative_roles``) is listed with its filled label and
the cue (role, its probability, the role mass ``1 - P(none)`` and the strongest features).
Read the list to judge whether the fills are right for war, trade and politics op-eds (the
role model is trained on climate news).

Usage::

    python scripts/list_role_fills.py              # ~30 s
    python scripts/list_role_fills.py --model-dir /tmp/other-model
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model-dir", default=None, help="directory of another narrative_roles model")
    args = ap.parse_args()
    import stancekit

    options: dict = {"stance.narrative_roles": True}
    if args.model_dir:
        options["roles.model_dir"] = args.model_dir
    cfg = stancekit.AnalysisConfig(stages=("actors", "claims", "stance"), options=options)
    index = [json.loads(x) for x in (SAMPLES / "index.jsonl").read_text().splitlines() if x]
    lines = ["| sample | actor | type | filled | cue |", "|---|---|---|---|---|"]
    n_actors = n_filled = 0
    for row in index:
        a = stancekit.analyze((SAMPLES / row["file"]).read_text(encoding="utf-8"), config=cfg)
        names = dict(zip(a.actors["actor_id"], a.actors["name"], strict=True))
        types = dict(zip(a.actors["actor_id"], a.actors["type"], strict=True))
        labels = dict(zip(a.actors["actor_id"], a.actors["stance"], strict=True))
        n_actors += len(names)
        ev = a.stances
        ev = ev[ev["method"] == "model:narrative_roles"]
        for aid, cue in zip(ev["actor_id"], ev["cue"], strict=True):
            n_filled += 1
            cue = str(cue).replace("|", "/")
            lines.append(
                f"| {row['doc_id']} | {names[aid]} | {types[aid]} | {labels[aid]} | {cue} |"
            )
    print(f"{n_filled} of {n_actors} actors filled by the role model ({len(index)} samples)\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
