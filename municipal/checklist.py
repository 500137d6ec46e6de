"""The implementation checklist of seed 001: services (writes) and reads.

The municipality's coordinator sets a deadline per item; an organisation's head,
deputy or curator ticks an item with its evidence; the coordinator accepts the
entry or returns it with a comment. Views check who may do what
(`municipal/checklist_views.py`); these functions only keep the rules.

Reading interface (for the coordinator's dashboard and the municipal report):

    rows = checklist_rows(organisations, today)   # one ChecklistRow per organisation
    for row in rows:
        row.organisation, row.accepted, row.overdue, row.awaiting
        for cell in row.cells:                    # the six items, in seed 001's order
            cell.item            # a ChecklistItem value
            cell.label           # its Russian name
            cell.entry           # ChecklistEntry or None
            cell.deadline        # date or None (the municipality's deadline)
            cell.state           # "accepted" | "submitted" | "returned" | "missing"
            cell.overdue         # not accepted and the deadline has passed
            cell.late            # the entry's document is dated after the deadline
    checklist_totals(rows)      # per item: accepted / awaiting / returned / overdue

Two queries whatever the number of organisations (entries and deadlines).
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import Municipality, Organisation, Programme
from municipal.models import ChecklistDeadline, ChecklistEntry, ChecklistItem
from people.models import Membership, Role

# Seed 001's order: TextChoices keep the order of definition.
ITEMS: list[str] = list(ChecklistItem.values)

MISSING = "missing"


# --- Reads ----------------------------------------------------------------------------


@dataclass
class ChecklistCell:
    """One organisation × one item."""

    item: str
    entry: ChecklistEntry | None
    deadline: date | None
    today: date

    @property
    def label(self) -> str:
        return ChecklistItem(self.item).label

    @property
    def state(self) -> str:
        return self.entry.status if self.entry else MISSING

    @property
    def is_accepted(self) -> bool:
        return self.state == ChecklistEntry.Status.ACCEPTED

    @property
    def overdue(self) -> bool:
        """No accepted entry and the deadline has passed (an entry awaiting review
        or returned is still overdue: the item is not done until accepted)."""
        return (
            not self.is_accepted
            and self.deadline is not None
            and self.deadline < self.today
        )

    @property
    def late(self) -> bool:
        """Done after the deadline: the entry's document is dated later than it.
        The document's date, not the submission's, is what the order measures (the
        portal may be filled in long after the documents were signed)."""
        return (
            self.entry is not None
            and self.deadline is not None
            and self.entry.done_on > self.deadline
        )


@dataclass
class ChecklistRow:
    organisation: Organisation
    cells: list[ChecklistCell] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for cell in self.cells if cell.state == state)

    @property
    def accepted(self) -> int:
        return self.count(ChecklistEntry.Status.ACCEPTED)

    @property
    def awaiting(self) -> int:
        return self.count(ChecklistEntry.Status.SUBMITTED)

    @property
    def returned(self) -> int:
        return self.count(ChecklistEntry.Status.RETURNED)

    @property
    def overdue(self) -> int:
        return sum(1 for cell in self.cells if cell.overdue)

    @property
    def is_complete(self) -> bool:
        return self.accepted == len(self.cells)


def checklist_rows(organisations, today: date | None = None) -> list[ChecklistRow]:
    """Per organisation (in the given order) and item: its entry, its
    municipality's deadline, whether it is overdue or late."""
    today = today or timezone.localdate()
    organisations = list(organisations)
    entries = {
        (entry.organisation_id, entry.item): entry
        for entry in ChecklistEntry.objects.filter(
            organisation__in=[o.pk for o in organisations]
        ).select_related("submitted_by", "reviewed_by")
    }
    deadlines = {
        (deadline.municipality_id, deadline.item): deadline.due_on
        for deadline in ChecklistDeadline.objects.filter(
            municipality_id__in={o.municipality_id for o in organisations}
        )
    }
    return [
        ChecklistRow(
            organisation=organisation,
            cells=[
                ChecklistCell(
                    item=item,
                    entry=entries.get((organisation.pk, item)),
                    deadline=deadlines.get((organisation.municipality_id, item)),
                    today=today,
                )
                for item in ITEMS
            ],
        )
        for organisation in organisations
    ]


@dataclass
class ItemTotals:
    item: str
    deadline: date | None = None
    accepted: int = 0
    awaiting: int = 0
    returned: int = 0
    missing: int = 0
    overdue: int = 0
    late: int = 0

    @property
    def label(self) -> str:
        return ChecklistItem(self.item).label


def checklist_totals(rows: list[ChecklistRow]) -> list[ItemTotals]:
    """Per item, how many organisations are at each state (the deadline is the
    first row's: all rows of one municipality share it)."""
    totals = {item: ItemTotals(item=item) for item in ITEMS}
    for row in rows:
        for cell in row.cells:
            total = totals[cell.item]
            total.deadline = total.deadline or cell.deadline
            attribute = {
                ChecklistEntry.Status.ACCEPTED: "accepted",
                ChecklistEntry.Status.SUBMITTED: "awaiting",
                ChecklistEntry.Status.RETURNED: "returned",
            }.get(cell.state, "missing")
            setattr(total, attribute, getattr(total, attribute) + 1)
            total.overdue += cell.overdue
            total.late += cell.late
    return list(totals.values())


@dataclass
class Suggestion:
    """What the portal's own data says about an item: a hint and a prefill for
    the form, never a tick."""

    text: str
    done_on: date | None = None
    document: str = ""


