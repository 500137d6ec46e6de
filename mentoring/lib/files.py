"""Stored files: the storage that writes them whole, and evidence files attached
to plan items and roadmap rows."""

import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that never leaves half a file: the content is written
    under a temporary name in the target's folder and linked to its name only
    once whole (and synced), so that a full disk or a killed process leaves no
    truncated scan or export behind — the error reaches the caller, and the
    temporary file is gone."""

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        if self.directory_permissions_mode is not None:
            os.chmod(directory, self.directory_permissions_mode)
        descriptor, partial = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(partial, self.file_permissions_mode or 0o640)
            while True:
                try:
                    os.link(partial, full_path)  # fails, like O_EXCL, if it exists
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            os.unlink(partial)
        return str(name).replace("\\", "/")


EVIDENCE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# The `accept` attribute of the file inputs.
EVIDENCE_ACCEPT = ",".join(f".{extension}" for extension in EVIDENCE_EXTENSIONS)


def validate_evidence_file(file) -> None:
    """pdf, jpg, png, docx or xlsx, at most 5 MB (by extension and size: the file is
    only stored and handed back through a permission-checked view, never opened)."""
    if not file:
        return
    extension = os.path.splitext(file.name)[1].lower().lstrip(".")
    if extension not in EVIDENCE_EXTENSIONS:
        raise ValidationError(
            {"evidence_file": _("Attach a PDF, JPG, PNG, DOCX or XLSX file.")}
        )
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence_file": _("The file is larger than 5 MB.")})


def validate_evidence_field(file) -> None:
    """`validate_evidence_file` as a model or form field's validator: the same
    checks, raised as a plain error (the function keys its error to a field
    called evidence_file)."""
    try:
        validate_evidence_file(file)
    except ValidationError as error:
        raise ValidationError(error.message_dict["evidence_file"]) from error


def stored_file_response(field_file, filename: str | None = None) -> FileResponse:
    """A stored upload (evidence, a scan) as a download, for a view that has
    already checked who may read it; 404 when nothing is attached or the file is
    gone from storage. `filename` defaults to the stored name."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename or os.path.basename(field_file.name),
    )
