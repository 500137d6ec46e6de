"""The SWOT analysis of a programme: a draft computed from the year's data, then
edited by the curator.

`draft_points` turns the figures of both monitoring stages into points, each with the
rule that produced it (`kind`) and a link to its evidence. `draft_swot` creates the
SWOT or refreshes its drafted points; a point the curator wrote or edited has an
empty `kind` and is never replaced. `swot_update` saves the editor's formsets.

Kinds: high-item, low-item (scale items of the year's campaigns), gap-exceeded,
gap-shortfall (expectations at entry vs results at exit), response-high,
response-low (campaign response rates), terminated, stale (pairs), improved,
worsened (entry/exit dynamics), become-mentor (mentees who would like to mentor).

Question topics relied on: any topic shared by an entry and an exit questionnaire
(gaps); «become-mentor» — asked of mentees, a scale (a high mark, ≥ 80 % of the
scale, counts as «yes») or options (the first option, «Да», counts as «yes»).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from monitoring import stats
from monitoring.models import (
    Answer,
    Audience,
    Campaign,
    Question,
    Swot,
    SwotPoint,
)

HIGH_SHARE = Decimal("0.8")
LOW_SHARE = Decimal("0.6")
ITEMS_PER_KIND = 3
GAP_POINTS = Decimal(1)  # on a 10-point scale
RESPONSE_LOW, RESPONSE_HIGH = 50, 80
IMPROVED_SHARE = 60
STALE_PAIRS_LISTED = 5
BECOME_MENTOR_TOPIC = "become-mentor"

QS, QW, QO, QT = (
    SwotPoint.Quadrant.STRENGTH,
    SwotPoint.Quadrant.WEAKNESS,
    SwotPoint.Quadrant.OPPORTUNITY,
    SwotPoint.Quadrant.THREAT,
)

ROLE_LABELS = {
    Audience.MENTEE: lambda: gettext("mentees"),
    Audience.MENTOR: lambda: gettext("mentors"),
    Audience.CURATOR: lambda: gettext("curator"),
}


def url_or_empty(name: str, *args, query: str = "") -> str:
    """The page of another part of the site, or "" while it does not exist."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def num(value, places: int = 1) -> str:
    """8.70 → «8,7» (the active language's decimal separator)."""
    if value is None:
        return "—"
    value = Decimal(value).quantize(Decimal(1).scaleb(-places))
    text = number_format(value, decimal_pos=places)
    if "," in text or "." in text:
        text = text.rstrip("0").rstrip(",.")
    return text


def role_label(role: str) -> str:
    label = ROLE_LABELS.get(role)
    return label() if label else role


def short(text: str, length: int = 90) -> str:
    return Truncator(text).chars(length)


def year_campaigns(programme, school_year) -> list[Campaign]:
    return list(
        Campaign.objects.filter(programme=programme, school_year=school_year)
        .select_related("questionnaire")
        .order_by("opens_on", "pk")
    )


def _point(quadrant, kind, text, label="", url="") -> SwotPoint:
    return SwotPoint(
        quadrant=quadrant,
        kind=kind,
        text=text,
        evidence_label=short(str(label), 255),
        evidence_url=url,
    )


def campaign_url(campaign) -> str:
    return url_or_empty("questionnaires:campaign-detail", campaign.pk)


def item_points(campaigns) -> list[SwotPoint]:
    """high-item and low-item: the best and worst rated scale items of the year."""
    rated = []
    campaigns = list(campaigns)
    by_campaign = stats.campaigns_question_stats(campaigns)
    for campaign in campaigns:
        for stat in by_campaign[campaign.pk]:
            if stat.question.kind != Question.Kind.SCALE or stat.mean is None:
                continue
            if stat.question.topic == BECOME_MENTOR_TOPIC:
                continue
            rated.append((stat.share_of_max, campaign, stat))

    def text(campaign, stat):
        return gettext("%(question)s: %(mean)s of %(max)s (%(role)s, %(campaign)s)") % {
            "question": short(stat.question.text),
            "mean": num(stat.mean),
            "max": stat.question.scale_max,
            "role": role_label(campaign.questionnaire.audience),
            "campaign": campaign.title,
        }

    high = sorted(
        (r for r in rated if r[0] >= HIGH_SHARE), key=lambda r: (-r[0], r[1].pk)
    )
    low = sorted((r for r in rated if r[0] < LOW_SHARE), key=lambda r: (r[0], r[1].pk))
    points = [
        _point(QS, "high-item", text(c, s), c.title, campaign_url(c))
        for _share, c, s in high[:ITEMS_PER_KIND]
    ]
    points += [
        _point(QW, "low-item", text(c, s), c.title, campaign_url(c))
        for _share, c, s in low[:ITEMS_PER_KIND]
    ]
    return points


