"""Tests of stancekit.claims: certainty, kinds, attribution, quotes, questions and the seed gold."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from stancekit.claims import (
    MODEL_NAME,
    _tfidf_row,
    extract_claims,
    find_quotes,
    load_checkworthy,
    parse_features,
    word_ngrams,
)
from stancekit.config import AnalysisConfig
from stancekit.resources import read_json
from stancekit.types import Actor, ActorLayer, Claim, Mention

SHARED = Path(os.environ.get("STANCEKIT_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CONFIG = AnalysisConfig()


# --------------------------------------------------------------------------- helpers
def run(nlp, body: str, title: str | None = None, actors: ActorLayer | None = None):
    from stancekit.nlp import parse

    parsed = parse(title, body, nlp)
    return parsed, extract_claims(parsed, actors or ActorLayer(), CONFIG)


def claim_of(layer, contains: str) -> Claim:
    hits = [c for c in layer.claims if contains in c.text]
    assert hits, f"no sentence contains {contains!r}: {[c.text for c in layer.claims]}"
    return hits[0]


def cases(prefix: str) -> list[dict]:
    path = SHARED / "gold" / "cases.jsonl"
    if not path.is_file():
        return []
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [r for r in rows if r["id"].startswith(prefix)]


# --------------------------------------------------------------------------- featurizer (fast)
@pytest.mark.parametrize(
    "text",
    ["Iran backs the PMF.", "Unemployment fell to 3.9 percent in March!", "A b cd, éé 12 3"],
)
def test_word_ngrams_match_sklearn(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()
    assert word_ngrams(text) == analyzer(text)


def test_tfidf_row_matches_sklearn():
    from stancekit.models import tfidf_transform

    docs = ["the militias fired rockets", "the rockets hit the embassy", "militias and militias"]
    vocab = {t: i for i, t in enumerate(sorted({g for d in docs for g in word_ngrams(d)}))}
    idf = np.linspace(1.0, 2.0, len(vocab))
    ref = tfidf_transform(docs, vocab, idf, ngram_range=(1, 2)).toarray()
    for k, doc in enumerate(docs):
        row = np.zeros(len(vocab))
        for j, v in _tfidf_row(word_ngrams(doc), vocab, idf).items():
            row[j] = v
        np.testing.assert_allclose(row, ref[k], rtol=1e-9, atol=1e-12)


def test_parse_features():
    assert parse_features(["DT", "NN"], ["det", "ROOT"], []) == [
        "T_DT",
        "T_NN",
        "TT_DT_NN",
        "D_det",
        "D_ROOT",
    ]


# --------------------------------------------------------------------------- quotes (fast)
@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said: "We will win." Then he left.', [("We will win.", True)]),
        ("“We will not negotiate,” she said.", [("We will not negotiate,", True)]),
        (
            "“The war is lost. Nobody will admit it,” he wrote.",
            [("The war is lost. Nobody will admit it,", True)],
        ),
        (
            "He said: “The war is lost.\n\n“Nobody will admit it,” he added.",
            [("The war is lost.", False), ("Nobody will admit it,", True)],
        ),
        ("No quotes here.", []),
        ('An empty "" pair.', []),
    ],
)
def test_find_quotes(text, expected):
    got = [(text[q.start : q.end], q.closed) for q in find_quotes(text)]
    assert got == expected


# --------------------------------------------------------------------------- resources (fast)
@pytest.mark.parametrize(
    "name", ["claims_certainty.json", "claims_kinds.json", "claims_attribution.json"]
)
def test_resources_are_documented(name):
    data = read_json(name)
    assert data["about"]


def test_certainty_cues_are_unique_lowercase():
    data = read_json("claims_certainty.json")
    keys = [e["cue"] for side in ("hedges", "certainty") for e in data[side]]
    assert all(k == k.lower().strip() for k in keys)
    assert len(keys) == len(set(keys))


def test_model_card_and_arrays():
    model = load_checkworthy(MODEL_NAME)
    card = model.card
    assert "GPL-3.0" in card["licence"] and "research" in card["licence"]
    assert card["rebuild"].startswith("python scripts/train_claims.py")
    assert "claimbuster" in card["data"] and "checkthat2020" in card["data"]
    assert 1000 < len(model.word_vocab) <= 150_000
    assert len(model.parse_vocab) > 50
    # a check-worthy statistic scores above an exclamation
    stat = model.score(
        "Unemployment fell to 3.9 percent in March.", ["T_NN", "T_VBD", "T_CD", "E_PERCENT"]
    )
    excl = model.score("Thank you very much.", ["T_VBP", "T_PRP", "T_RB", "T_RB"])
    assert 0.0 <= excl < stat <= 1.0


# --------------------------------------------------------------------------- certainty (slow)
CERTAINTY = [
    ("The militias may have been behind the attack on the embassy.", "hedged", "may"),
    ("They may even be able to win the upcoming elections.", "hedged", "may even"),
    ("Reportedly, the general fled to Minsk.", "hedged", "reportedly"),
    ("The minister allegedly took bribes from the company.", "hedged", "allegedly"),
    ("The regime appears to be losing control of the south.", "hedged", "appears to"),
    ("Perhaps the sanctions were a mistake.", "hedged", "perhaps"),
    ("The new evidence suggests a cover-up.", "hedged", "suggests"),
    ("The army will likely withdraw next year.", "hedged", "likely"),
    ("The PMF militias are technically under Iraqi control.", "hedged", "technically"),
    ("The strikes might spread to other ports.", "hedged", "might"),
    (
        "In fact, the militias may even have been responsible for the atrocities.",
        "hedged",
        "may even",
    ),
    ("There is no doubt that the election was stolen.", "certain", "there is no doubt"),
    ("No doubt, they will exacerbate sectarian tensions.", "certain", "no doubt"),
    ("Clearly, the sanctions have failed.", "certain", "clearly"),
    ("The sanctions have certainly failed.", "certain", "certainly"),
    ("But the truth is that the army cannot win.", "certain", "the truth is"),
    (
        "However, the real answer is that the regime will not give in.",
        "certain",
        "the real answer is",
    ),
    (
        "The mullahs have proven time and time again that they lie.",
        "certain",
        "have proven time and time again",
    ),
    ("Undeniably, the reforms have stalled.", "certain", "undeniably"),
    ("Of course, the regime denies everything.", "certain", "of course"),
]

NOT_HEDGED = [
    "In May, the parliament voted on the budget.",
    "The vote was held on 3 May in Baghdad.",
    "He could not attend the summit in Paris.",
    "She spoke clearly to the reporters in Geneva.",
    "The army withdrew from the city in 2017.",
    "Could the government have done more?",
    "Black officers were more likely to use force than white officers.",
    "May I ask the minister a question?",
]


@pytest.mark.slow
@pytest.mark.parametrize("text, certainty, cue", CERTAINTY)
def test_certainty(nlp, text, certainty, cue):
    parsed, layer = run(nlp, text)
    claim = layer.claims[0]
    assert claim.certainty == certainty, claim
    assert cue in claim.cues
    kinds = {"hedged": "hedge", "certain": "certainty"}
    tags = [t for t in layer.tags if t.kind == kinds[certainty] and t.cue == cue]
    assert tags and all(parsed.text[t.start : t.end] == t.text for t in tags)
    assert tags[0].text.lower() == cue


@pytest.mark.slow
@pytest.mark.parametrize("text", NOT_HEDGED)
def test_not_hedged(nlp, text):
    _, layer = run(nlp, text)
    assert layer.claims[0].certainty == "plain", layer.claims[0]
    assert not [t for t in layer.tags if t.kind in ("hedge", "certainty")]


@pytest.mark.slow
@pytest.mark.parametrize("case", cases("cert-"), ids=lambda c: c["id"])
def test_gold_certainty_cases(nlp, case):
    _, layer = run(nlp, case["text"])
    claim = layer.claims[0]
    if "certainty" in case:
        assert claim.certainty == case["certainty"]
    if "kind" in case:
        assert claim.kind == case["kind"]
    if "is_claim" in case:
        assert claim.is_claim == case["is_claim"]
    if "is_question" in case:
        assert claim.is_question == case["is_question"]


# --------------------------------------------------------------------------- kinds (slow)
KINDS = [
    ("Washington should lift the sanctions on Iran.", "normative"),
    ("The militias must be disarmed by the Iraqi government.", "normative"),
    ("It is time for Europe to act on Iran.", "normative"),
    ("The government needs to stop funding the militias.", "normative"),
    ("The militias will win the election in May.", "predictive"),
    ("If the strikes continue, oil prices will soar.", "predictive"),
    ("Russia is going to invade Ukraine.", "predictive"),
    ("The sanctions caused a collapse of the currency.", "causal"),
    ("The war led to a refugee crisis in Europe.", "causal"),
    ("Tehran was responsible for the attack on the tanker.", "causal"),
    ("Prices rose because the central bank printed money.", "causal"),
    ("Unemployment fell to 3.9 percent in March.", "statistical"),
    ("The government spent $200 million on the wall.", "statistical"),
    ("More than 2 million people have fled the fighting.", "statistical"),
    ("Black officers were more likely to use force than white officers.", "statistical"),
    ("Police recorded 58 gun deaths in the city.", "statistical"),
    ("The sanctions policy was a disastrous failure.", "evaluative"),
    ("The mullahs have proven again that they will continue their malign behaviour.", "evaluative"),
    ("The army withdrew from Mosul in 2017.", "factual"),
    ("A 100,000-strong fighting force emerged in Iraq.", "factual"),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, kind", KINDS)
def test_kind(nlp, text, kind):
    _, layer = run(nlp, text)
    claim = layer.claims[0]
    assert claim.kind == kind, claim.method
    assert "kind=" in claim.method


# --------------------------------------------------------------------------- attribution (slow)
ATTRIBUTIONS = [
    (
        "According to the United Nations, more than 2 million people have fled the fighting.",
        "United Nations",
        "according to",
    ),
    (
        '"We will not negotiate with terrorists," the prime minister told reporters.',
        "the prime minister",
        "told",
    ),
    ("The ministry denied reports that troops had crossed the border.", "the ministry", "denied"),
    ("The ambassador warned that the talks would fail.", "the ambassador", "warned"),
    ("Analysts argue that the sanctions have failed.", "Analysts", "argue"),
    ("The plan, the general said, is doomed to fail.", "the general", "said"),
    (
        "Iran's foreign minister said on Monday that the deal was dead.",
        "Iran's foreign minister",
        "said",
    ),
    ("As Hill claims, language appropriation is problematic.", "Hill", "claims"),
    ("The Senate report found that the CIA was unprepared.", "the Senate report", "found"),
    (
        "The Centers for Disease Control reports that there were 58 gun deaths.",
        "Centers for Disease Control",
        "reports",
    ),
]

NOT_ATTRIBUTED = [
    "I think that the sanctions have failed.",
    "We argue that the deal was a mistake.",
    "The militias fired rockets at the embassy.",
    "It is said that the regime is weak.",
]


@pytest.mark.slow
@pytest.mark.parametrize("text, speaker, cue", ATTRIBUTIONS)
def test_attribution(nlp, text, speaker, cue):
    parsed, layer = run(nlp, text)
    claim = layer.claims[0]
    assert claim.attributed_to == speaker, claim
    assert claim.attribution_cue == cue
    assert claim.endorsement == "neutral"
    tags = [t for t in layer.tags if t.kind == "attribution"]
    assert tags and tags[0].actor == speaker and tags[0].cue == cue
    assert parsed.text[tags[0].start : tags[0].end] == tags[0].text


@pytest.mark.slow
@pytest.mark.parametrize("text", NOT_ATTRIBUTED)
def test_not_attributed(nlp, text):
    _, layer = run(nlp, text)
    assert layer.claims[0].attributed_to is None
    assert not [t for t in layer.tags if t.kind == "attribution"]


@pytest.mark.slow
@pytest.mark.parametrize("case", cases("attr-"), ids=lambda c: c["id"])
def test_gold_attribution_cases(nlp, case):
    _parsed, layer = run(nlp, case["text"])
    claim = layer.claims[0]
    assert claim.attributed_to == case["attributed_to"]
    if "kind" in case:
        assert claim.kind == case["kind"]
    if "quote" in case:
        quotes = [
            t.text for t in layer.tags if t.kind == "attribution" and t.method == "rule:quote"
        ]
        assert case["quote"] in quotes


@pytest.mark.slow
def test_speaker_resolved_through_actor_mentions(nlp):
    text = "Ranj Alaaldin, a visiting fellow, wrote that Sistani should work with Sadr."
    start = text.index("Ranj")
    actors = ActorLayer(
        mentions=(Mention(0, "A1", "Ranj Alaaldin", start, start + 13, 0, False, "ner"),),
        actors=(Actor("A1", "Dr Ranj Alaaldin", "PERSON"),),
    )
    _, layer = run(nlp, text, actors=actors)
    assert layer.claims[0].attributed_to == "Dr Ranj Alaaldin"
    assert layer.claims[0].kind == "normative"


@pytest.mark.slow
def test_quote_across_sentences_and_paragraphs(nlp):
    body = (
        "The minister was blunt. “The war is lost. Nobody in Baghdad will admit it,” "
        "the minister said.\n\n"
        "Critics replied: “The army is rebuilding and will retake the north.\n\n"
        "“The militias are weaker than they look,” a senior officer said."
    )
    _, layer = run(nlp, body)
    assert claim_of(layer, "The war is lost").attributed_to == "the minister"
    assert claim_of(layer, "Nobody in Baghdad").attributed_to == "the minister"
    assert claim_of(layer, "Nobody in Baghdad").method.endswith("attribution=quote")
    # an unclosed quote runs to its paragraph end; its speaker comes from before it
    assert claim_of(layer, "The army is rebuilding").attributed_to == "Critics"
    assert claim_of(layer, "weaker than they look").attributed_to == "a senior officer"
    assert claim_of(layer, "The minister was blunt").attributed_to is None


@pytest.mark.slow
def test_short_scare_quote_is_not_attribution(nlp):
    _, layer = run(nlp, "The so-called “moderates” in Tehran tortured prisoners.")
    assert layer.claims[0].attributed_to is None
    assert not [t for t in layer.tags if t.kind == "attribution"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "body, endorsement",
    [
        (
            "The envoy argued that talks would work. However, the real answer is that the regime will not yield.",
            "disputed",
        ),
        ("The envoy argued that talks would work. But this is naive.", "disputed"),
        ("The envoy argued that talks would work. The meeting ended at noon.", "neutral"),
        ("The envoy rightly argued that talks would work.", "endorsed"),
        ("The envoy falsely claimed that talks would work.", "disputed"),
        ("The general admitted that the offensive had failed.", "endorsed"),
    ],
)
def test_endorsement(nlp, body, endorsement):
    _, layer = run(nlp, body)
    assert layer.claims[0].endorsement == endorsement


# --------------------------------------------------------------------------- questions (slow)
QUESTIONS = [
    ("So what can be done?", True),
    ("Is this really what voters wanted?", True),
    ("Why does Tehran fund the militias?", True),
    ("“Who will pay for this?” she asked.", False),
    ("The regime funds the militias.", False),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, question", QUESTIONS)
def test_questions(nlp, text, question):
    _, layer = run(nlp, text)
    claim = layer.claims[0]
    assert claim.is_question == question
    if question:
        assert not claim.is_claim
        assert claim.kind is None


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, is_claim",
    [
        ("What a disgrace!", False),
        ("Thank you.", False),
        ("Unemployment fell to 3.9 percent in March.", True),
        ("The Iranian regime spent $16 billion on proxies in Syria, Iraq and Yemen.", True),
    ],
)
def test_is_claim(nlp, text, is_claim):
    _, layer = run(nlp, text)
    assert layer.claims[0].is_claim == is_claim, layer.claims[0]
    assert 0.0 <= layer.claims[0].claim_score <= 1.0


# --------------------------------------------------------------------------- offsets (slow)
@pytest.mark.slow
def test_offsets_titles_and_blank_sentences(nlp):
    title = "Regime Change Is Only Way to Stop Iran Proxies in Iraq"
    body = "The militias may be weakening.\n\n\n\nClearly, Iran will resist.  \n\nSo what can be done?\n"
    parsed, layer = run(nlp, body, title=title)
    assert layer.claims[0].in_title and layer.claims[0].text == title
    assert [c.in_title for c in layer.claims[1:]] == [False] * (len(layer.claims) - 1)
    for c in layer.claims:
        assert c.text == parsed.text[c.start : c.end] == c.text.strip() != ""
        assert parsed.sentence_id(c.start) == c.sentence_id
    assert len({c.sentence_id for c in layer.claims}) == len(layer.claims)
    for t in layer.tags:
        assert parsed.text[t.start : t.end] == t.text
        assert t.in_title == parsed.in_title(t.start)
    assert ClaimLayerRoundTrip(layer)


def ClaimLayerRoundTrip(layer) -> bool:
    from stancekit.types import ClaimLayer

    return ClaimLayer.from_dict(json.loads(json.dumps(layer.to_dict()))) == layer


@pytest.mark.slow
def test_empty_document(nlp):
    _, layer = run(nlp, "   \n\n  ")
    assert layer.claims == () and layer.tags == ()


# --------------------------------------------------------------------------- seed gold (slow, shared)
@pytest.fixture(scope="module")
def seed_layer(gold, seed_raw, nlp):
    """Claims of the seed article, loaded and cleaned by stancekit.load, with the actors stage."""
    from stancekit.actors import extract_actors
    from stancekit.load import document_from_text
    from stancekit.nlp import parse

    doc = document_from_text(seed_raw)
    assert doc.text.startswith(gold["document"]["body_starts_with"])
    parsed = parse(doc.title, doc.text, nlp)
    return extract_claims(parsed, extract_actors(parsed, CONFIG), CONFIG)


def seed_checks(gold, layer) -> list[tuple[str, bool]]:
    """The 8 seed-gold checks of issue 5."""
    checks = []
    for g in gold["claims"]:
        c = claim_of(layer, g["sentence_contains"])
        if g.get("certainty") in ("hedged", "certain"):
            checks.append((g["sentence_contains"], c.certainty == g["certainty"]))
        elif g.get("certainty") == "plain":
            checks.append((g["sentence_contains"], c.is_claim and c.certainty == "plain"))
        if "attributed_to" in g:
            checks.append((g["sentence_contains"], c.attributed_to == g["attributed_to"]))
    for g in gold["not_claims"]:
        c = claim_of(layer, g["sentence_contains"])
        checks.append((g["sentence_contains"], c.is_question and not c.is_claim))
    return checks


@pytest.mark.slow
@pytest.mark.shared
def test_seed_gold_checks(gold, seed_layer):
    checks = seed_checks(gold, seed_layer)
    assert len(checks) == 8
    assert not [name for name, ok in checks if not ok]


@pytest.mark.slow
@pytest.mark.shared
def test_seed_gold_kinds(gold, seed_layer):
    wrong = [
        (g["sentence_contains"], claim_of(seed_layer, g["sentence_contains"]).kind, g["kind"])
        for g in gold["claims"]
        if claim_of(seed_layer, g["sentence_contains"]).kind != g["kind"]
    ]
    assert not wrong


@pytest.mark.slow
@pytest.mark.shared
def test_seed_gold_endorsement_and_cues(gold, seed_layer):
    # the author disputes Alaaldin's proposal in the next sentence ("However, the real answer is")
    assert claim_of(seed_layer, "wrote on The Atlantic").endorsement == "disputed"
    assert claim_of(seed_layer, "The mullahs have proven").attributed_to is None
    tagged = " | ".join(t.text.lower() for t in seed_layer.tags if t.kind in ("hedge", "certainty"))
    expected = gold["framing_expected"]
    for cue in expected["hedges"] + expected["certainty_markers"]:
        assert cue.lower() in tagged, cue


# --------------------------------------------------------------------------- kind: rules + evidence-type model
WEBIS = ("statistics", "testimony", "anecdote", "assumption")


@pytest.mark.parametrize(
    "kind, rule, probs, expected_kind, expected_method",
    [
        # strong cues: the rule keeps its kind and the model is not asked
        ("normative", "modal:should", (0.0, 0.0, 0.0, 1.0), "normative", "modal:should"),
        ("causal", "verb:cause", (0.0, 0.0, 1.0, 0.0), "causal", "verb:cause"),
        ("predictive", "phrase:going to", (1.0, 0.0, 0.0, 0.0), "predictive", "phrase:going to"),
        # weak rules: the model decides above its per-type threshold
        (
            "factual",
            "default",
            (0.05, 0.05, 0.85, 0.05),
            "factual",
            "model:anecdote=0.85|rule:default",
        ),
        (
            "factual",
            "default",
            (0.02, 0.03, 0.05, 0.90),
            "evaluative",
            "model:assumption=0.90|rule:default",
        ),
        (
            "evaluative",
            "word:failed",
            (0.0, 0.1, 0.8, 0.1),
            "factual",
            "model:anecdote=0.80|rule:word:failed",
        ),
        (
            "statistical",
            "word:million",
            (0.7, 0.1, 0.1, 0.1),
            "statistical",
            "model:statistics=0.70|rule:word:million",
        ),
        # below threshold (assumption needs 0.8, statistics 0.6): the rule stays, both named
        (
            "factual",
            "default",
            (0.1, 0.1, 0.1, 0.7),
            "factual",
            "rule:default|model:assumption=0.70",
        ),
        (
            "statistical",
            "entity:MONEY",
            (0.55, 0.05, 0.4, 0.0),
            "statistical",
            "rule:entity:MONEY|model:statistics=0.55",
        ),
    ],
)
def test_combine_kind(kind, rule, probs, expected_kind, expected_method):
    from stancekit.claims import combine_kind

    assert combine_kind(kind, rule, WEBIS, probs) == (expected_kind, expected_method)


def test_combine_kind_threshold_option_applies_to_every_type():
    from stancekit.claims import combine_kind

    got = combine_kind("factual", "default", WEBIS, (0.1, 0.1, 0.1, 0.7), threshold=0.5)
    assert got == ("evaluative", "model:assumption=0.70|rule:default")


def test_kind_model_card_and_arrays():
    from stancekit.claims import KIND_MODEL_NAME, load_claim_kind

    model = load_claim_kind(KIND_MODEL_NAME)
    assert set(model.classes) == set(WEBIS)
    card = model.card
    assert card["rebuild"] == "python scripts/train_claims.py --model claim_kind"
    cv = card["scores"]["webis_units_cv5_by_editorial"]
    assert cv["rules+model"]["macro"] > cv["rules"]["macro"]
    probs = model.probas(
        [word_ngrams("Unemployment rose to 9 percent."), word_ngrams("He said so."), []],
        [["T_NN", "E_PERCENT"], ["T_PRP", "T_VBD"], []],
    )
    assert probs.shape == (3, len(WEBIS))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    stat = model.classes.index("statistics")
    assert probs[0, stat] == probs[:, stat].max()


# (text, kind with the model, kind of the rules alone)
KINDS_WITH_MODEL = [
    ("The minister resigned on Tuesday, hours after the vote.", "factual", "factual"),
    ("Police arrested three men at the border crossing last night.", "factual", "factual"),
    ("Reportedly, the general fled to Minsk.", "factual", "factual"),
    ("This is a shameful betrayal of everyone who voted for him.", "evaluative", "evaluative"),
    ("Obviously, the real aim of these policies is to silence dissent.", "evaluative", "factual"),
    (
        "Nearly two thirds of voters now oppose the war, according to a Gallup poll.",
        "statistical",
        "statistical",
    ),
    ("Washington should lift the sanctions.", "normative", "normative"),
    ("Sanctions have caused widespread shortages of medicine.", "causal", "causal"),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, kind, rules_kind", KINDS_WITH_MODEL)
def test_kind_rules_and_model(nlp, text, kind, rules_kind):
    from stancekit.nlp import parse

    parsed = parse(None, text, nlp)
    claim = extract_claims(parsed, ActorLayer(), CONFIG).claims[0]
    assert claim.kind == kind, claim.method
    rules_only = AnalysisConfig(options={"claims.kind_model": None})
    alone = extract_claims(parsed, ActorLayer(), rules_only).claims[0]
    assert alone.kind == rules_kind, alone.method
    assert "model:" not in alone.method
    # the model is asked exactly where the rule is weak, and the method then names both
    weak = alone.method.split("kind=", 1)[1].split(":", 1)[0].split(";", 1)[0] in (
        "word",
        "entity",
        "number",
        "default",
    )
    assert ("model:" in claim.method) == weak
    if weak:
        assert "rule:" in claim.method


# --------------------------------------------------------------------------- fast paths equal the plain ones
@pytest.mark.parametrize(
    "texts",
    [
        ["Unemployment fell to 3.9 percent in March.", "Thank you very much."],
        ["the the the militias militias", ""],
        ["zzqx qqvv wwkk", "Iran sent 5,000 troops to Iraq in 2014."],
    ],
)
def test_batched_scores_equal_row_by_row(texts):
    model = load_checkworthy(MODEL_NAME)
    parses = [["T_NN", "T_VBD", "T_CD", "E_PERCENT", "T_NN"], []][: len(texts)]
    parses += [[]] * (len(texts) - len(parses))
    got = model.scores(texts, parses)
    for text, feats, g in zip(texts, parses, got, strict=True):
        z = model.intercept
        for j, v in _tfidf_row(word_ngrams(text), model.word_vocab, model.word_idf).items():
            z += v * model.coef_word[j]
        for j, v in _tfidf_row(feats, model.parse_vocab, model.parse_idf).items():
            z += v * model.coef_parse[j]
        assert g == pytest.approx(1.0 / (1.0 + np.exp(-z)), abs=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Iran backs the PMF. The U.S. Army said it would leave by 2,000 days.",
        "  Leading spaces,\n\n  a blank line and 3.5 million people.\n",
        "",
    ],
)
def test_token_view_matches_spacy(nlp, text):
    from stancekit.claims import _Tokens

    doc = nlp(text)
    tv = _Tokens(doc)
    assert list(tv.lower) == [t.lower_ for t in doc]
    assert list(tv.tag) == [t.tag_ for t in doc] and list(tv.pos) == [t.pos_ for t in doc]
    assert list(tv.dep) == [t.dep_ for t in doc]
    assert list(tv.lemma) == [t.lemma_.lower() for t in doc]
    assert list(tv.head) == [t.head.i for t in doc]
    assert list(tv.idx) == [t.idx for t in doc]
    assert list(tv.end) == [t.idx + len(t) for t in doc]
    assert list(tv.ent_type) == [t.ent_type_ for t in doc]
    assert tv.ent_iob == [t.ent_iob_ for t in doc]
    assert tv.space == [t.is_space for t in doc] and tv.like_num == [t.like_num for t in doc]
    for t in doc:
        assert list(tv.children(t.i)) == [c.i for c in t.children]


@pytest.mark.parametrize(
    "text, char, inside",
    [
        ('He said: "We will win." Then', 9, True),  # the opening mark
        ('He said: "We will win." Then', 15, True),
        ('He said: "We will win." Then', 22, True),  # the closing mark
        ('He said: "We will win." Then', 23, False),
        ('He said: "We will win." Then', 3, False),
        ('"One," he said, "two."', 7, False),
        ('"One," he said, "two."', 18, True),
        ("No quotes at all.", 4, False),
    ],
)
def test_inside_quotes(text, char, inside):
    from stancekit.claims import _inside_quotes

    quotes = find_quotes(text)
    assert _inside_quotes(quotes)(char) is inside
    assert inside == any(q.open_mark <= char < q.close_end for q in quotes)


@pytest.mark.parametrize(
    "spans, start, end, expected",
    [
        ([(0, 5), (10, 20)], 5, 10, False),
        ([(0, 5), (10, 20)], 4, 6, True),
        ([(0, 30), (10, 12)], 20, 25, True),  # a long earlier span still covers
        ([(0, 5), (10, 20)], 19, 40, True),
        ([(0, 5), (10, 20)], 20, 40, False),
        ([], 0, 10, False),
    ],
)
def test_overlaps(spans, start, end, expected):
    import itertools

    from stancekit.claims import _overlaps

    spans = sorted(spans)
    reach = list(itertools.accumulate((e for _, e in spans), max))
    assert _overlaps([s for s, _ in spans], reach, start, end) is expected


@pytest.mark.parametrize(
    "texts",
    [
        ["Unemployment fell to 3.9 percent in March.", "Thank you very much.", ""],
        ["the the the militias militias", "zzqx qqvv"],
    ],
)
def test_shared_lookup_scorers_equal_each_model(texts):
    from stancekit.claims import KIND_MODEL_NAME, _scorers, load_claim_kind

    parses = [["T_NN", "T_VBD", "T_CD", "E_PERCENT", "T_NN", "T_NN"], ["T_DT"], []][: len(texts)]
    words = [word_ngrams(t) for t in texts]
    scores, evidence = _scorers(MODEL_NAME, KIND_MODEL_NAME)(words, parses)
    np.testing.assert_allclose(scores, load_checkworthy(MODEL_NAME).scores(texts, parses))
    np.testing.assert_allclose(evidence, load_claim_kind(KIND_MODEL_NAME).probas(words, parses))
    only_kinds = _scorers(None, KIND_MODEL_NAME)(words, parses)
    assert only_kinds[0] == []
    np.testing.assert_allclose(only_kinds[1], evidence)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("title", "body"),
    [
        (None, "Unemployment fell to 3.9 percent in March, the Labor Department said."),
        (
            "Iran’s proxies: a “dangerous” bet",
            "The Iraqi government, led by Mohammed Shia al-Sudani, must act.\n\n"
            "  Kataib Hezbollah (KH) fired 12 rockets at U.S. bases on Jan. 4 , 2024 !\n\n\n"
            "Why? Because   Tehran wants it -- and Washington knows.",
        ),
        (None, "\n\nThank you.\n \n"),
    ],
)
def test_parse_feature_ids_count_like_the_feature_strings(nlp, title, body):
    """The id-column path counts exactly the features parse_features spells out."""
    from stancekit.claims import KIND_MODEL_NAME, _parse_feature_ids, _scorers, _Tokens
    from stancekit.nlp import parse

    parsed = parse(title, body, nlp)
    tv = _Tokens(parsed.doc)
    bounds = [(s.start, s.end) for s in parsed.sentences]
    rows = [
        parse_features(
            [tv.tag[i] for i in range(a, b) if not tv.space[i]],
            [tv.dep[i] for i in range(a, b) if not tv.space[i]],
            [tv.ent_type[i] for i in range(a, b) if not tv.space[i] and tv.ent_iob[i] == "B"],
        )
        for a, b in bounds
    ]
    vocab = _scorers(MODEL_NAME, KIND_MODEL_NAME).parses
    expected = vocab.count(rows)
    got = vocab.count_ids(*_parse_feature_ids(tv, bounds, vocab))
    assert expected[0].size > 0
    for e, g in zip(expected, got, strict=True):
        np.testing.assert_array_equal(e, g)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Iran backs the PMF. The U.S. Army said it would leave by 2,000 days.\n\nNever again.",
        "ΟΔΥΣΣΕΥΣ sailed home. The sea was calm.",  # pieces lower-case otherwise: own split
        "",
    ],
)
def test_word_counts_equal_the_per_sentence_split(nlp, text):
    from stancekit.claims import _scorers, _word_counts, word_ngrams
    from stancekit.nlp import parse

    parsed = parse(None, text, nlp)
    bounds = [(s.start_char, s.end_char) for s in parsed.sentences]
    bounds += [(3, 11), (0, 1)]  # edges inside words: those pieces are split on their own
    bounds = [(a, b) for a, b in bounds if b <= len(text)]
    vocab = _scorers("checkworthy", "claim_kind").words
    want = vocab.count([word_ngrams(text[a:b]) for a, b in bounds])
    got = _word_counts(parsed, bounds, vocab)
    assert [x.tolist() for x in got] == [x.tolist() for x in want]
