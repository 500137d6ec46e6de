"""Which name of a form, a role variant or a pair the viewer reads (issue 13,
finding 9: dignity).

The official names are the methodology's and describe the mentee
(«Успевающий – неуспевающий», «… – равнодушный потребитель»): only the staff of the
organisation (head, deputy, curator, person in charge of a form, social pedagogue,
psychologist: `Access.is_staff_member`) read them. Everybody else — mentees, pupil
mentors and adult mentors alike, since a teacher or an employer may show his page
to the child or the parents — reads the neutral name for participants. A page never
picks by hand: it writes `{% shown_name pair.role_variant %}` (or a form, or a pair).
"""

from django import template

register = template.Library()


def sees_official_names(request) -> bool:
    access = getattr(request, "access", None)
    return access is not None and access.is_staff_member


@register.simple_tag(takes_context=True)
def shown_name(context, item) -> str:
    """`item.name_for(official=…)` for the viewer of the page: a `MentoringForm`,
    a `RoleVariant` or a `Pair`; "" for nothing."""
    if item is None or item == "":
        return ""
    return item.name_for(official=sees_official_names(context.get("request")))
