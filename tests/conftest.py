"""Shared fixtures. Tests that read ../shared skip with a clear reason when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STANCEKIT_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder (gold annotations, samples, corpora); skips when absent."""
    if not SHARED.is_dir():
        pytest.skip(
            f"../shared not found at {SHARED}: gold and corpus checks run only in the project's CI"
        )
    return SHARED


@pytest.fixture(scope="session")
def gold(shared_dir: Path) -> dict:
    import json

    path = shared_dir / "gold" / "iran-proxies-iraq.gold.json"
    if not path.is_file():
        pytest.skip(f"gold annotation {path} not found")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cases(shared_dir: Path) -> list[dict]:
    import json

    path = shared_dir / "gold" / "cases.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@pytest.fixture(scope="session")
def seed_raw(shared_dir: Path) -> str:
    path = shared_dir / "samples" / "iran-proxies-iraq.raw.txt"
    if not path.is_file():
        pytest.skip(f"seed capture {path} not found")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def nlp():
    from stancekit.nlp import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def seed_analysis(seed_raw: str):
    """The full analysis of the seed capture (computed once per test session)."""
    import stancekit

    return stancekit.analyze(seed_raw)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return ROOT / "data" / "samples"
