"""Pure, synchronous decisions: no I/O, no clock reads (``now`` is passed in).

Everything here can be enumerated in tests: ranking, risk tiers, autonomy, ABAC,
the PII broker, guardrails, rate-limit arithmetic and expiry.
"""
