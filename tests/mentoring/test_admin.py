"""Every admin changelist, add form and change form opens for a superuser."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def data(pair, mentor, municipal_coordinator):
    f.MeetingFactory(pair=pair)
    return pair


def can_add(model, user):
    request = RequestFactory().get("/")
    request.user = user
    return admin.site._registry[model].has_add_permission(request)


MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_pages_open(client, superuser, data, model):
    app, name = model._meta.app_label, model._meta.model_name
    client.force_login(superuser)
    changelist = client.get(reverse(f"admin:{app}_{name}_changelist"))
    assert changelist.status_code == 200
    searched = client.get(reverse(f"admin:{app}_{name}_changelist"), {"q": "иванова"})
    assert searched.status_code == 200
    add = client.get(reverse(f"admin:{app}_{name}_add"))
    # read-only admins (axes' access attempts, logs) refuse the add form
    assert add.status_code == (200 if can_add(model, superuser) else 403)
    obj = model._default_manager.first()
    if obj is not None:
        response = client.get(reverse(f"admin:{app}_{name}_change", args=[obj.pk]))
        assert response.status_code == 200


def test_admin_is_russian(client, superuser):
    client.force_login(superuser)
    body = client.get(reverse("admin:index")).content.decode()
    assert "База наставников" in body
    assert "База наставляемых" in body
    assert "Пары и группы" in body


def test_admin_search_finds_cyrillic_in_any_case(client, superuser, pair):
    participant = pair.mentor.participant
    participant.last_name = "Ёжикова"
    participant.save()
    client.force_login(superuser)
    response = client.get(
        reverse("admin:people_mentorprofile_changelist"), {"q": "ежикова"}
    )
    assert list(response.context["cl"].result_list) == [pair.mentor]
    response = client.get(reverse("admin:pairs_pair_changelist"), {"q": "ЕЖИКОВА"})
    assert list(response.context["cl"].result_list) == [pair]
