"""Readability scores: sane values, and no network access ever (textstat would nltk.download)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap

import pytest

from stancekit.readability import READABILITY_SCORES, readability

EASY = "The cat sat on the mat. The dog ran to the park. We had fun in the sun."
HARD = (
    "Notwithstanding considerable institutional heterogeneity, intergovernmental "
    "organisations systematically underestimate the macroeconomic consequences of "
    "protracted geopolitical destabilisation, particularly regarding infrastructural "
    "vulnerabilities and administrative accountability."
)


def test_scores_are_named_and_finite() -> None:
    scores = readability(EASY)
    assert tuple(scores) == READABILITY_SCORES
    assert all(isinstance(v, float) and math.isfinite(v) for v in scores.values())


def test_easy_text_reads_easier_than_hard_text() -> None:
    easy, hard = readability(EASY), readability(HARD)
    assert easy["flesch_reading_ease"] > 90 > 0 > hard["flesch_reading_ease"]
    assert easy["flesch_kincaid_grade"] < 3 < 20 < hard["flesch_kincaid_grade"]
    assert easy["gunning_fog"] < hard["gunning_fog"]
    assert easy["dale_chall"] < hard["dale_chall"]


@pytest.mark.parametrize("text", ["", "   \n", "... !!! 123"])
def test_text_without_words_gives_nan(text: str) -> None:
    assert all(math.isnan(v) for v in readability(text).values())


def test_syllables_come_from_the_packaged_cmu_dictionary() -> None:
    readability(EASY)  # installs the offline dictionary
    from textstat.backend.counts import _count_syllables

    from stancekit import readability as mod

    assert _count_syllables.get_cmudict is mod._offline_cmudict
    # CMU counts, not the pyphen fallback (which says 1 for "Iran" and 2 for "every")
    assert _count_syllables.count_syllables("readability", "en_US") == 5
    assert _count_syllables.count_syllables("iran", "en_US") == 2
    assert _count_syllables.count_syllables("every", "en_US") == 3
    assert mod._offline_cmudict("de_DE") is None


def test_patch_is_idempotent() -> None:
    from stancekit import readability as mod

    first = mod._textstat()
    assert mod._textstat() is first
    assert readability(EASY) == readability(EASY)


def test_no_network_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import nltk

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    scores = readability(HARD + " " + EASY)
    assert all(math.isfinite(v) for v in scores.values())


def test_no_network_in_a_fresh_interpreter(tmp_path) -> None:
    """The first use in a new process (nothing cached, no NLTK data) never downloads."""
    script = textwrap.dedent(
        f"""
        import json, socket
        import nltk

        def refuse(*args, **kwargs):
            raise SystemExit("network access attempted: " + repr(args[:2]))

        socket.socket.connect = refuse
        socket.create_connection = refuse
        nltk.download = refuse
        from stancekit.readability import readability
        print(json.dumps(readability({EASY!r})))
        """
    )
    env = {"NLTK_DATA": str(tmp_path), "PATH": "", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    scores = json.loads(proc.stdout.strip().splitlines()[-1])
    assert scores["flesch_reading_ease"] > 90
