"""One transaction bound to one tenant, handing out tenant-scoped repositories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence.sqlite_sync import SyncConnection

from server.persistence.repos.actions import SqlActionRepo
from server.persistence.repos.audit import SqlAuditRepo
from server.persistence.repos.misc import (SqlExecutionRepo, SqlHandoffRepo, SqlLeaseRepo,
                                           SqlOutboxRepo, SqlPiiRepo, SqlRateLimitRepo, SqlRunRepo)
from server.persistence.repos.commerce import SqlCommerceRepo
from server.persistence.repos.connections import SqlConnectionRepo
from server.persistence.repos.webhooks import SqlWebhookRepo
from server.persistence.repos.email import SqlEmailRepo
from server.persistence.repos.deliveries import SqlDeliveryRepo
from server.persistence.repos.outcomes import SqlOutcomeRepo
from server.persistence.repos.operations import (SqlAgentFlagRepo, SqlCycleRepo, SqlNotificationRepo,
                                                  SqlSettingRepo)
from server.persistence.repos.ga4 import SqlGa4Repo
from server.persistence.repos.hints import SqlHintRepo
from server.persistence.repos.gsc import SqlGscRepo
from server.persistence.repos.rules import SqlRuleRepo
from server.persistence.repos.store import SqlStoreRepo
from server.persistence.repos.telemetry import SqlTelemetryRepo
from server.persistence.repos.tenants import SqlKillSwitchRepo, SqlTenantRepo, SqlTokenRepo

if TYPE_CHECKING:
    from server.persistence.db import _Database


class SqlTx:
    def __init__(self, conn: AsyncConnection | SyncConnection, tenant: str, db: _Database) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = db.dialect
        self.actions = SqlActionRepo(conn, tenant)
        self.executions = SqlExecutionRepo(conn, tenant)
        self.outbox = SqlOutboxRepo(conn, tenant)
        self.store = SqlStoreRepo(conn, tenant)
        self.tenants = SqlTenantRepo(conn, tenant)
        self.tokens = SqlTokenRepo(conn, tenant)
        self.kill = SqlKillSwitchRepo(conn, tenant, db.dialect)
        self.audit = SqlAuditRepo(conn, tenant, db.dialect, db.audit_key)
        self.pii = SqlPiiRepo(conn, tenant, db.vault)
        self.ratelimits = SqlRateLimitRepo(conn, tenant, db.dialect)
        self.leases = SqlLeaseRepo(conn, tenant, db.dialect)
        self.handoffs = SqlHandoffRepo(conn, tenant)
        self.runs = SqlRunRepo(conn, tenant)
        self.telemetry = SqlTelemetryRepo(conn, tenant, db.dialect)
        self.gsc = SqlGscRepo(conn, tenant, db.dialect)
        self.ga4 = SqlGa4Repo(conn, tenant, db.dialect)
        self.commerce = SqlCommerceRepo(conn, tenant, db.dialect)
        self.rules = SqlRuleRepo(conn, tenant)
        self.hints = SqlHintRepo(conn, tenant, db.vault)
        self.connections = SqlConnectionRepo(conn, tenant, db.vault, db.dialect)
        self.webhooks = SqlWebhookRepo(conn, tenant, db.vault, db.dialect)
        self.email = SqlEmailRepo(conn, tenant, db.dialect)
        self.deliveries = SqlDeliveryRepo(conn, tenant, db.dialect)
        self.outcomes = SqlOutcomeRepo(conn, tenant, db.dialect)
        self.cycles = SqlCycleRepo(conn, tenant, db.dialect)
        self.flags = SqlAgentFlagRepo(conn, tenant, db.dialect)
        self.notifications = SqlNotificationRepo(conn, tenant, db.dialect)
        self.settings = SqlSettingRepo(conn, tenant, db.dialect)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        async with self.conn.begin_nested():
            yield
