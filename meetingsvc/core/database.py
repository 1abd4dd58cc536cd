"""Engine settings per backend."""

import sqlalchemy as sa


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
        # interleave with another process's (SQLite's form of a serialized write transaction). The test
        # harness's own connection reads with plain BEGIN so that it never holds the lock a served request needs.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if serialized_writes else "BEGIN")


def is_postgres(engine) -> bool:
    return engine.dialect.name == "postgresql"
