"""The one reader of spreadsheets (`mentoring.lib.tabular`): one table written as
.xlsx (openpyxl), .ods (content.xml written here), .xls (a committed fixture, see
tests/fixtures/tabular/make_pupils_xls.py) and .csv reads back as the same rows;
formulas, merged titles, hidden sheets, offsets, encodings and delimiters; what is
not a spreadsheet and what is too large are refused before anything is parsed.
"""

import io
import itertools
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mentoring.lib import spreadsheets, tabular

FIXTURES = Path(__file__).parent.parent / "fixtures" / "tabular"
HEADERS = ["ФИО", "Класс", "Дата рождения", "Балл", "Итого"]
TITLE, SUBTITLE = "Список наставляемых", "2025/26 учебный год"
PUPILS = [
    ["Иванова Анна", "5А", date(2013, 4, 5), 12],
    ["Петров Пётр", "6Б", date(2012, 11, 30), 7.5],
]
# The table every format holds: two title rows (the first merged over A1:E1), an
# empty row, the header in row 4, two pupils; E5 is =D5+1.
ROWS = [
    [TITLE, None, None, None, None],
    [SUBTITLE, None, None, None, None],
    [None] * 5,
    HEADERS,
    [*PUPILS[0], "formula"],
    [*PUPILS[1], None],
]
FORMULA = (4, 4)
MERGED_TITLE = ((0, 0), (0, 4))
KNOWN = {"фио", "класс", "дата рождения", "балл"}


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"):
        yield


def score(row) -> float:
    """What the engine passes: how many cells are headers it knows."""
    return sum(1 for cell in row if str(cell or "").strip().casefold() in KNOWN)


def expected(formula_value):
    rows = [list(row) for row in ROWS]
    rows[FORMULA[0]][FORMULA[1]] = formula_value
    return rows


