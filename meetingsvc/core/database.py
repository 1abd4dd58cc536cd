"""Engine settings per backend."""

import sqlalchemy as sa
from flask import has_request_context, request


def configure_engine_events(engine, *, serialized_writes: bool = True) -> None:
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (below); pysqlite's own transaction handling is off.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        # One writer at a time, taken at BEGIN: a conflict check and the write that follows it can never
        # interleave with another process's (SQLite's form of a serialized write transaction). Requests that
        # only read (GET, HEAD) begin deferred, so pages and feeds never queue behind each other or a writer
        # (WAL). The test harness's own connection also reads deferred, so it never holds a served request's lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if serialized_writes and not _read_only_request() else "BEGIN")


def _read_only_request() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


def is_postgres(engine) -> bool:
    return engine.dialect.name == "postgresql"
