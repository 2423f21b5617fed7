"""Replace PII in text (and in nested JSON-like values) with typed references."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from policies.pii.detect import Entity, Finding, Hints, find_pii

Tokenizer = Callable[[Entity, str], str]


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str
    findings: tuple[Finding, ...]
    #: reference -> (entity, raw value): what the vault must keep to reveal it later
    vault: dict[str, tuple[Entity, str]]


def placeholder(entity: Entity, ref: str | None) -> str:
    return f"[{entity.value}:{ref}]" if ref else f"[{entity.value}]"


def redact(text: str, tokenizer: Tokenizer | None = None, hints: Hints | None = None) -> Redaction:
    """Redact ``text``; line breaks inside a finding are kept so line structure holds."""
    findings = find_pii(text, hints)
    if not findings:
        return Redaction(text, (), {})
    parts: list[str] = []
    vault: dict[str, tuple[Entity, str]] = {}
    pos = 0
    for f in findings:
        parts.append(text[pos:f.start])
        ref = tokenizer(f.entity, f.value) if tokenizer else None
        if ref:
            vault[ref] = (f.entity, f.value)
        parts.append(placeholder(f.entity, ref) + "\n" * f.value.count("\n"))
        pos = f.end
    parts.append(text[pos:])
    return Redaction("".join(parts), tuple(findings), vault)


def redact_value(value: Any, tokenizer: Tokenizer | None = None,
                 vault: dict[str, tuple[Entity, str]] | None = None, hints: Hints | None = None) -> Any:
    """Redact every string inside a JSON-like value (dict keys are left alone)."""
    if isinstance(value, str):
        r = redact(value, tokenizer, hints)
        if vault is not None:
            vault.update(r.vault)
        return r.text
    if isinstance(value, dict):
        return {k: redact_value(v, tokenizer, vault, hints) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v, tokenizer, vault, hints) for v in value]
    return value
