"""Limits of an uploaded workbook (issue 13, finding 7): a small .xlsx that unpacks
to something huge, a cell longer than Excel allows, a preview that takes too long.
Each is refused through the page with a Russian message, and nothing is imported.

The malicious files are crafted here with zipfile; a long string is streamed into
its part, so the test never holds it whole. The clock is injected: no test waits.
"""

import io
import itertools
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.lib import importer, spreadsheets
from people.import_kinds import MenteeImport
from people.models import MenteeProfile, Participant
from tests import factories as f
from tests.people.import_flow import MENTEES, column, make_xlsx, mentee_row, step

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Long:
    """A string of at least `length` characters, `unit` repeated, written in
    batches: the test never holds it whole."""

    length: int
    unit: str = "A"

    def write(self, part) -> None:
        unit = escape(self.unit).encode()
        units = -(-self.length // len(self.unit))
        batch = max(1, CHUNK // len(unit))
        while units > 0:
            part.write(unit * min(units, batch))
            units -= batch


def write_text(part, value) -> None:
    if isinstance(value, Long):
        value.write(part)
    elif isinstance(value, bytes):
        part.write(value)
    else:
        part.write(escape(str(value)).encode())


def letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def crafted_xlsx(rows, *, inline=False, extra_parts=(), doctype="") -> bytes:
    """A minimal workbook as Excel writes it: every text in xl/sharedStrings.xml
    (or, `inline`, in the sheet itself). `extra_parts`: (name, Long) pairs added as
    parts of their own."""
    buffer = io.BytesIO()
    strings: list = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Default Extension="rels" ContentType="application/'
            f'vnd.openxmlformats-package.relationships+xml"/><Default Extension='
            f'"xml" ContentType="application/xml"/><Override PartName="/xl/'
            f'workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/><Override '
            f'PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}.'
            f'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{SHEET_TYPE}.sharedStrings+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type='
            f'"{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets><sheet '
            f'name="База" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type='
            f'"{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
            f'Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            f"</Relationships>",
        )
        with zf.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'{doctype}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for number, row in enumerate(rows, start=1):
                part.write(f'<row r="{number}">'.encode())
                for index, value in enumerate(row):
                    ref = f"{letter(index)}{number}"
                    if value is None:
                        continue
                    if inline:
                        part.write(f'<c r="{ref}" t="inlineStr"><is><t>'.encode())
                        write_text(part, value)
                        part.write(b"</t></is></c>")
                    else:
                        strings.append(value)
                        part.write(
                            f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'.encode()
                        )
                part.write(b"</row>")
            part.write(b"</sheetData></worksheet>")
        with zf.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<sst xmlns="{MAIN}" count="{len(strings)}">'.encode())
            for value in strings:
                part.write(b"<si><t>")
                write_text(part, value)
                part.write(b"</t></si>")
            part.write(b"</sst>")
        for name, value in extra_parts:
            with zf.open(name, "w") as part:
                write_text(part, value)
    return buffer.getvalue()


def mentee_rows(**values) -> list[list]:
    """The header row and one mentee, as lists in the same column order."""
    row = mentee_row(**values)
    return [list(row), list(row.values())]


@pytest.fixture
def group_7b(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def post_file(client, content: bytes, kind="mentees"):
    return client.post(
        reverse("imports:upload", args=[kind]),
        {"step": "upload", "file": SimpleUploadedFile("база.xlsx", content)},
    )


def refusal(response) -> str:
    """The page's error about the file; no preview, nothing kept."""
    assert response.status_code == 200
    assert response.context["preview"] is None
    assert response.context["state"] is None
    return " ".join(response.context["file_errors"])


def checked(client, response):
    return step(client, response, "check").context["preview"]


def nothing_imported(media_root) -> bool:
    stash = Path(media_root) / importer.TMP_DIRNAME
    return (
        not Participant.objects.exists()
        and not MenteeProfile.objects.exists()
        and not (stash.exists() and any(stash.iterdir()))
    )


def test_the_crafted_workbook_is_a_workbook(client, curator, group_7b):
    """The helper itself: a clean crafted file previews as one new mentee."""
    client.force_login(curator)
    response = post_file(client, crafted_xlsx(mentee_rows()))
    assert checked(client, response).new == 1


# --- the archive ---------------------------------------------------------------------


def test_a_huge_shared_string_is_refused_before_parsing(client, curator, media_root):
    """The issue's file, scaled down: one 30 MB shared string in a 30 KB upload."""
    content = crafted_xlsx(mentee_rows(last_name=Long(30 * 1024 * 1024)))
    assert len(content) < 200 * 1024
    client.force_login(curator)
    message = refusal(post_file(client, content))
    assert "В распакованном виде часть xl/sharedStrings.xml книги занимает" in message
    assert "25,0\xa0МБ" in message
    assert nothing_imported(media_root)


def test_the_total_unpacked_size_is_limited(client, curator, media_root, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 3 * 1024 * 1024)
    noise = random.Random(0)  # incompressible: only the total is over its limit
    pads = [(f"xl/media/pad{i}.bin", noise.randbytes(2**21)) for i in range(2)]
    content = crafted_xlsx(mentee_rows(), extra_parts=pads)
    client.force_login(curator)
    message = refusal(post_file(client, content))
    assert "В распакованном виде книга занимает" in message
    assert "3,0\xa0МБ" in message
    assert nothing_imported(media_root)


def test_an_absurd_compression_ratio_is_refused(client, curator, media_root):
    content = crafted_xlsx(mentee_rows(), extra_parts=[("xl/pad.xml", Long(2**21))])
    client.force_login(curator)
    message = refusal(post_file(client, content))
    assert "Часть xl/pad.xml книги сжата в соотношении" in message
    assert "не более 200:1" in message
    assert nothing_imported(media_root)


def test_too_many_parts_are_refused(client, curator, media_root):
    parts = [(f"customXml/item{i}.xml", "<a/>") for i in range(501)]
    client.force_login(curator)
    message = refusal(post_file(client, crafted_xlsx(mentee_rows(), extra_parts=parts)))
    assert "Книга состоит более чем из 500 частей" in message
    assert nothing_imported(media_root)


def test_a_declaration_of_entities_is_refused(client, curator, media_root):
    doctype = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
    client.force_login(curator)
    message = refusal(post_file(client, crafted_xlsx(mentee_rows(), doctype=doctype)))
    assert "Не удалось прочитать книгу Excel" in message
    assert nothing_imported(media_root)


# --- one cell ------------------------------------------------------------------------


def test_a_shared_string_longer_than_excel_allows_names_the_cell(
    client, curator, media_root
):
    text = Long(spreadsheets.MAX_CELL_CHARS + 1, "Иван Петров ")
    content = crafted_xlsx(mentee_rows(interests=text))
    client.force_login(curator)
    message = refusal(post_file(client, content))
    headers = list(mentee_row(interests=""))
    cell = f"{letter(headers.index(column(MENTEES, 'interests')))}2"
    assert f"Ячейка {cell} (строка 2, столбец {cell[0]})" in message
    assert "больше 32\xa0767 символов" in message
    assert nothing_imported(media_root)


def test_a_long_inline_string_is_refused_too(client, curator, media_root):
    text = Long(spreadsheets.MAX_CELL_CHARS + 1, "Иван Петров ")
    content = crafted_xlsx(mentee_rows(last_name=text), inline=True)
    client.force_login(curator)
    message = refusal(post_file(client, content))
    assert "Ячейка A2 (строка 2, столбец A)" in message
    assert nothing_imported(media_root)


def test_a_long_shared_string_no_cell_uses_is_refused_too():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        part = archive.open("xl/sharedStrings.xml", "w")
        part.write(f'<sst xmlns="{MAIN}"><si><t>'.encode())
        Long(spreadsheets.MAX_CELL_CHARS + 1, "абв ").write(part)
        part.write(b"</t></si></sst>")
        part.close()
    with pytest.raises(ValidationError) as refused:
        spreadsheets.check_xlsx(buffer.getvalue())
    assert refused.value.code == "cell_too_long"
    assert "Одна из ячеек книги содержит больше" in refused.value.messages[0]


def test_a_cell_as_long_as_excel_allows_is_read(client, curator, group_7b):
    text = "Иван Петров " * (spreadsheets.MAX_CELL_CHARS // 12)
    client.force_login(curator)
    response = post_file(client, crafted_xlsx(mentee_rows(interests=text)))
    assert checked(client, response).new == 1


# --- time ----------------------------------------------------------------------------


@pytest.fixture
def slow_clock(monkeypatch, settings):
    """Every reading of the clock is 10 s later than the one before: the budget of
    25 s is spent after a few steps, whatever the machine's speed."""
    settings.IMPORT_PREVIEW_SECONDS = 25
    ticks = itertools.count(0, 10)
    monkeypatch.setattr(spreadsheets, "clock", lambda: next(ticks))


def test_a_preview_over_its_time_budget_stops(client, curator, media_root, slow_clock):
    rows = [mentee_row(last_name=f"Смирнова{i}") for i in range(20)]
    content = make_xlsx(list(rows[0]), rows)
    client.force_login(curator)
    message = refusal(post_file(client, content))
    assert "Файл слишком сложный: его проверка заняла больше 25 секунд" in message
    assert nothing_imported(media_root)


def test_the_budget_is_a_setting(settings):
    settings.IMPORT_PREVIEW_SECONDS = 7
    assert spreadsheets.preview_seconds() == 7


def test_the_confirmed_import_is_not_cut_short(organisation, group_7b, slow_clock):
    """The budget is the preview's: a file already previewed imports whole."""
    rows = [mentee_row(last_name=f"Смирнова{i}") for i in range(3)]
    content = make_xlsx(list(rows[0]), rows)
    _preview, counts = importer.apply(
        MenteeImport(organisation),
        content=content,
        filename="база.xlsx",
        state=importer.ImportState(checked=True),
    )
    assert counts[importer.NEW] == 3


# --- the admin's import reads through the same guard ---------------------------------


def test_the_admin_import_refuses_the_huge_string(client, superuser):
    content = crafted_xlsx(mentee_rows(last_name=Long(30 * 1024 * 1024)))
    client.force_login(superuser)
    response = client.post(
        reverse("admin:people_menteeprofile_import"),
        {
            "resource": 0,
            "format": 0,
            "import_file": SimpleUploadedFile("база.xlsx", content),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"]
    assert not Participant.objects.exists()
