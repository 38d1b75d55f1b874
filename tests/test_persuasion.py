"""Tests of stancekit.persuasion: model files, featurizer, the stage's output and behaviour."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from stancekit import persuasion
from stancekit.config import AnalysisConfig
from stancekit.errors import ResourceError
from stancekit.models import load_model_files, models_dir
from stancekit.types import FRAMES, GENRES, TECHNIQUES

REPO = Path(__file__).resolve().parent.parent

LOADED = (
    "These corrupt, treasonous globalist thugs and their lying leftist puppets are destroying "
    "our nation! Only idiots and traitors would defend this disgusting, evil regime of crooks."
)
WEATHER = (
    "Temperatures on Tuesday will range from 12 to 15 degrees Celsius, with light winds from "
    "the west and a chance of showers in the afternoon, the weather service said."
)
REPORT = (
    "The city council voted 7 to 2 on Tuesday to approve a budget of $4.2 million for road "
    "repairs, officials said.\n\n"
    "The plan covers 14 streets in the northern district, according to a statement from the "
    "mayor's office. Work is expected to begin in March and last about six months.\n\n"
    "Council member Ana Ruiz said the repairs had been delayed since 2019. The transport "
    "department will publish a schedule next week, a spokesman said."
)
RANT = (
    "I am sick and tired of these arrogant, clueless elites telling us how to live!\n\n"
    "We deserve so much better than this pathetic circus. Why do we keep electing the same "
    "spineless cowards who sell out our country at every turn? It is a disgrace, and frankly "
    "it makes me furious.\n\n"
    "Wake up, people! Our freedom is on the line, and if we do not fight back now, we will "
    "lose everything we love."
)


@pytest.fixture()
def fresh_caches():
    """Clear the model caches before and after a test that swaps the models directory."""
    persuasion.load_scorer.cache_clear()
    load_model_files.cache_clear()
    yield
    persuasion.load_scorer.cache_clear()
    load_model_files.cache_clear()


# --------------------------------------------------------------------------- model files
@pytest.mark.parametrize("name", persuasion.MODEL_NAMES)
def test_model_files_load_without_pickle(name):
    npz = models_dir() / f"{name}.npz"
    with np.load(npz, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    assert {"coef", "intercept", "classes", "vocab", "idf", "feature_names"} <= set(arrays)
    assert all(a.dtype != object for a in arrays.values())
    assert arrays["coef"].shape == (
        len(arrays["classes"]),
        len(arrays["vocab"]) + len(arrays["feature_names"]),
    )
    assert npz.stat().st_size < 8_000_000


@pytest.mark.parametrize("name", persuasion.MODEL_NAMES)
def test_model_card_names_data_licence_scores_and_rebuild(name):
    card = json.loads((models_dir() / f"{name}.json").read_text(encoding="utf-8"))
    assert card["research_use_only"] is True
    assert "research" in card["licence"].lower()
    assert "SemEval-2023" in json.dumps(card["data"])
    assert card["rebuild"].startswith("python scripts/train_persuasion.py")
    scores = next(iter(card["scores"].values()))
    assert 0.0 < scores["macro_f1"] <= 1.0
    assert "cross-validation" in card["split"]


def test_model_classes_are_in_the_contract_vocabularies():
    assert set(persuasion.load_scorer("techniques").classes) <= set(TECHNIQUES)
    assert persuasion.load_scorer("frames").classes == FRAMES
    assert persuasion.load_scorer("genre").classes == GENRES


def test_models_total_size_is_small():
    total = sum((models_dir() / f"{n}.npz").stat().st_size for n in persuasion.MODEL_NAMES)
    assert total < 20_000_000


def _copy_models(tmp_path: Path) -> Path:
    for name in persuasion.MODEL_NAMES:
        for ext in ("npz", "json"):
            shutil.copy(models_dir() / f"{name}.{ext}", tmp_path / f"{name}.{ext}")
    return tmp_path


@pytest.mark.parametrize("name", ["techniques", "genre"])
@pytest.mark.parametrize("damage", ["missing", "garbage", "pickled", "wrong_features"])
def test_broken_model_raises_resource_error_naming_the_rebuild_command(
    name, damage, tmp_path, monkeypatch, fresh_caches
):
    d = _copy_models(tmp_path)
    npz = d / f"{name}.npz"
    if damage == "missing":
        npz.unlink()
    elif damage == "garbage":
        npz.write_bytes(b"not a zip file at all")
    elif damage == "pickled":
        np.savez(npz, coef=np.array([{"a": 1}], dtype=object))
    else:
        with np.load(npz, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        arrays["feature_names"] = arrays["feature_names"][:-1]
        np.savez(npz, **arrays)
    monkeypatch.setenv("STANCEKIT_MODELS_DIR", str(d))
    with pytest.raises(ResourceError, match=r"scripts/train_persuasion\.py"):
        persuasion.load_scorer(name)


# --------------------------------------------------------------------------- featurizer
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.\n\nTwo.", ["One.", "Two."]),
        ("Title\n\nFirst line.\nSecond line.", ["Title", "First line.", "Second line."]),
        ("a hard-wrapped\nparagraph goes on\nhere.", ["a hard-wrapped\nparagraph goes on\nhere."]),
        ("  padded  \n\n\n  ---  \n\nLast", ["padded", "Last"]),
        ("", []),
    ],
)
def test_paragraph_spans(text, expected):
    spans = persuasion.paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == expected


@pytest.mark.parametrize("name", persuasion.MODEL_NAMES)
def test_fast_tfidf_equals_scikit_learn(name):
    scorer = persuasion.load_scorer(name)
    files = load_model_files(name)
    vec = persuasion.make_vectorizer(
        files.arrays["vocab"], files.arrays["idf"], files.card["featurizer"]
    )
    texts = [LOADED, WEATHER, "", "The the THE the. Iran's proxies -- again!", REPORT]
    fast = scorer.tfidf.transform(texts).toarray()
    assert np.allclose(fast, vec.transform(texts).toarray())
    assert fast[0].any() and not fast[2].any()


@pytest.mark.parametrize(
    ("text", "technique", "expected"),
    [
        ("They are so-called experts.", "Doubt", 1),
        ("A #hashtag slogan", "Slogans", 1),
        ("the expertise of", "Appeal_to_Authority", 0),  # 'expert' needs a word boundary
        ("Either we act or else we lose", "False_Dilemma-No_Choice", 2),
    ],
)
def test_cue_matcher(text, technique, expected):
    pattern, owners = persuasion._cue_matcher()
    j = TECHNIQUES.index(technique)
    hits = [m.group(0) for m in pattern.finditer(text.lower()) if j in owners[m.group(0)]]
    assert len(hits) == expected


def test_lowercasing_keeps_offsets():
    text = "İstanbul so-called EXPERTS"
    low = persuasion._lower_same_length(text)
    assert len(low) == len(text) and low.endswith("so-called experts")


def test_feature_names_are_unique():
    assert len(set(persuasion.UNIT_FEATURES)) == len(persuasion.UNIT_FEATURES)
    assert len(set(persuasion.DOC_FEATURES)) == len(persuasion.DOC_FEATURES)


# --------------------------------------------------------------------------- the stage (spaCy)
@pytest.fixture(scope="module")
def nlp():
    from stancekit.nlp import get_nlp

    return get_nlp()


def _parse(nlp, body, title=None):
    from stancekit.nlp import parse

    return parse(title, body, nlp)


@pytest.mark.slow
def test_layer_vocabularies_scores_and_offsets(nlp):
    parsed = _parse(nlp, LOADED + "\n\n" + WEATHER + "\n\n" + RANT, title="Traitors everywhere")
    layer = persuasion.detect_persuasion(parsed, AnalysisConfig())
    assert [f.frame for f in layer.frames] == list(FRAMES)
    assert all(0.0 <= f.score <= 1.0 for f in layer.frames)
    assert layer.techniques, "a loaded rant should yield at least one technique"
    for t in layer.techniques:
        assert t.technique in TECHNIQUES
        assert 0.0 <= t.score <= 1.0
        assert 0 <= t.start < t.end <= len(parsed.text)
        assert parsed.text[t.start : t.end] == parsed.text[t.start : t.end].strip()
        assert t.sentence_id == parsed.sentence_id(t.start)
        assert t.in_title == parsed.in_title(t.start)
        assert t.method.startswith("model:techniques")
    feats = dict(layer.features)
    assert feats["genre"] in GENRES
    assert 0.0 <= feats["genre_score"] <= 1.0
    assert sum(feats[f"genre_p_{g}"] for g in GENRES) == pytest.approx(1.0)
    assert feats["n_techniques"] == len(layer.techniques)
    assert layer == persuasion.detect_persuasion(parsed, AnalysisConfig())  # deterministic
    assert type(layer).from_dict(json.loads(json.dumps(layer.to_dict()))) == layer


@pytest.mark.slow
@pytest.mark.parametrize("technique", ["Loaded_Language", "Name_Calling-Labeling"])
def test_loaded_name_calling_paragraph_outscores_a_weather_report(nlp, technique):
    scores = persuasion.score_paragraphs(_parse(nlp, LOADED + "\n\n" + WEATHER))
    j = scores.classes.index(technique)
    assert scores.proba.shape[0] == 2
    assert scores.proba[0, j] > scores.proba[1, j] + 0.2


@pytest.mark.slow
def test_dry_report_is_less_opinion_than_a_rant(nlp):
    _, report = persuasion.score_document(
        _parse(nlp, REPORT, title="Council approves road repairs")
    )
    _, rant = persuasion.score_document(_parse(nlp, RANT, title="Enough is enough"))
    assert report["opinion"] < rant["opinion"]
    assert report["reporting"] > rant["reporting"]


WIRE = (
    "Congo confirms two Ebola cases",
    "KINSHASA, Congo (AP) — Congo's health ministry on Tuesday confirmed two cases of Ebola in "
    "the northwest of the country, officials said.\nThe World Health Organization said it was "
    'sending a team of experts to the region.\n"We are working closely with local '
    'authorities," a WHO spokesman told reporters on Wednesday.\nThe outbreak is the ninth in '
    "the country since 1976, according to the ministry.",
)
COURT = (
    "Judge orders release of detained immigrant",
    "A federal judge on Wednesday ordered the release of an Indonesian immigrant held by "
    "immigration authorities, court documents show.\nThe man, 41, had lived in New Hampshire "
    "since 1999, his lawyer said.\nA spokeswoman for Immigration and Customs Enforcement "
    "declined to comment.",
)
COLUMN = (
    "The left has lost its mind",
    "Let me be blunt: the Democrats' latest scheme is the most dishonest stunt I have ever "
    "seen.\nThey think you are too stupid to notice.\nYou should be outraged, and you should "
    "vote them out.",
)


@pytest.mark.slow
@pytest.mark.parametrize("news", [WIRE, COURT], ids=["wire", "court"])
@pytest.mark.parametrize("opinion", [("Enough is enough", RANT), COLUMN], ids=["rant", "column"])
def test_news_reads_as_more_reporting_than_opinion_writing(nlp, news, opinion):
    _, g_news = persuasion.score_document(_parse(nlp, news[1], title=news[0]))
    _, g_op = persuasion.score_document(_parse(nlp, opinion[1], title=opinion[0]))
    assert g_news["reporting"] > g_op["reporting"] + 0.3
    assert max(g_news, key=g_news.__getitem__) == "reporting"
    assert sum(g_news.values()) == pytest.approx(1.0) == sum(g_op.values())


@pytest.mark.slow
@pytest.mark.parametrize(("threshold", "expect_all"), [(0.0, True), (1.01, False)])
def test_threshold_option_overrides_tuned_thresholds(nlp, threshold, expect_all):
    parsed = _parse(nlp, WEATHER + "\n\n" + REPORT)
    n_par = len(persuasion.paragraph_spans(parsed.text))
    n_cls = len(persuasion.load_scorer("techniques").classes)
    layer = persuasion.detect_persuasion(
        parsed,
        AnalysisConfig(
            options={"persuasion.threshold": threshold, "persuasion.frame_threshold": threshold}
        ),
    )
    assert len(layer.techniques) == (n_par * n_cls if expect_all else 0)
    assert all(f.present == expect_all for f in layer.frames)


@pytest.mark.slow
def test_localize_picks_a_sentence_inside_its_paragraph(nlp):
    body = WEATHER + " " + LOADED
    parsed = _parse(nlp, body)
    ((ps, pe),) = persuasion.paragraph_spans(parsed.text)
    layer = persuasion.detect_persuasion(parsed, AnalysisConfig())
    loaded = [t for t in layer.techniques if t.technique == "Loaded_Language"]
    assert loaded
    for t in loaded:
        assert ps <= t.start < t.end <= pe
        assert t.start >= len(WEATHER)  # the loaded sentence, not the weather sentence
    whole = persuasion.detect_persuasion(
        parsed, AnalysisConfig(options={"persuasion.localize": False})
    )
    assert all((t.start, t.end) == (ps, pe) for t in whole.techniques)


@pytest.mark.slow
@pytest.mark.parametrize("body", ["", "   \n\n  ", "Yes."])
def test_tiny_inputs(nlp, body):
    layer = persuasion.detect_persuasion(_parse(nlp, body), AnalysisConfig())
    assert len(layer.frames) == len(FRAMES)
    assert dict(layer.features)["genre"] is None  # too short to tell
    assert dict(layer.features)["genre_note"].startswith("not assessed")


# --------------------------------------------------------------------------- evaluation on a slice
@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("task", ["techniques", "frames"])
def test_evaluation_runs_on_a_small_slice(task, shared_dir):
    if not (shared_dir / "data" / "semeval2023t3").is_dir():
        pytest.skip(f"SemEval-2023 Task 3 data not found under {shared_dir}/data")
    path = REPO / "scripts" / "evaluate_persuasion.py"
    spec = importlib.util.spec_from_file_location("evaluate_persuasion", path)
    assert spec and spec.loader
    sys.path.insert(0, str(path.parent))
    try:
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        res = mod.evaluate(task, limit=20, n_folds=2)
    finally:
        sys.path.remove(str(path.parent))
    assert res["n_articles"] == 20
    for col in ("baseline", "stancekit"):
        assert 0.0 <= res[col]["micro_f1"] <= 1.0
        assert set(res[col]["per_class"]) == set(res["classes"])
    table = mod.table(res)
    assert "micro-F1" in table and table.count("\n|") >= len(res["classes"]) + 2
    # the tuned model should find something in 20 articles of propaganda-rich news
    assert res["stancekit"]["micro_f1"] > 0.1


# --------------------------------------------------------------------------- shared featurization
def _reference_decision(scorer, text, spans, dense):
    """Decision values from each span's own text (the plain per-unit path)."""
    X = scorer.features([text[s:e] for s, e in spans], dense)
    return np.asarray(X @ scorer.coef_t) + scorer.model.intercept


