#!/usr/bin/env python3
"""Propose missing inflected variants of verb and noun lexicon rows.

    python scripts/gen_inflections.py                 # print proposals (TSV) and skip counts
    python scripts/gen_inflections.py --filter        # also apply the acceptance filters
    python scripts/gen_inflections.py --filter --append  # append accepted rows to the section files

The spinner rewrites every inflected form of a word, but the curated lexicon often
holds only one form ("retailer -> store" without "retailers -> stores"). This script
reads ``lexicons/verbs.tsv`` and ``lexicons/nouns.tsv``, works out which form each
row is (verb: base, -s, past, past participle, -ing; noun: singular, plural) from
hand-written English rules and an explicit irregular table, groups rows into
families (spun lemma, original lemma) and writes out the family's missing forms.
In multiword forms only the head word is inflected: the first word of a verb
phrase ("make investments" -> "made investments"), the last word of a noun phrase
without a preposition ("help bundle" -> "help bundles").

It never guesses: a word whose form or inflection the rules cannot settle
(consonant doubling in a long word, -f/-o/-us nouns not in the tables, mass nouns,
auxiliaries, rows whose two sides do not agree on one form) is skipped.

``--filter`` keeps only proposals that (1) are not already a spun form, create no
chain with any row (the loader decides) and are not in ``rejects.tsv``; (2) are
real words (wordfreq zipf >= 2.0 for the spun form, every original, and each
inflected head word); (3) change nothing in the clean texts (the clean seeds and
``../shared/corpus/clean``). All proposals are ``ambiguous`` unless their base row is
``artifact`` and the form is listed in ``ARTIFACT_FORMS`` below (checked by eye).
``DROP`` lists proposals removed by eye review, with the reason.

The inflection rules use the standard library only; ``--filter`` also needs
``wordfreq`` and the respin package (both in the development environment).
"""
from __future__ import annotations

import argparse
import glob
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from respin.lexicon import Entry, build_lexicon, chained, load_lexicon  # noqa: E402
from respin.tokens import phrase_key  # noqa: E402

LEXICONS = ROOT / "lexicons"
SOURCE = "inflection:2026-11"
HEADING = "## inflections generated 2026-11-25 by scripts/gen_inflections.py"
MIN_ZIPF = 2.0

VOWELS = set("aeiou")

# ---------------------------------------------------------------------------
# Verbs
# ---------------------------------------------------------------------------

