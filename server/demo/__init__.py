"""The demo store: a deterministic, realistic shop written as real export files.

``growth demo`` generates about 500 products, 90 days of Search Console, GA4 and
orders (weekly seasonality, a long tail of queries), plants opportunities of
every kind by their effect on the data (``plant``), writes the files the
importers read, imports them and runs every specialist.
"""
