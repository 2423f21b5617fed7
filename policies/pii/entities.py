"""What the detectors report: the entity classes, one finding, and the store's hints."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Entity(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    IBAN = "iban"
    ADDRESS = "address"
    #: a person's name: names the store already knows, and names introduced as names ("my name is …")
    NAME = "name"


@dataclass(frozen=True, slots=True)
class Finding:
    entity: Entity
    start: int
    end: int
    value: str


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Hints:
    """What the store knows that makes detection sharper; every field may be empty.

    ``regions``: ISO 3166-1 alpha-2 countries the store sells to (from its orders): national
    phone numbers are read in their formats. ``names``: casefolded full names of the store's
    customers (from the vault): found wherever they are written. ``languages``: ISO 639-1
    codes of the store's languages (card words are known in every supported language anyway).
    ``catalog``: casefolded product titles and vendors: a phrase that names a product is
    never taken for a person ("a discount for Rose Gold Ring").
    """

    regions: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()
    languages: tuple[str, ...] = ()
    catalog: frozenset[str] = frozenset()