def gap_points(programme, school_year) -> list[SwotPoint]:
    """gap-shortfall and gap-exceeded: results below or above expectations by at
    least one point of a 10-point scale."""
    points = []
    for gap in stats.expectation_gaps(programme, school_year):
        values = {
            "question": short(gap.question_text),
            "expected": num(gap.expected),
            "result": num(gap.result),
            "max": gap.scale_max,
            "role": role_label(gap.role),
        }
        label = gap.exit_campaign.title
        url = campaign_url(gap.exit_campaign)
        if gap.gap <= -GAP_POINTS:
            text = gettext(
                "%(question)s: expected %(expected)s, got %(result)s of %(max)s "
                "(%(role)s)"
            )
            points.append(_point(QW, "gap-shortfall", text % values, label, url))
        elif gap.gap >= GAP_POINTS:
            text = gettext(
                "%(question)s: got %(result)s of %(max)s, more than the expected "
                "%(expected)s (%(role)s)"
            )
            points.append(_point(QS, "gap-exceeded", text % values, label, url))
    return points


def response_points(campaigns) -> list[SwotPoint]:
    """response-low and response-high: who answered of those invited."""
    points = []
    rates = stats.response_rates(campaigns)
    for campaign in campaigns:
        rate = rates[campaign.pk]
        if rate.percent is None:
            continue
        text = gettext(
            "«%(campaign)s» was answered by %(percent)s%% of those asked "
            "(%(answered)s of %(invited)s)"
        ) % {
            "campaign": campaign.title,
            "percent": rate.percent,
            "answered": rate.answered,
            "invited": rate.invited,
        }
        if rate.percent < RESPONSE_LOW:
            points.append(
                _point(QT, "response-low", text, campaign.title, campaign_url(campaign))
            )
        elif rate.percent >= RESPONSE_HIGH:
            points.append(
                _point(
                    QS, "response-high", text, campaign.title, campaign_url(campaign)
                )
            )
    return points


def year_pairs(programme, school_year):
    """The programme's pairs that worked during the school year."""
    from pairs.models import Pair

    return Pair.objects.filter(
        programme=programme, start_on__lte=school_year.ends_on
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=school_year.starts_on))


def terminated_points(programme, school_year) -> list[SwotPoint]:
    """terminated: pairs ended early during the year, with their share."""
    from pairs.models import Pair

    pairs = year_pairs(programme, school_year)
    total = pairs.count()
    count = pairs.filter(
        status=Pair.Status.TERMINATED,
        ended_on__range=(school_year.starts_on, school_year.ends_on),
    ).count()
    if not count:
        return []
    text = ngettext(
        "%(count)d pair or group was terminated early (%(share)s%% of the year's "
        "pairs)",
        "%(count)d pairs and groups were terminated early (%(share)s%% of the "
        "year's pairs)",
        count,
    ) % {"count": count, "share": round(count * 100 / total)}
    url = url_or_empty(
        "pairs:list", query=f"status=terminated&programme={programme.pk}"
    )
    return [_point(QT, "terminated", text, gettext("Terminated pairs"), url)]


def stale_points(programme, *, today: date) -> list[SwotPoint]:
    """stale: active pairs without a meeting for longer than the programme allows
    (the rule of pairs/reminders.py), one point per pair."""
    from pairs.models import Pair
    from pairs.reminders import STALE, only_kinds, pairs_with_reminders

    found = only_kinds(
        pairs_with_reminders(Pair.objects.filter(programme=programme), today=today),
        [STALE],
    )
    found.sort(key=lambda item: item[0].last_held_on or item[0].start_on)
    points = []
    for pair, _reminders in found[:STALE_PAIRS_LISTED]:
        quiet = (today - (pair.last_held_on or pair.start_on)).days
        text = ngettext(
            "«%(pair)s»: no meetings for %(count)d day",
            "«%(pair)s»: no meetings for %(count)d days",
            quiet,
        ) % {"pair": pair, "count": quiet}
        points.append(
            _point(QW, "stale", text, str(pair), url_or_empty("pairs:detail", pair.pk))
        )
    rest = len(found) - STALE_PAIRS_LISTED
    if rest > 0:
        text = ngettext(
            "%(count)d more pair or group without meetings",
            "%(count)d more pairs and groups without meetings",
            rest,
        ) % {"count": rest}
        url = url_or_empty("pairs:list", query=f"programme={programme.pk}")
        points.append(_point(QW, "stale", text, gettext("Pairs"), url))
    return points


def dynamics_points(programme, school_year, dynamics=None) -> list[SwotPoint]:
    """improved and worsened: stage 2 parameters by the share who improved."""
    from monitoring.dynamics import programme_dynamics

    if dynamics is None:
        dynamics = programme_dynamics(programme, school_year)
    url = url_or_empty(
        "measurements:dynamics",
        query=f"programme={programme.pk}&year={school_year.pk}",
    )
    points = []
    for group in dynamics.by_parameter:
        if not group.count:
            continue
        values = {
            "parameter": group.parameter,
            "share": group.share_improved,
            "improved": group.improved,
            "worse": group.worse,
            "count": group.count,
        }
        label = gettext("Entry and exit: %(parameter)s") % values
        if group.share_improved is not None and group.share_improved >= IMPROVED_SHARE:
            text = gettext(
                "%(parameter)s improved for %(share)s%% of participants "
                "(%(improved)s of %(count)s)"
            )
            points.append(_point(QO, "improved", text % values, label, url))
        elif group.worse > group.improved:
            text = gettext(
                "%(parameter)s got worse for %(worse)s of %(count)s participants, "
                "improved for %(improved)s"
            )
            points.append(_point(QT, "worsened", text % values, label, url))
    return points


