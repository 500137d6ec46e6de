"""The social-risk tier never reaches a user who may not see it: every named URL
and every export, opened as a deputy head (who sees everything of the organisation
but the tier), is read back — HTML as text, XLSX cell by cell with openpyxl, PDF as
extracted text — and must contain no sensitive category, no social-risk request,
no social-risk form or role variant, and nothing of the social-risk pair (its
meeting topics, its plan).

The URL list is the access matrix's (`tests/test_access_matrix.py`, built from the
URL configuration), so a new page or exporter is walked here without a line of
this file changing. Each URL is opened twice: with the matrix world's objects and
with the objects of the social-risk pair (its pair, meeting, plan item, pupil and
mentor); list pages are opened once more with the tier's filters in the query
string (a crafted `?form=` must not list the pupils of the social-risk form).

The same walk as the curator must find every marker, in HTML, XLSX and PDF alike:
so the test cannot pass because the world lost its tier.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from mentoring.lib import export as export_lib
from mentoring.models import MenteeCategory, MentoringForm, RequestArea, RoleVariant
from pairs.plan_services import plan_create, plan_item_add
from people.models import AccessLog, MenteeRequest
from tests import factories as f
from tests.test_access_matrix import EXPORT_RULES, World, cases, url_of

TODAY = date.today()
SECRET_REQUEST = "Уходит из дома по ночам, семья в трудном положении"
RISK_TOPIC = "Разговор о пропусках уроков и ночёвках вне дома"
RISK_GOAL = "Вернуть ученика к регулярному посещению школы"
RISK_PUPIL = "Затейкина"


class RiskWorld(World):
    """The matrix world plus a social-risk pair: a pupil on the prevention
    register with a social-risk request, a social pedagogue as mentor, a meeting
    and a plan; the deputy has the staff flag, so the admin is walked too."""

    def __init__(self):
        super().__init__()
        organisation, programme = self.organisation, self.programme
        self.risk_form = MentoringForm.objects.get(code="social-risk")
        programme.forms.add(self.risk_form)
        self.sensitive = MenteeCategory.objects.filter(is_sensitive=True)
        self.risk_variants = RoleVariant.objects.filter(form=self.risk_form)
        deputy = self.users["deputy"]
        deputy.is_staff = True
        deputy.save(update_fields=["is_staff"])

        socped = self.users["social_pedagogue"]
        mentor = f.MentorFactory(
            participant__organisation=organisation,
            participant__user=socped,
            participant__position="Социальный педагог",
        )
        self.risk_pair = f.PairFactory(
            programme=programme,
            form=self.risk_form,
            role_variant=self.risk_variants.get(code="sr-social-pedagogue"),
            mentor=mentor,
            order_number="17-о",
            order_date=TODAY - timedelta(days=50),
        )
        link = f.PairMenteeFactory(
            pair=self.risk_pair,
            mentee__participant__last_name=RISK_PUPIL,
            mentee__participant__study_group=f.StudyGroupFactory(
                organisation=organisation, name="8В", grade=8
            ),
            mentee__preferred_form=self.risk_form,
        )
        self.risk_mentee = link.mentee
        self.risk_mentee.categories.add(*self.sensitive)
        MenteeRequest.objects.create(
            mentee=self.risk_mentee,
            area=RequestArea.objects.filter(is_active=True).first(),
            text=SECRET_REQUEST,
            form=self.risk_form,
        )
        self.risk_meeting = f.MeetingFactory(
            pair=self.risk_pair, author=socped, topic=RISK_TOPIC
        )
        plan = plan_create(
            pair=self.risk_pair,
            by=self.users["curator"],
            goal=RISK_GOAL,
            starts_on=TODAY - timedelta(days=30),
            ends_on=TODAY + timedelta(days=60),
        )
        self.risk_plan_item = plan_item_add(
            plan=plan, by=self.users["curator"], activity=RISK_GOAL, deadline=TODAY
        )
        f.MeasurementFactory(
            pair=self.risk_pair, participant=self.risk_mentee.participant
        )

    def markers(self) -> dict[str, str]:
        """What tells the tier: text → why it is a leak."""
        found = {
            self.risk_form.name: "the social-risk form",
            "социально опасном": "the social-risk form",
            SECRET_REQUEST: "a social-risk request",
            RISK_TOPIC: "a meeting of the social-risk pair",
            RISK_GOAL: "the plan of the social-risk pair",
        }
        for category in self.sensitive:
            found[category.name] = "a sensitive category"
        for variant in self.risk_variants:
            found[variant.name] = "a role variant of the social-risk form"
        return found

    def tier_names(self) -> list[str]:
        """The names that put a pupil shown next to them in the tier."""
        return [
            self.risk_form.name,
            *(category.name for category in self.sensitive),
            *(variant.name for variant in self.risk_variants),
        ]

    def risk_view(self) -> RiskView:
        return RiskView(self)

    def probe_query(self) -> str:
        """Every filter a list could be asked for the tier by."""
        sensitive = self.sensitive.first()
        return (
            f"form={self.risk_form.pk}&preferred_form={self.risk_form.pk}"
            f"&request_form={self.risk_form.pk}&category={sensitive.pk}"
            f"&pair={self.risk_pair.pk}&q={RISK_PUPIL}"
        )


class RiskView:
    """The world seen through its social-risk objects: a URL built from it opens
    the social-risk pair, its meeting, plan item, pupil and mentor."""

    def __init__(self, world: RiskWorld):
        self._world = world
        self.pair = world.risk_pair
        self.meeting = world.risk_meeting
        self.plan_item = world.risk_plan_item
        self.mentee_profile = world.risk_mentee
        self.mentee_participant = world.risk_mentee.participant
        self.mentor_profile = world.risk_pair.mentor

    def __getattr__(self, name):
        return getattr(self._world, name)


@pytest.fixture
def risk_world(db):
    return RiskWorld()


# --- Reading a response back ---------------------------------------------------------


def text_of(response) -> str:
    """The text a person would read in the response, whatever its format;
    whitespace collapsed (a PDF breaks lines where it likes)."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else None
    body = response.content if body is None else body
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        parts = [sheet.title for sheet in workbook.worksheets]
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts += [str(cell) for cell in row if cell is not None]
        text = "\n".join(parts)
    elif content_type.startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(body))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    else:
        text = body.decode("utf-8", "replace")
    return re.sub(r"\s+", " ", text)