#: base: (past, past participle). -s and -ing are regular unless in IRREGULAR_S / _ING.
IRREGULAR_VERBS = {
    "arise": ("arose", "arisen"), "awake": ("awoke", "awoken"), "bear": ("bore", "borne"),
    "beat": ("beat", "beaten"), "become": ("became", "become"), "begin": ("began", "begun"),
    "bend": ("bent", "bent"), "bet": ("bet", "bet"), "bid": ("bid", "bid"), "bind": ("bound", "bound"),
    "bite": ("bit", "bitten"), "bleed": ("bled", "bled"), "blow": ("blew", "blown"),
    "break": ("broke", "broken"), "breed": ("bred", "bred"), "bring": ("brought", "brought"),
    "broadcast": ("broadcast", "broadcast"), "build": ("built", "built"), "burst": ("burst", "burst"),
    "buy": ("bought", "bought"), "cast": ("cast", "cast"), "catch": ("caught", "caught"),
    "choose": ("chose", "chosen"), "cling": ("clung", "clung"), "come": ("came", "come"),
    "cost": ("cost", "cost"), "creep": ("crept", "crept"), "cut": ("cut", "cut"), "deal": ("dealt", "dealt"),
    "dig": ("dug", "dug"), "do": ("did", "done"), "draw": ("drew", "drawn"), "drink": ("drank", "drunk"),
    "drive": ("drove", "driven"), "eat": ("ate", "eaten"), "fall": ("fell", "fallen"),
    "feed": ("fed", "fed"), "feel": ("felt", "felt"), "fight": ("fought", "fought"),
    "find": ("found", "found"), "flee": ("fled", "fled"), "fly": ("flew", "flown"),
    "forbid": ("forbade", "forbidden"), "forecast": ("forecast", "forecast"),
    "foresee": ("foresaw", "foreseen"), "forget": ("forgot", "forgotten"),
    "forgive": ("forgave", "forgiven"), "freeze": ("froze", "frozen"), "get": ("got", "gotten"),
    "give": ("gave", "given"), "go": ("went", "gone"), "grind": ("ground", "ground"),
    "grow": ("grew", "grown"), "hang": ("hung", "hung"), "have": ("had", "had"), "hear": ("heard", "heard"),
    "hide": ("hid", "hidden"), "hit": ("hit", "hit"), "hold": ("held", "held"), "hurt": ("hurt", "hurt"),
    "keep": ("kept", "kept"), "know": ("knew", "known"), "lay": ("laid", "laid"), "lead": ("led", "led"),
    "leave": ("left", "left"), "lend": ("lent", "lent"), "let": ("let", "let"), "lie": ("lay", "lain"),
    "light": ("lit", "lit"), "lose": ("lost", "lost"), "make": ("made", "made"), "mean": ("meant", "meant"),
    "meet": ("met", "met"), "mislead": ("misled", "misled"), "overcome": ("overcame", "overcome"),
    "oversee": ("oversaw", "overseen"), "overtake": ("overtook", "overtaken"), "pay": ("paid", "paid"),
    "prove": ("proved", "proven"), "put": ("put", "put"), "quit": ("quit", "quit"), "read": ("read", "read"),
    "rebuild": ("rebuilt", "rebuilt"), "ride": ("rode", "ridden"), "ring": ("rang", "rung"),
    "rise": ("rose", "risen"), "run": ("ran", "run"), "say": ("said", "said"), "see": ("saw", "seen"),
    "seek": ("sought", "sought"), "sell": ("sold", "sold"), "send": ("sent", "sent"), "set": ("set", "set"),
    "shake": ("shook", "shaken"), "shed": ("shed", "shed"), "shine": ("shone", "shone"),
    "shoot": ("shot", "shot"), "show": ("showed", "shown"), "shrink": ("shrank", "shrunk"),
    "shut": ("shut", "shut"), "sing": ("sang", "sung"), "sink": ("sank", "sunk"), "sit": ("sat", "sat"),
    "sleep": ("slept", "slept"), "slide": ("slid", "slid"), "speak": ("spoke", "spoken"),
    "speed": ("sped", "sped"), "spend": ("spent", "spent"), "spin": ("spun", "spun"),
    "split": ("split", "split"), "spread": ("spread", "spread"), "spring": ("sprang", "sprung"),
    "stand": ("stood", "stood"), "steal": ("stole", "stolen"), "stick": ("stuck", "stuck"),
    "sting": ("stung", "stung"), "strike": ("struck", "struck"), "swear": ("swore", "sworn"),
    "sweep": ("swept", "swept"), "swim": ("swam", "swum"), "swing": ("swung", "swung"),
    "take": ("took", "taken"), "teach": ("taught", "taught"), "tear": ("tore", "torn"),
    "tell": ("told", "told"), "think": ("thought", "thought"), "throw": ("threw", "thrown"),
    "undergo": ("underwent", "undergone"), "understand": ("understood", "understood"),
    "undertake": ("undertook", "undertaken"), "upset": ("upset", "upset"), "wake": ("woke", "woken"),
    "wear": ("wore", "worn"), "win": ("won", "won"), "wind": ("wound", "wound"),
    "withdraw": ("withdrew", "withdrawn"), "withhold": ("withheld", "withheld"),
    "withstand": ("withstood", "withstood"), "write": ("wrote", "written"),
}
IRREGULAR_S = {"have": "has", "do": "does", "go": "goes", "undergo": "undergoes"}
IRREGULAR_ING = {"lie": "lying", "die": "dying", "tie": "tying", "see": "seeing", "flee": "fleeing",
                 "foresee": "foreseeing", "oversee": "overseeing", "agree": "agreeing"}
#: Auxiliaries and modals: never inflected as a phrase head (person agreement, no -ing rows).
AUXILIARIES = {"be", "is", "are", "am", "was", "were", "been", "being", "has", "have", "had", "having",
               "do", "does", "did", "will", "would", "can", "could", "may", "might", "shall", "should",
               "must", "ought"}
#: Longer verbs whose final consonant doubles (final syllable stressed).
DOUBLE = {"admit", "commit", "submit", "permit", "omit", "emit", "transmit", "acquit", "occur", "recur",
          "concur", "incur", "prefer", "refer", "defer", "infer", "confer", "transfer", "deter",
          "control", "patrol", "compel", "expel", "propel", "repel", "dispel", "excel", "rebel",
          "regret", "abet", "equip", "embed", "outwit", "allot", "rebut", "forget", "begin"}
