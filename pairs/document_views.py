"""The documents page: every document the portal can generate for the current
programme, each with its download buttons (the files come from the one export view,
see mentoring/lib/export.py); and the life of an order fixing pairs: approve the
draft with its number and date, reprint it, attach and download the signed scan.

The order's writes are `pairs.services.pair_order_approve` and
`pair_order_scan_attach`."""

import os
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mentoring.lib.export import DOCX, PDF, REGISTRY, XLSX
from mentoring.lib.files import stored_file_response
from mentoring.models import MentoringForm, Programme, SchoolYear
from pairs.document_exports import ConfidentialPairsOrderExporter, PairsOrderExporter
from pairs.models import Pair, PairOrder
from pairs.services import pair_order_approve, pair_order_scan_attach
from people.access import require_curator, without_tier

FORMAT_LABELS = {PDF: "PDF", XLSX: "Excel", DOCX: "Word"}
FORMAT_ORDER = {PDF: 0, DOCX: 1, XLSX: 2}


def _downloads(identifier: str, params: dict) -> list[dict]:
    """The buttons of one exporter, or none when it is not (yet) registered."""
    exporter = REGISTRY.get(identifier)
    if exporter is None:
        return []
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return [
        {
            "format": fmt,
            "label": FORMAT_LABELS.get(fmt, fmt.upper()),
            "url": reverse("export", kwargs={"identifier": identifier, "fmt": fmt})
            + (f"?{query}" if query else ""),
        }
        for fmt in sorted(exporter.formats, key=lambda fmt: FORMAT_ORDER.get(fmt, 9))
    ]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _school_years(programmes, today) -> list[tuple]:
    """The school years the organisation's programmes run in, and this one."""
    starts = {SchoolYear.bounds_for(today)[0].year}
    for programme in programmes:
        for year in range(programme.starts_on.year - 1, programme.ends_on.year + 1):
            start, end = SchoolYear.bounds_for(date(year, 9, 1))
            if programme.starts_on <= end and programme.ends_on >= start:
                starts.add(start.year)
    return sorted(
        (SchoolYear.bounds_for(date(year, 9, 1)) for year in starts), reverse=True
    )