@pytest.mark.parametrize("name", persuasion.MODEL_NAMES)
@pytest.mark.parametrize(
    ("text", "spans"),
    [
        (REPORT, None),  # paragraphs
        (LOADED + " " + WEATHER, [(0, len(LOADED)), (len(LOADED) + 1, len(LOADED + WEATHER) + 1)]),
        ("Corrupt elites betrayed us again and again.", [(0, 13), (8, 21), (0, 43), (10, 10)]),
        ("İstanbul: the corrupt regime lies. İ said so.", [(0, 34), (35, 46)]),  # lower() grows
        ("", [(0, 0)]),
    ],
)
def test_shared_tokens_score_like_each_unit_text(name, text, spans):
    scorer = persuasion.load_scorer(name)
    spans = spans if spans is not None else persuasion.paragraph_spans(text)
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(len(spans), len(scorer.feature_names)))
    terms = persuasion.DocTerms(text, scorer.tfidf.token_re, scorer.tfidf.lowercase)
    fast = scorer.decision_spans(terms, spans, dense)
    assert fast.shape == (len(spans), len(scorer.classes))
    assert np.allclose(fast, _reference_decision(scorer, text, spans, dense), atol=1e-9)


def test_joint_vocabulary_maps_every_model_term_to_its_column():
    scorers = [persuasion.load_scorer(n) for n in persuasion.MODEL_NAMES]
    joint = persuasion.JointVocab([s.tfidf for s in scorers])
    for s in scorers:
        col = joint.columns[id(s.tfidf)]
        for term in list(s.tfidf.vocab)[:: max(1, len(s.tfidf.vocab) // 500)]:
            assert col[joint.index[term]] == s.tfidf.vocab[term]
        assert col[len(joint.index)] == -1  # a term outside every vocabulary
    text = LOADED + "\n\n" + WEATHER
    spans = persuasion.paragraph_spans(text)
    plain = persuasion.DocTerms(text, scorers[0].tfidf.token_re)
    shared = persuasion.DocTerms(text, scorers[0].tfidf.token_re, joint=joint)
    for s in scorers:
        dense = np.zeros((len(spans), len(s.feature_names)))
        assert np.allclose(
            s.decision_spans(plain, spans, dense), s.decision_spans(shared, spans, dense)
        )


@pytest.mark.parametrize(
    ("a", "b", "idx", "owner"),
    [
        ([0, 5], [3, 7], [0, 1, 2, 5, 6], [0, 0, 0, 1, 1]),
        ([2, 2], [2, 4], [2, 3], [1, 1]),  # an empty range
        ([0, 1], [3, 2], [0, 1, 2, 1], [0, 0, 0, 1]),  # overlapping ranges
        ([], [], [], []),
    ],
)
def test_ranges(a, b, idx, owner):
    got_idx, got_owner = persuasion._ranges(np.array(a, dtype=int), np.array(b, dtype=int))
    assert got_idx.tolist() == idx and got_owner.tolist() == owner


# --------------------------------------------------------------------------- genre calibration
def test_genre_model_is_calibrated_on_cross_validation_folds():
    card = load_model_files("genre").card
    cal = card["scores"]["cv_document"]["calibration"]
    assert card["multilabel"] is False and cal["temperature"] > 0
    assert cal["cv_nll_after"] <= cal["cv_nll_before"]
    assert cal["cv_ece_after"] < 0.1
    scorer = persuasion.load_scorer("genre")
    z = np.random.default_rng(1).normal(scale=5.0, size=(50, len(scorer.classes)))
    p = scorer.link(z)
    assert np.allclose(p.sum(axis=1), 1.0) and (p > 0).all()
    assert (p.argmax(axis=1) == z.argmax(axis=1)).all()


# --------------------------------------------------------------------------- the token table (spaCy)
@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "unit", "column", "expected"),
    [
        # 'taxes' occurs four times in the document: the first paragraph's max repetition
        ("Taxes, taxes, taxes! Nobody likes taxes.\n\nThe weather is mild.", 0, "repeated_max", 4),
        ("Taxes, taxes, taxes! Nobody likes taxes.\n\nThe weather is mild.", 1, "repeated_max", 1),
        # share of the unit's content words that occur elsewhere: 'budget' of budget/vote/failed
        ("The budget vote failed.\n\nThe budget passed later.", 0, "repeated_share", 1 / 3),
        ("Free speech matters. Free speech wins.\n\nNothing else.", 0, "repeated_bigram_max", 2),
        ("Free speech matters. Free speech wins.\n\nNothing else.", 1, "repeated_bigram_max", 0),
        ("Is this fair? Is it?!\n\nNo.", 0, "log:question", 2),
        ("The BIGGEST scam and the most corrupt deal.", 0, "log:superlatives", 2),
    ],
)
def test_unit_features(nlp, text, unit, column, expected):
    parsed = _parse(nlp, text)
    spans = persuasion.paragraph_spans(parsed.text)
    table = persuasion.TokenTable(parsed.doc, None, parsed.text)
    feats = table.unit_features(spans, [False] * len(spans))
    value = feats[unit, persuasion.UNIT_FEATURES.index(column)]
    if column.startswith("log") or column.endswith("_max"):
        value = np.expm1(value)
    assert value == pytest.approx(expected)