#: Longer verbs ending in an unstressed consonant-vowel-consonant syllable (no doubling, American).
UNSTRESSED_ENDINGS = ("er", "en", "on", "om", "or", "it", "et", "el", "al", "il", "ol", "op", "ish")
#: Verbs in -c that take -ck- before -ed/-ing.
C_TO_CK = {"panic": "panick", "picnic": "picnick", "traffic": "traffick", "mimic": "mimick"}


def _syllables(word: str) -> int:
    return len(re.findall(r"[aeiouy]+", word.rstrip("e") or word))


def _cvc(word: str) -> bool:
    """Ends consonant-vowel-consonant (final w, x, y never double; "qu" counts as a consonant)."""
    if len(word) < 3 or word[-1] in VOWELS or word[-1] in "wxy":
        return False
    if word[-2] not in VOWELS:
        return False
    before = word[-3]
    return before not in VOWELS or word[-4:-2] == "qu"


def _stem_for_suffix(base: str) -> str | None:
    """The stem to which -ed/-ing attach ("stop" -> "stopp"), or None when unsure."""
    if base in C_TO_CK:
        return C_TO_CK[base]
    if base.endswith("c"):
        return None
    if not _cvc(base):
        return base
    if base in DOUBLE or _syllables(base) == 1:
        return base + base[-1]
    if base.endswith(UNSTRESSED_ENDINGS) and not base.endswith("mit"):
        return base
    return None  # long CVC word not in a table: doubling unknown


def verb_forms(base: str) -> dict[str, str] | None:
    """{'base','s','past','pp','ing'} for a lowercase verb, or None when unsure."""
    if not base.isalpha() or len(base) < 2 or base in AUXILIARIES - {"do", "have"}:
        return None
    if not any(c in VOWELS or c == "y" for c in base):
        return None
    # -s
    if base in IRREGULAR_S:
        s = IRREGULAR_S[base]
    elif base.endswith(("s", "x", "z", "ch", "sh")):
        if base.endswith(("ss", "x", "ch", "sh")):
            s = base + "es"
        else:
            return None  # "bus", "quiz": unsure
    elif base.endswith("y") and base[-2] not in VOWELS:
        s = base[:-1] + "ies"
    elif base.endswith("o") and base[-2] not in VOWELS:
        return None  # "veto"/"echo" vs "solo": not settled by rule
    else:
        s = base + "s"
    # -ing
    if base in IRREGULAR_ING:
        ing = IRREGULAR_ING[base]
    elif base.endswith("ie"):
        ing = base[:-2] + "ying"
    elif base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        ing = base[:-1] + "ing"
    else:
        stem = _stem_for_suffix(base)
        if stem is None:
            return None
        ing = stem + "ing"
    # past, past participle
    if base in IRREGULAR_VERBS:
        past, pp = IRREGULAR_VERBS[base]
    else:
        if base.endswith("e"):
            past = base + "d"
        elif base.endswith("y") and base[-2] not in VOWELS:
            past = base[:-1] + "ied"
        else:
            stem = _stem_for_suffix(base)
            if stem is None:
                return None
            past = stem + "ed"
        pp = past
    return {"base": base, "s": s, "past": past, "pp": pp, "ing": ing}


def _verb_lemma_candidates(word: str) -> set[str]:
    c = {word}
    for suf in ("ies", "ied", "es", "ed", "s", "d", "ing"):
        if word.endswith(suf) and len(word) > len(suf) + 1:
            stem = word[: -len(suf)]
            c |= {stem, stem + "e", stem + "y", stem[:-1], stem + "ie"}
    for base, (past, pp) in IRREGULAR_VERBS.items():
        if word in (past, pp):
            c.add(base)
    c |= {b for b, v in IRREGULAR_S.items() if v == word}
    c |= {b for b, v in IRREGULAR_ING.items() if v == word}
    c |= {b for b, v in C_TO_CK.items() if word.startswith(v)}
    return c


def is_word(lemma: str) -> bool:
    """Whether a lemma the suffix-stripping produced is a real word ("selecte" is not).

    Stripping is ambiguous ("selected" = select+ed or selecte+d); a word list settles
    it. wordfreq is used when installed; without it no stripped lemma is trusted.
    """
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover
        return False
    return zipf_frequency(lemma, "en") >= MIN_ZIPF


def _zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover
        return 0.0
    return zipf_frequency(word, "en")


