"""The web console's sign-in sessions (migration 0016): one row per signed-in browser.

The cookie carries a random value; only its SHA-256 is stored, with the token it was opened with (its
hash, so a revoked token closes its sessions on the next request), the CSRF token of the session, and a
one-shot message for the next page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base


class WebSession(Base):
    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_expiry", "expires_at"),)
    #: sha256 of the cookie's value
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    #: sha256 of the token signed in with (tokens.token_hash)
    token_hash: Mapped[str] = mapped_column(String(64))
    csrf: Mapped[str] = mapped_column(String(64))
    flash: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
