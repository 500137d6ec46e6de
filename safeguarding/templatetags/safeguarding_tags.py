from django import template

from people.access import sees_social_risk_of
from safeguarding.concern_access import handles_concerns, may_report, visible_concerns

register = template.Library()


@register.inclusion_tag("safeguarding/_link.html", takes_context=True)
def safeguarding_link(context, participant):
    """A «Конфиденциальные сведения» button for those who may open the pupil's file.
    It asks only the access rule: no record is read and no log row is written.
    Accepts a Participant or anything with `.participant` (a mentee profile)."""
    request = context.get("request")
    participant = getattr(participant, "participant", participant)
    shown = bool(
        request is not None
        and participant is not None
        and hasattr(request, "access")
        and sees_social_risk_of(request, participant)
    )
    return {"shown": shown, "participant": participant}


def _request(context):
    request = context.get("request")
    if request is None or not hasattr(request, "access"):
        return None
    return request


@register.inclusion_tag("safeguarding/_concern_button.html", takes_context=True)
def concern_button(context, pair, css="btn btn-outline-danger"):
    """«Сообщить о проблеме» for whoever may raise a concern about the pair."""
    request = _request(context)
    shown = request is not None and may_report(request, pair)
    return {"shown": shown, "pair": pair, "css": css}


@register.inclusion_tag("safeguarding/_pair_concerns.html", takes_context=True)
def pair_concerns(context, pair):
    """The concerns about the pair the user may see (all for those who handle
    them, their own for the reporter); nothing for anybody else."""
    request = _request(context)
    concerns = (
        list(visible_concerns(request).filter(pair=pair).order_by("-raised_at", "-pk"))
        if request is not None
        else []
    )
    return {"concerns": concerns}


@register.inclusion_tag("safeguarding/_concerns_alert.html", takes_context=True)
def open_concerns_alert(context):
    """A line on the home page of those who handle concerns: how many are open."""
    request = _request(context)
    count = 0
    if request is not None and handles_concerns(request):
        count = visible_concerns(request).open().count()
    return {"count": count}
