"""The actors stage: finding, typing, linking, pronouns, relations, the seed gold."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from stancekit.actors import _fold, extract_actors, load_kb
from stancekit.config import AnalysisConfig
from stancekit.types import ActorLayer

pytestmark = pytest.mark.slow

SHARED = Path(os.environ.get("STANCEKIT_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def _gold_cases() -> list[dict]:
    path = SHARED / "gold" / "cases.jsonl"
    if not path.is_file():
        return []
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [
        r for r in rows if r["id"].startswith("actor-") or "coref" in r or r["id"] == "stance-08"
    ]


GOLD_CASES = _gold_cases()


@pytest.fixture(scope="module")
def run(nlp):
    from stancekit.nlp import parse

    def _run(
        text: str, title: str | None = None, config: AnalysisConfig | None = None
    ) -> ActorLayer:
        return extract_actors(parse(title, text, nlp), config)

    return _run


def names_of(layer: ActorLayer, actor_id: str) -> set[str]:
    """Every form an actor answers to: canonical name, KB aliases, forms seen in the text."""
    a = next(a for a in layer.actors if a.actor_id == actor_id)
    forms = {a.name, *a.aliases}
    e = load_kb().get(a.kb_id)
    if e is not None:
        forms |= {e.name, *e.aliases, *e.acronyms, *e.descriptors}
    return {_norm(f) for f in forms}


def _norm(s: str) -> str:
    return _fold(s).removeprefix("the ")


def actor_at(layer: ActorLayer, text: str, span: str, occurrence: int = 0):
    """The actor of the mention covering the ``occurrence``-th ``span`` in ``text`` (None if none)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(span, start + 1)
    end = start + len(span)
    best = None
    for m in layer.mentions:
        if m.start < end and start < m.end:
            overlap = min(end, m.end) - max(start, m.start)
            if (
                best is None
                or overlap > best[0]
                or (overlap == best[0] and m.end - m.start < best[1].end - best[1].start)
            ):
                best = (overlap, m)
    if best is None:
        return None, None
    m = best[1]
    return next(a for a in layer.actors if a.actor_id == m.actor_id), m


def rel_set(layer: ActorLayer) -> set[tuple[str, str, str]]:
    return {(r.source_id, r.kind, r.target_id) for r in layer.relations}


def has_relation(layer: ActorLayer, source: str, kind: str, target: str) -> bool:
    for r in layer.relations:
        if (
            r.kind == kind
            and _norm(source) in names_of(layer, r.source_id)
            and _norm(target) in names_of(layer, r.target_id)
        ):
            return True
    return False


# --------------------------------------------------------------------------- gold cases
@pytest.mark.shared
@pytest.mark.parametrize("case", GOLD_CASES, ids=[c["id"] for c in GOLD_CASES])
def test_gold_cases(run, case: dict) -> None:
    text = case["text"]
    layer = run(text)
    for want in case.get("actors", []) + case.get("coref", []) + case.get("targets", []):
        actor, _m = actor_at(layer, text, want["span"])
        assert actor is not None, f"{want['span']!r} not found: {layer.mentions}"
        if "canonical" in want:
            assert _norm(want["canonical"]) in names_of(layer, actor.actor_id), (want, actor)
        if "type" in want:
            assert actor.type == want["type"], (want, actor)
    for word in case.get("not_actors", []):
        assert not any(m.text == word for m in layer.mentions), word
    for r in case.get("relations", []):
        assert has_relation(layer, r["source"], r["kind"], r["target"]), (r, layer.relations)


