"""Role × URL matrix: every named URL of the project, opened (GET) by every persona,
against the access table of `people/access.py`.

The URL list comes from the URL configuration itself, so a new page without a rule
here fails `test_every_url_has_a_rule` with «добавьте правило доступа для <name>».
The export view is expanded into one pseudo-name per registered exporter
(`export:<identifier>`), and the admin into its index and one changelist per model.

One world is built once for the whole matrix (one test walks every case and reports
every mismatch at once), which keeps ~1,500 requests within seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mentoring.lib import export as export_lib
from mentoring.models import (
    Job,
    MentoringForm,
    ProgrammeStage,
    RoadmapItem,
    SchoolYear,
)
from monitoring.models import Indicator, Unit
from pairs.models import Pair, PairOrder, Reward
from pairs.plan_services import plan_create, plan_item_add
from pairs.reward_services import reward_grant
from people.models import Consent, MentorCertificate, Role
from rollover.models import Rollover
from safeguarding.models import (
    Concern,
    HomeVisitAct,
    PreventiveWorkEntry,
    RehabilitationProgramme,
)
from tests import factories as f
from tests.conftest import member
from tests.municipal.world import MUNICIPAL_WORLD

TODAY = date.today()

PERSONAS = [
    "anonymous",
    "head",
    "deputy",
    "curator",
    "social_pedagogue",
    "psychologist",
    "class_teacher",
    "form_lead",
    "mentor",
    "other_mentor",
    "mentee",
    "outsider",
    "coordinator",
    "other_coordinator",
    "far_curator",
]
MANAGERS = {"head", "deputy", "curator"}
INSIDERS = set(PERSONAS) - {"anonymous", "outsider"}
LOGIN = "login"  # a redirect to the login page (302 means any other redirect)

# URLs that are not pages of the application.
EXCLUDED = {"login", "logout", "favicon", "healthz"}


# --- The rules ----------------------------------------------------------------------


def rule(default: int, **statuses: int) -> dict[str, int]:
    """A full persona → status row: `default` for everybody not named, 302 (to
    the login page) for the anonymous user unless named."""
    row = dict.fromkeys(PERSONAS, default)
    row["anonymous"] = LOGIN
    row.update(statuses)
    # Another municipality's coordinator and curator get what ours and the
    # neighbouring school's curator get, unless a municipal rule says otherwise.
    if "other_coordinator" not in statuses:
        row["other_coordinator"] = row["coordinator"]
    if "far_curator" not in statuses:
        row["far_curator"] = row["outsider"]
    return row


def managers(ok: int = 200, *, outsider: int = 404, **more) -> dict[str, int]:
    """A page of the head, deputy and curator; other roles 403. `outsider` (the
    curator of another organisation): 200 on a list page (their own, empty
    list), 404 on an object of ours."""
    return rule(403, head=ok, deputy=ok, curator=ok, outsider=outsider, **more)


def manager_list(ok: int = 200, **more) -> dict[str, int]:
    return managers(ok, outsider=ok, **more)


def pair_page(
    ok: int = 200, *, mentor: int | None = None, mentee: int | None = None, **more
):
    """A page of one pair: the managers and the pair's members; everyone else
    gets 404 (a pair that is not yours does not exist for you)."""
    row = rule(
        404,
        head=ok,
        deputy=ok,
        curator=ok,
        mentor=ok if mentor is None else mentor,
        mentee=ok if mentee is None else mentee,
    )
    row.update(more)
    return row


def specialists(**more) -> dict[str, int]:
    """The social-risk tier: the head, curator, social pedagogue and psychologist
    of the organisation; 404 for everyone else (the deputy included)."""
    return rule(
        404, head=200, curator=200, social_pedagogue=200, psychologist=200, **more
    )


def everybody(ok: int = 200, **more) -> dict[str, int]:
    """A page every logged-in user may open (it shows their own things)."""
    return rule(ok, **more)


POST_ONLY = 405


def post_only(**more) -> dict[str, int]:
    """A POST-only URL: a GET is refused before any access check."""
    return rule(POST_ONLY, **more)


@dataclass
class Case:
    """How to build the URL (kwargs and query string from the world) and what each
    persona gets."""

    expected: dict[str, int]
    kwargs: object = None  # callable(world) -> dict
    query: object = None  # callable(world) -> dict


def pk(attribute: str):
    return lambda world: {"pk": getattr(world, attribute).pk}


def programme_pk(world):
    return {"pk": world.programme.pk}


def rollover_pk(world):
    """A rollover of the world's organisation (made on first use)."""
    ending = SchoolYear.for_date(TODAY - timedelta(days=365))
    rollover = Rollover.objects.filter(organisation=world.organisation).first()
    if rollover is None:
        rollover = Rollover.objects.create(
            organisation=world.organisation,
            ending_year=ending,
            new_year=SchoolYear.for_date(ending.ends_on + timedelta(days=1)),
            last_grade=11,
            performed_at=timezone.now(),
            changes={"changed": {}, "created": {}, "deleted": {}},
        )
    return {"pk": rollover.pk}