@pytest.mark.slow
def test_loaded_terms_of_one_call_do_not_leak_into_the_next(nlp):
    parsed = _parse(nlp, "The zorblat plan is here.")
    col = persuasion.UNIT_FEATURES.index("log:loaded")
    spans = [(0, len(parsed.text))]
    with_terms = persuasion.TokenTable(parsed.doc, {"zorblat": 1.0}).unit_features(spans, [False])
    without = persuasion.TokenTable(parsed.doc).unit_features(spans, [False])
    assert with_terms[0, col] > 0 and without[0, col] == 0


# --------------------------------------------------------------------------- genre on short texts
_SHORT = "I think you should vote. We must stop Russia. The government has failed us."
_LONG = " ".join(
    [
        "The minister said on Tuesday that talks with the union would resume next week,",
        "according to two officials who spoke on condition of anonymity.",
    ]
    * 12
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "options", "assessed"),
    [
        (_SHORT, {}, False),  # 14 words: the model once called this satire (0.80)
        (_LONG, {}, True),  # 216 words
        (_SHORT, {"persuasion.genre_min_words": 5}, True),  # the user may lower the bar
        (_LONG, {"persuasion.genre_min_words": 1000}, False),
    ],
)
def test_genre_is_not_guessed_for_texts_shorter_than_the_training_articles(
    nlp, text, options, assessed
):
    layer = persuasion.detect_persuasion(_parse(nlp, text), AnalysisConfig(options=options))
    feats = dict(layer.features)
    if assessed:
        assert feats["genre"] in GENRES and feats["genre_note"] == ""
        assert feats["genre_score"] == pytest.approx(feats[f"genre_p_{feats['genre']}"])
    else:
        assert feats["genre"] is None and np.isnan(feats["genre_score"])
        assert "words" in feats["genre_note"]
        assert all(0 <= feats[f"genre_p_{g}"] <= 1 for g in GENRES)  # still reported


