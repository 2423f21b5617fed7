"""The demo store the corpora run on: built once per test session through the real `growth demo` path."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.corpus.runner import build_template


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store the conversation corpora were written against: the demo of their day (``runner.CLOCK``)."""
    return asyncio.run(build_template(tmp_path_factory.mktemp("demo-store"), pinned=True))


@pytest.fixture(scope="session")
def bare_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store's data, imported, before any specialist has run (an empty queue), as of today: the
    tests on it run the real command line, on the real clock."""
    return asyncio.run(build_template(tmp_path_factory.mktemp("demo-bare"), run_specialists=False))