# --------------------------------------------------------------------------- linking and typing
LINKING = [
    # text, span, canonical (None: must not be an actor), type, method
    ("Tehran denied it.", "Tehran", "Iran", "STATE", "capital"),
    ("The Kremlin is not a reliable partner.", "The Kremlin", "Russia", "STATE", "descriptor"),
    ("The regime in Tehran exports terror.", "The regime in Tehran", "Iran", "STATE", "descriptor"),
    ("The mullahs lie.", "mullahs", "Iran", "STATE", "descriptor"),
    ("Iranian influence is growing in Iraq.", "Iranian", "Iran", "STATE", "demonym"),
    ("The Iranian regime will not give in.", "Iranian regime", "Iran", "STATE", "descriptor"),
    ("Iraqi Grand Ayatollah Ali al-Sistani issued a fatwa.", "Iraqi", None, None, None),
    (
        "Iraqi Grand Ayatollah Ali al-Sistani issued a fatwa.",
        "Ali al-Sistani",
        "Ali al-Sistani",
        "PERSON",
        "kb",
    ),
    ("Ali al-Sistani spoke, and later Sistani wrote.", "Sistani", "Ali al-Sistani", "PERSON", None),
    (
        "Ranj Alaaldin wrote a paper. Later, Alaaldin argued for restraint.",
        "Later, Alaaldin",
        "Ranj Alaaldin",
        "PERSON",
        "surname",
    ),
    (
        "The Popular Mobilization Forces (PMF) grew. The PMF is large.",
        "PMF",
        "Popular Mobilization Forces",
        "ARMED_GROUP",
        "acronym",
    ),
    (
        "The Coalition of Free Farmers (CFF) marched. Later the CFF marched again.",
        "CFF",
        "Coalition of Free Farmers",
        "ORG",
        "acronym",
    ),
    ("Daesh fighters retreated.", "Daesh", "Islamic State", "ARMED_GROUP", "alias"),
    ("ISIL claimed the attack.", "ISIL", "Islamic State", "ARMED_GROUP", "acronym"),
    ("Ansar Allah fired a drone.", "Ansar Allah", "Houthis", "ARMED_GROUP", "alias"),
    (
        "The Pentagon denied the report.",
        "Pentagon",
        "US Department of Defense",
        "STATE_BODY",
        "alias",
    ),
    ("Congress passed the bill.", "Congress", "United States Congress", "STATE_BODY", "alias"),
    ("The GOP won.", "GOP", "Republican Party", "PARTY", "acronym"),
    ("Xi met Putin in Moscow.", "Xi", "Xi Jinping", "PERSON", "alias"),
    ("Xi met Putin in Moscow.", "Moscow", None, None, None),  # "in Moscow": a place
    ("Moscow rejected the offer.", "Moscow", "Russia", "STATE", "capital"),
    ("The Iraqi army was rebuilt.", "Iraqi army", "Iraqi Army", "STATE_BODY", "cue"),
    (
        "The Iranian foreign ministry called it a lie.",
        "Iranian foreign ministry",
        "Iranian Foreign Ministry",
        "STATE_BODY",
        "cue",
    ),
    (
        "Russian troops crossed the river.",
        "Russian troops",
        "Russian Armed Forces",
        "STATE_BODY",
        "cue",
    ),
    ("All able-bodied Iraqis must defend their country.", "Iraqis", "Iraqis", "GROUP", "demonym"),
    (
        "Iranian protesters filled the streets.",
        "Iranian protesters",
        "Iranian protesters",
        "GROUP",
        "cue",
    ),
    ("Putin's regime has jailed critics.", "Putin's regime", "Russia", "STATE", "descriptor"),
    (
        "The Trump administration withdrew.",
        "Trump administration",
        "Trump administration",
        "STATE_BODY",
        None,
    ),
    (
        "The Brookings Institution published it.",
        "Brookings Institution",
        "Brookings Institution",
        "ORG",
        "kb",
    ),
    ("He wrote in The Atlantic last week.", "The Atlantic", "The Atlantic", "MEDIA", "kb"),
    ("The ship crossed the Atlantic in May.", "Atlantic", None, None, None),
    ("The US and Iran talk.", "US", "United States", "STATE", "acronym"),
    ("Let us talk about Iran.", "us", None, None, None),
    ("The Paris Agreement was signed by 195 countries.", "Paris", None, None, None),
    ("The Wagner Group withdrew from Bakhmut.", "Bakhmut", None, None, None),
    (
        "Kata'ib Hezbollah claimed the strike.",
        "Kata'ib Hezbollah",
        "Kataib Hezbollah",
        "ARMED_GROUP",
        None,
    ),
    (
        "Shiite clerics filled the void.",
        "Shiite clerics",
        "Shiite clerics",
        "GROUP",
        "collective",
    ),
    (
        "Shiite militia groups filled the void.",
        "Shiite militia groups",
        "Shiite militia groups",
        "ARMED_GROUP",
        "collective",
    ),
    ("The Shiites and Arab Sunnis fought.", "Arab Sunnis", "Sunni Muslims", "GROUP", "alias"),
    ("Governor Jerry Brown said so.", "Jerry Brown", "Jerry Brown", "PERSON", "ner"),
    (
        "Staff at the US Department of Agriculture (USDA) were told.",
        "US Department of Agriculture",
        "United States Department of Agriculture",
        "STATE_BODY",
        None,
    ),
    (
        "The European Commission proposed duties. The Commission said it would act.",
        "The Commission",
        "European Commission",
        "IGO",
        "short",
    ),
    (
        "Republican opposition to the deal grew.",
        "Republican",
        "Republican Party",
        "PARTY",
        "demonym",
    ),
    (
        "Democratic Republic of the Congo",
        "Democratic Republic of the Congo",
        "DR Congo",
        "STATE",
        None,
    ),
    (
        "Washington should open channels to Moscow, as it did in Berlin.",
        "Washington",
        "United States",
        "STATE",
        "capital",
    ),
    ("The talks took place in Washington last week.", "Washington", None, None, None),
    # a US state's name before one of its own offices is the state, not the United States
    # (capital) or the country Georgia; the capital alone still acts for the US
    (
        "Washington Gov. Jay Inslee signed the climate bill.",
        "Washington",
        "Washington",
        "STATE",
        "state_title",
    ),
    (
        "Washington Governor Jay Inslee said the state would sue.",
        "Washington",
        "Washington",
        "STATE",
        "state_title",
    ),
    (
        "Washington Lt. Gov. Denny Heck praised the vote.",
        "Washington",
        "Washington",
        "STATE",
        "state_title",
    ),
    (
        "Washington state Sen. Reuven Carlyle introduced the bill.",
        "Washington",
        "Washington",
        "STATE",
        "state_title",
    ),
    (
        "Washington Attorney General Bob Ferguson filed a lawsuit.",
        "Washington",
        "Washington",
        "STATE",
        "state_title",
    ),
    (
        "Georgia Gov. Brian Kemp signed the law.",
        "Georgia",
        "Georgia",
        "STATE",
        "state_title",
    ),
    (
        "Washington imposed sanctions on Tehran after the strike.",
        "Washington",
        "United States",
        "STATE",
        "capital",
    ),
    (
        "Washington Gov. Jay Inslee said Washington should not sanction China.",
        "Washington should",
        "United States",
        "STATE",
        "capital",
    ),
    ("Russia and Georgia fought a war in 2008.", "Georgia", "Georgia", "STATE", "kb"),
    # a judge's name stays a person, in a sentence or in a headline whose surname recurs
    (
        "Judge Jackson ruled on Monday that the pipeline must stop.",
        "Jackson",
        "Jackson",
        "PERSON",
        None,
    ),
    (
        "Judge Amy Berman Jackson ruled on Monday.",
        "Amy Berman Jackson",
        "Amy Berman Jackson",
        "PERSON",
        None,
    ),
    (
        "Gov. Gavin Newsom Signs Climate Bill",
        "Gavin Newsom",
        "Gavin Newsom",
        "PERSON",
        None,
    ),
    (
        "Judge Amy Berman Jackson Rejects Stone's Request The judge ruled on Monday. Jackson "
        "said the request was late.",
        "Jackson said",
        "Jackson",
        "PERSON",
        None,
    ),
    # an acronym the text itself expands follows the text, not the knowledge base ("JVP"
    # there is the Sri Lankan Janatha Vimukthi Peramuna): before, after or elsewhere
    (
        "Members of JVP (Jewish Voice for Peace) protested outside the Israeli consulate.",
        "JVP",
        "Jewish Voice for Peace",
        "ORG",
        "acronym",
    ),
    (
        "Jewish Voice for Peace (JVP) staged a sit-in. JVP said Israel must end the occupation.",
        "JVP said",
        "Jewish Voice for Peace",
        "ORG",
        "acronym",
    ),
    (
        "JVP marched in Washington. Jewish Voice for Peace opposes the occupation.",
        "JVP",
        "Jewish Voice for Peace",
        "ORG",
        "acronym",
    ),
    (
        "The International Cricket Council (ICC) suspended the board. The ICC said so.",
        "ICC said",
        "International Cricket Council",
        "ORG",
        "acronym",
    ),
    (
        "The JVP launched an insurrection in Sri Lanka in 1971.",
        "JVP",
        "Janatha Vimukthi Peramuna",
        "ARMED_GROUP",
        None,
    ),
    (
        "The Janatha Vimukthi Peramuna (JVP) led two uprisings. The JVP entered parliament.",
        "JVP entered",
        "Janatha Vimukthi Peramuna",
        "ARMED_GROUP",
        None,
    ),
    (
        "The International Criminal Court (ICC) issued a warrant. The ICC said so.",
        "ICC said",
        "International Criminal Court",
        "IGO",
        None,
    ),
    ("Industry group VDA warned of a trade war.", "VDA", "VDA", "ORG", "ner"),
    (
        "The Jalisco New Generation Cartel moved drugs.",
        "Jalisco New Generation Cartel",
        "Jalisco New Generation Cartel",
        "ARMED_GROUP",
        "ner",
    ),
    (
        "The Russian Central Bank froze the funds.",
        "Russian Central Bank",
        "Russian Central Bank",
        "STATE_BODY",
        None,
    ),
    ("Soviet troops left in 1989.", "Soviet troops", "Soviet Armed Forces", "STATE_BODY", "cue"),
    (
        "The Free Patriotic Army Brigades attacked the base.",
        "Free Patriotic Army Brigades",
        "Free Patriotic Army Brigades",
        "ARMED_GROUP",
        "ner",
    ),
    # unnamed collective actors: a plural head and its modifiers
    (
        "Climate scientists warned the council.",
        "Climate scientists",
        "climate scientists",
        "GROUP",
        "collective",
    ),
    (
        "Coal workers also travel to these projects.",
        "Coal workers",
        "coal workers",
        "GROUP",
        "collective",
    ),
    # "Coal" alone is not an ORG (a capitalised sentence opener): the shorter mention would win
    ("Coal workers also travel to these projects.", "Coal", "coal workers", "GROUP", "collective"),
    (
        "Environmental groups sued the agency.",
        "Environmental groups",
        "environmental groups",
        "ORG",
        "collective",
    ),
    (
        "Tangier residents are happy with the attention.",
        "Tangier residents",
        "Tangier residents",
        "GROUP",
        "collective",
    ),
    (
        "Landrum marched with 2,000 fellow Detroiters to the steps.",
        "Detroiters",
        "Detroiters",
        "GROUP",
        "collective",
    ),
    (
        "Wildfires burned in West Coast states last year.",
        "West Coast states",
        "West Coast states",
        "STATE",
        "collective",
    ),
    (
        "Tillerson told the eight Arctic nations to wait.",
        "Arctic nations",
        "Arctic nations",
        "STATE",
        "collective",
    ),
    (
        "EPA officials disagreed with the ruling.",
        "EPA officials",
        "EPA officials",
        "STATE_BODY",
        "collective",
    ),
    ("Iranian officials denied it.", "Iranian", "Iran", "STATE", "demonym"),
    ("Many people came.", "people", None, None, None),
    (
        "The Union of Concerned Scientists objected.",
        "Scientists",
        "Union of Concerned Scientists",
        "ORG",
        None,
    ),
    ("Senators Cruz and Cornyn voted.", "Senators", None, None, None),
    # the salient state's government; none on a tie
    (
        "China said the government would cut coal.",
        "the government",
        "China",
        "STATE",
        "salient_state",
    ),
    ("China and India met, and the government refused.", "the government", None, None, None),
    (  # Iran leads Iraq 3 to 2: not enough to say whose government
        "Iran arms militias. Iran pays them. Iran trains them. Iraq objects. "
        "Iraq fights them, which undermines the government.",
        "the government",
        None,
        None,
        None,
    ),
    # public bodies without a country in the name
    (
        "The House Natural Resources Committee met.",
        "House Natural Resources Committee",
        "House Natural Resources Committee",
        "STATE_BODY",
        "ner",
    ),
    (
        "The Berkeley City Council voted.",
        "Berkeley City Council",
        "Berkeley City Council",
        "STATE_BODY",
        "ner",
    ),
    # places the model called ORG; names it cut short or ran into a headline verb
    (
        "Research that people in Appalachia have been demanding.",
        "Appalachia",
        "Appalachia",
        "STATE",
        "ner",
    ),
    (
        "A missive from Bianca Moebius-Clune, director of soil health, lists terms.",
        "Bianca Moebius-Clune",
        "Bianca Moebius-Clune",
        "PERSON",
        "ner",
    ),
    ("Tom Steyer Vows to fight. Steyer said so.", "Tom Steyer", "Tom Steyer", "PERSON", "ner"),
    (
        "Bernie Sanders spoke. Absent from Bernie's argument was coal.",
        "Bernie's",
        "Bernie Sanders",
        "PERSON",
        "given_name",
    ),
    ("Geographers from UCL published it.", "UCL", "UCL", "ORG", "ner"),
    # a person named in the text wins over an organisation's one-word name
    (
        "Michael Bloomberg gave money. Bloomberg has invested over 100 million dollars.",
        "Bloomberg has",
        "Michael Bloomberg",
        "PERSON",
        "surname",
    ),
    ("Bloomberg reported that oil prices fell.", "Bloomberg", "Bloomberg News", "MEDIA", "alias"),
    (
        "The Standing Rock Sioux sued the Army Corps.",
        "Standing Rock Sioux",
        "Standing Rock Sioux",
        "GROUP",
        "ner",
    ),
    (
        "The canyon has ties to indigenous tribes throughout the U.S. Southwest.",
        "indigenous tribes throughout the U.S. Southwest",
        "indigenous tribes throughout the U.S. Southwest",
        "GROUP",
        "collective",
    ),
    # towns the model called ORG, placed by "<town>, <state>"
    ("The flood hit Tangier, Virginia, on Monday.", "Tangier", "Tangier", "STATE", "ner"),
    (
        "The flood hit Isle de Jean Charles, Louisiana, on Monday.",
        "Isle de Jean Charles",
        "Isle de Jean Charles",
        "STATE",
        "ner",
    ),
    (
        "Studies suggest that black and Hispanic families are hit hardest.",
        "Hispanic families",
        "black and Hispanic families",
        "GROUP",
        "collective",
    ),
    ("Studies suggest that many women suffer.", "women", None, None, None),
    (
        "The PMF was made up of multiple volunteer Shiite militia groups.",
        "volunteer Shiite militia groups",
        "volunteer Shiite militia groups",
        "ARMED_GROUP",
        "collective",
    ),
    (
        "He supports far-right groups in this country.",
        "far-right groups",
        "far-right groups",
        "ORG",
        "collective",
    ),
    # political camps
    (
        "The far right and the radical left both lost.",
        "The far right",
        "far right",
        "GROUP",
        "collective",
    ),
    (
        "The far right and the radical left both lost.",
        "the radical left",
        "radical left",
        "GROUP",
        "collective",
    ),
    ("Critics say the Left hates this bill.", "the Left", "left", "GROUP", "collective"),
    ("Turn to the right and go left.", "the right", None, None, None),
    (
        "They defend the constitutional right to bear arms.",
        "constitutional right",
        None,
        None,
        None,
    ),
    # a headline inside the text (no separate title): fragments and events are not actors
    (
        "Local Police Impose Information Blackout in Las Vegas Shooting",
        "Local Police Impose Information Blackout",
        None,
        None,
        None,
    ),
    (
        "Local Police Impose Information Blackout in Las Vegas Shooting",
        "Las Vegas Shooting",
        None,
        None,
        None,
    ),
    ("Sierra Club Foundation Sues Trump Over Pipeline", "Sierra Club", "Sierra Club", "ORG", "kb"),
    (
        "Millions of New Yorkers and fellow Detroiters marched.",
        "Detroiters",
        "Detroiters",
        "GROUP",
        None,
    ),
    # knowledge-base additions: bodies of climate politics
    ("Tillerson told the Arctic Council to wait.", "Arctic Council", "Arctic Council", "IGO", "kb"),
    (
        "FERC approved the pipeline.",
        "FERC",
        "Federal Energy Regulatory Commission",
        "STATE_BODY",
        "acronym",
    ),
    ("The Koch brothers funded the campaign.", "Koch brothers", "Koch Industries", "ORG", "alias"),
    (
        "A young activist from US Youth Climate Strike asked Biden about a forum.",
        "Youth Climate Strike",
        "Youth Climate Strike",
        "ORG",
        "name_cue",
    ),
    # a lower-case short form after the full name
    (
        "The Environmental Protection Agency issued a rule. Critics say the agency overstepped.",
        "the agency",
        "US Environmental Protection Agency",
        "STATE_BODY",
        "short",
    ),
    (
        "The Democratic Party met. The party leadership and the party disagreed.",
        "The party",
        None,
        None,
        None,
    ),
    ("The White House said the house was fine.", "house", None, None, None),
    ("The analysis by Carbon Brief came out. The brief was short.", "The brief", None, None, None),
    (  # a surname before the full name (headlines)
        "Sanders releases $16 trillion 'Green New Deal' plan, promises it will 'pay for itself' "
        "Democratic 2020 hopeful Sen. Bernie Sanders on Thursday released a plan.",
        "Sanders releases",
        "Bernie Sanders",
        "PERSON",
        "surname",
    ),
    (
        "Catholic institutions make record divestment.",
        "Catholic institutions",
        "Catholic institutions",
        "ORG",
        "collective",
    ),
    ("She will call the amicus brief from Fox.", "Fox", "Fox", "ORG", "ner"),  # not a place
    # proper-noun runs without an entity label: after a title, or ending in a type cue
    (
        "Critics of Cardinal McCarrick went quiet.",
        "McCarrick",
        "McCarrick",
        "PERSON",
        "titled_name",
    ),
    (
        "The matter went to the US Capitol Police, which investigated.",
        "Capitol Police",
        "Capitol Police",
        "STATE_BODY",
        "name_cue",
    ),
    (
        "Robert Spencer of Jihad Watch called for a ban.",
        "Jihad Watch",
        "Jihad Watch",
        "ORG",
        "name_cue",
    ),
    (
        "Mary Olson of a group called Our Children's Trust sued.",
        "Our Children's Trust",
        "Our Children's Trust",
        "ORG",
        "ner",
    ),
    ('Winters are easy because the Finns "spend time outside."', "Finns", "Finns", "GROUP", "ner"),
    (
        "It lacks the will of Republican elected officials.",
        "Republican elected officials",
        "Republican elected officials",
        "STATE_BODY",
        "collective",
    ),
    ("Democratic Rep. Ilhan Omar agreed.", "Democratic", "Democratic Party", "PARTY", "demonym"),
    (
        "Tarek Maassarani rides a bike. Maassarani is focused on cars.",
        "Maassarani is",
        "Tarek Maassarani",
        "PERSON",
        "surname",
    ),
    # a list of acronyms is not shouted text: every name in it stays an actor
    (
        "The talk shows on ABC, CBS, NBC and Fox News aired 260 minutes.",
        "ABC",
        "ABC",
        "ORG",
        "ner",
    ),
    ("Statements from the AFT, NEA, SEIU followed.", "NEA", "NEA", "ORG", "ner"),
    # more heads of collective actors: clergy, pundits, plaintiffs, candidates, the press
    (
        "Catholic bishops signed the letter.",
        "Catholic bishops",
        "Catholic bishops",
        "GROUP",
        "collective",
    ),
    ("The plaintiffs appealed.", "plaintiffs", "plaintiffs", "GROUP", "collective"),
    (
        "Networks paid voters to back pro-Moscow candidates.",
        "pro-Moscow candidates",
        "pro-Moscow candidates",
        "STATE_BODY",
        "collective",
    ),
    (
        "Conservative commentators mocked her.",
        "Conservative commentators",
        "Conservative commentators",
        "GROUP",
        "collective",
    ),
    (
        "Democratic presidential hopefuls embraced it.",
        "presidential hopefuls",
        "Democratic presidential hopefuls",
        "STATE_BODY",
        "collective",
    ),
    (
        "Mainstream journalists ignored it.",
        "journalists",
        "journalists",
        "MEDIA",
        "collective",
    ),
    # a party noun naming a person: the person (apposition, "the Republican"), else the party
    (
        "Mitch McConnell, a Kentucky Republican, objected.",
        "Republican",
        "Mitch McConnell",
        "PERSON",
        "party_member",
    ),
    (
        "Ted Cruz narrowly won. The Republican has dismissed climate change.",
        "Republican",
        "Ted Cruz",
        "PERSON",
        "party_member",
    ),
    (
        "Greta Thunberg spoke. Maine Sen. Susan Collins was the lone Republican to object.",
        "Republican",
        "Susan Collins",
        "PERSON",
        "party_member",
    ),
    ("They will not vote for a Republican.", "Republican", "Republican Party", "PARTY", "demonym"),
    # a title-case headline run into the first sentence (no line break, no title given)
    (
        "Coal Miners Rally Behind Trump Hundreds of workers gathered in West Virginia on "
        "Monday to hear the president speak about the future of their jobs in the region.",
        "Coal Miners",
        "coal miners",
        "GROUP",
        "collective",
    ),
    (
        "Young Climate Activists Rally Outside The Capitol Hundreds of young people "
        "gathered on Monday to demand action on the climate crisis from lawmakers.",
        "Climate Activists",
        "climate activists",
        "GROUP",
        "collective",
    ),
    (
        "Despite Few Details And Much Doubt, The Green New Deal Generates Enthusiasm "
        "Environmental activists occupied the office of the speaker on Tuesday.",
        "Environmental activists",
        "environmental activists",
        "GROUP",
        "collective",
    ),
    # a NORP adjective before a plural agent noun: a group of people; not before other nouns
    ("Muslim leaders said no.", "Muslim leaders", "Muslim leaders", "GROUP", "collective"),
    (
        "Christian leaders objected to the mine.",
        "Christian leaders",
        "Christian leaders",
        "GROUP",
        "collective",
    ),
    ("Christian values are under attack.", "Christian values", None, None, None),
    # a plural agent noun after a name: a group ("Trump supporters"); not "Peach trees"
    (
        "Trump supporters rallied in Ohio.",
        "Trump supporters",
        "Trump supporters",
        "GROUP",
        "collective",
    ),
    (
        "Sierra Club members marched.",
        "Sierra Club members",
        "Sierra Club members",
        "GROUP",
        "collective",
    ),
    (
        "Green New Deal backers say they want more.",
        "Green New Deal backers",
        "Green New Deal backers",
        "GROUP",
        "collective",
    ),
    ("Some supporters cheered.", "supporters", None, None, None),
    (
        "EU foreign ministers met.",
        "foreign ministers",
        "EU foreign ministers",
        "STATE_BODY",
        "collective",
    ),
    (
        "Chinese carmakers and battery makers gained.",
        "battery makers",
        "battery makers",
        "ORG",
        "collective",
    ),
    ("Peach trees also yield less fruit.", "Peach trees", None, None, None),
    # a possessive inside an unlabelled name ending in a type word
    (
        "Our Children's Trust filed the suit.",
        "Our Children's Trust",
        "Our Children's Trust",
        "ORG",
        "name_cue",
    ),
    (
        "The Nature Conservancy bought the land.",
        "Nature Conservancy",
        "Nature Conservancy",
        "ORG",
        "name_cue",
    ),
    # a possessor before a knowledge-base name stays a name
    (
        "Ryan Zinke spoke. Zinke’s Interior Department approved it.",
        "Zinke’s",
        "Ryan Zinke",
        "PERSON",
        "surname",
    ),
    # states as a collective ("economies", "powers", "allies" were tried: "green economies",
    # "wind powers", "media allies" as states)
    (
        "Western democracies must act.",
        "Western democracies",
        "Western democracies",
        "STATE",
        "collective",
    ),
    # industries: coordinated modifiers, interests, "Big X"
    (
        "The oil and gas industry lobbied hard.",
        "oil and gas industry",
        "oil and gas industry",
        "ORG",
        "collective",
    ),
    (
        "Fossil fuel interests lobbied hard.",
        "Fossil fuel interests",
        "fossil fuel interests",
        "ORG",
        "collective",
    ),
    ("Big Coal lobbied hard.", "Big Coal", "Big Coal", "ORG", "kb"),
    # age and generation make "people" a group
    ("Young people are striking.", "Young people", "young people", "GROUP", "collective"),
    (
        "Future generations will pay.",
        "Future generations",
        "future generations",
        "GROUP",
        "collective",
    ),
    ("Ordinary people will pay.", "Ordinary people", "ordinary people", "GROUP", "collective"),
    # a region named after a state is not that state
    (
        "Several Native American tribes sued.",
        "Native American tribes",
        "Native American tribes",
        "GROUP",
        "collective",
    ),
    (
        "The Central American migrant caravan moved north.",
        "Central American migrant caravan",
        "Central American migrant caravan",
        "GROUP",
        "collective",
    ),
    (
        "The American political establishment failed.",
        "American",
        "United States",
        "STATE",
        "demonym",
    ),
    # a region, not the United States inside its name
    ("Latin America is rising.", "Latin America", "Latin America", "STATE", "ner"),
    ("Central America faces drought.", "Central America", "Central America", "STATE", "ner"),
    ("Militias in Northern Iraq attacked.", "Iraq", "Iraq", "STATE", "kb"),
    (
        "The pipeline harms an American Indian tribe in North Dakota.",
        "American Indian tribe",
        "American Indian tribe",
        "GROUP",
        "collective",
    ),
    # "MPs" are members of parliament, not the Chadian rebel group MPS
    (
        "Conservative MPs rejected the plan.",
        "Conservative MPs",
        "Conservative MPs",
        "STATE_BODY",
        "collective",
    ),
    ("The MPS attacked the town.", "MPS", "MPS", "ARMED_GROUP", None),
    # a people the model tags as a plural common noun at the start of a sentence
    ("Hispanics are hit hardest.", "Hispanics", "Hispanics", "GROUP", "ner"),
    ("Floridians are at risk.", "Floridians", "Floridians", "GROUP", "ner"),
    # "the" + a demonym used as a noun: the people, like "Iraqis"
    ("The Chinese are building coal plants.", "Chinese", "Chinese", "GROUP", "demonym"),
    ("Unlike the French, we pay.", "French", "French", "GROUP", "demonym"),
    ("It hurts the Chinese economy.", "Chinese", "China", "STATE", "demonym"),
    # one-word names the model tagged as common words: acronyms and camel case are names
    (
        "The gas alters the climate. WeWork confirmed the policy change.",
        "WeWork",
        "WeWork",
        "ORG",
        "ner",
    ),
    (
        "Greenpeace and REDOIL, a coalition of Alaska native groups, sued.",
        "REDOIL",
        "REDOIL",
        "ORG",
        "ner",
    ),
    # the outlet an article or op-ed appeared in is MEDIA, not a person or a place
    ("An article by Aaron Hall in AdAge asked the question.", "AdAge", "AdAge", "MEDIA", "ner"),
    ("In an interview with Jane Smith, he spoke.", "Jane Smith", "Jane Smith", "PERSON", "ner"),
    # a name right after an organisation noun is an organisation, whatever the model said
    (
        "He is an engineer at the waste management and incinerator company Covanta.",
        "Covanta",
        "Covanta",
        "ORG",
        "ner",
    ),
    (
        "The administration allowed a Texas-based company, Defense Distributed, to resume.",
        "Defense Distributed",
        "Defense Distributed",
        "ORG",
        "ner",
    ),
    (
        "A researcher with the organisation, Matthew Collins, said it was delighted.",
        "Matthew Collins",
        "Matthew Collins",
        "PERSON",
        "ner",
    ),
    # a hyphenated name ending in a law word is no law: the newspaper stays
    (
        "The sheriff spoke.\nThe Atlanta Journal-Constitution reports on documents they obtained.",
        "Atlanta Journal-Constitution",
        "Atlanta Journal-Constitution",
        "MEDIA",
        "ner",
    ),
    # a title's possessive leaves the body it names ("Sheriff's Office"), no person
    ("Deputies from the Sheriff’s Office arrived.", "Office", "Sheriff’s Office", "ORG", None),
    ("Assemblyman Al Muratsuchi opposed it.", "Al Muratsuchi", "Al Muratsuchi", "PERSON", None),
    # a capitalised group noun opening a sentence is a collective actor
    (
        "Millennials overwhelmingly support climate action.",
        "Millennials",
        "Millennials",
        "GROUP",
        "collective",
    ),
    (
        "Evangelicals are divided on climate change.",
        "Evangelicals",
        "Evangelicals",
        "GROUP",
        "collective",
    ),
    # a body named "<Place> Office" written again in lower case with "area" inside
    (
        "Closing EPA's Great Lakes Office Would Put Water At Risk, Dems Warn. "
        "Democrats urged him to preserve the Great Lakes area office amid rumors.",
        "Great Lakes area office",
        "Great Lakes Office",
        "ORG",
        "short",
    ),
    # more collective heads: airlines, refiners, lenders; drillers, loggers, islanders
    ("Airlines say the tax would cost jobs.", "Airlines", "Airlines", "ORG", "collective"),
    ("Drillers want more leases.", "Drillers", "Drillers", "GROUP", "collective"),
    # a company's name the model left unlabelled or called a person; a kind of energy is none
    (
        "Peabody Energy filed for bankruptcy in 2016.",
        "Peabody Energy",
        "Peabody Energy",
        "ORG",
        None,
    ),
    ("Arch Coal and Alpha Natural Resources also failed.", "Arch Coal", "Arch Coal", "ORG", None),
    ("Clean Energy is the future, said Smith.", "Clean Energy", None, None, None),
    # a person after a title, or one who speaks, though the model called the name a people
    ("Why else did Archbishop Viganò risk everything?", "Viganò", "Viganò", "PERSON", "ner"),
    ("So what does the Latin say? It says more.", "Latin", None, None, None),
    # a title inside a run the model left unlabelled ("Police | Chief"), an initial in the
    # name; the surname later is the person though the text also writes "town hall"
    (
        "After protests, Police Chief U. Reneé Hall gave contradictory explanations.",
        "U. Reneé Hall",
        "U. Reneé Hall",
        "PERSON",
        "titled_name",
    ),
    (
        "After protests, Police Chief U. Reneé Hall gave explanations. She told a town hall "
        "that laws prohibit it. In a statement, Hall said that any inquiry would wait.",
        "Hall said",
        "U. Reneé Hall",
        "PERSON",
        "surname",
    ),
    # ... but not a fund whose name holds a title word, nor a title followed by a role
    (
        "The plan includes a Climate Justice Resiliency Fund for frontline communities.",
        "Resiliency Fund",
        "Climate Justice Resiliency Fund",
        "ORG",
        None,
    ),
    # a name the model left unlabelled after a noun saying what kind of organisation it is
    (
        "Whether biologists agree is unclear, says Bob Dreher of the environmental group "
        "Defenders of Wildlife.",
        "Defenders of Wildlife",
        "Defenders of Wildlife",
        "ORG",
        "apposition",
    ),
    (
        "Stephen Lacey, editor-in-chief of the magazine GreenTechMedia, said it matters.",
        "GreenTechMedia",
        "GreenTechMedia",
        "MEDIA",
        "apposition",
    ),
    (
        "The watchdog Transparency found gaps, but transparency is rare.",
        "Transparency",
        None,
        None,
        None,
    ),
    # a one-word name that speaks is a person, whatever the model said
    ("Masipa said prosecutors had not proven it.", "Masipa", "Masipa", "PERSON", "speaker"),
    # a name before a company role and a person's name is the company, whatever the model said
    (
        "Notes Facebook CEO Mark Zuckerberg brought with him show he feared the question.",
        "Facebook",
        "Facebook",
        "ORG",
        "name_cue",
    ),
    ("Twitter CEO Jack Dorsey has recorded a podcast.", "Twitter", "Twitter", "ORG", None),
    (
        "Twitter CEO Jack Dorsey has recorded a podcast.",
        "Jack Dorsey",
        "Jack Dorsey",
        "PERSON",
        None,
    ),
    # a person's name after a noun that is both an outlet and a job stays a person ...
    (
        "Newspaper publisher Rupert Murdoch bought the paper.",
        "Rupert Murdoch",
        "Rupert Murdoch",
        "PERSON",
        None,
    ),
    # ... but a longer name after it is the company's
    (
        "The publisher Penguin Random House sued.",
        "Penguin Random House",
        "Penguin Random House",
        "ORG",
        None,
    ),
    # a name the model left unlabelled that is the subject of any verb (not be/have) acts,
    # so it is an actor: an organisation when never given in full, a person when it looks
    # like a full name or follows a given name; linked to a person of that surname
    (
        "In 2022, Gazprom cut gas deliveries and sent bills soaring.",
        "Gazprom",
        "Gazprom",
        "ORG",
        "agent",
    ),
    (
        "Last week in Rio Grande Commons, Marisol Quintanar wrote that America needs a fix.",
        "Marisol Quintanar",
        "Marisol Quintanar",
        "PERSON",
        "agent",
    ),
    (
        '"Former Secretary (James) Mattis recognized this fact," Reed said.',
        "Mattis",
        "Mattis",
        "PERSON",
        "agent",
    ),
    (
        "Thomas Weinandy wrote a letter to the pope. Weinandy sent the letter on July 31.",
        "Weinandy sent",
        "Thomas Weinandy",
        "PERSON",
        "surname",
    ),
    # ... also across the end of a headline run into the first sentence
    (
        "Detroiters March For Green New Deal Ahead Of Democratic Debate DETROIT ― Theresa "
        "Landrum survived her battle with cancer.",
        "Theresa Landrum",
        "Theresa Landrum",
        "PERSON",
        "agent",
    ),
    # ... or opening the body behind a headline run into it, before a date ("on Tuesday"),
    # whatever the parse of the run-together line; the headline's last word stays out
    (
        "Retail Giant Vows To Slash Emissions Walmart on Tuesday pledged to cut its emissions.",
        "Walmart",
        "Walmart",
        "ORG",
        "agent",
    ),
    # ... but not a place name's street, nor a word the text writes in lower case, nor a
    # name after a number
    (
        "And Wall Street is plainly beginning to panic.",
        "Wall Street",
        "Wall Street",
        "ORG",
        "agent",
    ),
    (
        "After the riots, Gazprom raised prices; the gazprom brand fell.",
        "Gazprom",
        None,
        None,
        None,
    ),
    ("They say 3200 Phaethon crossed the sky in December.", "Phaethon", None, None, None),
    # ... a double-barrelled surname, and an acronym (after "the" only when it speaks)
    (
        "They arrested Jose Rodriguez-Lopez in May. Rodriguez-Lopez claimed to be a police officer.",
        "Rodriguez-Lopez claimed",
        "Jose Rodriguez-Lopez",
        "PERSON",
        "surname",
    ),
    ("Two men are in custody after TCSO served a search warrant.", "TCSO", "TCSO", "ORG", "agent"),
    (
        "The outbreak slowed in October. The IFRC said it is introducing safe burial teams.",
        "IFRC",
        "IFRC",
        "ORG",
        "agent",
    ),
    (
        '"Rubble Rubble" is a play. AJHS will claim that it only offers perspectives. JVP is the '
        "only group that AJHS chooses to partner with.",
        "AJHS",
        "AJHS",
        "ORG",
        "agent",
    ),
    ("In short, the JCPOA may provide a loophole for Iran.", "JCPOA", None, None, None),
    # ... the agent of a passive, and the one-word outlet a speaker told something
    (
        "Activists blockaded the coal mine and power plants run by German energy giant RWE.",
        "RWE",
        "RWE",
        "ORG",
        "agent",
    ),
    (
        '"The climate will evolve as predicted," Curry told TheDCNF. "Variability is natural."',
        "TheDCNF",
        "TheDCNF",
        "MEDIA",
        "agent",
    ),
    # ... not a storm named after a plural storm word, an ideology, one told to do something
    ("They studied the damage done by hurricanes Harvey and Irma.", "Harvey", None, None, None),
    (
        "The invasion of Poland in 1939 was motivated by Nazism, historians say.",
        "Nazism",
        None,
        None,
        None,
    ),
    ("Smith told Jones to leave the room at once.", "Jones", "Jones", "PERSON", None),
    (
        '"We hand out stoves," Mandakhjargal said. The NGO says the state should pay.',
        "NGO",
        None,
        None,
        None,
    ),
    # the place of a dateline is where the story was filed, not an actor; a US state after
    # it (AP-style abbreviation or spelled out) is found as the state, as annotators name it
    ("EL PASO, Texas — Families wait at the shelter.", "EL PASO", None, None, None),
    ("EL PASO, Texas — Families wait at the shelter.", "Texas", "Texas", "STATE", "dateline"),
    ("SACRAMENTO, Calif. — Commissions met.", "SACRAMENTO", None, None, None),
    ("SACRAMENTO, Calif. — Commissions met.", "Calif.", "California", "STATE", "dateline"),
    ("HAZARD, Ky. (AP) — The head of the EPA spoke.", "Ky.", "Kentucky", "STATE", "dateline"),
    ("BISMARCK, N.D. (AP) — A judge ruled.", "N.D.", "North Dakota", "STATE", "dateline"),
    ("TANGIER ISLAND, Va. (Reuters) - A delegation came.", "Va.", "Virginia", "STATE", "dateline"),
    ("KYIV, Ukraine (Reuters) — Missiles hit the city.", "Ukraine", None, None, None),
    ("PORTO VELHO, Brazil – Smoke lingered.", "Brazil", None, None, None),
    ("Beirut, 09 May - The pound fell to a new low.", "Beirut", None, None, None),
    ("BRUSSELS — The commissioners met on Monday.", "BRUSSELS", None, None, None),
    ("KYIV, Ukraine (Reuters) — Missiles hit the city.", "Reuters", "Reuters", "MEDIA", None),
    ("NCRI - Iran executed four men.", "NCRI", "NCRI", "ORG", None),
    # ... also run into a headline on the first line, or two places and an agency
    (
        "Europe Must Stop Rationing Ukraine's Defence BRUSSELS — Two years into the war, Kyiv waits.",
        "BRUSSELS",
        None,
        None,
        None,
    ),
    (
        "Fix the Front Door: America Needs Legal Pathways EL PASO, Texas — Families wait.",
        "Texas",
        "Texas",
        "STATE",
        "dateline",
    ),
    (
        "Fix the Front Door: America Needs Legal Pathways EL PASO, Texas — Families wait.",
        "EL PASO",
        None,
        None,
        None,
    ),
    (
        "LONDON/ADEN (Harbourline News Service) — Marine insurers raised premiums.",
        "LONDON",
        None,
        None,
        None,
    ),
    # a name modifying a place or thing noun, or after a vessel noun, names no actor
    ("They wait near the Paso del Norte bridge.", "Paso", None, None, None),
    ("Expand the H-2A program beyond agriculture.", "H-2A", None, None, None),
    ("They seized the car carrier Galaxy Leader last year.", "Galaxy Leader", None, None, None),
    # ... and a name after an organisation noun is an organisation
    (
        "The Danish group A.P. Moller-Maersk said it would avoid the route.",
        "A.P. Moller-Maersk",
        "A.P. Moller-Maersk",
        "ORG",
        "ner",
    ),
    # person evidence for a name the model called ORG: a role in apposition or after
    # a copula, or a later surname speaking
    (
        "Alina Brosnan, a demographer at the Marlowe Center for Migration Studies, says no.",
        "Alina Brosnan",
        "Alina Brosnan",
        "PERSON",
        "ner",
    ),
    (
        "The Center for Border Integrity, where Brent Sayles is a senior fellow, says no.",
        "Brent Sayles",
        "Brent Sayles",
        "PERSON",
        "ner",
    ),
    (
        'The Marlowe Center hired Alina Brosnan last year. "It is costly," Brosnan told me.',
        "Alina Brosnan",
        "Alina Brosnan",
        "PERSON",
        "ner",
    ),
    # a one-word "person" after a place preposition, with no person evidence, is a town
    (
        "Russian forces have ground forward at great cost, as at Avdiivka.",
        "Avdiivka",
        None,
        None,
        None,
    ),
    (
        "In February, Ukrainian forces withdrew from Avdiivka after months.",
        "Avdiivka",
        None,
        None,
        None,
    ),
    ("Voters looked at Kowalczyk with hope.", "Kowalczyk", "Kowalczyk", "PERSON", "ner"),
    ("The jobs went to Kowalczyk.", "Kowalczyk", "Kowalczyk", "PERSON", "ner"),
    # a city the knowledge base does not know is no actor when it only says where ...
    ("Vahtra, a researcher at a centre in Tartu, disagreed.", "Tartu", None, None, None),
    ("The government based in Aden is weak.", "Aden", None, None, None),
    ("They bused migrants to Chicago, Denver and New Haven.", "Denver", None, None, None),
    # ... but is one when it acts anywhere in the text, and a US state always is
    ("Denver sued the state. Crime in Denver fell.", "Denver", "Denver", "STATE", None),
    ("The fires in California spread.", "California", "California", "STATE", None),
    ("The fires near Paradise, Calif. spread.", "Calif", "Calif", "STATE", None),
    # the singular of a known group's name as a modifier is that group
    ("Britain struck Houthi missile and radar sites.", "Houthi", "Houthis", "ARMED_GROUP", None),
    # a name the model cut short is the longer name seen before
    (
        "Marsh, head of underwriting at Thameside Marine Mutual, said no. "
        "Shipping data compiled by Thameside Marine Mutual show that fewer ships pass.",
        "data compiled by Thameside Marine Mutual",
        "Thameside Marine Mutual",
        "ORG",
        "ner",
    ),
    # a gerund after a noun that is not its object is a verb, not a modifier of a collective
    (
        "Agents of Customs and Border Protection (CBP) trained to stop smugglers spend their "
        "shifts processing families. Employers who cannot find workers suffer.",
        "shifts",
        None,
        None,
        None,
    ),
    (
        "Oil producing countries cut output.",
        "Oil",
        "oil producing countries",
        "STATE",
        "collective",
    ),
    # an organisation where a newsroom role works is a news outlet
    (
        "Garrett Lindahl is the editorial page editor of the Frontier Standard.",
        "Frontier Standard",
        "Frontier Standard",
        "MEDIA",
        "ner",
    ),
    (
        "Last week in Rio Grande Commons, Marisol Quintanar wrote that we need a fix. "
        "Marisol Quintanar is a columnist for Rio Grande Commons.",
        "Rio Grande Commons",
        "Rio Grande Commons",
        "MEDIA",
        "ner",
    ),
    (
        "She is the director of the Hollis Institute.",
        "Hollis Institute",
        "Hollis Institute",
        "ORG",
        "ner",
    ),
    # regions (LOC to the model) that act or suffer are actors; a region that only
    # says where, or qualifies a thing, is not
    ("The Arctic is warming twice as fast as the planet.", "Arctic", "Arctic", "STATE", "ner"),
    (
        "Hurricane Irma was on course to hit South Florida early on Sunday.",
        "South Florida",
        "South Florida",
        "STATE",
        "ner",
    ),
    (
        "Sea levels are rising in Southern Florida.",
        "Southern Florida",
        "Southern Florida",
        "STATE",
        "ner",
    ),
    ("Europe must act now, the report says.", "Europe", "Europe", "STATE", "ner"),
    (
        "Homes burned in Northern California wildfires.",
        "Northern California",
        "Northern California",
        "STATE",
        "ner",
    ),
    ("Arctic sea ice is melting.", "Arctic sea ice", None, None, None),
    ("Sea levels are rising in Asia.", "Asia", None, None, None),
    ("The Earth is warming.", "Earth", None, None, None),
    ("Oil spilled into the Gulf of Mexico.", "Gulf of Mexico", None, None, None),
    (
        "People in Africa are suffering.",
        "People in Africa",
        "People in Africa",
        "GROUP",
        "collective",
    ),
    (
        "The countries of the Western Balkans have waited for twenty years.",
        "The countries of the Western Balkans",
        "countries of the Western Balkans",
        "STATE",
        "collective",
    ),
    # a surname or one-word name the model left unlabelled (or called a work of art)
    # where the text names the actor elsewhere
    (
        "Climate scientist Cliff Mass spoke on Monday. Curry said Mass was a victim of bullying.",
        "Mass was",
        "Cliff Mass",
        "PERSON",
        "surname",
    ),
    (
        'Andrew Light directs the program. "It matters," Light says.',
        "Light says",
        "Andrew Light",
        "PERSON",
        "surname",
    ),
    (
        "WeWork will no longer serve meat. The ban starts now, WeWork confirmed.",
        "WeWork confirmed",
        "WeWork",
        "ORG",
        "ner",
    ),
    # a place after "in" suffers when a harm comes before it; a bare "in X" only says where
    ("The floods in Houston killed dozens.", "Houston", "Houston", "STATE", "ner"),
    ("He was born in Houston.", "Houston", None, None, None),
    ("Drought in the Sahel worsened.", "Sahel", "Sahel", "STATE", "ner"),
    # errors seen on the bundled samples, each a general rule
    # a US state capital acting is the state's government
    ("Austin has bused migrants to cities in the North.", "Austin", "Texas", "STATE", "capital"),
    # an outlet a speaker talked to, or the source of the dateline
    (
        "Maya Atallah, a senior fellow at the Institute, told Cedarline.",
        "Cedarline",
        "Cedarline",
        "MEDIA",
        "ner",
    ),
    # a county is a local government
    (
        '"We find them," said Sheriff Wade Tolliver of Cantrell County.',
        "Cantrell County",
        "Cantrell County",
        "STATE_BODY",
        "ner",
    ),
    # ... and like a city, a county that only says where is none
    ("He has ties to mosques in Palm Beach County.", "Palm Beach County", None, None, None),
    # a river after "the bank of", a village added after ", at": places, not organisations
    ("Troops hold the left bank of the Dniester, near the border.", "Dniester", None, None, None),
    ("Troops still guard the largest depots in Europe, at Cobasna.", "Cobasna", None, None, None),
    # a policy instrument (and the acronym introduced for it) is no actor
    (
        "Importers report emissions under the Carbon Border Adjustment Mechanism (CBAM). CBAM is the first such levy.",
        "Carbon Border Adjustment Mechanism",
        None,
        None,
        None,
    ),
    (
        "Importers report emissions under the Carbon Border Adjustment Mechanism (CBAM). CBAM is the first such levy.",
        "CBAM is",
        None,
        None,
        None,
    ),
    ("Democrats unveiled the Green New Deal on Thursday.", "Green New Deal", None, None, None),
    # a person may bear a storm's first name
    ("Sandy Smith said the levees failed.", "Sandy Smith", "Sandy Smith", "PERSON", "ner"),
    ("Elizabeth Warren Zeroes In On Climate. Elizabeth Warren spoke.", "Zeroes", None, None, None),
    # the first words of a title run into the name before it are cut off, and a
    # person's name after "the" before a title names a chair
    (
        "Experts including retired Navy Vice Admiral Lee Gunn, economist Joseph Stiglitz, and others testified.",
        "Navy Vice",
        None,
        None,
        None,
    ),
    (
        "According to Siqi Zheng, the Samuel Tak Lee Associate Professor in MIT's Department of Urban Studies, it matters.",
        "Samuel Tak Lee",
        None,
        None,
        None,
    ),
    # an epithet or a common word before a given name leaves the person seen before
    (
        "Greta Thunberg spoke. He told her to 'chill'. Trump tweeted: 'Chill Greta, Chill!'",
        "Greta,",
        "Greta Thunberg",
        "PERSON",
        "given_name",
    ),
    (
        "Hillary Clinton lost the election. Trump still calls her Crooked Hillary at rallies.",
        "Crooked Hillary",
        "Hillary Clinton",
        "PERSON",
        None,
    ),
    # a given name run into an award
    (
        "Greta Thunberg sailed to New York. Time magazine named Greta Person of the Year.",
        "Greta Person",
        "Greta Thunberg",
        "PERSON",
        "given_name",
    ),
    # ... but a given name after another given name is a new person
    (
        "Mary Smith testified. Later Anna Mary was called.",
        "Anna Mary",
        "Anna Mary",
        "PERSON",
        "ner",
    ),
    # an industry named by what it sells, after "funding for"
    (
        "France's Biggest Bank Becomes The First To Cut Off Funding For Natural Gas Fracking "
        "BNP Paribas on Wednesday became the first big bank to pledge it would stop financing fracking.",
        "Fracking",
        "natural gas industry",
        "ORG",
        "collective",
    ),
    ("The bank ended financing for oil projects.", "oil", None, None, None),
    # a numbered region of an agency is its regional office
    (
        "Democrats wrote to EPA head Scott Pruitt. Pruitt denied that Region 5 was on the chopping block.",
        "Region 5",
        "Region 5",
        "STATE_BODY",
        "name_cue",
    ),
    (
        "Democrats wrote to EPA head Scott Pruitt. EPA Region 5 is critical. Region 5 may close.",
        "Region 5 may",
        "EPA Region 5",
        "STATE_BODY",
        "name_cue",
    ),
    ("The Region 5 finals were played in Ohio.", "Region 5", None, None, None),
    # a power bloc named by "the", a modifier and "industrial complex" is a collective actor
    (
        "The military-industrial complex profits from endless war.",
        "military-industrial complex",
        "military-industrial complex",
        "ORG",
        "collective",
    ),
    (
        "It is the rent-seeking world of the Climate Industrial Complex?I can.",
        "Climate Industrial Complex",
        "climate industrial complex",
        "ORG",
        "collective",
    ),
    (
        "The city built an industrial complex near the river.",
        "industrial complex",
        None,
        None,
        None,
    ),
    ("Workers left the vast industrial complex at dusk.", "industrial complex", None, None, None),
    # a verb-like word run into a name the text gives elsewhere is cut off
    (
        "Laura Loomer posted a photo. The FBI misled the public, Loomer Tweeted.",
        "Loomer Tweeted",
        "Laura Loomer",
        "PERSON",
        "surname",
    ),
    # ... but a shouted two-letter stop word before a name is the country ("US")
    (
        "The forecast, from the US National Weather Service (NWS), was grim.",
        "US National Weather Service",
        "US National Weather Service",
        "STATE_BODY",
        "ner",
    ),
    # ... and an organisation may bear a day's name
    (
        "The Earth Day Network organised the rally.",
        "Earth Day Network",
        "Earth Day Network",
        "ORG",
        None,
    ),
    (
        "Elizabeth Deal joined the suit. Deal said the class was unfair.",
        "Deal said",
        "Elizabeth Deal",
        "PERSON",
        None,
    ),
    # an industry named by what it sells, where a substance cannot be
    ("Pruitt declared that the war on coal is over.", "coal", "coal industry", "ORG", "collective"),
    ("The bill will not revive coal in Kentucky.", "coal", "coal industry", "ORG", "collective"),
    ("Power plants burn coal every day.", "coal", None, None, None),
    ("Candidates vowed to end oil, gas and coal leasing on federal land.", "oil", None, None, None),
    # an organisation the model called a facility or an event (its last word names a body)
    (
        "Analysts at the Aden Policy Forum warned of escalation.",
        "Aden Policy Forum",
        "Aden Policy Forum",
        "ORG",
        "ner",
    ),
    # the full name of a person of the text, where the model missed it (a headline run in)
    (
        "Beto O'Rourke Revives Cap-and-Trade Idea for Carbon Emissions We haven't heard much about it. "
        "On Monday, Beto O'Rourke spoke in Texas.",
        "Beto O'Rourke Revives",
        "Beto O'Rourke",
        "PERSON",
        None,
    ),
    # two name-shaped words the model left unlabelled, with a role after them
    (
        '"We have a duty — moral, ethical, but also legal," Andres Restrepo, a lawyer with the '
        "Sierra Club's Environmental Law Program, said.",
        "Andres Restrepo",
        "Andres Restrepo",
        "PERSON",
        "ner",
    ),
    # a name glued to the word before it (text scraped without spaces)
    (
        "Dale Durran studies storms. What changed over the years?Durran says little.",
        "Durran says",
        "Dale Durran",
        "PERSON",
        "surname",
    ),
    # a demonym or party word before a title with no name after it, and no person the
    # title links to, stands for its state or party
    (
        "On Monday the French president said the deal was dead.",
        "French",
        "France",
        "STATE",
        "demonym",
    ),
    (
        "The lawsuit by the Democratic attorney general follows others.",
        "Democratic",
        "Democratic Party",
        "PARTY",
        "demonym",
    ),
    (
        "Emmanuel Macron met Trudeau. Later the French president said the deal was dead.",
        "the French president",
        "Emmanuel Macron",
        "PERSON",
        "title",
    ),
    # ... and before a hyphenated participle
    (
        "The Republican-led House passed the bill.",
        "Republican",
        "Republican Party",
        "PARTY",
        "demonym",
    ),
    ("They fired Russian-made missiles at the port.", "Russian", "Russia", "STATE", "demonym"),
    (
        "It will die in the Republican-controlled Senate.",
        "Republican",
        "Republican Party",
        "PARTY",
        "demonym",
    ),
    # a demonym coordinated with the one that modifies the head shares that head
    (
        "Greta had been addressing Chinese, American, or Indian protesters.",
        "American",
        "American protesters",
        "GROUP",
        "cue",
    ),
    (
        "French and German leaders have threatened not to ratify it.",
        "French",
        "France",
        "STATE",
        "demonym",
    ),
    # a demonym used as a noun for its people, also without "the"
    (
        "In the next months a lot of Chinese will come here.",
        "Chinese",
        "Chinese",
        "GROUP",
        "demonym",
    ),
    # a NORP adjective no state answers to, before a head only an actor has
    (
        "He surrendered to Kurdish forces in northern Iraq.",
        "Kurdish",
        "Kurdish",
        "GROUP",
        "demonym",
    ),
    ("The government in the Amazonian state of Rondonia warned.", "Amazonian", None, None, None),
    # a NORP word used as the noun for its people, with a plural verb; not one person
    ("For centuries the Inuit have lived here.", "Inuit", "Inuit", "GROUP", "ner"),
    ("A Muslim was elected mayor.", "Muslim", None, None, None),
    # a capitalised short form of an organisation seen before
    (
        'A letter from the California Coastal Commission warned of a spill. "We will fight '
        'them again," Coastal Commission Chair Dayna Bochco said.',
        "Coastal Commission Chair",
        "California Coastal Commission",
        "STATE_BODY",
        "short",
    ),
    (
        'Tomás Insua founded the Global Catholic Climate Movement. "It is a joy," said Insua, '
        "the director of the Movement.",
        "the Movement",
        "Global Catholic Climate Movement",
        "ORG",
        "short",
    ),
    # "home" says whose countries, not which: no collective of states
    (
        "Let them apply from their home countries, not pay smugglers.",
        "home countries",
        None,
        None,
        None,
    ),
    # a one-word "place" to the model that no dictionary knows, where a person stands
    (
        "According to Kaku, having immigrants with training provides a shortcut.",
        "Kaku",
        "Kaku",
        "PERSON",
        "ner",
    ),
    (
        "(Overall, kudos to Gervais and Najle for being forthright about their finding.",
        "Gervais",
        "Gervais",
        "PERSON",
        "ner",
    ),
    # ... but not a place whose "and" the parse took for a list: the conjunct is the subject
    # of the next clause
    (
        "Turkey has sent its Syrian allies to attack Afrin and President Recep Tayyip "
        "Erdogan has threatened Manbij.",
        "Afrin",
        "Afrin",
        "STATE",
        None,
    ),
    # (coordinated subjects share the verb that follows: still a person)
    ("Tanya and Jason Badger said they told the authorities.", "Tanya", "Tanya", "PERSON", None),
    # a name right after a kind of news outlet is the outlet, whatever the model's label
    (
        "The remarks were reported by the German newspaper Die Tagespost on Monday.",
        "Die Tagespost",
        "Die Tagespost",
        "MEDIA",
        None,
    ),
    ("The magazine Harpers ran the story.", "Harpers", "Harpers", "MEDIA", None),
    # the outlet's name without its article, later on, is the same outlet
    (
        "It was reported by the German newspaper Die Tagespost. According to the Tagespost "
        "report, the cardinal regrets it.",
        "Tagespost report",
        "Die Tagespost",
        "MEDIA",
        None,
    ),
    # ("publisher" is also a person's job)
    ("The publisher Jann Wenner said so.", "Jann Wenner", "Jann Wenner", "PERSON", None),
    # a function word before a speech verb is no speaker
    (
        "This is encouraging news.\nHaving said that, gun owners can’t make informed choices "
        "if they don’t know who the pro-gun candidates are.",
        "Having",
        None,
        None,
        None,
    ),
    # a one-word name its sentence treats as a person: object of a verb taking a person,
    # followed by a relative "who", or subject with a personal pronoun later on
    ("Pistorius fatally shot Steenkamp in his home.", "Steenkamp", "Steenkamp", "PERSON", None),
    (
        "And Chaffetz, who criticized the comments on the investigation, has his own history.",
        "Chaffetz",
        "Chaffetz",
        "PERSON",
        "person_cue",
    ),
    (
        "Donnelly was criticized after the Associated Press reported he profited from a business.",
        "Donnelly",
        "Donnelly",
        "PERSON",
        "person_cue",
    ),
    # the subject of a passive of such a verb, or of "be" with a role noun; a surname
    # the model tags as a plural (a singular verb, or no common word)
    ("Mateen was interviewed three times by FBI agents.", "Mateen", "Mateen", "PERSON", None),
    (
        "Sessions was the first U.S. senator to endorse Trump during the campaign.",
        "Sessions",
        "Sessions",
        "PERSON",
        "person_cue",
    ),
    ("Mendoza is the only lawmaker who has been suspended.", "Mendoza", "Mendoza", "PERSON", None),
    ("Nunes met the source on White House grounds.", "Nunes", "Nunes", "ORG", "agent"),
    # a title-case line after a title: a given name ending in -s is no headline verb
    (
        "The prelates have signed.\n\nCardinal Janis Pujats, Emeritus Archbishop Of Riga, "
        "Latvia\n\nThe profession was published.",
        "Janis Pujats",
        "Janis Pujats",
        "PERSON",
        "ner",
    ),
    # a name after a kind of organisation, though the model tags a word of it as a verb
    (
        "The address, reported by the German Catholic newspaper Die Tagespost, made it clear.",
        "Die Tagespost",
        "Die Tagespost",
        "MEDIA",
        "ner",
    ),
    # a one-word "nationality" to the model that no dictionary knows, standing as a noun
    (
        "Campaign groups including Bankwatch have tried to keep track.",
        "Bankwatch",
        "Bankwatch",
        "ORG",
        "ner",
    ),
    # a generic singular demonym is the people
    ("Every American deserves clean air.", "American", "American", "GROUP", "demonym"),
    (
        "The average American's carbon footprint is 20 tons.",
        "American",
        "American",
        "GROUP",
        "demonym",
    ),
    # a transcript's shouted speaker label, linked to the person named in full
    (
        "BANNON: No, I think he comes out in a much more battle-hardened position.",
        "BANNON",
        "Bannon",
        "PERSON",
        "speaker",
    ),
    (
        "Steve Bannon joined us.\n\nBANNON: Thank you.",
        "BANNON",
        "Steve Bannon",
        "PERSON",
        "speaker",
    ),
    # a place that stands for its people or industry where it acts or suffers
    (
        "Silicon Valley is investing in clean energy.",
        "Silicon Valley",
        "Silicon Valley",
        "STATE",
        "ner",
    ),
    ("The Gulf Coast was hit hardest by the storm.", "Gulf Coast", "Gulf Coast", "STATE", "ner"),
    # the subject of "be" with a kind of organisation
    ("Glencore is the largest coal miner in Australia.", "Glencore", "Glencore", "ORG", "name_cue"),
    # a list the model ran into one entity, a knowledge-base name first
    (
        "Hillary Clinton blamed the Democratic National Committee, Facebook, and Infowars.",
        "Facebook",
        "Facebook",
        "ORG",
        "ner",
    ),
    # a one-word name before what only a person has
    (
        "Lugar’s political career began in 1964 when he ran for the board.",
        "Lugar",
        "Lugar",
        "PERSON",
        "person_cue",
    ),
    (
        "Republicans want to speed Kavanaugh’s confirmation vote.",
        "Kavanaugh",
        "Kavanaugh",
        "PERSON",
        None,
    ),
    # a title before a surname the model left unlabelled
    (
        "“Special Counsel Mueller will have all appropriate resources,” Rosenstein said.",
        "Mueller",
        "Mueller",
        "PERSON",
        "titled_name",
    ),
    # a knowledge-base surname used as another person's given name
    (
        "The decision by Air Force Col. Vance Spath, who voiced exasperation, was final.",
        "Vance Spath",
        "Vance Spath",
        "PERSON",
        "ner",
    ),
    ("Vladimir Putin met the envoy.", "Vladimir Putin", "Vladimir Putin", "PERSON", None),
    (
        "Disturbing video of young Trump Supporter having his MAGA hat stolen.",
        "Trump",
        "Donald Trump",
        "PERSON",
        "alias",
    ),
    # an unlabelled name coordinated with a linked one takes its type
    (
        "It would require six more Democrats to join Heitkamp and Manchin on the vote.",
        "Manchin",
        "Manchin",
        "ORG",
        "agent",
    ),
]


