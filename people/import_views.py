"""Import pages of the mentee base and the mentor base: the engine's flow
(`mentoring.imports.ImportFlow`) with the kinds of `people.import_kinds`, and the
template to download. The curator may also create, from the preview, the
classes a file names that the organisation does not have yet.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET

from mentoring.imports import ImportFlow
from mentoring.lib.export import file_response
from people import importing
from people.access import hides_social_risk, require_curator
from people.import_kinds import KINDS
from people.jobs import start_import
from people.services import create_study_groups


def get_kind(slug: str):
    kind = importing.get_kind(slug)
    if kind is None or slug not in KINDS:
        raise Http404
    return kind


def create_groups(request, state) -> None:
    """The «create the classes» button of the preview: the names and grades it
    lists, created at once; a wrong grade is said and nothing is created."""
    organisation = request.access.organisation
    groups, index = [], 0
    while f"group-name-{index}" in request.POST:
        name = request.POST[f"group-name-{index}"].strip()
        grade = request.POST.get(f"group-grade-{index}", "").strip()
        index += 1
        if not name:
            continue
        if not grade.isdigit():
            messages.error(
                request,
                gettext("Give the grade or course of «%(name)s» (1–11).")
                % {"name": name},
            )
            return
        groups.append((name, int(grade)))
    try:
        created = create_study_groups(organisation, groups)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return
    messages.success(
        request,
        ngettext(
            "%(count)s class or group created: %(names)s.",
            "%(count)s classes or groups created: %(names)s.",
            len(created),
        )
        % {"count": len(created), "names": ", ".join(g.name for g in created)},
    )


def upload(request: HttpRequest, kind: str) -> HttpResponse:
    organisation = require_curator(request)
    base = get_kind(kind)
    hide_tier = hides_social_risk(request)
    flow = ImportFlow(
        request=request,
        kind=KINDS[kind](organisation, user=request.user, hide_tier=hide_tier),
        organisation=organisation,
        action_url=reverse("imports:upload", args=[kind]),
        done_url=reverse(base.list_url),
        back_url=reverse(base.list_url),
        back_title=str(base.title),
        page_title=str(base.page_title),
        template_url=reverse("imports:template", args=[kind]),
        intro=gettext(
            "People are added to the base of %(organisation)s. Your own spreadsheet "
            "will do: a base in the federal template layout, an export of the portal "
            "or the portal's template. You see what will happen to every row before "
            "anything is saved."
        )
        % {"organisation": organisation.short_name},
        columns_help=importing.column_specs(base, organisation, hide_tier=hide_tier),
        detail_url=base.detail_url,
        actions={"groups": create_groups},
        background=start_import,
    )
    return flow.handle()


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