def refused(content, filename, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        tabular.read_workbook(content, filename, **kwargs)
    return caught.value


# --- builders -------------------------------------------------------------------------


def make_xlsx(*, start="A1") -> bytes:
    """The table at `start`, a hidden second sheet and a visible third."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ученики"
    top = sheet[start]
    row0, col0 = top.row, top.column
    for r, values in enumerate(ROWS):
        for c, value in enumerate(values):
            if value is not None and value != "formula":
                sheet.cell(row0 + r, col0 + c, value)
    total = sheet.cell(row0 + 4, col0 + 4)
    total.value = f"={sheet.cell(row0 + 4, col0 + 3).coordinate}+1"
    sheet.merge_cells(
        start_row=row0, start_column=col0, end_row=row0, end_column=col0 + 4
    )
    for r in (4, 5):
        sheet.cell(row0 + r, col0 + 2).number_format = "DD.MM.YYYY"
    hidden = book.create_sheet("Служебный")
    hidden["A1"] = "секрет"
    hidden.sheet_state = "hidden"
    totals = book.create_sheet("Итоги")
    totals.append(["Всего", 2])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"'
)
HIDDEN_STYLE = (
    '<style:style style:name="hidden" style:family="table">'
    '<style:table-properties table:display="false"/></style:style>'
)


def text_cell(text, attributes=""):
    return (
        f'<table:table-cell office:value-type="string" {attributes}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def number_cell(value, attributes=""):
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}" '
        f"{attributes}><text:p>{value}</text:p></table:table-cell>"
    )


def date_cell(value):
    return (
        f'<table:table-cell office:value-type="date" office:date-value="{value}">'
        f"<text:p>{value:%d.%m.%Y}</text:p></table:table-cell>"
    )


def empty(count=1):
    return f'<table:table-cell table:number-columns-repeated="{count}"/>'


def row(*cells, repeated=1):
    return (
        f'<table:table-row table:number-rows-repeated="{repeated}">'
        f"{''.join(cells)}</table:table-row>"
    )


def table(name, *rows, style=""):
    style = f'table:style-name="{style}"' if style else ""
    return f'<table:table table:name="{name}" {style}>{"".join(rows)}</table:table>'


def make_ods(*tables, styles=HIDDEN_STYLE, content=None) -> bytes:
    """An .ods as LibreOffice lays it out: the mimetype first and stored."""
    if content is None:
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            f'{ODS_NS} office:version="1.2"><office:automatic-styles>{styles}'
            f"</office:automatic-styles><office:body><office:spreadsheet>"
            f"{''.join(tables)}</office:spreadsheet></office:body>"
            f"</office:document-content>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), tabular.ODS_MIMETYPE)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
            'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def pupils_ods() -> bytes:
    """The table, written as LibreOffice does: the merged title followed by its
    covered cells, empty cells as repeats, the rest of the sheet as one row
    repeated a million times; the formula's cached value is 13."""
    pupils = table(
        "Ученики",
        row(
            text_cell(TITLE, 'table:number-columns-spanned="5"'),
            '<table:covered-table-cell table:number-columns-repeated="4"/>',
        ),
        row(text_cell(SUBTITLE), empty(4)),
        row(empty(5)),
        row(*(text_cell(header) for header in HEADERS)),
        row(
            text_cell("Иванова Анна"),
            text_cell("5А"),
            date_cell(date(2013, 4, 5)),
            number_cell(12),
            number_cell(13, 'table:formula="of:=[.D5]+1"'),
        ),
        row(
            text_cell("Петров Пётр"),
            text_cell("6Б"),
            date_cell(date(2012, 11, 30)),
            number_cell(7.5),
            empty(1),
        ),
        row(empty(1024), repeated=1048570),
    )
    hidden = table("Служебный", row(text_cell("секрет")), style="hidden")
    totals = table("Итоги", row(text_cell("Всего"), number_cell(2)))
    return make_ods(pupils, hidden, totals)


# --- one table, four formats ----------------------------------------------------------


def test_xlsx_reads_the_visible_sheets_with_types_formulas_and_merges():
    sheets = tabular.read_workbook(make_xlsx(), "база.xlsx")
    assert [sheet.name for sheet in sheets] == ["Ученики", "Итоги"]
    pupils = sheets[0]
    # openpyxl writes no cached value for a formula: calamine sees an empty cell.
    assert pupils.rows == expected(None)
    assert type(pupils.rows[4][3]) is int and type(pupils.rows[5][3]) is float
    assert type(pupils.rows[4][2]) is date
    assert pupils.formulas == {FORMULA}
    assert pupils.merged == [MERGED_TITLE]
    assert tabular.find_header(pupils.rows, score) == 3
    assert sheets[1].rows == [["Всего", 2]]
    assert sheets[1].formulas == set()


def test_ods_reads_the_same_table():
    sheets = tabular.read_workbook(pupils_ods(), "база.ods")
    assert [sheet.name for sheet in sheets] == ["Ученики", "Итоги"]
    pupils = sheets[0]
    assert pupils.rows == expected(13)  # the million empty rows are not rows
    assert pupils.formulas == {FORMULA}
    assert pupils.merged == [MERGED_TITLE]
    assert tabular.find_header(pupils.rows, score) == 3
    assert sheets[1].rows == [["Всего", 2]]


def test_xls_reads_the_same_table_but_cannot_tell_formulas():
    content = (FIXTURES / "pupils.xls").read_bytes()
    sheets = tabular.read_workbook(content, "база.xls")
    assert [sheet.name for sheet in sheets] == ["Ученики", "Итоги"]
    pupils = sheets[0]
    assert pupils.rows == expected(None)  # xlwt caches no result either
    assert pupils.formulas == set()  # see the module's docstring
    assert pupils.merged == [MERGED_TITLE]
    assert tabular.find_header(pupils.rows, score) == 3


def test_the_format_is_told_by_the_content_not_the_name():
    assert tabular.read_workbook(make_xlsx(), "база.ods")[0].formulas == {FORMULA}
    assert tabular.read_workbook(pupils_ods(), "база.xlsx")[0].rows == expected(13)


def test_a_table_starting_at_c4_keeps_its_place():
    """rows[0] is row 1 of the sheet and column 0 is A, though A1:B3 are empty."""
    pupils = tabular.read_workbook(make_xlsx(start="C4"), "база.xlsx")[0]
    assert len(pupils.rows) == 3 + len(ROWS)
    assert all(len(cells) == 2 + 5 for cells in pupils.rows)
    assert pupils.rows[:3] == [[None] * 7] * 3
    assert [cells[:2] for cells in pupils.rows] == [[None, None]] * 9
    assert [cells[2:] for cells in pupils.rows[3:]] == expected(None)
    assert pupils.formulas == {(3 + 4, 2 + 4)}
    assert pupils.merged == [((3, 2), (3, 6))]
    assert tabular.find_header(pupils.rows, score) == 3 + 3


def test_an_ods_table_starting_at_c4_keeps_its_place():
    content = make_ods(
        table(
            "Лист",
            row(empty(3), repeated=3),
            row(empty(2), text_cell("ФИО"), text_cell("Класс")),
            row(empty(2), text_cell("Иванова Анна"), number_cell(5)),
        )
    )
    assert tabular.read_workbook(content, "база.ods")[0].rows == [
        [None] * 4,
        [None] * 4,
        [None] * 4,
        [None, None, "ФИО", "Класс"],
        [None, None, "Иванова Анна", 5],
    ]


def test_ods_formula_positions_count_repeats_and_covered_cells():
    content = make_ods(
        table(
            "Лист",
            row(text_cell("Заголовок", 'table:number-rows-spanned="2"'), empty(1)),
            row("<table:covered-table-cell/>", empty(2)),
            row(empty(1), number_cell(1, 'table:formula="of:=1"'), repeated=2),
            row(
                empty(3),
                number_cell(
                    2, 'table:formula="of:=2" table:number-columns-repeated="2"'
                ),
            ),
        )
    )
    sheet = tabular.read_workbook(content, "база.ods")[0]
    assert sheet.formulas == {(2, 1), (3, 1), (4, 3), (4, 4)}
    assert sheet.merged == [((0, 0), (1, 0))]
    assert sheet.rows[4] == [None, None, None, 2, 2]


def test_xlsx_cells_without_a_reference_are_placed_in_order():
    """The format lets a writer leave out `r`: the cell is then the next one."""
    book = openpyxl.Workbook()
    book.active.append(["a", "b", "=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    stripped = io.BytesIO()
    with zipfile.ZipFile(stripped, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                for ref in ("A1", "B1", "C1"):
                    data = data.replace(f' r="{ref}"'.encode(), b"")
                data = data.replace(b'<row r="1"', b'<row r="3"')
                assert b' r="C1"' not in data
            target.writestr(member, data)
    sheet = tabular.read_workbook(stripped.getvalue(), "база.xlsx")[0]
    assert sheet.formulas == {(2, 2)}
    assert sheet.rows[2][:2] == ["a", "b"]


# --- CSV ------------------------------------------------------------------------------


CSV_ROWS = [
    ["ФИО", "Класс", "Балл", "Интересы"],
    ["Иванова Анна", "5А", "12,5", "шахматы;\nробототехника"],
    ["Петров Пётр", "6Б", " 7 ", '=HYPERLINK("x")'],
    ["", "7В", "", ""],
]


def test_csv_in_utf8_with_bom_and_semicolons():
    text = (
        "ФИО;Класс;Балл;Интересы\r\n"
        'Иванова Анна;5А;12,5;"шахматы;\nробототехника"\r\n'
        'Петров Пётр;6Б; 7 ;"=HYPERLINK(""x"")"\r\n'
        ";7В;;\r\n"
    )
    sheet = tabular.read_workbook(text.encode("utf-8-sig"), "наставляемые.csv")[0]
    assert sheet.name == "наставляемые"
    assert sheet.rows == [
        [cell if cell != "" else None for cell in cells] for cells in CSV_ROWS
    ]
    assert sheet.formulas == {(2, 3)}
    assert sheet.merged == []


def test_csv_in_windows_1251_with_commas():
    text = 'ФИО,Класс,Балл\r\n"Иванова, Анна",5А,12\r\nПетров Пётр,6Б,7\r\n'
    content = text.encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    sheet = tabular.read_workbook(content, "база.csv")[0]
    assert sheet.rows == [
        ["ФИО", "Класс", "Балл"],
        ["Иванова, Анна", "5А", "12"],
        ["Петров Пётр", "6Б", "7"],
    ]
    assert tabular.find_header(sheet.rows, score) == 0


def test_csv_with_tabs_and_utf16_as_excel_saves_unicode_text():
    text = "ФИО\tКласс\r\nИванова Анна\t5А\r\n"
    sheet = tabular.read_workbook(text.encode("utf-16"), "база.txt")[0]
    assert sheet.rows == [["ФИО", "Класс"], ["Иванова Анна", "5А"]]


@pytest.mark.parametrize(
    ("sample", "expected_delimiter"),
    [
        ("a;b;c\n1;2,5;3\n", ";"),
        ("a,b,c\n1,2,3\n", ","),
        ("a\tb\n1\t2\n", "\t"),
        ('"x;y",b\n"z;w",c\n', ","),
        ("только одна колонка\n", ";"),
    ],
)
def test_the_delimiter_is_found_from_the_first_lines(sample, expected_delimiter):
    assert tabular.delimiter(sample) == expected_delimiter


def test_csv_rows_are_padded_to_the_widest():
    sheet = tabular.read_workbook(b"a;b;c\n1\n\n", "x.csv")[0]
    assert sheet.rows == [["a", "b", "c"], ["1", None, None]]


# --- what is not a spreadsheet --------------------------------------------------------


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "база.xlsx"),
        (b"%PDF-1.7\n1 0 obj\n", "база.csv"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "база.xls"),
        (docx(), "база.xlsx"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"),
            "a.xls",
        ),
        ("ФИО;Класс\n".encode(), "база.xlsx"),  # text, but not named as text
    ],
)
def test_what_is_not_a_spreadsheet_is_refused_by_name(content, filename):
    error = refused(content, filename)
    assert error.code == "format"
    message = error.messages[0]
    assert f"«{filename}»" in message
    assert "не таблица" in message
    for extension in tabular.FORMATS:
        assert extension in message


def test_a_broken_workbook_is_unreadable():
    content = make_xlsx()
    error = refused(content[: len(content) // 2], "база.xlsx")
    assert error.code == "unreadable"
    assert "повреждена или защищена паролем" in error.messages[0]


def test_an_xlsx_with_a_password_is_unreadable():
    """Excel encrypts such a workbook into an OLE2 container."""
    content = tabular.OLE2_MAGIC + b"\x00" * 100 + tabular.OLE2_ENCRYPTED
    assert refused(content, "база.xlsx").code == "unreadable"


def test_an_ods_whose_content_is_encrypted_is_unreadable():
    content = make_ods(content=bytes(range(256)) * 4)
    assert refused(content, "база.ods").code == "unreadable"


def test_an_xls_that_calamine_cannot_read_is_unreadable():
    content = tabular.OLE2_MAGIC + tabular.OLE2_WORKBOOK[0] + b"\x00" * 600
    assert refused(content, "база.xls").code == "unreadable"


# --- limits ---------------------------------------------------------------------------


def test_an_xlsx_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(30):
                part.write(b"A" * 1024 * 1024)
    assert len(buffer.getvalue()) < 200 * 1024
    assert refused(buffer.getvalue(), "база.xlsx").code == "part_too_large"


def test_an_ods_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), tabular.ODS_MIMETYPE)
        with archive.open("content.xml", "w") as part:
            for _ in range(4):
                part.write(b" " * 1024 * 1024)
    error = refused(buffer.getvalue(), "база.ods")
    assert error.code == "compression_ratio"
    assert "content.xml" in error.messages[0]


def test_two_cells_far_apart_are_refused_before_calamine_holds_the_rectangle():
    """calamine took 2.1 GB for A1 and ZZ100000, and aborted on XFD1048576."""
    book = openpyxl.Workbook()
    book.active["A1"] = "ФИО"
    book.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    error = refused(buffer.getvalue(), "база.xlsx")
    assert error.code == "too_many_cells"
    assert "строки 1\xa0048\xa0576 и столбца XFD" in error.messages[0]


def test_an_ods_row_repeated_a_million_times_with_a_value_is_refused():
    content = make_ods(
        table(
            "Лист",
            row(
                text_cell("x", 'table:number-columns-repeated="100"'),
                repeated=1_000_000,
            ),
        )
    )
    assert refused(content, "база.ods").code == "too_many_cells"


def test_a_long_ods_cell_is_refused_even_as_a_run_of_spaces():
    spaces = f'<text:s text:c="{spreadsheets.MAX_CELL_CHARS}"/>'
    content = make_ods(table("Лист", row(empty(1), text_cell(f"а{spaces}"))))
    error = refused(content, "база.ods")
    assert error.code == "cell_too_long"
    assert "Ячейка B1" in error.messages[0]
    content = make_ods(table("Лист", row(text_cell(spaces))))
    assert tabular.read_workbook(content, "база.ods")[0].rows[0][0].isspace()


def test_a_long_csv_cell_is_refused_with_its_place():
    text = "ФИО;Интересы\nИванова;" + "а" * (spreadsheets.MAX_CELL_CHARS + 1)
    error = refused(text.encode(), "база.csv")
    assert error.code == "cell_too_long"
    assert "Ячейка B2 (строка 2, столбец B)" in error.messages[0]


def test_a_long_xls_cell_is_refused_with_its_place(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_CELL_CHARS", 15)
    error = refused((FIXTURES / "pupils.xls").read_bytes(), "база.xls")
    assert error.code == "cell_too_long"
    assert "Ячейка A1" in error.messages[0]  # «Список наставляемых», 19


@pytest.fixture
def slow_clock(monkeypatch):
    """Each reading of the clock is 10 s after the one before."""
    ticks = itertools.count(0, 10)
    monkeypatch.setattr(spreadsheets, "clock", lambda: next(ticks))


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (make_xlsx(), "база.xlsx"),
        (pupils_ods(), "база.ods"),
        ((FIXTURES / "pupils.xls").read_bytes(), "база.xls"),
        ("\n".join(f"{i};x" for i in range(10)).encode(), "база.csv"),
    ],
)
def test_reading_stops_when_the_time_is_spent(slow_clock, content, filename):
    deadline = spreadsheets.Deadline(35)  # three checks, then over
    assert refused(content, filename, deadline=deadline).code == "too_complex"


def test_every_format_reads_within_an_unbounded_deadline():
    deadline = spreadsheets.Deadline(None)
    assert tabular.read_workbook(make_xlsx(), "a.xlsx", deadline=deadline)


# --- the header -----------------------------------------------------------------------


def test_the_header_is_found_under_titles_merged_cells_and_empty_rows():
    rows = [
        ["Список наставляемых ФИО класс", None, None],  # a title, merged
        ["ФИО", None, None],  # a title that is one known word
        [None, None, None],
        ["ФИО", "Класс", "Балл"],
        ["Иванова", "5А", 12],
    ]
    assert tabular.find_header(rows, score) == 3


def test_the_earliest_of_equal_headers_wins():
    rows = [["x"], ["ФИО", "Класс"], ["Класс", "ФИО"]]
    assert tabular.find_header(rows, score) == 1


def test_no_header_is_none():
    assert tabular.find_header([["x"], [None], []], score) is None
    assert tabular.find_header([], score) is None


def test_the_header_is_looked_for_in_the_first_rows_only():
    rows = [[None]] * 30 + [["ФИО", "Класс"]]
    assert tabular.find_header(rows, score) is None
    assert tabular.find_header(rows, score, search=31) == 30
