"""Canonical JSON and the version digest a decision is bound to."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_digest(kind: str, target: str, params: dict[str, Any]) -> str:
    """What an approval is an approval *of*: any change to these makes a new version."""
    return sha256_hex(canonical_json({"kind": kind, "target": target, "params": params}))
