"""Links a person types (issue 13, finding 8): only http(s) or a page of the portal,
never `javascript:` or `data:` that a click would run."""

import pytest
from django.core.exceptions import ValidationError

from mentoring.lib.validators import validate_link
from mentoring.models import RoadmapItem
from monitoring.models import SwotPoint
from people.models import MenteeProfile

ACCEPTED = [
    "https://school.ru/report.pdf",
    "http://school.ru/",
    "HTTPS://School.ru/Отчёт",
    "/questionnaires/campaigns/5/",
    "/pairs/?status=terminated&programme=3",
    "/measurements/dynamics/?programme=1&year=2",
]
REFUSED = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://school.ru/%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "ftp://school.ru/file",
    "file:///etc/passwd",
    "school.ru/report",
    "report.pdf",
    "https://",
]


@pytest.mark.parametrize("value", ACCEPTED)
def test_link_accepted(value):
    validate_link(value)


@pytest.mark.parametrize("value", REFUSED)
def test_link_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_link(value)
    assert "http" in " ".join(error.value.messages)


def test_the_message_is_russian():
    with pytest.raises(ValidationError) as error:
        validate_link("javascript:alert(1)")
    assert "ссылк" in " ".join(error.value.messages).lower()


def test_swot_evidence_url_refuses_javascript(db):
    point = SwotPoint(quadrant="S", text="Сильная сторона")
    point.evidence_url = "javascript:alert(1)"
    with pytest.raises(ValidationError) as error:
        point.full_clean(exclude=["swot"])
    assert "evidence_url" in error.value.error_dict
    point.evidence_url = "/questionnaires/campaigns/5/"
    point.full_clean(exclude=["swot"])


def test_swot_point_form_refuses_javascript(db):
    """The admin's point form (the only form that edits the link) refuses it too."""
    from django.forms import modelform_factory

    from monitoring.admin import SwotPointInline

    form_class = modelform_factory(SwotPoint, fields=SwotPointInline.fields)
    form = form_class(
        {
            "quadrant": "S",
            "order": 0,
            "text": "Сильная сторона",
            "evidence_url": "javascript:alert(1)",
        }
    )
    assert not form.is_valid()
    assert "evidence_url" in form.errors


@pytest.mark.parametrize(
    "model, field",
    [
        (MenteeProfile, "case_link"),
        (MenteeProfile, "media_link"),
        (RoadmapItem, "evidence_link"),
    ],
)
@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"]
)
def test_other_links_refuse_scripts(db, model, field, value):
    """URLFields of other apps: Django's URLValidator already allows only
    http(s)/ftp(s) — checked here so a change of field type would be noticed."""
    instance = model(**{field: value})
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    assert field in error.value.error_dict
    instance = model(**{field: "https://school.ru/case"})
    try:
        instance.full_clean()
    except ValidationError as other:
        assert field not in other.error_dict


def test_next_links_refuse_scripts(rf):
    """The `next` a page prints as a link back (consent forms) is checked by
    safe_next, which refuses another scheme."""
    from mentoring.lib.redirects import safe_next

    request = rf.get("/")
    assert safe_next(request, "javascript:alert(1)", "/home/") == "/home/"
    assert safe_next(request, "data:text/html,x", "/home/") == "/home/"
    assert safe_next(request, "/people/mentees/", "/home/") == "/people/mentees/"
