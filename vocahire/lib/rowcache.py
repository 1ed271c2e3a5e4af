"""A model's row by primary key with its SELECT compiled once per process.

Compiling a SELECT of a wide model (every column quoted, aliased and resolved) costs more CPU than
running it. A lookup repeated on every API request compiles it once and then only executes it:
the same SQL, the same converters and Model.from_db, so the instance is what
`Model.objects.filter(pk=...).first()` returns.
"""

from __future__ import annotations

import threading
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=models.Model)


class PkLookup(Generic[M]):
    """`PkLookup(Model).get(pk)`: the row as an instance, or None (`for_update`: locked, inside
    a transaction only, as select_for_update())."""

    def __init__(self, model: type[M], *, for_update: bool = False) -> None:
        self.model = model
        self.for_update = for_update
        self._compiled: dict[str, tuple[str, list[str], list[tuple[int, list, Any]]]] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> tuple[str, list[str], list[tuple[int, list, Any]]]:
        pk = self.model._meta.pk
        sample = pk.get_default() if pk.has_default() else 1
        queryset = self.model._default_manager.using(alias).filter(pk=sample)
        if self.for_update:
            queryset = queryset.select_for_update()
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if len(params) != 1:  # pragma: no cover - a plain pk filter has exactly one parameter
            raise ValueError(f"unexpected parameters for {self.model.__name__}: {params!r}")
        columns = [col for col, _sql, _alias in compiler.select]
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        ]
        return sql, [col.target.attname for col in columns], converters

    def get(self, pk: object) -> M | None:
        """The row, or None. A malformed key raises what the ORM raises (ValidationError)."""
        if self.for_update:
            alias = router.db_for_write(self.model)
            if not connections[alias].in_atomic_block:
                raise TransactionManagementError(
                    "select_for_update cannot be used outside of a transaction."
                )
        else:
            alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(alias, self._compile(alias))
        sql, names, converters = compiled
        connection = connections[alias]
        field = self.model._meta.pk
        value = field.get_db_prep_value(field.to_python(pk), connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [value])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for position, functions, expression in converters:
            for function in functions:
                values[position] = function(values[position], expression, connection)
        return self.model.from_db(alias, names, values)
