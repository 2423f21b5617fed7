"""Detection power of the specialists on random stores: recall by effect size, false alarms, worth.

Each planted store (``tests/stores``) carries every opportunity class at effects
spread over the class's range; each null store carries none. Every store goes
through the real path (export files → importers → specialists → queue). Prints
recall per class above its stated minimum effect, false alarms per 1,000 pages,
how often what a found plant's action says is at stake (its expected revenue
before the named recovery share) is within 2x of the planted worth, and the
median ratio of the expected revenue itself; draws
``bench/power_recall.png`` and ``bench/power_value.png``.

    .venv/bin/python bench/power.py [--stores 8] [--null-stores 4] [--per-class 2] [--products 80-180] [--jobs 2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine  # noqa: E402
from tests.stores.load import migrated_template  # noqa: E402
from tests.stores.plants import CLASSES  # noqa: E402
from tests.stores.power import (VALUE_FACTOR, NullRun, Record, alarms_per_1000, median, plan_stores,  # noqa: E402
                                recall, run_store, value_ratios, within)

HERE = Path(__file__).resolve().parent
END = date(2026, 11, 20)
BINS = 5


def _products(text: str) -> tuple[int, int]:
    try:
        low, high = (int(x) for x in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--products takes LOW-HIGH, e.g. 80-180, not {text!r}") from None
    if not 30 <= low <= high <= 2000:
        raise argparse.ArgumentTypeError("--products needs 30 <= LOW <= HIGH <= 2000")
    return low, high


def _job(args: tuple[int, list, str, tuple[int, int]]) -> tuple[list[Record], NullRun]:
    seed, plants, template, products = args
    return run_store(seed, plants, Path(template), end=END, products=products)


def chart_recall(records: list[Record], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 4, figsize=(16, 7.5), constrained_layout=True)
    for ax, (cls, info) in zip(axes.flat, CLASSES.items()):
        mine = sorted((r for r in records if r.cls == cls), key=lambda r: r.effect)
        low = min([info.low] + [r.effect for r in mine])
        high = max([info.high] + [r.effect for r in mine])  # an overstock plant may hold more than asked
        edges = [low + (high - low) * i / BINS for i in range(BINS + 1)]
        xs, ys, ns = [], [], []
        for lo, hi in zip(edges, edges[1:]):
            cell = [r for r in mine if lo <= r.effect <= hi]
            if cell:
                xs.append((lo + hi) / 2)
                ys.append(sum(r.found for r in cell) / len(cell))
                ns.append(len(cell))
        ax.plot(xs, ys, "o-", color="#1f6feb")
        for x, y, n in zip(xs, ys, ns):
            ax.annotate(f"n={n}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
        ax.scatter([r.effect for r in mine], [1.04 if r.found else -0.04 for r in mine], marker="|",
                   color="#57606a", alpha=0.6)
        ax.axvline(info.minimum, color="#cf222e", linestyle="--", linewidth=1)
        ax.axhline(0.9, color="#2da44e", linestyle=":", linewidth=1)
        ax.set_ylim(-0.1, 1.12)
        ax.set_title(info.label, fontsize=10)
        ax.set_xlabel(info.unit, fontsize=8)
        ax.set_ylabel("recall (top N)", fontsize=8)
    fig.suptitle("Recall by planted effect size on random stores (dashed: stated minimum; dotted: 0.9 target)")
    fig.savefig(out, dpi=90)
    plt.close(fig)


def chart_value(records: list[Record], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 6.5), constrained_layout=True)
    found = [r for r in records if r.found and r.stake and r.value > 0]
    for cls, info in CLASSES.items():
        mine = [r for r in found if r.cls == cls]
        ax.scatter([r.value for r in mine], [r.stake for r in mine], label=info.label, s=18)
    if found:
        lo = min(min(r.value for r in found), min(r.stake or 1 for r in found)) / 2
        hi = max(max(r.value for r in found), max(r.stake or 1 for r in found)) * 2
        ax.plot([lo, hi], [lo, hi], color="#57606a", linewidth=1)
        ax.fill_between([lo, hi], [lo / VALUE_FACTOR, hi / VALUE_FACTOR], [lo * VALUE_FACTOR, hi * VALUE_FACTOR],
                        color="#2da44e", alpha=0.12, label="within 2x")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("planted worth over 4 weeks ($)")
    ax.set_ylabel("at stake, as the action states it ($): expected revenue ÷ share recovered, or carrying cost")
    ax.set_title("Stated stake against planted worth (found plants)")
    ax.legend(fontsize=7)
    fig.savefig(out, dpi=90)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", type=int, default=8, help="planted stores")
    parser.add_argument("--null-stores", type=int, default=4, help="stores with nothing planted")
    parser.add_argument("--per-class", type=int, default=2, help="plants of each class in each store")
    parser.add_argument("--products", type=_products, default=(80, 180), help="catalogue size range, LOW-HIGH")
    parser.add_argument("--jobs", type=int, default=2, help="stores built at once")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-charts", action="store_true")
    args = parser.parse_args()
    if args.stores < 1 or args.null_stores < 0 or args.per_class < 1 or args.jobs < 1:
        parser.error("--stores, --per-class and --jobs must be at least 1, --null-stores at least 0")
    started = time.perf_counter()
    template = asyncio.run(migrated_template(Path(tempfile.mkdtemp(prefix="growth-power-tpl-"))))
    jobs = [(seed, plants, str(template), args.products)
            for seed, plants in plan_stores(args.stores, args.per_class, seed=args.seed)]
    jobs += [(args.seed * 1000 + 500 + n, [], str(template), args.products) for n in range(args.null_stores)]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(_job, jobs))
    records = [r for recs, _ in results[:args.stores] for r in recs]
    nulls = [n for _, n in results[args.stores:]]
    print(f"# detection power, {machine()}")
    print(f"{args.stores} planted stores x {args.per_class} per class, {args.null_stores} null stores, "
          f"{args.products[0]}-{args.products[1]} products, {time.perf_counter() - started:.0f} s\n")
    print("| class | minimum effect | recall at or above it | recall below it | stake within 2x | median stake ratio "
          "| expected revenue: median ratio |")
    print("|---|---|---|---|---|---|---|")
    for cls, info in CLASSES.items():
        above, below = recall(records, cls, at_least=info.minimum), recall(records, cls)
        below = (below[0] - above[0], below[1] - above[1])
        ratios = value_ratios(records, cls)
        w, m = within(ratios), median(ratios)
        e = median(value_ratios(records, cls, measure="proposed"))
        print(f"| {info.label} | {info.minimum:g} ({info.unit}) | {above[0]}/{above[1]} | {below[0]}/{below[1]} | "
              f"{w[0]}/{w[1]} | {'—' if m is None else f'{m:.2f}x'} | {'—' if e is None else f'{e:.2f}x'} |")
    missed = [r for r in records if not r.found and r.effect >= CLASSES[r.cls].minimum]
    if missed:
        print("\nmissed at or above the minimum (class, store seed, effect, rank / top N):")
    for r in missed:
        print(f"  {r.cls}, seed {r.seed}, effect {r.effect:.3g}, rank {r.rank or 'not proposed'} / {r.top}")
    pages = sum(n.pages for n in nulls)
    alarms = [a for n in nulls for a in n.alarms]
    print(f"\nfalse alarms on null stores: {len(alarms)} over {pages:,} pages = {alarms_per_1000(nulls):.2f} per "
          "1,000 pages (target: at most 1)")
    for kind, target in alarms:
        print(f"  {kind} {target}")
    if not args.no_charts:
        chart_recall(records, HERE / "power_recall.png")
        chart_value(records, HERE / "power_value.png")
        print("\ncharts: bench/power_recall.png, bench/power_value.png")


if __name__ == "__main__":
    main()
