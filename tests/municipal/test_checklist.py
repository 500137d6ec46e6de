"""The checklist's rules (municipal/checklist.py): deadlines, submitting with
evidence, reviewing, overdue and late, and the hints from the portal's data."""

import os
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mentoring.models import ProgrammeStage, RoadmapItem
from municipal.checklist import (
    ITEMS,
    checklist_deadline_set,
    checklist_entry_review,
    checklist_entry_submit,
    checklist_rows,
    checklist_suggestions,
    checklist_totals,
)
from municipal.models import ChecklistDeadline, ChecklistEntry, ChecklistItem
from people.models import Role
from tests import factories as f
from tests.conftest import member

pytestmark = pytest.mark.django_db

ADOPTED = ChecklistItem.REGULATION_ADOPTED
PUBLISHED = ChecklistItem.REGULATION_PUBLISHED


def submit(organisation, item=ADOPTED, by=None, **values):
    values.setdefault("done_on", date(2022, 7, 28))
    values.setdefault("document", "приказ № 45 от 28.07.2022")
    return checklist_entry_submit(organisation=organisation, item=item, by=by, **values)


@pytest.fixture
def coordinator_user(organisation):
    user = f.UserFactory(username="coord")
    f.MembershipFactory(
        user=user,
        organisation=None,
        municipality=organisation.municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    return user


def test_items_in_the_order_of_seed_001():
    assert ITEMS == [
        "regulation_adopted",
        "regulation_published",
        "curator_appointed",
        "council_created",
        "roadmap_adopted",
        "programme_approved",
    ]


# --- deadlines ------------------------------------------------------------------------


def test_deadline_set_changes_and_removes(organisation):
    municipality = organisation.municipality
    deadline = checklist_deadline_set(
        municipality=municipality, item=ADOPTED, due_on=date(2022, 8, 1), by=None
    )
    assert deadline.due_on == date(2022, 8, 1)
    checklist_deadline_set(
        municipality=municipality, item=ADOPTED, due_on=date(2022, 8, 6), by=None
    )
    assert ChecklistDeadline.objects.get().due_on == date(2022, 8, 6)
    checklist_deadline_set(
        municipality=municipality, item=ADOPTED, due_on=None, by=None
    )
    assert not ChecklistDeadline.objects.exists()


def test_deadline_of_an_unknown_item_is_refused(organisation):
    with pytest.raises(ValidationError):
        checklist_deadline_set(
            municipality=organisation.municipality,
            item="nonsense",
            due_on=date(2022, 8, 1),
            by=None,
        )
    assert not ChecklistDeadline.objects.exists()


# --- submitting -----------------------------------------------------------------------


def test_submit_creates_an_entry_awaiting_review(organisation, head):
    entry = submit(organisation, by=head, note="  на педсовете  ")
    assert entry.status == ChecklistEntry.Status.SUBMITTED
    assert entry.submitted_by == head
    assert entry.note == "на педсовете"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"document": "", "link": ""}, "document"),
        ({"done_on": date.today() + timedelta(days=1)}, "done_on"),
    ],
)
def test_submit_refusals_change_nothing(organisation, values, field):
    with pytest.raises(ValidationError) as error:
        submit(organisation, **values)
    assert field in error.value.message_dict
    assert not ChecklistEntry.objects.exists()


def test_publication_needs_a_link(organisation):
    with pytest.raises(ValidationError) as error:
        submit(organisation, item=PUBLISHED)
    assert "link" in error.value.message_dict
    assert not ChecklistEntry.objects.exists()
    entry = submit(organisation, item=PUBLISHED, link="https://school1.ru/nastavnik")
    assert entry.link == "https://school1.ru/nastavnik"


