"""Stage 1 figures from questionnaire answers: response rates, item averages, the gap
between expectations (entry) and results (exit). Pages, the SWOT draft and the report
all read them from here; none of them ever returns who gave an anonymous answer.

Anonymous questionnaires: the curator sees who has answered (and when), so results
that are small or that move with each answer would tell whose answer is whose. The
answers of an anonymous campaign are used only once it has closed and only when at
least `anonymous_min_group()` people answered (`withheld` says why not); they are
never broken down (an anonymous response keeps no form or pair to break down by),
and a figure over several campaigns counts only those that are shown themselves, so
no hidden group can be had by subtracting shown figures from a total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from monitoring.models import (
    Answer,
    AskedWhen,
    Campaign,
    Invitation,
    Question,
    Response,
)

FEW = "few"  # fewer respondents than anonymous_min_group()
OPEN = "open"  # still open: each new answer would change the results by itself


def _round(value, places: str = "0.1") -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class Rate:
    invited: int = 0
    answered: int = 0

    @property
    def percent(self) -> int | None:
        """Whole percent answered, None when nobody was invited."""
        if not self.invited:
            return None
        return int(_round(Decimal(self.answered * 100) / self.invited, "1"))


def response_rates(campaigns: Iterable[Campaign]) -> dict[int, Rate]:
    """Invited and answered per campaign id, in one query."""
    ids = [c.pk for c in campaigns]
    rates = {pk: Rate() for pk in ids}
    rows = (
        Invitation.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(
            invited=Count("pk"),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
        )
    )
    for row in rows:
        rates[row["campaign_id"]] = Rate(row["invited"], row["answered"])
    return rates


def anonymous_min_group() -> int:
    """The fewest respondents whose anonymous answers are shown:
    settings.ANONYMOUS_MIN_GROUP (5 by default), never below 3 — of two, each knows
    the other's answers from their own."""
    return max(3, int(getattr(settings, "ANONYMOUS_MIN_GROUP", 5)))


def respondent_counts(campaigns: Iterable[Campaign]) -> dict[int, int]:
    """Filled questionnaires per campaign id, in one query."""
    ids = [c.pk for c in campaigns]
    counts = dict.fromkeys(ids, 0)
    rows = (
        Response.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["campaign_id"]] = row["count"]
    return counts


def withheld(campaign: Campaign, *, respondents=None, today=None) -> str:
    """Why the answers of the campaign may not be shown — FEW or OPEN — or "" when
    they may. Only an anonymous questionnaire withholds anything."""
    if not campaign.questionnaire.is_anonymous:
        return ""
    if respondents is None:
        respondents = respondent_counts([campaign])[campaign.pk]
    if respondents < anonymous_min_group():
        return FEW
    if (today or timezone.localdate()) <= campaign.closes_on:
        return OPEN
    return ""


def shown(campaigns: Iterable[Campaign], *, today=None) -> list[Campaign]:
    """The campaigns whose answers may be shown or counted (one query at most)."""
    campaigns = list(campaigns)
    anonymous = [c for c in campaigns if c.questionnaire.is_anonymous]
    counts = respondent_counts(anonymous) if anonymous else {}
    return [
        c
        for c in campaigns
        if not withheld(c, respondents=counts.get(c.pk, 0), today=today)
    ]


def withheld_message(reason: str, respondents: int) -> str:
    """What a page or a report says in place of withheld results."""
    if reason == FEW:
        needed = anonymous_min_group()
        return "{}. {}".format(
            gettext("Not enough answers for anonymous results"),
            ngettext(
                "At least %(needed)d answer is needed, %(count)d so far.",
                "At least %(needed)d answers are needed, %(count)d so far.",
                needed,
            )
            % {"needed": needed, "count": respondents},
        )
    if reason == OPEN:
        return gettext(
            "The questionnaire is anonymous: the results are shown once the "
            "campaign has closed, so that no answer can be told apart as it comes in."
        )
    return ""


def can_reopen(campaign: Campaign, *, today) -> bool:
    """A closed anonymous campaign whose results were shown stays closed: results
    before and after a late answer differ by exactly that answer."""
    if not campaign.questionnaire.is_anonymous or today <= campaign.closes_on:
        return True
    return withheld(campaign, today=today) == FEW


