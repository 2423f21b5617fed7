"""Signing in to the console: a token once, then an HttpOnly, SameSite=Strict session cookie.

- **Sign-in** checks the token like the MCP door does, then opens a *new* session whatever cookie the
  browser sent (a session id planted before sign-in is never adopted: session fixation fails), and closes
  the one it replaces.
- **Every request** re-reads the session and its token: an expired session, or one whose token was revoked,
  opens nothing. The cookie's value is random; only its SHA-256 is stored.
- **Every state change** carries the session's CSRF token in a form field (or the ``X-CSRF-Token`` header)
  and, when the browser sends one, an ``Origin`` of this very server; anything else is refused with 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from starlette.requests import Request
from starlette.responses import Response

from policies.principal import Principal, Role
from server.persistence import models_web as mw
from tools.deps import Deps
from tools.errors import Forbidden
from tools.tokens import hash_token, principal_for_token

COOKIE = "growth_console"
#: a signed-in browser stays signed in this long without a visit, and never longer than MAX_AGE in all
IDLE = timedelta(hours=8)
MAX_AGE = timedelta(days=7)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    principal: Principal
    csrf: str
    flash: str


async def sign_in(deps: Deps, token: str) -> tuple[str, Session] | None:
    """A new session for a valid token: (the cookie's value, the session); None for a bad token."""
    principal = await principal_for_token(deps, token.strip())
    if principal is None:
        return None
    if principal.role is Role.CUSTOMER:
        raise Forbidden("a customer's token opens the shop assistant, not the operator console", code="wrong_role")
    value = secrets.token_urlsafe(32)
    now = deps.now()
    session = Session(_digest(value), principal, secrets.token_urlsafe(32), "")

    async def txn(tx: object) -> None:
        await tx.conn.execute(delete(mw.WebSession).where(mw.WebSession.expires_at < now))  # type: ignore[attr-defined]
        await tx.conn.execute(insert(mw.WebSession).values(  # type: ignore[attr-defined]
            id=session.id, tenant_id=principal.tenant, token_hash=hash_token(token.strip()), csrf=session.csrf,
            flash="", created_at=now, seen_at=now, expires_at=now + IDLE))

    await deps.db.transact(principal.tenant, txn)
    return value, session


def _cookie_values(request: Request) -> list[str]:
    """Every value the browser sent under our cookie's name: a cookie planted for another path (``/``) must not
    shadow the real one (a dict of cookies keeps only one of them)."""
    values = []
    for part in request.headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value and len(value) <= 100:
            values.append(value)
    return list(dict.fromkeys(values))[:4]  # the same value twice is one session


async def load(deps: Deps, request: Request, *, slide: bool = True) -> Session | None:
    """The request's session, if its cookie names a live one whose token still holds; its expiry slides.

    ``slide=False`` (an open event stream re-checking itself) reads without extending the session: a tab left
    open is not a visit. A stale value planted beside the real one is passed over; two *live* sessions in one request (one planted
    for a narrower path by a sibling site) are ambiguous, and open nothing.
    """
    found = [s for s in [await _load(deps, _digest(v), slide) for v in _cookie_values(request)] if s is not None]
    return found[0] if len(found) == 1 else None


async def _load(deps: Deps, sid: str, slide: bool = True) -> Session | None:
    now = deps.now()

    async def find(tx: object) -> tuple[str, str, str, str, object, object] | None:
        row = (await tx.conn.execute(select(  # type: ignore[attr-defined]
            mw.WebSession.tenant_id, mw.WebSession.token_hash, mw.WebSession.csrf, mw.WebSession.flash,
            mw.WebSession.created_at, mw.WebSession.expires_at).where(mw.WebSession.id == sid))).first()
        return None if row is None else tuple(row)  # type: ignore[return-value]

    # sessions are looked up before the tenant is known: the row says which tenant it belongs to
    row = await deps.db.query("-", find)
    if row is None:
        return None
    tenant, token_hash, csrf, flash, created, expires = row
    if expires < now or created + MAX_AGE < now:  # type: ignore[operator]
        await end(deps, tenant, sid)
        return None
    record = await deps.db.token_by_hash(token_hash)
    if record is None or record.revoked_at is not None or record.tenant_id != tenant:
        await end(deps, tenant, sid)
        return None
    principal = Principal(role=Role(record.role), tenant=record.tenant_id, subject=f"token:{record.prefix}",
                          scopes=frozenset(record.scopes), customer_ref=record.customer_ref)

    async def touch(tx: object) -> None:
        # the message is cleared only if it is still the one shown: one told meanwhile waits for the next page
        await tx.conn.execute(update(mw.WebSession).where(mw.WebSession.id == sid).values(  # type: ignore[attr-defined]
            seen_at=now, expires_at=now + IDLE))
        await tx.conn.execute(update(mw.WebSession).where(  # type: ignore[attr-defined]
            mw.WebSession.id == sid, mw.WebSession.flash == flash).values(flash=""))

    if slide and (flash or expires - now < IDLE - timedelta(minutes=1)):  # type: ignore[operator]
        await deps.db.transact(tenant, touch)
    return Session(sid, principal, csrf, flash)


async def end(deps: Deps, tenant: str, sid: str) -> None:
    async def txn(tx: object) -> None:
        await tx.conn.execute(delete(mw.WebSession).where(mw.WebSession.id == sid))  # type: ignore[attr-defined]

    await deps.db.transact(tenant, txn)


async def tell(deps: Deps, session: Session, message: str) -> None:
    """A message shown once, on the next page (the result of a decision, after its redirect)."""
    async def txn(tx: object) -> None:
        await tx.conn.execute(update(mw.WebSession).where(mw.WebSession.id == session.id).values(  # type: ignore[attr-defined]
            flash=message[:4000]))

    await deps.db.transact(session.principal.tenant, txn)


def set_cookie(response: Response, value: str, *, secure: bool) -> None:
    response.set_cookie(COOKIE, value, max_age=int(MAX_AGE.total_seconds()), path="/app", httponly=True,
                        samesite="strict", secure=secure)


def clear_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(COOKIE, path="/app", httponly=True, samesite="strict", secure=secure)


def same_origin(request: Request, *, required: bool = False) -> bool:
    """No Origin (an old browser, a script) passes to the CSRF token's check; a foreign one never does. Where
    there is no token yet to check (sign-in), an Origin or a Referer of this server is ``required``."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer", "").lower()
        return not required or referer == own or referer.startswith(own + "/")
    return origin.lower().rstrip("/") == own


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode())
