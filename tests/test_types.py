"""Result records: schema, dtypes, JSON round-trip."""

from __future__ import annotations

import json

import pytest

from stancekit.types import (
    TABLES,
    Actor,
    Analysis,
    Claim,
    Document,
    Dropped,
    Mention,
    records_to_frame,
)


def _analysis() -> Analysis:
    doc = Document(
        text="Iran backs the PMF.",
        doc_id="d1",
        title="T",
        dropped=(Dropped("Menu", "navigation", 0, 4),),
    )
    return Analysis(
        document=doc,
        actor_records=(
            Actor("iran", "Iran", "STATE", 1, 0.5, "against", -0.5, 0.7, ("Iran",), "IRN"),
        ),
        mention_records=(Mention(0, "iran", "Iran", 0, 4, 0),),
        claim_records=(
            Claim(
                0,
                0,
                19,
                "Iran backs the PMF.",
                is_claim=True,
                claim_score=0.9,
                kind="factual",
                cues=("backs",),
            ),
        ),
        feature_items=(("flesch_reading_ease", 70.5), ("genre", "opinion")),
        version="0.1.0",
    )


@pytest.mark.parametrize("table", list(TABLES))
def test_empty_tables_have_documented_columns(table):
    a = Analysis(document=Document(text=""))
    df = a.table(table)
    assert list(df.columns) == list(TABLES[table])
    assert len(df) == 0
    for col, dtype in TABLES[table].items():
        assert str(df[col].dtype) == dtype


def test_tables_have_dtypes_and_lists():
    a = _analysis()
    df = a.actors
    assert df.loc[0, "aliases"] == ["Iran"]
    assert str(df["stance_score"].dtype) == "float64"
    assert a.features["genre"] == "opinion"


def test_tables_are_copies():
    a = _analysis()
    a.actors.loc[0, "name"] = "changed"
    assert a.actors.loc[0, "name"] == "Iran"


def test_round_trip_json():
    a = _analysis()
    b = Analysis.from_dict(json.loads(a.to_json()))
    assert b.to_json() == a.to_json()
    assert b.document.dropped[0].reason == "navigation"
    assert b.actor_records[0].aliases == ("Iran",)


def test_unknown_table_names_valid_ones():
    with pytest.raises(ValueError, match="valid tables"):
        _analysis().table("nope")


def test_records_to_frame_rejects_nothing_silently():
    df = records_to_frame([Mention(0, "a", "A", 0, 1, 0)], "mentions")
    assert df.loc[0, "method"] == "ner"
