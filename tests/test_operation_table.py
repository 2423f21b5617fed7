"""The operation table (``tools.registry.MODULES``) against the handlers the modules really register.

``invoke`` imports only the module the table names for an operation, so a handler
moved or added without its line here would answer "has no handler" in a process
that had not imported its module by chance; this keeps the two in step.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

from policies.abac import OPERATIONS
from tools import registry

ROOT = Path(__file__).resolve().parent.parent
DECORATOR = re.compile(r'^@operation\("([^"]+)"\)', re.M)


def _declared() -> dict[str, str]:
    """Every ``@operation`` under ``tools/``, by name, with its module, read from the source."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "tools").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for name in DECORATOR.findall(path.read_text(encoding="utf-8")):
            assert name not in found, f"{name} is registered in {found[name]} and in {module}"
            found[name] = module
    return found


def test_every_handler_under_tools_is_in_the_table_with_its_module() -> None:
    assert registry.MODULES == _declared()


def test_importing_each_named_module_registers_the_operations_the_table_gives_it() -> None:
    for name, module in registry.MODULES.items():
        assert name in OPERATIONS, f"{name} is not in the ABAC table"
        importlib.import_module(module)
        handler = registry.HANDLERS.get(name)
        assert handler is not None and handler.__module__ == module, (name, module)


def test_a_fresh_process_runs_an_operation_loading_only_its_own_module() -> None:
    # status.get lives in tools.tenants; the queue's decisions and the importers are other modules
    code = ("import sys, asyncio; from tools import registry; "
            "registry._load('status.get'); "
            "print(' '.join(m for m in ('tools.tenants', 'tools.decisions', 'tools.ingest.ingest', 'tools.webhooks') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["tools.tenants"], out.stdout + out.stderr


def test_an_operation_without_a_handler_says_so() -> None:
    assert registry._load("no.such.operation") is None
