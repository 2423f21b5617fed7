"""The PII broker: find, redact and tokenize personal data; clearances per receiver.

Pure functions only. Storing raw values (the vault) and revealing them (an audited
operator tool) live in ``tools.pii``; this package never sees a database.
"""

from policies.pii.detect import Entity, Finding, Hints, find_pii
from policies.pii.redact import Redaction, redact, redact_value
from policies.pii.tokens import reference, tenant_key

__all__ = ["Entity", "Finding", "Hints", "Redaction", "find_pii", "redact", "redact_value", "reference", "tenant_key"]
