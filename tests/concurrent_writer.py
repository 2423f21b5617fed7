"""A process that writes proposals as fast as it can: ``python -m tests.concurrent_writer URL WORKER N``."""

from __future__ import annotations

import asyncio
import sys

from policies.principal import Principal
from server.persistence.db import open_database
from tests.conftest import TEST_SECRET
from tests.factories import proposal
from tools.actions import propose
from tools.deps import Deps, EngineConfig


async def main(url: str, worker: int, n: int) -> None:
    db = await open_database(url, secret=TEST_SECRET.encode(), busy_timeout_ms=60_000, pool_size=4)
    deps = Deps(db=db, config=EngineConfig(secret=db.root_key))
    agent = Principal.for_agent("demo", "content")
    try:
        await asyncio.gather(*(
            propose(deps, agent, proposal(target=f"page:https://shop.example/products/w{worker}-{i}"))
            for i in range(n)))
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
