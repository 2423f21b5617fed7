"""The values the PII corpus plants and the look-alikes it must not flag, independent of language.

Cards carry a valid Luhn digit and a real network prefix; IBANs a valid mod-97 check; phone
numbers are drawn from libphonenumber's numbering plan for the region and written the ways
people of that country write them; barcodes carry their GS1 check digit and postal items
their S10 (UPU) check digit, so every negative is as valid as the real thing.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat, PhoneNumberType

DIGITS = "0123456789"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def digits(rng: random.Random, n: int, *, first: str = DIGITS) -> str:
    return rng.choice(first) + "".join(rng.choice(DIGITS) for _ in range(n - 1)) if n else ""


def grouped(s: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    """``s`` cut into groups of ``sizes`` (the last size repeats until ``s`` is used up)."""
    out, i, k = [], 0, 0
    while i < len(s):
        size = sizes[min(k, len(sizes) - 1)]
        out.append(s[i:i + size])
        i, k = i + size, k + 1
    return sep.join(out)


# --- payment cards ------------------------------------------------------------------------

def luhn_complete(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return partial + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Network:
    name: str
    prefixes: tuple[str, ...]
    lengths: tuple[int, ...]


def _span(low: int, high: int) -> tuple[str, ...]:
    return tuple(str(p) for p in range(low, high + 1))


NETWORKS = (
    Network("visa", ("4",), (13, 16, 19)),
    Network("mastercard", _span(51, 55) + _span(2221, 2720), (16,)),
    Network("amex", ("34", "37"), (15,)),
    Network("discover", ("6011", "65") + _span(644, 649), (16, 19)),
    Network("diners", ("36",) + _span(300, 305), (14,)),
    Network("jcb", _span(3528, 3589), (16, 19)),
    Network("jcb", ("1800", "2131"), (15,)),
    Network("unionpay", ("62",), (16, 17, 18, 19)),
    Network("maestro", ("5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763"),
            (12, 13, 14, 15, 16, 17, 18, 19)),
    Network("dankort", ("5019",), (16,)),
    Network("elo", ("636368", "438935", "504175", "451416", "636297", "5067"), (16,)),
    Network("hipercard", ("606282",), (16, 19)),
    Network("bancontact", ("6703",), (16, 17, 19)),
)
#: every (network, length) pair once, so short and rare lengths are as common as 16-digit Visa
CARD_KINDS = tuple((n, length) for n in NETWORKS for length in n.lengths)


def card(rng: random.Random) -> tuple[str, str]:
    """A Luhn-valid card number written as people write it, and its kind ("maestro12")."""
    network, length = rng.choice(CARD_KINDS)
    prefix = rng.choice(network.prefixes)
    number = luhn_complete(prefix + digits(rng, length - len(prefix) - 1))
    sep = rng.choice(" -") if rng.random() < 0.2 else " "
    style = rng.random()
    if style < 0.3:
        text = number
    elif network.name == "amex" or (length == 15 and style < 0.5):
        text = grouped(number, (4, 6, 5), sep)
    elif length == 14 and style < 0.6:
        text = grouped(number, (4, 6, 4), sep)
    elif length == 13 and style < 0.6:
        text = grouped(number, (4, 3, 3, 3), sep)
    else:
        text = grouped(number, (4,), sep)
    return text, f"{network.name}{length}"


# --- IBAN ------------------------------------------------------------------------------------

def iban_checked(country: str, bban: str) -> str:
    number = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(number) % 97:02d}{bban}"


def iban_ok(value: str) -> bool:
    s = value.replace(" ", "")
    return int("".join(str(int(ch, 36)) for ch in s[4:] + s[:4])) % 97 == 1


#: BBAN shapes for the countries whose Faker locale does not make its own IBANs
_BBAN = {"SE": lambda rng: rng.choice(("500", "800", "600", "300")) + digits(rng, 17)}


def iban(country: str, faker_iban: str, rng: random.Random) -> tuple[str, str]:
    """The locale's IBAN (Faker's when it is of the country), plain or in groups of four."""
    value = faker_iban if faker_iban[:2] == country else iban_checked(country, _BBAN[country](rng))
    assert iban_ok(value), value
    if rng.random() < 0.35:
        return grouped(value, (4,)), "grouped"
    return value, "plain"


# --- phone numbers -----------------------------------------------------------------------

_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)
_ANY = {PhoneNumberType.FIXED_LINE_OR_MOBILE}
_SLASH_REGIONS = {"DE", "AT", "CH"}
_BRACKET_REGIONS = {"GB", "AU", "NZ", "IE", "DE", "AT", "CH", "NL", "BE", "BR", "FI"}
_DASH_REGIONS = {"NL", "SE", "BR", "MX", "FI"}
_NANP = {"US", "CA"}
EXTENSION = re.compile(r"\s*(?:x|ext\.?|#)\s*\d{1,6}$")


def phone_number(region: str, rng: random.Random) -> pn.PhoneNumber:
    """A valid mobile or fixed-line number of ``region``, varied from libphonenumber's example."""
    kind = rng.choice(_TYPES)
    example = pn.example_number_for_type(region, kind)
    nsn = pn.national_significant_number(example)
    for _ in range(300):
        keep = rng.choice((0, 1, 1, 2))  # from anywhere in the plan, or near the example
        candidate = nsn[:keep] + digits(rng, len(nsn) - keep, first=DIGITS if keep else nsn[0] + "123456789")
        num = pn.parse(f"+{example.country_code}{candidate}")
        if pn.is_valid_number_for_region(num, region) and pn.number_type(num) in _ANY | {kind}:
            return num
    return example


