"""Background jobs that act as their user (mentoring.jobs): an export runs as the
request that asked for it would, with the same organisation, parameters and
rights — checked again when the job runs, so a user who lost the right in the
meantime gets a refusal, not the file."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.test import RequestFactory
from django.utils.translation import gettext as _

from mentoring import jobs
from mentoring.jobs import JobRefused, Outcome
from mentoring.lib import importer
from mentoring.lib.export import XLSX, get_exporter, no_space_refused
from mentoring.lib.importer import ImportState
from mentoring.models import ImportMapping, Job
from people.access import access_for, hides_social_risk
from people.import_kinds import KINDS
from people.middleware import SESSION_KEY

# Parameters of the request kept beside the query string: the client's address
# (for the access log) and the site's host and scheme (the request rebuilt by the
# worker passes ALLOWED_HOSTS, and a PDF finds the static files).
CLIENT_IP, HOST, SECURE = "_ip", "_host", "_secure"
# An admin action's job: the model and the rows selected in the changelist.
ADMIN_MODEL, ADMIN_IDS = "_admin_model", "_admin_ids"


def origin(request) -> dict:
    """Who asked, from where: kept with every job started by `request`."""
    return {
        CLIENT_IP: request.META.get("REMOTE_ADDR", ""),
        HOST: request.get_host(),
        SECURE: request.is_secure(),
    }


def default_host() -> str:
    """A host the site answers to, for a job that did not record its own."""
    hosts = [host for host in settings.ALLOWED_HOSTS if host and "*" not in host]
    return (hosts[0] if hosts else "localhost").lstrip(".")


def job_params(request) -> dict:
    """What a job needs to act as `request`: its query string and origin."""
    return {"query": request.GET.urlencode(), **origin(request)}


def request_for(job: Job):
    """A GET request as the job's user in the job's organisation."""
    params = job.params or {}
    request = RequestFactory().get(
        f"/export/{job.identifier}.{job.fmt}",
        data=QueryDict(params.get("query", "")),
        REMOTE_ADDR=params.get(CLIENT_IP) or "127.0.0.1",
        HTTP_HOST=params.get(HOST) or default_host(),
        secure=bool(params.get(SECURE)),
    )
    user = get_user_model().objects.get(pk=job.user_id)
    request.user = user
    request.session = {SESSION_KEY: job.organisation_id}
    request.access = access_for(user, job.organisation_id)
    request.job = job
    return request


def background_admin_action(identifier: str, fmt: str = XLSX, description=None):
    """An admin action that exports the selected rows through the exporter as a
    background job (a municipality's whole base), then shows its progress."""

    def action(modeladmin, request, queryset):
        exporter_class = get_exporter(identifier)
        job = jobs.start(
            user=request.user,
            organisation=request.access.organisation,
            kind=Job.Kind.EXPORT,
            identifier=identifier,
            fmt=fmt,
            params={
                **origin(request),
                ADMIN_MODEL: queryset.model._meta.label_lower,
                ADMIN_IDS: list(queryset.values_list("pk", flat=True)),
            },
            title=f"{exporter_class.verbose_name} ({fmt.upper()})",
        )
        return redirect("jobs:detail", pk=job.pk)

    action.short_description = description or get_exporter(identifier).verbose_name
    action.__name__ = f"export_{identifier.replace('-', '_')}_{fmt}"
    return action


def admin_queryset(job: Job, user):
    """The rows an admin action selected, while its user may still view them."""
    model = apps.get_model(job.params[ADMIN_MODEL])
    meta = model._meta
    permission = f"{meta.app_label}.view_{meta.model_name}"
    if not (user.is_staff and user.has_perm(permission)):
        raise JobRefused(_("You may no longer run this report."))
    return model._default_manager.filter(pk__in=job.params[ADMIN_IDS])


def run_export(job: Job, report) -> Outcome:
    exporter_class = get_exporter(job.identifier)
    if exporter_class is None or job.fmt not in exporter_class.formats:
        raise JobRefused(_("This report does not exist."))
    request = request_for(job)
    if not request.user.is_active:
        raise JobRefused(_("Your account is blocked."))
    if ADMIN_MODEL in job.params:
        exporter = exporter_class(request, queryset=admin_queryset(job, request.user))
    else:
        exporter = exporter_class(request)
        try:
            allowed = exporter.allowed()
        except (Http404, PermissionDenied):
            allowed = False
        if not allowed:
            raise JobRefused(_("You may no longer run this report."))
    exporter.progress = report
    with no_space_refused():
        content = exporter.render(job.fmt)
    return Outcome(content=content, filename=f"{exporter.filename()}.{job.fmt}")


def start_import(flow, state, content: bytes, filename: str) -> Job:
    """Hand a confirmed import to a background job: the file is kept under a token
    of its own, which only the job knows (a second confirmation finds nothing)."""
    request = flow.request
    state.token = importer.stash(
        content=content,
        filename=filename,
        slug=flow.kind.slug,
        organisation=flow.organisation,
        user=request.user,
    )
    return jobs.start(
        user=request.user,
        organisation=flow.organisation,
        kind=Job.Kind.IMPORT,
        identifier=flow.kind.slug,
        params={
            "state": state.to_json(),
            "done_url": flow.done_url,
            **origin(request),
        },
        title=f"{flow.page_title}: {filename}"[:200],
    )


def run_import(job: Job, report) -> Outcome:
    """Write a confirmed import as its user, in one transaction (all or nothing)."""
    request = request_for(job)
    access = request.access
    organisation = access.organisation
    if (
        not request.user.is_active
        or organisation is None
        or organisation.pk != job.organisation_id
        or not access.is_manager
        or job.identifier not in KINDS
    ):
        raise JobRefused(_("You may no longer import into this base."))
    kind = KINDS[job.identifier](
        organisation, user=request.user, hide_tier=hides_social_risk(request)
    )
    state = ImportState.from_json(job.params["state"])
    claimed = importer.unstash(
        token=state.token,
        slug=job.identifier,
        organisation=organisation,
        user=request.user,
        claim=True,
    )
    if claimed is None:
        raise JobRefused(
            _(
                "This import has already been confirmed or has expired; nothing "
                "was imported again."
            )
        )
    content, filename = claimed
    # The rows are written in one transaction: its progress goes to the cache.
    report.to_row = False
    try:
        _preview, counts = importer.apply(
            kind,
            content=content,
            filename=filename,
            state=state,
            remembered=ImportMapping.remembered(organisation, job.identifier),
            progress=report,
        )
    except importer.Rejected as rejected:
        raise JobRefused(
            f"{rejected.message} {_('Upload the file again to see them.')}"
        ) from rejected
    except ValidationError as error:
        raise JobRefused(" ".join(error.messages)) from error
    return Outcome(result=importer.summary(counts))
