"""A PII corpus of 24 locales, each written in its own language and its own formats.

This is the measuring stick for PII detection, kept apart from the tests' corpus
(``tests/pii_corpus.py``): different locales, templates, value makers and seeds. Every
locale plants e-mails (plain and obfuscated), phone numbers (Faker's and libphonenumber's,
in the country's national and international forms), payment cards of every network and
length (always next to a card word in the locale's language), IBANs (where the country has
them), street addresses (Faker's and built in the country's own format) and person names
(introduced by a phrase, or known to the store); and the store's own numbers that must
never be reported: order numbers, SKUs, barcodes, prices, dates, tracking numbers,
quantities, invoice numbers and times, written the locale's way.

``build(per_locale, seed=...)`` is deterministic for a given seed and Faker version.
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from bench.pii_addresses import address
from bench.pii_languages import TEXTS, Texts
from bench.pii_values import (EXTENSION, barcode, card, digits, email_forms, iban, phone_forms, phone_number, tracking,
                              valid_phone)

POSITIVES = ("email", "phone", "card", "iban", "address", "name")
NEGATIVES = ("order", "sku", "barcode", "price", "date", "tracking", "quantity", "invoice", "time")
KNOWN_NAMES_PER_LOCALE = 25


@dataclass(frozen=True)
class Locale:
    code: str  #: the Faker locale
    region: str  #: ISO 3166-1 alpha-2
    language: str  #: ISO 639-1
    texts: Texts
    money: tuple[str, ...]  #: {n}: amount with decimals, {w}: whole amount
    thousands: tuple[str, ...]
    decimal: str
    dates: tuple[str, ...]  #: {d} {dd} {m} {mm} {y} {yy} {M}: month name
    times: tuple[str, ...]  #: {H} {HH} {h} {MM}
    carriers: tuple[tuple[str, str], ...]  #: (carrier, tracking shape in ``pii_values.tracking``)
    email_domains: tuple[str, ...]
    iban: bool = True
    #: whether Faker's phone_number() writes this country's numbers (en_IE's and es_MX's are American)
    faker_phones: bool = True
    at_words: tuple[str, str] = ("at", "dot")


_EN_US_TIMES = ("{h}:{MM} pm", "{h}:{MM} am", "{h}pm", "{H}:{MM}")
_EN_DATES = ("{dd}/{mm}/{y}", "{d}/{m}/{yy}", "{d} {M} {y}", "{d} {M}", "{y}-{mm}-{dd}")
_DE_DATES = ("{dd}.{mm}.{y}", "{d}.{m}.{y}", "{dd}.{mm}.{yy}", "{d}. {M} {y}", "{d}. {M}", "{y}-{mm}-{dd}", "{dd}.{mm}.")
_CH_MONEY = ("CHF {n}", "Fr. {n}", "{n} CHF", "CHF {w}.–", "{w}.– CHF")

_LOCALES = (
    Locale("en_US", "US", "en", TEXTS["en"], ("${n}", "${w}", "{n} USD", "US${n}"), (",",), ".",
           ("{mm}/{dd}/{y}", "{m}/{d}/{y}", "{m}/{d}/{yy}", "{M} {d}, {y}", "{M} {d}", "{y}-{mm}-{dd}"), _EN_US_TIMES,
           (("UPS", "ups"), ("USPS", "usps"), ("FedEx", "d12"), ("FedEx", "d15")),
           ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "comcast.net"), iban=False),
    Locale("en_GB", "GB", "en", TEXTS["en"], ("£{n}", "£{w}", "{n} GBP"), (",",), ".", _EN_DATES,
           ("{H}:{MM}", "{h}.{MM}pm", "{h}pm"), (("Royal Mail", "s10:GB"), ("DPD", "d14"), ("UPS", "ups")),
           ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com", "outlook.com", "sky.com")),
    Locale("en_AU", "AU", "en", TEXTS["en"], ("${n}", "A${n}", "AU${n}", "{n} AUD"), (",",), ".", _EN_DATES,
           ("{h}:{MM}pm", "{H}:{MM}", "{h}.{MM}am"), (("Australia Post", "auspost"), ("Australia Post", "s10:AU"),
                                                     ("StarTrack", "d12")),
           ("gmail.com", "bigpond.com", "outlook.com.au", "hotmail.com", "optusnet.com.au", "icloud.com"), iban=False),
    Locale("en_CA", "CA", "en", TEXTS["en"], ("${n}", "C${n}", "{n} CAD", "CA${n}"), (",",), ".",
           ("{y}-{mm}-{dd}", "{mm}/{dd}/{y}", "{dd}/{mm}/{y}", "{M} {d}, {y}"), ("{h}:{MM} p.m.", "{H}:{MM}", "{h}:{MM} a.m."),
           (("Canada Post", "canadapost"), ("Canada Post", "s10:CA"), ("Purolator", "d12")),
           ("gmail.com", "hotmail.com", "yahoo.ca", "rogers.com", "shaw.ca", "sympatico.ca"), iban=False),
    Locale("en_IE", "IE", "en", TEXTS["en"], ("€{n}", "€{w}", "{n} EUR"), (",",), ".", _EN_DATES, ("{H}:{MM}", "{h}pm"),
           (("An Post", "s10:IE"), ("DPD", "d14"), ("Fastway", "d12")),
           ("gmail.com", "eircom.net", "hotmail.com", "yahoo.ie", "outlook.ie", "icloud.com"), faker_phones=False),
    Locale("en_NZ", "NZ", "en", TEXTS["en"], ("${n}", "NZ${n}", "{n} NZD"), (",",), ".", _EN_DATES, ("{h}:{MM}pm", "{H}:{MM}"),
           (("NZ Post", "s10:NZ"), ("CourierPost", "d12")),
           ("gmail.com", "xtra.co.nz", "hotmail.com", "outlook.co.nz", "slingshot.co.nz", "yahoo.co.nz"), iban=False),
    Locale("de_DE", "DE", "de", TEXTS["de"], ("{n} €", "{n}€", "€ {n}", "{n} EUR", "{w},- €"), (".",), ",", _DE_DATES,
           ("{HH}:{MM} Uhr", "{H}.{MM} Uhr", "{H} Uhr", "{HH}:{MM}"),
           (("DHL", "dhl-paket"), ("DHL", "d12"), ("Hermes", "d14"), ("DPD", "d14"), ("GLS", "d11")),
           ("gmx.de", "web.de", "t-online.de", "gmail.com", "freenet.de", "posteo.de", "outlook.de")),
    Locale("de_AT", "AT", "de", TEXTS["de"], ("€ {n}", "{n} €", "EUR {n}"), (".",), ",", _DE_DATES,
           ("{HH}:{MM} Uhr", "{H}.{MM} Uhr"), (("Österreichische Post", "s10:AT"), ("Post", "d22"), ("DPD", "d14"),
                                              ("GLS", "d11")),
           ("gmx.at", "aon.at", "gmail.com", "chello.at", "a1.net", "outlook.com")),
    Locale("de_CH", "CH", "de", TEXTS["de"], _CH_MONEY, ("'", "’"), ".", _DE_DATES, ("{HH}:{MM} Uhr", "{H}.{MM} Uhr"),
           (("Die Post", "swisspost"), ("Post CH", "s10:CH"), ("DHL", "d10")),
           ("bluewin.ch", "gmx.ch", "gmail.com", "hispeed.ch", "sunrise.ch", "outlook.com")),
    Locale("fr_FR", "FR", "fr", TEXTS["fr"], ("{n} €", "{n} €", "{n} EUR", "{n}€"), ("\u202f", " ", ""), ",",
           ("{dd}/{mm}/{y}", "{d} {M} {y}", "{d}/{m}/{yy}", "{dd}/{mm}", "{d} {M}"), ("{H}h{MM}", "{H}h", "{HH}:{MM}"),
           (("Colissimo", "colissimo"), ("Chronopost", "s10:FR"), ("Mondial Relay", "d8"), ("La Poste", "s10:FR")),
           ("orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr", "wanadoo.fr", "hotmail.fr")),
    Locale("fr_CH", "CH", "fr", TEXTS["fr"], _CH_MONEY, ("'", " "), ".", ("{dd}.{mm}.{y}", "{dd}/{mm}/{y}", "{d} {M} {y}"),
           ("{H}h{MM}", "{HH}:{MM}"), (("La Poste", "swisspost"), ("Poste CH", "s10:CH")),
           ("bluewin.ch", "gmail.com", "hispeed.ch", "citycable.ch", "romandie.com", "sunrise.ch")),
    Locale("nl_NL", "NL", "nl", TEXTS["nl"], ("€ {n}", "€{n}", "{n} euro", "€ {w},-"), (".",), ",",
           ("{dd}-{mm}-{y}", "{d}-{m}-{y}", "{d} {M} {y}", "{dd}/{mm}/{y}", "{y}-{mm}-{dd}"), ("{HH}:{MM}", "{H}.{MM} uur", "{H} uur"),
           (("PostNL", "postnl"), ("DHL", "jjd"), ("DPD", "d14")),
           ("ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.nl", "live.nl", "xs4all.nl", "planet.nl")),
    Locale("nl_BE", "BE", "nl", TEXTS["nl"], ("€ {n}", "{n} €", "{n} EUR"), (".",), ",",
           ("{dd}/{mm}/{y}", "{d} {M} {y}", "{d}/{m}/{yy}", "{dd}.{mm}.{y}"), ("{HH}:{MM}", "{H}u{MM}", "{H}.{MM} uur"),
           (("bpost", "d24"), ("bpost", "s10:BE"), ("PostNL", "postnl"), ("DPD", "d14")),
           ("telenet.be", "skynet.be", "gmail.com", "hotmail.com", "proximus.be", "outlook.be")),
    Locale("it_IT", "IT", "it", TEXTS["it"], ("{n} €", "€ {n}", "{n} euro", "EUR {n}"), (".",), ",",
           ("{dd}/{mm}/{y}", "{d}/{m}/{y}", "{d} {M} {y}", "{dd}-{mm}-{y}", "{dd}.{mm}.{y}"), ("{HH}:{MM}", "{H}.{MM}"),
           (("Poste Italiane", "s10:IT"), ("BRT", "d12"), ("GLS", "d11")),
           ("libero.it", "gmail.com", "alice.it", "virgilio.it", "tiscali.it", "hotmail.it", "yahoo.it")),
    Locale("es_ES", "ES", "es", TEXTS["es"], ("{n} €", "{n}€", "{n} euros", "€{n}"), (".",), ",",
           ("{dd}/{mm}/{y}", "{d}/{m}/{y}", "{d} de {M} de {y}", "{d} de {M}", "{dd}-{mm}-{y}"), ("{HH}:{MM}", "{H}:{MM} h"),
           (("Correos", "s10:ES"), ("SEUR", "d10"), ("MRW", "d12")),
           ("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "outlook.es", "movistar.es"),
           at_words=("arroba", "punto")),
    Locale("es_MX", "MX", "es", TEXTS["es"], ("${n}", "$ {n} MXN", "{n} pesos", "MXN {n}"), (",",), ".",
           ("{dd}/{mm}/{y}", "{d} de {M} de {y}", "{d}/{m}/{yy}"), ("{H}:{MM} hrs", "{h}:{MM} p.m.", "{HH}:{MM}"),
           (("Estafeta", "d22"), ("DHL", "d10"), ("Correos de México", "s10:MX")),
           ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.mx", "prodigy.net.mx", "live.com.mx"), iban=False,
           faker_phones=False, at_words=("arroba", "punto")),
    Locale("pt_PT", "PT", "pt", TEXTS["pt"], ("{n} €", "{n}€", "€ {n}", "{n} euros"), (" ", "."), ",",
           ("{dd}/{mm}/{y}", "{d} de {M} de {y}", "{dd}-{mm}-{y}", "{y}-{mm}-{dd}"), ("{HH}:{MM}", "{H}h{MM}", "{H}h"),
           (("CTT", "s10:PT"), ("DPD", "d14"), ("GLS", "d11")),
           ("sapo.pt", "gmail.com", "hotmail.com", "netcabo.pt", "outlook.pt", "clix.pt"), at_words=("arroba", "ponto")),
    Locale("pt_BR", "BR", "pt", TEXTS["pt_BR"], ("R$ {n}", "R${n}", "{n} reais"), (".",), ",",
           ("{dd}/{mm}/{y}", "{d} de {M} de {y}", "{dd}/{mm}/{yy}", "{dd}/{mm}"), ("{HH}:{MM}", "{H}h{MM}", "{H}h"),
           (("Correios", "s10:BR"), ("Jadlog", "d14"), ("Loggi", "d12")),
           ("gmail.com", "hotmail.com", "yahoo.com.br", "uol.com.br", "bol.com.br", "terra.com.br", "outlook.com"),
           at_words=("arroba", "ponto")),
    Locale("pl_PL", "PL", "pl", TEXTS["pl"], ("{n} zł", "{n} PLN", "{n}zł", "PLN {n}"), (" ", "\xa0"), ",",
           ("{dd}.{mm}.{y}", "{d} {M} {y}", "{dd}.{mm}.{y} r.", "{y}-{mm}-{dd}", "{dd}/{mm}/{y}"), ("{HH}:{MM}", "{H}.{MM}"),
           (("InPost", "d24"), ("Poczta Polska", "d20"), ("DPD", "d14"), ("Poczta Polska", "s10:PL")),
           ("wp.pl", "onet.pl", "interia.pl", "o2.pl", "gmail.com", "op.pl", "poczta.fm")),
    Locale("sv_SE", "SE", "sv", TEXTS["sv"], ("{n} kr", "{w} kr", "{w}:-", "SEK {n}", "{n} SEK"), (" ", "\xa0"), ",",
           ("{y}-{mm}-{dd}", "{d} {M} {y}", "{d} {M}", "{d}/{m}"), ("{HH}:{MM}", "{HH}.{MM}"),
           (("PostNord", "s10:SE"), ("PostNord", "sscc"), ("DHL", "d10")),
           ("gmail.com", "hotmail.se", "telia.com", "outlook.com", "live.se", "bredband.net", "yahoo.se")),
    Locale("da_DK", "DK", "da", TEXTS["da"], ("{n} kr.", "kr. {n}", "DKK {n}", "{w},- kr.", "{n} DKK"), (".",), ",",
           ("{dd}.{mm}.{y}", "{d}. {M} {y}", "{d}/{m}-{y}", "{d}/{m}", "{dd}-{mm}-{y}"), ("{HH}.{MM}", "{HH}:{MM}"),
           (("PostNord", "s10:DK"), ("PostNord", "sscc"), ("GLS", "d11")),
           ("gmail.com", "hotmail.com", "mail.dk", "jubii.dk", "outlook.dk", "yahoo.dk", "stofanet.dk")),
    Locale("no_NO", "NO", "no", TEXTS["no"], ("kr {n}", "{n} kr", "NOK {n}", "{w},- kr", "kr {w},-"), (" ", "\xa0"), ",",
           ("{dd}.{mm}.{y}", "{d}. {M} {y}", "{d}.{m}.{yy}"), ("{HH}:{MM}", "{HH}.{MM}"),
           (("Posten", "s10:NO"), ("Bring", "d17"), ("PostNord", "sscc")),
           ("gmail.com", "online.no", "hotmail.com", "outlook.com", "getmail.no", "yahoo.no", "live.no")),
    Locale("fi_FI", "FI", "fi", TEXTS["fi"], ("{n} €", "{n}€", "{n} euroa", "€{n}"), (" ", "\xa0"), ",",
           ("{d}.{m}.{y}", "{dd}.{mm}.{y}", "{d}. {M} {y}", "{d}.{m}."), ("{HH}.{MM}", "{H}.{MM}", "{HH}:{MM}"),
           (("Posti", "posti"), ("Posti", "s10:FI"), ("DB Schenker", "d10")),
           ("gmail.com", "hotmail.com", "luukku.com", "suomi24.fi", "elisanet.fi", "kolumbus.fi", "outlook.com")),
    Locale("cs_CZ", "CZ", "cs", TEXTS["cs"], ("{n} Kč", "{w} Kč", "{w},- Kč", "CZK {n}", "{n} CZK"), (" ", "\xa0"), ",",
           ("{d}. {m}. {y}", "{d}.{m}.{y}", "{dd}.{mm}.{y}", "{d}. {M} {y}", "{d}. {m}."), ("{H}:{MM}", "{H}.{MM}", "{HH}:{MM} hod."),
           (("Česká pošta", "s10:CZ"), ("Zásilkovna", "zasilkovna"), ("PPL", "d11"), ("DPD", "d14")),
           ("seznam.cz", "email.cz", "gmail.com", "centrum.cz", "post.cz", "atlas.cz", "volny.cz")),
)
LOCALES: dict[str, Locale] = {loc.code: loc for loc in _LOCALES}


@dataclass(frozen=True)
class Planted:
    entity: str
    start: int
    end: int  #: the span the detector must find
    extent: tuple[int, int]  #: how far a finding of this entity may reach without over-reaching
    variant: str


@dataclass(frozen=True)
class Sample:
    text: str
    locale: str
    category: str  #: a POSITIVES or NEGATIVES name
    planted: tuple[Planted, ...]


@dataclass(frozen=True)
class Corpus:
    samples: tuple[Sample, ...]
    #: per locale, the casefolded full names of the store's customers (``Hints.names``)
    known_names: dict[str, frozenset[str]]
    seed: int
    per_locale: int


# --- filling templates ---------------------------------------------------------------------

def _place(template: str, value: str) -> tuple[str, int]:
    start = template.index("{v}")
    return template[:start] + value + template[start + 3:], start


def _positive(locale: str, category: str, template: str, value: str, required: tuple[int, int],
              variant: str) -> Sample:
    """``required`` is the span within ``value`` that must be found; all of ``value`` may be."""
    text, start = _place(template, value)
    planted = Planted(category, start + required[0], start + required[1], (start, start + len(value)), variant)
    return Sample(text, locale, category, (planted,))


def _ascii(s: str) -> str:
    s = s.translate(str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L", "đ": "d"}))
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def _full_name(fake: Faker, loc: Locale, rng: random.Random) -> str:
    name = f"{fake.first_name()} {fake.last_name()}"
    if loc.language == "es" and rng.random() < 0.5:
        name += f" {fake.last_name()}"
    if name.split()[-1].islower() or "." in name:  # Faker's "Dussen van" and "Hans-H.": not how people sign
        return _full_name(fake, loc, rng)
    return name


# --- positives -------------------------------------------------------------------------------

def _email(loc: Locale, fake: Faker, rng: random.Random) -> Sample:
    if rng.random() < 0.5:
        local = str(fake.user_name())
    else:
        first, last = _ascii(str(fake.first_name())).lower(), _ascii(str(fake.last_name())).lower()
        local = rng.choice((f"{first}.{last}", f"{first}{last}", f"{first[0]}.{last}", f"{first}_{last}{rng.randint(1, 99)}"))
        local = local.replace(" ", "").replace("'", "")
    domain = rng.choice(loc.email_domains) if rng.random() < 0.7 else str(fake.free_email_domain())
    if rng.random() < 0.1:
        domain = str(fake.domain_name())
    forms = email_forms(local, domain, at_words=loc.at_words if rng.random() < 0.5 else ("at", "dot"))
    variant = "plain" if rng.random() < 0.5 else rng.choice(sorted(forms))
    value = forms[variant]
    template = rng.choice(loc.texts.email + ("{v}",))
    return _positive(loc.code, "email", template, value, (0, len(value)), variant)


def _phone(loc: Locale, fake: Faker, rng: random.Random) -> Sample:
    value, variant = "", ""
    if loc.faker_phones and rng.random() < 0.25:
        for _ in range(20):
            candidate = str(fake.phone_number())
            if valid_phone(candidate, loc.region):
                value, variant = candidate, "faker"
                break
    if not value:
        forms = phone_forms(phone_number(loc.region, rng), loc.region)
        variant = rng.choice(sorted(forms))
        value = forms[variant]
    # a bare run of digits is a phone number only where the sentence says so
    templates = loc.texts.phone if variant == "bare" else loc.texts.phone + ("{v}",)
    ext = EXTENSION.search(value)
    return _positive(loc.code, "phone", rng.choice(templates), value, (0, ext.start() if ext else len(value)), variant)


def _card(loc: Locale, fake: Faker, rng: random.Random) -> Sample:
    value, variant = card(rng)
    return _positive(loc.code, "card", rng.choice(loc.texts.card), value, (0, len(value)), variant)


def _iban(loc: Locale, fake: Faker, rng: random.Random) -> Sample:
    value, variant = iban(loc.region, str(fake.iban()), rng)
    return _positive(loc.code, "iban", rng.choice(loc.texts.iban + ("{v}",)), value, (0, len(value)), variant)


def _address(loc: Locale, fake: Faker, rng: random.Random) -> Sample:
    a = address(loc.code, fake, rng)
    template = rng.choice(loc.texts.address + ("{v}", "{v}"))
    if ":\n{v}" in template or (template == "{v}" and rng.random() < 0.5):
        value, form = f"{a.street}\n{a.tail}", "lines"
    elif rng.random() < 0.5:
        value, form = f"{a.street}, {a.tail}", "tail"
    else:
        value, form = a.street, "street"
    return _positive(loc.code, "address", template, value, (0, len(a.street)), f"{a.variant}/{form}")


def _name(loc: Locale, fake: Faker, rng: random.Random, known: list[str], i: int) -> Sample:
    if i % 2 == 0:
        name = rng.choice(known)
        variant = "known"
        if rng.random() < 0.2:
            name, variant = name.lower(), "known-lower"
        template = rng.choice(loc.texts.name_known)
    else:
        lowered = {k.casefold() for k in known}
        name = _full_name(fake, loc, rng)
        while name.casefold() in lowered:
            name = _full_name(fake, loc, rng)
        variant, template = "phrase", rng.choice(loc.texts.name_phrase)
    return _positive(loc.code, "name", template, name, (0, len(name)), variant)


# --- negatives ------------------------------------------------------------------------------

def _amount(loc: Locale, rng: random.Random) -> tuple[str, str]:
    value = round(rng.choice((rng.uniform(0.5, 50), rng.uniform(10, 500), rng.uniform(100, 5000),
                              rng.uniform(1000, 99999))), 2)
    if rng.random() < 0.3:
        value = float(int(value)) + rng.choice((0.0, 0.99, 0.5))
    sep = rng.choice(loc.thousands) if rng.random() < 0.8 else ""
    whole = f"{int(value):,}".replace(",", sep)
    return f"{whole}{loc.decimal}{round(value * 100) % 100:02d}", whole


def _date(loc: Locale, rng: random.Random) -> str:
    day = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1460))
    return rng.choice(loc.dates).format(d=day.day, dd=f"{day.day:02d}", m=day.month, mm=f"{day.month:02d}", y=day.year,
                                        yy=f"{day.year % 100:02d}", M=loc.texts.months[day.month - 1])


def _order_number(rng: random.Random) -> str:
    return rng.choice((
        f"#{rng.randint(1001, 99999)}", f"#{rng.randint(1001, 9999)}-{rng.randint(1, 3)}", str(rng.randint(100000, 999999999)),
        f"{digits(rng, 3)}-{digits(rng, 7)}-{digits(rng, 7)}", f"{rng.randint(1000, 9999)}-{rng.randint(2024, 2027)}",
        f"SO-{digits(rng, 6)}", f"{rng.randint(2024, 2027)}-{digits(rng, 5)}", f"W{digits(rng, 9)}",
    ))


def _sku(rng: random.Random) -> str:
    letters = "ABCDEFGHKLMNPRSTWXZ"
    return rng.choice((
        f"{rng.choice(('LT', 'TSH', 'JKT', 'BAG', 'MUG'))}-{rng.choice(('BLK', 'RED', 'NVY', 'WHT'))}-{rng.randint(1, 999):03d}",
        f"{digits(rng, 5, first='123456789')}-{rng.choice(('XS', 'S', 'M', 'L', 'XL', 'XXL'))}",
        f"{rng.choice(letters)}{rng.randint(100, 9999)}-{rng.randint(10, 99)}",
        f"{rng.randint(10, 99)}-{digits(rng, 4)}-{digits(rng, 3)}", digits(rng, 6, first="123456789"),
        f"{rng.choice(letters)}{rng.choice(letters)}{digits(rng, 4)}", f"SKU-{digits(rng, 8)}",
    ))


def _invoice_number(rng: random.Random) -> str:
    year = rng.randint(2024, 2027)
    return rng.choice((
        f"INV-{year}-{digits(rng, 5)}", f"RE-{year}-{digits(rng, 4)}", f"{year}-{digits(rng, 4)}", f"{rng.randint(1, 999)}/{year}",
        f"FA{year}-{digits(rng, 4)}", f"{year}{digits(rng, 6)}", f"F{digits(rng, 6)}", digits(rng, 7, first="123456789"),
    ))


def _time(loc: Locale, rng: random.Random) -> str:
    hour, minute = rng.randint(7, 21), rng.choice((0, 15, 30, 45, rng.randint(0, 59)))
    return rng.choice(loc.times).format(H=hour, HH=f"{hour:02d}", h=(hour - 1) % 12 + 1, MM=f"{minute:02d}")


def _negative(loc: Locale, rng: random.Random, category: str) -> Sample:
    t = loc.texts
    if category == "order":
        template, value = rng.choice(t.order), _order_number(rng)
        if template.startswith("{v}") and value[0].isdigit():
            value = "#" + value
    elif category == "sku":
        template, value = rng.choice(t.sku), _sku(rng)
    elif category == "barcode":
        template, value = rng.choice(t.barcode), barcode(rng)[0]
    elif category == "price":
        n, w = _amount(loc, rng)
        template, value = rng.choice(t.price), rng.choice(loc.money).format(n=n, w=w)
    elif category == "date":
        template, value = rng.choice(t.date), _date(loc, rng)
    elif category == "tracking":
        carrier, shape = rng.choice(loc.carriers)
        template, value = rng.choice(t.tracking).replace("{carrier}", carrier), tracking(rng, shape)
    elif category == "quantity":
        weight = rng.choice((f"{rng.choice((100, 250, 500, 750))} g", f"1{loc.decimal}5 kg", f"{rng.choice((330, 500))} ml",
                             f"{rng.randint(1, 5)} l", f"{rng.randint(1, 3)} kg"))
        template, value = rng.choice(t.quantity).replace("{n}", str(rng.randint(1, 48))).replace("{w}", weight), ""
        return Sample(template, loc.code, category, ())
    elif category == "invoice":
        template, value = rng.choice(t.invoice), _invoice_number(rng)
    else:
        template, value = rng.choice(t.time), _time(loc, rng)
    return Sample(_place(template, value)[0], loc.code, category, ())


# --- the corpus ------------------------------------------------------------------------------

def _locale_rng(seed: int, code: str) -> random.Random:
    return random.Random(f"{seed}:{code}")


def _known_names(loc: Locale, fake: Faker, rng: random.Random) -> list[str]:
    names: dict[str, str] = {}
    while len(names) < KNOWN_NAMES_PER_LOCALE:
        name = _full_name(fake, loc, rng)
        names.setdefault(name.casefold(), name)
    return list(names.values())


def build(per_locale: int = 100, *, seed: int, locales: tuple[str, ...] | None = None) -> Corpus:
    """``per_locale`` samples of each positive and each negative category, in every locale."""
    samples: list[Sample] = []
    known: dict[str, frozenset[str]] = {}
    for code in locales or tuple(LOCALES):
        loc = LOCALES[code]
        rng = _locale_rng(seed, code)
        fake = Faker(code)
        fake.seed_instance(zlib.crc32(f"{seed}:{code}".encode()))
        names = _known_names(loc, fake, rng)
        known[code] = frozenset(n.casefold() for n in names)
        makers = {"email": _email, "phone": _phone, "card": _card, "address": _address}
        if loc.iban:
            makers["iban"] = _iban
        for category in POSITIVES:
            for i in range(per_locale):
                if category == "name":
                    samples.append(_name(loc, fake, rng, names, i))
                elif category in makers:
                    samples.append(makers[category](loc, fake, rng))
        for category in NEGATIVES:
            samples.extend(_negative(loc, rng, category) for _ in range(per_locale))
    return Corpus(tuple(samples), known, seed, per_locale)
