"""Login throttling per account: a (user name, address) pair is locked after
AXES_FAILURE_LIMIT failures, and one user name is locked from every address after
AXES_ACCOUNT_FAILURE_LIMIT failures from all addresses together (password
spraying from many addresses). Other users are not affected."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f
from tests.mentoring.test_security import PASSWORD, locked_text


def login(client, username, password, ip):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def address(number):
    return f"10.1.{number // 250}.{number % 250 + 1}"


@pytest.fixture
def person(db):
    return f.UserFactory(username="ivanova")


def test_the_limits_are_five_per_address_and_twenty_per_account():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_ACCOUNT_FAILURE_LIMIT == 20


def test_five_failures_from_one_address_lock_that_address(client, person):
    for _attempt in range(4):
        assert login(client, "ivanova", "wrong", "10.0.0.1").status_code == 200
    assert login(client, "ivanova", "wrong", "10.0.0.1").status_code == 429
    assert login(client, "ivanova", PASSWORD, "10.0.0.1").status_code == 429
    # five failures are far below the account's limit: another address logs in
    assert login(client, "ivanova", PASSWORD, "10.0.0.2").status_code == 302


def test_twenty_failures_from_twenty_addresses_lock_the_account(client, person):
    for number in range(19):
        assert login(client, "ivanova", "wrong", address(number)).status_code == 200
    # the twentieth failure locks: its answer is already the lockout page
    assert login(client, "ivanova", "wrong", address(19)).status_code == 429
    response = login(client, "ivanova", PASSWORD, address(20))
    assert response.status_code == 429
    assert locked_text(15) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nineteen_failures_from_nineteen_addresses_do_not(client, person):
    for number in range(19):
        login(client, "ivanova", "wrong", address(number))
    assert login(client, "ivanova", PASSWORD, address(19)).status_code == 302


def test_a_locked_account_does_not_lock_another_user(client, person):
    f.UserFactory(username="petrov")
    for number in range(20):
        login(client, "ivanova", "wrong", address(number))
    assert login(client, "ivanova", PASSWORD, address(20)).status_code == 429
    assert login(client, "petrov", PASSWORD, address(20)).status_code == 302


def test_the_account_limit_follows_the_setting(client, person, settings):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 8
    for number in range(8):
        login(client, "ivanova", "wrong", address(number))
    assert login(client, "ivanova", PASSWORD, address(8)).status_code == 429


def test_behind_the_proxy_each_client_is_its_own_address(client, person, settings):
    """Behind nginx every request comes from 127.0.0.1: with AXES_PROXY_COUNT=1
    the address is the client's, from X-Forwarded-For, so one
    person's five failures do not lock the user out for the whole school."""
    settings.PROXY_COUNT = 1

    def through_proxy(password, forwarded_for):
        return client.post(
            reverse("login"),
            {"username": "ivanova", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for _attempt in range(5):
        through_proxy("wrong", "203.0.113.7")
    assert through_proxy(PASSWORD, "203.0.113.7").status_code == 429
    # nginx appends the address it saw: what the client wrote first is not read
    assert through_proxy(PASSWORD, "198.51.100.20, 203.0.113.7").status_code == 429
    assert through_proxy(PASSWORD, "198.51.100.20").status_code == 302