def _pairs(s: str) -> str:
    return grouped(s, (3, 2)) if len(s) % 2 else grouped(s, (2,))


def _threes(s: str) -> str:
    """Groups of three; a remainder makes the last group four (123 4567) or the first (1318 9043)."""
    if len(s) <= 4:
        return s
    if len(s) % 3 == 0:
        return grouped(s, (3,))
    if len(s) % 3 == 1:
        return grouped(s[:-4], (3,)) + " " + s[-4:]
    return grouped(s, (2, 3)) if len(s) == 5 else s[:4] + " " + _threes(s[4:])


def phone_forms(num: pn.PhoneNumber, region: str) -> dict[str, str]:
    """Every way of writing ``num`` that this region's people use, by form name."""
    national = pn.format_number(num, PhoneNumberFormat.NATIONAL)
    international = pn.format_number(num, PhoneNumberFormat.INTERNATIONAL)
    nsn = pn.national_significant_number(num)
    national_digits = re.sub(r"\D", "", national)
    trunk = national_digits[: len(national_digits) - len(nsn)]
    ndc = pn.length_of_national_destination_code(num)
    head, rest = trunk + nsn[:ndc], nsn[ndc:]
    forms = {
        "national": national,
        "international": international,
        "e164": pn.format_number(num, PhoneNumberFormat.E164),
        "bare": national_digits,
    }
    if pn.PhoneMetadata.metadata_for_region(region).international_prefix == "00":
        forms["00"] = "00" + international[1:]
    if region in _NANP:
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        forms |= {"dots": f"{a}.{b}.{c}", "dashes": f"{a}-{b}-{c}", "trunk-dashes": f"1-{a}-{b}-{c}",
                  "brackets": f"({a}) {b} {c}", "intl-dashes": f"+1 {a}-{b}-{c}"}
        return forms
    if head:
        forms |= {"twos": f"{head} {_pairs(rest)}", "threes": f"{head} {_threes(rest)}"}
        if region in _BRACKET_REGIONS:
            forms["brackets"] = f"({head}) {_threes(rest)}"
    else:
        forms |= {"twos": _pairs(nsn), "threes": _threes(nsn)}
    if trunk == "0":
        cc = international.split(" ", 1)[0]
        forms["intl-trunk"] = f"{cc} (0){nsn[:ndc]} {rest}" if ndc else f"{cc} (0){nsn}"
    if head and region in _SLASH_REGIONS:
        forms["slash"] = f"{head}/{rest}"
    if head and region in _DASH_REGIONS:
        forms["dash"] = f"{head}-{rest}"
    return {k: v for k, v in forms.items() if same_number(v, num, region)}


def same_number(text: str, num: pn.PhoneNumber, region: str) -> bool:
    try:
        parsed = pn.parse(text, region)
    except pn.NumberParseException:
        return False
    return parsed.country_code == num.country_code and parsed.national_number == num.national_number


def valid_phone(text: str, region: str) -> bool:
    try:
        return pn.is_valid_number_for_region(pn.parse(text, region), region)
    except pn.NumberParseException:
        return False


