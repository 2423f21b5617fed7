"""How a figure reads, and the exact value it then stands for.

Arithmetic shown to a person holds only if every figure in it is the value it shows: a
rate of 1.25 shown as "1.2" makes "28 × 1.2 × $145.99 = $5,109.65" false. So a figure
is rounded to the precision it is shown with *before* it is used, and the total is
worked out from those rounded figures. The precision is chosen per unit so that a
figure keeps its meaningful digits: cents for money, three significant digits for rates
and ratios, four (at most two decimals) for counts. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Unit = Literal["money", "pct", "count", "ratio"]

#: (significant digits, most decimals) per unit, for pct of the percentage; money is always to the cent
PRECISION: dict[str, tuple[int, int]] = {"pct": (3, 3), "count": (4, 2), "ratio": (3, 4)}


@dataclass(frozen=True, slots=True)
class Figure:
    """A value as shown: ``text`` reads exactly ``value``."""

    value: Decimal
    text: str


def _decimals(value: Decimal, significant: int, most: int) -> int:
    if value == 0:
        return 0
    exponent = value.copy_abs().adjusted()  # 1234 → 3, 0.0123 → -2
    return max(0, min(most, significant - 1 - exponent))


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _plain(value: Decimal, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def figure(value: float | Decimal, unit: Unit | str = "ratio") -> Figure:
    """``value`` rounded to how it is shown in ``unit``, with its text."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if unit == "money":
        rounded = _round(exact, 2)
        sign = "-" if rounded < 0 else ""
        return Figure(rounded, f"{sign}${abs(rounded):,.2f}")
    if unit == "pct":
        significant, most = PRECISION["pct"]
        percent = exact * 100
        places = _decimals(percent, significant, most)
        shown = _round(percent, places)
        return Figure(shown / 100, _plain(shown, places) + "%")
    significant, most = PRECISION.get(unit, PRECISION["ratio"])
    places = _decimals(exact, significant, most)
    rounded = _round(exact, places)
    return Figure(rounded, _plain(rounded, places))


def money(value: float | Decimal) -> str:
    return figure(value, "money").text


def cents(value: Decimal) -> Decimal:
    """A total to the cent, rounded half up as a person would."""
    return _round(value, 2)
