"""The figures of stage 1 on known answers: response rates, item statistics and the
gap between expectations (entry) and results (exit)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from monitoring import stats
from monitoring.models import Answer, AskedWhen, Audience, Question, Response
from tests import factories as f

DAY = date(2026, 3, 2)


def respond(campaign, *answers, on=DAY):
    """One filled questionnaire: `answers` are (question, field → value) pairs."""
    response = Response.objects.create(
        campaign=campaign, role=Audience.MENTEE, submitted_on=on, via="workspace"
    )
    for question, fields in answers:
        Answer.objects.create(response=response, question=question, **fields)
    return response


@pytest.mark.parametrize(
    "invited, answered, percent",
    [(0, 0, None), (3, 0, 0), (3, 1, 33), (3, 2, 67), (8, 1, 13), (20, 12, 60)],
)
def test_rate_percent_rounds_half_up(invited, answered, percent):
    assert stats.Rate(invited, answered).percent == percent


def test_response_rates_per_campaign(programme):
    asked = f.CampaignFactory(programme=programme)
    for answered_on in (DAY, DAY, None, None, None):
        f.InvitationFactory(campaign=asked, answered_on=answered_on)
    nobody = f.CampaignFactory(programme=programme)
    other = f.CampaignFactory(programme=programme)
    f.InvitationFactory(campaign=other, answered_on=DAY)

    rates = stats.response_rates([asked, nobody])

    assert rates == {asked.pk: stats.Rate(5, 2), nobody.pk: stats.Rate(0, 0)}
    assert rates[asked.pk].percent == 40
    assert rates[nobody.pk].percent is None


def test_response_rates_in_one_query(programme, django_assert_num_queries):
    campaigns = [f.CampaignFactory(programme=programme) for _ in range(3)]
    for campaign in campaigns:
        f.InvitationFactory(campaign=campaign)
    with django_assert_num_queries(1):
        stats.response_rates(campaigns)


def test_question_stats(programme):
    campaign = f.CampaignFactory(programme=programme)
    questionnaire = campaign.questionnaire
    scale = f.QuestionFactory(questionnaire=questionnaire, order=1, scale_max=5)
    single = f.QuestionFactory(
        questionnaire=questionnaire,
        order=2,
        kind=Question.Kind.SINGLE,
        scale_max=None,
        options="Да\nНет\nНе знаю",
    )
    multiple = f.QuestionFactory(
        questionnaire=questionnaire,
        order=3,
        kind=Question.Kind.MULTIPLE,
        scale_max=None,
        options="Встречи\nПроекты\nКонсультации",
    )
    text = f.QuestionFactory(
        questionnaire=questionnaire, order=4, kind=Question.Kind.TEXT, scale_max=None
    )
    unanswered = f.QuestionFactory(questionnaire=questionnaire, order=5, scale_max=10)
    respond(
        campaign,
        (scale, {"number": 5}),
        (single, {"choices": ["Да"]}),
        (multiple, {"choices": ["Встречи", "Проекты"]}),
        (text, {"text": "  Больше встреч  "}),
    )
    respond(
        campaign,
        (scale, {"number": 4}),
        (single, {"choices": ["Да"]}),
        (multiple, {"choices": ["Проекты"]}),
        (text, {"text": "Всё понравилось"}),
    )
    respond(
        campaign,
        (scale, {"number": 4}),
        (single, {"choices": ["Нет"]}),
        (multiple, {"choices": []}),  # skipped: not counted as an answer
        (text, {"text": "   "}),
    )
    # An answer in another campaign of the same questionnaire is not counted.
    other = f.CampaignFactory(programme=programme, questionnaire=questionnaire)
    respond(other, (scale, {"number": 1}))

    result = stats.question_stats(campaign)

    assert [stat.question for stat in result] == [
        scale,
        single,
        multiple,
        text,
        unanswered,
    ]
    by_question = {stat.question: stat for stat in result}
    assert by_question[scale].answers == 3
    assert by_question[scale].mean == Decimal("4.33")
    assert by_question[scale].counts == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    assert by_question[scale].share_of_max == Decimal("4.33") / 5
    assert by_question[single].answers == 3
    assert by_question[single].counts == {"Да": 2, "Нет": 1, "Не знаю": 0}
    assert by_question[single].mean is None
    assert by_question[multiple].answers == 2
    assert by_question[multiple].counts == {
        "Встречи": 1,
        "Проекты": 2,
        "Консультации": 0,
    }
    # Texts are trimmed, blank ones dropped, sorted (not in the order of answers).
    assert by_question[text].answers == 2
    assert by_question[text].texts == ["Больше встреч", "Всё понравилось"]
    assert by_question[unanswered].answers == 0
    assert by_question[unanswered].mean is None
    assert by_question[unanswered].share_of_max is None
    assert list(by_question[unanswered].counts) == [str(v) for v in range(1, 11)]


def test_gap_on_a_ten_point_scale():
    def gap(expected, result, scale_max):
        return stats.Gap(
            topic="comfort",
            role=Audience.MENTEE,
            question_text="",
            expected=Decimal(expected),
            result=Decimal(result),
            scale_max=scale_max,
            entry_campaign=None,
            exit_campaign=None,
        ).gap

    assert gap("8", "6.5", 10) == Decimal("-1.50")
    # A 1–5 item is doubled: 4.5 expected, 3.25 got → −1.25 × 2.
    assert gap("4.5", "3.25", 5) == Decimal("-2.50")
    assert gap("3", "4", 5) == Decimal("2.00")
    assert gap("7", "7", 10) == Decimal("0.00")


def entry_and_exit(programme, *, entry_max=5, exit_max=5, audience=Audience.MENTEE):
    """An entry and an exit questionnaire of the audience, each with a «comfort» and
    a «support» scale item, and a campaign of each."""
    campaigns = {}
    for moment, scale_max, opens_on in (
        (AskedWhen.ENTRY, entry_max, DAY - timedelta(days=150)),
        (AskedWhen.EXIT, exit_max, DAY - timedelta(days=7)),
    ):
        questionnaire = f.QuestionnaireFactory(
            organisation=programme.organisation, audience=audience, moment=moment
        )
        questions = {
            topic: f.QuestionFactory(
                questionnaire=questionnaire,
                topic=topic,
                scale_max=scale_max,
                text=f"{topic}?",
            )
            for topic in ("comfort", "support")
        }
        campaign = f.CampaignFactory(
            programme=programme,
            questionnaire=questionnaire,
            opens_on=opens_on,
            closes_on=opens_on + timedelta(days=5),
        )
        campaigns[moment] = (campaign, questions)
    return campaigns


def test_expectation_gaps(programme):
    campaigns = entry_and_exit(programme)
    entry, entry_q = campaigns[AskedWhen.ENTRY]
    exit_, exit_q = campaigns[AskedWhen.EXIT]
    # Expected comfort 4.5 and support 4; got comfort 4 and support 4.5.
    respond(
        entry, (entry_q["comfort"], {"number": 5}), (entry_q["support"], {"number": 4})
    )
    respond(
        entry, (entry_q["comfort"], {"number": 4}), (entry_q["support"], {"number": 4})
    )
    respond(
        exit_, (exit_q["comfort"], {"number": 4}), (exit_q["support"], {"number": 5})
    )
    respond(
        exit_, (exit_q["comfort"], {"number": 4}), (exit_q["support"], {"number": 4})
    )
    # A topic asked at exit only has no gap.
    only_exit = f.QuestionFactory(
        questionnaire=exit_.questionnaire, topic="clarity", scale_max=5
    )
    respond(exit_, (only_exit, {"number": 3}))

    gaps = stats.expectation_gaps(programme)

    assert [(g.topic, g.expected, g.result, g.gap) for g in gaps] == [
        ("comfort", Decimal("4.50"), Decimal("4.00"), Decimal("-1.00")),  # first
        ("support", Decimal("4.00"), Decimal("4.50"), Decimal("1.00")),
    ]
    assert gaps[0].role == Audience.MENTEE
    assert gaps[0].scale_max == 5
    assert gaps[0].question_text == "comfort?"
    assert (gaps[0].entry_campaign, gaps[0].exit_campaign) == (entry, exit_)


def test_expectation_gaps_compare_the_latest_campaigns(programme):
    campaigns = entry_and_exit(programme, entry_max=10, exit_max=10)
    entry, entry_q = campaigns[AskedWhen.ENTRY]
    exit_, exit_q = campaigns[AskedWhen.EXIT]
    respond(entry, (entry_q["comfort"], {"number": 9}))
    respond(exit_, (exit_q["comfort"], {"number": 3}))
    later_exit = f.CampaignFactory(
        programme=programme,
        questionnaire=exit_.questionnaire,
        opens_on=DAY,
        closes_on=DAY + timedelta(days=5),
    )
    respond(later_exit, (exit_q["comfort"], {"number": 8}))

    [gap] = stats.expectation_gaps(programme)

    assert gap.exit_campaign == later_exit
    assert (gap.expected, gap.result, gap.gap) == (
        Decimal("9.00"),
        Decimal("8.00"),
        Decimal("-1.00"),
    )


def test_expectation_gaps_need_the_same_audience(programme):
    campaigns = entry_and_exit(programme)
    entry, entry_q = campaigns[AskedWhen.ENTRY]
    respond(entry, (entry_q["comfort"], {"number": 5}))
    mentors_exit = f.QuestionnaireFactory(
        organisation=programme.organisation,
        audience=Audience.MENTOR,
        moment=AskedWhen.EXIT,
    )
    question = f.QuestionFactory(
        questionnaire=mentors_exit, topic="comfort", scale_max=5
    )
    campaign = f.CampaignFactory(programme=programme, questionnaire=mentors_exit)
    respond(campaign, (question, {"number": 2}))

    assert stats.expectation_gaps(programme) == []


def test_expectation_gap_of_items_on_different_scales(programme):
    """Asked 1–5 at entry and 1–10 at exit: the expectation is put on the exit's
    scale first (4 of 5 is 8 of 10), so meeting it is no gap."""
    campaigns = entry_and_exit(programme, entry_max=5, exit_max=10)
    entry, entry_q = campaigns[AskedWhen.ENTRY]
    exit_, exit_q = campaigns[AskedWhen.EXIT]
    respond(entry, (entry_q["comfort"], {"number": 4}))
    respond(exit_, (exit_q["comfort"], {"number": 8}))

    [gap] = stats.expectation_gaps(programme)

    assert (gap.expected, gap.result, gap.scale_max) == (
        Decimal("8.00"),
        Decimal("8.00"),
        10,
    )
    assert gap.gap == Decimal("0.00")


def test_expectation_gaps_within_a_school_year(programme):
    campaigns = entry_and_exit(programme)
    entry, entry_q = campaigns[AskedWhen.ENTRY]
    exit_, exit_q = campaigns[AskedWhen.EXIT]
    respond(entry, (entry_q["comfort"], {"number": 5}))
    respond(exit_, (exit_q["comfort"], {"number": 3}))

    assert len(stats.expectation_gaps(programme, school_year=exit_.school_year)) == 1
    later = DAY + timedelta(days=400)
    other_year = f.CampaignFactory(
        programme=programme, opens_on=later, closes_on=later
    ).school_year
    assert stats.expectation_gaps(programme, school_year=other_year) == []
