"""Read-only model output without DRF's per-object field building.

A ModelSerializer builds (deep-copies and binds) every field for every object it renders, which
cost more than the rest of a small API request. PlainOutput renders the same JSON from
Meta.fields directly: `get_<name>` methods where the class has one, otherwise the attribute as
DRF's matching field renders it (datetimes in the current time zone, ISO 8601 with "Z" for UTC;
UUIDs and dates as strings; choices as their stored value). The serializer's fields still
describe the output to the OpenAPI schema.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from rest_framework import serializers

_DATETIME = serializers.DateTimeField()


def plain_value(value: Any) -> Any:
    """A model attribute as DRF's default field for it renders it in JSON."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a TextChoices member: its stored value
    if isinstance(value, datetime.datetime):
        return _DATETIME.to_representation(value)
    if isinstance(value, datetime.date | uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        raise TypeError("PlainOutput does not render decimals; declare the field's format.")
    return value  # JSON (dicts, lists) as stored


class PlainOutput:
    """Mix into a read-only ModelSerializer (first) to render Meta.fields without field objects."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        output: dict[str, Any] = {}
        for name in self.Meta.fields:  # type: ignore[attr-defined]
            getter = getattr(self, f"get_{name}", None)
            output[name] = getter(instance) if getter else plain_value(getattr(instance, name))
        return output