@pytest.mark.parametrize(("text", "span", "canonical", "type_", "method"), LINKING)
def test_linking_and_typing(
    run, text: str, span: str, canonical: str | None, type_: str | None, method: str | None
) -> None:
    layer = run(text)
    actor, m = actor_at(layer, text, span)
    if canonical is None:
        # not an actor: either no mention, or the word belongs to another mention's span only
        assert m is None or (m.text != span and span not in m.text), (span, m)
        return
    assert actor is not None, (span, layer.mentions)
    assert _norm(canonical) in names_of(layer, actor.actor_id), (canonical, actor)
    assert actor.type == type_
    if method:
        assert m.method == method, m


NOT_ACTORS = [
    # a storm's name is no person, nor is its bare name later on
    ("Superstorm Sandy flooded the subway. After Sandy, the city built walls.", "Sandy"),
    ("The report covers supertyphoon Haiyan in November 2013.", "Haiyan"),
    ("Hurricane Katrina destroyed the levees. Katrina killed many.", "Katrina"),
    # a day observed is no actor, though its name holds an actor's words
    ("The EDL planned a march to mark Armed Forces Day on 29 June.", "Armed Forces Day"),
    ("Students skipped school on Global Climate Strike Day.", "Climate Strike Day"),
    # a capitalised common word the text also writes in lower case is none
    ("Maue knew the difference between weather and climate. Weather is what you wear.", "Weather"),
    ("Greta Thunberg spoke. He told her to 'chill'. Trump tweeted: 'Chill Greta, Chill!'", "Chill"),
    # page furniture and units of measure are no organisations
    ("Content created by The Daily Caller News Foundation is free to use.", "Content"),
    ("Temperatures rise 2.7 degrees Fahrenheit, United Nations scientists say.", "Fahrenheit"),
    # a capitalised word that "speaks" but is no name: a thing, a quoted word, God
    ("Theory suggests that the ice is melting.", "Theory"),
    ('"Revulsion," Haig said of his reaction.', "Revulsion"),
    ("He believes that God is asking us to change.", "God"),
    ("“Why not? Everybody says it was litigated,” she said.", "Everybody"),
    ("If you read the verse, you will see that Scripture tells us to obey.", "Scripture"),
    ("Mother of the victim, Allison Jean, says the smear is unacceptable.", "Mother"),
    # rites, teachings and meteor showers the model calls organisations or places
    ("Divorced Catholics may receive Holy Communion in some cases.", "Holy Communion"),
    ("Francis invoked the authentic Magisterium to cloak his novelties.", "Magisterium"),
    ("This would make the Geminids one of only two major meteor showers.", "Geminids"),
    # photo credits: the photographer and the agency of a picture are no actors
    ("Trump spoke. (Photo: Kevin Lamarque/Reuters) On the eve, he signed it.", "Kevin Lamarque"),
    ("Trump spoke. (Photo: Kevin Lamarque/Reuters) On the eve, he signed it.", "Reuters"),
    ("The ice shelf cracked. (AP Photo/Ellen Knickmeyer) Officials met.", "Ellen Knickmeyer"),
    ("Trump spoke.\nPhoto: Getty Images\nHe signed it.", "Getty"),
    ("The moon.\nDibyangshu Sarkar/AFP/Getty Images\nIndia launched a probe.", "AFP"),
    ("The moon.\nDibyangshu Sarkar/AFP/Getty Images\nIndia launched a probe.", "Sarkar"),
    ("Crowds marched. (AP Photo/Nam Y. Huh)APIt seems like every week there's news.", "APIt"),
    # a title alone is no actor, whatever the model's label
    ("In his letter, Fr. Weinandy made a point of stating that he is no signatory.", "Fr"),
    # a capitalised word that acts but is no name: an opener the text never writes
    # mid-sentence, a deity, a disease, a photo credit, the end of a longer name, a body
    # after "the"
    ("Irony dominates the debate about the climate.", "Irony"),
    ("Research shows that the ice is melting.", "Research"),
    # a person's context around no name: a pronoun inside the subject, a "who" of another
    # noun, an office before "of", a gerund
    ("Impeachment for her and Watson is the solution.", "Impeachment"),
    (
        "The plea comes from Islamic converts to Catholicism, who want Francis to answer.",
        "Catholicism",
    ),
    ("The pope appointed Consultor of the Secretariat a well-known critic.", "Consultor"),
    ("Retailing these poisonous lies ought to hurt her chances.", "Retailing"),
    (
        "Run for your lives! Fifthly, a citizen who has committed no crime is denied his rights.",
        "Fifthly",
    ),
    ("Sessions were held to hear the witnesses.", "Sessions"),
    ("UPDATE: The story was corrected on Monday.", "UPDATE"),
    (
        "6 of 30 Photos: Mass shooting at Las Vegas music festival Concertgoers dive over a fence.",
        "Concertgoers",
    ),
    ("Nope, the former secretary of state said it herself.", "Nope"),
    ("Whosoever therefore resisteth the power, resisteth the ordinance of God.", "Whosoever"),
    ("They are asking the kids to write the beginning of Surahs every day.", "Surahs"),
    ("Death Valley is the hottest place on Earth.", "Death Valley"),
    ("Temperatures plunged until the Thames River froze over.", "Thames"),
    ("The Server Vanished (He Tried To Block Him, But Logins Continued) on Monday.", "Logins"),
    ("THE FACTS: The claim is speculation, at best.", "FACTS"),
    # a name coordinated with places is no actor by coordination
    (
        "Smaller burgs such as Athens (1,000), Bramwell (360) and Oakvale (120) lost jobs.",
        "Oakvale",
    ),
    ("The Deputy Director warned staff on Monday.", "Director"),
    (
        "Retail Giant Vows To Slash Emissions Walmart on Tuesday pledged to cut its emissions.",
        "Emissions",
    ),
    ("Activists Vow To Fight New Pipeline Protesters on Monday blocked the road.", "Pipeline"),
    ("In the end, Christ willed it so, and the priests obeyed.", "Christ"),
    ("They are nothing but dirt, and Allah has created them.", "Allah"),
    (
        "We must act while we can, or Heaven itself will intervene in a manner that surprises us.",
        "Heaven",
    ),
    ("As the virus moved to the city, Ebola spread more quickly.", "Ebola"),
    ("Morbitzer said.\nSam Greene/Cincinnati Enquirer via USA TODAY ordered it.", "Enquirer"),
    ("Open Hillel seeks to open the group to BDS.", "Hillel"),
    # a product or a day the model labelled stays no person
    ("He bought Windows for his son.", "Windows"),
    ("They thanked Wednesday for her help.", "Wednesday"),
    # a kind of outlet alone in a citation, an archaic pronoun: no names
    ("Wages are surging, The Economist, Magazine, November 14th 2017.", "Magazine"),
    ("Whosoever shall shed man's blood, his blood shall be shed.", "Whosoever"),
    ("The Conference of the Parties (COP) comes shortly after the report.", "Conference"),
    # title-case headline words after a title ("Judge") are no person's name
    ("Judge Halts Pipeline Work After Tribe Sues", "Halts Pipeline Work"),
    (
        "Judge Halts Pipeline Work After Tribe Sues A federal judge on Monday ordered a halt "
        "to construction.",
        "Halts Pipeline Work",
    ),
]


