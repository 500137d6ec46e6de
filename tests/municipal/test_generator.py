"""The generator of district and region data (issue 17): `generate_district`."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.test import Client
from django.urls import reverse

from mentoring.models import Municipality, Organisation
from monitoring.models import Answer, Measurement
from municipal.generator import (
    DISTRICT,
    DISTRICT_NAME,
    PASSWORD,
    largest_organisation,
    sizes_for,
)
from pairs.matching import candidate_mentors
from pairs.models import Meeting, Pair, PairMentee
from people.models import (
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    Participant,
    User,
)

pytestmark = pytest.mark.django_db
SCALE = 0.005


def generate(*args):
    call_command("generate_district", "--scale", str(SCALE), "--quiet", *args)
    return Municipality.objects.get(name=DISTRICT_NAME)


@pytest.fixture
def district():
    return generate()


def in_district(model, path):
    return model.objects.filter(**{f"{path}__municipality__name": DISTRICT_NAME})


def test_sizes_scale_the_district_and_a_region_is_ten_times_it():
    assert sizes_for() == DISTRICT
    region = sizes_for(region=True)
    assert (region.organisations, region.pupils, region.pairs) == (300, 150_000, 80_000)
    assert region.largest_pairs == DISTRICT.largest_pairs  # a school, not ×10
    tiny = sizes_for(scale=SCALE)
    assert (tiny.pupils, tiny.teachers, tiny.pairs, tiny.meetings) == (75, 8, 40, 500)
    assert tiny.organisations == 3  # the largest school, another school, a college


def test_counts_are_the_sizes_asked_for(district):
    sizes = sizes_for(scale=SCALE)
    people = in_district(Participant, "organisation")
    assert people.filter(kind__in=["pupil", "student"]).count() == sizes.pupils
    assert people.filter(kind="teacher").count() == sizes.teachers
    assert Organisation.objects.filter(municipality=district).count() == 3
    assert in_district(Pair, "programme__organisation").count() == sizes.pairs
    pair_meetings = in_district(Meeting, "programme__organisation").filter(
        pair__isnull=False
    )
    assert pair_meetings.count() == sizes.meetings
    # The rest of what a page reads is there too.
    assert in_district(MenteeRequest, "mentee__participant__organisation").exists()
    assert in_district(Measurement, "pair__programme__organisation").exists()
    assert in_district(Answer, "response__campaign__programme__organisation").exists()
    assert all(
        org.programmes.get().roadmap_items.exists()
        for org in Organisation.objects.filter(municipality=district)
    )


def test_the_largest_school_has_the_most_pairs_and_mentors(district):
    largest = largest_organisation(district)
    pairs = dict(
        Organisation.objects.filter(municipality=district)
        .annotate(n=Count("programmes__pairs"))
        .values_list("pk", "n")
    )
    assert pairs[largest.pk] == max(pairs.values())
    assert pairs[largest.pk] > max(n for pk, n in pairs.items() if pk != largest.pk)
    mentors = candidate_mentors(largest).count()
    sizes = sizes_for(scale=SCALE)
    assert mentors >= 0.9 * sizes.largest_mentors
    for other in Organisation.objects.filter(municipality=district).exclude(
        pk=largest.pk
    ):
        assert candidate_mentors(other).count() < mentors


def test_pairs_keep_within_their_organisation_and_the_state_is_consistent(district):
    pairs = in_district(Pair, "programme__organisation")
    assert not pairs.exclude(
        mentor__participant__organisation=F("programme__organisation")
    ).exists()
    links = in_district(PairMentee, "pair__programme__organisation")
    assert not links.exclude(
        mentee__participant__organisation=F("pair__programme__organisation")
    ).exists()
    assert not pairs.annotate(n=Count("memberships")).filter(n=0).exists()
    # Open pairs: the mentor is «in a pair» with room for the mentees, the
    # mentees are «in a pair».
    open_pairs = pairs.open()
    assert not open_pairs.exclude(mentor__status="in_pair").exists()
    assert (
        not links.filter(pair__in=open_pairs).exclude(mentee__status="in_pair").exists()
    )
    overloaded = (
        MentorProfile.objects.with_load()
        .filter(participant__organisation__municipality=district)
        .filter(load__gt=F("capacity"))
    )
    assert not overloaded.exists()
    # The search column that save() fills is filled: a name finds its person.
    people = in_district(Participant, "organisation")
    participant = people.order_by("pk").last()
    assert participant in people.search(participant.last_name.upper())


def names(municipality):
    return list(
        Participant.objects.filter(organisation__municipality=municipality)
        .order_by("organisation__short_name", "pk")
        .values_list("last_name", "first_name", "middle_name", "birth_date")
    )


def test_the_same_seed_gives_the_same_data_and_a_second_run_needs_reset(district):
    first = names(district)
    pairs = list(
        in_district(Pair, "programme__organisation")
        .order_by("pk")
        .values_list("start_on", "status", "mentor__participant__last_name")
    )
    with pytest.raises(CommandError, match="--reset"):
        generate()
    again = generate("--reset")
    assert names(again) == first
    assert (
        list(
            in_district(Pair, "programme__organisation")
            .order_by("pk")
            .values_list("start_on", "status", "mentor__participant__last_name")
        )
        == pairs
    )
    assert Municipality.objects.filter(name=DISTRICT_NAME).count() == 1
    call_command(
        "generate_district", "--scale", str(SCALE), "--quiet", "--reset", "--seed", "18"
    )
    assert names(Municipality.objects.get(name=DISTRICT_NAME)) != first


def test_a_generated_curator_works_in_their_school(district):
    largest = largest_organisation(district)
    curator = User.objects.get(
        memberships__organisation=largest, memberships__role="curator"
    )
    assert curator.check_password(PASSWORD)
    other = User.objects.get(
        memberships__organisation__municipality=district,
        memberships__role="curator",
        memberships__organisation__short_name="МБОУ «СОШ № 2»",
    )
    for user in (curator, other):
        client = Client()
        client.force_login(user)
        for name in ("home", "pairs:list", "people:mentee-list"):
            assert client.get(reverse(name)).status_code == 200, (user, name)
    page = Client()
    page.force_login(curator)
    html = page.get(reverse("people:mentee-list")).content.decode()
    waiting = MenteeProfile.objects.filter(participant__organisation=largest)
    assert any(
        m.participant.last_name in html
        for m in waiting.select_related("participant")[:20]
    )
