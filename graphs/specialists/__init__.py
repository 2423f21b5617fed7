"""Specialists: subgraphs with one interface — a task in; findings and proposed action ids out."""
