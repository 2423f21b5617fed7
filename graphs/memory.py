"""Agents' shared memory in the LangGraph store, namespaced per tenant and agent.

The operator's standing preferences live under ``(tenant, "ceo_front", "preferences")``;
specialists and the proposal policy read them through ``tools.deps.PreferenceStore``.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = ("ceo_front", "preferences")


class StorePreferences:
    """Implements ``tools.deps.PreferenceStore`` on a LangGraph ``BaseStore``."""

    def __init__(self, store: Any) -> None:
        self.store = store

    @staticmethod
    def namespace(tenant: str) -> tuple[str, ...]:
        return (tenant, *NAMESPACE)

    async def list(self, tenant: str) -> list[dict[str, Any]]:
        items = await self.store.asearch(self.namespace(tenant), limit=500)
        return [dict(i.value) for i in items]

    async def put(self, tenant: str, key: str, value: dict[str, Any]) -> None:
        await self.store.aput(self.namespace(tenant), key, value)

    async def delete(self, tenant: str, key: str) -> bool:
        existing = await self.store.aget(self.namespace(tenant), key)
        if existing is None:
            return False
        await self.store.adelete(self.namespace(tenant), key)
        return True
