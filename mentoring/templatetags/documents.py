"""Filters for printed documents."""

from datetime import date

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def doc_date(value: date | None) -> str:
    """«1 сентября 2026 г.»: the way dates are written in Russian documents."""
    if not value:
        return ""
    return f"{date_format(value, 'j E Y')} г."
