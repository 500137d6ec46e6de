"""Round trip (issue 14, point 7): every export of a table that has an import
imports back — into the same organisation with no errors and no changes, and
into an empty one with no errors. On the demo data, which has what a real school
has: pupils with representatives, teachers as mentees, people in two pairs (two
rows of one person in the federal layout), mentors inside and outside."""

import random
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from mentoring.models import Programme
from monitoring.demo import seed_measurements
from monitoring.models import Measurement
from pairs.management.commands.seed_demo import DemoBuilder
from people.models import MenteeProfile, MentorProfile, Role
from tests import factories as f
from tests.people.import_flow import step, upload

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)
NAME = ("participant__last_name", "participant__first_name", "participant__middle_name")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    DemoBuilder(DAY, lambda message: None).build()
    user = get_user_model().objects.get(username="curator1")
    organisation = user.memberships.get(role=Role.CURATOR).organisation
    return user, organisation


def export(client, identifier: str, **params) -> bytes:
    response = client.get(reverse("export", args=[identifier, "xlsx"]), params)
    assert response.status_code == 200
    return response.content


def check(client, content: bytes, kind: str, **changes):
    page = upload(client, content, "выгрузка.xlsx", kind=kind)
    assert page.status_code == 200, page.content.decode()[:2000]
    assert not page.context["file_errors"], page.context["file_errors"]
    checked = step(client, page, "check", kind=kind, **changes)
    preview = checked.context["preview"]
    assert not preview.mapping_errors, preview.mapping_errors
    return checked, preview


def problems(preview):
    return [
        (row.number, row.status, row.errors, row.row_errors, row.changes, row.notes)
        for row in preview.rows
        if row.status not in ("same", "merged")
    ]


@pytest.mark.parametrize(
    ("identifier", "kind", "model"),
    [
        ("mentee-base", "mentees", MenteeProfile),
        ("mentor-base", "mentors", MentorProfile),
    ],
)
def test_a_base_export_imports_back_unchanged(client, demo, identifier, kind, model):
    user, organisation = demo
    client.force_login(user)
    content = export(client, identifier)
    before = model.objects.filter(participant__organisation=organisation).count()

    _checked, preview = check(client, content, kind)

    assert problems(preview) == []
    assert preview.is_clean
    assert preview.count("same") == before  # one row per person, the rest merged


@pytest.mark.parametrize(
    ("identifier", "kind", "model"),
    [
        ("mentee-base", "mentees", MenteeProfile),
        ("mentor-base", "mentors", MentorProfile),
    ],
)
def test_a_base_export_imports_into_an_empty_organisation(
    client, demo, identifier, kind, model
):
    user, organisation = demo
    client.force_login(user)
    content = export(client, identifier)
    people = model.objects.filter(participant__organisation=organisation)
    names = sorted(people.values_list(*NAME))

    empty = f.OrganisationFactory(
        municipality=organisation.municipality, kind=organisation.kind
    )
    other = f.UserFactory(username="new-curator")
    f.MembershipFactory(user=other, organisation=empty, role=Role.CURATOR)
    client.force_login(other)
    checked, preview = check(client, content, kind)
    missing = preview.extras.get("missing_groups", [])
    if missing:  # the classes of the school: created with the button
        checked = step(
            client,
            checked,
            "groups",
            kind=kind,
            extra={
                f"group-{part}-{index}": value
                for index, (name, grade) in enumerate(missing)
                for part, value in (("name", name), ("grade", str(grade or 1)))
            },
        )
        preview = checked.context["preview"]
    assert preview.is_clean, problems(preview)
    assert preview.new == len(names)

    done = step(client, checked, "apply", kind=kind)
    assert done.status_code == 302
    imported = model.objects.filter(participant__organisation=empty)
    assert sorted(imported.values_list(*NAME)) == names

    # And the new organisation's own export imports back unchanged.
    again = export(client, identifier)
    _checked, preview = check(client, again, kind)
    assert problems(preview) == []


def test_the_values_export_imports_back(client, demo):
    _user, organisation = demo
    programme = Programme.objects.for_organisation(organisation).order_by("pk")[0]
    seed_measurements(programme, random.Random(14), DAY)
    user = (
        get_user_model()
        .objects.filter(
            memberships__organisation=programme.organisation,
            memberships__role=Role.CURATOR,
        )
        .first()
    )
    client.force_login(user)
    values = Measurement.objects.filter(pair__programme=programme)
    stored = sorted(
        values.values_list(
            "participant_id", "pair_id", "parameter_id", "moment", "value"
        )
    )
    assert stored
    content = export(client, "measurements", programme=programme.pk)
    url = reverse("measurements:import") + f"?programme={programme.pk}"

    page = upload(client, content, "значения.xlsx", url=url)
    preview = step(client, page, "check", url=url).context["preview"]
    assert preview.is_clean and problems(preview) == [], problems(preview)[:5]

    values.delete()
    page = upload(client, content, "значения.xlsx", url=url)
    checked = step(client, page, "check", url=url)
    preview = checked.context["preview"]
    assert preview.is_clean and preview.new == len(stored), problems(preview)[:5]
    done = step(client, checked, "apply", url=url)
    assert done.status_code == 302
    again = Measurement.objects.filter(pair__programme=programme)
    assert (
        sorted(
            again.values_list(
                "participant_id", "pair_id", "parameter_id", "moment", "value"
            )
        )
        == stored
    )