def kind_of(response) -> str:
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        return "xlsx"
    if content_type.startswith("application/pdf"):
        return "pdf"
    return "html"


# --- The URLs ------------------------------------------------------------------------


def export_urls(world, view) -> list[str]:
    urls = []
    for identifier, exporter in export_lib.REGISTRY.items():
        case = EXPORT_RULES.get(identifier)
        queries = [world.probe_query()]
        if case is not None and case.query is not None:
            for source in (world, view):
                queries.append(
                    "&".join(f"{k}={v}" for k, v in case.query(source).items())
                )
        for fmt in exporter.formats:
            base = reverse("export", kwargs={"identifier": identifier, "fmt": fmt})
            urls += [f"{base}?{query}" if query else base for query in queries]
    return urls


def admin_urls(world) -> list[str]:
    """Every changelist, and the change and delete pages of the tier's rows."""
    urls = []
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        urls += [changelist, f"{changelist}?q={RISK_PUPIL}"]
    objects = [
        world.risk_pair,
        world.risk_mentee,
        world.risk_mentee.participant,
        world.risk_pair.mentor,
        world.risk_meeting,
    ]
    for obj in objects:
        info = obj._meta.app_label, obj._meta.model_name
        for action in ("change", "delete", "history"):
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_{action}", args=[obj.pk]))
    return urls


