"""Background jobs that act as their user (mentoring.jobs): an export runs as the
request that asked for it would, with the same organisation, parameters and
rights — checked again when the job runs, so a user who lost the right in the
meantime gets a refusal, not the file."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.test import RequestFactory
from django.utils.translation import gettext as _

from mentoring.jobs import JobRefused, Outcome
from mentoring.lib.export import get_exporter
from mentoring.models import Job
from people.access import access_for
from people.middleware import SESSION_KEY

# Parameters of the request kept beside the query string.
CLIENT_IP = "_ip"


def job_params(request) -> dict:
    """What a job needs to act as `request`: its query string and client address."""
    return {
        "query": request.GET.urlencode(),
        CLIENT_IP: request.META.get("REMOTE_ADDR", ""),
    }


def request_for(job: Job):
    """A GET request as the job's user in the job's organisation."""
    params = job.params or {}
    request = RequestFactory().get(
        f"/export/{job.identifier}.{job.fmt}",
        data=QueryDict(params.get("query", "")),
        REMOTE_ADDR=params.get(CLIENT_IP) or "127.0.0.1",
    )
    user = get_user_model().objects.get(pk=job.user_id)
    request.user = user
    request.session = {SESSION_KEY: job.organisation_id}
    request.access = access_for(user, job.organisation_id)
    request.job = job
    return request


def run_export(job: Job, report) -> Outcome:
    exporter_class = get_exporter(job.identifier)
    if exporter_class is None or job.fmt not in exporter_class.formats:
        raise JobRefused(_("This report does not exist."))
    request = request_for(job)
    if not request.user.is_active:
        raise JobRefused(_("Your account is blocked."))
    exporter = exporter_class(request)
    try:
        allowed = exporter.allowed()
    except (Http404, PermissionDenied):
        allowed = False
    if not allowed:
        raise JobRefused(_("You may no longer run this report."))
    exporter.progress = report
    content = exporter.render(job.fmt)
    return Outcome(content=content, filename=f"{exporter.filename()}.{job.fmt}")
