"""The framing stage: advocacy calls with their slots, framing tags, document features.

Most tables build the ActorLayer by hand (``_actors``) so that the rules are tested on
their own; the gold tests at the end run the real actors and claims stages.
"""

from __future__ import annotations

import json
import math
import re
import threading

import pytest

from stancekit.config import AnalysisConfig
from stancekit.framing import FRAMING_KINDS, extract_framing
from stancekit.nlp import parse
from stancekit.types import (
    ADVOCACY_FORMS,
    Actor,
    ActorLayer,
    Claim,
    ClaimLayer,
    FramingLayer,
    FramingTag,
    Mention,
    Relation,
)

pytestmark = pytest.mark.slow  # every test here parses with the spaCy pipeline

# surface form -> (canonical name, type): the hand-made knowledge of the tables below
ALIASES: dict[str, tuple[str, str]] = {
    "Washington": ("United States", "STATE"),
    "United States": ("United States", "STATE"),
    "America": ("United States", "STATE"),
    "Saudi": ("Saudi Arabia", "STATE"),
    "Yemen": ("Yemen", "STATE"),
    "Moscow": ("Russia", "STATE"),
    "Russia": ("Russia", "STATE"),
    "Kremlin": ("Russia", "STATE"),
    "European Union": ("European Union", "IGO"),
    "EU": ("European Union", "IGO"),
    "Brussels": ("European Union", "IGO"),
    "Israel": ("Israel", "STATE"),
    "Congress": ("United States Congress", "STATE_BODY"),
    "Hezbollah": ("Hezbollah", "ARMED_GROUP"),
    "Baghdad": ("Iraq", "STATE"),
    "Iraq": ("Iraq", "STATE"),
    "NATO": ("NATO", "IGO"),
    "Ukraine": ("Ukraine", "STATE"),
    "Kyiv": ("Ukraine", "STATE"),
    "Europe": ("Europe", "GROUP"),
    "Beijing": ("China", "STATE"),
    "Tehran": ("Iran", "STATE"),
    "Iran": ("Iran", "STATE"),
    "mullahs": ("Iran", "STATE"),
    "Taiwan": ("Taiwan", "STATE"),
    "Houthis": ("Houthis", "ARMED_GROUP"),
    "Syria": ("Syria", "STATE"),
    "Palestine": ("Palestine", "STATE"),
    "Sistani": ("Ali al-Sistani", "PERSON"),
    "Alaaldin": ("Ranj Alaaldin", "PERSON"),
    "Ranj Alaaldin": ("Ranj Alaaldin", "PERSON"),
    "Muqtada al-Sadr": ("Muqtada al-Sadr", "PERSON"),
    "ISIS": ("Islamic State", "ARMED_GROUP"),
    "the militias": ("Iran-backed militias", "ARMED_GROUP"),
    "The militias": ("Iran-backed militias", "ARMED_GROUP"),
    "Iran's proxies": ("Iran-backed militias", "ARMED_GROUP"),
    "Iran Proxies": ("Iran-backed militias", "ARMED_GROUP"),
    "Iranian militias": ("Iran-backed militias", "ARMED_GROUP"),
    "Marsh": ("Ann Marsh", "PERSON"),
    "Kurds": ("Kurds", "GROUP"),
}
SPONSORS = (("Iran", "Iran-backed militias"),)


def _actors(text: str, aliases: dict[str, tuple[str, str]] | None = None) -> ActorLayer:
    """An ActorLayer with a mention for every occurrence of every alias (longest first)."""
    aliases = ALIASES if aliases is None else aliases
    actors: dict[str, Actor] = {}
    spans: list[tuple[int, int, str, str]] = []
    taken: set[int] = set()
    for surface in sorted(aliases, key=len, reverse=True):
        name, kind = aliases[surface]
        aid = re.sub(r"\W+", "_", name.lower())
        for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
            if taken & set(range(m.start(), m.end())):
                continue
            taken.update(range(m.start(), m.end()))
            actors.setdefault(name, Actor(actor_id=aid, name=name, type=kind))
            spans.append((m.start(), m.end(), aid, m.group()))
    mentions = tuple(
        Mention(mention_id=i, actor_id=a, text=t, start=s, end=e, sentence_id=0)
        for i, (s, e, a, t) in enumerate(sorted(spans))
    )
    relations = tuple(
        Relation(source=s, kind="sponsor", target=t, start=0, end=0, cue="")
        for s, t in SPONSORS
        if s in actors and t in actors
    )
    return ActorLayer(mentions=mentions, actors=tuple(actors.values()), relations=relations)