def every_url(world) -> list[str]:
    view = world.risk_view()
    urls = []
    for name, case in cases().items():
        if case is None or name.startswith("export:") or name.startswith("admin:"):
            continue
        for source in (world, view):
            urls.append(url_of(name, case, source))
        if not case.kwargs:
            urls.append(url_of(name, case, world) + "?" + world.probe_query())
    history = reverse(
        "history:detail", kwargs={"label": "pairs.pair", "pk": world.risk_pair.pk}
    )
    urls.append(history)
    # The import templates list the catalogues (the matrix opens one kind only).
    for kind in ("mentees", "mentors"):
        urls.append(reverse("imports:template", kwargs={"kind": kind}))
        urls.append(reverse("imports:upload", kwargs={"kind": kind}))
    urls += export_urls(world, view)
    urls += admin_urls(world)
    return list(dict.fromkeys(urls))


# What only the social-risk pupil's own data contains (not a catalogue's name);
# the pupil's name next to a name of the tier counts too (`RiskWorld.tier_names`).
CHILD_MARKERS = (SECRET_REQUEST, RISK_TOPIC, RISK_GOAL)


def near(text: str, name: str, others, distance: int = 300) -> bool:
    """Is one of `others` within `distance` characters of `name` (the pupil shown
    as in the tier, not a pupil in one list and the form in another)?"""
    for match in re.finditer(re.escape(name), text):
        around = text[max(0, match.start() - distance) : match.end() + distance]
        if any(other in around for other in others):
            return True
    return False


def walk(world, persona: str, unlogged: list | None = None):
    """GET every URL as the persona: marker → [(url, kind)] where it was found.
    `unlogged` collects the URLs that showed the pupil's own tier data without
    writing a row of the access log."""
    client = Client()
    client.force_login(world.users[persona])
    markers = world.markers()
    found: dict[str, list[tuple[str, str]]] = {marker: [] for marker in markers}
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        for url in every_url(world):
            before = AccessLog.objects.count()
            response = client.get(url)
            text = text_of(response)
            for marker in markers:
                if marker in text:
                    found[marker].append((url, kind_of(response)))
            shows_child = any(marker in text for marker in CHILD_MARKERS) or (
                near(text, RISK_PUPIL, world.tier_names())
            )
            logged = AccessLog.objects.count() > before
            if unlogged is not None and shows_child and not logged:
                unlogged.append(f"{url} [{kind_of(response)}]")
    finally:
        logger.setLevel(level)
    return found


# --- The tests -----------------------------------------------------------------------


def test_a_deputy_reads_nothing_of_the_tier_anywhere(risk_world):
    found = walk(risk_world, "deputy")
    markers = risk_world.markers()
    leaks = [
        f"{url} [{kind}]: {markers[marker]} («{marker}»)"
        for marker, places in found.items()
        for url, kind in places
    ]
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(leaks)


def test_the_curator_walk_finds_every_marker_in_every_format(risk_world):
    """The walk would see a leak: as the curator (who may see the tier) every
    marker is found, and each format shows some of them. And every page or file
    that showed the pupil's own tier data wrote a row of the access log."""
    unlogged = []
    found = walk(risk_world, "curator", unlogged)
    missing = [marker for marker, places in found.items() if not places]
    assert not missing, f"markers the curator never sees: {missing}"
    kinds = {kind for places in found.values() for _url, kind in places}
    assert kinds == {"html", "xlsx", "pdf"}
    assert not unlogged, "tier data shown without an access-log row:\n" + "\n".join(
        unlogged
    )


def test_the_walk_covers_the_pages_of_the_social_risk_pair(risk_world):
    urls = every_url(risk_world)
    pair = risk_world.risk_pair.pk
    assert reverse("pairs:detail", args=[pair]) in urls
    assert reverse("journal:pair", args=[pair]) in urls
    assert reverse("plans:detail", args=[pair]) in urls
    assert any(
        url.startswith(reverse("export", args=["pairs-order", "pdf"]))
        and f"pair={pair}" in url
        for url in urls
    )
    assert reverse("people:mentee-update", args=[risk_world.risk_mentee.pk]) in urls
