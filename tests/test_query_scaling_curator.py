"""Issue 17, the curator's and the head's list pages and exports beyond the bases
and pairs (tests/test_query_scaling.py): 5 and 50 rows of what each lists, the
same number of queries, within a budget (the count at 50 rows)."""

from datetime import date, timedelta

from django.urls import reverse

from mentoring.models import Job, ProgrammeStage, RoadmapItem, SchoolYear
from monitoring import models as mo
from pairs.models import Feedback, PairOrder, Reward
from pairs.plan_services import plan_create, plan_item_add
from pairs.reward_services import reward_grant
from people.models import AccessLog, Consent
from safeguarding.models import PreventiveWorkEntry
from tests import factories as f
from tests.test_query_scaling import assert_flat, export_url

TODAY = date.today()


class CuratorWorld:
    """The curator's organisation; `grow(size)` adds `size` of every row its list
    pages show: pairs (a mentee of a class, a meeting with feedback, a plan with an
    item, an entry value, an order, a reward, a consent, a preventive entry),
    roadmap items, questionnaires with a campaign, indicators, jobs, the changes
    of one mentee's card and lines of the access log."""

    def __init__(self, programme, curator):
        self.programme, self.curator = programme, curator
        self.organisation = programme.organisation
        self.stage = ProgrammeStage.objects.order_by("number").first()
        self.parameter = mo.Parameter.objects.get(code="engagement")
        self.year = SchoolYear.for_date(TODAY)
        self.card = f.MenteeFactory(participant__organisation=self.organisation)
        self.exit_campaign = f.CampaignFactory(programme=programme, title="Итоговая")
        self.exit_question = f.QuestionFactory(
            questionnaire=self.exit_campaign.questionnaire
        )
        self.done = 0

    def grow(self, size: int) -> None:
        for index in range(self.done, self.done + size):
            self.unit(index)
        self.done += size

    def unit(self, index: int) -> None:
        organisation, programme = self.organisation, self.programme
        group = f.StudyGroupFactory(
            organisation=organisation, name=f"{5 + index % 6}Б{index}", grade=7
        )
        pair = f.PairFactory(programme=programme, order_number="")
        link = f.PairMenteeFactory(pair=pair, mentee__participant__study_group=group)
        mentee = link.mentee.participant
        meeting = f.MeetingFactory(pair=pair, author=self.curator)
        Feedback.objects.create(
            pair=pair, meeting=meeting, author=self.curator, role="curator", rating=2
        )
        plan = plan_create(
            pair=pair,
            by=self.curator,
            goal="Повысить успеваемость",
            starts_on=TODAY - timedelta(days=30),
            ends_on=TODAY + timedelta(days=60),
        )
        plan_item_add(plan=plan, by=self.curator, activity="Пункт", deadline=TODAY)
        f.MeasurementFactory(pair=pair, participant=mentee)
        PairOrder.objects.create(
            organisation=organisation, number=f"{index}-од", date=TODAY
        )
        Consent.objects.create(
            participant=pair.mentor.participant,
            scope=Consent.Scope.PUBLICATION,
            given_by="Сам наставник",
            relation=Consent.Relation.values[0],
            given_on=TODAY - timedelta(days=90),
        )
        reward_grant(
            organisation=organisation,
            person=pair.mentor.participant,
            kind=Reward.Kind.GRATITUDE,
            awarded_on=TODAY,
            basis="за работу наставником",
            by=None,
        )
        Consent.objects.create(
            participant=mentee,
            scope=Consent.Scope.PROCESSING,
            given_by="Петрова Анна Ивановна",
            relation=Consent.Relation.values[0],
            given_on=TODAY - timedelta(days=90),
        )
        PreventiveWorkEntry.objects.create(
            participant=mentee,
            created_by=self.curator,
            held_on=TODAY,
            form_of_work=PreventiveWorkEntry.Form.CONVERSATION,
            content="Беседа",
            conducted_by="Социальный педагог",
        )
        RoadmapItem.objects.create(
            programme=programme,
            stage=self.stage,
            number=f"1.{index}",
            order=index,
            activity=f"Мероприятие {index}",
        )
        campaign = f.CampaignFactory(programme=programme, title=f"Анкета {index}")
        question = f.QuestionFactory(questionnaire=campaign.questionnaire)
        f.InvitationFactory(campaign=campaign, participant=mentee)
        response = mo.Response.objects.create(
            campaign=self.exit_campaign,
            role=mo.Audience.MENTEE,
            submitted_on=TODAY,
            via="workspace",
        )
        mo.Answer.objects.create(
            response=response, question=self.exit_question, number=1 + index % 10
        )
        mo.Answer.objects.create(
            response=mo.Response.objects.create(
                campaign=campaign, role=mo.Audience.MENTEE, submitted_on=TODAY
            ),
            question=question,
            number=7,
        )
        mo.Indicator.objects.create(
            programme=programme,
            group="1. Задача",
            number=f"1.{index}",
            name=f"Показатель {index}",
            unit=mo.Unit.PIECES,
        )
        Job.objects.create(
            user=self.curator,
            organisation=organisation,
            kind=Job.Kind.EXPORT,
            identifier="mentee-base",
            fmt="xlsx",
            title=f"База наставляемых {index}",
            status=Job.Status.DONE,
        )
        self.card.results = f"Результат {index}"
        self.card.save()
        card = self.card.participant
        PreventiveWorkEntry.objects.create(
            participant=card,
            created_by=self.curator,
            held_on=TODAY - timedelta(days=index),
            form_of_work=PreventiveWorkEntry.Form.CONVERSATION,
            content=f"Беседа {index}",
            conducted_by="Социальный педагог",
        )
        Consent.objects.create(
            participant=card,
            scope=Consent.Scope.PROCESSING,
            given_by=f"Представитель {index}",
            relation=Consent.Relation.values[0],
            given_on=TODAY - timedelta(days=index),
        )
        f.InvitationFactory(campaign=self.exit_campaign, participant=mentee)
        f.QuestionFactory(
            questionnaire=self.exit_campaign.questionnaire, text=f"Вопрос {index}"
        )
        AccessLog.objects.create(
            user=self.curator,
            user_name="Куратор",
            organisation=organisation,
            action=AccessLog.Action.VIEW,
            description=f"Карточка {index}",
            participant=mentee,
            participant_name=mentee.full_name,
        )

    def curator_urls(self) -> dict[str, str]:
        programme = self.programme.pk
        grid = f"?programme={programme}&parameter={self.parameter.pk}&moment=entry"
        return {
            "groups:list": reverse("groups:list"),
            "consents:list": reverse("consents:list"),
            "rewards:list": reverse("rewards:list"),
            "documents:list": reverse("documents:list"),
            "journal:list": reverse("journal:list"),
            "journal:feedback-summary": reverse("journal:feedback-summary"),
            "plans:list": reverse("plans:list"),
            "reminders:mine": reverse("reminders:mine"),
            "roadmap:detail": reverse("roadmap:detail", args=[programme]),
            "questionnaires:list": reverse("questionnaires:list"),
            "questionnaires:campaign-list": reverse("questionnaires:campaign-list"),
            "monitoring:programme": reverse("monitoring:programme", args=[programme]),
            "measurements:grid": reverse("measurements:grid") + grid,
            "measurements:dynamics": reverse("measurements:dynamics")
            + f"?programme={programme}",
            "indicators:list": reverse("indicators:list"),
            "indicators:values": reverse("indicators:values", args=[programme]),
            "safeguarding:list": reverse("safeguarding:list"),
            "history:detail": reverse(
                "history:detail", args=["people.menteeprofile", self.card.pk]
            ),
            "jobs:list": reverse("jobs:list"),
            "consents:participant": reverse(
                "consents:participant", args=[self.card.participant.pk]
            ),
            "safeguarding:participant": reverse(
                "safeguarding:participant", args=[self.card.participant.pk]
            ),
            "questionnaires:detail": reverse(
                "questionnaires:detail", args=[self.exit_campaign.questionnaire.pk]
            ),
            "questionnaires:campaign-detail": reverse(
                "questionnaires:campaign-detail", args=[self.exit_campaign.pk]
            ),
            "export:rewards": export_url("rewards"),
            "export:consent-register": export_url("consent-register"),
            "export:measurements": export_url("measurements", programme=programme),
            "export:monitoring-report": export_url(
                "monitoring-report", programme=programme, year=self.year.pk
            ),
            "export:roadmap": export_url("roadmap", programme=programme),
            "export:pairs-list": export_url("pairs-list", "pdf"),
            "export:programme-summary": export_url(
                "programme-summary", "pdf", programme=programme
            ),
        }