@pytest.fixture(scope="module")
def run(nlp):
    def _run(
        text: str,
        title: str | None = None,
        *,
        actors: ActorLayer | None = None,
        claims: ClaimLayer | None = None,
        config: AnalysisConfig | None = None,
    ) -> tuple[FramingLayer, object]:
        parsed = parse(title, text, nlp)
        layer = extract_framing(
            parsed,
            actors if actors is not None else _actors(parsed.text),
            claims if claims is not None else ClaimLayer(),
            config or AnalysisConfig(),
        )
        return layer, parsed

    return _run


def _norm(value: str | None) -> str | None:
    """Compare phrases without case and a leading article ("The senator" == "the senator")."""
    if value is None:
        return None
    return re.sub(r"^(the|a|an)\s+", "", value.strip().lower())


# --------------------------------------------------------------------------- advocacy: forms
# text, form, speaker, addressee, action contains, target ("-" = not checked)
CALLS = [
    # modal
    (
        "Washington must end its support for the Saudi-led coalition in Yemen.",
        "modal",
        "author",
        "United States",
        "end its support",
        "Saudi Arabia",
    ),
    (
        "The United States should not withdraw its troops from Syria.",
        "modal",
        "author",
        "United States",
        "not withdraw its troops",
        "Syria",
    ),
    (
        "Europe needs to stop pretending that Beijing is a partner.",
        "modal",
        "author",
        "Europe",
        "stop pretending",
        "China",
    ),
    (
        "Congress ought to pass the bill without delay.",
        "modal",
        "author",
        "United States Congress",
        "pass the bill",
        None,
    ),
    ("America has got to lead.", "modal", "author", "United States", "lead", None),
    (
        "Iran must be held accountable for its crimes.",
        "modal",
        "author",
        None,
        "be held accountable",
        "Iran",
    ),
    (
        "The militias have to be disarmed.",
        "modal",
        "author",
        None,
        "be disarmed",
        "Iran-backed militias",
    ),
    (
        "There should be an independent inquiry into the killings.",
        "modal",
        "author",
        None,
        "an independent inquiry",
        None,
    ),
    (
        "We must never forget the victims of this war.",
        "modal",
        "author",
        "we",
        "never forget the victims",
        None,
    ),
    (
        "Third, the EU must seize the frozen assets of the Kremlin.",
        "modal",
        "author",
        "European Union",
        "seize the frozen assets",
        "Russia",
    ),
    # reported modal calls: the reporter speaks
    (
        "Iraq's prime minister said the government should disarm all groups outside state control.",
        "modal",
        "Iraq's prime minister",
        "government",
        "disarm all groups",
        "-",
    ),
    (
        "Alaaldin wrote that Sistani should work with other anti-Iran voices to contain Iran's proxies.",
        "modal",
        "Ranj Alaaldin",
        "Ali al-Sistani",
        "work with",
        "Iran-backed militias",
    ),
    (
        '"We have asked for nothing else," Marsh said. "Europe should send the shells now."',
        "modal",
        "Ann Marsh",
        "Europe",
        "send the shells",
        "-",
    ),
    # only-way
    (
        "The only way to stop the killing is to arm the Kurdish fighters now.",
        "only-way",
        "author",
        None,
        "arm the Kurdish fighters",
        "-",
    ),
    (
        "Sanctions are the only way to bring Moscow to the table.",
        "only-way",
        "author",
        None,
        "Sanctions",
        "Russia",
    ),
    ("Negotiation is the only way forward.", "only-way", "author", None, "Negotiation", None),
    (
        "The only way out of the crisis is to hold new elections.",
        "only-way",
        "author",
        None,
        "hold new elections",
        None,
    ),
    (
        "The mullahs will not stop, so the only way to stop them is through supporting regime change in Iran.",
        "only-way",
        "author",
        None,
        "regime change",
        "Iran",
    ),
    # imperative
    (
        "Stop funding the militias that terrorize Baghdad.",
        "imperative",
        "author",
        None,
        "Stop funding the militias",
        "Iran-backed militias",
    ),
    (
        "Please contact your representative today.",
        "imperative",
        "author",
        None,
        "contact your representative",
        None,
    ),
    ("Don't let them fool you.", "imperative", "author", None, "Don't let them fool you", None),
    (
        "Let us stand together against tyranny.",
        "imperative",
        "author",
        None,
        "stand together",
        None,
    ),
    (
        "Give Ukraine what it needs, and give it now.",
        "imperative",
        "author",
        None,
        "Give Ukraine what it needs",
        "Ukraine",
    ),
    # call-on
    (
        "We call on the European Union to suspend its trade deal with Israel.",
        "call-on",
        "author",
        "European Union",
        "suspend its trade deal",
        "Israel",
    ),
    (
        "The senator urged NATO to send more air defenses to Ukraine.",
        "call-on",
        "the senator",
        "NATO",
        "send more air defenses",
        "Ukraine",
    ),
    (
        "Protesters demanded that Washington end the sanctions on Syria.",
        "call-on",
        "protesters",
        "United States",
        "end the sanctions",
        "Syria",
    ),
    (
        "The opposition called for early elections.",
        "call-on",
        "the opposition",
        None,
        "early elections",
        None,
    ),
    (
        "The Security Council adopted a resolution demanding that the Houthis stop the attacks.",
        "call-on",
        "the Security Council",
        "Houthis",
        "stop the attacks",
        "-",
    ),
    # it-is-time
    (
        "It is time for Congress to reclaim its war powers.",
        "it-is-time",
        "author",
        "United States Congress",
        "reclaim its war powers",
        None,
    ),
    (
        "The time has come for Washington to recognise Palestine.",
        "it-is-time",
        "author",
        "United States",
        "recognise Palestine",
        "Palestine",
    ),
    (
        "It is high time we stood up to Beijing.",
        "it-is-time",
        "author",
        "we",
        "stood up to Beijing",
        "China",
    ),
    # negated-permission
    (
        "Hezbollah cannot be allowed to rebuild its arsenal.",
        "negated-permission",
        "author",
        None,
        "rebuild its arsenal",
        "Hezbollah",
    ),
    (
        "We cannot allow Iran to acquire nuclear weapons.",
        "negated-permission",
        "author",
        "we",
        "acquire nuclear weapons",
        "Iran",
    ),
    (
        "Brussels must not let Moscow write Moldova's future.",
        "negated-permission",
        "author",
        "European Union",
        "write",
        "Russia",
    ),
    (
        "But the Iranian militias cannot be left to their own devices.",
        "negated-permission",
        "author",
        None,
        "left to their own devices",
        "Iran-backed militias",
    ),
    (
        "These crimes must not go unpunished.",
        "negated-permission",
        "author",
        None,
        "unpunished",
        None,
    ),
    # other
    (
        "It is essential that the international community act now.",
        "other",
        "author",
        "international community",
        "act now",
        None,
    ),
    (
        "It is vital for Kyiv to rebuild its air defences.",
        "other",
        "author",
        "Ukraine",
        "rebuild its air defences",
        None,
    ),
]


