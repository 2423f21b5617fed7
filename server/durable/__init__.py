"""The durable engine: DBOS Transact, started inside ``growth serve`` and ``growth worker``.

Work that must survive a crash runs as DBOS workflows whose steps are the engine's own idempotent
operations: one workflow per store delivery (``delivery``), and the operations loop's cycles. DBOS
checkpoints each step's result in its system database, so a workflow interrupted by a crash resumes at
the step where it stopped, on this process when it restarts or on another live worker (``engine``
recovers the workflows of a worker whose heartbeat stopped).

System database: a SQLite file beside an SQLite app database (``growth.dbos.sqlite``), or the app's own
PostgreSQL database in its own schema (``dbos``), which any number of ``growth worker`` processes share.
"""
