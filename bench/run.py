"""`make bench` (issue 17): the portal measured at district size, each figure beside
its goal, in one table; the same written to bench/results.json.

1. The databases are built once and cached, rebuilt only when the migrations, the
   generator or the demo data change: SQLite files in bench/.cache/ by default;
   with DATABASE_URL (PostgreSQL) databases `<name>_bench` and `<name>_bench_demo`
   on that server (the hash they were built from is kept in bench/.cache/).
   The district is `manage.py generate_district`, the demo `seed_demo`.
2. Each is measured on a throw-away copy (pages write the access log) by
   `python -m bench.measure` in a process of its own: the demo for the number of
   queries of every page, the district for everything.
3. The figures are compared with their goals and written to bench/results.json
   (bench/results-postgresql.json on PostgreSQL). The exit code is 0 when a goal is
   missed (this is a report) and 1 when a page or a part failed.

Environment: BENCH_RUNS (timed runs per page, default 9; slow pages get fewer),
BENCH_REBUILD=1 (build the databases again), BENCH_SCALE (generator scale, 1.0).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import readme

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
# The default (SQLite) run's figures; a PostgreSQL run writes results-postgresql.json.
RESULTS = readme.FILES
SCALE = os.environ.get("BENCH_SCALE", "1.0")

# What the cached databases are built from: rebuilt when one of these changes.
SOURCES = [
    *(str(path.relative_to(ROOT)) for path in sorted(ROOT.glob("*/migrations"))),
    "municipal/generator.py",
    "municipal/management/commands/generate_district.py",
    "pairs/management/commands",
    "monitoring/demo.py",
    "fixtures",
]

GOAL_RATIO = 1.0
GOAL_XLSX_BARE = 1.5
GOAL_XLSX_IMPORT_EXPORT = 0.5
GOAL_MEMORY_GROWTH = 1.5
GOAL_PDF_MS = 2000
GOAL_IMPORT_MS = 10_000
GOAL_MATCHING_MS = 200


def say(message: str) -> None:
    print(message, flush=True)


def source_hash() -> str:
    digest = hashlib.sha256(f"scale={SCALE}".encode())
    for source in SOURCES:
        path = ROOT / source
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def django_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-not-a-secret",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DEBUG", None)
    return env


def manage(database_url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=django_env(database_url),
        check=True,
    )


BUILDERS = {
    "district": ("generate_district", "--quiet", "--scale", SCALE),
    "demo": ("seed_demo", "--quiet"),
}


def build(kind: str, database_url: str) -> None:
    say(f"Building the {kind} database (once; cached until its sources change)…")
    start = time.perf_counter()
    manage(database_url, "migrate", "--noinput", "-v0")
    manage(database_url, *BUILDERS[kind])
    say(f"  built in {time.perf_counter() - start:.0f} s")


# --- SQLite ---------------------------------------------------------------------------


class SQLite:
    vendor = "sqlite"

    def __init__(self, digest: str):
        self.digest = digest

    def prepare(self, kind: str) -> Path:
        path = CACHE / f"{kind}-{self.digest}.sqlite3"
        if path.exists() and not os.environ.get("BENCH_REBUILD"):
            return path
        for old in CACHE.glob(f"{kind}-*.sqlite3*"):
            old.unlink()
        part = path.with_suffix(".part")
        part.unlink(missing_ok=True)  # left by a build that failed
        build(kind, f"sqlite:///{part}")
        part.rename(path)
        return path

    def copy(self, kind: str) -> tuple[str, callable]:
        source = self.prepare(kind)
        work = CACHE / f"work-{kind}.sqlite3"
        shutil.copyfile(source, work)
        return f"sqlite:///{work}", lambda: work.unlink(missing_ok=True)


# --- PostgreSQL -----------------------------------------------------------------------


class PostgreSQL:
    vendor = "postgresql"

    def __init__(self, digest: str, url: str):
        import psycopg2

        self.psycopg2 = psycopg2
        self.digest = digest
        self.parts = urlsplit(url)
        name = self.parts.path.lstrip("/") or "mentoring"
        self.base = name if name.endswith("_bench") else f"{name}_bench"

    def url(self, name: str) -> str:
        return urlunsplit(self.parts._replace(path=f"/{name}"))

    def name(self, kind: str) -> str:
        return self.base if kind == "district" else f"{self.base}_{kind}"

    def execute(self, statement: str, *names: str, database="postgres") -> None:
        from psycopg2 import sql

        connection = self.psycopg2.connect(self.url(database))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL(statement).format(*(sql.Identifier(n) for n in names))
                )
        finally:
            connection.close()

    def recreate(self, name: str, template: str | None = None) -> None:
        self.execute("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        if template:
            self.execute("CREATE DATABASE {} TEMPLATE {}", name, template)
        else:
            self.execute("CREATE DATABASE {}", name)

    def prepare(self, kind: str) -> str:
        name = self.name(kind)
        marker = CACHE / f"postgresql-{name}.hash"
        built = marker.read_text().strip() if marker.exists() else ""
        if built == self.digest and not os.environ.get("BENCH_REBUILD"):
            try:
                self.execute("ALTER DATABASE {} SET search_path TO public", name)
                return name
            except self.psycopg2.Error:
                pass  # the marker outlived the database
        marker.unlink(missing_ok=True)
        self.recreate(name)
        build(kind, self.url(name))
        # bulk_create leaves no statistics: plan as a live database would.
        self.execute("ANALYZE", database=name)
        marker.write_text(self.digest)
        return name

    def copy(self, kind: str) -> tuple[str, callable]:
        source = self.prepare(kind)
        work = f"{source}_run"
        self.recreate(work, template=source)
        return self.url(work), lambda: self.execute(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)", work
        )


# --- Measuring ------------------------------------------------------------------------


def measure(store, kind: str) -> dict:
    url, drop = store.copy(kind)
    out = CACHE / f"{store.vendor}-{kind}.json"
    out.unlink(missing_ok=True)
    say(f"Measuring the {kind} database…")
    try:
        subprocess.run(
            [sys.executable, "-m", "bench.measure", "--mode", kind, "--out", str(out)],
            cwd=ROOT,
            env=django_env(url),
            check=True,
        )
    finally:
        drop()
    return json.loads(out.read_text(encoding="utf-8"))


# --- Figures --------------------------------------------------------------------------


def fmt_ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def figure(name: str, value: str, goal: str, ok: bool | None) -> dict:
    return {"figure": name, "value": value, "goal": goal, "ok": ok}


def page_figures(district: dict, demo: dict) -> tuple[list[dict], list[dict], bool]:
    times, queries, failed = [], [], False
    demo_pages = {row["key"]: row for row in demo.get("pages", [])}
    for row in district.get("pages", []):
        name = f"{row['label']}: page / admin, median (p95)"
        if row.get("status") != 200:
            failed = True
            times.append(
                figure(
                    name,
                    f"HTTP {row.get('status')} {row.get('error', '')}",
                    f"≤ {GOAL_RATIO:.1f}×",
                    False,
                )
            )
            continue
        admin = row.get("admin") or {}
        if admin.get("status") == 200:
            ratio = row["median_ms"] / admin["median_ms"]
            value = (
                f"{fmt_ms(row['median_ms'])} ({fmt_ms(row['p95_ms'])}) / "
                f"{fmt_ms(admin['median_ms'])} ({fmt_ms(admin['p95_ms'])}) "
                f"= {ratio:.2f}×"
            )
            times.append(
                figure(name, value, f"≤ {GOAL_RATIO:.1f}×", ratio <= GOAL_RATIO)
            )
        else:
            times.append(
                figure(name, f"{fmt_ms(row['median_ms'])}; admin failed", "—", None)
            )
        small = demo_pages.get(row["key"], {})
        if small.get("status") == 200:
            queries.append(
                figure(
                    f"{row['label']}: queries, demo / district",
                    f"{small['queries']} / {row['queries']}",
                    "equal",
                    small["queries"] == row["queries"],
                )
            )
        else:
            failed = failed or bool(small)
            queries.append(
                figure(
                    f"{row['label']}: queries, demo / district",
                    f"demo HTTP {small.get('status', '—')} / {row['queries']}",
                    "equal",
                    None,
                )
            )
    return times, queries, failed


def other_figures(district: dict) -> tuple[list[dict], bool]:
    rows, failed = [], False
    pages = {row["key"]: row for row in district.get("pages", [])}
    matching = district.get("matching", {})
    candidates = matching.get("candidates", "?")
    page = pages.get("matching", {})
    if page.get("status") == 200:
        rows.append(
            figure(
                "Matching page, one mentee, median (p95)",
                f"{fmt_ms(page['median_ms'])} ({fmt_ms(page['p95_ms'])})",
                f"≤ {GOAL_MATCHING_MS} ms",
                page["median_ms"] <= GOAL_MATCHING_MS,
            )
        )
    for key, label in (
        ("suggest", f"Matching: suggest_mentors among {candidates} candidates"),
        ("score", f"Matching: scoring {candidates} candidates alone"),
    ):
        part = matching.get(key, {})
        if "median_ms" in part:
            rows.append(
                figure(
                    f"{label}, median (p95)",
                    f"{fmt_ms(part['median_ms'])} ({fmt_ms(part['p95_ms'])})",
                    f"≤ {GOAL_MATCHING_MS} ms",
                    part["median_ms"] <= GOAL_MATCHING_MS,
                )
            )
        else:
            failed = True
            rows.append(figure(label, f"failed: {part.get('error')}", "", False))

    exports = district.get("exports", {})
    if "export" in exports:
        n, mentees = exports["rows"], exports["mentees"]
        export = exports["export"]["median_ms"]
        bare = exports["bare"]["median_ms"]
        renderer = exports["renderer"]["median_ms"]
        ie = exports["import_export"]["median_ms"]
        guessed = exports["import_export"].get("extrapolated_from")
        ie_note = (
            f", ×{mentees / guessed:.0f} of its {guessed} mentees" if guessed else ""
        )
        title = f"Mentee base XLSX, {n} rows ({mentees} mentees)"
        rows += [
            figure(
                f"{title}: export / bare openpyxl",
                f"{fmt_ms(export)} / {fmt_ms(bare)} = {export / bare:.2f}×"
                f" ({exports['export_queries']} queries)",
                f"≤ {GOAL_XLSX_BARE}×",
                export / bare <= GOAL_XLSX_BARE,
            ),
            figure(
                f"{title}: render_xlsx alone / bare openpyxl",
                f"{fmt_ms(renderer)} / {fmt_ms(bare)} = {renderer / bare:.2f}×",
                f"≤ {GOAL_XLSX_BARE}×",
                renderer / bare <= GOAL_XLSX_BARE,
            ),
            figure(
                f"{title}: export / django-import-export",
                f"{fmt_ms(export)} / {fmt_ms(ie)} = {export / ie:.2f}×"
                f" (import-export: {exports['import_export_queries']} queries"
                f"{ie_note})",
                f"≤ {GOAL_XLSX_IMPORT_EXPORT}×",
                export / ie <= GOAL_XLSX_IMPORT_EXPORT,
            ),
        ]
        small, large = exports["peak_small_bytes"], exports["peak_large_bytes"]
        rows.append(
            figure(
                f"Mentee base XLSX: peak memory, {exports['small_mentees']} → "
                f"{mentees} mentees",
                f"{small / 2**20:.1f} → {large / 2**20:.1f} MiB = {large / small:.2f}×",
                f"flat (≤ {GOAL_MEMORY_GROWTH}×)",
                large / small <= GOAL_MEMORY_GROWTH,
            )
        )
    elif "exports" in district:
        failed = True
        rows.append(figure("Mentee base XLSX", "failed", "", False))

    for pdf in district.get("pdfs", []):
        if pdf.get("status") == 200:
            rows.append(
                figure(
                    f"{pdf['label']} of the largest school, median",
                    f"{fmt_ms(pdf['median_ms'])} ({pdf['queries']} queries)",
                    f"≤ {GOAL_PDF_MS / 1000:.0f} s",
                    pdf["median_ms"] <= GOAL_PDF_MS,
                )
            )
        else:
            failed = True
            rows.append(figure(pdf["label"], f"HTTP {pdf.get('status')}", "", False))

    imports = district.get("import", {})
    for key, label in (
        ("preview", "upload, mapping shown"),
        ("check", "all rows checked"),
    ):
        part = imports.get(key, {})
        title = f"Import preview, {imports.get('rows')} mentees ({label})"
        if "median_ms" in part:
            rows.append(
                figure(
                    title,
                    f"{fmt_ms(part['median_ms'])} ({part['queries']} queries)",
                    f"≤ {GOAL_IMPORT_MS / 1000:.0f} s",
                    part["median_ms"] <= GOAL_IMPORT_MS,
                )
            )
        elif imports:
            rows.append(figure(title, f"failed: {part.get('error')}", "", False))
    return rows, failed


def print_table(figures: list[dict]) -> None:
    marks = {True: "✓", False: "✗", None: "?"}
    width = max(len(row["figure"]) for row in figures)
    value_width = max(len(row["value"]) for row in figures)
    goal_width = max(len(row["goal"]) for row in figures)
    say("")
    say(f"{'Figure':<{width}}  {'Value':<{value_width}}  {'Goal':<{goal_width}}  ")
    say("-" * (width + value_width + goal_width + 7))
    for row in figures:
        say(
            f"{row['figure']:<{width}}  {row['value']:<{value_width}}  "
            f"{row['goal']:<{goal_width}}  {marks[row['ok']]}"
        )
    missed = sum(1 for row in figures if row["ok"] is False)
    say(f"\n{len(figures)} figures, {missed} goals missed.")


def main() -> int:
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    digest = source_hash()
    url = os.environ.get("DATABASE_URL", "")
    store = (
        PostgreSQL(digest, url)
        if url.startswith(("postgres://", "postgresql://"))
        else SQLite(digest)
    )
    seconds = {}
    for kind in ("demo", "district"):
        start = time.perf_counter()
        store.prepare(kind)
        seconds[f"build_{kind}"] = round(time.perf_counter() - start, 1)
    demo = measure(store, "demo")
    district = measure(store, "district")
    seconds["measure_demo"] = demo["seconds"]["total"]
    seconds["measure_district"] = district["seconds"]

    times, queries, failed = page_figures(district, demo)
    others, other_failed = other_figures(district)
    figures = times + queries + others
    machine = district["machine"]
    seconds["total"] = round(time.perf_counter() - started, 1)
    say(
        f"\nMachine: {machine['cores']} cores ({machine['processor']}), Python "
        f"{machine['python']}, Django {machine['django']}, {machine['database']}; "
        f"{machine['platform']}"
    )
    targets = district["targets"]
    say(
        f"Measured: «{targets['organisation']}» of «{targets['municipality']}» "
        f"({targets['pairs']} pairs, {targets['mentees']} mentees) as "
        f"{targets['curator']}; dashboard as {targets['coordinator']}."
    )
    print_table(figures)
    say(f"Took {seconds['total']:.0f} s: {seconds}")
    results = ROOT / "bench" / RESULTS[store.vendor]
    results.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine,
                "targets": targets,
                "figures": figures,
                "seconds": seconds,
                "district": district,
                "demo": demo,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    say(f"Written to {results.relative_to(ROOT)}.")
    if readme.update():
        say("README.md: the table of figures rewritten.")
    return 1 if failed or other_failed else 0


if __name__ == "__main__":
    sys.exit(main())
