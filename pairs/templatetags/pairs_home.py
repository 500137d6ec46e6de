"""Blocks of the home pages that show pairs data. The home view lives in
`mentoring`, which must not import `pairs`; its templates load these tags."""

from datetime import timedelta

from django import template
from django.db.models import Q
from django.utils import timezone

from pairs.models import Feedback, Pair, PlanItem
from pairs.reminders import (
    OVERDUE_ITEM,
    PAST_END,
    attach_reminders,
    only_kinds,
    pairs_with_reminders,
)
from people.access import without_tier

register = template.Library()

LOW_RATING_DAYS = 30


@register.inclusion_tag("pairs/_home_attention.html", takes_context=True)
def curator_attention(context, limit: int = 6):
    """Pairs with overdue plan items or past their planned end, and low ratings of
    the last 30 days, for the head, deputy and curator of the organisation."""
    request = context["request"]
    access = request.access
    if not access.is_manager or access.organisation is None:
        return {"show": False}
    today = timezone.localdate()
    # Only the pairs that can have one of the two reminders shown here are
    # evaluated (past their planned end, or with an overdue plan item), not every
    # open pair of the organisation.
    pairs = without_tier(
        request, Pair.objects.open().for_organisation(access.organisation)
    ).filter(
        Q(planned_end_on__lt=today)
        | Q(
            plan__items__status__in=[
                PlanItem.Status.PLANNED,
                PlanItem.Status.IN_PROGRESS,
            ],
            plan__items__deadline__lt=today,
        )
    )
    grouped = only_kinds(
        pairs_with_reminders(pairs, today=today), (PAST_END, OVERDUE_ITEM)
    )
    low = (
        without_tier(request, Feedback.objects.all())
        .filter(
            pair__programme__organisation=access.organisation,
            rating__lte=Feedback.LOW_RATING,
            created_at__gte=timezone.now() - timedelta(days=LOW_RATING_DAYS),
        )
        .select_related("pair__mentor__participant", "meeting", "author")
        .order_by("-created_at")[:limit]
    )
    return {
        "show": True,
        "attention": grouped[:limit],
        "more": max(len(grouped) - limit, 0),
        "low_ratings": list(low),
    }


@register.simple_tag(takes_context=True)
def with_reminders(context, items):
    """Attach reminders to the mentor's cards on the home page (the same as on
    /journal/mine/); renders nothing."""
    attach_reminders(items, context["request"].user, today=timezone.localdate())
    return ""