def _dominant(readings: set[tuple[str, str]], word: str) -> set[tuple[str, str]]:
    """Per form, keep only a lemma at least ten times (1 zipf) more frequent than any rival.

    Stripping often yields a rare real word next to the right lemma ("asked" = ask+ed
    or "aske"+d, "parties" = party or "partie"); a clear frequency lead settles it,
    otherwise all rivals stay and the row is skipped as ambiguous.
    """
    by_form = defaultdict(set)
    for lemma, form in readings:
        by_form[form].add(lemma)
    if len(by_form) > 1:
        # "made" is not a base form once it reads as make+past: a word with an
        # inflected reading loses its bare (base/singular) reading.
        by_form.pop("base", None)
        by_form.pop("sg", None)
    out = set()
    for form, lemmas in by_form.items():
        if len(lemmas) > 1:
            ranked = sorted(lemmas, key=lambda w: -(_zipf(w) if w != word else 99))
            if ranked[0] == word or _zipf(ranked[0]) - _zipf(ranked[1]) >= 1.0:
                lemmas = {ranked[0]}
        out |= {(lemma, form) for lemma in lemmas}
    return out


def analyse_verb(word: str) -> set[tuple[str, str]]:
    """All (lemma, form) readings of a word that the forward rules reproduce exactly."""
    out = set()
    for lemma in _verb_lemma_candidates(word):
        if lemma != word and lemma not in IRREGULAR_VERBS and not is_word(lemma):
            continue
        forms = verb_forms(lemma)
        if forms:
            out |= {(lemma, f) for f, w in forms.items() if w == word}
    return _dominant(out, word)


# ---------------------------------------------------------------------------
# Nouns
# ---------------------------------------------------------------------------

IRREGULAR_PLURALS = {
    "man": "men", "woman": "women", "child": "children", "person": "people", "foot": "feet",
    "tooth": "teeth", "mouse": "mice", "goose": "geese", "life": "lives", "wife": "wives",
    "knife": "knives", "leaf": "leaves", "half": "halves", "shelf": "shelves", "wolf": "wolves",
    "thief": "thieves", "self": "selves", "loaf": "loaves", "criterion": "criteria",
    "phenomenon": "phenomena", "chief": "chiefs", "belief": "beliefs", "proof": "proofs",
    "roof": "roofs", "chef": "chefs", "reef": "reefs", "safe": "safes", "giraffe": "giraffes",
    "hero": "heroes", "echo": "echoes", "veto": "vetoes", "potato": "potatoes", "tomato": "tomatoes",
    "torpedo": "torpedoes", "photo": "photos", "logo": "logos", "memo": "memos", "euro": "euros",
    "casino": "casinos", "demo": "demos", "auto": "autos", "piano": "pianos", "kilo": "kilos",
    "ego": "egos", "combo": "combos", "condo": "condos", "typo": "typos", "solo": "solos",
    "bus": "buses", "gas": "gases", "virus": "viruses", "campus": "campuses", "bonus": "bonuses",
    "census": "censuses", "status": "statuses", "lens": "lenses", "alias": "aliases",
    "atlas": "atlases", "canvas": "canvases", "iris": "irises", "chorus": "choruses",
    "circus": "circuses", "bias": "biases", "surplus": "surpluses", "focus": "focuses",
    "stomach": "stomachs", "monarch": "monarchs", "epoch": "epochs", "tech": "techs",
    "patriarch": "patriarchs", "matriarch": "matriarchs",
}
#: -man compounds whose plural is -men (most "-man" words: "human", "German" are not).
MAN_COMPOUNDS = {"chairman", "spokesman", "businessman", "congressman", "policeman", "fireman",
                 "fisherman", "sportsman", "salesman", "cameraman", "craftsman", "gunman",
                 "lineman", "freshman", "alderman", "middleman", "countryman", "statesman",
                 "serviceman", "workman", "foreman", "frontman", "newsman", "chairwoman",
                 "spokeswoman", "businesswoman", "congresswoman", "policewoman", "sportswoman",
                 "saleswoman", "servicewoman", "anchorman", "anchorwoman", "clergyman", "layman"}
