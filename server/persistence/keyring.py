"""The keyring: a database's data keys, wrapped with its master secret (envelope encryption).

Two data keys live in the ``keyring`` table, each Fernet-encrypted ("wrapped") with a
key-encryption key derived from the master secret (``GROWTH_SECRET_KEY`` or the secret
file):

- ``root`` keys everything that must stay stable for the life of the database: PII
  references (``tenant_key``), the audit chain (``chain_key``) and the metrics digest.
  They are derived from it exactly as they were once derived from the secret itself.
- ``vault`` encrypts the raw PII in ``pii_vault`` and the stores' credentials in
  ``store_connections``; rotation replaces it and re-encrypts every such row.

Rotating the master secret re-wraps the keys (and, by choice, replaces the vault key);
it never has to touch a reference or an audit link. A wrong master cannot unwrap the
keys, so it fails loudly instead of silently producing references that match nothing.

A database written before the keyring existed is adopted on first unlock: its root is
the master secret's own bytes and its vault key the old derivation, so every reference,
vault row and audit link stays valid; the master is first checked against that data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from server.persistence import models as m
from server.persistence.vault import Vault, legacy_vault_key
from tools.audit_chain import chain_key, link_hash

KR = m.KeyringEntry.__table__
PV = m.PiiVaultEntry.__table__
SC = m.StoreConnection.__table__
WE = m.Base.metadata.tables["webhook_endpoints"]  # webhook signing secrets, sealed like credentials
AE = m.AuditEvent.__table__
ROOT, VAULT = "root", "vault"
_BATCH = 500


class KeyringError(RuntimeError):
    """The keyring cannot be opened or changed as asked; nothing was changed."""


class WrongSecret(KeyringError):
    """The master secret given is not the one this database's keys were sealed with."""


class DatabaseLocked(RuntimeError):
    """A key was needed before the database was unlocked (``open_database`` unlocks it)."""


class KeysRotated(RuntimeError):
    """This process holds a vault key that ``growth secret rotate`` has since replaced."""


class Conn(Protocol):
    async def execute(self, statement: Any, parameters: Any = None) -> Any: ...


class RawDatabase(Protocol):
    dialect: str

    def raw(self, *, write: bool) -> AbstractAsyncContextManager[Any]: ...


@dataclass(frozen=True, slots=True)
class DataKeys:
    root: bytes = field(repr=False)
    vault: bytes = field(repr=False)
    vault_generation: int = 1


@dataclass(frozen=True, slots=True)
class Rotation:
    #: vault rows decrypted with the old vault key and encrypted with the new one
    reencrypted: int
    vault_generation: int
    #: where the root key came from: random, or legacy (adopted from a pre-keyring database)
    root_origin: str
    #: the database had no keyring yet: its keys were adopted from the old secret
    adopted: bool
    #: stored store credentials (``growth connect``) re-encrypted with the new vault key
    credentials: int = 0


@dataclass(frozen=True, slots=True)
class KeyringState:
    entries: list[dict[str, Any]]
    vault_rows: int
    #: vault rows or audit events exist (a database without a keyring would be adopted)
    has_data: bool
    #: whether the master secret given opens the keys (None when there are no keys yet)
    opens: bool | None


