"""Narrative roles (hero / villain / victim / none) of actors: stancekit.roles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from stancekit.errors import ResourceError
from stancekit.roles import (
    MODEL_NAME,
    ROLE_STANCE,
    ROLES,
    RoleScore,
    actor_features,
    has_role_cue,
    load_role_model,
    narrative_roles,
    role_stance,
    structural_feature,
)
from stancekit.types import Actor, ActorLayer, Mention

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


def layer_for(parsed, surfaces: dict[str, tuple[str, str]]) -> ActorLayer:
    """An actors layer with one actor per (surface form, type), mentioned wherever the form
    occurs."""
    mentions, actors = [], []
    for aid, (surface, kind) in surfaces.items():
        spans = [m.span() for m in re.finditer(re.escape(surface), parsed.text)]
        assert spans, surface
        for s, e in spans:
            mentions.append(
                Mention(len(mentions), aid, parsed.text[s:e], s, e, parsed.sentence_id(s))
            )
        actors.append(Actor(aid, surface, kind, n_mentions=len(spans), salience=0.3))
    return ActorLayer(mentions=tuple(mentions), actors=tuple(actors))


def best_role(score: RoleScore) -> str:
    return max(ROLE_STANCE, key=lambda r: score.probs[r])


# --------------------------------------------------------------------------- pure logic
@pytest.mark.parametrize(
    ("probs", "threshold", "expected"),
    [
        ({"hero": 0.05, "villain": 0.05, "victim": 0.0, "none": 0.9}, 0.5, None),
        ({"hero": 0.1, "villain": 0.6, "victim": 0.1, "none": 0.2}, 0.5, "against"),
        ({"hero": 0.5, "villain": 0.1, "victim": 0.1, "none": 0.3}, 0.5, "favor"),
        ({"hero": 0.05, "villain": 0.05, "victim": 0.3, "none": 0.6}, 0.35, "favor"),
        ({"hero": 0.05, "villain": 0.05, "victim": 0.3, "none": 0.6}, 0.45, None),
    ],
)
def test_role_stance_threshold(probs, threshold, expected):
    got = role_stance(RoleScore("a", "none", probs), threshold=threshold, min_share=0.0)
    assert (got[0] if got else None) == expected
    if got:
        assert 0.0 < got[1] <= 1.0


@pytest.mark.parametrize(
    ("probs", "min_share", "expected"),
    [
        # a clear villain: 0.6 of the 0.8 role mass
        ({"hero": 0.1, "villain": 0.6, "victim": 0.1, "none": 0.2}, 0.7, "against"),
        # hero and villain split the mass: no stance at a share of 0.6
        ({"hero": 0.35, "villain": 0.4, "victim": 0.05, "none": 0.2}, 0.6, None),
        ({"hero": 0.35, "villain": 0.4, "victim": 0.05, "none": 0.2}, 0.0, "against"),
    ],
)
def test_role_stance_min_share(probs, min_share, expected):
    got = role_stance(RoleScore("a", "none", probs), threshold=0.5, min_share=min_share)
    assert (got[0] if got else None) == expected


@pytest.mark.parametrize(
    ("probs", "expected"),
    [
        # hero and victim are both favored: their mass adds up against the villain's
        ({"hero": 0.3, "villain": 0.35, "victim": 0.25, "none": 0.1}, ("favor", 0.6111)),
        ({"hero": 0.1, "villain": 0.6, "victim": 0.1, "none": 0.2}, ("against", 0.75)),
        ({"hero": 0.2, "villain": 0.4, "victim": 0.2, "none": 0.2}, ("favor", 0.5)),
    ],
)
def test_role_stance_adds_the_favored_roles(probs, expected):
    assert role_stance(RoleScore("a", "none", probs), threshold=0.1, min_share=0.5) == expected


# --------------------------------------------------------------------------- cue lists
def test_role_cue_lists_are_the_role_models_own():
    """role_cues.json: lower-case words, no word both harm and help, and the words that
    are right for the stance rules but wrong for roles left out."""
    from stancekit.resources import read_json

    cues = read_json("role_cues.json")
    for group in ("verbs", "nouns", "modifiers"):
        for cls, words in cues[group].items():
            assert words == [w.lower() for w in words], (group, cls)
            assert len(set(words)) == len(words), (group, cls)
    verbs = cues["verbs"]
    assert not set(verbs["harm"]) & set(verbs["help"])
    assert "protest" not in verbs["help"] and "protest" in verbs["advocate"]
    assert "fire" not in {w for ws in verbs.values() for w in ws}
    assert "fire" not in cues["nouns"]["suffer"]  # "under fire" is criticism, not a plight
    assert not set(cues["modifiers"]["victim"]) & set(cues["modifiers"]["harmful"])
    # "led" is no help: a light verb whose role is its object's ("led the invasion")
    assert "lead" not in verbs["help"] and "lead" in cues["light_verbs"]
    # acting against a problem (counter) is not contesting (oppose), nor help ("tackle X")
    assert not set(verbs["counter"]) & (set(verbs["oppose"]) | set(verbs["help"]))
    objects = cues["opposed_objects"]
    assert objects["bad"] and objects["good"] and not set(objects["bad"]) & set(objects["good"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("A_harm", True),
        ("P_val", True),
        ("mod_victim", True),
        ("is_agent", True),
        ("share", True),
        ("prep:of", True),
        ("dep:appos", True),
        ("head:PROPN", True),
        # identities of words and actors do not transfer beyond climate news
        ("name:trump", False),
        ("type:ORG", False),
        ("A:spend", False),
        ("P:give", False),
        ("head:emission", False),
        ("prep_gov:by_attempt", False),
        ("poss_of:pollution", False),
        ("comp_of:industry", False),
        ("cop:responsible", False),
        ("A_report", False),  # who speaks is no hero
    ],
)
def test_structural_feature(name, expected):
    assert structural_feature(name) is expected


@pytest.mark.parametrize(
    ("feats", "expected"),
    [
        ({"A_harm": 0.7, "A_val": -0.3}, True),
        ({"P_neg_help": 0.7}, True),
        ({"A_obj_suffer": 0.7}, True),
        ({"prep_harm": 0.7}, True),
        ({"mod_victim": 0.7}, True),
        ({"mod_hero": 0.7}, True),
        ({"A_advocate": 0.7}, True),
        ({"prep_against_oppose": 0.7}, True),
        # an agent's oppose / counter cue split by what it acts on is still a role cue
        ({"A_oppose_good": 0.7}, True),
        ({"A_neg_counter_bad": 0.7}, True),
        ({"poss_counter_bad": 0.7}, True),
        ({"A_report_bad": 0.7}, False),
        # contesting something of unknown worth casts no role ("denounced the mechanism")
        ({"A_oppose": 0.7, "A_val": -0.3}, False),
        ({"A_oppose": 0.7, "A_harm": 0.7}, True),
        ({"head_group": 0.7, "A_val": -0.2}, False),  # ordinary people are no role by itself
        ({"A_harm": 0.0}, False),
        # polarity, position and reporting verbs alone cast no role
        ({"A_val": 0.5, "mod_val": 0.4, "is_agent": 1.1, "A_report": 0.7}, False),
        ({"share": 0.5, "in_title": 1.0}, False),
    ],
)
def test_has_role_cue(feats, expected):
    assert has_role_cue(feats) is expected


CUE_CASES = [
    # (text, actor surface, feature expected, feature not expected)
    ("Students protested against the pipeline.", "Students", "A_advocate", "A_help"),
    ("The board fired the director last week.", "The board", "A:fire", "A_harm"),
    ("Rangers protect the park from poachers.", "poachers", "prep_from_help", "P_help"),
    ("Rangers protect the park from poachers.", "Rangers", "A_help", "A_harm"),
    ("The lawsuit against Exxon was dismissed.", "Exxon", "prep_against_oppose", "is_agent"),
    ("Farmers lost their crops in the drought.", "Farmers", "head_group", "A_harm"),
    ("Farmers lost their crops in the drought.", "Farmers", "A_suffer", "A_help"),
    ("Volunteers rescued the stranded families.", "families", "mod_victim", "A_help"),
    ("The mayor, a hero of the flood, spoke.", "The mayor", "mod_hero", "mod_victim"),
    # a compound names what the actor deals with; a place preposition links no role
    ("The UN refugee agency appealed for calm.", "The UN refugee agency", "is_agent", "mod_victim"),
    ("The war in Europe drags on.", "Europe", "prep:in", "prep_harm"),
    ("The war on Europe drags on.", "Europe", "prep_on_harm", "prep:in"),
    # the agent of an oppose / counter verb by what it acts on: a bad thing (hero-ish), a
    # good thing (villain-ish), or unknown (countering and contesting a known thing read alike)
    ("The senator opposes the war.", "The senator", "A_oppose_bad", "A_oppose_good"),
    ("The senator opposed the ceasefire.", "The senator", "A_oppose_good", "A_oppose_bad"),
    ("The senator opposed the measures.", "The senator", "A_oppose", "A_oppose_good"),
    ("The senator opposed the measures.", "The senator", "A_oppose", "A_oppose_bad"),
    ("Activists fight against climate change.", "Activists", "A_oppose_bad", "A_oppose_good"),
    ("The police cracked down on corruption.", "The police", "A_oppose_bad", "A_oppose_good"),
    ("Congress cut funding for the program.", "Congress", "A_oppose_good", "A_oppose_bad"),
    ("The company wants to reduce emissions.", "The company", "A_oppose_bad", "A_help"),
    ("The company wants to reduce emissions.", "emissions", "P_counter", "P_help"),
    ("Officials vowed to tackle the smugglers.", "the smugglers", "P_counter", "P_help"),
    ("The EU's fight against pollution goes on.", "The EU", "poss_oppose_bad", "poss_harm"),
    # countering something of unknown worth is a feature of its own, not contesting
    ("The rebels resisted the soldiers.", "The rebels", "A_counter", "A_oppose"),
    # the object's head decides: emissions standards are standards, the rule is a rule
    ("The agency rolled back emissions standards.", "The agency", "A_oppose_good", "A_oppose_bad"),
    ("They rolled back a climate change rule.", "They", "A_oppose_good", "A_oppose_bad"),
    # a relative clause is not what the object is
    (
        "Trump scrapped the plan, which aimed at reducing pollution.",
        "Trump",
        "A_oppose",
        "A_oppose_bad",
    ),
    # a light verb takes its object's role; "led" alone is no help
    ("Russia led the invasion of Ukraine.", "Russia", "A_harm", "A_help"),
    ("The mayor led the rescue of the families.", "The mayor", "A_help", "A_harm"),
    ("The general led the company for years.", "The general", "is_agent", "A_help"),
    ("A coalition led by Saudi Arabia intervened.", "Saudi Arabia", "is_agent", "A_help"),
    # cue nouns only of the verb's own arguments: not a compound, not a reported clause
    ("Marine insurers have raised war-risk premiums.", "Marine insurers", "is_agent", "A_obj_harm"),
    ("Farmers said the floods destroyed their crops.", "Farmers", "A_report", "A_obj_suffer"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "surface", "present", "absent"), CUE_CASES)
def test_role_cue_features(nlp, text, surface, present, absent):
    from stancekit.nlp import parse

    parsed = parse(None, text, nlp)
    feats = actor_features(parsed, layer_for(parsed, {"a": (surface, "GROUP")}))["a"][0]
    assert feats.get(present, 0) > 0, sorted(feats)
    assert feats.get(absent, 0) == 0, sorted(feats)


@pytest.mark.slow
def test_no_role_without_a_role_cue(nlp):
    """An actor who only speaks gets no role (and so no stance fill)."""
    from stancekit.nlp import parse

    text = "The European Commission said on Tuesday that it wants talks, a spokesman said."
    parsed = parse(None, text, nlp)
    out = narrative_roles(parsed, layer_for(parsed, {"c": ("European Commission", "IGO")}))
    assert out["c"].role == "none" and out["c"].probs["none"] == 1.0
    assert role_stance(out["c"]) is None


def test_stored_model_uses_only_structural_features():
    """No actor name or word lemma in the model (the fill must transfer); the actor type
    is allowed (a feature set of the grid), the type of string-matched eval actors not."""
    model = load_role_model()
    assert model.vocab
    for n in model.vocab:
        assert structural_feature(n) or (n.startswith("type:") and n != "type:UNKNOWN"), n


def test_role_score_is_frozen_and_maps_to_stance():
    s = RoleScore("x", "villain", {"hero": 0, "villain": 1, "victim": 0, "none": 0})
    assert s.stance == "against"
    assert RoleScore("x", "none", dict.fromkeys(ROLES, 0.25)).stance is None
    with pytest.raises(AttributeError):
        s.role = "hero"  # type: ignore[misc]


# --------------------------------------------------------------------------- model file
def test_model_files_are_consistent_and_pickle_free():
    with np.load(MODELS / f"{MODEL_NAME}.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    assert all(a.dtype != object for a in arrays.values())
    card = json.loads((MODELS / f"{MODEL_NAME}.json").read_text(encoding="utf-8"))
    assert tuple(str(c) for c in arrays["classes"]) == ROLES
    assert arrays["coef"].shape == (len(ROLES), len(arrays["vocab"]))
    assert arrays["intercept"].shape == (len(ROLES),)
    assert len(set(arrays["vocab"].tolist())) == len(arrays["vocab"])
    assert np.isfinite(arrays["coef"]).all()
    assert card["arrays"]["coef"] == list(arrays["coef"].shape)
    assert 0.0 <= card["threshold"] <= 1.0
    assert "tune half" in card["split"] and card["rebuild"].startswith("python scripts/train_roles")
    assert "MIT" in card["licence"]
    model = load_role_model()
    assert model.threshold == card["threshold"]
    assert model.min_share == card.get("min_share", 0.0)
    assert 0.0 <= model.min_share <= 1.0
    src = (ROOT / "src" / "stancekit" / "roles.py").read_text(encoding="utf-8")
    assert "pickle" not in src.replace("allow_pickle", "") and "joblib" not in src


def test_missing_model_is_a_resource_error(tmp_path):
    from stancekit.config import AnalysisConfig

    cfg = AnalysisConfig(options={"roles.model_dir": str(tmp_path)})
    with pytest.raises(ResourceError, match="narrative_roles"):
        narrative_roles(None, ActorLayer(), cfg)


# --------------------------------------------------------------------------- with the parser
EXXON = "Exxon polluted the river and poisoned the village's children."
FARMS = (
    "Oil companies destroyed the wetlands. Poor farmers lost their crops and suffer from "
    "the floods."
)
SPILL = (
    "The senator blamed the oil companies for the spill that killed the fish and sickened "
    "fishermen."
)
RESCUE = (
    "Volunteers rescued the stranded families and helped them rebuild. The families were "
    "left homeless by the storm."
)
COAL = (
    "The coal industry has spent millions to block climate action and spread "
    "disinformation. Scientists are leading the fight to protect the planet."
)
CASES = [
    (EXXON, {"x": ("Exxon", "ORG"), "c": ("children", "GROUP")}, "x", "villain"),
    (EXXON, {"x": ("Exxon", "ORG"), "c": ("children", "GROUP")}, "c", "victim"),
    (FARMS, {"o": ("Oil companies", "ORG"), "f": ("Poor farmers", "GROUP")}, "o", "villain"),
    (FARMS, {"o": ("Oil companies", "ORG"), "f": ("Poor farmers", "GROUP")}, "f", "victim"),
    (SPILL, {"o": ("the oil companies", "ORG"), "f": ("fishermen", "GROUP")}, "f", "victim"),
    (RESCUE, {"v": ("Volunteers", "GROUP"), "f": ("families", "GROUP")}, "f", "victim"),
    (RESCUE, {"v": ("Volunteers", "GROUP"), "f": ("families", "GROUP")}, "v", "hero"),
    # "spent millions to block climate action": contesting a good thing (A_oppose_good; was
    # a known failure while oppose verbs had no object polarity)
    (COAL, {"c": ("The coal industry", "ORG"), "s": ("Scientists", "GROUP")}, "c", "villain"),
    # "leading the fight to protect": the light verb takes its object's role (was a known
    # failure while "lead" was a help verb of its own)
    (COAL, {"c": ("The coal industry", "ORG"), "s": ("Scientists", "GROUP")}, "s", "hero"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "surfaces", "actor", "expected"), CASES)
def test_obvious_roles(nlp, text, surfaces, actor, expected):
    """The most probable of hero / villain / victim is the obvious one."""
    from stancekit.nlp import parse

    parsed = parse(None, text, nlp)
    out = narrative_roles(parsed, layer_for(parsed, surfaces))
    assert set(out) == set(surfaces)
    for score in out.values():
        assert set(score.probs) == set(ROLES)
        assert abs(sum(score.probs.values()) - 1.0) < 1e-3
    assert best_role(out[actor]) == expected, out[actor].probs


@pytest.mark.slow
def test_role_stance_of_an_obvious_victim(nlp):
    """At the card's threshold a clear victim gets the favor stance, with evidence."""
    from stancekit.nlp import parse

    parsed = parse(None, FARMS, nlp)
    surfaces = {"o": ("Oil companies", "ORG"), "f": ("Poor farmers", "GROUP")}
    score = narrative_roles(parsed, layer_for(parsed, surfaces))["f"]
    assert score.role == "victim" and role_stance(score) == ("favor", pytest.approx(0.7, abs=0.3))
    cues = " ".join(c for _, _, c, _ in score.evidence)
    assert "lost" in cues or "suffer" in cues or "Poor" in cues


@pytest.mark.slow
def test_evidence_offsets_and_determinism(nlp):
    from stancekit.actors import extract_actors
    from stancekit.config import AnalysisConfig
    from stancekit.nlp import parse

    text = FARMS + " " + COAL
    parsed = parse("Floods ruin farms", text, nlp)
    layer = extract_actors(parsed, AnalysisConfig(stages=("actors",)))
    first = narrative_roles(parsed, layer)
    assert first == narrative_roles(parsed, layer)
    assert set(first) == {a.actor_id for a in layer.actors}
    n_evidence = 0
    for aid, score in first.items():
        assert score.actor_id == aid and score.role in ROLES
        for s, e, cue, w in score.evidence:
            n_evidence += 1
            assert 0 <= s < e <= len(parsed.text)
            assert cue.startswith(parsed.text[s:e])
            assert w > 0
    assert n_evidence > 0
    assert narrative_roles(parsed, ActorLayer()) == {}