#: Nouns with no plural in news English (or whose plural is the same word): never pluralised.
MASS_NOUNS = {
    "money", "cash", "information", "advice", "news", "research", "evidence", "equipment",
    "furniture", "health", "weather", "knowledge", "progress", "traffic", "software", "hardware",
    "funding", "healthcare", "care", "percent", "welfare", "wealth", "poverty", "inflation",
    "unemployment", "employment", "stuff", "luggage", "baggage", "homework", "housework", "music",
    "electricity", "energy", "pollution", "safety", "security", "privacy", "justice", "police",
    "staff", "personnel", "livestock", "aircraft", "spacecraft", "sheep", "deer", "fish",
    "series", "species", "offspring", "economics", "politics", "physics", "mathematics",
    "athletics", "ethics", "logistics", "statistics", "news", "media", "data", "people",
    "infrastructure", "legislation", "litigation", "transportation", "transport", "machinery",
    "merchandise", "clothing", "food", "water", "oil", "fuel", "coal", "gold", "silver", "steel",
    "evidence", "intelligence", "courage", "confidence", "growth", "trade", "commerce",
    "tourism", "violence", "corruption", "fraud", "crime", "insurance", "revenue", "debt",
    "education", "healthcare", "childcare", "feedback", "guidance", "assistance", "aid",
    "help", "support", "access", "damage", "leisure", "luck", "fun", "heat", "rain", "snow",
    "sunshine", "fog", "ice", "wind", "air", "soil", "land", "chaos", "peace", "warfare",
    "terrorism", "nationalism", "capitalism", "socialism", "democracy", "freedom", "liberty",
    "sovereignty", "independence", "respect", "awareness", "understanding", "happiness",
    "sadness", "anger", "fear", "stress", "anxiety", "depression", "obesity", "cancer",
    "dementia", "diabetes", "measles", "covid", "vaccination", "immigration", "migration",
    "unrest", "turmoil", "uncertainty", "volatility", "momentum", "stability", "productivity",
    "efficiency", "transparency", "accountability", "integrity", "expertise", "equity", "gear",
}
#: Function words: a noun phrase containing one has its head somewhere we do not guess.
FUNCTION_WORDS = {"of", "for", "to", "in", "on", "at", "by", "with", "from", "and", "or", "the", "a",
                  "an", "as", "into", "about", "over", "under", "per"}


def noun_plural(sing: str) -> str | None:
    """The plural of a lowercase singular noun, or None when unsure or uncountable."""
    if not sing.isalpha() or len(sing) < 2 or sing in MASS_NOUNS:
        return None
    if sing in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[sing]
    if sing in MAN_COMPOUNDS:
        return sing[:-3] + "men"
    if sing.endswith("sis"):
        return sing[:-2] + "es"  # crisis -> crises, analysis -> analyses
    if sing.endswith(("ss", "x", "z", "ch", "sh")):
        if sing.endswith(("ix", "ex")) or sing.endswith("z") and not sing.endswith("zz"):
            return None  # index/appendix/matrix, quiz: unsure
        return sing + "es"
    if sing.endswith("s"):
        return None  # bus, virus, campus, news: only via the table
    if sing.endswith("y"):
        return sing + "s" if sing[-2] in VOWELS else sing[:-1] + "ies"
    if sing.endswith(("f", "fe")) and not sing.endswith("ff"):
        return None  # chief/chiefs vs leaf/leaves: only via the table
    if sing.endswith("o"):
        return sing + "s" if sing[-2] in VOWELS else None
    if sing.endswith(("um", "on", "us", "a")) and sing in {"medium", "datum", "curriculum",
                                                           "memorandum", "criterion",
                                                           "phenomenon", "stimulus", "alumna"}:
        return None
    return sing + "s"


def analyse_noun(word: str) -> set[tuple[str, str]]:
    """(lemma, 'sg'|'pl') readings of a word that noun_plural reproduces exactly."""
    out = set()
    if word.isalpha():
        out.add((word, "sg"))
    cands = {word[:-1], word[:-2], word[:-3] + "y", word[:-2] + "is", word[:-3] + "man"}
    cands |= {s for s, p in IRREGULAR_PLURALS.items() if p == word}
    for lemma in cands:
        if lemma and noun_plural(lemma) == word and (lemma in IRREGULAR_PLURALS or is_word(lemma)):
            out.add((lemma, "pl"))
    return _dominant(out, word)


# ---------------------------------------------------------------------------
# Families and proposals
# ---------------------------------------------------------------------------

def _head(phrase: str, kind: str) -> tuple[list[str], int] | None:
    words = phrase.lower().split()
    if not all(re.fullmatch(r"[a-z]+(?:-[a-z]+)*", w) for w in words):
        return None
    if kind == "verb":
        if words[0] in AUXILIARIES:
            return None
        return words, 0
    if len(words) > 1 and set(words) & FUNCTION_WORDS:
        return None
    return words, len(words) - 1


def _readings(phrase: str, kind: str):
    """(lemma phrase, form) readings of a phrase's head word."""
    h = _head(phrase, kind)
    if h is None:
        return set()
    words, i = h
    if "-" in words[i]:
        return set()
    analyse = analyse_verb if kind == "verb" else analyse_noun
    out = set()
    for lemma, form in analyse(words[i]):
        out.add((" ".join(words[:i] + [lemma] + words[i + 1:]), form))
    return out


