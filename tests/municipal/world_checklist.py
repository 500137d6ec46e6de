"""The checklist part of the access matrix's world (tests/test_access_matrix.py):
objects its URLs need, set as attributes of the world.

- `world.checklist_deadline`: our municipality's deadline for the regulation;
- `world.checklist_entry`: world.organisation's entry for it, awaiting review, with
  an evidence file whose bytes are not in storage (the matrix checks access; the
  download itself is tested in tests/municipal/test_checklist_pages.py).
"""

from datetime import date

from municipal.models import ChecklistDeadline, ChecklistEntry, ChecklistItem


def build(world) -> None:
    world.checklist_deadline = ChecklistDeadline.objects.create(
        municipality=world.organisation.municipality,
        item=ChecklistItem.REGULATION_ADOPTED,
        due_on=date(2022, 8, 1),
    )
    world.checklist_entry = ChecklistEntry.objects.create(
        organisation=world.organisation,
        item=ChecklistItem.REGULATION_ADOPTED,
        done_on=date(2022, 7, 28),
        document="приказ № 45 от 28.07.2022",
        evidence_file="checklist/2022/missing.pdf",
        submitted_by=world.users["curator"],
    )
