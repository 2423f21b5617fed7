"""Purchase orders as documents: the CSV and PDF a vendor receives, built from the executed reorder.

A purchase order's number is derived from its action (action 12 → ``PO-000012``), so the same
reorder always has the same number and the documents can be built again at any time from the
action and its execution (``growth po show 12 --pdf po.pdf``); what was sent is also kept with the
e-mail message that carried it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from policies.principal import Principal
from tools.deps import Deps, Tx
from tools.errors import InvalidInput, NotFound
from tools.executors import po_number as number
from tools.records import ActionRecord, ExecutionRecord
from tools.registry import operation
from tools.repos import Attachment

NUMBER = re.compile(r"^(?:PO-?)?0*(\d{1,12})$", re.IGNORECASE)
CSV_COLUMNS = ("po_number", "vendor", "sku", "description", "quantity", "unit_cost", "line_total")


@dataclass(frozen=True, slots=True)
class Line:
    sku: str
    description: str
    quantity: int
    unit_cost: Decimal

    @property
    def total(self) -> Decimal:
        return (self.unit_cost * self.quantity).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class PurchaseOrder:
    number: str
    action_id: int
    purchase_order_id: int
    store: str
    vendor: str
    lines: tuple[Line, ...]
    issued_at: datetime

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


def action_of(ref: str | int) -> int:
    """The action id behind ``12``, ``PO-000012`` or ``po12``; InvalidInput for anything else."""
    m = NUMBER.match(str(ref).strip())
    if m is None or int(m.group(1)) < 1:
        raise InvalidInput(f"{ref!r} is not a purchase order: give its number (PO-000012) or its action id",
                           code="invalid_purchase_order")
    return int(m.group(1))


def build(action: ActionRecord, execution: ExecutionRecord, *, store: str, description: str = "") -> PurchaseOrder:
    """The purchase order an executed ``inventory.reorder`` raised."""
    if action.kind != "inventory.reorder":
        raise InvalidInput(f"action {action.id} is a {action.kind}, not a reorder", code="not_a_purchase_order")
    p = action.params
    sku = action.target.split(":", 1)[1]
    line = Line(sku, description or sku, int(p["quantity"]),
                Decimal(str(p.get("unit_cost") or 0)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return PurchaseOrder(number(action.id), action.id, int(execution.after_state.get("purchase_order_id") or 0),
                         store, str(p.get("supplier") or "").strip(), (line,), execution.started_at)


def to_csv(po: PurchaseOrder) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for line in po.lines:
        w.writerow([po.number, po.vendor, line.sku, line.description, line.quantity, f"{line.unit_cost:.2f}",
                    f"{line.total:.2f}"])
    w.writerow([po.number, po.vendor, "", "TOTAL", po.units, "", f"{po.total:.2f}"])
    return buf.getvalue().encode("utf-8")


_LATIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-"})


def _pdf_text(text: str) -> str:
    # the PDF core fonts speak Latin-1 only; anything beyond is shown as "?" rather than lost silently
    return text.translate(_LATIN).encode("latin-1", "replace").decode("latin-1")


def to_pdf(po: PurchaseOrder) -> bytes:
    from fpdf import FPDF  # loads in ~0.3 s: only when a purchase order is rendered, not with every command

    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    pdf.set_creation_date(po.issued_at)
    pdf.set_title(f"Purchase order {po.number}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _pdf_text(f"Purchase order {po.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for label, value in (("From", po.store), ("To", po.vendor or "(vendor not named)"),
                         ("Date", f"{po.issued_at:%Y-%m-%d}")):
        pdf.cell(0, 7, _pdf_text(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (35, 75, 20, 30, 30)
    pdf.set_font("Helvetica", "B", 10)
    for w, head in zip(widths, ("SKU", "Description", "Qty", "Unit cost", "Total"), strict=True):
        pdf.cell(w, 8, head, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for line in po.lines:
        cells = (line.sku, line.description[:48], str(line.quantity), f"{line.unit_cost:.2f}", f"{line.total:.2f}")
        for w, value in zip(widths, cells, strict=True):
            pdf.cell(w, 8, _pdf_text(value), border=1)
        pdf.ln()
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(sum(widths[:4]), 8, "Total", border=1)
    pdf.cell(widths[4], 8, f"{po.total:.2f}", border=1)
    pdf.ln()
    return bytes(pdf.output())


def attachments(po: PurchaseOrder) -> tuple[Attachment, Attachment]:
    return (Attachment(f"{po.number}.csv", "text/csv", to_csv(po)),
            Attachment(f"{po.number}.pdf", "application/pdf", to_pdf(po)))


def message(po: PurchaseOrder, *, cancel: bool = False) -> tuple[str, str]:
    """The subject and text of the e-mail that carries the order (or cancels it)."""
    if cancel:
        return (f"Cancellation of purchase order {po.number} from {po.store}",
                f"Hello {po.vendor or 'there'},\n\nplease cancel our purchase order {po.number} "
                f"({po.units} units, total {po.total:.2f}). Nothing of it should be shipped.\n\n{po.store}\n")
    lines = "\n".join(f"  {line.sku}  {line.description}: {line.quantity} x {line.unit_cost:.2f} = {line.total:.2f}"
                      for line in po.lines)
    return (f"Purchase order {po.number} from {po.store}",
            f"Hello {po.vendor or 'there'},\n\nplease supply the following (purchase order {po.number}, "
            f"{po.issued_at:%Y-%m-%d}):\n\n{lines}\n\nTotal: {po.total:.2f}\n\nThe order is attached as CSV and "
            f"PDF. Please quote {po.number} on the confirmation and the invoice.\n\n{po.store}\n")


async def load(tx: Tx, action_id: int) -> PurchaseOrder:
    """The purchase order of an executed reorder, or NotFound saying why there is none."""
    action = await tx.actions.get(action_id)
    if action is None or action.kind != "inventory.reorder":
        raise NotFound(f"no purchase order {number(action_id)}: action {action_id} is not a reorder")
    execution = await tx.executions.for_action(action_id)
    if execution is None:
        raise NotFound(f"no purchase order {number(action_id)} yet: the reorder is {action.status.value}, "
                       "not executed")
    variant = await tx.store.variant(action.target.split(":", 1)[1])
    product = await tx.store.product_by_id(variant["product_id"]) if variant else None
    option = str((variant or {}).get("title") or "")
    description = " - ".join(filter(None, [str((product or {}).get("title") or ""),
                                           "" if option == "Default Title" else option]))
    return build(action, execution, store=tx.tenant, description=description)


def view(po: PurchaseOrder) -> dict[str, Any]:
    return {"number": po.number, "action_id": po.action_id, "purchase_order_id": po.purchase_order_id,
            "store": po.store, "vendor": po.vendor, "issued_at": po.issued_at, "total": f"{po.total:.2f}",
            "lines": [{"sku": line.sku, "description": line.description, "quantity": line.quantity,
                       "unit_cost": f"{line.unit_cost:.2f}", "total": f"{line.total:.2f}"} for line in po.lines]}


@operation("purchase_orders.read")
async def get_purchase_order(deps: Deps, principal: Principal, *, ref: str) -> dict[str, Any]:
    """A purchase order (by number or action id) with its CSV and PDF documents and where it was sent."""
    action_id = action_of(ref)

    async def txn(tx: Tx) -> dict[str, Any]:
        po = await load(tx, action_id)
        sent = [m for d in await tx.deliveries.for_action(action_id)
                for m in await tx.email.messages_keyed(f"delivery:{d.id}:")]
        return {**view(po), "csv": to_csv(po).decode("utf-8"), "pdf": to_pdf(po),
                "messages": [{k: m[k] for k in ("id", "status", "reason", "subject", "created_at", "sent_at")}
                             for m in sent]}

    return await deps.db.query(principal.tenant, txn)