# --------------------------------------------------------------------------- genre ranking diagnostics
def _train_script():
    path = REPO / "scripts" / "train_persuasion.py"
    spec = importlib.util.spec_from_file_location("train_persuasion_diag", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.modules.pop(spec.name, None)
    return mod


@pytest.mark.parametrize(
    ("y", "score", "expect"),
    [
        # the positives ranked first: perfect average precision and F1
        ([0, 0, 0, 1, 1], [0.0, 0.1, 0.2, 0.8, 0.9], {"average_precision": 1.0, "f1": 1.0}),
        # the positives ranked last: the best threshold takes everything (F1 = 2p / (1 + p))
        ([1, 1, 0, 0, 0], [0.0, 0.1, 0.2, 0.8, 0.9], {"f1": round(2 * 0.4 / 1.4, 4)}),
        # one positive in the middle: best F1 from the threshold just below it
        ([0, 1, 0, 0], [0.1, 0.5, 0.9, 0.0], {"f1": round(2 / 3, 4), "average_precision": 0.5}),
    ],
)
def test_ranking_diagnostics_of_one_class(y, score, expect):
    T = _train_script()
    s = np.asarray(score)
    z = np.log(np.c_[1 - s + 1e-9, s + 1e-9])  # softmax(z)[:, 1] == score (up to 1e-9)
    out = T.ranking_diagnostics(np.asarray(y), z, ["other", "target"])
    got = out["target"]
    assert got["base_rate"] == pytest.approx(np.mean(y), abs=1e-4)
    assert got["best_threshold_f1"] == pytest.approx(expect["f1"], abs=1e-3)
    if "average_precision" in expect:
        assert got["average_precision"] == pytest.approx(expect["average_precision"], abs=1e-3)


def test_ranking_diagnostics_skip_a_class_without_positives():
    T = _train_script()
    z = np.zeros((4, 3))
    out = T.ranking_diagnostics(np.array([0, 0, 1, 1]), z, ["a", "b", "c"])
    assert set(out) == {"a", "b"}  # 'c' has no article: nothing to rank


def test_genre_card_reports_how_well_each_class_is_ranked():
    card = load_model_files("genre").card
    rank = card["scores"]["cv_document"]["ranking"]
    assert set(rank) == set(GENRES)
    for r in rank.values():
        assert 0.0 <= r["base_rate"] <= r["average_precision"] <= 1.0
        assert r["best_threshold_f1"] <= 1.0


# --------------------------------------------------------------------------- genre: out-of-domain data
def test_genre_sample_weights_of_one_give_the_unweighted_fit():
    T = _train_script()
    texts = [
        f"{w} report said officials on {d}"
        for w in ("police", "court", "minister")
        for d in ("monday", "tuesday")
    ] + [
        f"we must {w} this outrage now {d}"
        for w in ("stop", "end", "fight")
        for d in ("today", "together")
    ]
    y = np.array([1] * 6 + [0] * 6)
    dense = np.c_[np.arange(12.0) % 5, np.arange(12.0) % 3]
    s = {**T.SETTINGS["genre"], "featurizer": {**T.SETTINGS["genre"]["featurizer"]}}
    plain = T.fit_model(texts, dense, y, s, multiclass=True)
    ones = T.fit_model(texts, dense, y, s, multiclass=True, sample_weight=np.ones(12))
    np.testing.assert_allclose(ones.coef, plain.coef, atol=1e-5)
    np.testing.assert_allclose(ones.intercept, plain.intercept, atol=1e-5)
    light = T.fit_model(
        texts, dense, y, s, multiclass=True, sample_weight=np.r_[[0.1] * 6, [1] * 6]
    )
    # classes are balanced by summed weight: reporting rows at 0.1 and opinion rows at 1 end
    # up with the same weight, 6.6 / (2 * 6) = 0.55 each, i.e. the unweighted fit with C * 0.55
    scaled = T.fit_model(texts, dense, y, {**s, "C": s["C"] * 0.55}, multiclass=True)
    np.testing.assert_allclose(light.coef, scaled.coef, atol=1e-4)
    assert not np.allclose(light.coef, plain.coef, atol=1e-3)


def test_genre_extra_articles_are_read_as_title_and_paragraphs(shared_dir):
    T = _train_script()
    root = shared_dir / "data"
    if not (root / "persent").is_dir() or not (root / "webis_editorials").is_dir():
        pytest.skip(f"PerSenT or the Webis editorials not found under {root}")
    for source, label in (("persent", "reporting"), ("webis", "opinion")):
        arts = T.load_genre_extra(source, root)
        assert len(arts) > 150
        assert all(a.labels == {label} and a.group.startswith(source + ":") for a in arts)
        titles = [a.text.split("\n\n", 1)[0] for a in arts]
        # PerSenT's all-caps titles are lowercased (a handful are empty or like 'A 20')
        assert sum(not t.strip() or t.isupper() for t in titles) <= len(arts) // 100
        # title + several paragraphs (a few PerSenT documents are one paragraph)
        assert sum(a.text.count("\n\n") >= 2 for a in arts) >= 0.95 * len(arts)
        assert not any(" ," in a.text or " ." in a.text for a in arts if source == "webis")
    assert len({a.group for a in arts}) == len(arts)


def test_genre_card_lists_the_variants_tried_with_consistent_scores():
    card = load_model_files("genre").card
    shipped = card["scores"]["cv_document"]
    rows = card["tried"]
    assert rows[0]["macro_f1"][0] == pytest.approx(shipped["macro_f1"], abs=1e-3)
    assert rows[0]["f1"]["reporting"] == pytest.approx(
        shipped["per_class"]["reporting"]["f1"], abs=1e-3
    )
    assert card["tried_note"]
    for row in rows:
        f1 = row["f1"]
        assert set(f1) == set(GENRES)
        assert row["macro_f1"][0] == pytest.approx(np.mean(list(f1.values())), abs=2e-3)
        lo, hi = row["ci95"]
        assert lo <= row["macro_f1"][0] <= hi