def test_a_link_or_a_file_is_evidence_enough(organisation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = submit(organisation, document="", link="https://school1.ru/polozhenie")
    assert entry.pk
    entry = submit(
        organisation,
        item=ChecklistItem.COUNCIL_CREATED,
        document="",
        evidence_file=SimpleUploadedFile("приказ.pdf", b"%PDF-1.4"),
    )
    assert entry.evidence_file
    # A correction keeps the file already attached, which remains the evidence.
    entry = submit(organisation, item=ChecklistItem.COUNCIL_CREATED, document="")
    assert entry.evidence_file


def test_a_new_file_replaces_the_old(
    organisation, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    first = submit(organisation, evidence_file=SimpleUploadedFile("a.pdf", b"1"))
    old = first.evidence_file.path
    with django_capture_on_commit_callbacks(execute=True):
        entry = submit(organisation, evidence_file=SimpleUploadedFile("b.pdf", b"2"))
    assert entry.evidence_file.read() == b"2"
    assert not os.path.exists(old)


def test_a_wrong_file_is_refused(organisation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        submit(organisation, evidence_file=SimpleUploadedFile("a.exe", b"MZ"))
    assert "evidence_file" in error.value.message_dict
    assert not ChecklistEntry.objects.exists()
    assert not list(tmp_path.rglob("*.exe"))


@pytest.mark.parametrize("accept", [True, False])
def test_resubmitting_a_reviewed_entry_awaits_review_again(
    organisation, coordinator_user, accept
):
    entry = submit(organisation)
    checklist_entry_review(
        entry=entry, accept=accept, comment="нет подписи", by=coordinator_user
    )
    entry = submit(organisation, document="приказ № 46 от 29.07.2022")
    assert entry.status == ChecklistEntry.Status.SUBMITTED
    assert entry.reviewed_by is None and entry.reviewed_at is None
    assert entry.review_comment == ""
    assert ChecklistEntry.objects.count() == 1


# --- reviewing ------------------------------------------------------------------------


def test_accept(organisation, coordinator_user):
    entry = checklist_entry_review(
        entry=submit(organisation), accept=True, comment="", by=coordinator_user
    )
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.ACCEPTED
    assert entry.reviewed_by == coordinator_user and entry.reviewed_at


def test_returning_needs_a_comment(organisation, coordinator_user):
    entry = submit(organisation)
    with pytest.raises(ValidationError) as error:
        checklist_entry_review(entry=entry, accept=False, comment=" ", by=None)
    assert "comment" in error.value.message_dict
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.SUBMITTED
    assert entry.reviewed_at is None
    checklist_entry_review(
        entry=entry, accept=False, comment="Нет даты", by=coordinator_user
    )
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.RETURNED
    assert entry.review_comment == "Нет даты"


def test_an_accepted_entry_may_be_returned(organisation, coordinator_user):
    entry = submit(organisation)
    checklist_entry_review(entry=entry, accept=True, comment="", by=coordinator_user)
    checklist_entry_review(
        entry=entry, accept=False, comment="Не тот приказ", by=coordinator_user
    )
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.RETURNED


@pytest.mark.parametrize(
    ("first", "then"), [(True, True), (False, True), (False, False)]
)
def test_review_refusals_change_nothing(organisation, coordinator_user, first, then):
    entry = submit(organisation)
    checklist_entry_review(entry=entry, accept=first, comment="x", by=coordinator_user)
    before = ChecklistEntry.objects.values().get()
    with pytest.raises(ValidationError):
        checklist_entry_review(entry=entry, accept=then, comment="y", by=None)
    assert ChecklistEntry.objects.values().get() == before


# --- overdue and late -----------------------------------------------------------------


def test_overdue_and_late(organisation, coordinator_user):
    municipality = organisation.municipality
    today = date(2022, 8, 10)
    for item, due_on in [
        (ADOPTED, date(2022, 8, 1)),
        (PUBLISHED, date(2022, 8, 6)),
        (ChecklistItem.CURATOR_APPOINTED, date(2022, 9, 1)),
    ]:
        checklist_deadline_set(
            municipality=municipality, item=item, due_on=due_on, by=None
        )
    # done in time and accepted: neither overdue nor late
    checklist_entry_review(
        entry=submit(organisation, done_on=date(2022, 7, 28)),
        accept=True,
        comment="",
        by=coordinator_user,
    )
    # done after the deadline, awaiting review: overdue and late
    submit(
        organisation,
        item=PUBLISHED,
        done_on=date(2022, 8, 8),
        link="https://school1.ru/polozhenie",
    )
    (row,) = checklist_rows([organisation], today)
    cells = {cell.item: cell for cell in row.cells}
    assert [cell.item for cell in row.cells] == ITEMS
    assert (cells[ADOPTED].overdue, cells[ADOPTED].late) == (False, False)
    assert (cells[PUBLISHED].overdue, cells[PUBLISHED].late) == (True, True)
    # the deadline has not come yet
    assert cells[ChecklistItem.CURATOR_APPOINTED].overdue is False
    # no deadline: never overdue
    assert cells[ChecklistItem.COUNCIL_CREATED].deadline is None
    assert cells[ChecklistItem.COUNCIL_CREATED].overdue is False
    assert cells[ChecklistItem.COUNCIL_CREATED].state == "missing"
    assert (row.accepted, row.awaiting, row.overdue) == (1, 1, 1)
    # accepted late: no longer overdue, still late
    checklist_entry_review(
        entry=cells[PUBLISHED].entry, accept=True, comment="", by=coordinator_user
    )
    (row,) = checklist_rows([organisation], today)
    cell = row.cells[1]
    assert (cell.overdue, cell.late) == (False, True)
    # on the deadline's own day nothing is overdue yet
    (row,) = checklist_rows([organisation], date(2022, 9, 1))
    assert row.cells[2].overdue is False


def test_a_deadline_is_the_organisations_municipalitys(organisation):
    far = f.OrganisationFactory(municipality=f.MunicipalityFactory(name="Другой район"))
    checklist_deadline_set(
        municipality=organisation.municipality,
        item=ADOPTED,
        due_on=date(2022, 8, 1),
        by=None,
    )
    ours, theirs = checklist_rows([organisation, far], date(2022, 9, 1))
    assert ours.cells[0].overdue and ours.cells[0].deadline == date(2022, 8, 1)
    assert not theirs.cells[0].overdue and theirs.cells[0].deadline is None


def test_rows_and_totals_in_two_queries(
    organisation, coordinator_user, django_assert_max_num_queries
):
    organisations = [organisation] + [
        f.OrganisationFactory(municipality=organisation.municipality) for _ in range(5)
    ]
    for other in organisations:
        submit(other)
    checklist_deadline_set(
        municipality=organisation.municipality,
        item=PUBLISHED,
        due_on=date(2022, 8, 6),
        by=None,
    )
    with django_assert_max_num_queries(2):
        rows = checklist_rows(organisations, date(2022, 9, 1))
        totals = checklist_totals(rows)
    assert len(rows) == 6
    assert totals[0].awaiting == 6 and totals[0].missing == 0
    assert totals[1].overdue == 6 and totals[1].deadline == date(2022, 8, 6)


# --- hints from the portal's data -----------------------------------------------------


def test_suggestions(organisation, programme):
    assert checklist_suggestions(organisation) == {}
    programme.approval_order_number = "45-од"
    programme.approval_order_date = date(2025, 8, 29)
    programme.save()
    RoadmapItem.objects.create(
        programme=programme,
        stage=ProgrammeStage.objects.order_by("number").first(),
        activity="Мероприятие",
    )
    member(organisation, Role.CURATOR, "cur")
    hints = checklist_suggestions(organisation)
    assert set(hints) == {
        ChecklistItem.PROGRAMME_APPROVED,
        ChecklistItem.ROADMAP_ADOPTED,
        ChecklistItem.CURATOR_APPOINTED,
    }
    approved = hints[ChecklistItem.PROGRAMME_APPROVED]
    assert approved.document == "приказ № 45-од от 29.08.2025"
    assert approved.done_on == date(2025, 8, 29)
    # a hint never ticks
    assert not ChecklistEntry.objects.exists()
