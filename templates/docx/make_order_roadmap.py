"""Writes the Word templates of the order fixing pairs (pairs_order.docx) and of
the roadmap (roadmap.docx): docxtpl's Jinja tags in the text, `{%tr %}` for table
rows. Run it after changing a layout:

    .venv/bin/python templates/docx/make_order_roadmap.py

The .docx files are committed; the portal only fills them in (the context is
`docx_context()` of pairs.document_exports.PairsOrderExporter and
mentoring.exports.RoadmapExporter)."""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).parent
CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


def document(*, landscape: bool = False, size: int = 14) -> Document:
    """A4 with the margins of an official document (30 mm left for binding)."""
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.left_margin, section.right_margin = Mm(20), Mm(12)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin = section.bottom_margin = Mm(20)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.font.size = Pt(size)
    style.paragraph_format.space_after = Pt(0)
    return doc


def line(doc_or_cell, text, *, align=None, bold=False, size=None, indent=False):
    paragraph = doc_or_cell.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(12.5)
    return paragraph


def cell_text(cell, text, *, bold=False, size=None, align=None):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def repeat_header(row):
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def widths(table, millimetres):
    for row in table.rows:
        for cell, width in zip(row.cells, millimetres, strict=False):
            cell.width = Mm(width)


def pairs_order() -> None:
    doc = document()
    line(doc, "{{ organisation_name }}", align=CENTER, size=12)
    line(doc, "")
    line(doc, "{%p if confidential %}")
    line(doc, "Для служебного пользования", align=RIGHT, bold=True, size=12)
    line(doc, "{%p endif %}")
    line(doc, "{{ title }}", align=CENTER, bold=True, size=16)
    line(doc, "")
    head = doc.add_table(rows=1, cols=2)
    no_borders(head)
    cell_text(head.cell(0, 0), "{{ date }}")
    cell_text(head.cell(0, 1), "{{ number }}", align=RIGHT)
    line(doc, "")
    line(doc, "{{ subject }}", align=CENTER, bold=True)
    line(doc, "")
    line(doc, "{{ preamble }}", align=JUSTIFY, indent=True)
    line(doc, "")
    line(doc, "ПРИКАЗЫВАЮ:", bold=True)
    line(doc, "{%p for point in points %}")
    line(doc, "{{ point }}", align=JUSTIFY, indent=True)
    line(doc, "{%p endfor %}")
    line(doc, "")
    line(doc, "")
    sign = doc.add_table(rows=1, cols=3)
    no_borders(sign)
    cell_text(sign.cell(0, 0), "{{ head }}")
    cell_text(sign.cell(0, 1), "_______________", align=CENTER)
    cell_text(sign.cell(0, 2), "{{ head_name }}", align=RIGHT)
    widths(sign, (80, 35, 50))

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    caption = doc.add_table(rows=1, cols=2)
    no_borders(caption)
    cell_text(caption.cell(0, 1), "{{ appendix }}", size=12)
    caption.cell(0, 1).add_paragraph("{{ appendix_of }}").runs[0].font.size = Pt(12)
    widths(caption, (75, 90))
    line(doc, "")
    line(doc, "Список наставнических пар и групп", align=CENTER, bold=True, size=12)
    line(doc, "")
    table = doc.add_table(rows=4, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, title in enumerate(
        (
            "№",
            "Наставник",
            "Наставляемые",
            "Форма наставничества",
            "Ролевая модель",
            "Срок",
        )
    ):
        cell_text(table.cell(0, index), title, bold=True, size=11, align=CENTER)
    repeat_header(table.rows[0])
    cell_text(table.cell(1, 0), "{%tr for pair in pairs %}", size=11)
    for index, key in enumerate(
        ("number", "mentor", "mentees", "form", "variant", "period")
    ):
        cell_text(table.cell(2, index), f"{{{{ pair.{key} }}}}", size=11)
    cell_text(table.cell(3, 0), "{%tr endfor %}", size=11)
    widths(table, (10, 33, 38, 25, 28, 31))

    line(doc, "")
    line(doc, "С приказом ознакомлены:", bold=True, size=12)
    line(doc, "")
    familiar = doc.add_table(rows=4, cols=3)
    familiar.style = "Table Grid"
    for index, title in enumerate(("ФИО", "Подпись", "Дата")):
        cell_text(familiar.cell(0, index), title, bold=True, size=12, align=CENTER)
    repeat_header(familiar.rows[0])
    cell_text(familiar.cell(1, 0), "{%tr for person in mentors %}", size=12)
    cell_text(familiar.cell(2, 0), "{{ person }}", size=12)
    cell_text(familiar.cell(3, 0), "{%tr endfor %}", size=12)
    widths(familiar, (80, 45, 40))
    doc.save(HERE / "pairs_order.docx")


def roadmap() -> None:
    doc = document(landscape=True, size=12)
    line(doc, "{{ organisation_name }}", align=CENTER, size=11)
    line(doc, "")
    approval = doc.add_table(rows=1, cols=2)
    no_borders(approval)
    left, right = approval.cell(0, 0), approval.cell(0, 1)
    cell_text(left, "РАССМОТРЕНО", bold=True)
    left.add_paragraph("на педагогическом совете")
    left.add_paragraph("протокол №\u00a0______ от «___»\u00a0____________ 20__\u00a0г.")
    cell_text(right, "УТВЕРЖДАЮ", bold=True)
    right.add_paragraph("{{ head }}")
    right.add_paragraph("_______________ / {{ head_name }} /")
    right.add_paragraph("«___»\u00a0____________ 20__\u00a0г.")
    line(doc, "")
    line(doc, "Дорожная карта", align=CENTER, bold=True, size=14)
    line(doc, "{{ programme_title }} ({{ period }})", align=CENTER)
    line(doc, "")
    table = doc.add_table(rows=8, cols=6)
    table.style = "Table Grid"
    for index, title in enumerate(
        (
            "№",
            "Мероприятие",
            "Срок",
            "Ответственные",
            "Ожидаемый результат",
            "Отметка о выполнении",
        )
    ):
        cell_text(table.cell(0, index), title, bold=True, size=10, align=CENTER)
    repeat_header(table.rows[0])
    cell_text(table.cell(1, 0), "{%tr for stage in stages %}", size=10)
    stage = table.cell(2, 0).merge(table.cell(2, 5))
    cell_text(stage, "{{ stage.title }}", bold=True, size=10)
    goals = table.cell(3, 0).merge(table.cell(3, 5))
    paragraph = cell_text(goals, "{% if stage.task %}Задача: {% endif %}", size=10)
    paragraph.runs[0].bold = True
    paragraph.add_run("{{ stage.task }}").font.size = Pt(10)
    paragraph = goals.add_paragraph()
    run = paragraph.add_run("{% if stage.result %}Результат: {% endif %}")
    run.bold, run.font.size = True, Pt(10)
    paragraph.add_run("{{ stage.result }}").font.size = Pt(10)
    cell_text(table.cell(4, 0), "{%tr for row in stage.rows %}", size=10)
    cell_text(table.cell(5, 0), "{{ row.number }}", size=10)
    cell_text(table.cell(5, 1), "{{ row.activity }}", size=10)
    table.cell(5, 1).add_paragraph("{{ row.content }}").runs[0].font.size = Pt(9)
    for index, key in enumerate(("deadline", "responsible", "result", "mark"), 2):
        cell_text(table.cell(5, index), f"{{{{ row.{key} }}}}", size=10)
    cell_text(table.cell(6, 0), "{%tr endfor %}", size=10)
    cell_text(table.cell(7, 0), "{%tr endfor %}", size=10)
    widths(table, (12, 85, 30, 42, 60, 36))
    doc.save(HERE / "roadmap.docx")


if __name__ == "__main__":
    pairs_order()
    roadmap()
