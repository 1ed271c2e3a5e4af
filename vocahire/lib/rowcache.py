"""A model's row by primary key with its SELECT compiled once per process.

Compiling a SELECT of a wide model (every column quoted, aliased and resolved) costs more CPU than
running it. A lookup repeated on every API request compiles it once and then only executes it:
the same SQL, the same converters, Model.from_db and the related objects select_related() fills,
so the instance is what `queryset.filter(pk=...).first()` returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: list[str]  # the model's own columns' attnames, in the row's order
    end: int  # the model's own columns are row[:end]; select_related()'s follow
    converters: list[tuple[int, list, Any]]
    related: list  # django's RelatedPopulators: stateless, reused for every row


class PkLookup(Generic[M]):
    """`PkLookup(Model).get(pk)`: the row as an instance, or None (`for_update`: locked, inside
    a transaction only, as select_for_update()). `queryset`: a function returning the queryset
    to look in instead of the default manager's (select_related(), only(); nothing that adds
    parameters to the SQL, such as a filter or an annotation with values). `field`: look the row
    up by another unique field (a one-to-one key, a unique column) instead of the primary key."""

    def __init__(
        self,
        model: type[M],
        *,
        for_update: bool = False,
        queryset: Callable[[], models.QuerySet[M]] | None = None,
        field: str = "pk",
    ) -> None:
        self.model = model
        self.field = model._meta.pk if field == "pk" else model._meta.get_field(field)
        if not (self.field.primary_key or self.field.unique):
            raise ValueError(f"PkLookup needs a unique field: {model.__name__}.{field} is not")
        self.for_update = for_update
        self.queryset = queryset or model._default_manager.all
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        key = self.field.target_field if self.field.is_relation else self.field
        sample = key.get_default() if key.has_default() else key.to_python(1)
        queryset = self.queryset().using(alias).filter(**{self.field.name: sample})
        if self.for_update:
            queryset = queryset.select_for_update()
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if len(params) != 1 or compiler.annotation_col_map:
            raise ValueError(f"PkLookup needs a plain pk filter for {self.model.__name__}: {sql}")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        if fields[0] != 0:  # pragma: no cover - the model's own columns always come first
            raise ValueError(f"unexpected column order for {self.model.__name__}")
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(
                [col for col, _sql, _alias in select]
            ).items()
        ]
        return _Compiled(
            sql=sql,
            names=[col.target.attname for col, _sql, _alias in select[: fields[-1] + 1]],
            end=fields[-1] + 1,
            converters=converters,
            related=get_related_populators(klass_info, select, alias),
        )

    def get(self, pk: object) -> M | None:
        """The row (`pk`: the value of the lookup's field), or None. A malformed value raises what
        the ORM raises (ValidationError)."""
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
        connection = connections[alias]
        field = self.field
        value = field.get_db_prep_value(field.to_python(pk), connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [value])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for position, functions, expression in compiled.converters:
            for function in functions:
                values[position] = function(values[position], expression, connection)
        instance = self.model.from_db(alias, compiled.names, values[: compiled.end])
        for related in compiled.related:
            related.populate(values, instance)
        return instance