@pytest.mark.parametrize(("text", "form", "speaker", "addressee", "action", "target"), CALLS)
def test_advocacy_call_and_slots(run, text, form, speaker, addressee, action, target) -> None:
    layer, _ = run(text)
    calls = [c for c in layer.advocacy if c.form == form]
    assert calls, f"no {form} call in {text!r}: {layer.advocacy}"
    call = calls[0]
    assert _norm(call.speaker) == _norm(speaker)
    assert _norm(call.addressee) == _norm(addressee)
    assert call.action is not None and action.lower() in call.action.lower()
    if target != "-":
        assert call.target == target
    assert call.cue and call.method == f"rule:{form}"


def test_every_form_has_a_positive_case() -> None:
    assert {row[1] for row in CALLS} == set(ADVOCACY_FORMS)


NOT_CALLS = [
    "The results should arrive on Monday, officials said.",  # descriptive expectation
    "Under the 2015 law, companies must report any payment above $10,000.",  # legal obligation
    "According to the treaty, both sides must withdraw heavy weapons.",
    "Drivers must carry a valid licence at all times.",
    "Analysts had expected that the central bank would have to raise rates.",  # reported expectation
    "He asked whether the talks should continue, and nobody answered.",  # embedded question
    "The only way into the old city is through the northern gate.",  # literal 'only way'
    "The only answer I got was silence.",
    "The talks should be over by Friday.",
    "This should help reduce tensions.",
    "The outcome should surprise no one.",
    "It must be difficult for the families.",
    "He must have known about the plan.",  # epistemic must
    "The government should have acted sooner.",  # counterfactual, about the past
    "If Russia should invade, NATO would respond.",  # condition
    "Should the West arm the rebels?",  # question
    "Why should taxpayers fund this war?",
    "The minister said the country had to cut spending.",  # past obligation
    "Officials will have to decide by June.",  # prediction
    "Nothing in this column should be read as sympathy for the Kremlin.",
    "Let's be clear about what is at stake.",  # discourse marker
    "Let us begin with what is not in dispute.",
    "Look at a map and the danger is obvious.",  # conditional imperative
    "Given the evidence, the court ruled against him.",
    "See the full report here.",
    "Thank you for reading.",
    "The plan calls for 20 new schools.",
    "He called on Tuesday to discuss the deal.",
    "Nobody here proposes rewarding aggression.",
    "At the time, nobody expected the war.",
    "It is time-consuming to count the ballots.",
    "Israel has the right to defend itself.",
    "Maybe I should go.",  # the writer deliberates
    "Let me get this straight.",
]