def certificate_pk(world):
    """A certificate of no criminal record of the pair's mentor, without a scan."""
    if not hasattr(world, "certificate"):
        world.certificate = MentorCertificate.objects.create(
            mentor=world.mentor_profile, number="1-С", issued_on=TODAY
        )
    return {"pk": world.certificate.pk}


def concern_pk(world):
    """A concern about the pair raised by its mentor (written directly: no pause,
    no mail)."""
    if not hasattr(world, "concern"):
        world.concern = Concern.objects.create(
            pair=world.pair,
            reporter=Concern.Reporter.MENTOR,
            text="Встречи срываются",
            raised_by=world.users["mentor"],
        )
    return {"pk": world.concern.pk}


RULES: dict[str, Case] = {
    # Home: every user has one (a mentor's pairs…); a coordinator's is the
    # municipal dashboard, where it redirects.
    "home": Case(everybody(coordinator=302, other_coordinator=302)),
    "switch-organisation": Case(post_only()),
    # A mentor's pairs for one whose home is another role's; mentors only.
    "my-pairs": Case(rule(403, mentor=200, other_mentor=200)),
    # --- people: the two bases -------------------------------------------------
    "people:mentee-list": Case(manager_list()),
    "people:mentee-create": Case(manager_list()),
    "people:mentee-bulk": Case(post_only()),
    # The class teacher proposes pupils of their class for the mentee base.
    "people:mentee-propose": Case(rule(403, class_teacher=200)),
    "people:mentee-detail": Case(managers(), pk("mentee_profile")),
    "people:mentee-update": Case(managers(), pk("mentee_profile")),
    "people:mentor-list": Case(manager_list()),
    "people:mentor-create": Case(manager_list()),
    "people:mentor-bulk": Case(post_only()),
    "people:mentor-detail": Case(managers(), pk("mentor_profile")),
    "people:mentor-update": Case(managers(), pk("mentor_profile")),
    "people:mentor-status": Case(post_only(), pk("mentor_profile")),
    "people:mentor-training": Case(post_only(), pk("mentor_profile")),
    "people:mentor-certificate": Case(post_only(), pk("mentor_profile")),
    # A certificate without a scan: 404 after the access check (managers only).
    "people:mentor-certificate-scan": Case(managers(404), certificate_pk),
    # --- classes and groups (people/group_views.py): the managers -------------
    "groups:list": Case(manager_list()),
    "groups:create": Case(manager_list()),
    "groups:create-parallel": Case(manager_list()),
    # The world's class 7Б: the class teacher's (its delete page names them).
    "groups:update": Case(
        managers(), lambda w: {"pk": w.organisation.study_groups.get(name="7Б").pk}
    ),
    "groups:delete": Case(
        managers(), lambda w: {"pk": w.organisation.study_groups.get(name="7Б").pk}
    ),
    "imports:upload": Case(manager_list(), lambda w: {"kind": "mentees"}),
    "imports:template": Case(manager_list(), lambda w: {"kind": "mentors"}),
    # --- pairs -------------------------------------------------------------------
    # a form lead reads the pairs of the forms they lead (the world's pair's form)
    "pairs:list": Case(manager_list(form_lead=200)),
    "pairs:create": Case(manager_list()),
    "pairs:approve": Case(post_only()),
    # The pair card is the managers' page; its members work in the journal.
    "pairs:detail": Case(managers(form_lead=200), pk("pair")),
    "pairs:close": Case(managers(), pk("pair")),
    "pairs:terminate": Case(managers(), pk("pair")),
    "pairs:replace-mentor": Case(managers(), pk("pair")),
    "pairs:substitute": Case(managers(), pk("pair")),
    "matching:request-map": Case(manager_list()),
    "matching:for-mentee": Case(managers(), pk("mentee_profile")),
    "matching:for-mentor": Case(managers(), pk("mentor_profile")),
    # Cohort matching: the managers' page (another school's curator sees their
    # own, empty, choice); its confirmation is a POST.
    "matching:cohort": Case(manager_list()),
    "matching:cohort-confirm": Case(post_only()),
    # --- journal -------------------------------------------------------------------
    "journal:list": Case(manager_list()),
    "journal:mine": Case(rule(403, mentor=200, other_mentor=200)),
    "journal:my-pair": Case(rule(403, mentee=200)),
    "journal:general": Case(manager_list()),
    "journal:feedback-summary": Case(manager_list()),
    "journal:pair": Case(pair_page(), pk("pair")),
    # The mentor and the managers log meetings; the mentee gives feedback.
    "journal:create": Case(pair_page(mentee=404), pk("pair")),
    # The calendar file of the pair's next meeting: its members and managers.
    "journal:next-meeting-ics": Case(pair_page(), pk("pair")),
    # Nothing to give yet: the open pair sends its members back to the journal.
    "journal:final-feedback": Case(pair_page(302), pk("pair")),
    "journal:update": Case(pair_page(mentee=404), pk("meeting")),
    "journal:comment": Case(post_only(), pk("meeting")),
    "journal:feedback": Case(
        pair_page(head=404, deputy=404, curator=404), pk("meeting")
    ),
    # --- plans ---------------------------------------------------------------------
    "plans:list": Case(manager_list()),
    "plans:detail": Case(pair_page(), pk("pair")),
    # The plan exists: «create» sends to it.
    "plans:create": Case(pair_page(302, mentee=404), pk("pair")),
    "plans:update": Case(pair_page(mentee=404), pk("pair")),
    "plans:item-add": Case(pair_page(mentee=404), pk("pair")),
    "plans:item-update": Case(pair_page(mentee=404), pk("plan_item")),
    "plans:item-status": Case(post_only(), pk("plan_item")),
    # An item without an evidence file: 404 for everyone who may see the item.
    "plans:evidence": Case(pair_page(404), pk("plan_item")),
    # --- reminders -----------------------------------------------------------------
    "reminders:mine": Case(everybody()),
    "reminders:pause": Case(post_only(), pk("pair")),
    "reminders:resume": Case(post_only(), pk("pair")),
    # --- roadmap -------------------------------------------------------------------
    # Sends to the roadmap of the current programme.
    "roadmap:index": Case(manager_list(302)),
    "roadmap:detail": Case(managers(), programme_pk),
    "roadmap:from-template": Case(managers(), programme_pk),
    "roadmap:item-create": Case(managers(), programme_pk),
    "roadmap:item-update": Case(managers(), pk("roadmap_item")),
    "roadmap:item-status": Case(post_only(), pk("roadmap_item")),
    # An item without an evidence file.
    "roadmap:evidence": Case(managers(404), pk("roadmap_item")),
    # --- rewards, documents ----------------------------------------------------------
    "rewards:list": Case(manager_list()),
    "rewards:create": Case(manager_list()),
    "rewards:detail": Case(managers(), pk("reward")),
    "rewards:delete": Case(post_only(), pk("reward")),
    "documents:list": Case(manager_list()),
    "documents:order-approve": Case(post_only()),
    "documents:order-scan-upload": Case(post_only()),
    # An order whose scan file is missing: 404 after the access check.
    "documents:order-scan": Case(managers(404), pk("pair_order")),
    # --- monitoring ------------------------------------------------------------------
    "monitoring:index": Case(manager_list()),
    "monitoring:programme": Case(managers(), programme_pk),
    "monitoring:swot": Case(managers(), programme_pk),
    "monitoring:swot-print": Case(managers(), programme_pk),
    "questionnaires:list": Case(manager_list()),
    "questionnaires:create": Case(manager_list()),
    "questionnaires:detail": Case(managers(), pk("questionnaire")),
    "questionnaires:copy": Case(post_only(), pk("questionnaire")),
    "questionnaires:update": Case(managers(), pk("questionnaire")),
    "questionnaires:delete": Case(managers(), pk("questionnaire")),
    "questionnaires:toggle": Case(post_only(), pk("questionnaire")),
    "questionnaires:question-create": Case(managers(), pk("questionnaire")),
    "questionnaires:question-update": Case(
        managers(),
        lambda w: {"pk": w.questionnaire.pk, "question_pk": w.question.pk},
    ),
    "questionnaires:question-delete": Case(
        managers(),
        lambda w: {"pk": w.questionnaire.pk, "question_pk": w.question.pk},
    ),
    "questionnaires:question-move": Case(
        post_only(),
        lambda w: {"pk": w.questionnaire.pk, "question_pk": w.question.pk},
    ),
    "questionnaires:campaign-list": Case(manager_list()),
    "questionnaires:campaign-create": Case(manager_list()),
    "questionnaires:campaign-detail": Case(managers(), pk("campaign")),
    "questionnaires:campaign-print": Case(managers(), pk("campaign")),
    "questionnaires:campaign-close": Case(post_only(), pk("campaign")),
    "questionnaires:campaign-extend": Case(post_only(), pk("campaign")),
    "questionnaires:campaign-delete": Case(managers(), pk("campaign")),
    "questionnaires:mine": Case(everybody()),
    # The invitation of the pair's mentee: only they answer it in the app.
    "questionnaires:answer": Case(rule(404, mentee=200), pk("campaign")),
    # The personal link works without a login, for anybody holding the token.
    "questionnaires:answer-link": Case(
        everybody(anonymous=200), lambda w: {"token": w.invitation.token}
    ),
    "measurements:grid": Case(manager_list(psychologist=200)),
    "measurements:import": Case(manager_list(psychologist=200)),
    "measurements:import-template": Case(manager_list(psychologist=200)),
    "measurements:dynamics": Case(manager_list(psychologist=200)),
    "measurements:pair": Case(managers(psychologist=200), pk("pair")),
    "indicators:list": Case(manager_list()),
    "indicators:values": Case(managers(), programme_pk),
    "indicators:from-template": Case(managers(), programme_pk),
    "indicators:create": Case(managers(), programme_pk),
    "indicators:update": Case(managers(), pk("indicator")),
    "indicators:delete": Case(managers(), pk("indicator")),
    # --- consents (people/consent_views.py): the managers -------------------------
    "consents:list": Case(manager_list()),
    "consents:participant": Case(managers(), pk("mentee_participant")),
    "consents:create": Case(managers(), pk("mentee_participant")),
    "consents:revoke": Case(managers(), pk("consent")),
    # A consent without a scanned document.
    "consents:document": Case(managers(404), pk("consent")),
    # --- background jobs: only their user (a curator's finished export) -------------
    "jobs:list": Case(everybody()),
    "jobs:start-export": Case(
        post_only(), lambda w: {"identifier": "mentee-base", "fmt": "xlsx"}
    ),
    "jobs:detail": Case(rule(404, curator=200), pk("job")),
    "jobs:status": Case(rule(404, curator=200), pk("job")),
    "jobs:download": Case(rule(404, curator=200), pk("job")),
    "jobs:retry": Case(post_only(), pk("job")),
    # --- history of changes: who may open the record -------------------------------
    "history:detail": Case(
        managers(),
        lambda w: {"label": "people.menteeprofile", "pk": w.mentee_profile.pk},
    ),
    # --- safeguarding: the social-risk tier (sees_social_risk_of) ---------------------
    # Those who may not see it get 404: the records do not exist for them.
    "safeguarding:list": Case(specialists(outsider=200)),
    "safeguarding:participant": Case(specialists(mentor=200), pk("mentee_participant")),
    "safeguarding:participant-print": Case(
        specialists(mentor=200), pk("mentee_participant")
    ),
    # The pair's mentor reads the file but writes only preventive-work entries.
    "safeguarding:record-create": Case(
        specialists(mentor=403),
        lambda w: {"pk": w.mentee_participant.pk, "kind": "diagnostics"},
    ),
    "safeguarding:activity-create": Case(specialists(mentor=403), pk("rehabilitation")),
    "safeguarding:record-update": Case(
        specialists(mentor=403),
        lambda w: {"kind": "preventive", "pk": w.preventive.pk},
    ),
    "safeguarding:record-delete": Case(
        specialists(mentor=403),
        lambda w: {"kind": "preventive", "pk": w.preventive.pk},
    ),
    # An act without a scan.
    "safeguarding:visit-scan": Case(rule(404), pk("visit")),
    # The access log: the head only (the control over those who read).
    "safeguarding:log": Case(rule(403, head=200)),
    # Concerns about a pair: raised by its members or by those who handle them;
    # seen by those and the reporter (here the pair's mentor); others get 404.
    "safeguarding:concern-create": Case(
        specialists(mentor=200, mentee=200), pk("pair")
    ),
    "safeguarding:concern-list": Case(everybody()),
    "safeguarding:concern-detail": Case(specialists(mentor=200), concern_pk),
    "safeguarding:concern-resolve": Case(post_only(), concern_pk),
    # --- admin: superusers, and staff managers scoped (mentoring/lib/admin_scope) --
    # Only the head has the staff flag: everyone else is sent to the admin's login.
    "admin:index": Case(rule(302, anonymous=302, head=200)),
    # --- municipal: dashboard and report (municipal/urls.py) ---------------------
    # The coordinator's roll-up of their own municipality; 403 for the schools.
    "municipal:dashboard": Case(rule(403, coordinator=200, other_coordinator=200)),
    # One organisation's summary: ours; another municipality's coordinator 404.
    "municipal:organisation": Case(
        rule(403, coordinator=200, other_coordinator=404), pk("organisation")
    ),
    # --- municipal: checklist (municipal/checklist_urls.py) ----------------------
    # The menu's one address: the managers to their own, the coordinator to the matrix.
    "checklist:index": Case(
        rule(403, head=302, deputy=302, curator=302, outsider=302, coordinator=302)
    ),
    # The organisation's own checklist: its managers (the outsider sees their own).
    "checklist:mine": Case(manager_list()),
    "checklist:submit": Case(
        manager_list(), lambda w: {"item": "regulation_published"}
    ),
    # The coordinator's matrix and deadlines (another municipality's: their own).
    "checklist:matrix": Case(rule(403, coordinator=200)),
    "checklist:deadlines": Case(rule(403, coordinator=200)),
    # world.organisation's entry: another municipality's coordinator gets 404.
    "checklist:review": Case(
        rule(403, coordinator=200, other_coordinator=404), pk("checklist_entry")
    ),
    # Its file is not in storage: 404 after the access check for those who may
    # download it; 404 for another organisation or municipality; 403 for the rest.
    "checklist:evidence": Case(
        rule(
            403,
            head=404,
            deputy=404,
            curator=404,
            outsider=404,
            coordinator=404,
            other_coordinator=404,
        ),
        pk("checklist_entry"),
    ),
    # --- municipal: mentor bank (municipal/bank_urls.py) -------------------------
    # The managers of every organisation open their municipality's bank and their
    # own request lists (another municipality's curator: an empty bank). A bank
    # mentor (of world.other) is 404 to their own curator (not in their bank) and
    # to another municipality's; a request is 404 to the side that may not act.
    "bank:list": Case(manager_list()),
    "bank:outgoing": Case(manager_list()),
    "bank:incoming": Case(manager_list()),
    "bank:our-mentors": Case(manager_list()),
    "bank:detail": Case(managers(), pk("bank_mentor")),
    "bank:request": Case(managers(), pk("bank_mentor")),
    "bank:approve": Case(
        rule(403, head=404, deputy=404, curator=404, outsider=200, far_curator=404),
        pk("bank_request"),
    ),
    "bank:decline": Case(
        rule(403, head=404, deputy=404, curator=404, outsider=200, far_curator=404),
        pk("bank_request"),
    ),
    "bank:cancel": Case(post_only(), pk("bank_request")),
    # --- municipal: best practices (municipal/practice_urls.py) ------------------
    # The collection of one's own municipality: the managers of every organisation
    # (another municipality's curator reads their own) and the coordinators.
    "practices:list": Case(
        rule(403, head=200, deputy=200, curator=200, outsider=200, coordinator=200)
    ),
    # A published case of ours: the whole municipality reads it; another
    # municipality's coordinator and curator get 404.
    "practices:detail": Case(
        rule(
            403,
            head=200,
            deputy=200,
            curator=200,
            outsider=200,
            coordinator=200,
            other_coordinator=404,
            far_curator=404,
        ),
        pk("practice"),
    ),
    "practices:print": Case(
        rule(
            403,
            head=200,
            deputy=200,
            curator=200,
            outsider=200,
            coordinator=200,
            other_coordinator=404,
            far_curator=404,
        ),
        pk("practice"),
    ),
    # The organisation's own cases: its managers only (the coordinator reads).
    "practices:mine": Case(manager_list()),
    "practices:create": Case(manager_list()),
    "practices:update": Case(managers(), pk("practice_draft")),
    "practices:publish": Case(managers(), pk("practice_draft")),
    "practices:withdraw": Case(managers(), pk("practice")),
    "practices:feature": Case(post_only(), pk("practice")),
    # --- municipal: indicators (municipal/indicator_urls.py) ---------------------
    # The coordinator's pages (another municipality's coordinator: their own list,
    # 404 on our indicator or sent roll-up); an organisation's managers type their
    # values of the reported indicators (every organisation its own).
    "municipal-indicators:list": Case(rule(403, coordinator=200)),
    "municipal-indicators:create-default": Case(post_only()),
    "municipal-indicators:create": Case(rule(403, coordinator=200)),
    "municipal-indicators:update": Case(
        rule(403, coordinator=200, other_coordinator=404), pk("municipal_indicator")
    ),
    "municipal-indicators:deactivate": Case(
        rule(403, coordinator=200, other_coordinator=404), pk("municipal_indicator")
    ),
    "municipal-indicators:activate": Case(post_only(), pk("municipal_indicator")),
    "municipal-indicators:move": Case(post_only(), pk("municipal_indicator")),
    "municipal-indicators:targets": Case(rule(403, coordinator=200)),
    "municipal-indicators:rollup": Case(rule(403, coordinator=200)),
    "municipal-indicators:submit": Case(rule(403, coordinator=200)),
    "municipal-indicators:snapshot-list": Case(rule(403, coordinator=200)),
    "municipal-indicators:snapshot-detail": Case(
        rule(403, coordinator=200, other_coordinator=404), pk("snapshot")
    ),
    "municipal-indicators:values": Case(manager_list()),
    # --- the new school year (rollover/): the organisation's managers -----------
    "rollover:index": Case(manager_list()),
    "rollover:preview": Case(manager_list()),
    "rollover:run": Case(post_only()),
    "rollover:detail": Case(managers(), rollover_pk),
    "rollover:undo": Case(managers(), rollover_pk),
}

