"""The «Анкеты» block of the mentor's and mentee's home pages."""

from django import template
from django.utils import timezone

from monitoring.questionnaire_services import waiting_invitations

register = template.Library()


@register.inclusion_tag("monitoring/questionnaires/_waiting.html", takes_context=True)
def waiting_questionnaires(context):
    """The open campaigns waiting for the current user's answer (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"invitations": []}
    return {"invitations": list(waiting_invitations(user, today=timezone.localdate()))}