@pytest.mark.parametrize(("text", "word"), NOT_ACTORS)
def test_not_actors_anywhere(run, text: str, word: str) -> None:
    """No mention covers any occurrence of ``word``."""
    layer = run(text)
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(word), text)]
    assert spans
    hits = [m for m in layer.mentions for s, e in spans if m.start < e and s < m.end]
    assert not hits, hits


FOUND = [
    # names the model tags as common words or runs into other names: found, whatever the type
    ("O'Rourke's plan costs five trillion dollars.", "O'Rourke"),
    ("Zinke’s Interior Department approved it.", "Zinke"),
    # a one-word name the model left unlabelled, found because it speaks
    ("Masipa said prosecutors had not proven it.", "Masipa"),
    ('"We are being robbed by industry," Landrum said, her voice rising.', "Landrum"),
    ('"Pagliano ignored a subpoena," Chaffetz wrote.', "Chaffetz"),
    # a name no dictionary knows right before a verb of speaking, whatever the parse
    ("Turnbull on Tuesday said foreign interference would be outlawed.", "Turnbull"),
    ("Later Rauner said he preferred raising the national minimum.", "Rauner"),
    ("Informal in a neon green T-shirt, Abiy told the supporters that change was coming.", "Abiy"),
    # names the model tags as a verb or an adjective
    ("Ørsted is building the world's largest offshore wind farm.", "Ørsted"),
    ("BloombergNEF estimates that solar is now cheaper than coal.", "BloombergNEF"),
    # a name run into the photo credit before it
    (
        "The probe sent a photo.\n© Getty Carl Sagan and the 'Pale Blue Dot' photograph",
        "Carl Sagan",
    ),
    # a sentence-opening name the text never repeats, found because it is no common word
    # (the model's label kept, or the subject of a verb)
    ("Enriquez was the last of four women who were murdered by the agent.", "Enriquez"),
    ("Hagel didn't really succeed at either.", "Hagel"),
    ("Romney offers powerful alternative to apologizing for America", "Romney"),
    # a surname the model tags as a plural noun, subject of a singular verb
    ("Sanders has nearly doubled his support, garnering 30 percent in the poll.", "Sanders"),
    # ... or the model's PERSON tagged as a plural noun, the bare subject of a verb of speaking
    ("Sanders told reporters that the two campaigns are coming closer.", "Sanders"),
    ('"You are running down a slippery slope," Sanders said.', "Sanders"),
    # the subject of "was born"; the subject of "tweeted"
    ("Mateen was born in New York to Afghan immigrants.", "Mateen"),
    ("Rice on Sunday retweeted a message about the vote.", "Rice"),
    # a one-word name the model took for a date or a product, which no dictionary knows
    ("Prosecutors charged Mateen with murder.", "Mateen"),
    (
        "The White House said Romney congratulated the president for his successful campaign.",
        "Romney",
    ),
]