# The export view, one pseudo-name per exporter: `?…` chooses the object.
EXPORT_RULES: dict[str, Case] = {
    "mentee-base": Case(manager_list(), query=lambda w: {}),
    "mentor-base": Case(manager_list(), query=lambda w: {}),
    "pairs": Case(manager_list(), query=lambda w: {}),
    "request-map": Case(manager_list(), query=lambda w: {}),
    "rewards": Case(manager_list(), query=lambda w: {}),
    "roadmap": Case(managers(), query=lambda w: {"programme": w.programme.pk}),
    "monitoring-report": Case(
        managers(), query=lambda w: {"programme": w.programme.pk}
    ),
    "measurements": Case(
        managers(psychologist=200), query=lambda w: {"programme": w.programme.pk}
    ),
    "programme-summary": Case(
        managers(outsider=403), query=lambda w: {"programme": w.programme.pk}
    ),
    "pairs-order": Case(manager_list(), query=lambda w: {"pair": w.pair.pk}),
    "pairs-list": Case(manager_list(), query=lambda w: {"pair": w.pair.pk}),
    # The social-risk pairs' own order: those who may see the tier, not the deputy.
    "pairs-order-confidential": Case(
        rule(403, head=200, curator=200, outsider=200),
        query=lambda w: {"pair": w.pair.pk},
    ),
    "pair-journal": Case(pair_page(), query=lambda w: {"pair": w.pair.pk}),
    "pair-plan": Case(pair_page(), query=lambda w: {"pair": w.pair.pk}),
    "reward-letter": Case(managers(), query=lambda w: {"reward": w.reward.pk}),
    "reward-certificate": Case(managers(), query=lambda w: {"reward": w.reward.pk}),
    "reward-certificates": Case(manager_list(), query=lambda w: {}),
    "consent-register": Case(manager_list(), query=lambda w: {}),
    "safeguarding-access-log": Case(rule(403, head=200), query=lambda w: {}),
    # --- municipal exporters (municipal/exports.py) ------------------------------
    # The municipal report: the coordinators, each of their own municipality;
    # another municipality's sent roll-up is 404 (tests/municipal/test_report.py).
    "municipal-report": Case(rule(403, coordinator=200), query=lambda w: {}),
}

