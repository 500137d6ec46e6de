"""Shared fixtures: catalogues loaded once, and the personas of STYLE.md."""

import os
import time

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from pytest_django.plugin import blocking_manager_key  # noqa: E402

from mentoring.models import MentoringForm  # noqa: E402
from people.models import Role  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.e2e.journeys import JOURNEYS  # noqa: E402

STARTED = pytest.StashKey[float]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogues", verbosity=0)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (tests/test_celery_worker.py: a worker process must
    see committed rows; the browser tests, whose live server must too) ends with a
    flush of every table, the catalogues loaded once per session included: load
    them again for the tests after it — under pytest-xdist other files' tests
    follow the browser tests in the same process."""
    result = yield
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    transactional = (
        marker is not None and marker.kwargs.get("transaction")
    ) or names & {"transactional_db", "live_server"}
    # After the last test the test database is gone already. Whether the test
    # got as far as its flush is not told reliably by its fixtures (a module's
    # `pytestmark` leaves `_django_db_helper` out of `funcargs` under xdist): ask
    # the database.
    if transactional and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            if not MentoringForm.objects.exists():
                call_command("loaddata", "catalogues", verbosity=0)
    return result


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data (`seed_demo`), seeded once for the tests of a module inside
    one transaction: each test (with `db`) runs in a savepoint of it, so that what
    a test changes is undone before the next one, and the whole is rolled back when
    the module ends. Not for transactional tests (their flush would end it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def organisation(db):
    return f.OrganisationFactory(short_name="МБОУ «СОШ № 1»")


@pytest.fixture
def other_organisation(db):
    return f.OrganisationFactory(short_name="МБОУ «СОШ № 2»")


@pytest.fixture
def programme(organisation):
    return f.ProgrammeFactory(organisation=organisation)


def member(organisation, role, username, **kwargs):
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, organisation=organisation, role=role, **kwargs)
    return user


@pytest.fixture
def head(organisation):
    return member(organisation, Role.HEAD, "head")


@pytest.fixture
def curator(organisation, programme):
    user = member(organisation, Role.CURATOR, "curator")
    programme.curators.add(user)
    return user


@pytest.fixture
def social_pedagogue(organisation):
    return member(organisation, Role.SOCIAL_PEDAGOGUE, "socped")


@pytest.fixture
def municipal_coordinator(organisation):
    user = f.UserFactory(username="coordinator")
    f.MembershipFactory(
        user=user,
        organisation=None,
        municipality=organisation.municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    return user


@pytest.fixture
def pair(programme):
    pair = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=pair)
    return pair


@pytest.fixture
def mentor(pair):
    user = f.UserFactory(username="mentor")
    participant = pair.mentor.participant
    participant.user = user
    participant.save()
    f.MembershipFactory(
        user=user, organisation=pair.programme.organisation, role=Role.MENTOR
    )
    return user


@pytest.fixture
def mentee(pair):
    user = f.UserFactory(username="mentee")
    participant = pair.memberships.get().mentee.participant
    participant.user = user
    participant.save()
    f.MembershipFactory(
        user=user, organisation=pair.programme.organisation, role=Role.MENTEE
    )
    return user


@pytest.fixture
def outsider(other_organisation):
    return member(other_organisation, Role.CURATOR, "outsider")


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Every test outside the browser tests may use the database, and runs before
    them: the browser tests flush the database (catalogues included) when they end.
    Personas asked for by name (request.getfixturevalue) hide the need for the
    database from pytest-django, whose own ordering would then put such tests after
    the browser tests — so the order is set here, last, and stably."""
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            continue
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
    items.sort(key=lambda item: "tests/e2e/" in str(item.fspath))


def pytest_sessionstart(session):
    session.config.stash[STARTED] = time.time()


def pytest_terminal_summary(terminalreporter, config):
    """Where the journeys' screenshots of this run are (issue 19)."""
    started = config.stash.get(STARTED, None)
    shots = [
        path
        for path in JOURNEYS.glob("*/*.png")
        if started is not None and path.stat().st_mtime >= started
    ]
    if shots:
        folders = sorted({path.parent.name for path in shots})
        terminalreporter.write_sep("-", "journeys in the browser")
        terminalreporter.write_line(
            f"Screenshots of {len(shots)} pages in {len(folders)} journeys, in the "
            f"order of the school year: {JOURNEYS}/"
        )
        for folder in folders:
            terminalreporter.write_line(f"  {folder}/")
