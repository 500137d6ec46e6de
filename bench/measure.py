"""One database measured in this process: `python -m bench.measure --mode
district|demo --out FILE` with DATABASE_URL set (bench/run.py starts it on a
throw-away copy of the cached database, so the access log the pages write does
not pile up from run to run).

Everything runs in-process through django.test.Client with DEBUG off: the time
of a page is Django's (middleware, views, queries, templates), without a web
server or a network. Each figure: a warm-up, one run counted with
CaptureQueriesContext, then timed runs (median and p95). The demo mode only
counts the queries of the pages (the «demo size vs district size» figure).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from mentoring.models import Municipality, Organisation, Programme  # noqa: E402
from monitoring.models import Measurement  # noqa: E402
from pairs.models import Pair, PairMentee  # noqa: E402
from people.access import access_for  # noqa: E402
from people.middleware import SESSION_KEY  # noqa: E402
from people.models import Membership, MenteeProfile, Role, User  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
# A page slower than this gets fewer timed runs (at least MIN_RUNS).
SECONDS_PER_FIGURE = float(os.environ.get("BENCH_SECONDS_PER_FIGURE", "4"))
MIN_RUNS = 2
EXPORT_ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "10000"))
SMALL_EXPORT_ROWS = EXPORT_ROWS // 10
IMPORT_EXPORT_SECONDS = 60
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "5000"))
DISTRICT_NAME = "Сгенерированный район"


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S", time.gmtime())
    print(f"  [{stamp}] {message}", file=sys.stderr, flush=True)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "median_ms": ms(statistics.median(ordered)),
        "p95_ms": ms(p95),
        "min_ms": ms(ordered[0]),
        "runs": len(ordered),
    }


def runs_for(first: float, runs: int = RUNS) -> int:
    """`runs`, fewer for a slow figure (at least MIN_RUNS): the whole bench has to
    finish in ten minutes."""
    if first <= 0:
        return runs
    return max(MIN_RUNS, min(runs, int(SECONDS_PER_FIGURE / first)))


class QueryCounter:
    """Counts queries without keeping them (CaptureQueriesContext keeps the last
    9 000 only)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def timed(call, *, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


# --- Who and what is measured -------------------------------------------------------


@dataclass
class Targets:
    municipality: Municipality
    organisation: Organisation
    curator: User
    coordinator: User | None
    superuser: User
    programme: Programme | None
    mentee: MenteeProfile | None

    def describe(self) -> dict:
        return {
            "municipality": self.municipality.name,
            "organisation": self.organisation.short_name,
            "curator": self.curator.username,
            "coordinator": self.coordinator.username if self.coordinator else None,
            "programme": self.programme.pk if self.programme else None,
            "mentee": self.mentee.pk if self.mentee else None,
            "pairs": Pair.objects.for_organisation(self.organisation).count(),
            "mentees": MenteeProfile.objects.for_organisation(
                self.organisation
            ).count(),
        }


def find_targets() -> Targets:
    """The organisation with most pairs (the generator's largest school in the
    district), its curator, the municipality's coordinator, a superuser for the
    admin, the organisation's default programme and a waiting mentee."""
    pairs = Pair.objects.all()
    district = Municipality.objects.filter(name=DISTRICT_NAME).first()
    if district is not None:
        pairs = pairs.filter(programme__organisation__municipality=district)
    top = (
        pairs.order_by()
        .values("programme__organisation")
        .annotate(n=Count("pk"))
        .order_by("-n", "programme__organisation")
        .first()
    )
    if top is None:
        raise SystemExit("No pairs in this database: nothing to measure.")
    organisation = Organisation.objects.select_related("municipality").get(
        pk=top["programme__organisation"]
    )
    staff = Membership.objects.filter(organisation=organisation).select_related("user")
    membership = (
        staff.filter(role=Role.CURATOR).order_by("pk").first()
        or staff.filter(role=Role.HEAD).order_by("pk").first()
    )
    if membership is None:
        raise SystemExit(f"No curator in {organisation.short_name}.")
    coordinator = (
        Membership.objects.filter(
            role=Role.MUNICIPAL_COORDINATOR, municipality=organisation.municipality
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    superuser = User.objects.filter(is_superuser=True, is_active=True).first()
    if superuser is None:
        superuser = User.objects.create_superuser(
            "bench-admin", "bench-admin@localhost", None
        )
    mentees = MenteeProfile.objects.for_organisation(organisation).waiting()
    mentee = (
        mentees.filter(requests__isnull=False).order_by("pk").first()
        or mentees.order_by("pk").first()
    )
    return Targets(
        municipality=organisation.municipality,
        organisation=organisation,
        curator=membership.user,
        coordinator=coordinator.user if coordinator else None,
        superuser=superuser,
        programme=Programme.objects.for_organisation(organisation).default(),
        mentee=mentee,
    )


def client_for(user: User, organisation: Organisation | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if organisation is not None:
        session = client.session
        session[SESSION_KEY] = organisation.pk
        session.save()
    return client


@dataclass
class Page:
    key: str
    label: str
    url: str
    who: str  # "curator" or "coordinator"
    admin_model: type | None = None
    per_page: int = 25


def pages_for(t: Targets) -> list[Page]:
    """Every list page a curator opens, the curator's home, matching for one
    mentee, monitoring and the coordinator's dashboard, each with the admin
    changelist of the model it lists (page size: the page's)."""
    from mentoring.models import RoadmapItem
    from monitoring.models import Campaign, Indicator, Questionnaire
    from municipal.models import Practice
    from pairs.models import Meeting, Reward
    from people.models import Consent, MenteeRequest, MentorProfile, StudyGroup

    organisation, programme = t.organisation, t.programme
    open_pairs = Pair.objects.for_organisation(organisation).open().count()
    roadmap_items = (
        RoadmapItem.objects.filter(programme=programme).count() if programme else 0
    )
    grid_rows = (
        PairMentee.objects.filter(pair__programme=programme).count()
        + Pair.objects.filter(programme=programme).count()
        if programme
        else 25
    )
    pages = [
        Page("home", "Curator home", reverse("home"), "curator", Pair),
        Page(
            "mentee-list",
            "Mentee base",
            reverse("people:mentee-list"),
            "curator",
            MenteeProfile,
        ),
        Page(
            "mentor-list",
            "Mentor base",
            reverse("people:mentor-list"),
            "curator",
            MentorProfile,
        ),
        Page("pair-list", "Pairs list", reverse("pairs:list"), "curator", Pair),
        Page(
            "request-map",
            "Request map",
            reverse("matching:request-map"),
            "curator",
            MenteeRequest,
        ),
        Page(
            "groups",
            "Classes and groups",
            reverse("groups:list"),
            "curator",
            StudyGroup,
            100,
        ),
        Page("consents", "Consents", reverse("consents:list"), "curator", Consent),
        Page("rewards", "Rewards", reverse("rewards:list"), "curator", Reward),
        Page(
            "journal",
            "Meetings journal",
            reverse("journal:list"),
            "curator",
            Meeting,
        ),
        Page(
            "plans",
            "Personalised plans (all open pairs)",
            reverse("plans:list"),
            "curator",
            Pair,
            max(open_pairs, 1),
        ),
        Page("documents", "Documents", reverse("documents:list"), "curator", Pair),
        Page(
            "questionnaires",
            "Questionnaires",
            reverse("questionnaires:list"),
            "curator",
            Questionnaire,
        ),
        Page(
            "campaigns",
            "Questionnaire campaigns",
            reverse("questionnaires:campaign-list"),
            "curator",
            Campaign,
        ),
        Page(
            "measurements",
            "Entry and exit values (grid)",
            reverse("measurements:grid"),
            "curator",
            Measurement,
            max(grid_rows, 1),
        ),
        Page(
            "indicators",
            "Indicators",
            reverse("indicators:list"),
            "curator",
            Indicator,
        ),
        Page(
            "bank",
            "Municipal mentor bank",
            reverse("bank:list"),
            "curator",
            MentorProfile,
        ),
        Page(
            "practices",
            "Best practices",
            reverse("practices:list"),
            "curator",
            Practice,
        ),
        Page(
            "monitoring",
            "Monitoring (index)",
            reverse("monitoring:index"),
            "curator",
            Programme,
        ),
    ]
    if programme is not None:
        pages.append(
            Page(
                "roadmap",
                "Roadmap",
                reverse("roadmap:detail", args=[programme.pk]),
                "curator",
                RoadmapItem,
                max(roadmap_items, 1),
            )
        )
        pages.append(
            Page(
                "monitoring-programme",
                "Monitoring of the programme",
                reverse("monitoring:programme", args=[programme.pk]),
                "curator",
                Campaign,
            )
        )
    if t.mentee is not None:
        pages.append(
            Page(
                "matching",
                "Matching for one mentee",
                reverse("matching:for-mentee", args=[t.mentee.pk]),
                "curator",
                MentorProfile,
                20,
            )
        )
    if t.coordinator is not None:
        pages.append(
            Page(
                "municipality",
                "Coordinator dashboard",
                reverse("municipal:dashboard"),
                "coordinator",
                Organisation,
                max(
                    Organisation.objects.filter(municipality=t.municipality).count(),
                    1,
                ),
            )
        )
    return pages


def admin_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def fetch(client: Client, url: str):
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def measure_url(client: Client, url: str, *, timing: bool) -> dict:
    fetch(client, url)  # warm-up
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = fetch(client, url)
        first = time.perf_counter() - start
    result = {"url": url, "status": response.status_code, "queries": len(captured)}
    if response.status_code != 200:
        result["location"] = response.get("Location", "")
        return result
    if timing:
        more = runs_for(first) - 1
        result.update(summary([first, *timed(lambda: fetch(client, url), runs=more)]))
    return result


def measure_pages(t: Targets, *, timing: bool) -> list[dict]:
    clients = {"curator": client_for(t.curator, t.organisation)}
    if t.coordinator is not None:
        clients["coordinator"] = client_for(t.coordinator)
    superuser = client_for(t.superuser)
    results = []
    for page in pages_for(t):
        started = time.perf_counter()
        row = {"key": page.key, "label": page.label}
        try:
            row.update(measure_url(clients[page.who], page.url, timing=timing))
        except Exception as error:  # noqa: BLE001 - a report, not a crash
            row.update({"url": page.url, "status": 500, "error": repr(error)})
        if timing and page.admin_model is not None:
            model_admin = admin.site._registry[page.admin_model]
            saved = model_admin.list_per_page
            model_admin.list_per_page = page.per_page
            try:
                row["admin"] = measure_url(
                    superuser, admin_url(page.admin_model), timing=True
                )
            except Exception as error:  # noqa: BLE001
                row["admin"] = {"status": 500, "error": repr(error)}
            finally:
                model_admin.list_per_page = saved
            row["admin"]["model"] = page.admin_model._meta.label
            row["admin"]["per_page"] = page.per_page
        row["seconds"] = round(time.perf_counter() - started, 1)
        log(
            f"{page.label}: {row.get('median_ms', '-')} ms, {row.get('queries', '-')} q"
            + (
                f"; admin {row['admin'].get('median_ms', '-')} ms"
                if "admin" in row
                else ""
            )
        )
        results.append(row)
    return results


# --- Exports ------------------------------------------------------------------------


def admin_request(user: User):
    request = RequestFactory().get("/admin/")
    request.user = user
    request.session = {}
    request.access = access_for(user, None)
    return request


def measure_exports(t: Targets) -> dict:
    """The mentee base export (the exporter of the admin action, the whole
    municipality's first N mentees) beside a bare openpyxl write-only dump of the
    same values and beside django-import-export's export of the same mentees."""
    from import_export.formats.base_formats import XLSX
    from openpyxl import Workbook

    from mentoring.lib.export import render_xlsx
    from people.exports import MenteeBaseExporter
    from people.resources import MenteeResource

    everyone = MenteeProfile.objects.filter(
        participant__organisation__municipality=t.municipality
    ).order_by("participant__search_text", "pk")

    def mentees(count: int):
        pks = list(everyone.values_list("pk", flat=True)[:count])
        return MenteeProfile.objects.filter(pk__in=pks)

    def export(queryset) -> bytes:
        exporter = MenteeBaseExporter(admin_request(t.superuser), queryset=queryset)
        return render_xlsx(exporter.rows(), title=str(exporter.verbose_name))

    def bare(values) -> bytes:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Sheet")
        for row in values:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def import_export(queryset) -> bytes:
        dataset = MenteeResource().export(queryset=queryset)
        return XLSX().export_data(dataset)

    def peak(call) -> int:
        tracemalloc.start()
        try:
            call()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    result: dict = {}
    large = mentees(EXPORT_ROWS)
    exporter = MenteeBaseExporter(admin_request(t.superuser), queryset=large)
    values = [list(row) for row in exporter.rows()]
    result["mentees"] = large.count()
    result["rows"] = len(values) - 1
    log(f"export: {result['mentees']} mentees, {result['rows']} rows")

    with QueryCounter() as counted:
        start = time.perf_counter()
        export(large)
        first = time.perf_counter() - start
    result["export_queries"] = counted.count
    runs = runs_for(first, 3)
    result["export"] = summary([first, *timed(lambda: export(large), runs=runs - 1)])
    log(f"export: {result['export']['median_ms']} ms")
    result["bare"] = summary(timed(lambda: bare(values), runs=runs))
    log(f"bare openpyxl: {result['bare']['median_ms']} ms")
    result["renderer"] = summary(timed(lambda: render_xlsx(values), runs=runs))
    log(f"render_xlsx of the values: {result['renderer']['median_ms']} ms")
    # django-import-export makes queries per row: first on a tenth of the rows;
    # when the whole would take longer than IMPORT_EXPORT_SECONDS (PostgreSQL
    # over a socket: minutes), its time is that tenth's times ten, and says so.
    small = mentees(SMALL_EXPORT_ROWS)
    with QueryCounter() as counted:
        (tenth,) = timed(lambda: import_export(small), runs=1)
    factor = result["mentees"] / max(small.count(), 1)
    if tenth * factor <= IMPORT_EXPORT_SECONDS:
        with QueryCounter() as counted:
            ie = timed(lambda: import_export(large), runs=1)
        result["import_export"] = summary(ie)
    else:
        result["import_export"] = {
            **summary([tenth * factor]),
            "extrapolated_from": small.count(),
        }
        counted.count = round(counted.count * factor)
    result["import_export_queries"] = counted.count
    log(f"django-import-export: {result['import_export']['median_ms']} ms")

    result["small_mentees"] = small.count()
    result["peak_small_bytes"] = peak(lambda: export(small))
    result["peak_large_bytes"] = peak(lambda: export(large))
    log(
        f"peak memory: {result['peak_small_bytes'] / 2**20:.1f} MiB at "
        f"{result['small_mentees']}, {result['peak_large_bytes'] / 2**20:.1f} MiB at "
        f"{result['mentees']} mentees"
    )
    return result


def measure_pdfs(t: Targets) -> list[dict]:
    if t.programme is None:
        return []
    client = client_for(t.curator, t.organisation)
    results = []
    for key, label, identifier in (
        ("roadmap-pdf", "Roadmap PDF", "roadmap"),
        ("monitoring-report-pdf", "Monitoring report PDF", "monitoring-report"),
    ):
        url = (
            reverse("export", args=[identifier, "pdf"]) + f"?programme={t.programme.pk}"
        )
        row = {"key": key, "label": label}
        try:
            row.update(measure_url(client, url, timing=False))
            if row["status"] == 200:
                row.update(summary(timed(lambda url=url: fetch(client, url), runs=3)))
        except Exception as error:  # noqa: BLE001
            row.update({"url": url, "status": 500, "error": repr(error)})
        log(f"{label}: {row.get('median_ms', '-')} ms")
        results.append(row)
    return results


# --- Import preview -----------------------------------------------------------------


def import_file(t: Targets, rows: int) -> bytes:
    """A mentee base file of `rows` new pupils under the import template's
    headers (people.importing.column_specs), classes of the organisation."""
    from openpyxl import Workbook

    from people.importing import KINDS, column_specs
    from people.models import Participant

    specs = column_specs(KINDS["mentees"], t.organisation)
    groups = list(t.organisation.study_groups.values_list("name", flat=True)) or [""]
    pupil = str(Participant.Kind.PUPIL.label)
    last = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Волков"]
    first = ["Артём", "Михаил", "Иван", "Дмитрий", "Максим", "Лев", "Марк"]
    middle = ["Андреевич", "Сергеевич", "Олегович", "Ильич", "Павлович"]
    requests = [
        "Подготовка к ОГЭ по математике",
        "Адаптация в новом классе",
        "Проект по информатике",
        "Чтение и литература",
    ]

    def value(spec, n: int):
        name = spec.name
        if name == "last_name":
            return last[n % len(last)]
        if name == "first_name":
            return first[n // len(last) % len(first)]
        if name == "middle_name":
            return middle[n // (len(last) * len(first)) % len(middle)]
        if name == "kind":
            return pupil
        if name == "birth_date":
            return date(2008 + n % 8, 1 + n % 12, 1 + n % 28)
        if name == "study_group":
            return groups[n % len(groups)]
        if name == "phone":
            return f"+7 900 {n // 10000:03d}-{n % 10000:04d}"
        if name == "email":
            return f"pupil{n}@example.org"
        if name == "requests":
            return requests[n % len(requests)]
        return None

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Наставляемые")
    sheet.append([spec.header for spec in specs])
    for n in range(rows):
        sheet.append([value(spec, n) for spec in specs])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure_import(t: Targets) -> dict:
    from mentoring.lib import importer
    from people.import_kinds import KINDS

    content = import_file(t, IMPORT_ROWS)
    result: dict = {"rows": IMPORT_ROWS}

    def preview(checked: bool):
        kind = KINDS["mentees"](t.organisation, user=t.curator, hide_tier=False)
        state = importer.ImportState(checked=checked)
        return importer.preview_file(
            kind, content=content, filename="bench.xlsx", state=state
        )

    for key, checked in (("preview", False), ("check", True)):
        try:
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                shown = preview(checked)
                first = time.perf_counter() - start
            result[key] = {
                **summary([first, *timed(lambda c=checked: preview(c), runs=1)]),
                "queries": len(captured),
                "rows_read": len(shown.rows),
                "mapping_errors": [str(e) for e in shown.mapping_errors],
                "new": shown.new,
            }
        except Exception as error:  # noqa: BLE001 - e.g. the preview's time budget
            result[key] = {
                "error": "; ".join(getattr(error, "messages", [repr(error)]))
            }
        log(f"import {key}: {result[key].get('median_ms', result[key].get('error'))}")
    return result


# --- Matching -----------------------------------------------------------------------


def measure_matching(t: Targets) -> dict:
    """`suggest_mentors` for one mentee (what the page calls), and the scoring of
    every candidate alone (the candidates loaded beforehand)."""
    from pairs import matching

    if t.mentee is None:
        return {"error": "no waiting mentee"}
    today = date.today()
    result: dict = {}
    mentee = matching.mentee_queryset().get(pk=t.mentee.pk)
    form = matching.default_form(mentee)

    def suggest():
        return matching.suggest_mentors(
            [mentee], organisation=t.organisation, form=form, today=today
        )

    try:
        suggest()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            suggest()
            first = time.perf_counter() - start
        result["suggest"] = {
            **summary([first, *timed(suggest, runs=runs_for(first) - 1)]),
            "queries": len(captured),
        }
    except Exception as error:  # noqa: BLE001 - pairs/matching.py is being changed
        result["suggest"] = {"error": repr(error)}
    try:
        if hasattr(matching, "candidate_rows"):
            candidates = matching.candidate_rows(
                t.organisation, exclude=[mentee.participant_id]
            )
        else:
            candidates = list(matching.candidate_mentors(t.organisation))
        result["candidates"] = len(candidates)

        def score_all():
            return [
                matching.score(c, [mentee], form=form, today=today) for c in candidates
            ]

        score_all()
        result["score"] = summary(timed(score_all, runs=RUNS))
    except Exception as error:  # noqa: BLE001
        result["score"] = {"error": repr(error)}
    log(
        f"matching: suggest {result['suggest'].get('median_ms')} ms, scoring "
        f"{result.get('candidates')} candidates {result['score'].get('median_ms')} ms"
    )
    return result


# --- The process --------------------------------------------------------------------


def machine() -> dict:
    vendor = connection.vendor
    if vendor == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "database": f"{connection.display_name} {version}",
        "database_vendor": vendor,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["district", "demo"], required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", default="", help="pages,exports,pdfs,import,matching")
    args = parser.parse_args()
    parts = set(filter(None, args.only.split(","))) or {
        "pages",
        "exports",
        "pdfs",
        "import",
        "matching",
    }
    if args.mode == "demo":
        parts = {"pages"}
    started = time.perf_counter()
    targets = find_targets()
    result: dict = {"mode": args.mode, "machine": machine(), "targets": {}}
    result["targets"] = targets.describe()
    log(f"{args.mode}: {result['targets']}")
    seconds = {}
    for part, call in (
        ("pages", lambda: measure_pages(targets, timing=args.mode == "district")),
        ("matching", lambda: measure_matching(targets)),
        ("pdfs", lambda: measure_pdfs(targets)),
        ("import", lambda: measure_import(targets)),
        ("exports", lambda: measure_exports(targets)),
    ):
        if part not in parts:
            continue
        start = time.perf_counter()
        result[part] = call()
        seconds[part] = round(time.perf_counter() - start, 1)
    result["seconds"] = {**seconds, "total": round(time.perf_counter() - started, 1)}
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
