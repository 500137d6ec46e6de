"""`{% export_button %}`: a report's download button. A small file is a link that
downloads at once; a big one (an exporter marked `background`, or a list of more
than BACKGROUND_EXPORT_ROWS rows) is a button that queues a background job and
shows its progress (people.job_views.start_export)."""

from django import template
from django.conf import settings
from django.utils.http import urlencode

from mentoring.lib.export import get_exporter

register = template.Library()


@register.inclusion_tag("includes/_export_button.html", takes_context=True)
def export_button(
    context,
    identifier: str,
    fmt: str,
    label: str,
    icon: str = "",
    query: str | None = None,
    rows: int = 0,
    classes: str = "btn btn-outline-secondary",
    **params,
) -> dict:
    """`query`: the report's parameters (the page's own by default), or give them
    one by one as keyword arguments (`year=year.pk`)."""
    request = context["request"]
    exporter = get_exporter(identifier)
    background = getattr(exporter, "background", False) or (
        rows > settings.BACKGROUND_EXPORT_ROWS
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "identifier": identifier,
        "fmt": fmt,
        "label": label,
        "icon": icon,
        "query": urlencode(params)
        if params
        else (request.GET.urlencode() if query is None else query),
        "background": background,
        "classes": classes,
    }
