"""Every page but the login page asks for a login."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {"login", "favicon", "healthz"}


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            yield from named_urls(pattern, inner)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name
            and not pattern.pattern.converters
        ):
            yield f"{namespace}{pattern.name}"


@pytest.mark.parametrize("name", sorted(set(named_urls()) - PUBLIC))
def test_anonymous_is_sent_to_login(client, db, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


def test_login_page_is_russian(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="ru"' in body
    assert "Войти" in body


def test_admin_requires_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_wrong_password_gets_a_russian_message(client, curator):
    response = client.post(
        reverse("login"), {"username": "curator", "password": "nope"}
    )
    assert response.status_code == 200
    assert (
        "Пожалуйста, введите правильные имя пользователя и пароль"
        in response.content.decode()
    )


def test_login_then_home(client, curator):
    response = client.post(
        reverse("login"), {"username": "curator", "password": "pass12345"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")


def test_the_favicon_is_served_to_anyone(client):
    """Pages without their own icon link (the admin's) ask for /favicon.ico."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("img/favicon.svg")
