"""The worker's relay pass to the live store: ``tools.store_delivery`` with the Shopify connector and the
``GROWTH_SHOPIFY_*`` single-tenant shortcut from settings."""

from __future__ import annotations

from server.app import App
from server.connectors.shopify_live import ShopifyLiveStores
from server.settings import Settings
from tools.records import StoreCredentials
from tools.store_delivery import DeliveryReport, deliver_pending


def settings_credentials(settings: Settings, tenant: str) -> StoreCredentials | None:
    """The GROWTH_SHOPIFY_* shortcut, which connects the default tenant only."""
    if tenant != settings.tenant or not settings.shopify_shop or settings.shopify_token is None:
        return None
    shop = settings.shopify_shop.strip().removeprefix("https://").removeprefix("http://").rstrip("/")
    return StoreCredentials("shopify", shop, settings.shopify_api_url, settings.shopify_token.get_secret_value(),
                            source="settings")


async def deliver_to_store(app: App, tenant: str) -> DeliveryReport:
    """One relay pass for ``tenant``: what its executed actions changed, delivered to its Shopify store."""
    stores = ShopifyLiveStores(api_version=app.settings.shopify_api_version)
    return await deliver_pending(app.deps, tenant, stores=stores,
                                 fallback=settings_credentials(app.settings, tenant))
