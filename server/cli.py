"""The ``growth`` command line. Human-readable tables by default, ``--json`` for scripts.

``COMMANDS`` names every sub-command, the module that defines it and its line in ``growth --help``;
a command's module is imported only when that command runs, so ``growth --help`` imports none and
``growth status`` one. A new command module is one line here (a test checks each line against the
command's own docstring).
"""

from __future__ import annotations

from typing import Annotated

import typer

from server.cli_common import app as board
from server.cli_lazy import Lazy, lazy_group

COMMANDS: dict[str, Lazy] = {
    "status": Lazy("server.cli_actions",
                   "The store at a glance: which database and tenant, queue, autonomy, kill switch."),
    "actions": Lazy("server.cli_actions", "The action queue."),
    "work": Lazy("server.cli_actions",
                 "One worker pass: expire stale approvals, wake snoozed actions, execute approved ones."),
    "autonomy": Lazy("server.cli_actions", "Set the tenant's autonomy level."),
    "kill-switch": Lazy("server.cli_actions",
                        "Stop (on) or resume (off) every execution. Approved work waits; nothing is lost."),
    "db": Lazy("server.cli_db", "Database schema."),
    "workflows": Lazy("server.cli_workflows", "Workflows you start and steer: templates run by the durable engine."),
    "serve": Lazy("server.cli_agents",
                  "Serve MCP: stdio by default (what desktop clients launch), or --http at http://HOST:PORT/mcp."),
    "chat": Lazy("server.cli_agents",
                 "Talk to the CEO-front agent (or, --as customer, to the shop assistant) in the terminal."),
    "agents": Lazy("server.cli_operations",
                   "The agents, whether each is switched on and ready, and the handoff contract."),
    "check": Lazy("server.cli_agents", "Conformance checks."),
    "ingest": Lazy("server.cli_data",
                   "Import a store export; a bad file is refused whole with line-numbered reasons."),
    "telemetry": Lazy("server.cli_data",
                      "What data the store has, how fresh each source is, and the recent imports."),
    "demo": Lazy("server.cli_data",
                 "Build the demo store: generate, write its exports, import them, run every specialist."),
    "run": Lazy("server.cli_data", "Run a specialist (or all of them) now and print what it found and proposed."),
    "sync": Lazy("server.cli_data", "Fetch from the live API (settings GROWTH_GSC_SITE, GROWTH_GA4_PROPERTY, "
                                    "GROWTH_SHOPIFY_*) and import."),
    "inventory": Lazy("server.cli_data", "Inventory settings: lead times and safety stock."),
    "connections": Lazy("server.cli_connect", "Each connection's status, the access scopes its token really has, "
                                              "and what each action kind lacks."),
    "connect": Lazy("server.cli_connect", "Connect a tenant to the systems its actions are delivered to."),
    "disconnect": Lazy("server.cli_connect", "Forget a tenant's connection and its credential."),
    "audit": Lazy("server.cli_security", "The tamper-evident audit log."),
    "token": Lazy("server.cli_security", "API tokens for MCP over HTTP."),
    "pii": Lazy("server.cli_security", "The PII broker."),
    "secret": Lazy("server.cli_secret", "The master secret that unlocks the database's keys."),
    "email": Lazy("server.cli_email", "The e-mail channel: send mode, suppression list, log."),
    "webhooks": Lazy("server.cli_webhooks", "Signed webhooks (Standard Webhooks) for the tenant's events."),
    "deliveries": Lazy("server.cli_deliveries",
                       "Deliveries of executed actions to the store, vendors and the operator."),
    "po": Lazy("server.cli_deliveries", "Purchase orders raised by executed reorders."),
    "vendors": Lazy("server.cli_deliveries", "Where each vendor's purchase orders are e-mailed."),
    "cycle": Lazy("server.cli_operations", "The operations cycle: Plan, Act, React, Reflect."),
    "notify": Lazy("server.cli_operations", "Notifications: where they go, quiet hours, the daily digest."),
    "experiments": Lazy("server.cli_operations",
                        "Experiments: approvals with a held-back control group, and their lift."),
    "worker": Lazy("server.cli_worker", "Run the background worker and the durable engine (deliveries, cycles, "
                                        "workflows) until stopped."),
}

app = typer.Typer(cls=lazy_group(COMMANDS, board), help="Growth Engine: specialists propose, policy governs, "
                  "you approve.", no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


@app.callback()
def _root(where: Annotated[bool, typer.Option(
        "--where", help="Say on stderr which database and tenant the command uses.")] = False) -> None:
    # A flag, not a line on every run: the default database is the same from every folder, a new empty
    # one is always announced and `growth status` always names it, so the line would mostly repeat
    # itself on stderr of every script and pipe (`growth pii redact`). load_settings() reads it.
    pass


def main() -> None:
    app()


if __name__ == "__main__":
    main()
