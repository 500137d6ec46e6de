"""The import pages, the same for every kind (`mentoring.lib.importer`): one view
object per request walks the steps the page posts.

- GET: the upload form.
- step «upload»: the file is checked for size and kept (`importer.stash`), so a
  later error never loses it; the mapping is suggested and shown.
- step «map»: another sheet or header row, or the mapping changed: shown again.
- step «check»: the mapping is confirmed (and remembered for the organisation),
  the rows are checked and shown as a grid; corrections, exclusions and decisions
  come back with the next «check».
- step «apply»: the rows are checked once more and written in one transaction.
- any other step is offered to the app (`actions`), e.g. creating the classes a
  file names; the preview is shown again after it.

The app's view gives the kind, the URLs and the page's titles; the permission
check is the app's, before the flow is made.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib import importer, tabular
from mentoring.lib.importer import ImportKind, ImportState, header_key
from mentoring.models import ImportMapping

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, or a ValidationError saying why it is refused.
    The size is checked before a byte is read; the format by the reader."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            gettext("The file is %(size)s, larger than the limit of %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(gettext("The file is empty (0 bytes)."), code="empty")
    content = b"".join(upload.chunks())
    if len(content) > limit:  # the reported size is the client's word
        raise ValidationError(
            gettext("The file is %(size)s, larger than the limit of %(limit)s.")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in tabular.FORMATS:
        raise ValidationError(
            gettext(
                "«%(name)s» is not a spreadsheet: choose an .xlsx, .xls, .ods or "
                ".csv file."
            )
            % {"name": upload.name},
            code="format",
        )
    return content


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"),
        widget=forms.FileInput(
            attrs={"accept": ",".join(tabular.FORMATS)},
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.cleaned_data["content"] = read_upload(upload)
        return upload


def display(cleaned, raw) -> str:
    """A checked cell as it will be saved («45901» → «01.09.2025», «ученик-ученик»
    → the catalogue's «Ученик – ученик»), else as the file has it."""
    if isinstance(cleaned, date):
        return cleaned.strftime("%d.%m.%Y")
    if hasattr(cleaned, "pk"):
        return str(cleaned)
    if isinstance(cleaned, list) and cleaned:
        return "; ".join(str(item) for item in cleaned)
    if isinstance(cleaned, str) and cleaned:
        return cleaned
    return importer.tabular_text(raw)


@dataclass
class Cell:
    field: str
    label: str
    text: str
    error: str = ""
    editable: bool = False


@dataclass
class ImportFlow:
    request: object
    kind: ImportKind
    organisation: object
    action_url: str
    done_url: str
    back_url: str
    back_title: str
    page_title: str
    template_url: str = ""
    intro: str = ""
    columns_help: list = field(default_factory=list)
    detail_url: str = ""  # a URL name taking an existing record's pk
    actions: dict[str, Callable] = field(default_factory=dict)
    template_name: str = "imports/import.html"
    # (flow, state, content, filename) -> Job: a confirmed file larger than
    # IMPORT_BACKGROUND_BYTES is written by a background job with its progress.
    background: Callable | None = None

    # -- the steps -----------------------------------------------------------------
    def handle(self) -> HttpResponse:
        request = self.request
        if request.method != "POST":
            return self.page(form=UploadForm())
        step = request.POST.get("step", "upload")
        if step == "upload" or "file" in request.FILES:
            return self.upload()
        state = ImportState.from_post(request.POST)
        loaded = importer.unstash(
            token=state.token,
            slug=self.kind.slug,
            organisation=self.organisation,
            user=request.user,
        )
        if loaded is None:
            messages.error(
                request,
                gettext(
                    "This import is no longer available (it expired, was already "
                    "confirmed or belongs to someone else). Upload the file again."
                ),
            )
            return redirect(self.action_url)
        content, filename = loaded
        if step in self.actions:
            self.actions[step](request, state)
            state.checked = True
            return self.show(content, filename, state)
        if step == "apply":
            return self.apply(state)
        if step == "check":
            state.checked = True
        elif step == "map":
            state.checked = False
        return self.show(content, filename, state, remember=step == "check")

    def upload(self) -> HttpResponse:
        form = UploadForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self.page(form=form)
        content = form.cleaned_data["content"]
        filename = form.cleaned_data["file"].name
        state = ImportState(
            token=importer.stash(
                content=content,
                filename=filename,
                slug=self.kind.slug,
                organisation=self.organisation,
                user=self.request.user,
            )
        )
        return self.show(content, filename, state, keep=False)

    def show(
        self, content, filename, state, *, remember=False, keep=True
    ) -> HttpResponse:
        """The page for the file as the state reads it. `keep=False` (a fresh
        upload): a file that cannot be read at all is not kept."""
        remembered = ImportMapping.remembered(self.organisation, self.kind.slug)
        try:
            preview = importer.preview_file(
                self.kind,
                content=content,
                filename=filename,
                state=state,
                remembered=remembered,
            )
        except ValidationError as error:
            if not keep:
                importer.unstash(
                    token=state.token,
                    slug=self.kind.slug,
                    organisation=self.organisation,
                    user=self.request.user,
                    claim=True,
                )
                state = None
            return self.page(
                form=UploadForm(), state=state, filename=filename, errors=error.messages
            )
        if remember and not preview.mapping_errors:
            ImportMapping.remember(
                self.organisation,
                self.kind.slug,
                {
                    header_key(column.header): column.field
                    for column in preview.columns
                    if header_key(column.header)
                },
            )
        return self.page(form=UploadForm(), state=state, preview=preview)

    def apply(self, state: ImportState) -> HttpResponse:
        request = self.request
        claimed = importer.unstash(
            token=state.token,
            slug=self.kind.slug,
            organisation=self.organisation,
            user=request.user,
            claim=True,
        )
        if claimed is None:  # confirmed twice: the first one took the file
            messages.error(
                request,
                gettext(
                    "This import has already been confirmed or has expired; nothing "
                    "was imported again."
                ),
            )
            return redirect(self.done_url)
        content, filename = claimed
        if self.background and len(content) > settings.IMPORT_BACKGROUND_BYTES:
            job = self.background(self, state, content, filename)
            return redirect("jobs:detail", pk=job.pk)
        remembered = ImportMapping.remembered(self.organisation, self.kind.slug)
        try:
            _preview, counts = importer.apply(
                self.kind,
                content=content,
                filename=filename,
                state=state,
                remembered=remembered,
            )
        except importer.Rejected as rejected:
            self.put_back(state, content)
            messages.error(request, rejected.message)
            return self.page(form=UploadForm(), state=state, preview=rejected.preview)
        except ValidationError as error:
            self.put_back(state, content)
            return self.page(
                form=UploadForm(), state=state, filename=filename, errors=error.messages
            )
        messages.success(request, importer.summary(counts))
        return redirect(self.done_url)

    def put_back(self, state, content) -> None:
        importer.restash(
            token=state.token,
            content=content,
            slug=self.kind.slug,
            organisation=self.organisation,
            user=self.request.user,
        )

    # -- the page ------------------------------------------------------------------
    def page(self, *, form, state=None, preview=None, filename="", errors=()):
        if preview is not None:
            self.lay_out(preview, state)
        context = {
            "flow": self,
            "kind": self.kind,
            "form": form,
            "state": state,
            "preview": preview,
            "filename": preview.filename if preview else filename,
            "file_errors": list(errors),
            "limit": filesizeformat(max_bytes()),
            "choices": [
                (importer.SKIP, gettext("— do not load —")),
                *((c.key, str(c.label)) for c in self.kind.columns),
            ],
            "defaults": self.defaults(preview, state),
            "header_choices": range(1, 31),
        }
        return render(self.request, self.template_name, context)

    def defaults(self, preview, state) -> list:
        if preview is None:
            return []
        mapped = {column.field for column in preview.columns if column.field}
        shown = []
        for default in self.kind.defaults():
            if default.key in mapped:
                continue
            if default.when and not mapped & set(default.when):
                continue
            value = (
                state.defaults.get(default.key) if state else None
            ) or default.initial
            shown.append((default, value))
        return shown

    def lay_out(self, preview, state) -> None:
        """The grid's cells per shown row, and the state of the rows not shown."""
        mapped = preview.mapped
        shown = preview.shown_rows
        preview.grid = []
        for row in shown:
            cells = []
            for column in mapped:
                key = column.field
                value = row.raw.get(key)
                error = row.errors.get(key, "")
                editable = bool(error) or key in row.edited
                cells.append(
                    Cell(
                        field=key,
                        label=column.header or self.kind.label(key),
                        text=importer.tabular_text(value)
                        if editable
                        else display(row.values.get(key), value),
                        error=error,
                        editable=editable,
                    )
                )
            # An error on a field no column holds (the names, say) is shown too.
            extra = [
                f"{self.kind.label(key)}: {message}"
                for key, message in row.errors.items()
                if key not in {column.field for column in mapped}
            ]
            preview.grid.append((row, cells, extra))
        numbers = {row.number for row in shown}
        preview.hidden_state = {
            "edits": [
                (f"edit-{number}-{key}", value)
                for (number, key), value in (state.edits.items() if state else ())
                if number not in numbers
            ],
            "excluded": sorted(
                n for n in (state.excluded if state else ()) if n not in numbers
            ),
            "decisions": [
                (f"decide-{number}", value)
                for number, value in (state.decisions.items() if state else ())
                if number not in numbers
            ],
        }