def document_list(request):
    organisation = require_curator(request)
    today = timezone.localdate()
    all_programmes = list(Programme.objects.for_organisation(organisation))
    years = _school_years(all_programmes, today)
    year = SchoolYear.bounds_for(today)
    year_param = request.GET.get("year", "")
    if year_param.isdigit() and int(year_param) in {y[0].year for y in years}:
        year = next(y for y in years if y[0].year == int(year_param))
    programmes = [
        p for p in all_programmes if p.starts_on <= year[1] and p.ends_on >= year[0]
    ]
    programme = None
    pk = request.GET.get("programme", "")
    if pk.isdigit():
        programme = next((p for p in programmes if p.pk == int(pk)), None)
    if programme is None and not pk:
        programme = next(
            (p for p in programmes if p.starts_on <= today <= p.ends_on),
            programmes[0] if programmes else None,
        )
    forms = MentoringForm.objects.filter(is_active=True)
    if programme is not None:
        forms = programme.forms.all()
    forms = without_tier(request, forms).order_by("order", "name")
    form = None
    form_pk = request.GET.get("form", "")
    if form_pk.isdigit():
        form = next((f for f in forms if f.pk == int(form_pk)), None)

    pairs = without_tier(request, Pair.objects.for_organisation(organisation))
    if programme is not None:
        pairs = pairs.filter(programme=programme)
    if form is not None:
        pairs = pairs.filter(form=form)
    awaiting = pairs.filter(order_number="").exclude(
        status__in=[Pair.Status.COMPLETED, Pair.Status.TERMINATED]
    )
    # The social-risk pairs are never in the order all staff read: they have a
    # confidential order of their own (pairs.document_exports).
    confidential = pairs.filter(form__is_social_risk=True)
    awaiting_confidential = awaiting.filter(form__is_social_risk=True)
    awaiting = awaiting.exclude(form__is_social_risk=True)
    filters = {
        "programme": programme.pk if programme else None,
        "form": form.pk if form else None,
    }
    groups = [
        {
            "title": _("Programme"),
            "icon": "journal-text",
            "documents": [
                {
                    "title": _("Mentoring programme: summary"),
                    "description": _(
                        "Goal, period, forms and role variants, curators, the "
                        "approval order and the numbers of participants; with "
                        "«УТВЕРЖДАЮ» and a place for the pedagogical council's "
                        "minutes."
                    ),
                    "downloads": _downloads(
                        "programme-summary", {"programme": filters["programme"]}
                    ),
                    "unavailable": programme is None,
                },
                {
                    "title": _("Roadmap"),
                    "description": _(
                        "The stages of the programme with activities, dates and "
                        "those responsible."
                    ),
                    "downloads": _downloads(
                        "roadmap", {"programme": filters["programme"]}
                    ),
                    "unavailable": programme is None,
                    "hidden": "roadmap" not in REGISTRY,
                },
            ],
        },
        {
            "title": _("Pairs and groups"),
            "icon": "people",
            "documents": [
                {
                    "title": _("Order on fixing mentoring pairs and groups"),
                    "description": _(
                        "The order with the appendix listing the pairs and groups "
                        "awaiting an order, and a sheet for the mentors' signatures."
                    ),
                    "count": awaiting.count(),
                    "downloads": _downloads("pairs-order", {**filters, "order": "no"}),
                    "unavailable": not awaiting.exists(),
                    "unavailable_text": _("No pairs or groups await an order."),
                    "approve": {"confidential": False, **filters}
                    if awaiting.exists()
                    else None,
                },
                {
                    "title": _("Order on fixing mentoring pairs (confidential)"),
                    "description": _(
                        "The pairs of the form for pupils in a socially dangerous "
                        "situation, in an order of their own marked «for official "
                        "use only»: the general order never lists them."
                    ),
                    "count": awaiting_confidential.count(),
                    # The draft for the pairs awaiting an order, else a reprint
                    # of the order of all of them.
                    "downloads": _downloads(
                        "pairs-order-confidential",
                        {**filters, "order": "no"}
                        if awaiting_confidential.exists()
                        else filters,
                    ),
                    "hidden": not confidential.exists(),
                    "approve": {"confidential": True, **filters}
                    if awaiting_confidential.exists()
                    else None,
                },
                {
                    "title": _("List of mentoring pairs and groups"),
                    "description": _(
                        "Every pair and group by form of mentoring: mentors, mentees, "
                        "role variants, periods and orders."
                    ),
                    "downloads": _downloads("pairs-list", filters)
                    + _downloads("pairs", filters),
                },
            ],
        },
        {
            "title": _("Bases"),
            "icon": "table",
            "documents": [
                {
                    "title": _("Mentee base"),
                    "description": _("In the layout of the federal template."),
                    "downloads": _downloads("mentee-base", {}),
                },
                {
                    "title": _("Mentor base"),
                    "description": _("In the layout of the federal template."),
                    "downloads": _downloads("mentor-base", {}),
                },
                {
                    "title": _("Request map"),
                    "description": _(
                        "Mentees' requests by area and form: covered by a pair or not."
                    ),
                    "downloads": _downloads(
                        "request-map", {"programme": filters["programme"]}
                    ),
                },
            ],
        },
    ]
    rewards_url = _url("rewards:list")
    if rewards_url:
        groups.append(
            {
                "title": _("Rewards"),
                "icon": "award",
                "documents": [
                    {
                        "title": _("Letters of thanks and certificates"),
                        "description": _(
                            "The register of rewards of mentors and mentees, and "
                            "their letters and certificates."
                        ),
                        "link": rewards_url,
                    }
                ],
            }
        )
    for group in groups:
        group["documents"] = [
            document for document in group["documents"] if not document.get("hidden")
        ]
    return render(
        request,
        "pairs/document_list.html",
        {
            "organisation": organisation,
            "programmes": programmes,
            "programme": programme,
            "forms": forms,
            "selected_form": form,
            "years": [
                {"value": start.year, "label": f"{start.year}/{end.year}"}
                for start, end in years
            ],
            "year": year[0].year,
            "groups": groups,
            "orders": approved_orders(request, organisation),
            "today": today,
        },
    )


# --- The order's life: approve, reprint, the signed scan ---------------------------


def _order_exporter(request, *, confidential: bool, params=None):
    """The exporter of the general or the confidential order, refusing (403) whoever
    may not print it: the scan and the approval follow the order's own rule."""
    exporter_class = (
        ConfidentialPairsOrderExporter if confidential else PairsOrderExporter
    )
    exporter = exporter_class(request)
    if params is not None:
        exporter.params = params
    if not exporter.allowed():
        raise PermissionDenied
    return exporter