@dataclass
class QuestionStat:
    question: Question
    answers: int = 0
    mean: Decimal | None = None
    # option text or scale value → number of answers, in the question's order
    counts: dict[str, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    @property
    def share_of_max(self) -> Decimal | None:
        """The mean as a share of the scale (0–1), to compare 1–5 with 1–10 items."""
        if self.mean is None or not self.question.scale_max:
            return None
        return self.mean / self.question.scale_max


def question_stats(campaign: Campaign, *, today=None) -> list[QuestionStat]:
    """Every question of the campaign's questionnaire with its figures: the mean and
    the count per value of a scale, the count per option of a choice, the texts of an
    open question (sorted by their text, never in the order they came in). Nothing
    while the answers are `withheld`."""
    return campaigns_question_stats([campaign], today=today)[campaign.pk]


def campaigns_question_stats(
    campaigns: Iterable[Campaign], *, today=None
) -> dict[int, list[QuestionStat]]:
    """`question_stats` of each campaign by its id, in three queries however many
    campaigns a report or a SWOT draft reads."""
    campaigns = list(campaigns)
    result: dict[int, list[QuestionStat]] = {c.pk: [] for c in campaigns}
    anonymous = [c for c in campaigns if c.questionnaire.is_anonymous]
    counts = respondent_counts(anonymous) if anonymous else {}
    shown_ = [
        c
        for c in campaigns
        if not withheld(c, respondents=counts.get(c.pk, 0), today=today)
    ]
    if not shown_:
        return result
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(
        questionnaire_id__in={c.questionnaire_id for c in shown_}
    ):
        questions[question.questionnaire_id].append(question)
    stats: dict[int, dict[int, QuestionStat]] = {}
    for campaign in shown_:
        of_campaign = stats[campaign.pk] = {}
        for q in questions[campaign.questionnaire_id]:
            stat = of_campaign[q.pk] = QuestionStat(q)
            if q.kind == Question.Kind.SCALE:
                stat.counts = {str(v): 0 for v in range(1, (q.scale_max or 10) + 1)}
            elif q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
                stat.counts = dict.fromkeys(q.option_list, 0)
    answers = Answer.objects.filter(response__campaign_id__in=list(stats)).values_list(
        "response__campaign_id", "question_id", "number", "choices", "text"
    )
    sums: dict[tuple[int, int], int] = defaultdict(int)
    for campaign_id, question_id, number, choices, text in answers:
        stat = stats[campaign_id].get(question_id)
        if stat is None:
            continue
        kind = stat.question.kind
        if kind == Question.Kind.SCALE:
            if number is None:
                continue
            stat.answers += 1
            sums[campaign_id, question_id] += number
            stat.counts[str(number)] = stat.counts.get(str(number), 0) + 1
        elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            if not choices:
                continue
            stat.answers += 1
            for choice in choices:
                stat.counts[choice] = stat.counts.get(choice, 0) + 1
        elif text.strip():
            stat.answers += 1
            stat.texts.append(text.strip())
    for (campaign_id, question_id), total in sums.items():
        stat = stats[campaign_id][question_id]
        stat.mean = _round(Decimal(total) / stat.answers, "0.01")
    for campaign in shown_:
        of_campaign = stats[campaign.pk]
        for stat in of_campaign.values():
            stat.texts.sort()
        result[campaign.pk] = [
            of_campaign[q.pk] for q in questions[campaign.questionnaire_id]
        ]
    return result


@dataclass
class Gap:
    """One topic asked as an expectation at entry and as a result at exit."""

    topic: str
    role: str
    question_text: str
    expected: Decimal
    result: Decimal
    scale_max: int
    entry_campaign: Campaign
    exit_campaign: Campaign

    @property
    def gap(self) -> Decimal:
        """Result minus expectation, on a 1–10 scale (a 1–5 item is doubled)."""
        factor = Decimal(10) / self.scale_max
        return _round((self.result - self.expected) * factor, "0.01")


def scale_means(campaigns: Iterable[Campaign]) -> dict[tuple[int, str], tuple]:
    """(campaign id, topic) → (mean, scale max, question text) for scale questions
    with a topic. One topic is asked once per questionnaire. Withheld campaigns
    have none."""
    ids = [c.pk for c in shown(campaigns)]
    sums: dict[tuple[int, str], list] = {}
    rows = Answer.objects.filter(
        response__campaign_id__in=ids,
        question__kind=Question.Kind.SCALE,
        number__isnull=False,
    ).exclude(question__topic="")
    for campaign_id, topic, number, scale_max, text in rows.values_list(
        "response__campaign_id",
        "question__topic",
        "number",
        "question__scale_max",
        "question__text",
    ):
        entry = sums.setdefault((campaign_id, topic), [0, 0, scale_max, text])
        entry[0] += number
        entry[1] += 1
    return {
        key: (_round(Decimal(total) / count, "0.01"), scale_max, text)
        for key, (total, count, scale_max, text) in sums.items()
    }


def expectation_gaps(programme, school_year=None) -> list[Gap]:
    """For every topic asked of the same audience at entry and at exit in the
    programme (within the school year when given), the mean expectation and the mean
    result; the latest entry and exit campaigns of each audience whose answers may
    be shown are compared.
    Sorted by the gap, the largest shortfall first."""
    campaigns = Campaign.objects.filter(programme=programme).select_related(
        "questionnaire"
    )
    if school_year is not None:
        campaigns = campaigns.filter(school_year=school_year)
    latest: dict[tuple[str, str], Campaign] = {}
    for campaign in shown(campaigns.order_by("opens_on", "pk")):
        moment = campaign.questionnaire.moment
        if moment in (AskedWhen.ENTRY, AskedWhen.EXIT):
            latest[(campaign.questionnaire.audience, moment)] = campaign
    means = scale_means(latest.values())
    gaps = []
    for (audience, moment), exit_campaign in latest.items():
        if moment != AskedWhen.EXIT:
            continue
        entry_campaign = latest.get((audience, AskedWhen.ENTRY))
        if entry_campaign is None:
            continue
        for (campaign_id, topic), (result, scale_max, text) in means.items():
            if campaign_id != exit_campaign.pk:
                continue
            expected = means.get((entry_campaign.pk, topic))
            if expected is None:
                continue
            scale_max = scale_max or 10
            expected_mean, expected_max = expected[0], expected[1] or 10
            if expected_max != scale_max:
                # Asked 1–5 at entry and 1–10 at exit (or back): compare on the
                # exit's scale, or the gap would mix the two.
                expected_mean = _round(expected_mean * scale_max / expected_max, "0.01")
            gaps.append(
                Gap(
                    topic=topic,
                    role=audience,
                    question_text=text,
                    expected=expected_mean,
                    result=result,
                    scale_max=scale_max,
                    entry_campaign=entry_campaign,
                    exit_campaign=exit_campaign,
                )
            )
    gaps.sort(key=lambda g: (g.gap, g.role, g.topic))
    return gaps
