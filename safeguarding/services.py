"""Writes of the confidential records. Each write and its access-log row are one
transaction: a change is never saved without its row."""

from django.db import transaction

from people.audit import log_access
from people.models import AccessLog


@transaction.atomic
def record_save(*, request, record, created: bool):
    """Save a new or changed record (validated by `full_clean`, which raises a
    ValidationError with translated messages) and log it."""
    if created:
        record.created_by = request.user
    record.full_clean()
    record.save()
    log_access(
        request,
        AccessLog.Action.CREATE if created else AccessLog.Action.UPDATE,
        record,
    )
    return record


@transaction.atomic
def record_delete(*, request, record) -> None:
    log_access(request, AccessLog.Action.DELETE, record)
    scan = getattr(record, "scan", None)
    record.delete()
    if scan:
        storage, name = scan.storage, scan.name
        transaction.on_commit(lambda: storage.delete(name))
