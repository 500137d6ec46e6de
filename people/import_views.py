"""Excel import pages of the mentee base and the mentor base.

upload (GET: the form; POST: the preview) → confirm (POST) → the base's list.
The steps themselves are in `people.importing`.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from mentoring.lib.export import file_response
from people import importing
from people.access import hides_social_risk, require_curator


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.cleaned_data["content"] = importing.read_upload(upload)
        return upload


def get_kind(slug: str) -> importing.BaseKind:
    kind = importing.get_kind(slug)
    if kind is None:
        raise Http404
    return kind


def page(request, kind, organisation, form, report=None, token=""):
    context = {
        "kind": kind,
        "organisation": organisation,
        "form": form,
        "report": report,
        "token": token,
        "limit": filesizeformat(importing.max_bytes()),
    }
    context["columns"] = importing.column_specs(
        kind, organisation, hide_tier=hides_social_risk(request)
    )
    if report is None:
        return render(request, "people/import_upload.html", context)
    return render(request, "people/import_preview.html", context)


def upload(request: HttpRequest, kind: str) -> HttpResponse:
    organisation = require_curator(request)
    kind = get_kind(kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return page(request, kind, organisation, form)
    content = form.cleaned_data["content"]
    try:
        report = importing.import_preview(
            kind=kind, organisation=organisation, content=content
        )
    except ValidationError as error:
        form.add_error("file", error)
        return page(request, kind, organisation, form)
    token = ""
    if report.is_clean:
        token = importing.stash(
            content=content, kind=kind, organisation=organisation, user=request.user
        )
    return page(request, kind, organisation, UploadForm(), report=report, token=token)


@require_POST
def confirm(request: HttpRequest, kind: str) -> HttpResponse:
    organisation = require_curator(request)
    kind = get_kind(kind)
    content = importing.unstash(
        token=request.POST.get("token", ""),
        kind=kind,
        organisation=organisation,
        user=request.user,
    )
    if content is None:
        messages.error(
            request,
            gettext(
                "This import is no longer available (it expired, was already "
                "confirmed or belongs to someone else). Upload the file again."
            ),
        )
        return redirect("imports:upload", kind=kind.slug)
    try:
        report = importing.import_apply(
            kind=kind, organisation=organisation, content=content
        )
    except importing.ImportRejected as rejected:
        messages.error(request, rejected.message)
        return page(request, kind, organisation, UploadForm(), report=rejected.report)
    except ValidationError as error:
        form = UploadForm()
        for message in error.messages:
            messages.error(request, message)
        return page(request, kind, organisation, form)
    messages.success(
        request,
        gettext("Imported: %(new)s new, %(updated)s updated.")
        % {"new": report.new, "updated": report.updated},
    )
    return redirect(kind.list_url)


@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    organisation = require_curator(request)
    kind = get_kind(kind)
    content = importing.build_template(
        kind=kind, organisation=organisation, hide_tier=hides_social_risk(request)
    )
    return file_response(
        content, f"{kind.template_filename}.xlsx", importing.XLSX_CONTENT_TYPE
    )
