"""Evidence files attached to plan items and roadmap rows."""

import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