def _kek(master: bytes) -> Fernet:
    key = hmac.new(master, b"growth-engine:keyring", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _wrong(master_hint: str) -> WrongSecret:
    return WrongSecret("this database's keys were sealed with a different secret" + master_hint +
                       ": use the secret (file) that belongs to this database — without it the PII vault "
                       "cannot be read and no new audit event can be chained")


def _unwrap(rows: Sequence[Any], master: bytes) -> DataKeys:
    by_name = {r.name: r for r in rows}
    if set(by_name) != {ROOT, VAULT}:
        raise KeyringError(f"the keyring is incomplete (it holds {sorted(by_name)}, expected root and vault)")
    kek = _kek(master)
    try:
        root = kek.decrypt(by_name[ROOT].wrapped.encode())
        vault = kek.decrypt(by_name[VAULT].wrapped.encode())
    except InvalidToken:
        raise _wrong("") from None
    return DataKeys(root=root, vault=vault, vault_generation=by_name[VAULT].generation)


async def _rows(conn: Conn) -> list[Any]:
    return list((await conn.execute(select(KR).order_by(KR.c.name))).all())


async def _legacy_evidence(conn: Conn) -> tuple[str | None, Any]:
    """One vault ciphertext and one first audit event, if the database holds any data."""
    ciphertext = (await conn.execute(select(PV.c.ciphertext).order_by(PV.c.id).limit(1))).scalar()
    first_event = (await conn.execute(select(AE).where(AE.c.seq == 1).order_by(AE.c.id).limit(1))).first()
    return ciphertext, first_event


def _check_legacy(master: bytes, ciphertext: str | None, first_event: Any) -> None:
    """Refuse to adopt data that was not written under ``master`` (it would be lost behind wrong keys)."""
    if ciphertext is not None:
        try:
            Vault(legacy_vault_key(master)).open(ciphertext)
        except ValueError:
            raise _wrong(" (it was written before the keyring, under a secret other than this one)") from None
    if first_event is not None:
        e = first_event
        expected = link_hash(chain_key(master), tenant=e.tenant_id, seq=e.seq, ts=e.ts, actor=e.actor,
                             event=e.event, subject=e.subject, data=e.data, prev_hash=e.prev_hash)
        if not hmac.compare_digest(expected, e.hash):
            raise _wrong(" (it was written before the keyring, under a secret other than this one)")


async def _initial_keys(conn: Conn, master: bytes, legacy_origin: str = "legacy") -> tuple[DataKeys, str]:
    """The keys a database without a keyring gets: adopted from its data, or fresh."""
    ciphertext, first_event = await _legacy_evidence(conn)
    if ciphertext is None and first_event is None:
        return DataKeys(root=secrets.token_bytes(32), vault=secrets.token_bytes(32)), "random"
    _check_legacy(master, ciphertext, first_event)
    return DataKeys(root=master, vault=legacy_vault_key(master)), legacy_origin


async def _write(conn: Conn, keys: DataKeys, master: bytes, *, root_origin: str, vault_origin: str,
                 root_created: datetime, now: datetime) -> None:
    kek = _kek(master)
    rewrapped = now if root_created != now else None
    await conn.execute(insert(KR), [
        {"name": ROOT, "generation": 1, "wrapped": kek.encrypt(keys.root).decode(), "origin": root_origin,
         "created_at": root_created, "rotated_at": rewrapped},
        {"name": VAULT, "generation": keys.vault_generation, "wrapped": kek.encrypt(keys.vault).decode(),
         "origin": vault_origin, "created_at": now, "rotated_at": None}])


async def unlock(db: RawDatabase, master: bytes, *, now: datetime | None = None) -> DataKeys:
    """The database's data keys, unwrapped with ``master``; created (or adopted) on first use.

    Two processes unlocking a new database at once race on the keyring's primary key;
    the loser reads the winner's keys.
    """
    async with db.raw(write=False) as conn:
        rows = await _rows(conn)
    if rows:
        return _unwrap(rows, master)
    for attempt in range(3):
        try:
            async with db.raw(write=True) as conn:
                rows = await _rows(conn)
                if rows:
                    return _unwrap(rows, master)
                keys, origin = await _initial_keys(conn, master)
                at = now or datetime.now(timezone.utc)
                await _write(conn, keys, master, root_origin=origin, vault_origin=origin, root_created=at, now=at)
                return keys
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def rotate(db: RawDatabase, *, old: bytes, new: bytes, now: datetime | None = None,
                 legacy_origin: str = "legacy") -> Rotation:
    """Re-wrap the keys under ``new``, with a fresh vault key and every vault row re-encrypted.

    One transaction: either every row moves to the new key and the keyring says so, or
    nothing changes. The root key is kept, so references and audit links stay valid.
    A database without a keyring is adopted from ``old`` first (its root marked ``legacy_origin``).
    On PostgreSQL the keyring is locked for the duration; vault writers take a share
    lock on it, so none can slip a row in under the old key (see ``SqlPiiRepo``).
    """
    if hmac.compare_digest(old, new):
        raise KeyringError("the new secret is the same as the old one")
    now = now or datetime.now(timezone.utc)
    async with db.raw(write=True) as conn:
        if db.dialect == "postgresql":
            # first-time unlockers and vault writers wait for this transaction (SQLite: BEGIN IMMEDIATE)
            await conn.execute(text("LOCK TABLE keyring IN EXCLUSIVE MODE"))
        rows = await _rows(conn)
        if rows:
            keys, adopted = _unwrap(rows, old), False
            root_origin = next(r.origin for r in rows if r.name == ROOT)
            created_at = next(r.created_at for r in rows if r.name == ROOT)
        else:
            keys, root_origin = await _initial_keys(conn, old, legacy_origin)
            adopted, created_at = True, now
        fresh = DataKeys(root=keys.root, vault=secrets.token_bytes(32), vault_generation=keys.vault_generation + 1)
        moved, credentials = await _reencrypt(conn, Vault(keys.vault),
                                              Vault(fresh.vault, generation=fresh.vault_generation))
        await conn.execute(delete(KR))
        await _write(conn, fresh, new, root_origin=root_origin, vault_origin="random", root_created=created_at,
                     now=now)
    return Rotation(reencrypted=moved, vault_generation=fresh.vault_generation, root_origin=root_origin,
                    adopted=adopted, credentials=credentials)


async def _reencrypt(conn: Conn, old: Vault, new: Vault) -> tuple[int, int]:
    """Every vault row and every stored credential, every tenant, in batches; refuses if one does not open.
    Returns how many of each moved."""
    moved = 0
    stmt = update(PV).where(PV.c.id == bindparam("b_id")).values(ciphertext=bindparam("b_ct"))
    last = 0
    while True:
        batch = (await conn.execute(select(PV.c.id, PV.c.ciphertext).where(PV.c.id > last)
                                    .order_by(PV.c.id).limit(_BATCH))).all()
        if not batch:
            break
        await conn.execute(stmt, [{"b_id": row.id, "b_ct": _move(old, new, row.ciphertext, f"vault row {row.id}")}
                                  for row in batch])
        moved += len(batch)
        last = batch[-1].id
    # credentials are few (one per tenant and provider): one batch
    rows = (await conn.execute(select(SC.c.tenant_id, SC.c.provider, SC.c.token_ciphertext))).all()
    if rows:
        await conn.execute(
            update(SC).where(SC.c.tenant_id == bindparam("b_tenant"), SC.c.provider == bindparam("b_provider"))
            .values(token_ciphertext=bindparam("b_ct")),
            [{"b_tenant": r.tenant_id, "b_provider": r.provider,
              "b_ct": _move(old, new, r.token_ciphertext, f"the {r.provider} credential of {r.tenant_id}")}
             for r in rows])
    hooks = (await conn.execute(select(WE.c.id, WE.c.secret_ciphertext))).all()
    if hooks:
        await conn.execute(update(WE).where(WE.c.id == bindparam("b_id")).values(secret_ciphertext=bindparam("b_ct")),
                           [{"b_id": h.id, "b_ct": _move(old, new, h.secret_ciphertext, f"webhook {h.id}'s secret")}
                            for h in hooks])
    return moved, len(rows) + len(hooks)


def _move(old: Vault, new: Vault, ciphertext: str, what: str) -> str:
    try:
        return new.seal(old.open(ciphertext))
    except ValueError:
        raise KeyringError(f"{what} cannot be decrypted with the current vault key; nothing was changed") from None


async def describe(db: RawDatabase, master: bytes | None) -> KeyringState:
    """What the keyring holds (never a key), and whether ``master`` opens it."""
    async with db.raw(write=False) as conn:
        rows = await _rows(conn)
        vault_rows = int((await conn.execute(select(func.count()).select_from(PV))).scalar_one())
        ciphertext, first_event = await _legacy_evidence(conn)
    entries = [{"name": r.name, "generation": r.generation, "origin": r.origin, "created_at": r.created_at,
                "rotated_at": r.rotated_at} for r in rows]
    opens: bool | None = None
    if master is not None and rows:
        try:
            _unwrap(rows, master)
            opens = True
        except KeyringError:
            opens = False
    elif master is not None and (ciphertext is not None or first_event is not None):
        try:
            _check_legacy(master, ciphertext, first_event)
            opens = True
        except WrongSecret:
            opens = False
    return KeyringState(entries=entries, vault_rows=vault_rows, opens=opens,
                        has_data=ciphertext is not None or first_event is not None)


async def current_vault_generation(conn: Conn, dialect: str) -> int | None:
    """The vault key's generation, share-locked on PostgreSQL until the caller's transaction ends."""
    stmt = select(KR.c.generation).where(KR.c.name == VAULT)
    if dialect == "postgresql":
        stmt = stmt.with_for_update(read=True)
    value = (await conn.execute(stmt)).scalar()
    return int(value) if value is not None else None
