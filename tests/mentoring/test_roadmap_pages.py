"""Pages of the roadmap: access, creating it from a template, rows, statuses,
filters, the evidence file, the query budget and the home page block."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mentoring.models import ProgrammeStage, RoadmapItem, RoadmapTemplate
from tests import factories as f

TODAY = timezone.localdate()


@pytest.fixture
def template(db):
    call_command("loaddata", "roadmap_templates", verbosity=0)
    return RoadmapTemplate.objects.get(code="sosnovka-2023-2025")


def make_items(programme, count, **kwargs):
    stages = list(ProgrammeStage.objects.order_by("number"))
    return [
        RoadmapItem.objects.create(
            programme=programme,
            stage=stages[number % 7],
            number=f"{number % 7 + 1}.{number}",
            order=number,
            activity=f"Мероприятие {number}",
            **kwargs,
        )
        for number in range(count)
    ]


@pytest.fixture
def item(programme):
    return make_items(programme, 1, due_to=TODAY - timedelta(days=3))[0]


@pytest.mark.parametrize("persona", ["curator", "head"])
def test_detail_allowed(client, request, programme, item, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("roadmap:detail", args=[programme.pk]))
    assert response.status_code == 200
    assert [row.pk for g in response.context["groups"] for row in g["items"]] == [
        item.pk
    ]


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_detail_refused_to_participants(client, request, programme, item, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("roadmap:detail", args=[programme.pk])).status_code == 403
    assert client.get(reverse("roadmap:item-update", args=[item.pk])).status_code == 403
    response = client.post(
        reverse("roadmap:item-status", args=[item.pk]), {"status": "done"}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "planned"


def test_another_organisation_gets_404(client, outsider, programme, item):
    client.force_login(outsider)
    for url in [
        reverse("roadmap:detail", args=[programme.pk]),
        reverse("roadmap:item-create", args=[programme.pk]),
        reverse("roadmap:from-template", args=[programme.pk]),
        reverse("roadmap:item-update", args=[item.pk]),
        reverse("roadmap:evidence", args=[item.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("roadmap:item-status", args=[item.pk]), {"status": "done"}
    )
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, programme):
    response = client.get(reverse("roadmap:detail", args=[programme.pk]))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_index_redirects_to_the_programme(client, curator, programme):
    client.force_login(curator)
    response = client.get(reverse("roadmap:index") + "?status=overdue")
    assert response.url == reverse("roadmap:detail", args=[programme.pk]) + (
        "?status=overdue"
    )


def test_empty_roadmap_offers_templates(client, curator, programme, template):
    client.force_login(curator)
    response = client.get(reverse("roadmap:detail", args=[programme.pk]))
    assert response.status_code == 200
    assert template in response.context["templates"]
    assert reverse("roadmap:from-template", args=[programme.pk]).encode() in (
        response.content
    )


def test_create_from_template(client, curator, programme, template):
    client.force_login(curator)
    url = reverse("roadmap:from-template", args=[programme.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"template": template.pk})
    assert response.status_code == 302
    assert programme.roadmap_items.count() == 35
    # a second time without «replace» is refused and changes nothing
    first = set(programme.roadmap_items.values_list("pk", flat=True))
    response = client.post(url, {"template": template.pk})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert set(programme.roadmap_items.values_list("pk", flat=True)) == first
    response = client.post(url, {"template": template.pk, "replace": "on"})
    assert response.status_code == 302
    assert not programme.roadmap_items.filter(pk__in=first).exists()


def test_add_and_edit_a_row(client, curator, programme):
    client.force_login(curator)
    stage = ProgrammeStage.objects.get(number=2)
    response = client.post(
        reverse("roadmap:item-create", args=[programme.pk]),
        {
            "stage": stage.pk,
            "number": "2.1",
            "activity": "Анкетирование обучающихся",
            "due_from": "2025-11-01",
            "due_to": "2025-11-30",
            "responsible": [curator.pk],
            "responsible_text": "Заместитель директора (МР)",
        },
    )
    assert response.status_code == 302
    item = programme.roadmap_items.get()
    assert (item.stage, item.due_to) == (stage, date(2025, 11, 30))
    assert list(item.responsible.all()) == [curator]
    url = reverse("roadmap:item-update", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "stage": stage.pk,
            "activity": "Анкетирование",
            "due_from": "2025-12-01",
            "due_to": "2025-11-30",
        },
    )
    assert response.status_code == 200
    assert "due_to" in response.context["form"].errors
    item.refresh_from_db()
    assert item.activity == "Анкетирование обучающихся"


def test_status_done_and_back(client, curator, item):
    client.force_login(curator)
    url = reverse("roadmap:item-status", args=[item.pk])
    response = client.post(url, {"status": "done", "done_on": TODAY.isoformat()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", TODAY)
    client.post(url, {"status": "in_progress"})
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("in_progress", None)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    client.post(url, {"status": "done", "done_on": tomorrow})
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_status_needs_post(client, curator, item):
    client.force_login(curator)
    response = client.get(reverse("roadmap:item-status", args=[item.pk]))
    assert response.status_code == 405


def test_filters(client, curator, programme, item):
    done = make_items(programme, 2, status="done", done_on=TODAY)[1]
    client.force_login(curator)
    url = reverse("roadmap:detail", args=[programme.pk])

    def shown(query):
        response = client.get(url, query)
        return {row.pk for g in response.context["groups"] for row in g["items"]}

    assert shown({"status": "overdue"}) == {item.pk}
    assert shown({"status": "done"}) == {done.pk, done.pk - 1}
    assert shown({"stage": done.stage_id}) == {done.pk}
    item.responsible.add(curator)
    assert shown({"responsible": curator.pk}) == {item.pk}


def test_evidence_file_only_through_the_view(
    client, curator, mentor, item, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(curator)
    response = client.post(
        reverse("roadmap:item-update", args=[item.pk]),
        {
            "stage": item.stage_id,
            "activity": item.activity,
            "evidence_note": "Приказ № 12",
            "evidence_file": SimpleUploadedFile(
                "prikaz.pdf", b"%PDF-1.4 test", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    url = reverse("roadmap:evidence", args=[item.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    client.force_login(mentor)
    assert client.get(url).status_code == 403


def test_evidence_file_type_is_checked(client, curator, item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(curator)
    response = client.post(
        reverse("roadmap:item-update", args=[item.pk]),
        {
            "stage": item.stage_id,
            "activity": item.activity,
            "evidence_file": SimpleUploadedFile("run.exe", b"MZ"),
        },
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert not item.evidence_file


def test_detail_query_budget(client, curator, programme, django_assert_max_num_queries):
    def count():
        client.force_login(curator)
        with django_assert_max_num_queries(20) as queries:
            response = client.get(reverse("roadmap:detail", args=[programme.pk]))
        assert response.status_code == 200
        return len(queries)

    for item in make_items(programme, 3, due_to=TODAY - timedelta(days=1)):
        item.responsible.add(curator)
    small = count()
    for item in make_items(programme, 20, due_to=TODAY):
        item.responsible.add(curator)
    assert count() == small


def test_home_shows_overdue_rows(client, curator, programme, item):
    make_items(programme, 7, due_to=TODAY - timedelta(days=1))
    make_items(
        programme, 2, status="done", done_on=TODAY, due_to=TODAY - timedelta(days=9)
    )
    client.force_login(curator)
    response = client.get(reverse("home"))
    assert response.context["roadmap_overdue_count"] == 8
    shown = response.context["roadmap_overdue"]
    assert len(shown) == 5
    assert shown[0] == item  # due first
    assert reverse("roadmap:detail", args=[programme.pk]).encode() in response.content


def test_home_of_another_organisation_does_not_count_ours(client, outsider, item):
    f.ProgrammeFactory(organisation=outsider.memberships.get().organisation)
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.context["roadmap_overdue_count"] == 0
