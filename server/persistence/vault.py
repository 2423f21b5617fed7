"""Encryption of raw PII at rest, keyed by the server secret."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class Vault:
    def __init__(self, secret: bytes) -> None:
        key = hashlib.sha256(b"growth-engine:pii-vault:" + secret).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("vault entry cannot be decrypted with this server's secret") from exc
