"""Tests of the stance stage: target_stance (the trained model), the author's stance
toward actors (assess_stance) with rules, holders and structure, and model loading."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from stancekit.errors import ResourceError
from stancekit.types import Actor, ActorLayer, ClaimLayer, Mention, Relation, StanceLayer

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT.parent / "shared" / "gold" / "cases.jsonl"


def _stance_cases() -> list[dict]:
    if not CASES.is_file():
        return []
    rows = [json.loads(x) for x in CASES.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [r for r in rows if r["id"].startswith("stance-")]


def _target_rows() -> list:
    out = []
    for case in _stance_cases():
        for t in case["targets"]:
            if "holder" in t:
                continue  # holder cases are checked at the author level below
            marks = []
            # victims: NewsMTSC-style sentiment calls them negative; the stage's victim rule
            # (assess_stance) handles them, the sentence model does not
            if case["id"] == "stance-03" and t["label"] == "favor":
                marks.append(
                    pytest.mark.xfail(
                        reason="sentence model reads victims as negative", strict=True
                    )
                )
            if case["id"] == "stance-03" and t["label"] == "against":
                marks.append(
                    pytest.mark.xfail(
                        reason="'under ISIS rule': the perpetrator rule of assess_stance gets it",
                        strict=True,
                    )
                )
            if case["id"] == "stance-04":
                marks.append(
                    pytest.mark.xfail(reason="attributed and rebutted criticism", strict=True)
                )
            out.append(
                pytest.param(
                    case["text"], t["span"], t["label"], id=f"{case['id']}-{t['span']}", marks=marks
                )
            )
    return out


# --------------------------------------------------------------------------- target_stance
@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "span", "label"),
    _target_rows()
    or [
        pytest.param(
            "", "", "", marks=pytest.mark.skip(reason="../shared/gold/cases.jsonl not found")
        )
    ],
)
def test_target_stance_cases(text: str, span: str, label: str) -> None:
    from stancekit.stance import target_stance

    start = text.index(span)
    res = target_stance(text, [(start, start + len(span))])[0]
    assert res.label == label, res
    assert -1.0 <= res.score <= 1.0 and 0.0 <= res.confidence <= 1.0
    assert res.method == "target_stance" and res.evidence


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "span", "label"),
    [
        ("The corrupt minister stole millions from the poor.", "The corrupt minister", "against"),
        ("The brave nurse saved dozens of children from the fire.", "The brave nurse", "favor"),
        ("The committee met on Tuesday in Washington.", "The committee", "neutral"),
        ("The Kremlin is a reliable partner.", "The Kremlin", "favor"),
        ("The Kremlin is not a reliable partner.", "The Kremlin", "against"),
    ],
)
def test_target_stance_lexicon_and_negation(text: str, span: str, label: str) -> None:
    from stancekit.stance import target_stance

    s = text.index(span)
    assert target_stance(text, [(s, s + len(span))])[0].label == label


@pytest.mark.slow
def test_target_stance_several_spans_and_offsets(nlp) -> None:
    from stancekit.stance import target_stance

    text = "Civilians in Mosul suffered horribly under ISIS rule."
    spans = [(0, 18), (43, 47)]
    res = target_stance(text, spans, nlp=nlp)
    assert [(r.start, r.end) for r in res] == spans
    # a parsed Span works too and gives the same answer
    again = target_stance(nlp(text)[:], spans)
    assert [r.score for r in again] == [r.score for r in res]
    with pytest.raises(ValueError):
        target_stance(text, [(100, 120)], nlp=nlp)
    with pytest.raises(TypeError):
        target_stance(42, [(0, 1)])  # type: ignore[arg-type]


@pytest.mark.slow
def test_target_stance_batch_equals_one_by_one(nlp) -> None:
    from stancekit.stance import target_stance, target_stance_batch

    items = [
        ("Civilians in Mosul suffered horribly under ISIS rule.", [(0, 18), (43, 47)]),
        ("The Kremlin is not a reliable partner, and never was.", [(0, 11)]),
        (nlp("Qatar brokered a ceasefire that saved lives.")[:], [(0, 5)]),
    ]
    batch = target_stance_batch(items, nlp=nlp)
    assert [len(b) for b in batch] == [2, 1, 1]
    for (x, spans), got in zip(items, batch):
        assert got == target_stance(x, spans, nlp=nlp)
    assert target_stance_batch([], nlp=nlp) == []


# --------------------------------------------------------------------------- model files
def test_model_loads_without_pickle() -> None:
    from stancekit.models import models_dir
    from stancekit.stance import load_target_model

    with np.load(models_dir() / "target_stance.npz", allow_pickle=False) as data:
        assert {"coef", "intercept", "classes", "vocab", "idf", "features"} <= set(data.files)
    m = load_target_model()
    assert set(m.classes) == {"against", "neutral", "favor"}
    card = m.card
    assert card["rebuild"].startswith("python scripts/train_stance.py")
    assert card["scores"]["dev_mt_f1_macro"] > 0.6 and card["licence"]


def test_corrupt_model_raises_resource_error(tmp_path: Path) -> None:
    from stancekit.models import load_model_files, models_dir
    from stancekit.stance import TargetStanceModel

    (tmp_path / "target_stance.npz").write_bytes(b"not a zip file")
    shutil.copy(models_dir() / "target_stance.json", tmp_path / "target_stance.json")
    load_model_files.cache_clear()
    with pytest.raises(ResourceError, match="train_stance"):
        load_model_files("target_stance", str(tmp_path))
    # arrays that do not fit together are refused too
    with pytest.raises(ResourceError, match="rebuild"):
        TargetStanceModel.from_arrays(
            {
                "coef": np.zeros((3, 5)),
                "intercept": np.zeros(3),
                "classes": np.array(["against", "neutral", "favor"]),
                "vocab": np.array(["a"]),
                "idf": np.ones(1),
                "features": np.array(["x"]),
            },
            {},
        )


# --------------------------------------------------------------------------- assess_stance
def _layer(parsed, spans: dict[str, list[str]], relations=()) -> ActorLayer:
    """An ActorLayer with one actor per name and a mention for each listed surface form."""
    mentions, actors = [], []
    text = parsed.text
    for aid, forms in spans.items():
        n = 0
        for form in forms:
            start = 0
            while (i := text.find(form, start)) >= 0:
                mentions.append(
                    Mention(
                        len(mentions),
                        aid,
                        form,
                        i,
                        i + len(form),
                        parsed.sentence_id(i),
                        method="kb",
                    )
                )
                start = i + len(form)
                n += 1
        actors.append(Actor(aid, aid, "ORG", n_mentions=n))
    return ActorLayer(mentions=tuple(mentions), actors=tuple(actors), relations=tuple(relations))


def _assess(
    text: str, spans: dict[str, list[str]], relations=(), claims=None, config=None
) -> StanceLayer:
    from stancekit.nlp import get_nlp, parse
    from stancekit.stance import assess_stance

    parsed = parse(None, text, get_nlp())
    return assess_stance(parsed, _layer(parsed, spans, relations), claims or ClaimLayer(), config)


def _stance(layer: StanceLayer, aid: str) -> str:
    return next(a.stance for a in layer.actors if a.actor_id == aid)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "spans", "actor", "label", "method"),
    [
        (
            "The mullahs continue their malign behaviour across the region.",
            {"Iran": ["The mullahs"]},
            "Iran",
            "against",
            "rule:label",
        ),
        (
            "Those groups have done real damage to the security of Iraq.",
            {"militias": ["Those groups"], "Iraq": ["Iraq"]},
            "militias",
            "against",
            "rule:action",
        ),
        (  # who suffers at an opposed actor's hands is cast as a victim: favor
            "Those groups have done real damage to the security of Iraq.",
            {"militias": ["Those groups"], "Iraq": ["Iraq"]},
            "Iraq",
            "favor",
            "rule:victim",
        ),
        (
            "They violently resisted every attempt at reform.",
            {"militias": ["They"]},
            "militias",
            "against",
            "rule:action",
        ),
        (
            "Civilians in Mosul suffered horribly under ISIS rule.",
            {"civilians": ["Civilians in Mosul"], "ISIS": ["ISIS"]},
            "ISIS",
            "against",
            "rule:perpetrator",
        ),
        (
            "Civilians in Mosul suffered horribly under ISIS rule.",
            {"civilians": ["Civilians in Mosul"], "ISIS": ["ISIS"]},
            "civilians",
            "favor",
            "rule:victim",
        ),
        (
            "Iraqis rose to defend their country against ISIS.",
            {"ISIS": ["ISIS"]},
            "ISIS",
            "against",
            "rule:threat",
        ),
        (
            "The committee met on Tuesday in Washington.",
            {"committee": ["The committee"]},
            "committee",
            "neutral",
            "target_stance",
        ),
    ],
)
def test_assess_stance_rules(text, spans, actor, label, method) -> None:
    layer = _assess(text, spans)
    assert _stance(layer, actor) == label
    rows = [e for e in layer.evidence if e.actor_id == actor]
    assert any(e.method == method for e in rows), rows
    for e in layer.evidence:
        assert (
            -1.0 <= e.score <= 1.0 and e.weight >= 0 and e.label in ("against", "neutral", "favor")
        )
        assert 0 <= e.start <= e.end <= len(text)
    for a in layer.actors:
        assert -1.0 <= a.stance_score <= 1.0 and 0.0 <= a.confidence <= 1.0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "holder_actor", "target", "target_form", "speaker_form"),
    [
        (
            "The opposition leader said the president had betrayed the country.",
            "leader",
            "president",
            "the president",
            "The opposition leader",
        ),
        (
            "Critics call the minister corrupt, but the audit found no wrongdoing.",
            "critics",
            "minister",
            "the minister",
            "Critics",
        ),
    ],
)
def test_holder_is_the_speaker_not_the_author(
    text, holder_actor, target, target_form, speaker_form
) -> None:
    layer = _assess(text, {holder_actor: [speaker_form], target: [target_form]})
    rows = [e for e in layer.evidence if e.actor_id == target]
    assert rows and all(e.holder == holder_actor for e in rows)
    assert any(e.label == "against" for e in rows)
    assert _stance(layer, target) == "neutral"  # the author does not endorse it


@pytest.mark.slow
def test_structural_sponsor_and_enlisted_voice() -> None:
    text = (
        "The regime in Tehran has spent decades exporting terror and murdering dissidents. "
        "Its proxies keep a low profile. "
        "Anti-regime voices like Ahmad Shah deserve a hearing."
    )
    rels = [
        Relation("regime", "sponsor", "proxies", 82, 93, "proxies", "regime", "proxies"),
        Relation("Ahmad Shah", "opposes", "regime", 114, 149, "anti-", "shah", "regime"),
    ]
    layer = _assess(
        text,
        {"regime": ["The regime in Tehran"], "proxies": ["Its proxies"], "shah": ["Ahmad Shah"]},
        rels,
    )
    assert _stance(layer, "regime") == "against"
    methods = {(e.actor_id, e.method) for e in layer.evidence}
    assert ("proxies", "structural:sponsored_by") in methods
    assert ("shah", "structural:opposes") in methods
    shah = next(e for e in layer.evidence if e.method == "structural:opposes")
    assert shah.score > 0


@pytest.mark.slow
def test_hedged_evidence_weighs_less() -> None:
    from stancekit.types import Claim

    text = "The militia murdered the villagers."
    spans = {"militia": ["The militia"]}
    plain = _assess(
        text, spans, claims=ClaimLayer(claims=(Claim(0, 0, len(text), text, certainty="plain"),))
    )
    hedged = _assess(
        text, spans, claims=ClaimLayer(claims=(Claim(0, 0, len(text), text, certainty="hedged"),))
    )
    w_plain = sum(e.weight for e in plain.evidence if e.actor_id == "militia")
    w_hedged = sum(e.weight for e in hedged.evidence if e.actor_id == "militia")
    assert w_hedged < w_plain
    assert next(a for a in hedged.actors).stance_score > next(a for a in plain.actors).stance_score


def test_no_actors_gives_empty_layer() -> None:
    from stancekit.stance import assess_stance

    out = assess_stance(None, ActorLayer(), ClaimLayer(), None)
    assert out.actors == () and out.evidence == ()


# --------------------------------------------------------------------------- seed gold
@pytest.mark.slow
def test_seed_gold_core_actors(gold, seed_raw) -> None:
    import stancekit

    a = stancekit.analyze(
        seed_raw, config=stancekit.AnalysisConfig(stages=("actors", "claims", "stance"))
    )
    table = a.actors.set_index("name")
    ok = [
        g["canonical"]
        for g in gold["actors"]
        if g["canonical"] in table.index and table.loc[g["canonical"], "stance"] in g["accept"]
    ]
    assert len(ok) >= 12, sorted(set(g["canonical"] for g in gold["actors"]) - set(ok))
    iran = table.loc["Iran"]
    assert iran["stance"] == "against" and iran["confidence"] > 0.5
    st = a.stances
    assert set(st["holder"]) >= {"author"}
    assert {"target_stance", "rule:label", "rule:action"} <= set(st["method"])


# --------------------------------------------------------------------------- aggregation
def _ev(aid: str, score: float, weight: float, sid: int, holder: str = "author"):
    from stancekit.stance import _Ev

    return _Ev(aid, score, 0, 1, "cue", "rule:label", weight, holder, sid)


@pytest.mark.parametrize(
    ("thresholds", "expected"),
    [
        # a weighted mean (dilution 1): nine neutral mentions wash out one strong cue
        ({"dilution": 1.0, "prior_weight": 0.5, "sentence_cap": 0.0}, (0.0, 0.15)),
        # polar balance (dilution 0): the neutral mentions do not dilute it
        ({"dilution": 0.0, "prior_weight": 0.5, "sentence_cap": 0.0}, (0.5, 1.0)),
    ],
)
def test_aggregate_dilution(thresholds: dict, expected: tuple[float, float]) -> None:
    from stancekit.stance import _aggregate

    evs = [_ev("a", -0.9, 1.0, 0)] + [_ev("a", 0.0, 1.0, k) for k in range(1, 10)]
    score = -_aggregate(evs, thresholds)["a"][0]
    assert expected[0] <= score <= expected[1]


def test_aggregate_sentence_cap_and_holders() -> None:
    from stancekit.stance import _aggregate

    th = {"dilution": 0.0, "prior_weight": 0.0, "sentence_cap": 1.0}
    # one sentence with three negative cues vs two sentences with one positive cue each
    evs = [_ev("a", -1.0, 1.0, 0) for _ in range(3)] + [_ev("a", 1.0, 1.0, k) for k in (1, 2)]
    evs.append(_ev("a", -1.0, 5.0, 3, holder="critics"))  # a speaker's view is not the author's
    score = _aggregate(evs, th)["a"][0]
    assert score == pytest.approx(1 / 3)
    assert _aggregate([_ev("b", 0.5, 1.0, 0, holder="x")], th) == {}


# --------------------------------------------------------------------------- story roles
# Victims are the patients of harm ("affected by", "harm to X", "X face eviction"): the
# sentence around them is negative, yet the author sides with them (favor). Villains are
# the agents or causes of harm, or the blamed (against). Each row: the sentence, the
# actors' surface forms, the actor checked, the expected stance, the rule that must fire.
STORY_ROLES = [
    (
        "Low-income communities affected by the floods lost their homes.",
        {"communities": ["Low-income communities"], "floods": ["the floods"]},
        "communities",
        "favor",
        "rule:victim",
    ),
    (
        "Vulnerable farmers face ruin as the drought spreads.",
        {"farmers": ["Vulnerable farmers"]},
        "farmers",
        "favor",
        "rule:victim",
    ),
    (
        "Coastal towns face eviction and rising seas.",
        {"towns": ["Coastal towns"]},
        "towns",
        "favor",
        "rule:victim",
    ),
    (
        "The new tax is bad for small businesses.",
        {"businesses": ["small businesses"], "tax": ["The new tax"]},
        "businesses",
        "favor",
        "rule:victim",
    ),
    (
        "Protesters damaged the property of local ranchers.",
        {"ranchers": ["local ranchers"], "protesters": ["Protesters"]},
        "ranchers",
        "favor",
        "rule:victim",
    ),
    (
        "The impacts of climate change on poor countries are severe.",
        {"countries": ["poor countries"], "climate": ["climate change"]},
        "countries",
        "favor",
        "rule:victim",
    ),
    (
        "California's wildfires destroyed thousands of homes.",
        {"California": ["California"]},
        "California",
        "favor",
        "rule:victim",
    ),
    (
        "The impacts of climate change on poor countries are severe.",
        {"countries": ["poor countries"], "climate": ["climate change"]},
        "climate",
        "against",
        "rule:perpetrator",
    ),
    (
        "Scientists blame the oil companies for the crisis.",
        {"oil": ["the oil companies"]},
        "oil",
        "against",
        "rule:perpetrator",
    ),
    (
        "The fossil fuel industry is responsible for most emissions.",
        {"industry": ["The fossil fuel industry"]},
        "industry",
        "against",
        "rule:perpetrator",
    ),
    (
        "Floods caused by climate change destroyed thousands of homes.",
        {"climate": ["climate change"]},
        "climate",
        "against",
        "rule:perpetrator",
    ),
    (
        "China's emissions keep rising.",
        {"China": ["China"]},
        "China",
        "against",
        "rule:perpetrator",
    ),
    (
        "Hezbollah cannot be allowed to keep the presidency empty.",
        {"Hezbollah": ["Hezbollah"]},
        "Hezbollah",
        "against",
        "rule:opposed",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "spans", "actor", "label", "method"),
    STORY_ROLES,
    ids=[f"{r[2]}-{r[3]}-{r[0][:30]}" for r in STORY_ROLES],
)
def test_story_roles_victims_and_villains(text, spans, actor, label, method) -> None:
    layer = _assess(text, spans)
    assert _stance(layer, actor) == label
    rows = [e for e in layer.evidence if e.actor_id == actor and e.method == method]
    assert rows, [(e.method, e.score) for e in layer.evidence if e.actor_id == actor]
    for e in rows:  # the cue is the text's own words
        assert e.cue and e.cue in text and (e.score > 0) == (label == "favor")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "spans", "actor", "method"),
    [
        # negated harm: nobody is cast as a victim
        (
            "The farmers did not face eviction.",
            {"farmers": ["The farmers"]},
            "farmers",
            "rule:victim",
        ),
        # harm done BY the actor makes it no victim
        (
            "Protesters damaged the property of local ranchers.",
            {"ranchers": ["local ranchers"], "protesters": ["Protesters"]},
            "protesters",
            "rule:victim",
        ),
        # a duty is not blame: "responsible for addressing" names no harm
        (
            "Congress, not the courts, is responsible for addressing climate change.",
            {"Congress": ["Congress"]},
            "Congress",
            "rule:perpetrator",
        ),
        # "allowed" without a negation is no call to stop anyone
        (
            "Hezbollah was allowed to keep its seats.",
            {"Hezbollah": ["Hezbollah"]},
            "Hezbollah",
            "rule:opposed",
        ),
        # a defeat is no suffering: losing a contest or one's own fighters
        (
            "Russia is rebuilding the ground forces it lost in Ukraine.",
            {"Russia": ["Russia", "it"]},
            "Russia",
            "rule:victim",
        ),
        (
            "The governor lost the election by a wide margin.",
            {"governor": ["The governor"]},
            "governor",
            "rule:victim",
        ),
        (
            "The rebels lost hundreds of fighters near the border.",
            {"rebels": ["The rebels"]},
            "rebels",
            "rule:victim",
        ),
        # a military strike is no verdict on the actor ("carried out strikes")
        (
            "The United States has carried out strikes on missile sites.",
            {"USA": ["The United States"]},
            "USA",
            "rule:action",
        ),
    ],
)
def test_story_roles_do_not_fire(text, spans, actor, method) -> None:
    layer = _assess(text, spans)
    assert not [e for e in layer.evidence if e.actor_id == actor and e.method == method]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "spans", "actor"),
    [
        (
            "Thousands of families lost their homes in the floods.",
            {"f": ["Thousands of families"]},
            "f",
        ),
        ("The farmers lost everything when the dam broke.", {"f": ["The farmers"]}, "f"),
    ],
)
def test_losing_what_one_needs_still_makes_a_victim(text, spans, actor) -> None:
    layer = _assess(text, spans)
    assert [e for e in layer.evidence if e.actor_id == actor and e.method == "rule:victim"]


@pytest.mark.slow
def test_backing_is_not_praise() -> None:
    # "Iran-backed" says who sponsors the movement, not that the author likes it
    layer = _assess(
        "Hezbollah, the Iran-backed movement, kept its arsenal.", {"Hezbollah": ["Hezbollah"]}
    )
    rules = [e for e in layer.evidence if e.method.startswith("rule:")]
    assert all(e.score <= 0 for e in rules), rules  # (was rule:label +0.5 "Iran-backed")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "forms"),
    [
        # one actor named twice in one phrase: its action is one piece of evidence
        (
            "Beijing's Ministry of Commerce (MOFCOM) promised countermeasures within hours.",
            ["Ministry of Commerce", "MOFCOM"],
        ),
        (
            "The Ministry of Commerce, MOFCOM, attacked the critics.",
            ["Ministry of Commerce", "MOFCOM"],
        ),
    ],
)
def test_one_phrase_is_one_piece_of_evidence(text, forms) -> None:
    layer = _assess(text, {"mofcom": forms})
    rules = [(e.method, e.start, e.end) for e in layer.evidence if e.method.startswith("rule:")]
    assert rules and len(rules) == len(set(rules)), rules
    # the model still reads each mention
    assert sum(e.method == "target_stance" for e in layer.evidence) == len(forms)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "label"),
    [
        # the verb "treat" is no praise (its lexicon valence is the noun's "a treat")
        ("A Communist Party that treats industrial dominance as a strategic goal.", "neutral"),
        # what the actor is said to do still counts
        ("The Communist Party treats its critics brutally.", "against"),
    ],
)
def test_treating_is_not_praise(text, label) -> None:
    layer = _assess(text, {"cp": ["Communist Party"]})
    rules = [e for e in layer.evidence if e.method.startswith("rule:")]
    if label == "neutral":
        assert all(e.score <= 0 for e in rules), rules
    else:
        assert any(e.score < 0 for e in rules), rules


@pytest.mark.slow
def test_model_cue_is_text_words() -> None:
    text = "They violently resisted every attempt at reform."
    layer = _assess(text, {"militias": ["They"]})
    rows = [e for e in layer.evidence if e.method == "target_stance" and e.label != "neutral"]
    assert rows
    for e in rows:
        words = e.cue.replace(" ... ", " ").split()
        assert words and all(w in text for w in words), e.cue
        assert not any(c in e.cue for c in "=:'"), e.cue  # no feature names


@pytest.mark.slow
def test_batched_vectors_equal_item_vectors(nlp) -> None:
    """The batch vectoriser (numpy over all items) gives every item the same column
    indices and values, in the same order, as the one-item vectoriser, and so the same
    predictions (repeated n-grams, unknown and zero features, an item without entries)."""
    from stancekit.stance import _target_features, get_lexicon, load_target_model

    model = load_target_model()
    texts = [
        "The regime in Tehran has spent decades exporting terror and terror and terror.",
        "Ukraine's soldiers have defended their homeland with extraordinary courage.",
        "Critics call the minister corrupt, but the audit found no wrongdoing at all.",
    ]
    items = []
    for text in texts:
        doc = nlp(text)
        sent = doc[:]
        for a in range(0, len(doc) - 1, 3):
            items.append(_target_features(sent, a, a + 1, get_lexicon(), model.learned, None, True))
    items.append(("", {"no such feature": 1.0, "sent_len": 0.0}))
    rows = [model.vector_lists(it) for it in items]
    idx, val, lens = model.vector_arrays([(model.text_columns(t), f) for t, f in items])
    assert lens.tolist() == [len(i) for i, _ in rows]
    assert lens[-1] == 0
    assert idx.tolist() == [j for i, _ in rows for j in i]
    assert val.tolist() == [v for _, vs in rows for v in vs]
    one = model.predict_rows(rows)
    many = model.predict_items([(model.text_columns(t), f) for t, f in items])
    for x, y in zip(one, many, strict=True):
        assert x[0].tolist() == y[0].tolist() and x[1:] == y[1:]
    # without the empty item the batch path runs: each row's class and its strongest
    # positive contributions (up to 8, strongest first) as computed row by row
    batch = model.predict_items([(model.text_columns(t), f) for t, f in items[:-1]])
    for (i, v), (p, k, evidence, pairs) in zip(rows[:-1], batch, strict=True):
        ia, va = np.asarray(i), np.asarray(v)
        assert np.allclose(p, model.proba(ia, va), atol=1e-12)
        assert k == int(model.proba(ia, va).argmax())
        c = np.where(model.readable[ia], va * model.coef_centered[k, ia], 0.0)
        expected = sorted(
            ((model.names[j], float(x)) for j, x in zip(i, c) if x > 0), key=lambda t: -t[1]
        )
        assert pairs == expected[:8]
        assert evidence == [f"{nm} ({x:+.2f})" for nm, x in expected[:3]]


def test_model_features_match_the_featurizer() -> None:
    """The stored model's context-vector columns are exactly those the featurizer emits
    for the blocks and width its card names, in order, after the other named features."""
    from stancekit.stance import CONTEXT_BLOCKS, CONTEXT_PREFIX, _context_names, load_target_model

    m = load_target_model()
    ctx = m.card["hyperparameters"]["context_vectors"]
    assert ctx["blocks"] == list(CONTEXT_BLOCKS)
    names = sorted(m.features, key=m.features.__getitem__)
    stored = [t for t in names if t.startswith(CONTEXT_PREFIX)]
    assert stored == list(_context_names(ctx["width"]))
    assert names[len(names) - len(stored) :] == stored
    assert ctx["width"] == 96  # en_core_web_sm's tok2vec width
    assert m.readable.tolist() == [not t.startswith(CONTEXT_PREFIX) for t in m.names]


def test_context_features_that_do_not_fit_are_refused() -> None:
    """A model whose context-vector columns are not the featurizer's blocks (a partial or
    renamed set) is refused at load time with the rebuild command."""
    from stancekit.models import load_model_files
    from stancekit.stance import CONTEXT_PREFIX, TargetStanceModel

    files = load_model_files("target_stance")
    arrays = dict(files.arrays)
    feats = [str(t) for t in arrays["features"]]
    k = next(i for i, t in enumerate(feats) if t.startswith(CONTEXT_PREFIX))
    arrays["features"] = np.array([*feats[:k], "cv_nope_0", *feats[k + 1 :]])
    with pytest.raises(ResourceError, match="train_stance"):
        TargetStanceModel.from_arrays(arrays, files.card)


def _with_static_vectors(words: list[str], seed: int = 0):
    """The shipped target model plus a static word-vector table for ``words`` (random
    per-word class weights, as ``train_stance.py --sv-scale`` would store them)."""
    from stancekit.models import load_model_files
    from stancekit.stance import STATIC_BLOCKS, TargetStanceModel

    files = load_model_files("target_stance")
    arrays = dict(files.arrays)
    rng = np.random.default_rng(seed)
    arrays["sv_words"] = np.array(words, dtype=str)
    arrays["sv_weights"] = rng.normal(0, 2, (len(words), len(STATIC_BLOCKS), 3)).astype("f4")
    return arrays, files.card, TargetStanceModel.from_arrays(arrays, files.card)


def test_card_history_names_the_shipped_variant() -> None:
    """The card's history of variants tried ends its kept entries with the shipped one:
    same train-CV and dev scores as the card; variants not kept say why."""
    from stancekit.stance import load_target_model

    m = load_target_model()
    card = m.card
    kept = [h for h in card["history"] if h.get("kept")]
    assert kept
    for key in ("train_cv_f1_macro", "dev_mt_f1_macro", "dev_rw_f1_macro"):
        assert kept[-1][key] == card["scores"][key]
    assert all(h.get("note") for h in card["history"] if h.get("kept") is False)
    # no static word vectors in the shipped model, and its card says so
    assert card["hyperparameters"]["static_vectors"] is None
    assert m.sv_weights.size == 0 and not m.sv_index


def test_static_vectors_that_do_not_fit_are_refused() -> None:
    """A static word-vector table must be words x blocks x classes; another shape is
    refused at load time with the rebuild command. The shipped model has none (the
    variant was tried and not kept: see the card's history)."""
    from stancekit.stance import STATIC_BLOCKS, TargetStanceModel, load_target_model

    assert load_target_model().sv_weights.size == 0
    arrays, card, m = _with_static_vectors(["terror", "courage"])
    assert m.sv_index == {"terror": 0, "courage": 1}
    assert m.sv_weights.shape == (2, len(STATIC_BLOCKS), 3)
    arrays["sv_weights"] = arrays["sv_weights"][:, :-1]
    with pytest.raises(ResourceError, match="train_stance"):
        TargetStanceModel.from_arrays(arrays, card)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        (
            "The corrupt minister stole millions from the poor.",
            "minister",
            {
                "tgt": ["minister"],
                "pred": ["stole"],
                "head": ["stole"],
                "winL": ["corrupt"],
                "winR": ["stole", "millions", "poor"],
                "mod": ["corrupt"],
                "sent": ["corrupt", "stole", "millions", "poor"],
            },
        ),
        (  # a modifier's subtree ("in Tehran"); the window skips stop words ("has")
            "The regime in Tehran has sadly exported terror.",
            "regime",
            {
                "tgt": ["regime"],
                "pred": ["exported"],
                "head": ["exported"],
                "winL": [],
                "winR": ["tehran", "sadly", "exported"],
                "mod": ["tehran"],
                "sent": ["tehran", "sadly", "exported", "terror"],
            },
        ),
        (  # the target's own words are its block, never the others'
            "Ukraine's brave soldiers defended their homeland.",
            "Ukraine's brave soldiers",
            {
                "tgt": ["ukraine", "brave", "soldiers"],
                "pred": ["defended"],
                "head": ["defended"],
                "winL": [],
                "winR": ["defended", "homeland"],
                "mod": [],
                "sent": ["defended", "homeland"],
            },
        ),
    ],
)
def test_static_word_blocks(nlp, text: str, target: str, expected: dict) -> None:
    """The words whose static vectors make each block of a target (a toy table holding
    every word but stop words and punctuation)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from stancekit.stance import STATIC_BLOCKS, static_words

    doc = nlp(text)
    words = sorted({t.lower_ for t in doc if t.is_alpha and t.lower_ not in STOP_WORDS})
    index = {w: i for i, w in enumerate(words)}
    start = text.index(target)
    span = doc.char_span(start, start + len(target), alignment_mode="expand")
    blocks = static_words(doc[:], span.start, span.end, index)
    got = {name: [words[r] for r in rows] for name, rows in zip(STATIC_BLOCKS, blocks)}
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in expected.items()}


@pytest.mark.slow
@pytest.mark.parametrize("shipped", [True, False])
def test_dense_path_equals_the_feature_dict(nlp, shipped: bool) -> None:
    """target_stance adds the context vectors' logits with one matrix product; the scores
    and labels equal those of the same vectors as named features (the training view), plus
    the static word vectors' block means (the training script's :func:`static_words`):
    for the shipped model and for one with a static table."""
    from stancekit.stance import (
        _predict_tokens,
        _target_features,
        get_lexicon,
        load_target_model,
        static_words,
    )

    text = "Hezbollah fired rockets at Israel and killed two farmers, the army said."
    doc = nlp(text)
    words = ["hezbollah", "fired", "rockets", "israel", "killed", "farmers", "army"]
    m = load_target_model() if shipped else _with_static_vectors(words)[2]
    targets = [t for t in doc if not t.is_punct]
    got = _predict_tokens(doc[:], [(t.i, t.i + 1) for t in targets], m)
    assert shipped or len({r.label for r in got}) > 1
    for t, res in zip(targets, got, strict=True):
        masked, f = _target_features(doc[:], t.i, t.i + 1, get_lexicon(), m.learned, None, True)
        # the static word vectors' logits: per block, the mean of its words' weights
        blocks = static_words(doc[:], t.i, t.i + 1, m.sv_index)
        extra = sum((m.sv_weights[ws, j].mean(axis=0) for j, ws in enumerate(blocks) if ws), 0.0)
        p = m.proba(*m.vectorize((masked, f)), extra)
        assert res.label == m.classes[int(p.argmax())]
        assert res.score == round(float(p[2] - p[0]), 4)


@pytest.mark.slow
def test_featurizer_emits_what_the_model_knows(nlp) -> None:
    """Every context-vector feature of a parsed target is a model column, and so are the
    structural ones (role, dependency, sentence lexicon scores)."""
    from stancekit.stance import CONTEXT_PREFIX, get_lexicon, load_target_model, target_features

    m = load_target_model()
    doc = nlp("The corrupt minister stole millions from the poor.")
    _, f = target_features(doc[:], 1, 3, get_lexicon(), m.learned)
    ctx = [k for k in f if k.startswith(CONTEXT_PREFIX)]
    assert len(ctx) == m.card["hyperparameters"]["context_vectors"]["width"] * 7
    assert all(k in m.features for k in ctx)
    assert {"role=agent", "sent_pos", "sent_neg", "sent_len"} <= set(m.features)
    assert {"role=agent", "sent_neg"} <= set(f)


@pytest.mark.slow
def test_context_vectors_are_the_parse_tensor(nlp) -> None:
    """The training script re-creates doc.tensor of cached parses with tok2vec alone: that
    must equal the full parse's tensor. A Doc without a tensor still gets a prediction
    (without context-vector features), and the evidence never names a vector dimension."""
    from spacy.tokens import Doc

    from stancekit.stance import CONTEXT_PREFIX, get_lexicon, target_features, target_stance

    text = "Civilians in Mosul suffered horribly under ISIS rule."
    doc = nlp(text)
    bare = Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    bare = nlp.get_pipe("tok2vec")(bare)
    assert doc.tensor.shape == (len(doc), 96)
    assert np.array_equal(bare.tensor, doc.tensor)
    with_t = target_stance(doc[:], [(43, 47)])[0]
    assert not any(e.startswith(CONTEXT_PREFIX) for e in with_t.evidence)
    doc.tensor = np.zeros((0,), dtype="float32")
    _, f = target_features(doc[:], 6, 7, get_lexicon())
    assert f and not any(k.startswith(CONTEXT_PREFIX) for k in f)
    without = target_stance(doc[:], [(43, 47)])[0]
    assert without.label in ("against", "neutral", "favor")
    assert without.score != with_t.score


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Iran's militias attacked Erbil. The United States said little, and Baghdad less.",
        "ΣΟΦΊΑ and İstanbul officials met NATO's chief. Nobody was surprised at the summit.",
        "The group's co-founder (al-Sadr) warned them:\n\n“Leave now.” They didn't.",
        "Prices rose 5%.The minister blamed Russia.Nobody believed him",
        # a last sentence without a word of two letters (the vectoriser's words): was an
        # IndexError in a 10,000-document run
        "The group had a common plan to attack government institutions. U.S.",
        "U.S. A. B.",
    ],
)
def test_masked_ngrams_equal_the_masked_text(nlp, text: str) -> None:
    """The masked sentence's n-gram columns read off the document's word table equal those
    of the masked text itself, for every token of every sentence as the target."""
    from stancekit.stance import (
        _DocView,
        _masked_grams,
        _sentence_grams,
        _target_features,
        get_lexicon,
        load_target_model,
    )

    model = load_target_model()
    doc = nlp(text)
    view = _DocView(doc, get_lexicon(), text)
    checked = 0
    for sent in doc.sents:
        grams = _sentence_grams(view, sent.start, sent.end, model)
        for a in range(sent.start, sent.end):
            masked, _ = _target_features(sent, a, a + 1, get_lexicon(), model.learned, view, True)
            found = None if grams is None else _masked_grams(grams, view.idx[a], view.end[a], model)
            if found is not None:
                assert found == model.text_columns(masked), (sent.text, doc[a].text)
                checked += 1
    assert checked > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "spans", "actor", "label"),
    [
        (  # "never abandoned" an aim of harming: still aims to harm (was +0.13 for Putin)
            "Vladimir Putin has never abandoned his aim of subjugating Ukraine.",
            {"Putin": ["Vladimir Putin"], "Ukraine": ["Ukraine"]},
            "Putin",
            "against",
        ),
        (
            "The junta did not give up its plan to crush the protesters.",
            {"junta": ["The junta"]},
            "junta",
            "against",
        ),
        (
            "Tehran has never renounced its ambition to destroy Israel.",
            {"Iran": ["Tehran"], "Israel": ["Israel"]},
            "Iran",
            "against",
        ),
    ],
)
def test_negated_giving_up_keeps_the_aim(text, spans, actor, label) -> None:
    layer = _assess(text, spans)
    assert _stance(layer, actor) == label
    rows = [e for e in layer.evidence if e.actor_id == actor and e.method == "rule:action"]
    assert rows and all(e.score < 0 for e in rows), rows


@pytest.mark.slow
def test_never_abandoning_someone_is_not_an_aim() -> None:
    """Without an aim (a verb or a harm noun) the negated verb is read as usual."""
    layer = _assess("The governor never abandoned the farmers.", {"governor": ["The governor"]})
    rows = [e for e in layer.evidence if e.actor_id == "governor" and e.method == "rule:action"]
    assert all(e.score > 0 for e in rows)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "spans", "actor"),
    [
        (  # the pro-Ukraine op-ed: "fired" read as against the Ukrainian forces (was -0.50)
            "Russia's brutal invasion has devastated Ukraine. Ukrainian troops fired at the "
            "Russians near Bakhmut.",
            {"Russia": ["Russia", "the Russians"], "troops": ["Ukrainian troops"]},
            "troops",
        ),
        (
            "ISIS butchered thousands of civilians in Mosul. Kurdish fighters attacked ISIS "
            "positions and killed dozens of ISIS militants.",
            {"ISIS": ["ISIS"], "Kurds": ["Kurdish fighters"]},
            "Kurds",
        ),
    ],
)
def test_fighting_an_opposed_actor_is_not_against(text, spans, actor) -> None:
    layer = _assess(text, spans)
    assert _stance(layer, "Russia" if "Russia" in spans else "ISIS") == "against"
    assert _stance(layer, actor) != "against"
    rows = [e for e in layer.evidence if e.actor_id == actor]
    assert all(e.weight == 0 for e in rows if e.score < 0 and e.method != "rule:label"), rows


@pytest.mark.slow
def test_fighting_a_favoured_actor_is_not_excused() -> None:
    text = (
        "Israel's doctors saved hundreds of lives this week. Hezbollah fired rockets at Israel "
        "and killed two farmers."
    )
    layer = _assess(text, {"Israel": ["Israel"], "Hezbollah": ["Hezbollah"]})
    assert _stance(layer, "Israel") != "against"
    rows = [e for e in layer.evidence if e.actor_id == "Hezbollah" and e.score < 0]
    assert rows and any(e.weight > 0 for e in rows)
    assert _stance(layer, "Hezbollah") == "against"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "spans", "actor", "label"),
    [
        (  # acting against a bad thing is not against the actor (heroes block, sue, protest)
            "A federal judge blocked the disastrous rollback of the clean water rule.",
            {"judge": ["A federal judge"]},
            "judge",
            "favor",
        ),
        (
            "Activists protested against the brutal crackdown on the opposition.",
            {"activists": ["Activists"]},
            "activists",
            "favor",
        ),
        (  # ... and acting against a good thing is still against
            "The senator blocked the vital aid for flood victims.",
            {"senator": ["The senator"]},
            "senator",
            "against",
        ),
    ],
)
def test_acting_against_something_takes_its_polarity_flipped(text, spans, actor, label) -> None:
    layer = _assess(text, spans)
    assert _stance(layer, actor) == label
    rows = [e for e in layer.evidence if e.actor_id == actor and e.method == "rule:action"]
    assert rows and all((e.score > 0) == (label == "favor") for e in rows), rows


@pytest.mark.slow
def test_calls_to_stop_are_not_read_as_stopping() -> None:
    """ "It is time for Berlin to stop hiding" says Berlin hides: a plain verb form of a
    contest verb is read as before (the sample's Germany came out favor otherwise)."""
    layer = _assess("It is time for Berlin to stop hiding behind excuses.", {"Germany": ["Berlin"]})
    rows = [e for e in layer.evidence if e.actor_id == "Germany" and e.method == "rule:action"]
    assert all(e.score <= 0 for e in rows), rows


@pytest.mark.slow
def test_narrative_role_fill_is_opt_in_and_only_fills_neutral_labels() -> None:
    """``stance.narrative_roles``: off by default; on, a neutral actor whose role model
    is sure takes its role's stance with a ``model:narrative_roles`` evidence row (offsets
    on the text, the role in the cue); an actor the rules already judged keeps its label."""
    import stancekit

    text = (
        "Exxon polluted the river and poisoned the children of Millbrook. "
        "Exxon imports threaten economic injury to the farmers of Millbrook. "
        "Exxon denied everything."
    )
    off = stancekit.analyze(text)
    on = stancekit.analyze(
        text, config=stancekit.AnalysisConfig(options={"stance.narrative_roles": True})
    )
    assert not (off.stances["method"] == "model:narrative_roles").any()
    rows = on.stances[on.stances["method"] == "model:narrative_roles"]
    assert len(rows) >= 1
    before = off.actors.set_index("actor_id")
    after = on.actors.set_index("actor_id")
    for r in rows.itertuples():
        assert before.loc[r.actor_id, "stance"] == "neutral"  # only neutral labels filled
        assert after.loc[r.actor_id, "stance"] == r.label != "neutral"
        assert r.cue.split()[0] in {"hero", "villain", "victim"}
        assert 0 <= r.start < r.end <= len(text)
    judged = before[before["stance"] != "neutral"].index
    assert (after.loc[judged, "stance"] == before.loc[judged, "stance"]).all()


@pytest.mark.slow
def test_narrative_role_fill_uses_the_threshold_of_the_model_it_loads(tmp_path: Path) -> None:
    """``roles.model_dir``: the fill reads that model's card (threshold, min_share), not
    the packaged one's; a card demanding a role mass above 1 fills nothing."""
    import stancekit
    from stancekit.models import models_dir

    for name in ("narrative_roles.npz", "narrative_roles.json"):
        shutil.copy(models_dir() / name, tmp_path / name)
    card = json.loads((tmp_path / "narrative_roles.json").read_text(encoding="utf-8"))
    card["threshold"] = 1.01
    (tmp_path / "narrative_roles.json").write_text(json.dumps(card), encoding="utf-8")
    text = (
        "Exxon polluted the river and poisoned the children of Millbrook. "
        "Exxon imports threaten economic injury to the farmers of Millbrook. "
        "Exxon denied everything."
    )
    opts = {"stance.narrative_roles": True}
    packaged = stancekit.analyze(text, config=stancekit.AnalysisConfig(options=opts))
    assert (packaged.stances["method"] == "model:narrative_roles").any()
    strict = stancekit.analyze(
        text,
        config=stancekit.AnalysisConfig(options={**opts, "roles.model_dir": str(tmp_path)}),
    )
    assert not (strict.stances["method"] == "model:narrative_roles").any()


@pytest.mark.slow
def test_evidence_spans_run_forward_when_the_agent_preposition_comes_first() -> None:
    """A byline 'By' parsed as the agent of a later harm verb ('By Henrike V... Ukraine is
    not losing ground'): the perpetrator row's span still runs from its first to its last
    word (it was start 83, end 2; found by test_properties)."""
    import stancekit

    text = (
        "By Henrike VBRUSSELS — Two years into Russia's full-scale invasion, Ukraine is not "
        "losing ground because its soldiers lack courage. It is losing ground because its "
        "friends have been rationing the means to fight."
    )
    a = stancekit.analyze(text)
    assert len(a.stances)
    for r in a.stances.itertuples():
        assert 0 <= r.start <= r.end <= len(text), r


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "spans", "actor", "label", "method"),
    [
        # verdicts: "X is right"; negated, flipped
        (
            "Macron is right: Europe must build its own defence.",
            {"fr": ["Macron"]},
            "fr",
            "favor",
            "rule:label",
        ),
        ("Orban was right to veto the package.", {"hu": ["Orban"]}, "hu", "favor", "rule:label"),
        ("Trump is not right about tariffs.", {"us": ["Trump"]}, "us", "against", "rule:label"),
        # accountability and deserved consequences
        (
            "Hamas must be held accountable for the massacre.",
            {"h": ["Hamas"]},
            "h",
            "against",
            "rule:perpetrator",
        ),
        (
            "The Houthis must face consequences.",
            {"y": ["The Houthis"]},
            "y",
            "against",
            "rule:perpetrator",
        ),
        ("Israel must face justice.", {"i": ["Israel"]}, "i", "against", "rule:perpetrator"),
        # ... without the modal it is a plight, not a punishment
        (
            "Farmers in Kenya face consequences of the drought.",
            {"f": ["Farmers in Kenya"]},
            "f",
            "favor",
            "rule:victim",
        ),
        # solidarity: the author's call (modal or first person) ...
        ("We should stand with Taiwan.", {"tw": ["Taiwan"]}, "tw", "favor", "rule:supported"),
        ("The world must stand by Israel.", {"i": ["Israel"]}, "i", "favor", "rule:supported"),
        (
            "Europe must stand up to Putin.",
            {"ru": ["Putin"], "eu": ["Europe"]},
            "ru",
            "against",
            "rule:opposed",
        ),
        # ... not a fact about others
        (
            "Russia stands with Iran.",
            {"ir": ["Iran"], "ru": ["Russia"]},
            "ir",
            "neutral",
            "-rule:supported",
        ),
        # a clause before the verb is not what its subject does
        (
            "Putin must be stopped, NATO should act now.",
            {"ru": ["Putin"], "nato": ["NATO"]},
            "nato",
            "neutral",
            "-rule:action",
        ),
        # someone else's verdict, a conditional, an idiom, a harmless thing guarded against
        (
            "The US government has held Cuba responsible.",
            {"cu": ["Cuba"]},
            "cu",
            "neutral",
            "-rule:perpetrator",
        ),
        (
            "If Ryan is correct, an investigation will show it.",
            {"r": ["Ryan"]},
            "r",
            "neutral",
            "-rule:label",
        ),
        ("Jesus was never politically correct.", {"j": ["Jesus"]}, "j", "neutral", "-rule:label"),
        (
            "The schools guarded against Christian prayer.",
            {"c": ["Christian"]},
            "c",
            "neutral",
            "-rule:threat",
        ),
        # what is resisted names its owner as the threat
        (
            "Washington must stand with Kyiv against Russian aggression.",
            {"ru": ["Russian"], "ua": ["Kyiv"]},
            "ru",
            "against",
            "rule:threat",
        ),
        # the owner of "his own people" is the one who harms them; a thing harming "his
        # home" leaves the owner a victim
        ("The storm destroyed his home.", {"x": ["his"]}, "x", "favor", "rule:victim"),
        # the owner of "his own people" is the one who harms them
        ("Assad gassed his own people.", {"sy": ["Assad", "his"]}, "sy", "against", "rule:action"),
    ],
)
def test_op_ed_idioms(text, spans, actor, label, method) -> None:
    """``method``: the rule that must give evidence, or "-rule:..." one that must not."""
    layer = _assess(text, spans)
    assert _stance(layer, actor) == label
    methods = {e.method for e in layer.evidence if e.actor_id == actor}
    if method.startswith("-"):
        assert method[1:] not in methods, methods
    else:
        assert method in methods, methods
    if actor == "sy":
        assert "rule:victim" not in methods
