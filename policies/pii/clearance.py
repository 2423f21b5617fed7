"""What each receiver may see of a handoff payload.

Every clearance gets detected PII as typed references, never raw values (raw values
live only in the vault). Specialists see even less: fields naming a person are
dropped, so they work on tokenized references and derived features alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from policies.pii.detect import Entity, Hints
from policies.pii.redact import Tokenizer, redact_value


class Clearance(StrEnum):
    #: the current customer's own first name and order facts
    CUSTOMER_SELF = "customer_self"
    #: that customer's account (reads their PII from the store itself, by reference)
    ACCOUNTS = "accounts"
    #: the operator's agent: redacted PII; revealing it is an audited operator tool
    REDACTED = "redacted"
    #: specialists: tokenized customer references and derived features only
    TOKENIZED = "tokenized"


PERSON_FIELDS = frozenset({"name", "first_name", "last_name", "full_name", "email", "phone", "address"})


def filter_for(payload: dict[str, Any], clearance: Clearance, tokenizer: Tokenizer,
               vault: dict[str, tuple[Entity, str]], hints: Hints | None = None) -> dict[str, Any]:
    """The payload as ``clearance`` may receive it; raw values found go to ``vault``."""
    clean = redact_value(payload, tokenizer, vault, hints)
    if clearance is Clearance.TOKENIZED:
        clean = _drop_person_fields(clean)
    return clean  # type: ignore[no-any-return]


def _drop_person_fields(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_person_fields(v) for k, v in value.items() if k not in PERSON_FIELDS}
    if isinstance(value, list):
        return [_drop_person_fields(v) for v in value]
    return value
