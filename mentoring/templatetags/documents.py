"""Filters for printed documents."""

from datetime import date

from django import template

from mentoring.exports import document_date

register = template.Library()


@register.filter
def doc_date(value: date | None) -> str:
    """«1 сентября 2026 г.»: the way dates are written in Russian documents, with
    «г.» never alone on a line."""
    return document_date(value)