def checklist_suggestions(organisation: Organisation) -> dict[str, Suggestion]:
    """Hints for the curator from the programmes, roadmaps and roles."""
    suggestions: dict[str, Suggestion] = {}
    programmes = Programme.objects.filter(organisation=organisation)
    approved = (
        programmes.exclude(approval_order_number="", approval_order_date=None)
        .order_by("-approval_order_date", "-starts_on")
        .first()
    )
    if approved is not None:
        # Prefilled data, written as the organisation's documents are: Russian.
        document = "приказ"
        if approved.approval_order_number:
            document += f" № {approved.approval_order_number}"
        if approved.approval_order_date:
            document += f" от {approved.approval_order_date:%d.%m.%Y}"
        suggestions[ChecklistItem.PROGRAMME_APPROVED] = Suggestion(
            text=_("The programme «%(title)s» is approved by %(document)s.")
            % {"title": approved.title, "document": document},
            done_on=approved.approval_order_date,
            document=document,
        )
    with_roadmap = programmes.filter(roadmap_items__isnull=False).distinct().first()
    if with_roadmap is not None:
        suggestions[ChecklistItem.ROADMAP_ADOPTED] = Suggestion(
            text=_("The programme «%(title)s» has a roadmap in the portal.")
            % {"title": with_roadmap.title},
            document=_("roadmap of the programme «%(title)s»")
            % {"title": with_roadmap.title},
        )
    if Membership.objects.filter(organisation=organisation, role=Role.CURATOR).exists():
        suggestions[ChecklistItem.CURATOR_APPOINTED] = Suggestion(
            text=_("The portal has a curator of the organisation.")
        )
    return suggestions


# --- Writes ---------------------------------------------------------------------------


def _check_item(item: str) -> None:
    if item not in ITEMS:
        raise ValidationError(_("There is no such item of the checklist."))


@transaction.atomic
def checklist_deadline_set(
    *, municipality: Municipality, item: str, due_on: date | None, by
) -> ChecklistDeadline | None:
    """Set (or, with no date, remove) the municipality's deadline for an item."""
    _check_item(item)
    if due_on is None:
        ChecklistDeadline.objects.filter(municipality=municipality, item=item).delete()
        return None
    deadline = ChecklistDeadline.objects.filter(
        municipality=municipality, item=item
    ).first() or ChecklistDeadline(municipality=municipality, item=item)
    deadline.due_on = due_on
    deadline.full_clean()
    deadline.save()
    return deadline


@transaction.atomic
def checklist_entry_submit(
    *,
    organisation: Organisation,
    item: str,
    done_on: date,
    document: str = "",
    link: str = "",
    evidence_file=None,
    note: str = "",
    by,
) -> ChecklistEntry:
    """Tick an item (or correct a tick): the entry waits for the coordinator's
    review again, whatever it was. `evidence_file` None keeps the file already
    attached. Evidence is at least a document, a link or a file; publication on
    the website needs its link."""
    _check_item(item)
    document, link, note = document.strip(), link.strip(), note.strip()
    entry = ChecklistEntry.objects.filter(
        organisation=organisation, item=item
    ).first() or ChecklistEntry(organisation=organisation, item=item)
    errors: dict[str, list[str]] = {}
    if done_on is None:
        errors["done_on"] = [_("Give the date of the document.")]
    elif done_on > timezone.localdate():
        errors["done_on"] = [_("The date of the document cannot be in the future.")]
    if item == ChecklistItem.REGULATION_PUBLISHED and not link:
        errors["link"] = [
            _("Give the link to the regulation on the organisation's website.")
        ]
    elif not (document or link or evidence_file or entry.evidence_file):
        errors["document"] = [
            _("Give the document, a link or a file that proves the item is done.")
        ]
    if errors:
        raise ValidationError(errors)
    entry.done_on, entry.document = done_on, document
    entry.link, entry.note = link, note
    replaced = entry.evidence_file.name if evidence_file else ""
    if evidence_file:
        entry.evidence_file = evidence_file
    entry.status = ChecklistEntry.Status.SUBMITTED
    entry.submitted_by = by
    entry.reviewed_by, entry.reviewed_at, entry.review_comment = None, None, ""
    # A kept file is not read again (it may sit on another storage).
    entry.full_clean(exclude=None if evidence_file else ["evidence_file"])
    entry.save()
    if replaced and replaced != entry.evidence_file.name:
        storage = entry.evidence_file.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    return entry


@transaction.atomic
def checklist_entry_review(
    *, entry: ChecklistEntry, accept: bool, comment: str = "", by
) -> ChecklistEntry:
    """Accept an entry awaiting review, or return it (also an accepted one) with
    a comment saying what to correct."""
    comment = comment.strip()
    if accept:
        if entry.status != ChecklistEntry.Status.SUBMITTED:
            raise ValidationError(_("Only an entry awaiting review can be accepted."))
        entry.status = ChecklistEntry.Status.ACCEPTED
    else:
        if entry.status == ChecklistEntry.Status.RETURNED:
            raise ValidationError(_("This entry is already returned."))
        if not comment:
            raise ValidationError(
                {"comment": [_("Say what to correct when returning an entry.")]}
            )
        entry.status = ChecklistEntry.Status.RETURNED
    entry.review_comment = comment
    entry.reviewed_by, entry.reviewed_at = by, timezone.now()
    entry.full_clean(exclude=["evidence_file"])
    entry.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    return entry