# plural nouns that speak are people, not names: no actor of their own
PLURAL_SPEAKERS = [
    "Critics said the plan would fail.",
    "Officials told reporters that the plan was ready.",
    "Insiders said the deal was close.",
    "Supporters told reporters they were thrilled.",
    "Observers said the vote was fair.",
    "Aides said the president was angry.",
]


@pytest.mark.parametrize("text", PLURAL_SPEAKERS)
def test_plural_speakers_are_no_names(run, text: str) -> None:
    word = text.split()[0]
    layer = run(text)
    assert not any(word in m.text and m.method in ("ner", "speaker") for m in layer.mentions), (
        layer.mentions
    )
    assert not any(a.name == word for a in layer.actors), layer.actors


@pytest.mark.parametrize(("text", "span"), FOUND)
def test_found(run, text: str, span: str) -> None:
    layer = run(text)
    actor, m = actor_at(layer, text, span)
    assert actor is not None and m.text.startswith(span), (span, layer.mentions)


# --------------------------------------------------------------------------- unnamed collective actors
def test_bare_head_links_to_the_earlier_collective(run) -> None:
    text = "Environmental groups sued. Later the groups won."
    layer = run(text)
    first, _ = actor_at(layer, text, "Environmental groups")
    later, m = actor_at(layer, text, "groups", occurrence=1)
    assert first is not None and later is not None and first.actor_id == later.actor_id
    assert m.method == "collective"


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Stupid people vote. Courts take guns from people who are dangerous.", False),
        ("Abuse victims spoke. The pope met the victims on Sunday.", True),
    ],
)
def test_bare_head_links_back_only_after_a_determiner(run, text: str, linked: bool) -> None:
    layer = run(text)
    head = text.split()[1]
    first, _ = actor_at(layer, text, head)
    later, _ = actor_at(layer, text, head, occurrence=1)
    assert first is not None
    assert (later is not None and later.actor_id == first.actor_id) == linked, layer.mentions


