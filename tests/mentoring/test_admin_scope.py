"""The admin is for superusers only (mentoring/admin.py): it is not scoped to an
organisation, so the staff flag given to a head or curator opens nothing there."""

import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def staff_head(head):
    head.is_staff = True
    head.save(update_fields=["is_staff"])
    return head


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_a_staff_head_gets_nothing_from_the_admin(client, staff_head, pair):
    client.force_login(staff_head)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302
    assert index["Location"].startswith(reverse("admin:login"))
    for model in MODELS:
        response = client.get(changelist(model))
        assert response.status_code == 302, model._meta.label
        assert "/login/" in response["Location"], model._meta.label
    # Even a direct change page of the organisation's own pair.
    response = client.get(reverse("admin:pairs_pair_change", args=[pair.pk]))
    assert response.status_code == 302


def test_the_admin_login_refuses_a_staff_head(client, staff_head):
    client.force_login(staff_head)
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert "form" in response.context  # asked to log in as another account


def test_a_superuser_still_uses_it(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:pairs_pair_changelist")).status_code == 200