@pytest.mark.parametrize("text", NOT_CALLS)
def test_not_an_advocacy_call(run, text) -> None:
    layer, _ = run(text)
    assert layer.advocacy == (), layer.advocacy
    assert not [t for t in layer.tags if t.kind == "advocacy"]


def test_headline_only_way_call_targets_the_sponsor(run) -> None:
    title = "Regime Change Is Only Way to Stop Iran Proxies in Iraq"
    layer, parsed = run("The militias answer to Tehran.", title=title)
    call = next(c for c in layer.advocacy if c.in_title)
    assert (call.form, call.speaker, call.target) == ("only-way", "author", "Iran")
    assert call.action == "Regime Change"
    assert parsed.text[call.start : call.end] == title
    # without a sponsor relation the proxies themselves are the target
    actors = _actors(parsed.text, {"Iran Proxies": ("Iran-backed militias", "ARMED_GROUP")})
    layer, _ = run("The militias answer to Tehran.", title=title, actors=actors)
    assert next(c for c in layer.advocacy if c.in_title).target == "Iran-backed militias"


def test_call_records_carry_sentence_offsets_and_a_matching_tag(run) -> None:
    text = "The war drags on. Washington must end its support for the coalition."
    layer, parsed = run(text)
    (call,) = layer.advocacy
    assert call.sentence_id == 1 and not call.in_title
    assert (
        parsed.text[call.start : call.end]
        == call.text
        == "Washington must end its support for the coalition."
    )
    (tag,) = [t for t in layer.tags if t.kind == "advocacy"]
    assert (tag.start, tag.end, tag.cue, tag.method) == (
        call.start,
        call.end,
        call.cue,
        call.method,
    )
    assert tag.actor == "United States"


def test_quoted_call_takes_the_speaker_from_the_claims_layer(run, nlp) -> None:
    text = 'The minister spoke at length. "Europe must act now."'
    parsed = parse(None, text, nlp)
    sid = parsed.sentence_id(text.index('"Europe'))
    claims = ClaimLayer(
        claims=(Claim(sentence_id=sid, start=0, end=0, text="", attributed_to="Kaja Kallas"),)
    )
    layer, _ = run(text, claims=claims)
    assert layer.advocacy[0].speaker == "Kaja Kallas"
    layer, _ = run(text)  # no attribution known, no reporting verb next to the quote
    assert layer.advocacy[0].speaker == "author"


# --------------------------------------------------------------------------- framing kinds
# text, kind, expected span text (substring of a tag of that kind), actor ("-" = not checked)
KINDS = [
    ("They hate us and everything we stand for.", "us_vs_them", "They hate us", "-"),
    (
        "They want to destroy our way of life, and we will not let them.",
        "us_vs_them",
        "They want",
        "-",
    ),
    (
        "They want to destroy our way of life, and we will not let them.",
        "threat",
        "destroy our way of life",
        "-",
    ),
    (
        "The Houthis attack ships every week. They threaten our trade and our sailors.",
        "us_vs_them",
        "our trade",
        "Houthis",
    ),
    (
        "These thugs and their puppet masters in Tehran must be stopped before it is too late.",
        "loaded_language",
        "thugs",
        "-",
    ),
    (
        "These thugs and their puppet masters in Tehran must be stopped before it is too late.",
        "loaded_language",
        "puppet masters",
        "-",
    ),
    (
        "These thugs and their puppet masters in Tehran must be stopped before it is too late.",
        "threat",
        "too late",
        "-",
    ),
    (
        "These thugs and their puppet masters in Tehran must be stopped before it is too late.",
        "advocacy",
        "These thugs",
        "Iran",
    ),
    ("Some of these groups hid a dangerous sponsor: Iran.", "threat", "dangerous sponsor", "Iran"),
    (
        "Some of these groups hid a dangerous sponsor: Iran.",
        "loaded_language",
        "dangerous sponsor",
        "Iran",
    ),
    (
        "No doubt, the militias will exacerbate sectarian tensions to the point that ISIS resurges.",
        "threat",
        "exacerbate sectarian tensions to the point that ISIS resurges",
        "Iran-backed militias",
    ),
    ("Beijing poses an existential threat to Taiwan.", "threat", "existential threat", "China"),
    (
        "The mullahs will continue their malign behaviour no matter what.",
        "loaded_language",
        "malign behaviour",
        "Iran",
    ),
    (
        "The mullahs will continue their malign behaviour no matter what.",
        "loaded_language",
        "mullahs",
        "Iran",
    ),
    (
        "Either we stand with Taiwan or we surrender Asia to Beijing.",
        "black_and_white",
        "Either we stand with Taiwan or we surrender Asia to Beijing",
        "-",
    ),
    (
        "Sanctions are the only way to bring Moscow to the table.",
        "black_and_white",
        "the only way",
        "-",
    ),
    ("We have no choice but to act.", "black_and_white", "no choice but", "-"),
    ("So what can be done?", "rhetorical_question", "So what can be done?", "-"),
    (
        "Is it really plausible that another year of war will help? It is not.",
        "rhetorical_question",
        "Is it really plausible",
        "-",
    ),
]


