"""Importers: store exports (Search Console, GA4, Shopify) into the telemetry tables.

Each format has one parser that turns a file into a typed batch and a list of
line-numbered problems; ``ingest`` decides (reject whole, or skip the bad lines),
then writes the batch in one transaction through the repositories.
"""
