"""Issue 17, the pages of a pair's members: the mentor's pairs, their journal, plan
and reminders, the mentee's pair and questionnaires, the curator's pages of that
pair, with 5 and 50 rows of what each lists — the same number of queries, within a
budget (the count at 50)."""

from datetime import date, timedelta

from django.urls import reverse

from monitoring import models as mo
from pairs.models import Feedback
from pairs.plan_services import plan_create, plan_item_add
from tests import factories as f
from tests.test_query_scaling import assert_flat, export_url

TODAY = date.today()


class PairWorld:
    """The fixtures' pair, whose mentor and mentee log in; `grow(size)` adds `size`
    meetings of that pair (each rated by both), items of its plan, questionnaires
    waiting for each of them, and other pairs of the same mentor (each overdue a
    meeting, so the mentor's pages remind of it; every second one paused)."""

    def __init__(self, pair, mentor, mentee):
        self.pair, self.mentor, self.mentee = pair, mentor, mentee
        self.programme = pair.programme
        self.mentee_participant = pair.memberships.get().mentee.participant
        self.plan = plan_create(
            pair=pair,
            by=mentor,
            goal="Освоить проектную деятельность",
            starts_on=TODAY - timedelta(days=60),
            ends_on=TODAY + timedelta(days=300),
        )
        self.done = 0

    def grow(self, size: int) -> None:
        for index in range(self.done, self.done + size):
            self.unit(index)
        self.done += size

    def unit(self, index: int) -> None:
        pair, programme = self.pair, self.programme
        meeting = f.MeetingFactory(
            pair=pair,
            author=self.mentor,
            held_on=TODAY - timedelta(days=1 + index),
            topic=f"Встреча {index}",
        )
        for author, role in ((self.mentor, "mentor"), (self.mentee, "mentee")):
            Feedback.objects.create(
                pair=pair, meeting=meeting, author=author, role=role, rating=4
            )
        plan_item_add(
            plan=self.plan,
            by=self.mentor,
            activity=f"Пункт {index}",
            deadline=TODAY - timedelta(days=1),
        )
        other = f.PairFactory(
            programme=programme,
            mentor=pair.mentor,
            start_on=TODAY - timedelta(days=200),
            **(
                {"paused_until": TODAY + timedelta(days=10), "pause_reason": "Болезнь"}
                if index % 2
                else {}
            ),
        )
        f.PairMenteeFactory(pair=other)
        f.MeetingFactory(
            pair=other, author=self.mentor, held_on=TODAY - timedelta(days=150)
        )
        for participant, audience in (
            (self.pair.mentor.participant, mo.Audience.MENTOR),
            (self.mentee_participant, mo.Audience.MENTEE),
        ):
            campaign = f.CampaignFactory(
                programme=programme,
                title=f"Анкета {index}",
                questionnaire__audience=audience,
                questionnaire__moment=mo.AskedWhen.ENTRY,
            )
            f.QuestionFactory(questionnaire=campaign.questionnaire)
            f.InvitationFactory(campaign=campaign, participant=participant)

    def mentor_urls(self) -> dict[str, str]:
        pair = self.pair.pk
        return {
            "home": reverse("home"),
            "journal:mine": reverse("journal:mine"),
            "journal:pair": reverse("journal:pair", args=[pair]),
            "plans:detail": reverse("plans:detail", args=[pair]),
            "reminders:mine": reverse("reminders:mine"),
            "questionnaires:mine": reverse("questionnaires:mine"),
            "export:pair-journal": export_url("pair-journal", pair=pair),
        }

    def mentee_urls(self) -> dict[str, str]:
        pair = self.pair.pk
        return {
            "home": reverse("home"),
            "journal:my-pair": reverse("journal:my-pair"),
            "journal:pair": reverse("journal:pair", args=[pair]),
            "plans:detail": reverse("plans:detail", args=[pair]),
            "questionnaires:mine": reverse("questionnaires:mine"),
            "export:pair-journal": export_url("pair-journal", pair=pair),
        }


# Queries of each page at 50 rows (and at 5): a query more fails the test.
MENTOR_BUDGETS = {
    "home": 17,
    "journal:mine": 17,
    "journal:pair": 15,
    "plans:detail": 9,
    "reminders:mine": 10,  # + the mentees of the paused pairs named
    "questionnaires:mine": 4,
    "export:pair-journal": 7,
}
MENTEE_BUDGETS = {
    "home": 11,
    "journal:my-pair": 10,
    "journal:pair": 19,
    "plans:detail": 11,
    "questionnaires:mine": 4,
    "export:pair-journal": 7,
}
PAIR_BUDGETS = {
    "pairs:detail": 13,
    "journal:pair": 15,
    "plans:detail": 9,
    "export:pair-journal": 7,
}


def test_mentor_pages_do_not_query_per_row(
    client, pair, mentor, mentee, django_assert_max_num_queries
):
    world = PairWorld(pair, mentor, mentee)
    client.force_login(mentor)
    assert_flat(
        client,
        world.mentor_urls(),
        world.grow,
        MENTOR_BUDGETS,
        django_assert_max_num_queries,
    )


def test_mentee_pages_do_not_query_per_row(
    client, pair, mentor, mentee, django_assert_max_num_queries
):
    world = PairWorld(pair, mentor, mentee)
    client.force_login(mentee)
    assert_flat(
        client,
        world.mentee_urls(),
        world.grow,
        MENTEE_BUDGETS,
        django_assert_max_num_queries,
    )


def test_curator_pages_of_one_pair_do_not_query_per_row(
    client, curator, pair, mentor, mentee, django_assert_max_num_queries
):
    world = PairWorld(pair, mentor, mentee)
    client.force_login(curator)
    urls = {
        "pairs:detail": reverse("pairs:detail", args=[pair.pk]),
        "journal:pair": reverse("journal:pair", args=[pair.pk]),
        "plans:detail": reverse("plans:detail", args=[pair.pk]),
        "export:pair-journal": export_url("pair-journal", pair=pair.pk),
    }
    assert_flat(client, urls, world.grow, PAIR_BUDGETS, django_assert_max_num_queries)
