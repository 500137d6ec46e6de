from django import template

from people.access import sees_social_risk_of

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
