"""The actor knowledge base: packaged file, normalisation, user extension, rebuild script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stancekit.actors import ActorKB, KBEntry, alias_key, load_kb, slugify, type_entity, word_tokens
from stancekit.config import AnalysisConfig
from stancekit.errors import LoadError, StancekitValueError
from stancekit.resources import read_text
from stancekit.types import ACTOR_TYPES

ROOT = Path(__file__).resolve().parent.parent
RES = ROOT / "src" / "stancekit" / "resources"


# --------------------------------------------------------------------------- normalisation
@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Iran-backed militias", ["iran", "backed", "militias"]),
        ("Iran’s proxies", ["iran", "'s", "proxies"]),
        ("Iran's proxies", ["iran", "'s", "proxies"]),
        ("Asa'ib Ahl al-Haq", ["asaib", "ahl", "al", "haq"]),
        ("Kata’ib Hezbollah", ["kataib", "hezbollah"]),
        ("U.S. forces", ["u", ".", "s", ".", "forces"]),
        ("Médecins Sans Frontières", ["medecins", "sans", "frontieres"]),
        ("the mullahs' rule", ["the", "mullahs", "'", "rule"]),
        ("PMOI/MEK", ["pmoi", "/", "mek"]),
    ],
)
def test_word_tokens_normalise_like_aliases(text: str, keys: list[str]) -> None:
    assert [k for k, _, _ in word_tokens(text)] == keys


def test_word_token_offsets_point_into_the_text() -> None:
    text = "Iran’s “proxies” — Kata'ib Hezbollah (KH)."
    for key, s, e in word_tokens(text):
        assert 0 <= s < e <= len(text)
        assert alias_key(text[s:e]) in ((key,), (key, "'s")) or key in ("'s", "'")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Iran-backed militias", "iran-backed-militias"),
        ("Médecins Sans Frontières", "medecins-sans-frontieres"),
        ("  ", "actor"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


# --------------------------------------------------------------------------- packaged KB
@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return load_kb()


def test_packaged_file_is_small_and_well_formed() -> None:
    path = RES / "actors.jsonl"
    assert path.stat().st_size < 3_000_000
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        row = json.loads(line)
        assert row["type"] in ACTOR_TYPES, row
        assert row["id"] not in ids, row["id"]
        ids.add(row["id"])
        for f in ("aliases", "acronyms", "demonyms", "capitals", "descriptors"):
            assert isinstance(row[f], list)
        assert row["source"]
    assert len(ids) > 1000


def test_curated_rows_are_unique_and_typed() -> None:
    ids = []
    for line in read_text("actors_curated.jsonl").splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            assert row["type"] in ACTOR_TYPES, row
            ids.append(row["id"])
    assert len(ids) == len(set(ids))


def test_notice_credits_every_source() -> None:
    notice = (RES / "NOTICE").read_text(encoding="utf-8")
    for needle in ("ODbL", "CC BY 4.0", "MIT", "mledoze/countries", "UCDP", "Phoenix"):
        assert needle in notice


@pytest.mark.parametrize(
    ("actor_id", "field", "value"),
    [
        ("IRN", "demonyms", "Iranian"),
        ("IRN", "capitals", "Tehran"),
        ("IRN", "descriptors", "the mullahs"),
        ("USA", "acronyms", "US"),
        ("RUS", "descriptors", "the Kremlin"),
        ("pmf", "acronyms", "PMF"),
        ("islamic-state", "aliases", "Daesh"),
        ("houthis", "aliases", "Ansar Allah"),
        ("us-republican-party", "acronyms", "GOP"),
        ("us-democratic-party", "aliases", "Democrats"),
        ("us-department-of-defense", "aliases", "Pentagon"),
        ("us-congress", "aliases", "Congress"),
    ],
)
def test_packaged_entries(kb: ActorKB, actor_id: str, field: str, value: str) -> None:
    assert value in getattr(kb.get(actor_id), field)


@pytest.mark.parametrize(
    ("actor_id", "type_", "extra"),
    [
        ("kataib-hezbollah", "ARMED_GROUP", {"member_of": "pmf", "sponsor": "IRN"}),
        ("hezbollah", "ARMED_GROUP", {"sponsor": "IRN", "country": "LBN"}),
        ("wagner-group", "ARMED_GROUP", {"country": "RUS"}),
        ("olaf-scholz", "PERSON", {"country": "DEU"}),
        ("the-atlantic", "MEDIA", {}),
        ("brookings-doha-center", "ORG", {}),
        ("irgc", "STATE_BODY", {"country": "IRN"}),
        ("united-nations", "IGO", {}),
        ("IRQ", "STATE", {}),
    ],
)
def test_packaged_types_and_links(kb: ActorKB, actor_id: str, type_: str, extra: dict) -> None:
    e = kb.get(actor_id)
    assert e is not None and e.type == type_
    for k, v in extra.items():
        assert getattr(e, k) == v


def test_gazetteer_junk_is_filtered(kb: ActorKB) -> None:
    """No gazetteer alias of two letters, no ordinary English word as a one-word alias."""
    for e in kb.entries.values():
        if "curated" in e.source:
            continue
        for a in (*e.aliases, *e.acronyms):
            letters = "".join(ch for ch in a if ch.isalpha())
            assert len(letters) >= 3, (e.id, a)
        for a in e.aliases:
            assert a.lower() not in {
                "the",
                "army",
                "front",
                "liberation army",
                "arab",
                "elements",
            }, (e.id, a)


def test_aliases_link_one_actor_within_a_source_rank(kb: ActorKB) -> None:
    """The trie holds at most one curated owner per alias key (conflicts were resolved)."""
    owners: dict[tuple[str, ...], set[str]] = {}
    for e in kb.entries.values():
        if e.source != "curated":
            continue
        for a in (e.name, *e.aliases, *e.acronyms, *e.descriptors):
            key = alias_key(a[4:] if a.startswith("the ") else a)
            owners.setdefault(key, set()).add(e.id)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes


# --------------------------------------------------------------------------- user extension
def test_user_rows_extend_the_packaged_kb() -> None:
    cfg = AnalysisConfig(
        actors=[{"name": "Coalition for Tomorrow", "type": "org", "aliases": "CfT; the Coalition"}]
    )
    kb = load_kb(cfg)
    e = kb.get("coalition-for-tomorrow")
    assert e is not None and e.type == "ORG" and e.aliases == ("CfT", "the Coalition")
    assert kb.get("IRN") is not None
    assert load_kb(cfg) is kb  # cached per config


def test_user_rows_replace_the_packaged_kb() -> None:
    kb = load_kb(
        AnalysisConfig(
            actors=[{"id": "x", "name": "Group X", "type": "GROUP"}], replace_actors=True
        )
    )
    assert list(kb.entries) == ["x"]


def test_user_row_with_a_packaged_id_merges() -> None:
    kb = load_kb(
        AnalysisConfig(
            actors=[
                {"id": "IRN", "name": "Iran", "type": "STATE", "descriptors": ["the theocracy"]}
            ]
        )
    )
    e = kb.get("IRN")
    assert "the theocracy" in e.descriptors and "the mullahs" in e.descriptors


def test_user_rows_from_files(tmp_path: Path) -> None:
    jl = tmp_path / "a.jsonl"
    jl.write_text(
        '# comment\n{"name": "Alpha Front", "type": "ARMED_GROUP", "aliases": ["AF-1"]}\n',
        encoding="utf-8",
    )
    cs = tmp_path / "a.csv"
    cs.write_text("name,type,aliases,country\nBeta Party,PARTY,Betas|BP,FRA\n", encoding="utf-8")
    assert load_kb(AnalysisConfig(actors=str(jl))).get("alpha-front").aliases == ("AF-1",)
    beta = load_kb(AnalysisConfig(actors=cs)).get("beta-party")
    assert beta.aliases == ("Betas", "BP") and beta.country == "FRA"


def test_user_rows_from_a_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame([{"name": "Gamma Institute", "type": "ORG", "role": "think tank"}])
    assert load_kb(AnalysisConfig(actors=df)).get("gamma-institute").role == "think tank"


@pytest.mark.parametrize(
    ("actors", "error"),
    [
        ([{"name": "X", "type": "ALIEN"}], StancekitValueError),
        ([{"type": "ORG"}], StancekitValueError),
        (["not a dict"], StancekitValueError),
        ("/nonexistent/actors.jsonl", LoadError),
        (42, StancekitValueError),
    ],
)
def test_bad_user_actors_raise_clear_errors(actors: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        load_kb(AnalysisConfig(actors=actors))


def test_error_lists_valid_types() -> None:
    with pytest.raises(StancekitValueError, match="STATE_BODY"):
        KBEntry.from_row({"name": "X", "type": "militia"})


# --------------------------------------------------------------------------- typing of unknown entities
@pytest.mark.parametrize(
    ("name", "label", "has_state", "expected"),
    [
        ("Kataib Sayyid al-Shuhada Brigades", "ORG", False, "ARMED_GROUP"),
        ("Russian Defence Ministry", "ORG", True, "STATE_BODY"),
        ("Iraqi Army", "ORG", True, "STATE_BODY"),
        ("Free Patriotic Army", "ORG", False, "ARMED_GROUP"),
        ("Popular Front for Renewal", "ORG", False, "ARMED_GROUP"),
        ("Green Liberal Party", "ORG", False, "PARTY"),
        ("Daily Planet", "ORG", False, "MEDIA"),
        ("Hudson Research Institute", "ORG", False, "ORG"),
        ("Iran Focus", "ORG", True, "ORG"),
        ("Ranj Alaaldin", "PERSON", False, "PERSON"),
        ("Bakhmut", "GPE", False, "STATE"),
        ("Alawites", "NORP", False, "GROUP"),
        ("2006", "DATE", False, None),
    ],
)
def test_type_entity(name: str, label: str, has_state: bool, expected: str | None) -> None:
    assert type_entity(name, label, has_state=has_state) == expected


# --------------------------------------------------------------------------- rebuild
@pytest.mark.shared
@pytest.mark.slow
def test_build_kb_reproduces_the_packaged_file(shared_dir: Path) -> None:
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_kb.py"),
            "--check",
            "--shared",
            str(shared_dir),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stdout + res.stderr
