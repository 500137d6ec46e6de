"""Writes the Word template of the municipal report (municipal_report.docx):
docxtpl's Jinja tags in the text, `{%tr %}` for table rows. Run it after
changing a layout:

    .venv/bin/python templates/docx/make_municipal_report.py

The context is `docx_context()` of municipal.exports.MunicipalReportExporter:
the organisations' table has a fixed set of columns (`columns`, 13 figures), the
checklist six items; the indicators list each organisation's value in one cell
(their number varies)."""

from docx.enum.text import WD_ALIGN_PARAGRAPH
from make_order_roadmap import HERE, cell_text, document, line, repeat_header

CENTER = WD_ALIGN_PARAGRAPH.CENTER
FIGURES = 13
ITEMS = 6


def table(doc, headers: list[str], loop: str, cells: list[str], end: str, size=8):
    grid = doc.add_table(rows=4 if end else 3, cols=len(headers))
    grid.style = "Table Grid"
    for index, title in enumerate(headers):
        cell_text(grid.cell(0, index), title, bold=True, size=size, align=CENTER)
    repeat_header(grid.rows[0])
    cell_text(grid.cell(1, 0), f"{{%tr for {loop} %}}", size=size)
    for index, text in enumerate(cells):
        cell_text(grid.cell(2, index), text, size=size)
    cell_text(grid.cell(3, 0), "{%tr endfor %}", size=size)
    return grid


def municipal_report() -> None:
    doc = document(landscape=True, size=12)
    line(doc, "{% if region %}{{ region }}{% endif %}", align=CENTER, size=11)
    line(doc, "{{ municipality }}", align=CENTER, size=11)
    line(doc, "")
    line(doc, "{{ heading }}", align=CENTER, bold=True, size=14)
    line(doc, "{{ dated }}", align=CENTER, size=12)
    line(doc, "")

    line(doc, "1. Организации", bold=True)
    grid = table(
        doc,
        ["Организация"] + [f"{{{{ columns[{i}] }}}}" for i in range(FIGURES)],
        "row in organisations",
        ["{{ row.name }}"] + [f"{{{{ row.cells[{i}] }}}}" for i in range(FIGURES)],
        "end",
    )
    total = grid.add_row()
    cell_text(total.cells[0], "Итого ({{ organisation_count }})", bold=True, size=8)
    for index in range(FIGURES):
        cell_text(total.cells[index + 1], f"{{{{ totals[{index}] }}}}", size=8)
    line(doc, "")

    line(doc, "2. Чек-лист внедрения", bold=True)
    table(
        doc,
        ["Организация"] + [f"{{{{ checklist_items[{i}] }}}}" for i in range(ITEMS)],
        "row in checklist_rows",
        ["{{ row.name }}"] + [f"{{{{ row.cells[{i}] }}}}" for i in range(ITEMS)],
        "end",
    )
    line(doc, "")

    line(doc, "3. Показатели и целевые значения", bold=True)
    table(
        doc,
        [
            "№",
            "Показатель",
            "Ед. изм.",
            "Целевое значение",
            "Муниципалитет",
            "Достигнуто",
            "По организациям",
        ],
        "row in indicators",
        [
            "{{ row.number }}",
            "{{ row.name }}",
            "{{ row.unit }}",
            "{{ row.target_shown }}",
            "{{ row.value_shown }}",
            "{{ row.reached_shown }}",
            "{% for value in row.values_shown %}{{ organisation_names[loop.index0] }}"
            ": {{ value }}{% if not loop.last %}; {% endif %}{% endfor %}",
        ],
        "end",
        size=9,
    )
    line(doc, "")
    line(doc, "Муниципальный координатор _______________ / ____________________ /")
    doc.save(HERE / "municipal_report.docx")


if __name__ == "__main__":
    municipal_report()
