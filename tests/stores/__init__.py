"""Random stores for measuring the specialists' judgement, independent of the demo's code.

``generate(seed, plants=...)`` draws a store (catalogue size, traffic level,
seasonality, noise, its own CTR curve) from a seed, plants opportunities of
chosen classes at chosen effect sizes, and returns the store with its ground
truth; ``load`` writes it in the real export formats (Search Console bulk CSV,
GA4 runReport JSON, Shopify product and order CSV exports), imports them through
the real importers into a database, runs the specialists and scores the queue.
"""

from tests.stores.plants import CLASSES, Plant, Truth
from tests.stores.world import Store, generate

__all__ = ["CLASSES", "Plant", "Store", "Truth", "generate"]