# Every admin changelist: the staff head gets their organisation's rows (catalogues
# read-only); the superuser's own admins (safeguarding, django-axes, groups, the
# reminders log) are 403 for them; everyone else is sent to the admin's login.
ADMIN_CHANGELIST = Case(rule(302, head=200))
SUPERUSER_ONLY_CHANGELIST = Case(rule(302, head=403))
SUPERUSER_ONLY_ADMINS = {
    "safeguarding",
    "axes",
    "auth",
    "pairs_remindersent",
    "people_accesslog",
    "municipal",
}


def admin_changelist_case(name: str) -> Case:
    app_model = name.removeprefix("admin:").removesuffix("_changelist")
    app = app_model.split("_", 1)[0]
    if app in SUPERUSER_ONLY_ADMINS or app_model in SUPERUSER_ONLY_ADMINS:
        return SUPERUSER_ONLY_CHANGELIST
    return ADMIN_CHANGELIST


# --- The URL list, from the URL configuration ----------------------------------------


def named_urls(resolver=None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    """(full name, pattern) of every named URL, recursively; the admin's own
    patterns are listed apart (`admin_urls`)."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else (pattern.namespace)
                )
            found += named_urls(pattern, inner)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append((name, pattern))
    return found


def admin_urls() -> list[str]:
    return ["admin:index"] + [
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model in admin.site._registry
    ]


def cases() -> dict[str, Case]:
    """Every URL to check, by name, with its rule; a URL without a rule maps to
    None (and fails `test_every_url_has_a_rule`)."""
    wanted: dict[str, Case | None] = {}
    for name, _pattern in named_urls():
        if name in EXCLUDED or name.startswith("admin:"):
            continue
        if name == "export":
            for identifier in export_lib.REGISTRY:
                wanted[f"export:{identifier}"] = EXPORT_RULES.get(identifier)
            continue
        wanted[name] = RULES.get(name)
    for name in admin_urls():
        wanted[name] = RULES.get(name) or (
            admin_changelist_case(name) if name.endswith("_changelist") else None
        )
    return wanted


def url_of(name: str, case: Case, world) -> str:
    if name.startswith("export:"):
        identifier = name.split(":", 1)[1]
        exporter = export_lib.REGISTRY[identifier]
        fmt = "xlsx" if "xlsx" in exporter.formats else exporter.formats[0]
        url = reverse("export", kwargs={"identifier": identifier, "fmt": fmt})
    else:
        url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
    if case.query:
        query = "&".join(f"{k}={v}" for k, v in case.query(world).items())
        url = f"{url}?{query}" if query else url
    return url


# --- The world ---------------------------------------------------------------------


class World:
    """One organisation with a programme, a pair, a meeting, a plan with an item, a
    roadmap item, a reward, a questionnaire with a campaign and an invitation, a
    measurement, an indicator and a SWOT; another organisation with its curator; one
    user per persona."""

    def __init__(self):
        organisation = f.OrganisationFactory(short_name="МБОУ «СОШ № 1»")
        other = f.OrganisationFactory(
            short_name="МБОУ «СОШ № 2»", municipality=organisation.municipality
        )
        self.organisation, self.other = organisation, other
        self.programme = f.ProgrammeFactory(organisation=organisation)
        self.pair = f.PairFactory(
            programme=self.programme, next_meeting_on=TODAY + timedelta(days=7)
        )
        link = f.PairMenteeFactory(pair=self.pair)
        self.mentee_profile = link.mentee
        self.mentor_profile = self.pair.mentor
        group = f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)

        users = {}
        # The head has the staff flag: the admin gives them their organisation's
        # rows (mentoring/lib/admin_scope.py); the other personas have no flag.
        users["head"] = member(organisation, Role.HEAD, "head")
        users["head"].is_staff = True
        users["head"].save(update_fields=["is_staff"])
        users["deputy"] = member(organisation, Role.DEPUTY, "deputy")
        users["curator"] = member(organisation, Role.CURATOR, "curator")
        self.programme.curators.add(users["curator"])
        users["social_pedagogue"] = member(
            organisation, Role.SOCIAL_PEDAGOGUE, "socped"
        )
        users["psychologist"] = member(organisation, Role.PSYCHOLOGIST, "psy")
        users["class_teacher"] = member(
            organisation, Role.CLASS_TEACHER, "classteacher", study_group=group
        )
        users["form_lead"] = member(organisation, Role.FORM_LEAD, "formlead")
        users["form_lead"].memberships.get().forms.set(
            MentoringForm.objects.filter(pk=self.pair.form_id)
        )
        users["mentor"] = self.attach(
            self.pair.mentor.participant, Role.MENTOR, "mentor"
        )
        users["mentee"] = self.attach(
            self.mentee_profile.participant, Role.MENTEE, "mentee"
        )
        other_pair = f.PairFactory(programme=self.programme)
        f.PairMenteeFactory(pair=other_pair)
        users["other_mentor"] = self.attach(
            other_pair.mentor.participant, Role.MENTOR, "othermentor"
        )
        users["outsider"] = member(other, Role.CURATOR, "outsider")
        f.ProgrammeFactory(organisation=other)
        coordinator = f.UserFactory(username="coordinator")
        f.MembershipFactory(
            user=coordinator,
            organisation=None,
            municipality=organisation.municipality,
            role=Role.MUNICIPAL_COORDINATOR,
        )
        users["coordinator"] = coordinator
        # Another municipality: its coordinator and a curator of its school.
        far = f.OrganisationFactory(
            short_name="МБОУ «Дальняя СОШ»",
            municipality=f.MunicipalityFactory(name="Дальний район"),
        )
        self.far = far
        users["far_curator"] = member(far, Role.CURATOR, "farcurator")
        f.ProgrammeFactory(organisation=far)
        other_coordinator = f.UserFactory(username="othercoordinator")
        f.MembershipFactory(
            user=other_coordinator,
            organisation=None,
            municipality=far.municipality,
            role=Role.MUNICIPAL_COORDINATOR,
        )
        users["other_coordinator"] = other_coordinator
        self.users = users
        # --- the municipal tier (one builder per part, in tests/municipal/) ------
        for build in MUNICIPAL_WORLD:
            build(self)

        self.meeting = f.MeetingFactory(pair=self.pair, author=users["mentor"])
        plan = plan_create(
            pair=self.pair,
            by=users["curator"],
            goal="Повысить успеваемость",
            starts_on=TODAY - timedelta(days=30),
            ends_on=TODAY + timedelta(days=60),
        )
        self.plan_item = plan_item_add(
            plan=plan, by=users["curator"], activity="Пункт", deadline=TODAY
        )
        self.roadmap_item = RoadmapItem.objects.create(
            programme=self.programme,
            stage=ProgrammeStage.objects.order_by("number").first(),
            number="1.1",
            order=1,
            activity="Мероприятие",
        )
        done = f.PairFactory(
            programme=self.programme,
            status=Pair.Status.COMPLETED,
            ended_on=TODAY - timedelta(days=5),
        )
        f.PairMenteeFactory(pair=done)
        self.reward = reward_grant(
            organisation=organisation,
            person=done.mentor.participant,
            kind=Reward.Kind.GRATITUDE,
            awarded_on=TODAY,
            basis="за успешное завершение программы наставничества",
            by=None,
            pair=done,
        )
        self.pair_order = PairOrder.objects.create(
            organisation=organisation,
            number="1-од",
            date=TODAY,
            scan="orders/missing.pdf",
        )
        self.campaign = f.CampaignFactory(programme=self.programme)
        self.questionnaire = self.campaign.questionnaire
        self.question = f.QuestionFactory(questionnaire=self.questionnaire)
        self.invitation = f.InvitationFactory(
            campaign=self.campaign, participant=self.mentee_profile.participant
        )
        f.MeasurementFactory(
            pair=self.pair, participant=self.mentee_profile.participant
        )
        self.mentee_participant = self.mentee_profile.participant
        self.consent = Consent.objects.create(
            participant=self.mentee_participant,
            scope=Consent.Scope.PROCESSING,
            given_by="Петрова Анна Ивановна",
            relation=Consent.Relation.values[0],
            given_on=TODAY - timedelta(days=90),
        )
        record = {
            "participant": self.mentee_participant,
            "created_by": users["curator"],
        }
        self.preventive = PreventiveWorkEntry.objects.create(
            **record,
            held_on=TODAY,
            form_of_work=PreventiveWorkEntry.Form.CONVERSATION,
            content="Беседа",
            conducted_by="Социальный педагог",
        )
        self.rehabilitation = RehabilitationProgramme.objects.create(
            **record,
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=90),
            goals="Цели",
            methods="Методы",
        )
        self.visit = HomeVisitAct.objects.create(
            **record,
            visited_on=TODAY,
            address="ул. Ленина, 1",
            visitors="Социальный педагог",
            living_conditions="Удовлетворительные",
        )
        self.indicator = Indicator.objects.create(
            programme=self.programme,
            group="1. Задача",
            number="1.1",
            name="Количество договоров о целевом обучении",
            unit=Unit.PIECES,
        )
        self.job = Job.objects.create(
            user=users["curator"],
            organisation=organisation,
            kind=Job.Kind.EXPORT,
            identifier="mentee-base",
            fmt="xlsx",
            title="База наставляемых (XLSX)",
            status=Job.Status.DONE,
            filename="База.xlsx",
        )
        self.job.file.save(
            "baza.xlsx",
            ContentFile(export_lib.render_xlsx([["Файл задания"]])),
            save=True,
        )

    def attach(self, participant, role, username):
        user = f.UserFactory(username=username)
        participant.user = user
        participant.save()
        f.MembershipFactory(user=user, organisation=self.organisation, role=role)
        return user


@pytest.fixture
def world(db, monkeypatch):
    # Access is decided before a file is built: a stub keeps the matrix fast
    # (the exports' content is tested in their own modules).
    monkeypatch.setattr(
        export_lib.Exporter, "response", lambda self, fmt: HttpResponse("ok")
    )
    return World()


def run_matrix(world, wanted: dict[str, Case]) -> list[str]:
    """GET every URL as every persona; the mismatches, one line each."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)  # the refusals are many, and expected
    try:
        return _run_matrix(world, wanted)
    finally:
        logger.setLevel(level)


def _run_matrix(world, wanted: dict[str, Case]) -> list[str]:
    clients = {"anonymous": Client()}
    for persona, user in world.users.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    login_url = reverse("login")
    mismatches = []
    for name, case in wanted.items():
        url = url_of(name, case, world)
        for persona in PERSONAS:
            response = clients[persona].get(url)
            got, expected = response.status_code, case.expected[persona]
            location = response.headers.get("Location", "")
            if got == 302 and location.startswith(login_url):
                got = LOGIN
            if got != expected:
                mismatches.append(
                    f"{name} [{persona}] {url}: {got}, ожидалось {expected}"
                )
    return mismatches


# --- The tests ---------------------------------------------------------------------


def test_every_url_has_a_rule():
    missing = [name for name, case in cases().items() if case is None]
    assert not missing, "\n".join(
        f"добавьте правило доступа для {name}" for name in missing
    )


def test_no_rule_for_a_url_that_is_gone():
    known = set(cases())
    stale = [name for name in RULES if name not in known]
    stale += [f"export:{i}" for i in EXPORT_RULES if f"export:{i}" not in known]
    assert not stale, f"rules for URLs that no longer exist: {stale}"


def test_access_matrix(world):
    wanted = {name: case for name, case in cases().items() if case is not None}
    mismatches = run_matrix(world, wanted)
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)