def _inflect(lemma_phrase: str, kind: str) -> dict[str, str] | None:
    words = lemma_phrase.split()
    i = 0 if kind == "verb" else len(words) - 1
    if kind == "verb":
        forms = verb_forms(words[i])
    else:
        pl = noun_plural(words[i])
        forms = {"sg": words[i], "pl": pl} if pl else None
    if not forms:
        return None
    return {f: " ".join(words[:i] + [w] + words[i + 1:]) for f, w in forms.items()}


def row_family(e: Entry, kind: str):
    """(spun lemma, [original lemmas], forms) of a row, or (None, reason)."""
    spun_r = _readings(e.spun, kind)
    if not spun_r:
        return None, "spun head not analysable"
    orig_rs = [_readings(o, kind) for o in e.originals]
    if not orig_rs[0]:
        return None, "original head not analysable"
    inflected = {"s", "past", "pp", "ing", "pl"}

    def pairings(prefer_inflected: bool):
        res = defaultdict(set)
        for sl, sf in spun_r:
            for ol, of in orig_rs[0]:
                if sf == of and (not prefer_inflected or sf in inflected):
                    res[(sl, ol)].add(sf)
        return res

    res = pairings(True) or pairings(False)
    if len(res) != 1:
        return None, "no single consistent reading" if res else "spun and original forms differ"
    (spun_lemma, orig_lemma), forms = next(iter(res.items()))
    others = []
    for rs in orig_rs[1:]:
        cand = {ol for ol, of in rs if of in forms}
        others.append(next(iter(cand)) if len(cand) == 1 else None)
    return (spun_lemma, [orig_lemma] + others, forms), None


def propose(kind: str, entries: list[Entry]):
    """Proposed rows [(spun, [originals], base entry, form)] and skip counts."""
    skipped = Counter()
    families: dict[tuple[str, str], list] = {}
    for e in entries:
        if e.name or "<num>" in e.spun:
            skipped["name or slot row"] += 1
            continue
        fam, why = row_family(e, kind)
        if fam is None:
            skipped[why] += 1
            continue
        spun_lemma, orig_lemmas, _ = fam
        families.setdefault((spun_lemma, tuple(orig_lemmas)), []).append(e)
    out = []
    for (spun_lemma, orig_lemmas), rows in families.items():
        sf = _inflect(spun_lemma, kind)
        ofs = [(_inflect(o, kind) if o else None) for o in orig_lemmas]
        if sf is None or ofs[0] is None:
            skipped["family not inflectable"] += 1
            continue
        base = rows[0]
        order = ("base", "s", "past", "pp", "ing") if kind == "verb" else ("sg", "pl")
        by_spun: dict[str, list] = {}
        for form in order:
            originals = [of[form] for of in ofs if of]
            spun = sf[form]
            entry = by_spun.setdefault(spun, [[], form])
            for o in originals:
                if o not in entry[0] and o != spun:
                    entry[0].append(o)
        for spun, (originals, form) in by_spun.items():
            if originals:
                out.append((spun, originals, base, form))
    return out, skipped


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------

#: Proposals from an artifact base row whose spun form is equally not edited English
#: (checked by eye): these keep the artifact flag. Words are joined by "_".
ARTIFACT_FORMS: set[str] = {w.replace("_", " ") for w in """
    proportion_levels proportion_factor stimulus_bundles curiosity_fees curiosity_charge
    unemployment_fees scholar_mortgages pupil_mortgages price_range_deficits gross_home_products
    enterprise_mannequins chief_monetary_officers chief_working_officers chief_know-how_officers
    comfort_retailers procuring_middles procuring_malls app_retailers
    presidential_marketing_campaigns election_marketing_campaigns marketing_campaign_paths
    ruling_social_gatherings opposition_social_gatherings social_gathering_chiefs
    cupboard_member fireplace_divisions lawyer_normals metropolis_corridors
    information_conventions most_cancers_sufferer most_cancers_cell coronary_heart_illnesses
    booster_photograph facet_impacts facet_result protection_legal_professionals
    demise_penalties knowledge_middles knowledge_breaches knee_harms hamstring_harms
    photo_voltaic_farms speak_presents function_mannequins position_mannequins backside_lines
    wide_varies yrs attains_out attained_out attaining_out
""".split()}

