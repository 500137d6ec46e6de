"""README's table of the latest figures, from bench/results.json (SQLite) and
bench/results-postgresql.json: `make bench` rewrites the part of README.md between
the two markers below; `python -m bench.readme` does it alone."""

import json
import sys
from datetime import datetime
from pathlib import Path

from mentoring.lib.cleaning import MONTHS_GENITIVE

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
FILES = {"sqlite": "results.json", "postgresql": "results-postgresql.json"}
# «6 декабря 2026»: the genitive names the importer reads dates with
MONTHS = {number: name for name, number in MONTHS_GENITIVE.items()}

PAGES = {
    "home": "Главная куратора",
    "mentee-list": "База наставляемых",
    "mentor-list": "База наставников",
    "pair-list": "Пары и группы",
    "request-map": "Карта запросов",
    "groups": "Классы и группы",
    "consents": "Согласия",
    "rewards": "Поощрения",
    "journal": "Журнал встреч",
    "plans": "Планы (все открытые пары)",
    "documents": "Документы",
    "questionnaires": "Анкеты",
    "campaigns": "Рассылки анкет",
    "measurements": "Входные/выходные значения",
    "indicators": "Показатели",
    "bank": "Банк наставников",
    "practices": "Практики",
    "monitoring": "Мониторинг (список)",
    "roadmap": "Дорожная карта",
    "monitoring-programme": "Мониторинг программы",
    "matching": "Подбор для одного наставляемого",
    "municipality": "Дашборд координатора",
}


def load() -> dict:
    results = {}
    for vendor, name in FILES.items():
        path = ROOT / "bench" / name
        if path.exists():
            results[vendor] = json.loads(path.read_text(encoding="utf-8"))
    return results


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value / 1000:.2f} с".replace(".", ",")
    return f"{value:.0f} мс"


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def day(stamp: str) -> str:
    moment = datetime.fromisoformat(stamp)
    return f"{moment.day} {MONTHS[moment.month]} {moment.year}"


def page_cell(row: dict | None, goal: float) -> str:
    if not row or row.get("status") != 200:
        return "—"
    admin = row.get("admin") or {}
    if admin.get("status") != 200:
        return ms(row["median_ms"])
    ratio = row["median_ms"] / admin["median_ms"]
    return f"{ms(row['median_ms'])}: {ratio:.2f}× {mark(ratio <= goal)}"


def machine_line(results: dict) -> str:
    parts = []
    for data in results.values():
        machine = data["machine"]
        parts.append(
            f"{machine['database']} — {day(data['date'])}, {machine['cores']} ядра "
            f"{machine['processor']}, Python {machine['python']}, "
            f"Django {machine['django']}"
        )
    return "Последние замеры: " + "; ".join(parts) + "."


def figures_by_vendor(results: dict) -> dict:
    """Every figure other than the pages' (matching, exports, PDFs, import):
    {name: {"name", "goal", vendor: figure}}."""
    table = {}
    for vendor, data in results.items():
        for row in data["figures"]:
            if ": page / admin" in row["figure"] or ": queries," in row["figure"]:
                continue
            # the same generator on both: the same names
            entry = table.setdefault(row["figure"], {"name": row["figure"]})
            entry["goal"] = row["goal"]
            entry[vendor] = row
    return table


def render(results: dict) -> str:
    sqlite = results.get("sqlite", {})
    postgresql = results.get("postgresql", {})
    goal = 1.0
    lines = [
        machine_line(results),
        "",
        "| Страница (модель админки, строк на странице) | SQLite: медиана, "
        "страница / админка | PostgreSQL: медиана, страница / админка | "
        "Запросов: демо / район (SQLite) |",
        "|---|---|---|---|",
    ]
    district = {row["key"]: row for row in sqlite.get("district", {}).get("pages", [])}
    district_pg = {
        row["key"]: row for row in postgresql.get("district", {}).get("pages", [])
    }
    demo = {row["key"]: row for row in sqlite.get("demo", {}).get("pages", [])}
    for key in district or district_pg:
        row = district.get(key) or district_pg.get(key)
        admin = row.get("admin") or {}
        label = PAGES.get(key, row["label"])
        model = admin.get("model", "").split(".")[-1]
        small, large = demo.get(key, {}), district.get(key, {})
        queries = (
            f"{small['queries']} / {large['queries']} "
            f"{mark(small['queries'] == large['queries'])}"
            if small.get("queries") is not None and large.get("queries") is not None
            else "—"
        )
        lines.append(
            f"| {label} ({model}, {admin.get('per_page', '—')}) | "
            f"{page_cell(district.get(key), goal)} | "
            f"{page_cell(district_pg.get(key), goal)} | {queries} |"
        )
    lines += [
        "",
        "| Показатель (англ. как в `make bench`) | SQLite | PostgreSQL | Цель |",
        "|---|---|---|---|",
    ]
    for entry in figures_by_vendor(results).values():
        cells = []
        for vendor in ("sqlite", "postgresql"):
            row = entry.get(vendor)
            cells.append(f"{row['value']} {mark(row['ok'])}" if row else "—")
        lines.append(f"| {entry['name']} | {cells[0]} | {cells[1]} | {entry['goal']} |")
    return "\n".join(lines)


def update(path: Path = README) -> bool:
    """Rewrite README's table; False when README has no markers or no results."""
    results = load()
    text = path.read_text(encoding="utf-8")
    if not results or START not in text or END not in text:
        return False
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{render(results)}\n{END}{tail}", encoding="utf-8")
    return True


if __name__ == "__main__":
    sys.exit(0 if update() else 1)