@pytest.mark.parametrize(("text", "kind", "span", "actor"), KINDS)
def test_framing_kind(run, text, kind, span, actor) -> None:
    layer, _ = run(text)
    tags = [t for t in layer.tags if t.kind == kind and span in t.text]
    assert tags, f"no {kind} tag with {span!r}: {[(t.kind, t.text) for t in layer.tags]}"
    if actor != "-":
        assert tags[0].actor == actor


NOT_KINDS = [
    ("The regime change debate divided the party.", "loaded_language"),  # an exception phrase
    ("Either way, the vote is on Tuesday.", "black_and_white"),
    ("I don't like it either.", "black_and_white"),
    ("The only way into the old city is through the northern gate.", "black_and_white"),
    ("ISIS destroyed the old bridge in 2015.", "threat"),  # a past report, not a warning
    ("The US and its partners met in Geneva.", "us_vs_them"),  # 'US' is not 'us'
    ("We met the delegation in Geneva.", "us_vs_them"),  # an in-group alone is no contrast
    ("They have asked us for the tools.", "us_vs_them"),  # solidarity, no antagonism
    (
        "We call for a fight against corruption so that people see the benefits before they vote.",
        "us_vs_them",
    ),  # 'against' does not link 'we' and 'they' here
    ('"Will the ceasefire hold?" the minister asked.', "rhetorical_question"),  # quoted question
    ("The summit ends on Friday.", "rhetorical_question"),
]


@pytest.mark.parametrize(("text", "kind"), NOT_KINDS)
def test_not_a_framing_kind(run, text, kind) -> None:
    layer, _ = run(text)
    assert not [t for t in layer.tags if t.kind == kind], layer.tags


def test_loaded_terms_from_the_config_extend_and_remove(run) -> None:
    text = "The hawks in the regime want war."
    layer, _ = run(text)
    cues = {t.cue for t in layer.tags if t.kind == "loaded_language"}
    assert cues == {"regime"}
    config = AnalysisConfig(loaded_terms={"hawks": 0.7, "regime": 0})
    layer, _ = run(text, config=config)
    tags = [t for t in layer.tags if t.kind == "loaded_language"]
    assert [(t.cue, t.text, t.score) for t in tags] == [("hawks", "hawks", 0.7)]
    config = AnalysisConfig(
        loaded_terms={"want war": 0.5}, options={"framing.replace_loaded_terms": True}
    )
    layer, _ = run(text, config=config)
    assert [t.cue for t in layer.tags if t.kind == "loaded_language"] == ["want war"]


@pytest.mark.parametrize("terms", [{"hawks": "very"}, {"": 0.5}, {"hawks": None}])
def test_bad_loaded_terms_raise_a_clear_error(run, terms) -> None:
    from stancekit.errors import StancekitValueError

    with pytest.raises(StancekitValueError, match="loaded_terms"):
        run("The hawks want war.", config=AnalysisConfig(loaded_terms=terms))


# --------------------------------------------------------------------------- every tag
SAMPLE = (
    "So what can be done? The mullahs have proven that they will continue their malign behaviour, "
    "so the only way to stop them is regime change in Iran. They want to destroy our way of life, "
    'and we will not let them. "Europe must act," Marsh said. Either we act or we lose.'
)