# --- e-mail addresses as people write them ------------------------------------------------

def email_forms(local: str, domain: str, *, at_words: tuple[str, str] = ("at", "dot")) -> dict[str, str]:
    at, dot = at_words
    host, _, tld = domain.rpartition(".")
    return {
        "plain": f"{local}@{domain}",
        "fullwidth-at": f"{local}＠{domain}",
        "fullwidth": f"{local}＠{domain.replace('.', '．')}",
        "(at)": f"{local} (at) {host.replace('.', ' (dot) ')} (dot) {tld}",
        "(at)-dots": f"{local}(at){domain}",
        "at-dot": f"{local} {at} {host.replace('.', f' {dot} ')} {dot} {tld}",
        "[at]": f"{local}[at]{host.replace('.', '[.]')}[.]{tld}",
        "[at]-[dot]": f"{local} [at] {host.replace('.', ' [dot] ')} [dot] {tld}",
    }


# --- store numbers that are not PII -------------------------------------------------------

def gs1(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def barcode(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(("ean13", "ean13", "upca", "ean8", "isbn"))
    if kind == "ean13":
        prefix = rng.choice(("400", "401", "40", "30", "35", "50", "54", "57", "64", "73", "76", "80", "84",
                             "87", "90", "59", "56", "78"))
        code = gs1(prefix + digits(rng, 12 - len(prefix)))
        return (f"{code[0]} {code[1:7]} {code[7:]}" if rng.random() < 0.25 else code), kind
    if kind == "upca":
        code = gs1(rng.choice("0136789") + digits(rng, 10))
        return (f"{code[0]} {code[1:6]} {code[6:11]} {code[11]}" if rng.random() < 0.25 else code), kind
    if kind == "ean8":
        return gs1(digits(rng, 7, first="123456789")), kind
    code = gs1("978" + digits(rng, 9))
    return (f"{code[:3]}-{code[3]}-{code[4:8]}-{code[8:12]}-{code[12]}" if rng.random() < 0.5 else code), kind


def s10(rng: random.Random, country: str, service: str | None = None) -> str:
    """A UPU S10 postal item identifier (RR123456789GB) with its mod-11 check digit."""
    serial = digits(rng, 8)
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7)))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    head = service or rng.choice(("R", "C", "E", "L", "V", "U")) + rng.choice(LETTERS)
    return f"{head}{serial}{check}{country}"


def ups(rng: random.Random) -> str:
    return "1Z" + "".join(rng.choice(DIGITS + LETTERS) for _ in range(6)) + digits(rng, 10)


def usps(rng: random.Random) -> str:
    code = gs1(rng.choice(("9400", "9205", "9361", "9405")) + "1" + digits(rng, 16))
    return grouped(code, (4,)) if rng.random() < 0.4 else code


def tracking(rng: random.Random, shape: str) -> str:
    """A parcel number of the carrier ``shape`` names (see ``CARRIERS`` in the locale table)."""
    if shape == "ups":
        return ups(rng)
    if shape == "usps":
        return usps(rng)
    if shape.startswith("s10:"):
        return s10(rng, shape[4:])
    if shape[0] == "d" and shape[1:].isdigit():
        return digits(rng, int(shape[1:]), first="123456789")
    if shape == "dhl-paket":
        return rng.choice(("00340434", "00340433")) + digits(rng, 12)
    if shape == "sscc":
        return "00" + rng.choice(("370", "373", "357", "571")) + digits(rng, 15)
    if shape == "postnl":
        return "3S" + "".join(rng.choice(LETTERS) for _ in range(4)) + digits(rng, rng.choice((7, 8, 9)))
    if shape == "colissimo":
        return rng.choice(("6A", "8N", "6C", "5R")) + digits(rng, 11)
    if shape == "swisspost":
        return f"99.{rng.choice(('00', '60', '40'))}.{digits(rng, 6)}.{digits(rng, 8)}"
    if shape == "auspost":
        return "33" + "".join(rng.choice(LETTERS) for _ in range(3)) + digits(rng, 7)
    if shape == "posti":
        return "JJFI" + digits(rng, 17)
    if shape == "zasilkovna":
        return "Z " + grouped(digits(rng, 10), (3, 4, 3))
    if shape == "canadapost":
        return digits(rng, 16)
    if shape == "jjd":
        return "JJD" + digits(rng, 18)
    raise ValueError(shape)