# Queries of each page at 50 rows (and at 5): a query more fails the test.
CURATOR_BUDGETS = {
    "groups:list": 5,
    "consents:list": 7,
    "rewards:list": 7,
    "documents:list": 14,
    "journal:list": 8,
    "journal:feedback-summary": 6,
    "plans:list": 7,  # + the mentees of the pairs named
    "reminders:mine": 10,
    "roadmap:detail": 11,
    "questionnaires:list": 4,
    "questionnaires:campaign-list": 7,
    "monitoring:programme": 18,
    "measurements:grid": 16,  # + the mentees of the pairs named
    # the pair filter's options; the mentees of the pairs named (filter, values)
    "measurements:dynamics": 11,
    "indicators:list": 18,
    "indicators:values": 9,
    "safeguarding:list": 7,
    "history:detail": 6,
    "jobs:list": 5,
    "consents:participant": 5,
    "safeguarding:participant": 11,
    "questionnaires:detail": 7,
    "questionnaires:campaign-detail": 9,
    "export:rewards": 5,
    "export:consent-register": 4,
    "export:measurements": 7,  # + the mentees of the pairs named
    "export:monitoring-report": 18,
    "export:roadmap": 6,
    "export:pairs-list": 7,
    "export:programme-summary": 11,
}
HEAD_BUDGETS = {
    "safeguarding:log": 7,
    "export:safeguarding-access-log": 7,
}


def test_curator_lists_and_exports_do_not_query_per_row(
    client, curator, programme, django_assert_max_num_queries
):
    world = CuratorWorld(programme, curator)
    client.force_login(curator)
    assert_flat(
        client,
        world.curator_urls(),
        world.grow,
        CURATOR_BUDGETS,
        django_assert_max_num_queries,
    )


def test_head_access_log_does_not_query_per_row(
    client, head, organisation, django_assert_max_num_queries
):
    def grow(size: int) -> None:
        AccessLog.objects.bulk_create(
            AccessLog(
                user=head,
                user_name="Директор",
                organisation=organisation,
                action=AccessLog.Action.VIEW,
                description="Список учащихся",
                participant_name=f"Учащийся {index}",
            )
            for index in range(size)
        )

    client.force_login(head)
    assert_flat(
        client,
        {
            "safeguarding:log": reverse("safeguarding:log"),
            "export:safeguarding-access-log": export_url("safeguarding-access-log"),
        },
        grow,
        HEAD_BUDGETS,
        django_assert_max_num_queries,
    )
