"""The workflow templates the operator can start (``server.durable.workflows`` runs them).

Kept apart from the workflows themselves so that naming and listing them (the command line's help, the
agents' toolkit through ``server.durable.desk``) does not load the durable engine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Template:
    title: str
    #: ("sync", source) | ("run", agent) | ("run_all", "") | ("digest", "")
    steps: tuple[tuple[str, str], ...]


TEMPLATES: dict[str, Template] = {
    "weekly-seo-sweep": Template("Weekly SEO sweep: sync Search Console, run content, send the review digest",
                                 (("sync", "gsc"), ("run", "content"), ("digest", ""))),
    "restock-check": Template("Restock check: sync Shopify products, run inventory, send the review digest",
                              (("sync", "shopify-products"), ("run", "inventory"), ("digest", ""))),
    "fraud-sweep": Template("Fraud sweep: sync Shopify orders, run risk, send the review digest",
                            (("sync", "shopify-orders"), ("run", "risk"), ("digest", ""))),
    "full-review": Template("Full review: every specialist at once (durable child workflows), then the digest",
                            (("run_all", ""), ("digest", ""))),
}
