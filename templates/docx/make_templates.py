"""Writes the Word templates of the editable documents (docxtpl: Jinja tags in
the text). Run it after changing a layout:

    .venv/bin/python templates/docx/make_templates.py

The .docx files are committed; the portal only fills them in."""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

HERE = Path(__file__).parent


def document(landscape: bool = False) -> Document:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(15)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    return doc


def line(doc, text, *, align=None, bold=False, italic=False, size=None):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def reward_letter() -> None:
    doc = document()
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    line(doc, "{{ organisation_name }}", align=center, size=12)
    prefix = "{% if addressee_prefix %}{{ addressee_prefix }}{% endif %}"
    line(doc, prefix, align=right, italic=True)
    line(doc, "{{ addressee }}", align=right, italic=True)
    line(doc, "{{ heading }}", align=center, bold=True, size=22)
    line(doc, "{{ greeting }}", align=center)
    doc.add_paragraph("{%p for paragraph in paragraphs %}")
    line(doc, "{{ paragraph }}", italic=True)
    doc.add_paragraph("{%p endfor %}")
    line(doc, "{{ date }}{% if number %}    № {{ number }}{% endif %}", size=12)
    line(doc, "{{ signed_by }}    _______________    М. П.", size=12)
    doc.save(HERE / "reward_letter.docx")


def reward_certificate() -> None:
    doc = document(landscape=True)
    center = WD_ALIGN_PARAGRAPH.CENTER
    line(doc, "{{ organisation_name }}", align=center, size=12)
    line(doc, "{{ heading }}", align=center, bold=True, size=48)
    line(doc, "{{ nomination }}", align=center, size=17)
    line(doc, "{{ awarded }}", align=center, italic=True, size=17)
    line(doc, "{{ person }}", align=center, bold=True, size=30)
    line(doc, "{{ place }}", align=center, size=13)
    line(doc, "{{ basis }}", align=center, italic=True, size=15)
    signature = (
        "{{ signed_by }}    _______________    {{ date }}"
        "{% if number %}  № {{ number }}{% endif %}"
    )
    line(doc, signature, size=12)
    doc.save(HERE / "reward_certificate.docx")


if __name__ == "__main__":
    reward_letter()
    reward_certificate()