COLLECTIVES = [
    "Iran-backed militias attacked the base.",
    "Iran's proxies attacked the base.",
    "Iran proxies attacked the base.",
    "Iran-aligned groups attacked the base.",
    "Pro-Iranian militias attacked the base.",
    "Tehran-backed militias attacked the base.",
]


@pytest.mark.parametrize("text", COLLECTIVES)
def test_collective_actor_with_sponsor(run, text: str) -> None:
    layer = run(text)
    coll = [a for a in layer.actors if a.type == "ARMED_GROUP"]
    assert len(coll) == 1, layer.actors
    assert coll[0].name == "Iran-backed militias" and coll[0].sponsor == "IRN"
    assert ("IRN", "sponsor", coll[0].actor_id) in rel_set(layer)


def test_collective_phrases_merge_into_one_actor(run) -> None:
    text = (
        "Iran-backed militias grew. Iran's proxies gained seats. Those Iran-aligned groups answer to Tehran. "
        "The Iranian militias cannot be left alone."
    )
    layer = run(text)
    ids = {
        actor_at(layer, text, s)[0].actor_id
        for s in (
            "Iran-backed militias",
            "Iran's proxies",
            "Iran-aligned groups",
            "Iranian militias",
        )
    }
    assert ids == {"iran-backed-militias"}


