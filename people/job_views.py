"""The user's background jobs (mentoring.jobs): start an export, follow its
progress, download its file. A job and its file are its user's only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mentoring import jobs
from mentoring.lib.export import get_exporter
from mentoring.lib.files import stored_file_response
from mentoring.lib.redirects import safe_next
from mentoring.models import Job
from people.jobs import job_params


def own_job(request: HttpRequest, pk: int) -> Job:
    """The user's job; another user's is 404 (its existence is not told)."""
    return get_object_or_404(Job, pk=pk, user=request.user)


@require_POST
def start_export(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    """Queue the report the export link would send, with the page's filters, and
    show its progress. Who may run it is checked now and again when it runs."""
    exporter_class = get_exporter(identifier)
    if exporter_class is None or fmt not in exporter_class.formats:
        raise Http404
    request.GET = QueryDict(request.POST.get("query", ""))
    exporter = exporter_class(request)
    if not exporter.allowed():
        raise PermissionDenied
    job = jobs.start(
        user=request.user,
        organisation=request.access.organisation,
        kind=Job.Kind.EXPORT,
        identifier=identifier,
        fmt=fmt,
        params=job_params(request),
        title=f"{exporter_class.verbose_name} ({fmt.upper()})",
    )
    detail = reverse("jobs:detail", args=[job.pk])
    back = request.POST.get("next", "")
    return redirect(f"{detail}?{urlencode({'next': back})}" if back else detail)


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Job.objects.filter(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "jobs/job_list.html", {"page_obj": page})


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = own_job(request, pk)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "state": jobs.current_state(job),
            "back": safe_next(request, request.GET.get("next"), reverse("jobs:list")),
        },
    )


@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's state for its page to poll: status, progress (0–100 or null)."""
    job = own_job(request, pk)
    return JsonResponse(jobs.current_state(job))


@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = own_job(request, pk)
    if job.status != Job.Status.DONE:
        raise Http404
    return stored_file_response(job.file, job.filename)


@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed export again with the same parameters, as a new job."""
    job = own_job(request, pk)
    if job.status != Job.Status.FAILED or job.kind != Job.Kind.EXPORT:
        raise Http404
    again = jobs.start(
        user=request.user,
        organisation=job.organisation,
        kind=job.kind,
        identifier=job.identifier,
        fmt=job.fmt,
        params=job.params,
        title=job.title,
    )
    messages.info(request, _("The job was started again."))
    return redirect("jobs:detail", pk=again.pk)