#: Proposals removed in eye review (2026-11-25), by reason; words are joined by "_".
_DROP_GROUPS = {
    "common word in another sense": """
    state talk talks talked confirm confirms confirming display displays exhibit prove proves
    proved proving spotlight spotlights assuming thinking_of perceived study studies studied
    searched searching slice slices developed developing promoted supplies labor labors handle
    handles handling positioning place places desire wanting concern hand handing go_through
    goes_through went_through gone_through identify_with identifies_with identifying_with
    gets_better got_better gotten_better getting_better unfolded coached bring_on brings_on
    bringing_on consume consumes consumed putting_together dwell dwells dwelled taken_away
    take_pictures takes_pictures took_pictures taken_pictures dominate dominating gain gaining
    shed sheds replaces replaced replacing line lines lining overlay overlays shape shapes
    shaping get_here gets_here gotten_here getting_here goes_away went_away gone_away shift
    shifts tour tours toured print prints printing request requests caution witness witnesses
    notice notices regard regards steer steers define defines defining charge belonging pursuit
    payment values inventories buyer administrator homeowner prospect shop distributor item
    initiative ventures officer tip insurance_policy structures political_event opposition_event
    ballots selection affected_people strains minds assessment health_clubs trains attractions
    college_student colleges laptops computer_system display_screens instrument auto airway
    recreations video_game sports workforces gamer ratings disciplines accident memberships
    settings bush floors bug trooper struggles danger story guides live_performances comics
    traditions resort folk kid infant girl male flat partition corridors aspects facility routes
    peaks solution requirement instruction institutions purposes penalty transfers circumstance
    thoughts concept elements halves component range kinds variety seconds finishes application
    court_dockets pcs proportions lesson credit_scores applied_science
""",
    "mass noun pluralised": """
    enterprise_capitals actual_properties managements coverages blood_strains air_high_qualities
    water_high_qualities local_weather_changes considerations delights summer_seasons
    summer_times webs storages
""",
    "nonsense (wrong head word, or not a form the spinner writes)": """
    base_mostly bases_mostly basing_mostly skill skilling finds_yourself found_yourself
    finding_yourself faculty_bu ingest ingested cowling financial_saving high_qualities
    coronary_hearts our_body toe particular_people garment many_year each_event
    tax_credit_scores floor_troop floor_force
""",
    "pruned after the dev measurement (adds a spun form or an original that shifts the "
    "scorer's statistics, losing a dev restoration elsewhere)": """
    time_periods consisting_of reveal
""",
    "pruned after the synthetic suite (an original word in news: restored where it was not spun)": """
    retailers examining
""",
}
DROP: dict[str, str] = {w.replace("_", " "): reason for reason, words in _DROP_GROUPS.items()
                        for w in words.split()}


def clean_paths() -> list[str]:
    shared = ROOT.parent / "shared"
    return (sorted(glob.glob(str(shared / "seeds" / "00[0234].txt")))
            + sorted(glob.glob(str(shared / "corpus" / "clean" / "*.txt"))))