def test_demonym_militias_without_a_sponsor_stay_their_own_actor(run) -> None:
    layer = run("Iraqi militias patrolled the border.")
    a = next(a for a in layer.actors if a.type == "ARMED_GROUP")
    assert a.name == "Iraqi militias" and a.sponsor is None and a.country == "IRQ"


# --------------------------------------------------------------------------- relations
RELATIONS = [
    (  # (a relation needs both actors in the table: the party is named too)
        "Republicans won. Mitch McConnell, a Kentucky Republican, objected.",
        "Mitch McConnell",
        "member_of",
        "Republican Party",
    ),
    ("Democratic Rep. Ilhan Omar agreed.", "Ilhan Omar", "member_of", "Democratic Party"),
    (
        "Senate Democratic leader Chuck Schumer called it a disgrace.",
        "Chuck Schumer",
        "member_of",
        "Democratic Party",
    ),
    (
        "Washington's governor, Democrat Jay Inslee, is running.",
        "Jay Inslee",
        "member_of",
        "Democratic Party",
    ),
    ("The Houthis, armed and financed by Iran, fired a missile.", "Iran", "sponsor", "Houthis"),
    ("Hezbollah, backed by Iran, fought in Syria.", "Iran", "sponsor", "Hezbollah"),
    ("The Iran-backed Houthis attacked a ship.", "Iran", "sponsor", "Houthis"),
    (
        "The Pentagon blamed Kataib Hezbollah, an Iran-backed militia, for the strike.",
        "Iran",
        "sponsor",
        "Kataib Hezbollah",
    ),
    ("Iran proxies like Hezbollah in Lebanon have done it before.", "Iran", "sponsor", "Hezbollah"),
    (
        "Iran proxies like Hezbollah in Lebanon have done it before.",
        "Hezbollah",
        "based_in",
        "Lebanon",
    ),
    (
        "Kataib Hezbollah, a faction of the Popular Mobilization Forces, claimed the strike.",
        "Kataib Hezbollah",
        "member_of",
        "Popular Mobilization Forces",
    ),
    (
        "The Taliban's return has emboldened al-Shabaab in Somalia.",
        "al-Shabaab",
        "based_in",
        "Somalia",
    ),
    (
        "Sistani should work with other anti-Iran voices in Iraq, like Muqtada al-Sadr.",
        "Muqtada al-Sadr",
        "opposes",
        "Iran",
    ),
    ("Hamas, an ally of Iran, rejected the deal.", "Hamas", "ally", "Iran"),
    ("Israel attacked Hezbollah.", "Israel", "opposes", "Hezbollah"),
    ("Iran arms the Houthis.", "Iran", "sponsor", "Houthis"),
]


@pytest.mark.parametrize(("text", "source", "kind", "target"), RELATIONS)
def test_relations(run, text: str, source: str, kind: str, target: str) -> None:
    layer = run(text)
    assert has_relation(layer, source, kind, target), layer.relations


@pytest.mark.parametrize(
    "text",
    [
        "Israel did not attack Hezbollah.",  # negated
        "Macron met Scholz in Berlin.",  # no relation verb
        "Kataib Hezbollah and the Popular Mobilization Forces claimed the strike.",
        "Congress must fund Immigration and Customs Enforcement.",  # a call, not a fact
        "Koch-funded groups lobbied Congress.",  # no armed collective for a non-state sponsor
    ],
)
def test_no_relation(run, text: str) -> None:
    assert not run(text).relations


# --------------------------------------------------------------------------- pronouns and title nominals
PRONOUNS = [
    # text, pronoun, occurrence, expected canonical (None: left unlinked)
    ("The sanctions target Iran and its proxies.", "its", 0, "Iran"),  # "X and its Y"
    ("Biden met Macron. The plan angers Russia and its allies.", "its", 0, "Russia"),
    ("Trump attacked the EPA. It had angered him.", "It", 0, None),  # "it" only from subjects
    (
        "Macron met Scholz in Berlin. He pressed the chancellor on defence spending.",
        "He",
        0,
        "Emmanuel Macron",
    ),
    (
        "Macron met Scholz in Berlin. He pressed the chancellor on defence spending.",
        "the chancellor",
        0,
        "Olaf Scholz",
    ),
    (
        "The Democrats blocked the bill, while the GOP accused them of obstruction.",
        "them",
        0,
        "Democratic Party",
    ),
    ("Biden praised Zelensky, who thanked him.", "him", 0, "Joe Biden"),
    ("The mullahs have proven that they will continue their malign behaviour.", "they", 0, "Iran"),
    ("The mullahs have proven that they will continue their malign behaviour.", "their", 0, "Iran"),
    ("Hezbollah, backed by Iran, fought in Syria. It also controls ports.", "It", 0, "Hezbollah"),
    (
        "Iran-backed militias have exploited ISIS to consolidate their hold on power.",
        "their",
        0,
        "Iran-backed militias",
    ),
    (
        "Tehran denied the claim, and the Iranian foreign ministry called it a lie.",
        "it",
        0,
        None,
    ),  # object "it"
    (
        "Sistani cannot dismantle the PMF, as it would cause a backlash.",
        "it",
        0,
        None,
    ),  # an event, not the PMF
    ("It is time to act on Iran.", "It", 0, None),  # expletive
    ("She said the talks failed.", "She", 0, None),  # nobody to refer to
    (
        "Grand Ayatollah Ali al-Sistani urged calm. The cleric said Iraqis must unite.",
        "The cleric",
        0,
        "Ali al-Sistani",
    ),
    (
        "Angela Merkel and Emmanuel Macron spoke. The chancellor said Germany would help.",
        "The chancellor",
        0,
        "Angela Merkel",
    ),
    ("Critics call the minister corrupt.", "the minister", 0, None),
    ("Hezbollah's defenders say its weapons protect the South.", "its", 0, "Hezbollah"),
    (
        "BRUSSELS - Ukraine is not losing ground because its soldiers lack courage.",
        "its",
        0,
        "Ukraine",
    ),
    ("Russia attacked. Give Ukraine what it needs.", "it", 0, None),  # not a main-clause subject
]


