"""Template tags for case content: exhibit cells and charts."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from interviews.exhibits import exhibit_cell, exhibit_chart_svg

register = template.Library()


@register.filter
def exhibit_value(value: object) -> str:
    return exhibit_cell(value)


@register.simple_tag
def exhibit_chart(exhibit: dict | None) -> SafeString | str:
    return exhibit_chart_svg(exhibit) or ""