def test_every_tag_has_span_cue_method_and_score(run) -> None:
    layer, parsed = run(SAMPLE, title="Stop the Militias Now")
    assert {t.kind for t in layer.tags} >= {
        "advocacy",
        "threat",
        "loaded_language",
        "us_vs_them",
        "black_and_white",
        "rhetorical_question",
    }
    for t in layer.tags:
        assert isinstance(t, FramingTag)
        assert 0 <= t.start < t.end <= len(parsed.text)
        assert parsed.text[t.start : t.end] == t.text and t.text.strip() == t.text
        assert t.cue and t.method.startswith("rule:")
        assert 0.0 <= t.score <= 1.0
        assert t.sentence_id == parsed.sentence_id(t.start)
        assert t.in_title == parsed.in_title(t.start)
    assert list(layer.tags) == sorted(layer.tags, key=lambda t: (t.start, t.end, t.kind))
    for c in layer.advocacy:
        assert c.form in ADVOCACY_FORMS and c.speaker
        assert parsed.text[c.start : c.end] == c.text


def test_layer_round_trips_and_is_deterministic(run) -> None:
    a, _ = run(SAMPLE)
    b, _ = run(SAMPLE)
    assert a == b
    clone = FramingLayer.from_dict(json.loads(json.dumps(a.to_dict())))
    assert clone.advocacy == a.advocacy and clone.tags == a.tags


def test_thread_safe(run) -> None:
    expected, _ = run(SAMPLE)
    results: list[FramingLayer] = []

    def work() -> None:
        results.append(run(SAMPLE)[0])

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 3


