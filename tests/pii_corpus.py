"""A generated, multi-locale PII corpus with planted entities and look-alike negatives.

Positives come from Faker (en_US, en_GB, de_DE, fr_FR) in sentences a shopper or an
operator would write in that language; card numbers are built here for every major
network (Visa 16/19, Mastercard 51-55 and the 2-series, Amex, Discover, Diners, JCB,
UnionPay, Maestro) with a valid Luhn digit. Negatives are the numbers a store is full
of: order numbers, SKUs, EAN-13 barcodes, prices, dates and parcel tracking numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR")


@dataclass(frozen=True)
class Sample:
    text: str
    #: (entity, start, end) of each planted entity; empty for negatives
    planted: tuple[tuple[str, int, int], ...]
    category: str


TEMPLATES = {
    "en_US": {
        "email": ["Please send the invoice to {v} thanks", "my email is {v}", "Contact: {v}", "{v}"],
        "phone": ["You can call me at {v} after 5pm", "my phone number is {v}", "Tel: {v}",
                  "text me on {v} please", "Reach me at {v}", "{v} (cell)"],
        "address": ["Ship it to {v}, please", "My address is {v}", "Deliver to: {v}", "{v}"],
        "card": ["my card is {v}", "Charge {v} please", "Card number {v} exp 04/29"],
        "iban": ["Refund to IBAN {v}", "wire it to {v}"],
    },
    "en_GB": {
        "email": ["Could you email me at {v}?", "Email: {v}", "reply to {v} cheers"],
        "phone": ["Ring me on {v} if there's a problem", "Mobile: {v}", "my number is {v}",
                  "call {v} anytime", "{v}"],
        "address": ["Please post it to {v}", "Address: {v}", "It should go to {v}"],
        "card": ["Card: {v}", "I paid with {v}", "use card {v}"],
        "iban": ["My IBAN is {v}", "Bank details: {v}"],
    },
    "de_DE": {
        "email": ["Bitte schreiben Sie an {v}", "E-Mail: {v}", "Meine Adresse ist {v}"],
        "phone": ["Rufen Sie mich unter {v} an", "Telefon: {v}", "Meine Handynummer: {v}", "Tel. {v}", "{v}"],
        "address": ["Bitte liefern Sie an {v}", "Lieferadresse: {v}", "Ich wohne in der {v}", "{v}"],
        "card": ["Meine Kreditkarte: {v}", "Karte {v} bitte belasten"],
        "iban": ["Bitte erstatten auf IBAN {v}", "Konto: {v}"],
    },
    "fr_FR": {
        "email": ["Écrivez-moi à {v} merci", "Mon e-mail : {v}", "Courriel : {v}"],
        "phone": ["Appelez-moi au {v}", "Téléphone : {v}", "mon numéro est le {v}", "Portable : {v}", "{v}"],
        "address": ["Livrez au {v} s'il vous plaît", "Adresse : {v}", "J'habite {v}", "{v}"],
        "card": ["Ma carte : {v}", "carte bancaire {v}"],
        "iban": ["Remboursez sur l'IBAN {v}", "RIB : {v}"],
    },
}

# (prefix choices, length) per network
NETWORKS = [
    (["4"], 16), (["4"], 19),
    (["51", "52", "53", "54", "55"], 16),
    ([str(p) for p in range(2221, 2721, 37)], 16),
    (["34", "37"], 15),
    (["6011", "65"], 16),
    (["36"], 14),
    ([str(p) for p in range(3528, 3590, 7)], 16),
    (["62"], 16), (["62"], 19),
    (["6759", "6761", "6763"], 16), (["50", "56", "58"], 19),
]


def luhn_complete(partial: str) -> str:
    for check in "0123456789":
        candidate = partial + check
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            d = int(ch)
            if i % 2 == 1:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def card_number(rng: random.Random) -> str:
    prefixes, length = rng.choice(NETWORKS)
    prefix = rng.choice(prefixes)
    digits = luhn_complete(prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1)))
    style = rng.choice(["plain", "spaces", "dashes"])
    if style == "plain":
        return digits
    sep = " " if style == "spaces" else "-"
    if length == 15:
        return sep.join([digits[:4], digits[4:10], digits[10:]])
    return sep.join(digits[i:i + 4] for i in range(0, length, 4))


def iban(fake: Faker, rng: random.Random) -> str:
    value = str(fake.iban())
    if rng.random() < 0.5:
        return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value


def ean13(rng: random.Random) -> str:
    body = rng.choice(["400", "401", "421", "300", "350", "500", "501", "00", "03", "84", "87"])
    body += "".join(rng.choice("0123456789") for _ in range(12 - len(body)))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def negatives(rng: random.Random, n: int) -> list[Sample]:
    out: list[Sample] = []
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    makers = {
        "order_number": lambda: rng.choice(["Order #{}", "order no. {}", "Bestellung Nr. {}", "commande n° {}",
                                            "Where is order {}?", "#{} has shipped"]).format(rng.randint(1000, 9999999)),
        "sku": lambda: rng.choice(["SKU {}", "item {} is back in stock", "Artikel {}", "réf. {}"]).format(
            rng.choice([f"LIN-TOT-{rng.randint(1, 99):02d}", f"{rng.randint(10000, 99999)}-XL",
                        f"{rng.choice(letters)}{rng.randint(100, 999)}-{rng.randint(10, 99)}",
                        f"{rng.randint(10, 99)}-{rng.randint(1000, 9999)}-{rng.randint(100, 999)}"])),
        "ean13": lambda: rng.choice(["EAN {}", "barcode {}", "GTIN: {}", "{}"]).format(ean13(rng)),
        "price": lambda: rng.choice([
            "Total: ${:,.2f}".format(rng.uniform(1, 99999)), "It costs €{:.2f}".format(rng.uniform(1, 999)),
            "{:,.2f} USD".format(rng.uniform(1, 99999)), "£{:.2f} incl. VAT".format(rng.uniform(1, 999)),
            "Preis: {}.{},{} €".format(rng.randint(1, 9), rng.randint(100, 999), rng.randint(10, 99)),
            "Prix : {},{} €".format(rng.randint(1, 999), rng.randint(10, 99))]),
        "date": lambda: rng.choice(["on {:%Y-%m-%d}", "by {:%d/%m/%Y}", "ordered {:%m/%d/%Y}",
                                    "am {:%d.%m.%Y}", "le {:%d/%m/%Y}", "{:%d %B %Y}", "{:%b %d, %Y}"]).format(
            date(2023, 1, 1) + timedelta(days=rng.randint(0, 1500))),
        "tracking": lambda: rng.choice([
            "UPS tracking 1Z{}".format("".join(rng.choice("0123456789" + letters) for _ in range(16))),
            "USPS tracking number {}".format("94" + "".join(rng.choice("0123456789") for _ in range(20))),
            "FedEx tracking number: {}".format(rng.randint(100000000000, 999999999999)),
            "DHL waybill {}".format(rng.randint(1000000000, 9999999999)),
            "Royal Mail {}{}{}GB".format(rng.choice(letters), rng.choice(letters), rng.randint(100000000, 999999999)),
            "Sendungsnummer {}".format(rng.randint(100000000000, 999999999999)),
        ]),
    }
    for category, make in makers.items():
        for _ in range(n):
            out.append(Sample(make(), (), category))
    return out


def build(per_entity: int = 1000, *, seed: int = 20261121) -> list[Sample]:
    rng = random.Random(seed)
    fakers = {}
    for loc in LOCALES:
        fakers[loc] = Faker(loc)
        fakers[loc].seed_instance(seed)
    samples: list[Sample] = []
    per_locale = -(-per_entity // len(LOCALES))
    for entity in ("email", "phone", "address", "card", "iban"):
        for loc in LOCALES:
            fake = fakers[loc]
            for _ in range(per_locale):
                value = {"email": lambda: str(fake.email()), "phone": lambda: str(fake.phone_number()),
                         "address": lambda: str(fake.street_address()), "card": lambda: card_number(rng),
                         "iban": lambda: iban(fake, rng)}[entity]()
                template = rng.choice(TEMPLATES[loc][entity])
                start = template.index("{v}")
                text = template.replace("{v}", value)
                samples.append(Sample(text, ((entity, start, start + len(value)),), f"{entity}/{loc}"))
    samples += negatives(rng, per_entity)
    return samples
