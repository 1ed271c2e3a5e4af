"""One-statement inserts that skip rows a unique constraint already holds, and say how many
were new (Django's bulk_create(ignore_conflicts=True) cannot tell)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router


def insert_new(objs: Sequence[models.Model]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING for unsaved rows of one model: how many were
    stored. One query whatever the count (PostgreSQL, SQLite 3.35+); none for no rows."""
    if not objs:
        return 0
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        f.get_db_prep_save(f.pre_save(obj, add=True), connection) for obj in objs for f in fields
    ]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
        + ", ".join([row] * len(objs))
        + " ON CONFLICT DO NOTHING RETURNING 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())