def become_mentor_points(campaigns) -> list[SwotPoint]:
    """become-mentor: the share of mentees who would like to become mentors (of the
    campaigns whose answers may be shown)."""
    points = []
    for campaign in stats.shown(campaigns):
        if campaign.questionnaire.audience != Audience.MENTEE:
            continue
        answers = list(
            Answer.objects.filter(
                response__campaign=campaign, question__topic=BECOME_MENTOR_TOPIC
            ).select_related("question")
        )
        yes = total = 0
        for answer in answers:
            question = answer.question
            if question.kind == Question.Kind.SCALE:
                if answer.number is None:
                    continue
                total += 1
                yes += answer.number >= HIGH_SHARE * (question.scale_max or 10)
            elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
                if not answer.choices:
                    continue
                total += 1
                options = question.option_list
                yes += bool(options) and options[0] in answer.choices
        if not total or not yes:
            continue
        text = gettext(
            "%(share)s%% of the mentees who answered would like to become mentors "
            "(%(yes)s of %(total)s, %(campaign)s)"
        ) % {
            "share": round(yes * 100 / total),
            "yes": yes,
            "total": total,
            "campaign": campaign.title,
        }
        points.append(
            _point(QO, "become-mentor", text, campaign.title, campaign_url(campaign))
        )
    return points


def draft_points(
    programme, school_year, *, today: date | None = None, dynamics=None
) -> list[SwotPoint]:
    """Unsaved points drafted from the year's data, quadrant by quadrant."""
    today = today or date.today()
    campaigns = year_campaigns(programme, school_year)
    points = [
        *item_points(campaigns),
        *gap_points(programme, school_year),
        *response_points(campaigns),
        *terminated_points(programme, school_year),
        *stale_points(programme, today=today),
        *dynamics_points(programme, school_year, dynamics),
        *become_mentor_points(campaigns),
    ]
    order = dict.fromkeys(SwotPoint.Quadrant.values, 0)
    for point in sorted(points, key=lambda p: p.quadrant):
        point.order = order[point.quadrant]
        order[point.quadrant] += 1
    return points


@transaction.atomic
def draft_swot(programme, school_year, user, *, today: date | None = None) -> Swot:
    """Create the SWOT with the drafted points, or refresh its drafted points: the
    points the curator wrote or edited (empty `kind`) stay as they are, drafted
    points follow them."""
    swot, _created = Swot.objects.select_for_update().get_or_create(
        programme=programme, school_year=school_year, defaults={"updated_by": user}
    )
    swot.points.exclude(kind="").delete()
    after = dict(
        swot.points.values("quadrant")
        .annotate(last=Max("order"))
        .values_list("quadrant", "last")
    )
    drafted = draft_points(programme, school_year, today=today)
    for point in drafted:
        point.swot = swot
        point.order += after.get(point.quadrant, -1) + 1
        point.full_clean(exclude=["swot"])
    SwotPoint.objects.bulk_create(drafted)
    swot.updated_by = user
    swot.save(update_fields=["updated_by", "updated_at"])
    return swot


@transaction.atomic
def swot_update(*, swot: Swot, formsets, conclusion: str, user) -> Swot:
    """Save the editor: the points of each quadrant's formset and the conclusions.
    A drafted point whose text the curator changed becomes the curator's own (its
    kind is cleared), so refreshing the draft never replaces it."""
    for formset in formsets:
        saved = formset.save(commit=False)
        changed = {obj.pk: fields for obj, fields in formset.changed_objects}
        for point in saved:
            if point.pk is None:
                point.swot = swot
                point.quadrant = formset.quadrant
                point.kind = ""
            elif "text" in changed.get(point.pk, ()):
                point.kind = ""
            point.full_clean()
            point.save()
        for point in formset.deleted_objects:
            point.delete()
    swot.conclusion = conclusion
    swot.updated_by = user
    swot.full_clean()
    swot.save(update_fields=["conclusion", "updated_by", "updated_at"])
    return swot


def points_by_quadrant(swot: Swot | None) -> list[tuple[str, str, list[SwotPoint]]]:
    """(code, name, points) for S, W, O, T — for the summary, print and report."""
    points = list(swot.points.all()) if swot is not None else []
    return [
        (code, label, [p for p in points if p.quadrant == code])
        for code, label in SwotPoint.Quadrant.choices
    ]
