"""Locks for read-check-write steps that two requests or jobs may run at once."""

from __future__ import annotations

from web.extensions import db


def sqlite_write_lock() -> None:
    """On SQLite, take the database write lock before reading what a write depends on
    (BEGIN IMMEDIATE); PostgreSQL locks the rows instead (SELECT ... FOR UPDATE).

    pysqlite only begins a transaction at the first write, so two requests could both read
    "one slot free" and both write. BEGIN IMMEDIATE makes the second wait for the first to
    commit, then read the new state.
    """
    conn = db.session.connection()
    if conn.dialect.name != "sqlite":
        return
    if not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    # else: this transaction has written already and so holds the write lock.
