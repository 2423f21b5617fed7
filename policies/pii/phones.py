"""Phone numbers: international forms anywhere; national forms read with libphonenumber's
metadata for the store's own countries (``phonenumbers``), so "06 12 34 56 78" in France,
"(02124) 15868 344" in Germany or "77 83 53 37" in Norway are numbers only where they are.

A bare run of digits (no spaces, dashes or brackets) is a number only in the trunk form
(starting with 0) or next to a word that says "phone"; order numbers, dates, barcodes,
invoice and tracking numbers are ruled out by shape and by the words before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_EXT = r"(?:\s*(?:x|ext\.?|extension|Durchwahl|poste)\s*\d{1,6})?"
_SEP = r"[ .\-/]?"
PATTERNS = (
    # international: +CC or 00CC, optional (0), then groups
    re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}(?:[ .\-]?\(0\))?[ .\-]?\(?\d{1,5}\)?(?:" + _SEP + r"\d{1,6}){1,5}" + _EXT + r"(?!\w)"),
    # North American: (415) 555-2671, 415.555.2671, 1-415-555-2671
    re.compile(r"(?<![\w+.\-/])(?:1[ .\-])?(?:\(\d{3}\)\s?|\d{3}[ .\-])\d{3}[ .\-]\d{4}" + _EXT + r"(?![\w.\-/]\d)(?!\w)"),
    # national trunk prefix 0: (0161) 496 0066, 030 12345678, 04 15 39 15 00, 0232781286
    re.compile(r"(?<![\w+.\-/])\(?0\d{1,4}\)?(?:" + _SEP + r"\d{1,8}){1,5}" + _EXT + r"(?![\w.\-/]\d)(?!\w)"),
)
# A bare ten-digit North American number counts only next to words that say "phone".
BARE_NANP = re.compile(r"(?<![\w+.\-/#])(?:\+?1)?[2-9]\d{2}[2-9]\d{6}(?![\w.\-/])")
#: words that say "a number to call", in the store's languages (a word is told by how it begins:
#: "Telefonnummer", "mobilnummeret", "Rufnummer")
PHONE_CONTEXT = re.compile(
    r"(?i:phone|call|tel|tlf|telephone|mobile|mobil|cell|text|sms|whatsapp|contact|reach|number|ring|"
    r"telefon|handy|rufnummer|anrufen|erreichbar|téléphone|portable|joindre|appel|numéro|"
    r"telefoon|bellen|nummer|telefono|cellulare|chiam|número|numero|llam|móvil|movil|celular|"
    r"liga|ligue|telemóvel|puhelin|soita|zadzwo|komórk|numer|volej|číslo|ringe|mob|gsm|natel|ruf|kontakt|"
    r"träff|træff|treff|tavoit|zavol|volat|sms|tlf|fone|telem|whats|reperib|raggiung|erreich)"
)
#: words that say the number is something else: an order, a parcel, an invoice, an article
NOT_PHONE_CONTEXT = re.compile(
    r"(?i:order|track|invoice|sku|ean|upc|gtin|barcode|waybill|awb|parcel|shipment|sendung|"
    r"bestell|commande|colis|account|iban|card|karte|carte|kaart|tarjeta|cart|karta|kort|"
    r"rechnung|factu|fattur|fatur|faktur|lasku|ordine|pedido|zamówien|objednáv|ordre|beställ|bestil|"
    r"tilaus|kolli|paket|pakke|paczk|zásilk|suivi|seguim|rastre|spårn|sporing|sledov|śledz|przesył|"
    r"seuranta|toimitus|lähetys|verzend|referen|riferim|ref|qty|quantity|menge|pcs|size|item|artikel|"
    r"article|artícul|articol|artigo|produ|tuote|kód|kod|code|código|codice|model|style|serial|serie|"
    r"strich|streck|streg|barr|viivakood|kresk|čárov|"
    r"dhl|gls|ups|fedex|seur|ppl|postnord|posti|correos|ctt|bpost|postnl|inpost|\bart\b|fiscal|\bnf\b)"
)
_GENERIC = re.compile(r"(?i:number|nummer|numero|número|numéro|numer|číslo|nr|no|nro|n°|nº)")
_WORD = re.compile(r"[^\W\d_]+|#")
DATE_SHAPES = re.compile(r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\s?\d{1,2}[-./]\s?\d{2,4})$")
#: an amount: "18 682.91", "1 299,00"
PRICE_SHAPE = re.compile(r"^\d{1,3}(?:[ '’]\d{3})+[.,]\d{2}$")
_DOTTED_QUAD = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_EXT_SPLIT = re.compile(r"\s*(?:x|ext\.?|extension|Durchwahl|poste)\s*\d")


def gs1_ok(digits: str) -> bool:
    """The GS1 check digit (UPC, EAN, GTIN): weights 3 and 1 from the right."""
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def shape_ok(candidate: str) -> bool:
    """Shapes a number to call can take (the patterns above)."""
    core = _EXT_SPLIT.split(candidate, maxsplit=1)[0].strip()
    if DATE_SHAPES.match(core) or _DOTTED_QUAD.match(core) or PRICE_SHAPE.match(core):
        return False
    digits = re.sub(r"\D", "", core.replace("(0)", ""))
    if core.isdigit() and len(core) in (12, 13, 14) and gs1_ok(core):
        return False  # a bare UPC-A / EAN-13 / GTIN-14 barcode, not a number to call
    if core.startswith(("+", "00")):
        return 8 <= len(digits) <= 15
    if not re.search(r"[ .\-/()]", core):
        return core.startswith("0") and 10 <= len(digits) <= 11
    if core.lstrip("(").startswith("0"):
        return 9 <= len(digits) <= 12
    return len(digits) in (10, 11)


def in_context(text: str, start: int, end: int | None = None) -> tuple[bool, bool]:
    """(a word saying "phone" is the nearest telling word, a word saying "order", "parcel", "article"
    … is). The nearest of the few words before the number decides; the words just after it count
    only when nothing before does ("0612345678 is my mobile")."""
    generic = False
    for word in reversed(_WORD.findall(text[max(0, start - 48):start])[-5:]):
        if _GENERIC.fullmatch(word):
            generic = True  # "number" says little alone: "tracking number", "my number"; look further back
            continue
        if NOT_PHONE_CONTEXT.match(word):
            return False, True
        if PHONE_CONTEXT.match(word):
            return True, False
    if end is not None:
        for word in _WORD.findall(text[end:end + 32])[:4]:
            if NOT_PHONE_CONTEXT.match(word):
                return False, True
            if PHONE_CONTEXT.match(word):
                return True, False
    return generic, False


def found_ok(text: str, start: int, end: int) -> bool:
    """A candidate of the shape patterns, in its place: not a fragment, not after a word that says it is
    something else, and not a barcode written in groups ("8 99913 26359 2") unless a word says phone."""
    wanted, ruled_out = in_context(text, start, end)
    if ruled_out or fragment(text, start, end):
        return False
    raw = text[start:end]
    digits = re.sub(r"\D", "", _EXT_SPLIT.split(raw, maxsplit=1)[0])
    return wanted or raw.startswith(("+", "00")) or not (12 <= len(digits) <= 14 and gs1_ok(digits))


#: a date written the ISO way ("2026-12-07", "2026-12-07 09"), and a clock time's minutes (":00") after a candidate
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\b")
_CLOCK = re.compile(r":\d{2}\b")


def fragment(text: str, start: int, end: int) -> bool:
    """The candidate is a piece of a longer run of digit groups (a barcode "9 04352 21416 3"), or of a date and
    time ("2026-12-07 09:00", which reads as a phone number in some plans)."""
    return bool(re.search(r"\d[ .\-/]?$", text[max(0, start - 2):start]) or re.match(r"[ .\-/]?\d", text[end:end + 2])
                or _ISO_DATE.match(text, start) or _CLOCK.match(text, end))


#: a run of digit groups, as a number is written anywhere: "06 12 34 56 78", "(02124) 15868 344", "08-33 74 06"
_GROUPS = re.compile(r"(?<![\w+.\-/])\(?\d{1,15}\)?(?:[ .\-/]{1,2}\(?\d{1,12}\)?){0,6}(?![\w])")


def national(text: str, regions: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
    """Numbers valid in one of ``regions``' numbering plans, written the way people there write them.

    Candidates are runs of digit groups; each is parsed with libphonenumber's metadata for each
    region (cheaper than scanning the text once per region) and must be a valid number there.
    """
    if not regions:
        return
    for m in _GROUPS.finditer(text):
        raw = m.group(0).rstrip(" .-/")
        start, end = m.start(), m.start() + len(raw)
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or DATE_SHAPES.match(raw) or _DOTTED_QUAD.match(raw) or PRICE_SHAPE.match(raw):
            continue
        wanted, ruled_out = in_context(text, start, end)
        if ruled_out or fragment(text, start, end):
            continue
        if not wanted:
            # no word says "phone": only shapes no article or order number takes count
            if raw.isdigit() and not raw.startswith("0"):
                continue
            if not raw.startswith(("0", "(")) and not re.search(r"\s", raw):
                continue  # "56-7095-171", "6037-2024": dashes alone, as codes are written
        if not wanted and len(digits) in (12, 13, 14) and gs1_ok(digits):
            continue
        if any(_valid(raw, region) or _valid_bracketed_code(raw, region) for region in regions):
            yield start, end, raw


def _valid(raw: str, region: str) -> bool:
    # phonenumbers takes ~0.15 s to import: paid by the first text that holds a phone-shaped number,
    # not by every process that merely can redact (every command writes its audit through the guard)
    import phonenumbers

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(raw, region))
    except phonenumbers.NumberParseException:
        return False


def _valid_bracketed_code(raw: str, region: str) -> bool:
    """"(351) 912 345 678": the country code written in brackets instead of after a plus."""
    import phonenumbers

    code = str(phonenumbers.country_code_for_region(region))
    return raw.startswith(f"({code})") and _valid("+" + re.sub(r"\D", "", raw), region)


def region_ok(region: str) -> bool:
    import phonenumbers

    return region.upper() in phonenumbers.SUPPORTED_REGIONS
