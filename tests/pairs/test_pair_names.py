"""A pair is named with its mentees, so two pairs of one mentor differ; the
names stay out of the text kept in a mentor's status history."""

from datetime import timedelta

from django.urls import reverse

from pairs.models import Pair
from pairs.services import pair_comment
from tests import factories as f


def mentee(pair, last_name, first_name="Анна", middle_name="Петровна", **kwargs):
    return f.PairMenteeFactory(
        pair=pair,
        mentee__participant__last_name=last_name,
        mentee__participant__first_name=first_name,
        mentee__participant__middle_name=middle_name,
        **kwargs,
    )


def test_two_pairs_of_one_mentor_are_told_apart_by_their_mentees(pair):
    other = f.PairFactory(
        programme=pair.programme, mentor=pair.mentor, role_variant=pair.role_variant
    )
    pair.memberships.all().delete()
    mentee(pair, "Петрова")
    mentee(other, "Сидорова", "Мария", "Ивановна")
    mentor = pair.mentor.participant.short_name
    variant = pair.role_variant.name
    assert str(pair) == f"{mentor} — Петрова А.П. · {variant}"
    assert str(other) == f"{mentor} — Сидорова М.И. · {variant}"


def test_a_group_names_its_first_mentee_and_how_many_more(pair):
    pair.memberships.all().delete()
    for name in ("Яковлева", "Артемьева", "Борисова", "Васильева"):
        mentee(pair, name)
    # the one who left is not counted while others stay
    mentee(pair, "Алексеева", left_on=pair.start_on + timedelta(days=3))
    assert pair.mentees_label() == "Артемьева А.П. и ещё 3"


def test_two_mentees_are_both_named_and_a_pair_without_mentees_has_the_variant(
    pair,
):
    pair.memberships.all().delete()
    assert str(pair) == (
        f"{pair.mentor.participant.short_name} · {pair.role_variant.name}"
    )
    mentee(pair, "Борисова")
    mentee(pair, "Артемьева")
    assert pair.mentees_label() == "Артемьева А.П., Борисова А.П."


def test_a_title_wins(pair):
    pair.title = "Проект «Школьный музей»"
    assert str(pair) == "Проект «Школьный музей»"


def test_the_status_history_note_leaves_the_mentees_out(pair):
    name = pair.memberships.get().mentee.participant.last_name
    assert name in str(pair)
    assert name not in pair_comment(pair)
    assert pair.mentor.participant.short_name in pair_comment(pair)


def test_a_named_list_reads_the_mentees_in_one_query(
    programme, django_assert_num_queries
):
    for _ in range(5):
        f.PairMenteeFactory(pair=f.PairFactory(programme=programme))
    with django_assert_num_queries(2):
        names = [str(p) for p in Pair.objects.filter(programme=programme).named()]
    assert len(names) == 5 and all(" — " in name for name in names)


def test_the_pair_page_and_the_pickers_name_the_mentee(client, curator, pair):
    name = pair.memberships.get().mentee.participant.short_name
    client.force_login(curator)
    detail = client.get(reverse("pairs:detail", args=[pair.pk])).content.decode()
    assert f"— {name} ·" in detail
    grid = client.get(
        reverse("measurements:grid"), {"programme": pair.programme.pk}
    ).content.decode()
    assert f"— {name} ·" in grid  # the pair filter's option
