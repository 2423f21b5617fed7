"""Payment cards (Luhn, issuer ranges and lengths) and IBANs (mod 97).

A 16-19-digit number in an issuer's range with a valid Luhn digit is a card wherever
it is written. Shorter cards (12-digit Maestro, 13-digit Visa, 14-digit Diners, 15-digit
Amex and JCB) share their shapes with barcodes and retail codes, so they count only next
to a word that says "card" or "paid with" in one of the store's languages.
"""

from __future__ import annotations

import re

CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){11,18}(?![\w-])")

# (prefix range low, high, allowed lengths), by IIN: Visa, Mastercard (51-55 and 2221-2720),
# Amex, Discover, Diners, JCB, UnionPay and Maestro.
_IIN: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({13, 16, 19})),
    (51, 55, frozenset({16})),
    (2221, 2720, frozenset({16})),
    (34, 34, frozenset({15})),
    (37, 37, frozenset({15})),
    (6011, 6011, frozenset({16, 17, 18, 19})),
    (644, 649, frozenset({16, 17, 18, 19})),
    (65, 65, frozenset({16, 17, 18, 19})),
    (300, 305, frozenset({14, 15, 16, 19})),
    (36, 36, frozenset({14, 15, 16, 19})),
    (38, 39, frozenset({14, 15, 16, 19})),
    (1800, 1800, frozenset({15})),
    (2131, 2131, frozenset({15})),
    (3528, 3589, frozenset({15, 16, 17, 18, 19})),
    (62, 62, frozenset({16, 17, 18, 19})),
    (606282, 606282, frozenset({16, 19})),
    (3841, 3841, frozenset({16, 19})),
    (5893, 5893, frozenset(range(12, 20))),
    (50, 50, frozenset(range(12, 20))),
    (56, 58, frozenset(range(12, 20))),
    (63, 63, frozenset(range(12, 20))),
    (67, 67, frozenset(range(12, 20))),
)
#: lengths that are cards anywhere; shorter ones need a card word nearby
ALWAYS = 16

CARD_WORDS = re.compile(
    r"(?i:card|credit|debit|visa|master ?card|maestro|amex|american express|discover|diners|jcb|unionpay|"
    r"paid|pay|charg|\bcc\b|cvv|cvc|expir|\bexp\b|"
    # the card, paid, charged: in the store's languages, by their stems (Karte, karty, kartą, kortet)
    r"kart(?!on|ong)|kort|kaart|carte|cart(?!on|ón)|tarjeta|bankpas|pinpas|"
    r"bezahl|zahlung|belast|payé|paye|paiement|débit|betaal|betaling|pagat|pagament|addebit|pagad|pagué|"
    r"pago|cobr|pagu|pago com|zapłac|płatn|obciąż|betalt|betalning|betalte|betalade|trukket|dragen|"
    r"maksu|maksoin|maksettu|veloit|platb|zaplat|strhn)")
NOT_CARD_WORDS = re.compile(
    r"(?i:\b(?:ean|gtin|upc|barcode|isbn|sku|order|bestellung|commande|tracking|invoice|parcel|package|shipment|"
    r"delivered|shipped|carrier|post|posten|postnord|dhl|ups|usps|fedex|gls|dpd|hermes|postnl|bpost|correos|ctt|"
    r"inpost|ppl|posti|bring)\b|strich|streck|streg|stregkode|código de barras|codice a barre|viivakoodi|"
    r"kod kreskowy|čárový|sendung|suivi|seguimiento|rastreio|spårning|sporing|seuranta|śledzenia|zásilk|colis|"
    r"paket|pakke|paczk|pedido|ordine|bestelling|beställning|zamówieni|objednávk|tilaus)")
_TOKEN = re.compile(r"[^\W\d_]+")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def network_ok(digits: str) -> bool:
    n = len(digits)
    for low, high, lengths in _IIN:
        width = len(str(low))
        if low <= int(digits[:width]) <= high and n in lengths:
            return True
    return False


#: how card numbers are grouped when they are grouped: fours (the last group shorter or up to
#: seven), Amex/Diners' 4-6-5 and 4-6-4, 13 digits as 4-3-3-3
_GROUPING = re.compile(r"^(?:\d{4}(?:[ -]\d{4})*(?:[ -]\d{1,7})?|\d{4}[ -]\d{6}[ -]\d{4,5}|\d{4}(?:[ -]\d{3}){3})$")


def is_card(candidate: str, before: str, after: str = "") -> bool:
    """``before`` and ``after``: the text around the candidate (a card word, if any, is there)."""
    digits = re.sub(r"[ -]", "", candidate)
    if len(set(re.findall(r"[ -]", candidate))) > 1 or not (network_ok(digits) and luhn_ok(digits)):
        return False
    if digits != candidate and not _GROUPING.match(candidate):
        return False  # "653-2054834-6653284" is grouped as an order number, not as a card
    told = _told(before, after)
    if told is False:
        return False
    return len(digits) >= ALWAYS or told is True


def _told(before: str, after: str) -> bool | None:
    """What the nearest telling word says: True for a card ("paid with"), False for something else
    ("barcode", "Canada Post", "tracking"), None when no word tells. Words before the number come
    first, nearest first; then the words just after it."""
    words = [m.group(0) for m in _TOKEN.finditer(before)][::-1] + [m.group(0) for m in _TOKEN.finditer(after[:40])]
    for word in words:
        if CARD_WORDS.search(word):
            return True
        if NOT_CARD_WORDS.search(word):
            return False
    return None

IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![\w])")
IBAN_HINT = re.compile(r"[A-Z]{2}\d{2}")


def iban_ok(candidate: str) -> bool:
    s = candidate.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    rearranged = s[4:] + s[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1