def read_rejects() -> set[str]:
    out = set()
    for line in (LEXICONS / "rejects.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            out.add(" ".join(line.split("\t")[0].lower().split()))
    return out


def _row_text(rid, spun, originals, flags):
    return "\t".join([rid, spun, "|".join(originals), SOURCE, ",".join(sorted(flags))])


def filter_rows(proposals, all_entries, reasons: Counter):
    import wordfreq

    sys.path.insert(0, str(ROOT.parent / "shared" / "tools"))
    rejects = read_rejects()
    spun_keys = {phrase_key(e.spun, keep_case=False) for e in all_entries if not e.name}
    orig_keys = {phrase_key(o, keep_case=False) for e in all_entries for o in e.originals}
    kept = []
    seen = set()
    for spun, originals, base, form in proposals:
        key = phrase_key(spun, keep_case=False)
        if key in spun_keys or key in seen:
            reasons["already a spun form"] += 1
            continue
        if spun in DROP:
            reasons["dropped in review: " + DROP[spun]] += 1
            continue
        if spun in rejects:
            reasons["in rejects.tsv"] += 1
            continue
        if key in orig_keys:
            reasons["chain: spun form is an existing original"] += 1
            continue
        originals = [o for o in originals if phrase_key(o, keep_case=False) not in spun_keys]
        if not originals:
            reasons["chain: original is an existing spun form"] += 1
            continue

        def real(text):
            return (wordfreq.zipf_frequency(text, "en") >= MIN_ZIPF
                    and all(wordfreq.zipf_frequency(w, "en") >= MIN_ZIPF for w in text.split()))

        if not real(spun):
            reasons["not a real word (spun, zipf < 2)"] += 1
            continue
        if not real(originals[0]):
            reasons["not a real word (original, zipf < 2)"] += 1
            continue
        originals = [o for o in originals if real(o)]
        flags = {"artifact" if base.artifact and spun in ARTIFACT_FORMS else "ambiguous"}
        if " " in spun:
            flags.add("multiword")
        seen.add(key)
        kept.append([spun, originals, base, form, flags])
    # chains among the new rows too (the loader allows two-way rows since
    # issue 12; generated inflections stay one-way, as they were reviewed)
    while True:
        new = [Entry(f"gen/{i:04d}", s, tuple(o), SOURCE, frozenset(fl), "gen", i)
               for i, (s, o, b, fm, fl) in enumerate(kept, 1)]
        links = [a if a.path == "gen" else b
                 for a, _, b in chained(build_lexicon(list(all_entries) + new))
                 if "gen" in (a.path, b.path)]
        if not links:
            break
        reasons["chain (loader)"] += 1
        del kept[links[0].line - 1]
    # clean texts: zero changed spans, no artifact matches
    from referee import clean_changes
    import respin

    texts = [Path(p).read_text(encoding="utf-8") for p in clean_paths()]
    while True:
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as fh:
            fh.write("# respin-lexicon 1\n")
            # the section files as they are now (not the shipped build, which may be stale)
            for e in all_entries:
                fh.write("\t".join([e.id, e.spun, "|".join(e.originals), e.source,
                                    ",".join(sorted(e.flags))]) + "\n")
            for i, (s, o, b, fm, fl) in enumerate(kept, 1):
                fh.write(_row_text(f"gen/{i:04d}", s, o, fl) + "\n")
            tmp = fh.name
        bad = set()
        for t in texts:
            res = respin.fix_and_explain(t, lexicons=[tmp], use_default_lexicon=False)
            if clean_changes(t, res.text)[0]:
                bad |= {e.rule for e in res.edits if e.rule.startswith("gen/")}
        for i, (s, o, b, fm, fl) in enumerate(kept, 1):
            if "artifact" in fl and any(re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", t, re.I)
                                        for t in texts):
                bad.add(f"gen/{i:04d}")
        Path(tmp).unlink()
        if not bad:
            break
        reasons["changes a clean text"] += len(bad)
        kept = [k for i, k in enumerate(kept, 1) if f"gen/{i:04d}" not in bad]
    return kept


def next_id(path: Path, prefix: str) -> int:
    nums = [int(m) for m in re.findall(rf"^{prefix}/(\d{{4}})\t", path.read_text(encoding="utf-8"), re.M)]
    return max(nums) + 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filter", action="store_true", help="apply the acceptance filters")
    ap.add_argument("--append", action="store_true", help="append accepted rows (implies --filter)")
    args = ap.parse_args()
    sections = {"verb": LEXICONS / "verbs.tsv", "noun": LEXICONS / "nouns.tsv"}
    all_entries = [e for p in sorted(LEXICONS.glob("*.tsv")) if p.name != "rejects.tsv"
                   for e in load_lexicon(p).entries]
    proposals = {}
    for kind, path in sections.items():
        props, skipped = propose(kind, list(load_lexicon(path).entries))
        proposals[kind] = props
        print(f"# {kind}: {len(props)} proposals (family forms, incl. existing); rows skipped: "
              + ", ".join(f"{k}: {v}" for k, v in skipped.most_common()), file=sys.stderr)
    if not (args.filter or args.append):
        for kind, props in proposals.items():
            for spun, originals, base, form in props:
                print("\t".join([kind, form, spun, "|".join(originals), base.id]))
        return 0
    reasons = Counter()
    tagged = [(s, o, b, f + ":" + kind) for kind, props in proposals.items() for s, o, b, f in props]
    kept = filter_rows(tagged, all_entries, reasons)
    print("# rejected: " + ", ".join(f"{k}: {v}" for k, v in reasons.most_common()), file=sys.stderr)
    for kind, path in sections.items():
        rows = [k for k in kept if k[3].endswith(":" + kind)]
        print(f"# {kind}: {len(rows)} accepted", file=sys.stderr)
        n = next_id(path, kind)
        lines = []
        for s, o, b, fm, fl in rows:
            lines.append(_row_text(f"{kind}/{n:04d}", s, o, fl))
            n += 1
        if args.append and lines:
            text = path.read_text(encoding="utf-8").rstrip("\n")
            path.write_text(text + "\n\n" + HEADING + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        else:
            for (s, o, b, fm, fl), line in zip(rows, lines):
                print(line + f"\t# from {b.id} {b.spun} -> {'|'.join(b.originals)} ({fm})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
