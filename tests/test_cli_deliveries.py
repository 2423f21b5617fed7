"""``growth deliveries``, ``growth po`` and ``growth vendors``, driven as a user would (in-process runner), with
a real SMTP server on loopback receiving the purchase order."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.app import create_app
from server.cli import app as cli
from server.connectors.shopify_live import ShopifyLiveStores
from tests.conftest import TEST_SECRET, make_settings
from tests.factories import seed_store
from tests.live_store import approve
from tests.test_delivery_channels import INVENTORY, VENDOR
from tests.test_email import Inbox, smtp  # noqa: F401  (the SMTP server fixture)
from tools.store_delivery import deliver_pending

Run = Callable[..., str]


@pytest.fixture
def growth(db_url: str, smtp: tuple[Inbox, int]) -> Run:  # noqa: F811
    _, port = smtp
    runner = CliRunner()
    env = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo",
           "GROWTH_EMAIL_MODE": "live", "GROWTH_SMTP_HOST": "127.0.0.1", "GROWTH_SMTP_PORT": str(port),
           "GROWTH_SMTP_STARTTLS": "false", "GROWTH_SMTP_FROM": "engine@shop.example"}

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == code, (args, result.output)
        return result.output

    return invoke


def executed_reorder(db_url: str) -> int:
    """A reorder approved and executed, and one relay pass (no Shopify connection needed for e-mail)."""

    async def go() -> int:
        app = await create_app(make_settings(db_url))
        try:
            await seed_store(app)
            action_id = await approve(app, "inventory.reorder", INVENTORY)
            await deliver_pending(app.deps, "demo", stores=ShopifyLiveStores(api_version="2025-10"))
            return action_id
        finally:
            await app.close()

    return asyncio.run(go())


def test_a_failed_purchase_order_is_listed_fixed_retried_and_its_documents_written(
        growth: Run, db_url: str, smtp: tuple[Inbox, int], tmp_path: Path) -> None:  # noqa: F811
    inbox, _ = smtp
    action_id = executed_reorder(db_url)
    number = f"PO-{action_id:06d}"

    assert "no address yet: Atelier Nord" in growth("vendors", "list")
    listed = growth("deliveries", "list", "--state", "delivery_failed")
    assert f"action {action_id}  email  execute  delivery_failed (no_vendor_address)" in listed
    delivery_id = listed.split()[0].removeprefix("#")
    assert f"growth deliveries retry {delivery_id}" in listed

    growth("vendors", "set", "Atelier Nord", VENDOR)
    assert "Atelier Nord  em_" in growth("vendors", "list")
    retried = growth("deliveries", "retry", delivery_id)
    assert f"delivery #{delivery_id}: delivered" in retried and f"purchase order {number}" in retried
    assert [env.rcpt_tos for env in inbox.received] == [[VENDOR]]
    assert "[not_retryable]" in growth("deliveries", "retry", delivery_id, code=1)
    shown = " ".join(growth("actions", "show", str(action_id)).split())
    assert f"Delivery: purchase order {number} was delivered to vendor “Atelier Nord” by e-mail" in shown
    assert f"delivery #{delivery_id}" in shown

    shown = growth("po", "show", number, "--csv", str(tmp_path / "po.csv"), "--pdf", str(tmp_path / "po.pdf"))
    assert f"{number} to Atelier Nord" in shown and "total 1140.00" in shown and "sent" in shown
    rows = list(csv.DictReader(io.StringIO((tmp_path / "po.csv").read_text())))
    assert (rows[0]["sku"], rows[0]["quantity"], rows[0]["line_total"]) == ("LIN-TOT-01", "120", "1140.00")
    assert (tmp_path / "po.pdf").read_bytes().startswith(b"%PDF-")
    assert f"{number} to Atelier Nord" in growth("po", "show", str(action_id))


def test_bad_references_are_refused_with_their_codes(growth: Run, db_url: str) -> None:
    executed_reorder(db_url)
    assert "[invalid_purchase_order]" in growth("po", "show", "order-12", code=1)
    assert "[not_found]" in growth("po", "show", "PO-999999", code=1)
    assert "[invalid_state]" in growth("deliveries", "list", "--state", "lost", code=1)
    assert "[delivery_not_found]" in growth("deliveries", "retry", "99999", code=1)
    assert "[invalid_address]" in growth("vendors", "set", "Atelier Nord", "not an address", code=1)
