"""The spaCy component: registered through the ``spacy_factories`` entry point, plain data
on ``doc._.stancekit`` that survives ``nlp.pipe(n_process=2)`` and ``DocBin``, and
``doc._.stancekit_analysis`` rebuilding the typed Analysis."""

from __future__ import annotations

import importlib.metadata as md
import json
import subprocess
import sys

import pytest

TEXTS = [
    "Hezbollah cannot be allowed to rebuild its arsenal, and the Lebanese army must take "
    "control of the south.",
    "Iran-backed militias have done real damage to Iraq, and Washington should act now.",
    "Russia's invasion of Ukraine is unlawful; Europe must send more shells to Kyiv this month.",
]


def test_factory_is_declared_as_a_spacy_entry_point():
    eps = {e.name: e.value for e in md.entry_points(group="spacy_factories")}
    assert eps.get("stancekit") == "stancekit.components:make_stancekit"


def test_add_pipe_finds_the_factory_without_importing_stancekit():
    # a fresh interpreter: spaCy must find the factory through the entry point alone
    code = (
        "import sys, spacy\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('sentencizer')\n"
        "pipe = nlp.add_pipe('stancekit', config={'stages': ['actors']})\n"
        "print(type(pipe).__module__, type(pipe).__name__, nlp.pipe_names)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "stancekit.components StancekitComponent ['sentencizer', 'stancekit']" in proc.stdout


def test_component_refuses_a_pipeline_without_sentences():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("stancekit")
    with pytest.raises(ValueError, match="needs a parser or a sentence splitter"):
        nlp("Iran must stop arming the militias.")


def _json(data):
    """The data as JSON sees it (msgpack in DocBin gives tuples where dicts had lists)."""
    return json.loads(json.dumps(data))


@pytest.fixture(scope="module")
def nlp_sk():
    """A fresh copy of the English pipeline (not the cached one) with the component added."""
    import spacy

    from stancekit.nlp import resolve_model

    nlp = spacy.load(resolve_model())
    nlp.add_pipe("stancekit")
    return nlp


@pytest.fixture(scope="module")
def docs(nlp_sk):
    return list(nlp_sk.pipe(TEXTS))


@pytest.mark.slow
def test_doc_holds_plain_json_data_with_the_contract_tables(docs):
    for doc in docs:
        data = doc._.stancekit
        assert isinstance(data, dict)
        json.dumps(data)  # plain data only: no spaCy objects, no tuples needed
        for key in ("document", "actors", "mentions", "stances", "claims", "advocacy", "features"):
            assert key in data
        assert data["document"]["text"] == doc.text
    names = {a["name"] for a in docs[0]._.stancekit["actors"]}
    assert "Hezbollah" in names


@pytest.mark.slow
def test_stancekit_analysis_rebuilds_the_typed_analysis(docs):
    from stancekit.types import Analysis

    a = docs[0]._.stancekit_analysis
    assert isinstance(a, Analysis)
    assert a.to_dict() == docs[0]._.stancekit
    assert list(a.actors.columns)[:3] == ["actor_id", "name", "type"]
    # mentions index into the Doc's text, so a span of the doc is the mention
    for m in a.mention_records:
        assert docs[0].text[m.start : m.end] == m.text


@pytest.mark.slow
def test_component_agrees_with_analyze(docs):
    import stancekit

    for doc, text in zip(docs, TEXTS):
        ref = stancekit.analyze(text)
        got = doc._.stancekit_analysis
        for table in ("actors", "claims", "advocacy"):
            cols = [c for c in ref.table(table).columns if c != "in_title"]
            assert got.table(table)[cols].to_dict("records") == ref.table(table)[cols].to_dict(
                "records"
            ), table


@pytest.mark.slow
def test_results_survive_n_process_2(nlp_sk, docs):
    multi = list(nlp_sk.pipe(TEXTS, n_process=2, batch_size=1))
    assert [d.text for d in multi] == TEXTS
    for one, two in zip(docs, multi):
        assert _json(two._.stancekit) == _json(one._.stancekit)
        assert two._.stancekit_analysis.to_dict() == one._.stancekit_analysis.to_dict()


@pytest.mark.slow
def test_results_survive_docbin(nlp_sk, docs, tmp_path):
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True)
    for d in docs:
        db.add(d)
    path = tmp_path / "docs.spacy"
    db.to_disk(path)
    back = list(DocBin().from_disk(path).get_docs(nlp_sk.vocab))
    assert len(back) == len(docs)
    for one, two in zip(docs, back):
        assert _json(two._.stancekit) == _json(one._.stancekit)
        assert two._.stancekit_analysis.to_dict() == one._.stancekit_analysis.to_dict()
    # without user data the extension is simply empty
    plain = DocBin(store_user_data=False)
    plain.add(docs[0])
    (empty,) = DocBin().from_bytes(plain.to_bytes()).get_docs(nlp_sk.vocab)
    assert empty._.stancekit is None and empty._.stancekit_analysis is None


@pytest.mark.slow
def test_component_settings_round_trip_through_to_disk(tmp_path):
    import spacy

    from stancekit.nlp import resolve_model

    nlp = spacy.load(resolve_model(), exclude=["ner", "lemmatizer"])
    nlp.add_pipe("stancekit", config={"stages": ["actors", "claims"]})
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    comp = again.get_pipe("stancekit")
    assert comp.stages == ("actors", "claims")
    assert comp.config.stages == ("actors", "claims")
