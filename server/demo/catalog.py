"""The demo catalogue: products with variants, prices, costs, vendors and SEO text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from server.demo.rand import Sampler

BRAND = "Northwind Goods"
STORE_URL = "https://shop.example"

#: product type -> (category, base price, materials, options)
TYPES: dict[str, tuple[str, float, tuple[str, ...], tuple[str, ...]]] = {
    "Tote Bag": ("bags", 48, ("linen", "canvas", "cotton", "leather", "jute"), ("Natural", "Black", "Olive")),
    "Backpack": ("bags", 96, ("canvas", "leather", "waxed canvas", "recycled nylon"), ("Black", "Sand")),
    "Crossbody Bag": ("bags", 78, ("leather", "canvas", "suede"), ("Tan", "Black")),
    "Weekender Bag": ("bags", 148, ("canvas", "leather", "waxed canvas"), ("Olive", "Navy")),
    "Laptop Sleeve": ("bags", 42, ("felt", "leather", "canvas"), ('13"', '15"')),
    "Throw Blanket": ("home", 88, ("wool", "cotton", "cashmere", "alpaca"), ("Oat", "Rust", "Grey")),
    "Cushion Cover": ("home", 34, ("linen", "velvet", "cotton"), ("18x18", "20x20")),
    "Table Runner": ("home", 39, ("linen", "cotton"), ("Natural", "Indigo")),
    "Tea Towel": ("home", 16, ("linen", "cotton"), ("Set of 2",)),
    "Scented Candle": ("home", 32, ("soy", "beeswax"), ("8 oz", "14 oz")),
    "Beanie": ("apparel", 29, ("merino", "wool", "cashmere"), ("Charcoal", "Oat", "Forest")),
    "Scarf": ("apparel", 58, ("merino", "cashmere", "wool", "linen"), ("Grey", "Camel")),
    "Socks": ("apparel", 18, ("merino", "cotton", "bamboo"), ("S/M", "L/XL")),
    "T-Shirt": ("apparel", 36, ("organic cotton", "linen", "hemp"), ("S", "M", "L", "XL")),
    "Hoodie": ("apparel", 84, ("organic cotton", "fleece"), ("S", "M", "L", "XL")),
    "Coffee Mug": ("kitchen", 24, ("ceramic", "stoneware", "enamel"), ("12 oz",)),
    "Serving Bowl": ("kitchen", 46, ("ceramic", "stoneware", "olive wood"), ("Medium", "Large")),
    "Cutting Board": ("kitchen", 54, ("walnut", "maple", "olive wood", "bamboo"), ("Medium", "Large")),
    "Apron": ("kitchen", 38, ("linen", "canvas", "denim"), ("One size",)),
}
NAMES = ("Aster", "Birch", "Cedar", "Dune", "Ember", "Fern", "Harbor", "Juniper", "Kestrel", "Laurel", "Maple",
         "Meadow", "Nova", "Orchard", "Pebble", "Quill", "Rowan", "Sable", "Sierra", "Tamarack", "Thistle", "Umber",
         "Vale", "Willow", "Yarrow", "Alder", "Brook", "Clover", "Delta", "Everly", "Flint", "Grove", "Hazel",
         "Iris", "Jasper", "Kindle", "Linden", "Moss", "North", "Oakley", "Prairie", "Ridge", "Sparrow", "Tide")
VENDORS = {"bags": ("Harbor Textiles", "Northfield Leather"), "home": ("Loom & Hearth", "Wick Studio"),
           "apparel": ("Fieldknit", "Harbor Textiles"), "kitchen": ("Kiln & Co", "Grainwood")}
#: the vendors' lead times, set as inventory settings by the demo (days)
LEAD_TIMES = {"Harbor Textiles": 21, "Northfield Leather": 30, "Loom & Hearth": 18, "Wick Studio": 10,
              "Fieldknit": 24, "Kiln & Co": 14, "Grainwood": 28}
MATERIAL_PRICE = {"leather": 1.5, "cashmere": 1.8, "alpaca": 1.5, "suede": 1.4, "walnut": 1.3, "merino": 1.2,
                  "waxed canvas": 1.25, "beeswax": 1.2, "olive wood": 1.2}


@dataclass
class Variant:
    sku: str
    title: str
    price: float
    cost: float
    compare_at: float | None
    stock: int = 0


@dataclass
class Product:
    number: int
    handle: str
    title: str
    name: str
    material: str
    product_type: str
    category: str
    vendor: str
    #: relative demand (a long tail: a few products sell most)
    popularity: float
    seo_title: str
    seo_description: str
    body_html: str
    tags: str
    variants: list[Variant] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/products/{self.handle}"

    @property
    def url(self) -> str:
        return STORE_URL + self.path

    @property
    def head_query(self) -> str:
        """What people type to find a product like this one."""
        return f"{self.material} {self.product_type.lower()}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace('"', "in")).strip("-")


def build_catalogue(rng: Sampler, count: int = 500) -> list[Product]:
    combos = [(n, m, t) for t, (_, _, materials, _) in TYPES.items() for m in materials for n in NAMES]
    rng.shuffle(combos)
    products: list[Product] = []
    seen: set[tuple[str, str]] = set()
    for name, material, ptype in combos:
        if len(products) == count:
            break
        if (name, ptype) in seen:
            continue
        seen.add((name, ptype))
        category, base, _, options = TYPES[ptype]
        number = len(products) + 1
        title = f"{name} {material.title()} {ptype}"
        price = round(base * MATERIAL_PRICE.get(material, 1.0) * rng.uniform(0.85, 1.2)) - 0.01
        vendor = rng.choice(VENDORS[category])
        words = f"{material} {ptype.lower()}"
        description = (f"The {title} is made from {material} and built to last. Shop {words}s from {BRAND}, "
                       f"with free shipping over $75.")
        body = (f"<p>Meet the {title}: {material}, made in small batches.</p>"
                f"<p>{rng.choice(('Soft to the touch', 'Built for everyday use', 'Finished by hand'))} and "
                f"{rng.choice(('easy to care for', 'made to age well', 'designed to last'))}.</p>")
        product = Product(
            number=number, handle=slug(title), title=title, name=name, material=material, product_type=ptype,
            category=category, vendor=vendor, popularity=0.0,
            seo_title=f"{title} | {BRAND}" if rng.random() < 0.6 else "",
            seo_description=description, body_html=body, tags=f"{category}, {material}",
        )
        picked = options if len(options) <= 2 else rng.sample(options, k=rng.randint(2, len(options)))
        for i, option in enumerate(picked, 1):
            v_price = round(price + (4 if option in ("XL", "Large", '15"', "20x20", "14 oz") else 0), 2)
            product.variants.append(Variant(
                sku=f"NW-{number:04d}-{i}", title=option, price=v_price,
                cost=round(v_price * rng.uniform(0.34, 0.46), 2),
                compare_at=round(v_price * 1.25, 2) if rng.random() < 0.1 else None))
        products.append(product)
    rng.shuffle(products)  # popularity is by rank, not by type: reassign ranks after shuffling
    for rank, product in enumerate(products, 1):
        product.popularity = 1.0 / rank ** 0.85
    return products
