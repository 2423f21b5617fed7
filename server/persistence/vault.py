"""Encryption of raw PII at rest, with the vault data key from the keyring (see ``keyring``)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


def legacy_vault_key(secret: bytes) -> bytes:
    """The vault key databases written before the keyring used: derived from the master secret itself."""
    return hashlib.sha256(b"growth-engine:pii-vault:" + secret).digest()


class Vault:
    """Seals and opens vault entries with one 32-byte data key.

    ``generation`` is the keyring's generation of that key: a process still holding an
    older generation after ``growth secret rotate`` refuses to write (see ``SqlPiiRepo``).
    """

    def __init__(self, key: bytes, *, generation: int = 1) -> None:
        if len(key) != 32:
            raise ValueError("a vault key is 32 bytes")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self.generation = generation

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("vault entry cannot be decrypted with this server's vault key (was the secret "
                             "rotated while this process ran? restart it)") from exc