@pytest.mark.parametrize(("text", "span", "occurrence", "canonical"), PRONOUNS)
def test_pronouns_and_titles(
    run, text: str, span: str, occurrence: int, canonical: str | None
) -> None:
    layer = run(text)
    actor, m = actor_at(layer, text, span, occurrence)
    if canonical is None:
        assert m is None or m.text.lower() != span.lower(), m
        return
    assert actor is not None, layer.mentions
    assert _norm(canonical) in names_of(layer, actor.actor_id), actor
    assert m.method in ("pronoun", "title")


@pytest.mark.parametrize(
    "text",
    [
        "Macron met Scholz. He told HIM that it was their plan, and its cost hers.",
        "They said so. The GOP accused them; She and It are names here.",
        "",
    ],
)
def test_pronoun_index_matches_a_scan_of_every_token(nlp, text: str) -> None:
    """The pronoun rule visits exactly the tokens a scan of the whole doc would keep."""
    from stancekit.actors import _PRON_NEUTER, _PRON_PERSON, _PRON_PLURAL, _pronoun_tokens

    doc = nlp(text)
    every = _PRON_PERSON | _PRON_PLURAL | _PRON_NEUTER
    scan = [t.i for t in doc if t.lower_ in every and t.tag_ in ("PRP", "PRP$")]
    assert [t.i for t in _pronoun_tokens(doc)] == scan
    assert bool(scan) == bool(text)


def test_pronouns_can_be_switched_off(run) -> None:
    layer = run(
        "Macron met Scholz. He smiled.", config=AnalysisConfig(options={"actors.pronouns": False})
    )
    assert not any(m.method == "pronoun" for m in layer.mentions)


# --------------------------------------------------------------------------- headline casing
HEADLINES = [
    (
        "NEW YORK TIMES REPORTS: IRAN SHOULD BE WORRIED",
        ["The New York Times", "Iran"],
        ["REPORTS", "SHOULD"],
    ),
    (
        "WE SHOULD LISTEN CLOSELY TO IRAN Created: 26 January 2018",
        ["Iran"],
        ["SHOULD", "IRAN Created", "Created"],
    ),
    ("TRUMP TELLS US TO WAIT", ["Donald Trump"], ["US"]),
    (
        "WAGNER CHIEF PRIGOZHIN DEAD IN PLANE CRASH",
        ["Wagner Group", "Yevgeny Prigozhin"],
        ["CHIEF", "DEAD"],
    ),
    (
        "Regime Change Is Only Way to Stop Iran Proxies in Iraq",
        ["Iran", "Iraq", "Iran-backed militias"],
        ["Regime Change"],
    ),
    ("Europe Must Stop Rationing Ukraine's Defence", ["Ukraine"], ["Europe Must Stop"]),
    (
        "Insurers Raise Red Sea Premiums as EU Launches Naval Mission",
        ["European Union"],
        ["Insurers Raise Red Sea Premiums"],
    ),
    (  # persons named only in the title, listed with a known person
        "Democrats Want Us To Believe All Women…Unless They’re Accusing Keith Ellison, "
        "Bill Clinton, Al Franken Or George Soros",
        ["Keith Ellison", "Bill Clinton", "Al Franken", "George Soros"],
        [],
    ),
]


@pytest.mark.parametrize(("title", "actors", "not_actors"), HEADLINES)
def test_headline_casing(run, title: str, actors: list[str], not_actors: list[str]) -> None:
    layer = run("The story follows.", title=title)
    names = {a.name for a in layer.actors}
    assert set(actors) <= names, layer.actors
    texts = {m.text for m in layer.mentions}
    for word in not_actors:
        assert word not in texts


def test_title_person_whose_surname_recurs_in_the_body(run) -> None:
    layer = run("Many read what Wills wrote.", title="Religion Author Gary Wills: A Review")
    assert "Gary Wills" in {a.name for a in layer.actors}, layer.actors


def test_title_mentions_are_flagged_and_boost_salience(run) -> None:
    layer = run("Iraq held elections. Iraq voted. Iraq counted. Iran waited.", title="Iran Waits")
    iran = next(a for a in layer.actors if a.name == "Iran")
    assert iran.in_title
    assert any(m.in_title for m in layer.mentions if m.actor_id == "IRN")
    assert abs(sum(a.salience for a in layer.actors) - 1.0) < 1e-3


# --------------------------------------------------------------------------- user knowledge base
def test_user_actors_are_found(run) -> None:
    cfg = AnalysisConfig(
        actors=[{"name": "Coalition for Tomorrow", "type": "PARTY", "aliases": ["CfT"]}]
    )
    layer = run("The CfT won the vote in Lyon.", config=cfg)
    a = next(a for a in layer.actors if a.actor_id == "coalition-for-tomorrow")
    assert a.type == "PARTY" and a.kb_id == "coalition-for-tomorrow"


def test_replaced_kb_still_finds_entities_by_ner(run) -> None:
    cfg = AnalysisConfig(actors=[{"name": "Group X", "type": "GROUP"}], replace_actors=True)
    layer = run("Emmanuel Macron met Group X in Paris.", config=cfg)
    assert {a.name for a in layer.actors} >= {"Emmanuel Macron", "Group X"}
    assert next(a for a in layer.actors if a.name == "Emmanuel Macron").kb_id is None


# --------------------------------------------------------------------------- invariants
def test_offsets_and_records_are_consistent(run) -> None:
    text = "Iran-backed militias, armed by Tehran, attacked US forces. They fled. The Pentagon said so."
    layer = run(text, title="IRAN PROXIES STRIKE")
    from stancekit.nlp import SEPARATOR

    full = "IRAN PROXIES STRIKE" + SEPARATOR + text
    ids = {a.actor_id for a in layer.actors}
    for m in layer.mentions:
        assert full[m.start : m.end] == m.text
        assert m.actor_id in ids
    assert [m.mention_id for m in layer.mentions] == list(range(len(layer.mentions)))
    for a in layer.actors:
        assert a.n_mentions == sum(m.actor_id == a.actor_id for m in layer.mentions)
        assert a.stance == "neutral" and a.stance_score == 0.0
    for r in layer.relations:
        assert r.source_id in ids and r.target_id in ids
        assert 0 <= r.start < r.end <= len(full)


def test_deterministic(run) -> None:
    text = "Iran-backed militias attacked. Sistani urged calm; he met Muqtada al-Sadr."
    assert run(text).to_dict() == run(text).to_dict()


def test_empty_text(run) -> None:
    assert run("") == ActorLayer()


# --------------------------------------------------------------------------- the seed article
def _seed_title_body(shared_dir: Path, gold: dict) -> tuple[str, str]:
    raw = (shared_dir / "samples" / "iran-proxies-iraq.raw.txt").read_text(encoding="utf-8")
    doc = gold["document"]
    try:
        from stancekit.load import document_from_text

        d = document_from_text(raw)
        if d.text.startswith(doc["body_starts_with"]) and d.text.rstrip().endswith(
            doc["body_ends_with"]
        ):
            return doc["title"], d.text
    except ImportError:  # pragma: no cover - before the loader existed
        pass
    start = raw.index(doc["body_starts_with"])
    end = raw.index(doc["body_ends_with"]) + len(doc["body_ends_with"])
    return doc["title"], raw[start:end]


@pytest.fixture(scope="module")
def seed(shared_dir, gold, nlp):
    from stancekit.nlp import parse

    title, body = _seed_title_body(shared_dir, gold)
    parsed = parse(title, body, nlp)
    return parsed, extract_actors(parsed)


def _gold_actor(layer: ActorLayer, g: dict):
    want = _norm(g["canonical"])
    for a in layer.actors:
        if want in names_of(layer, a.actor_id):
            return a
    return None


@pytest.mark.shared
def test_seed_core_actors_found_typed_and_linked(seed, gold) -> None:
    _parsed, layer = seed
    found = typed = linked = 0
    problems = []
    for g in gold["actors"]:
        a = _gold_actor(layer, g)
        if a is None:
            problems.append(f"missing {g['canonical']}")
            continue
        found += 1
        typed += a.type == g["type"]
        if a.type != g["type"]:
            problems.append(f"{g['canonical']}: {a.type} != {g['type']}")
        ok = True
        for alias in g["mentions_include"]:
            forms = [
                m
                for m in layer.mentions
                if _fold(alias) in _fold(m.text) and m.actor_id == a.actor_id
            ]
            if not forms:
                ok = False
                problems.append(f"{g['canonical']}: {alias!r} not linked")
        linked += ok
    n = len(gold["actors"])
    # issue targets: 13/13 found, >= 12 typed as gold, >= 11 with every alias linked
    assert found == n, problems
    assert typed >= n - 1, problems
    assert linked >= n - 2, problems
    assert not problems  # current behaviour: all of them


@pytest.mark.shared
def test_seed_collective_actor_and_relations(seed, gold) -> None:
    _parsed, layer = seed
    stretch = gold["stretch_actors"][0]
    coll = _gold_actor(layer, stretch)
    assert coll is not None and coll.type == "ARMED_GROUP" and coll.sponsor == "IRN"
    for alias in stretch["mentions_include"]:
        assert any(
            _fold(alias) in _fold(m.text) and m.actor_id == coll.actor_id for m in layer.mentions
        ), alias
    for r in gold["relations"]:
        assert has_relation(layer, r["source"], r["kind"], r["target"]), r
    assert has_relation(layer, "Muqtada al-Sadr", "opposes", "Iran")


@pytest.mark.shared
def test_seed_pronouns(seed) -> None:
    parsed, layer = seed
    text = parsed.text
    expected = [
        ("their country", "Iraqis"),
        ("They have violently", "Popular Mobilization Forces"),
        ("He is also unable", "Ali al-Sistani"),
        ("they will exacerbate", "Iran-backed militias"),
        ("they will continue", "Iran"),
    ]
    for phrase, canonical in expected:
        start = text.index(phrase)
        m = next(m for m in layer.mentions if m.start == start)
        assert _norm(canonical) in names_of(layer, m.actor_id), (phrase, m)


def test_headline_demonym_of_a_place_in_the_text(run) -> None:
    """A capitalised plural opening a title-case headline is a people when the text names
    its place ("Detroiters" ... "in Detroit"); "Scientific Papers" has no place."""
    layer = run(
        "Hundreds of people marched in Detroit on Monday.",
        title="Detroiters March For Green New Deal",
    )
    assert any(m.text == "Detroiters" and m.method == "collective" for m in layer.mentions)
    layer = run(
        "Hundreds of papers appeared in 2017.",
        title="Scientific Papers Say Global Warming Is a Myth",
    )
    assert not any("Papers" in m.text for m in layer.mentions)


def test_headline_surname_never_written_lower_case(run) -> None:
    """A surname opening a title-case headline links to the person of the body when the
    word is never a common word of the text ("Watters"); "Mass" is not linked when the
    text also writes "mass"."""
    layer = run(
        "Fox host Jesse Watters said the plan was a scam.",
        title="Watters on Beto's Climate Plan: A Scam",
    )
    assert any(m.text == "Watters" and m.method == "surname" for m in layer.mentions)
    layer = run(
        "Cliff Mass said the mass of evidence was thin.",
        title="Mass Protests Greet the Climate Plan",
    )
    assert not any(m.text == "Mass" and m.start < 10 for m in layer.mentions)