def test_the_matrix_catches_a_removed_access_rule(world, monkeypatch):
    """Drop the access check of the mentee base (its views take the current
    organisation without asking for a manager role): the matrix reports it."""
    import people.views
    from people.access import require_organisation

    monkeypatch.setattr(people.views, "require_curator", require_organisation)
    wanted = {
        name: case for name, case in cases().items() if name == "people:mentee-list"
    }
    mismatches = run_matrix(world, wanted)
    assert any("people:mentee-list [mentor]" in line for line in mismatches)
    assert not any("people:mentee-list [deputy]" in line for line in mismatches)


def test_a_url_without_a_rule_is_named(monkeypatch):
    monkeypatch.delitem(RULES, "pairs:list")
    missing = [name for name, case in cases().items() if case is None]
    assert missing == ["pairs:list"]


REFUSED_POSTS = [
    # (URL name, kwargs, persona, data, expected status, "is it unchanged?")
    (
        "pairs:close",
        lambda w: {"pk": w.pair.pk},
        "mentor",
        lambda w: {"ended_on": TODAY.isoformat(), "result": "Готово"},
        403,
        lambda w: Pair.objects.get(pk=w.pair.pk).status == Pair.Status.ACTIVE,
    ),
    (
        "rewards:delete",
        lambda w: {"pk": w.reward.pk},
        "mentee",
        lambda w: {},
        403,
        lambda w: Reward.objects.filter(pk=w.reward.pk).exists(),
    ),
    (
        "questionnaires:delete",
        lambda w: {"pk": w.questionnaire.pk},
        "outsider",
        lambda w: {},
        404,
        lambda w: type(w.questionnaire).objects.filter(pk=w.questionnaire.pk).exists(),
    ),
    (
        "indicators:delete",
        lambda w: {"pk": w.indicator.pk},
        "other_mentor",
        lambda w: {},
        403,
        lambda w: Indicator.objects.filter(pk=w.indicator.pk).exists(),
    ),
    (
        "people:mentee-bulk",
        lambda w: None,
        "class_teacher",
        lambda w: {
            "mentees": [w.mentee_profile.pk],
            "action": "status",
            "status": "archived",
        },
        403,
        lambda w: (
            type(w.mentee_profile).objects.get(pk=w.mentee_profile.pk).status
            == w.mentee_profile.status
        ),
    ),
    (
        "safeguarding:record-delete",
        lambda w: {"kind": "preventive", "pk": w.preventive.pk},
        "deputy",
        lambda w: {},
        404,
        lambda w: PreventiveWorkEntry.objects.filter(pk=w.preventive.pk).exists(),
    ),
    (
        "consents:revoke",
        lambda w: {"pk": w.consent.pk},
        "psychologist",
        lambda w: {"revoked_on": TODAY.isoformat()},
        403,
        lambda w: Consent.objects.get(pk=w.consent.pk).revoked_on is None,
    ),
]


@pytest.mark.parametrize(
    "name, kwargs, persona, data, status, unchanged",
    REFUSED_POSTS,
    ids=[f"{case[0]}-{case[2]}" for case in REFUSED_POSTS],
)
def test_a_refused_post_changes_nothing(
    world, client, name, kwargs, persona, data, status, unchanged
):
    client.force_login(world.users[persona])
    response = client.post(reverse(name, kwargs=kwargs(world)), data(world))
    assert response.status_code == status
    assert unchanged(world)