# --------------------------------------------------------------------------- features
def test_features(run) -> None:
    claims = ClaimLayer(
        tags=(
            FramingTag(kind="hedge", text="may", start=0, end=3, sentence_id=0, cue="may"),
            FramingTag(
                kind="certainty", text="No doubt", start=0, end=8, sentence_id=0, cue="no doubt"
            ),
            FramingTag(
                kind="certainty", text="clearly", start=0, end=7, sentence_id=0, cue="clearly"
            ),
        )
    )
    layer, parsed = run(SAMPLE, claims=claims)
    f = dict(layer.features)
    words = f["words"]
    assert words == sum(1 for t in parsed.doc if not (t.is_punct or t.is_space))
    assert f["sentences"] == len(parsed.sentences)
    assert f["mean_sentence_length"] == pytest.approx(words / f["sentences"], abs=1e-3)
    assert 3 < f["mean_word_length"] < 7
    for kind in FRAMING_KINDS:
        n = sum(1 for t in layer.tags if t.kind == kind) + sum(
            1 for t in claims.tags if t.kind == kind
        )
        assert f[f"rate_{kind}"] == pytest.approx(1000 * n / words, abs=1e-3)
    assert f["rate_certainty"] > f["rate_hedge"] > 0
    assert not [t for t in layer.tags if t.kind in ("hedge", "certainty")]  # counted, not copied
    assert (
        f["n_advocacy"]
        == len(layer.advocacy)
        == sum(f[f"advocacy_{form.replace('-', '_')}"] for form in ADVOCACY_FORMS)
    )
    assert f["advocacy_only_way"] == 1 and f["advocacy_modal"] == 1
    assert f["in_group"] == "author"  # an unresolved 'we'
    assert f["out_group"] == "Iran"  # 'they/them' after 'the mullahs'
    assert 0 < f["actor_sentence_share"] <= 1
    for name in ("flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "dale_chall"):
        assert math.isfinite(f[name])
    assert 0 < f["flesch_kincaid_grade"] < 20


def test_readability_can_be_switched_off_and_empty_text_is_safe(run) -> None:
    layer, _ = run(SAMPLE, config=AnalysisConfig(options={"framing.readability": False}))
    assert math.isnan(dict(layer.features)["gunning_fog"])
    layer, _ = run("")
    f = dict(layer.features)
    assert layer.advocacy == () and f["words"] == 0 and f["rate_threat"] == 0
    assert f["in_group"] is None and f["out_group"] is None


def test_in_group_resolved_through_actor_mentions(run, nlp) -> None:
    text = "We Europeans will not be bullied. They want us divided."
    parsed = parse(None, text, nlp)
    we = text.index("We")
    actors = ActorLayer(
        mentions=(Mention(0, "eu", "We", we, we + 2, 0, method="pronoun"),),
        actors=(Actor("eu", "European Union", "IGO"),),
    )
    layer = extract_framing(parsed, actors, ClaimLayer(), AnalysisConfig())
    assert dict(layer.features)["in_group"] == "European Union"


# --------------------------------------------------------------------------- gold (../shared)
def _gold_cases(cases: list[dict], prefix: tuple[str, ...]) -> list[dict]:
    return [c for c in cases if c["id"].startswith(prefix)]


@pytest.mark.shared
@pytest.mark.parametrize("real_actors", [True, False], ids=["actors-stage", "hand-actors"])
def test_gold_advocacy_cases(run, nlp, cases, real_actors) -> None:
    rows = _gold_cases(cases, ("adv-",))
    assert len(rows) >= 15
    for case in rows:
        actors = None
        if real_actors:
            from stancekit.actors import extract_actors

            actors = extract_actors(parse(None, case["text"], nlp), AnalysisConfig())
        layer, _ = run(case["text"], actors=actors)
        gold = case["advocacy"]
        if gold is None:
            assert layer.advocacy == (), (case["id"], layer.advocacy)
            continue
        calls = [c for c in layer.advocacy if c.form == gold["form"]]
        assert calls, (case["id"], layer.advocacy)
        call = calls[0]
        assert _norm(call.speaker) == _norm(gold["speaker"]), case["id"]
        if "addressee" in gold:
            assert _norm(call.addressee) == _norm(gold["addressee"]), case["id"]
        if "target" in gold:
            assert call.target == gold["target"], case["id"]
        assert gold["action_contains"].lower() in (call.action or "").lower(), case["id"]


@pytest.mark.shared
def test_gold_framing_cases(run, cases) -> None:
    rows = _gold_cases(cases, ("frame-",))
    assert rows
    for case in rows:
        layer, _ = run(case["text"])
        kinds = {t.kind for t in layer.tags}
        assert set(case["framing"]) <= kinds, (case["id"], kinds)


SEED_ALIASES = {
    **ALIASES,
    "Iranian Regime": ("Iran", "STATE"),
    "Ali al-Sistani": ("Ali al-Sistani", "PERSON"),
    "Popular Mobilization Forces": ("Popular Mobilization Forces", "ARMED_GROUP"),
    "PMF": ("Popular Mobilization Forces", "ARMED_GROUP"),
    "Iran-backed militias": ("Iran-backed militias", "ARMED_GROUP"),
    "Iran’s proxies": ("Iran-backed militias", "ARMED_GROUP"),
    "Iran proxies": ("Iran-backed militias", "ARMED_GROUP"),
    "United States": ("United States", "STATE"),
    "US": ("United States", "STATE"),
    "Brookings Doha Center": ("Brookings Doha Center", "ORG"),
    "The Atlantic": ("The Atlantic", "MEDIA"),
}


@pytest.fixture(scope="module")
def seed(gold, seed_raw, nlp):
    """The seed article: body cut from the raw capture, title from the gold."""
    start = seed_raw.index("NCRI - When")
    end = seed_raw.index("regime change in Iran.") + len("regime change in Iran.")
    parsed = parse(gold["document"]["title"], seed_raw[start:end], nlp)
    return parsed


def _seed_layer(parsed, *, real_actors: bool = True) -> FramingLayer:
    """Framing of the seed with the real actors stage (or the hand-made table)."""
    config = AnalysisConfig()
    if real_actors:
        from stancekit.actors import extract_actors

        actors = extract_actors(parsed, config)
    else:
        actors = _actors(parsed.text, SEED_ALIASES)
    return extract_framing(parsed, actors, ClaimLayer(), config)


def _find_call(layer: FramingLayer, gold_call: dict):
    want = gold_call["sentence_contains"]
    for call in layer.advocacy:
        if want in call.text and call.form == gold_call["form"]:
            if gold_call.get("where") == "title":
                assert call.in_title
            return call
    return None


@pytest.mark.shared
@pytest.mark.parametrize("real_actors", [True, False], ids=["actors-stage", "hand-actors"])
def test_seed_gold_advocacy_calls(gold, seed, real_actors) -> None:
    """The 3 gold calls and the stretch one, every slot right."""
    layer = _seed_layer(seed, real_actors=real_actors)
    for gold_call in gold["advocacy_calls"]:
        call = _find_call(layer, gold_call)
        assert call is not None, (gold_call, layer.advocacy)
        assert call.speaker == gold_call["speaker"]
        if "addressee" in gold_call:
            assert call.addressee == gold_call["addressee"]
        if "target" in gold_call:
            assert call.target == gold_call["target"]
        if "action_contains" in gold_call:
            assert gold_call["action_contains"].lower() in (call.action or "").lower()


@pytest.mark.shared
def test_seed_gold_framing_tags(gold, seed) -> None:
    layer = _seed_layer(seed)
    expected = gold["framing_expected"]
    by_kind = {
        "threat_or_fear": "threat",
        "loaded_language": "loaded_language",
        "black_and_white": "black_and_white",
        "rhetorical_questions": "rhetorical_question",
    }
    for key, kind in by_kind.items():
        texts = [t.text.lower() for t in layer.tags if t.kind == kind]
        for phrase in expected[key]:
            p = phrase.lower()
            assert any(p in t or t in p for t in texts), (kind, phrase, texts)
    threat = [t for t in layer.tags if t.kind == "threat" and "dangerous sponsor" in t.text]
    assert threat[0].actor == "Iran"
    assert dict(layer.features)["out_group"] == "Iran"


@pytest.mark.shared
def test_seed_with_the_claims_stage(gold, seed) -> None:
    """Hedges and certainty markers come from the claims stage: counted, never copied."""
    claims_mod = pytest.importorskip("stancekit.claims", reason="the claims stage is not built yet")
    from stancekit.actors import extract_actors

    config = AnalysisConfig()
    actors = extract_actors(seed, config)
    claims = claims_mod.extract_claims(seed, actors, config)
    layer = extract_framing(seed, actors, claims, config)
    f = dict(layer.features)
    for kind in ("hedge", "certainty", "attribution"):
        n = sum(1 for t in claims.tags if t.kind == kind)
        assert f[f"rate_{kind}"] == pytest.approx(1000 * n / f["words"], abs=1e-3)
        assert not [t for t in layer.tags if t.kind == kind]
    assert f["rate_hedge"] > 0 and f["rate_certainty"] > 0  # "may even", "No doubt" ...
    for gold_call in gold["advocacy_calls"]:
        call = _find_call(layer, gold_call)
        assert call is not None and call.speaker == gold_call["speaker"], gold_call


# --------------------------------------------------------------------------- token arrays
ARRAY_TEXTS = [
    SAMPLE,
    "“We won’t stop,” she said. ‘They’re wrong.’\n\nA new “paragraph” starts here... "
    "It's O’Brien’s view -- and 'theirs' -- that Washington must act!",
    'He said "the time is now" and left.\n\n\n"Open quote runs on\n\nNew paragraph."',
]


@pytest.mark.parametrize("text", ARRAY_TEXTS)
def test_context_arrays_equal_the_token_attributes(nlp, text) -> None:
    """The per-document lists (one to_array call, lazily made Tokens) hold what Token says."""
    from stancekit.framing import _Context, _get_lexicon

    parsed = parse("A “title”: they’ll see", text, nlp)
    ctx = _Context(parsed, _actors(parsed.text), ClaimLayer(), _get_lexicon(AnalysisConfig()))
    doc = parsed.doc
    assert ctx.low == [t.lower_.replace("’", "'") for t in doc]
    assert list(ctx.lem) == [t.lemma_.lower() for t in doc]
    assert ctx.texts == [t.text for t in doc]
    assert ctx.is_word == [not (t.is_punct or t.is_space) for t in doc]
    assert len(ctx.toks) == len(doc)
    assert [ctx.toks[i].i for i in range(len(doc))] == list(range(len(doc)))
    assert ctx.toks[3] is ctx.toks[3]  # made once, then reused
    # quotes: the Token-based definition (a token's trailing whitespace included)
    inside, expected = False, []
    for t in doc:
        if "\n\n" in t.text or "\n\n" in t.whitespace_:
            inside = False
        if t.text in ("“", "‘") or (t.text in ('"', "''", "``") and not inside):
            inside = True
            expected.append(False)
        elif t.text in ("”", "’") or (t.text in ('"', "''", "``") and inside):
            inside = False
            expected.append(False)
        else:
            expected.append(inside)
    assert ctx.in_quote == expected
    assert any(expected)
    # positions: every token whose form or lemma is in the set, for sets smaller and larger
    # than the document's vocabulary
    small = {"they", "we", "'s", "be", "say"}
    large = set(ctx.low[::2]) | {f"w{i}" for i in range(2000)}
    for words in (small, frozenset(small), dict.fromkeys(small, 1.0), large, list(small)):
        assert ctx.positions(words) == [
            i for i, (w, m) in enumerate(zip(ctx.low, ctx.lem)) if w in words or m in words
        ]
