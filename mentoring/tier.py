"""The social-risk tier as a filter: which rows belong to it, and the one function
that takes them out of a queryset (or a form's choices) for a user who may not see
it. Who may see it is decided in `people.access` (`Access.sees_social_risk`: the
head, curator, social pedagogue and psychologist); this module, on the ground
floor, reads only that flag, so the home pages here use it as well as every app
above (through `people.access`, which re-exports it).

The tier: the social-risk form and its role variants and subprogrammes, sensitive
mentee categories, requests of that form, pairs of that form and everything of
such a pair (meetings, attendance, comments, feedback, plans and their items,
measurements, questionnaire invitations, rewards for it).
"""

from django.db.models import Q

from mentoring.models import MenteeCategory, MentoringForm


def hides_tier(request) -> bool:
    """True for a user who may not see the tier of the organisation as a whole."""
    access = getattr(request, "access", None)
    return not (access is not None and access.sees_social_risk)


# The relations through which a row belongs to a pair (or to a form), in order.
TIER_LINKS = ("form", "pair", "meeting", "plan")


def tier_condition(model, path: str = "") -> Q | None:
    """The condition that puts a row of `model` in the social-risk tier, or None
    when the model has none: the social-risk form itself, a sensitive category, a
    row of that form (pair, role variant, subprogramme, request), a row of a pair
    of that form (meeting, plan, measurement, feedback, comment, plan item) —
    found by the fields the model has, so a new model with a `form`, `pair`,
    `meeting` or `plan` is covered unasked."""
    if model is MentoringForm:
        return Q(**{f"{path}is_social_risk": True})
    if model is MenteeCategory:
        return Q(**{f"{path}is_sensitive": True})
    link = _tier_link(model)
    if link is None:
        return None
    return tier_condition(link.related_model, f"{path}{link.name}__")


def _tier_link(model):
    fields = {
        field.name: field
        for field in model._meta.get_fields()
        if (field.many_to_one or field.one_to_one) and field.concrete
    }
    for name in TIER_LINKS:
        if name in fields and fields[name].related_model is not None:
            return fields[name]
    return None


def pair_path(model, path: str = "") -> str | None:
    """The lookup path from `model` to its pair ("" for a pair itself), or None."""
    names = {field.name for field in model._meta.get_fields()}
    if {"mentor", "co_mentor", "form", "memberships"} <= names:
        return path
    link = _tier_link(model)
    if link is None or link.name == "form":
        return None
    return pair_path(link.related_model, f"{path}{link.name}__")


def without_tier(request, queryset):
    """`queryset` without the rows of the social-risk tier for a user who may not
    see it (`hides_tier`); unchanged for those who may. A pair's own mentor keeps
    the rows of their pairs. The one filter every list, choice, aggregate
    and export of tier-bearing rows goes through."""
    if not hides_tier(request):
        return queryset
    condition = tier_condition(queryset.model)
    if condition is None:
        return queryset
    keep = ~condition
    path = pair_path(queryset.model)
    if path is not None and request.user.is_authenticated:
        keep |= Q(**{f"{path}mentor__participant__user": request.user.pk}) | Q(
            **{f"{path}co_mentor__participant__user": request.user.pk}
        )
    return queryset.filter(keep)


def limit_tier_choices(request, form):
    """Offer a user who may not see the tier no choice that names it: every
    model choice field of `form` goes through `without_tier`, and choices a form
    grouped by hand (optgroups by form of mentoring) are pruned to match.
    Returns the form."""
    if not hides_tier(request):
        return form
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        field.queryset = without_tier(request, queryset)
        custom = getattr(field, "_choices", None)
        if custom is not None:
            allowed = {str(pk) for pk in field.queryset.values_list("pk", flat=True)}
            field.choices = _pruned(custom, allowed)
    return form


def _pruned(choices, allowed: set[str]) -> list:
    kept = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            inner = _pruned(label, allowed)
            if inner:
                kept.append((value, inner))
        elif value in ("", None) or str(value) in allowed:
            kept.append((value, label))
    return kept


def in_tier(obj) -> bool:
    """Is this one object (a pair, a meeting, a form…) in the social-risk tier?"""
    condition = tier_condition(type(obj))
    if condition is None or obj.pk is None:
        return False
    return type(obj)._default_manager.filter(condition, pk=obj.pk).exists()
