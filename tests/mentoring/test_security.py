"""Authentication and browser hardening: login throttling (django-axes), the
Content-Security-Policy (django-csp) and templates that obey it, production
settings (`check --deploy`), and uploads refused by type and size."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import ngettext

from tests import factories as f
from tests.mentoring.test_roadmap_pages import make_items
from tests.pairs.test_plan_pages import make_plan

BASE_DIR = Path(django_settings.BASE_DIR)
LOCKED = "Слишком много неудачных попыток входа"


def locked_text(minutes):
    """The lockout message as the page renders it."""
    return ngettext(
        "Too many failed login attempts. Try again in %(minutes)s minute or "
        "contact the administrator.",
        "Too many failed login attempts. Try again in %(minutes)s minutes or "
        "contact the administrator.",
        minutes,
    ) % {"minutes": minutes}


def test_lockout_message_is_translated_in_the_catalogue():
    from django.utils import translation

    with translation.override("ru"):
        assert "Попробуйте через 15 минут" in locked_text(15)


PASSWORD = "pass12345"


# --- login throttling --------------------------------------------------------


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def person(db):
    return f.UserFactory(username="ivanova")


def test_sixth_attempt_is_locked_out_even_with_the_right_password(client, person):
    for _attempt in range(4):
        response = login(client, "ivanova", "wrong-password")
        assert response.status_code == 200  # the form again, with the error
    # the fifth failure locks: its answer is already the lockout page
    assert login(client, "ivanova", "wrong-password").status_code == 429
    response = login(client, "ivanova", PASSWORD)
    assert response.status_code == 429
    content = response.content.decode()
    assert locked_text(15) in content
    assert "_auth_user_id" not in client.session


def test_a_success_after_four_failures_resets_the_count(client, person):
    for _attempt in range(4):
        login(client, "ivanova", "wrong-password")
    assert login(client, "ivanova", PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username="ivanova").exists()
    for _attempt in range(4):
        login(client, "ivanova", "wrong-password")
    assert login(client, "ivanova", PASSWORD).status_code == 302


def test_other_users_and_other_addresses_are_not_affected(client, person):
    f.UserFactory(username="petrov")
    for _attempt in range(6):
        login(client, "ivanova", "wrong-password")
    assert locked_text(15) in login(client, "ivanova", PASSWORD).content.decode()
    assert login(client, "petrov", PASSWORD).status_code == 302
    client.logout()
    # the same name from another address: username and address are locked together
    assert login(client, "ivanova", PASSWORD, ip="10.0.0.2").status_code == 302


# --- Content-Security-Policy -------------------------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\shx-on", re.I), "htmx inline handler"),
]
# Rendered only by WeasyPrint into PDF (exporters' template_name), never served as
# a page: their <style>/style="" do not meet a browser's CSP. base_print.html holds
# the <style> block that the documents served as pages (print_swot, print_links)
# empty.
PDF_ONLY = {
    "base_print.html",
    "mentoring/print_roadmap.html",
    "pairs/print_certificate.html",
    "pairs/print_journal.html",
    "pairs/print_letter.html",
    "pairs/print_order.html",
    "pairs/print_pairs.html",
    "pairs/print_plan.html",
    "pairs/print_programme.html",
    "monitoring/print_report.html",
}


def inline_code(text):
    return [label for pattern, label in INLINE if pattern.search(text)]


def template_files():
    roots = [BASE_DIR / "templates"] + [
        path for path in BASE_DIR.glob("*/templates") if ".venv" not in str(path)
    ]
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            yield path.relative_to(root).as_posix(), path


def test_templates_carry_no_inline_scripts_handlers_or_styles():
    found = {
        name: inline_code(path.read_text(encoding="utf-8"))
        for name, path in template_files()
        if name not in PDF_ONLY
    }
    assert {name: what for name, what in found.items() if what} == {}


def test_the_scan_finds_what_it_looks_for():
    assert inline_code('<button onclick="go()">') == ["inline event handler"]
    assert inline_code('<div style="color: red">') == ["style attribute"]
    assert inline_code("<script>alert(1)</script>") == ["inline <script>"]
    assert inline_code('<script src="/static/js/site.js" defer></script>') == []
    assert inline_code('<a data-confirm="x" class="btn">') == []


def test_pdf_only_templates_are_not_served_as_pages():
    """Every allow-listed print template belongs to an exporter (PDF)."""
    from mentoring.lib.export import REGISTRY

    exported = {cls.template_name for cls in REGISTRY.values() if cls.template_name}
    assert PDF_ONLY - {"base_print.html"} <= exported


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:]
        for part in (item.strip() for item in header.split(";"))
        if part
    }


def assert_secure_page(response):
    assert response.status_code == 200, (response, response.request["PATH_INFO"])
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert inline_code(response.content.decode()) == []


def test_login_page_carries_the_policy(client):
    assert_secure_page(client.get(reverse("login")))


CURATOR_PAGES = [
    "home",
    "people:mentee-list",
    "people:mentor-list",
    "matching:request-map",
    "pairs:list",
    "roadmap:index",
    "journal:list",
    "plans:list",
    "journal:feedback-summary",
    "reminders:mine",
    "documents:list",
    "rewards:list",
    "monitoring:index",
    "questionnaires:campaign-list",
    "questionnaires:list",
    "measurements:grid",
    "measurements:dynamics",
    "indicators:list",
]


def test_curator_pages_carry_the_policy(client, curator, pair):
    client.force_login(curator)
    for name in CURATOR_PAGES:
        response = client.get(reverse(name), follow=True)
        assert_secure_page(response)
    mentee = pair.memberships.get().mentee
    for url in (
        reverse("pairs:detail", args=[pair.pk]),
        reverse("people:mentee-detail", args=[mentee.pk]),
        reverse("people:mentor-detail", args=[pair.mentor.pk]),
        reverse("history:detail", args=["pairs.pair", pair.pk]),
    ):
        assert_secure_page(client.get(url))


@pytest.mark.parametrize("persona", ["mentor", "mentee", "head", "social_pedagogue"])
def test_other_personas_home_carries_the_policy(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert_secure_page(client.get(reverse("home")))


def test_mentor_pages_carry_the_policy(client, mentor, pair):
    client.force_login(mentor)
    for url in (
        reverse("journal:mine"),
        reverse("questionnaires:mine"),
        reverse("reminders:mine"),
    ):
        assert_secure_page(client.get(url))


def test_printable_pages_served_as_html_obey_the_policy(client, curator, programme):
    client.force_login(curator)
    assert_secure_page(
        client.get(reverse("monitoring:swot-print", args=[programme.pk]))
    )
    campaign = f.CampaignFactory(programme=programme)
    response = client.get(reverse("questionnaires:campaign-print", args=[campaign.pk]))
    assert_secure_page(response)
    assert "css/print.css" in response.content.decode()


# --- production settings -----------------------------------------------------


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    """`manage.py check --deploy`, failing on a warning, in a process of `env`."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "PYTEST", "DATABASE_URL"))
        and key not in {"TESTING", "ALLOWED_HOSTS", "SECRET_KEY", "DEBUG"}
    }
    env.update(
        DEBUG="0",
        TESTING="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="example.org",
    )
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_password_needs_ten_characters():
    from django.contrib.auth.password_validation import (
        password_validators_help_texts,
        validate_password,
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Kx7-qwz9")  # 8 characters
    validate_password("Kx7-qwz9-Lm")
    assert any("10" in text for text in password_validators_help_texts())


def test_media_is_not_served_by_url(client, curator):
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    client.force_login(curator)
    with pytest.raises(Resolver404):
        resolve("/" + django_settings.MEDIA_URL.strip("/") + "/plans/2026/x.pdf")


# --- uploads -----------------------------------------------------------------

BIG = 50 * 1024 * 1024


def big_file(name="итог.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4" + b"0" * (BIG - 8))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: big_file(), "Файл больше 5 МБ."),
        (lambda: SimpleUploadedFile("run.exe", b"MZ"), "Приложите файл PDF"),
    ],
)
def test_plan_evidence_refuses_big_and_executable_files(
    client, mentor, pair, curator, settings, tmp_path, upload, message
):
    settings.MEDIA_ROOT = tmp_path
    item = make_plan(pair, curator).items.first()
    client.force_login(mentor)
    response = client.post(
        reverse("plans:item-update", args=[item.pk]),
        {
            "activity": item.activity,
            "deadline": item.deadline.isoformat(),
            "evidence_file": upload(),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    item.refresh_from_db()
    assert not item.evidence_file
    assert not any(tmp_path.rglob("*.*"))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: big_file("prikaz.pdf"), "Файл больше 5 МБ."),
        (lambda: SimpleUploadedFile("run.exe", b"MZ"), "Приложите файл PDF"),
    ],
)
def test_roadmap_evidence_refuses_big_and_executable_files(
    client, curator, programme, settings, tmp_path, upload, message
):
    settings.MEDIA_ROOT = tmp_path
    item = make_items(programme, 1)[0]
    client.force_login(curator)
    response = client.post(
        reverse("roadmap:item-update", args=[item.pk]),
        {
            "stage": item.stage_id,
            "activity": item.activity,
            "evidence_file": upload(),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    item.refresh_from_db()
    assert not item.evidence_file
    assert not any(tmp_path.rglob("*.*"))


def test_a_body_over_the_limit_is_refused(client, curator, settings):
    """Form data (not files) beyond DATA_UPLOAD_MAX_MEMORY_SIZE: 400, nothing read."""
    client.force_login(curator)
    response = client.post(
        reverse("switch-organisation"),
        {
            "next": "/",
            "organisation": "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        },
    )
    assert response.status_code == 400
