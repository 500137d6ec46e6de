"""The SWOT draft: one test per drafting rule, the refresh, the editor's service."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from mentoring.models import SchoolYear
from monitoring import models as mo
from monitoring.swot import draft_points, draft_swot
from pairs.models import Pair
from tests import factories as f

TODAY = date.today()


@pytest.fixture
def year():
    return SchoolYear.for_date(TODAY)


def answered(campaign, question, numbers, role=mo.Audience.MENTEE):
    for number in numbers:
        response = mo.Response.objects.create(
            campaign=campaign, role=role, submitted_on=TODAY, via="workspace"
        )
        kwargs = {"number": number} if question.kind == "scale" else {}
        if question.kind in ("single", "multiple"):
            kwargs = {"choices": [number]}
        if question.kind == "text":
            kwargs = {"text": number}
        mo.Answer.objects.create(response=response, question=question, **kwargs)


def campaign_with(programme, moment=mo.AskedWhen.EXIT, **question):
    questionnaire = f.QuestionnaireFactory(
        organisation=programme.organisation, moment=moment
    )
    q = f.QuestionFactory(questionnaire=questionnaire, **question)
    campaign = f.CampaignFactory(
        programme=programme, questionnaire=questionnaire, title=f"Анкета {moment}"
    )
    return campaign, q


def kinds(points, kind):
    return [p for p in points if p.kind == kind]


def test_high_item_is_a_strength(programme, year):
    campaign, question = campaign_with(programme, text="Комфорт общения")
    answered(campaign, question, [9, 9, 8])
    [point] = kinds(draft_points(programme, year), "high-item")
    assert point.quadrant == "S"
    assert "Комфорт общения: 8,7" in point.text and " 10 " in point.text
    assert point.evidence_label == campaign.title


def test_low_item_is_a_weakness(programme, year):
    campaign, question = campaign_with(programme, text="Понятность задач")
    answered(campaign, question, [5, 6])
    [point] = kinds(draft_points(programme, year), "low-item")
    assert point.quadrant == "W"
    assert "5,5" in point.text


def test_items_between_the_thresholds_are_not_drafted(programme, year):
    campaign, question = campaign_with(programme)
    answered(campaign, question, [7])
    points = draft_points(programme, year)
    assert not kinds(points, "high-item") and not kinds(points, "low-item")


def gap_campaigns(programme, expected, result):
    entry, q_entry = campaign_with(programme, mo.AskedWhen.ENTRY, topic="comfort")
    entry.opens_on = TODAY - timedelta(days=40)
    entry.save()
    exit_, q_exit = campaign_with(programme, mo.AskedWhen.EXIT, topic="comfort")
    answered(entry, q_entry, expected)
    answered(exit_, q_exit, result)


def test_gap_shortfall_is_a_weakness(programme, year):
    gap_campaigns(programme, [9, 9], [7, 7])
    [point] = kinds(draft_points(programme, year), "gap-shortfall")
    assert point.quadrant == "W"
    assert "9" in point.text and "7" in point.text


def test_gap_exceeded_is_a_strength(programme, year):
    gap_campaigns(programme, [6, 6], [8, 8])
    [point] = kinds(draft_points(programme, year), "gap-exceeded")
    assert point.quadrant == "S"


def invite(campaign, total, answered_count):
    for index in range(total):
        f.InvitationFactory(
            campaign=campaign, answered_on=TODAY if index < answered_count else None
        )


def test_response_low_is_a_threat(programme, year):
    campaign, _q = campaign_with(programme)
    invite(campaign, 4, 1)
    [point] = kinds(draft_points(programme, year), "response-low")
    assert point.quadrant == "T"
    assert "25%" in point.text and "(1 " in point.text


def test_response_high_is_a_strength(programme, year):
    campaign, _q = campaign_with(programme)
    invite(campaign, 5, 4)
    [point] = kinds(draft_points(programme, year), "response-high")
    assert point.quadrant == "S"


def test_terminated_pairs_are_a_threat(programme, year):
    f.PairFactory(programme=programme)
    f.PairFactory(
        programme=programme,
        status=Pair.Status.TERMINATED,
        ended_on=TODAY - timedelta(days=5),
        termination_reason="Переезд",
    )
    [point] = kinds(draft_points(programme, year), "terminated")
    assert point.quadrant == "T"
    assert "50%" in point.text
    assert "status=terminated" in point.evidence_url


def test_stale_pairs_are_weaknesses_with_the_pair_as_evidence(programme, year):
    stale = f.PairFactory(programme=programme)  # started 60 days ago, no meetings
    fresh = f.PairFactory(programme=programme)
    f.MeetingFactory(pair=fresh, held_on=TODAY - timedelta(days=2))
    points = kinds(draft_points(programme, year), "stale")
    assert [p.evidence_url for p in points] == [f"/pairs/{stale.pk}/"]
    assert points[0].quadrant == "W"
    assert "60" in points[0].text


def measured(programme, parameter_code, pairs):
    parameter = mo.Parameter.objects.get(code=parameter_code)
    for entry, exit_ in pairs:
        pair = f.PairFactory(programme=programme)
        participant = f.ParticipantFactory(organisation=programme.organisation)
        for moment, value in (("entry", entry), ("exit", exit_)):
            f.MeasurementFactory(
                pair=pair,
                participant=participant,
                parameter=parameter,
                moment=moment,
                value=value,
            )
    return parameter


def test_improved_parameter_is_an_opportunity(programme, year):
    measured(programme, "engagement", [(3, 6), (4, 7), (5, 5)])
    [point] = kinds(draft_points(programme, year), "improved")
    assert point.quadrant == "O"
    assert "67%" in point.text


def test_worsened_parameter_is_a_threat(programme, year):
    measured(programme, "engagement", [(6, 3), (7, 4), (5, 6)])
    [point] = kinds(draft_points(programme, year), "worsened")
    assert point.quadrant == "T"


def test_mentees_wishing_to_become_mentors_are_an_opportunity(programme, year):
    campaign, question = campaign_with(
        programme,
        topic="become-mentor",
        kind="single",
        scale_max=None,
        options="Да\nНет\nПока не знаю",
    )
    answered(campaign, question, ["Да", "Да", "Нет", "Пока не знаю"])
    [point] = kinds(draft_points(programme, year), "become-mentor")
    assert point.quadrant == "O"
    assert "50%" in point.text and "(2 " in point.text


def test_refresh_keeps_the_curators_own_and_edited_points(programme, year, curator):
    campaign, question = campaign_with(programme, text="Комфорт общения")
    answered(campaign, question, [9, 9])
    swot = draft_swot(programme, year, curator)
    drafted = swot.points.get(kind="high-item")
    own = mo.SwotPoint.objects.create(swot=swot, quadrant="O", text="Своё")
    # an edit through the editor clears the kind
    edited = mo.SwotPoint.objects.create(
        swot=swot, quadrant="W", text="Правка куратора", kind=""
    )
    answered(campaign, question, [2, 2, 2])  # now the item is low
    draft_swot(programme, year, curator)
    assert not mo.SwotPoint.objects.filter(pk=drafted.pk).exists()
    assert set(swot.points.filter(kind="").values_list("pk", flat=True)) == {
        own.pk,
        edited.pk,
    }
    assert swot.points.filter(kind="low-item").count() == 1
    assert mo.Swot.objects.count() == 1


def test_share_arithmetic_is_rounded_in_texts(programme, year):
    campaign, question = campaign_with(programme, text="Польза встреч", scale_max=5)
    answered(campaign, question, [5, 4, 4])
    [point] = kinds(draft_points(programme, year), "high-item")
    assert "4,3" in point.text
    assert Decimal("4.33") / 5 >= Decimal("0.8")
