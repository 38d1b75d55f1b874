"""Readability scores: sane values, and no network access ever (textstat would nltk.download)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stancekit.readability import READABILITY_SCORES, readability

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"

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


# texts where textstat's word listing, sentence pieces and syllable fallbacks bite
REFERENCE_TEXTS = [
    EASY,
    HARD,
    HARD + " " + EASY,
    "DON'T stop. We can't, won't and shouldn't. 'Tis the 'season', isn't it?",
    # easy words only while their apostrophes stay: one per contraction ending
    "They're sure we've won, he'd say, you'll stay and it's done. Don't ask o'clock.",
    "I'M SURE YOU'RE RIGHT: THEY'VE GONE. Rock'n'roll co-op's aren't.",
    "İstanbul ΟΔΟΣ ΣΟΦΟΣ. Naïve café—déjà vu! Straße, Œuvre.",
    "The well-known anti-war e-mail from the U.S. Dr. Smith's 3.5% rise... Why? Because!",
    "a b. c d. e f g h. One two three.",
    "x'-t y'' z''ve '' 'll. It's 'quoted' and ‘curly’ and “double”.",
    "Hezbollah, Kataib Hezbollah and Asaib Ahl al-Haq answer to Tehran's IRGC",
    "\u00a0word\u2009other\u3000third. Fourth\x1cfifth sixth seventh!",
    "ok",
    "Unsubstantiated!!! Incomprehensibility?!",
]


def _bits(scores: dict[str, float]) -> dict[str, str]:
    return {k: float.hex(v) for k, v in scores.items()}


@pytest.mark.parametrize("text", REFERENCE_TEXTS)
def test_scores_equal_textstat_bit_for_bit(text: str) -> None:
    from stancekit.readability import _textstat_scores

    assert _bits(readability(text)) == _bits(_textstat_scores(text))


def test_scores_equal_textstat_on_the_samples() -> None:
    import stancekit
    from stancekit.readability import _textstat_scores

    texts = [doc.text for path in sorted(SAMPLES.glob("*.txt")) for doc in stancekit.load(path)]
    assert len(texts) >= 8
    for text in texts:
        assert _bits(readability(text)) == _bits(_textstat_scores(text)), text[:60]


@pytest.mark.parametrize(
    ("word", "syllables", "easy"),
    [
        ("readability", 5, False),  # CMU
        ("Iran", 2, False),  # CMU after lower-casing (pyphen says 1)
        ("every", 3, True),  # CMU (pyphen says 2), on the Dale-Chall list
        ("the", 1, True),
        ("xqzv", 1, False),  # not in CMU: pyphen positions + 1
    ],
)
def test_word_info(word: str, syllables: int, easy: bool) -> None:
    from stancekit.readability import _word_info

    assert _word_info(word) == (syllables, easy)


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


@pytest.mark.parametrize(
    "piece",
    [
        "",
        "One two",
        "One two three",
        "' -- '' ... two words",
        "it's don't they've ' '",
        "A — B",
        "x_y 3 'd",
        "“Quoted” he said",
        "two\twords\nhere",
        "ab' 'cd e'",
        "ΟΔΥΣΣΕΥΣ ναυάρχησε σήμερα",
    ],
)
def test_more_than_two_words_is_textstat_word_count(piece: str) -> None:
    from stancekit.readability import _more_than_two_words, _words

    assert _more_than_two_words(piece) == (len(_words(piece)) > 2)
