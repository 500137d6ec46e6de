"""`{% history_link obj %}`: the «История изменений» link of a record, shown only
to the managers of the organisation (the history page checks access again)."""

from django import template
from django.urls import reverse

from mentoring.history_views import has_history, model_label

register = template.Library()


@register.inclusion_tag("mentoring/_history_link.html", takes_context=True)
def history_link(context, obj, label=""):
    request = context.get("request")
    access = getattr(request, "access", None)
    url = ""
    if (
        obj is not None
        and access is not None
        and access.is_manager
        and has_history(obj)
    ):
        url = reverse("history:detail", args=[model_label(obj), obj.pk])
    return {"url": url, "label": label}
