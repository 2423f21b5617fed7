"""Detectors for emails, phone numbers, payment cards, IBANs and street addresses.

Each detector is a pattern for candidates plus a validator (Luhn, mod-97, digit
counts and shapes), so numbers that merely look long — order numbers, SKUs,
EAN-13 barcodes, prices, dates, parcel tracking numbers — are not reported.

Deliberate limits: a bare run of digits is a phone number only in the national
trunk form (10-11 digits starting with 0); 12- and 13-digit card numbers (old
Visa, some Maestro) are not reported because they cannot be told from EAN-13
barcodes and retail codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Entity(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    IBAN = "iban"
    ADDRESS = "address"
    #: a person's name: never detected in free text, only vaulted from named fields (order exports)
    NAME = "name"


@dataclass(frozen=True, slots=True)
class Finding:
    entity: Entity
    start: int
    end: int
    value: str


# Overlaps resolve in this order: an IBAN contains digit runs, an email can hold digits.
_PRIORITY = {Entity.EMAIL: 0, Entity.IBAN: 1, Entity.CARD: 2, Entity.PHONE: 3, Entity.ADDRESS: 4}

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])")

# --- payment cards -----------------------------------------------------------------

_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){13,18}(?![\w-])")

# (prefix range low, high, allowed lengths), by IIN; covers Visa, Mastercard (51-55 and
# the 2-series 2221-2720), Amex, Discover, Diners, JCB, UnionPay and Maestro.
_IIN: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({16, 19})),
    (51, 55, frozenset({16})),
    (2221, 2720, frozenset({16})),
    (34, 34, frozenset({15})),
    (37, 37, frozenset({15})),
    (6011, 6011, frozenset({16, 17, 18, 19})),
    (644, 649, frozenset({16, 17, 18, 19})),
    (65, 65, frozenset({16, 17, 18, 19})),
    (300, 305, frozenset({14, 15, 16})),
    (36, 36, frozenset({14, 15, 16})),
    (38, 39, frozenset({14, 15, 16})),
    (3528, 3589, frozenset({16, 17, 18, 19})),
    (62, 62, frozenset({16, 17, 18, 19})),
    (50, 50, frozenset({16, 17, 18, 19})),
    (56, 58, frozenset({16, 17, 18, 19})),
    (67, 67, frozenset({16, 17, 18, 19})),
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_network_ok(digits: str) -> bool:
    n = len(digits)
    for low, high, lengths in _IIN:
        width = len(str(low))
        if low <= int(digits[:width]) <= high and n in lengths:
            return True
    return False


def _is_card(candidate: str) -> bool:
    digits = re.sub(r"[ -]", "", candidate)
    seps = set(re.findall(r"[ -]", candidate))
    if len(seps) > 1:
        return False
    return _card_network_ok(digits) and luhn_ok(digits)


# --- IBAN ---------------------------------------------------------------------------

_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![\w])")


def _iban_ok(candidate: str) -> bool:
    s = candidate.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    rearranged = s[4:] + s[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


# --- phone numbers ------------------------------------------------------------------

_EXT = r"(?:\s*(?:x|ext\.?|extension|Durchwahl|poste)\s*\d{1,6})?"
_SEP = r"[ .\-/]?"
_PHONE_PATTERNS = (
    # international: +CC or 00CC, optional (0), then groups
    re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}(?:[ .\-]?\(0\))?[ .\-]?\(?\d{1,5}\)?(?:" + _SEP + r"\d{1,6}){1,5}" + _EXT + r"(?!\w)"),
    # North American: (415) 555-2671, 415.555.2671, 1-415-555-2671
    re.compile(r"(?<![\w+.\-/])(?:1[ .\-])?(?:\(\d{3}\)\s?|\d{3}[ .\-])\d{3}[ .\-]\d{4}" + _EXT + r"(?![\w.\-/]\d)(?!\w)"),
    # national trunk prefix 0: (0161) 496 0066, 030 12345678, 04 15 39 15 00, 0232781286
    re.compile(r"(?<![\w+.\-/])\(?0\d{1,4}\)?(?:" + _SEP + r"\d{1,8}){1,5}" + _EXT + r"(?![\w.\-/]\d)(?!\w)"),
)
# A bare ten-digit North American number counts only next to words that say "phone".
_BARE_NANP = re.compile(r"(?<![\w+.\-/#])(?:\+?1)?[2-9]\d{2}[2-9]\d{6}(?![\w.\-/])")
_PHONE_CONTEXT = re.compile(
    r"(?i:phone|call|tel\b|telephone|mobile|cell|text me|sms|whatsapp|contact|reach|number|ring me|"
    r"telefon|handy|rufnummer|anrufen|téléphone|portable|joindre|appeler|numéro)"
)
_NOT_PHONE_CONTEXT = re.compile(
    r"(?i:order|tracking|invoice|sku|ean|upc|barcode|waybill|awb|parcel|shipment|sendung|"
    r"bestellung|commande|colis|account|iban|card)"
)
_DATE_SHAPES = re.compile(
    r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$"
)
_DOTTED_QUAD = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def _gs1_ok(digits: str) -> bool:
    """The GS1 check digit (UPC, EAN, GTIN): weights 3 and 1 from the right."""
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _phone_ok(candidate: str) -> bool:
    core = re.split(r"\s*(?:x|ext\.?|extension|Durchwahl|poste)\s*\d", candidate, maxsplit=1)[0].strip()
    if _DATE_SHAPES.match(core) or _DOTTED_QUAD.match(core):
        return False
    digits = re.sub(r"\D", "", core.replace("(0)", ""))
    if core.isdigit() and len(core) in (12, 13, 14) and _gs1_ok(core):
        return False  # a bare UPC-A / EAN-13 / GTIN-14 barcode, not a number to call
    if core.startswith(("+", "00")):
        return 8 <= len(digits) <= 15
    if not re.search(r"[ .\-/()]", core):
        # a bare run of digits: only the trunk form, never barcodes or order numbers
        return core.startswith("0") and 10 <= len(digits) <= 11
    if core.lstrip("(").startswith("0"):
        return 9 <= len(digits) <= 12
    return len(digits) in (10, 11)


# --- street addresses ---------------------------------------------------------------

# Street suffixes: USPS Publication 28 primary names and abbreviations, plus the
# usual British ones; plurals ("Parkways", "Harbors") are accepted for each.
_EN_SUFFIX_WORDS = """
Alley Aly Annex Arcade Avenue Ave Bayou Beach Bend Bluff Bottom Boulevard Blvd Branch Bridge
Brook Burg Bypass Camp Canyon Cape Causeway Center Centre Circle Cir Cliff Club Common Corner
Course Court Ct Cove Creek Crescent Crest Crossing Crossroad Curve Dale Dam Divide Drive Dr
Estate Expressway Extension Fall Ferry Field Flat Ford Forest Forge Fork Fort Freeway Garden
Gateway Glen Green Grove Harbor Harbour Haven Heights Highway Hwy Hill Hollow Inlet Island
Isle Junction Key Knoll Lake Land Landing Lane Ln Light Loaf Lock Lodge Loop Mall Manor Meadow
Mews Mill Mission Motorway Mount Mountain Neck Orchard Oval Overpass Park Parkway Pkwy Pass
Passage Path Pike Pine Place Pl Plain Plaza Point Port Prairie Radial Ramp Ranch Rapid Rest
Ridge River Road Rd Route Row Rue Run Shoal Shore Skyway Spring Spur Square Sq Station
Stravenue Stream Street St Summit Terrace Ter Throughway Trace Track Trafficway Trail Trl
Trailer Tunnel Turnpike Underpass Union Valley Via Viaduct View Village Ville Vista Walk Wall
Way Well Close Rise Vale Gate Wharf Quay Embankment Parade Croft Chase Drove Fold Yard Broadway
""".split()
_EN_SUFFIX = "(?:" + "|".join(sorted(set(_EN_SUFFIX_WORDS), key=len, reverse=True)) + ")(?:e?s)?"
_EN_NAME = r"(?:[A-Z][A-Za-z'’.\-]*\s+){1,3}"
_EN_UNIT = r"(?:,?\s+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Fl\.?|#)\s*[\w-]+)?"
_DE_SUFFIX = (
    r"stra(?:ß|ss)e|str\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig|pfad|markt|graben|"
    r"promenade|stieg|kamp|hof|berg|tor|wall|kai|brücke|feld|garten|park|anger|zeile|wiese|"
    r"grund|höhe|blick|winkel|bogen|hang|siedlung|tal"
)
_DE_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)*"
_FR_TYPE = (
    r"rue|avenue|av\.|boulevard|bd|chemin|impasse|allée|place|quai|route|cours|square|passage|"
    r"voie|sentier|faubourg|rond-point|parvis|esplanade|promenade|villa|cité|hameau|ruelle|"
    r"montée|traverse|résidence"
)
_FR_NAME = r"(?:(?:de la|de l'|de l’|du|des|de|d'|d’|la|le|les|l'|l’)\s*)?[A-ZÉÈÀÂÎÔÛÇ][\w'’\-]+(?:\s+[A-ZÉÈÀÂÎÔÛÇ][\w'’\-]+){0,3}"

_ADDRESS_PATTERNS = (
    # English: 27868 Tiffany Roads Apt. 304; 8 Middleton Street
    re.compile(r"(?<![\w#])\d{1,6}[A-Za-z]?\s+" + _EN_NAME + r"(?:" + _EN_SUFFIX + r")\.?(?![\w])" + _EN_UNIT),
    # English, unit first: Flat 5, Buckley Skyway
    re.compile(r"(?<!\w)(?:Flat|Studio|Apartment|Unit)\s+\d{1,4}[A-Za-z]?\s*[,\n]?\s*" + _EN_NAME + r"(?:" + _EN_SUFFIX + r")(?![\w])"),
    # German: Katharina-Wende-Ring 3419, Metzweg 27/17, Berliner Straße 5a, Am Markt 3
    re.compile(r"(?<![\w-])(?:" + _DE_WORD + r"\s+)?(?:[A-ZÄÖÜ][\wäöüß\-]*(?i:" + _DE_SUFFIX + r")|Stra(?:ß|ss)e|Weg|Allee|Platz|Ring|Gasse|Damm|Ufer)\s+\d{1,5}\s?[a-zA-Z]?(?:\s?[-/]\s?\d{1,4}[a-zA-Z]?)?(?![\w])"),
    re.compile(r"(?<![\w-])(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Hinter der|Unter den)\s+" + _DE_WORD + r"\s+\d{1,5}\s?[a-zA-Z]?(?![\w])"),
    # French: 790, boulevard de Dumont; rue Olivie Faivre; 12 bis rue de la Paix
    re.compile(r"(?<![\w])(?:\d{1,5}(?:\s?(?:bis|ter|b))?,?\s+)?(?i:" + _FR_TYPE + r")\s+" + _FR_NAME + r"(?![\w])"),
)


def _spans(pattern: re.Pattern[str], text: str, entity: Entity,
           validate: Callable[[str], bool] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for m in pattern.finditer(text):
        value = m.group(0)
        if validate is not None and not validate(value):
            continue
        out.append(Finding(entity, m.start(), m.end(), value))
    return out


_NON_DIGITS = re.compile(r"\D+")
_IBAN_HINT = re.compile(r"[A-Z]{2}\d{2}")
_FR_HINT = re.compile(r"(?i:\b(?:" + _FR_TYPE + r")\s)")


def find_pii(text: str) -> list[Finding]:
    """All PII in ``text``, non-overlapping, in order of position.

    Cheap gates (an "@", enough digits, a street word) skip detectors that cannot
    match, so clean text — most of what passes through — costs little.
    """
    found: list[Finding] = []
    digits = len(_NON_DIGITS.sub("", text))
    if "@" in text:
        found += _spans(_EMAIL, text, Entity.EMAIL)
    if digits >= 4 and _IBAN_HINT.search(text):
        found += _spans(_IBAN, text, Entity.IBAN, _iban_ok)
    if digits >= 14:
        found += _spans(_CARD, text, Entity.CARD, _is_card)
    if digits >= 7:
        for p in _PHONE_PATTERNS:
            found += _spans(p, text, Entity.PHONE, _phone_ok)
        for m in _BARE_NANP.finditer(text):
            before = text[max(0, m.start() - 40):m.start()]
            if _PHONE_CONTEXT.search(before) and not _NOT_PHONE_CONTEXT.search(before):
                found.append(Finding(Entity.PHONE, m.start(), m.end(), m.group(0)))
    if digits:
        for p in _ADDRESS_PATTERNS[:-1]:
            found += _spans(p, text, Entity.ADDRESS)
    if _FR_HINT.search(text):
        found += _spans(_ADDRESS_PATTERNS[-1], text, Entity.ADDRESS)
    return _resolve(found) if found else found


def _resolve(found: list[Finding]) -> list[Finding]:
    """Keep the best finding where several overlap: higher priority, then longer."""
    ordered = sorted(found, key=lambda f: (_PRIORITY[f.entity], -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ordered:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)