def approved_orders(request, organisation) -> list[dict]:
    """The organisation's approved orders (a number and date its pairs share),
    newest first, each with its reprint buttons and its scan, if attached. The
    confidential ones only for those who may print them."""
    pairs = without_tier(request, Pair.objects.for_organisation(organisation))
    keys = (
        pairs.exclude(order_number="")
        .values_list("order_number", "order_date", "form__is_social_risk")
        .order_by("-order_date", "-order_number")
    )
    counts: dict[tuple, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    scans = {
        (order.number, order.date, order.confidential): order
        for order in PairOrder.objects.filter(organisation=organisation)
    }
    result = []
    for (number, day, confidential), count in counts.items():
        identifier = "pairs-order-confidential" if confidential else "pairs-order"
        scan = scans.get((number, day, confidential))
        result.append(
            {
                "number": number,
                "date": day,
                "confidential": confidential,
                "count": count,
                "downloads": _downloads(
                    identifier,
                    {"order_number": number, "order_date": day.isoformat()},
                ),
                "scan_url": reverse("documents:order-scan", args=[scan.pk])
                if scan and scan.scan
                else None,
            }
        )
    return result


class OrderApproveForm(forms.Form):
    order_number = forms.CharField(label=_("Order No."), max_length=50)
    order_date = forms.DateField(label=_("Order date"))


class OrderScanForm(forms.Form):
    number = forms.CharField(max_length=50)
    date = forms.DateField()
    confidential = forms.BooleanField(required=False)
    scan = forms.FileField(label=_("Signed scan"))


def _flag(value) -> bool:
    return str(value) in ("1", "true", "True", "on")


@require_POST
def order_approve(request):
    """Approve the draft order the page offers (the same pairs: the filters are
    sent back) with the number and date it was signed under."""
    require_curator(request)
    confidential = _flag(request.POST.get("confidential"))
    params = QueryDict(mutable=True)
    for name in ("programme", "form"):
        if request.POST.get(name):
            params[name] = request.POST[name]
    params["order"] = "no"
    exporter = _order_exporter(request, confidential=confidential, params=params)
    target = reverse("documents:list") + (
        f"?{urlencode({k: v for k, v in params.items() if k != 'order'})}"
    )
    form = OrderApproveForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form[name].label}: {message}")
        return redirect(target)
    number, day = form.cleaned_data["order_number"], form.cleaned_data["order_date"]
    try:
        pair_order_approve(
            organisation=exporter.organisation,
            pairs=exporter.pairs(),
            confidential=exporter.confidential,
            number=number,
            order_date=day,
            by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        count = Pair.objects.for_organisation(exporter.organisation).filter(
            order_number=number.strip(), order_date=day
        )
        messages.success(
            request,
            ngettext(
                "The order No. %(number)s fixed %(count)s pair or group.",
                "The order No. %(number)s fixed %(count)s pairs and groups.",
                count.count(),
            )
            % {"number": number.strip(), "count": count.count()},
        )
    return redirect(target)


@require_POST
def order_scan_upload(request):
    """Attach the signed scan of an approved order."""
    organisation = require_curator(request)
    form = OrderScanForm(request.POST, request.FILES)
    target = reverse("documents:list")
    if not form.is_valid():
        for name, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form[name].label}: {message}")
        return redirect(target)
    data = form.cleaned_data
    _order_exporter(request, confidential=data["confidential"])
    try:
        pair_order_scan_attach(
            organisation=organisation,
            number=data["number"],
            order_date=data["date"],
            confidential=data["confidential"],
            scan=data["scan"],
            by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            gettext("The signed scan of the order No. %(number)s is attached.")
            % {"number": data["number"]},
        )
    return redirect(target)


def order_scan(request, pk: int):
    """The signed scan, through this permission-checked view only (the order's own
    rule), never a public media URL; another organisation's is 404."""
    organisation = require_curator(request)
    order = get_object_or_404(PairOrder, pk=pk, organisation=organisation)
    _order_exporter(request, confidential=order.confidential)
    extension = os.path.splitext(order.scan.name)[1].lower()
    filename = f"Приказ № {order.number} от {order.date:%d.%m.%Y}{extension}"
    return stored_file_response(order.scan, filename.replace("/", "-"))
