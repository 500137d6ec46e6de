"""One pattern for every report: an exporter class per report, shared renderers.

An exporter names itself (`identifier`, `verbose_name`), says who may run it
(`allowed()`), and yields `rows()` (header row first) for XLSX and/or a template
context for PDF. `mentoring.views.export` serves them all; `admin_action()` turns one
into an admin action. The file is built in memory and sent whole, so a failure never
leaves a half-written download. Cells that a spreadsheet would read as a formula
(`= + - @`) are kept as text, never run. This module imports no app.
"""

from __future__ import annotations

import errno
import io
import mimetypes
import re
import unicodedata
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from lxml import etree

XLSX = "xlsx"
PDF = "pdf"
DOCX = "docx"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 8, 60

REGISTRY: dict[str, type[Exporter]] = {}


class ExportRefused(Exception):
    """The file cannot be made as asked (nothing matches): its message is said to
    the user, and nothing is sent."""


# A full disk (or quota, or file size limit): where openpyxl, WeasyPrint or the
# storage write their files.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_no_space(error: BaseException) -> bool:
    if isinstance(error, OSError):
        return error.errno in NO_SPACE
    # openpyxl writes its sheets with lxml, which says IO_ENOSPC its own way
    return isinstance(error, etree.SerialisationError) and "ENOSPC" in str(error)


@contextmanager
def no_space_refused():
    """A full disk while a file is made is said to the user, as a refusal:
    nothing half-made is sent or kept."""
    try:
        yield
    except (OSError, etree.SerialisationError) as error:
        if not is_no_space(error):
            raise
        raise ExportRefused(
            _(
                "The server ran out of disk space while preparing the file, and "
                "nothing was made. Tell the administrator of the portal; try again "
                "later."
            )
        ) from error


def register(cls: type[Exporter]) -> type[Exporter]:
    """Class decorator: make an exporter reachable at /export/<identifier>.<fmt>."""
    if cls.identifier in REGISTRY and REGISTRY[cls.identifier] is not cls:
        raise ValueError(f"Exporter {cls.identifier!r} is registered twice")
    REGISTRY[cls.identifier] = cls
    return cls


def get_exporter(identifier: str) -> type[Exporter] | None:
    return REGISTRY.get(identifier)


class Exporter:
    identifier: str = ""
    verbose_name = ""
    formats: Sequence[str] = (XLSX,)
    template_name: str | None = None  # for PDF
    docx_template: str | None = None  # for DOCX: a path under templates/docx/
    landscape = False

    def __init__(self, request, queryset=None):
        self.request = request
        self.params = request.GET
        self._queryset = queryset
        # Set by a background job (mentoring.jobs): report(done, total=None, step="").
        self.progress = None

    # --- to override -------------------------------------------------------------
    def allowed(self) -> bool:
        return False

    def rows(self) -> Iterable[Sequence]:
        """The header row first, then one row per record."""
        raise NotImplementedError

    def context(self) -> dict:
        """Template context for PDF."""
        return {"exporter": self}

    def filename(self) -> str:
        return f"{self.verbose_name} {timezone.localdate():%Y-%m-%d}"

    def count(self) -> int | None:
        """How many records `rows()` will give, when cheap to know: a background
        job shows its progress as a share of it."""
        return None

    # --- rendering ---------------------------------------------------------------
    def render(self, fmt: str) -> bytes:
        if fmt == XLSX:
            return render_xlsx(self.counted(self.rows()), title=str(self.verbose_name))
        if fmt == PDF:
            self.report_progress(0, 3)
            context = {"title": self.verbose_name, "landscape": self.landscape}
            context.update(self.context())
            self.report_progress(1, 3)
            return render_pdf(self.template_name, context, request=self.request)
        if fmt == DOCX:
            return render_docx(self.docx_template, self.docx_context())
        raise ValueError(fmt)

    def report_progress(
        self, done: int, total: int | None = None, step: str = ""
    ) -> None:
        if self.progress is not None:
            self.progress(done, total, step)

    def counted(self, rows: Iterable[Sequence]) -> Iterable[Sequence]:
        """The rows as they are written, reported to a background job."""
        if self.progress is None:
            return rows
        return _counted(rows, self.report_progress, self.count())

    def docx_context(self) -> dict:
        """Template context for DOCX (docxtpl's Jinja): the PDF's by default."""
        return {"title": self.verbose_name, **self.context()}

    def response(self, fmt: str) -> HttpResponse:
        with no_space_refused():
            content = self.render(fmt)
        return file_response(content, f"{self.filename()}.{fmt}", CONTENT_TYPES[fmt])


def _counted(rows, report, total):
    for number, row in enumerate(rows):
        if number % 100 == 0:
            report(number, total)
        yield row


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """The file as an attachment: its name as written in `filename*` (UTF-8), and
    for clients that read only `filename` a transliteration of it
    («Итоговый отчёт 2025-2026.pdf» → «itogovyi-otchet-2025-2026.pdf»)."""
    response = HttpResponse(content, content_type=content_type)
    stem, _dot, extension = filename.rpartition(".")
    latin = unicodedata.normalize("NFKD", stem.lower().translate(_TRANSLIT))
    latin = "".join(char for char in latin if not unicodedata.combining(char))
    ascii_stem = re.sub(r"[^a-z0-9]+", "-", latin.lower()).strip("-")
    ascii_name = f"{ascii_stem or 'export'}.{extension}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# Russian letters in Latin as in Russian passports (ICAO Doc 9303): «й» → «i»,
# «х» → «kh», «щ» → «shch», «ъ» → «ie», «ь» dropped.
_TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziiklmnoprstufye", strict=True)),
        "ё": "e",
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "ie",
        "ь": "",
        "ю": "iu",
        "я": "ia",
    }
)


def as_text(cell):
    """An .xlsx cell keeps text that looks like a formula («=…», «+7 900 …») as
    text, exactly as written: stored as a string, never run, and an import
    reads back the same value (no «'» added)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
    return cell


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date | datetime):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def render_xlsx(rows: Iterable[Sequence], title: str = "Sheet") -> bytes:
    """An .xlsx with a bold frozen header, widths fitted to the content (within
    limits), wrapped long text, and real date cells shown as ДД.ММ.ГГГГ."""
    return render_workbook([(title, rows)])


WIDTH_SAMPLE = 500  # rows read to size the columns of a sheet


def render_workbook(sheets: Iterable[tuple[str, Iterable[Sequence]]]) -> bytes:
    """Several sheets, each styled as `render_xlsx` styles one (the first row of
    each is its header). Rows are streamed into openpyxl's write-only workbook:
    only the first `WIDTH_SAMPLE` rows of a sheet are held (they set the column
    widths), so memory does not grow with the rows; the finished file is
    returned whole."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E7EEF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    for title, sheet_rows in sheets:
        rest = iter(sheet_rows)
        sample = [list(row) for row in islice(rest, WIDTH_SAMPLE)]
        rows = chain(sample, (list(row) for row in rest))
        sheet = workbook.create_sheet(title=_sheet_title(title))
        sheet.freeze_panes = "A2"
        columns = max((len(row) for row in sample), default=0)
        for index in range(columns):
            width = max(
                (_width(row[index]) for row in sample if index < len(row)),
                default=0,
            )
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
        for number, row in enumerate(rows):
            cells = []
            for value in row:
                if isinstance(value, Promise):  # lazy translations
                    value = str(value)
                if number == 0:
                    cell = as_text(WriteOnlyCell(sheet, value=value))
                    cell.font, cell.fill, cell.alignment = (
                        header_font,
                        header_fill,
                        wrap,
                    )
                elif isinstance(value, datetime):
                    if timezone.is_aware(value):
                        value = timezone.localtime(value).replace(tzinfo=None)
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "DD.MM.YYYY HH:MM"
                elif isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "DD.MM.YYYY"
                elif isinstance(value, str) and (
                    len(value) > MAX_WIDTH
                    or "\n" in value
                    or value.startswith(FORMULA_PREFIXES)
                ):
                    cell = as_text(WriteOnlyCell(sheet, value=value))
                    if len(value) > MAX_WIDTH or "\n" in value:
                        cell.alignment = wrap
                else:
                    # A plain value needs no cell object of its own (the most of a
                    # big sheet): openpyxl writes it as a bare dump would.
                    cell = value
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), cut after
    the last whole word that fits, never inside one."""
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    title = " ".join(title.split())
    if len(title) > 31:
        head = title[:32].rsplit(" ", 1)[0] if " " in title[:32] else title
        title = head[:31].rstrip(" -–—,;.")
    return title or "Sheet"


def render_docx(template_name: str, context: dict) -> bytes:
    """An editable .docx from a Word template with Jinja tags (docxtpl), found
    under the project's templates/docx/. Built in memory, sent whole."""
    from docxtpl import DocxTemplate  # loaded when a .docx is asked for

    path = Path(settings.BASE_DIR) / "templates" / "docx" / template_name
    document = DocxTemplate(str(path))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    """A PDF from a template extending base_print.html. WeasyPrint is imported here,
    so the rest of the site runs without Pango."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(
        string=html, base_url=base_url, url_fetcher=_static_url_fetcher(base_url)
    ).write_pdf()


def render_pdf_documents(
    documents: Iterable[tuple[str, dict]], request=None, progress=None, total=None
) -> bytes:
    """One PDF of several documents (all certificates of a year), each laid out
    on its own pages from its own template and context, in order."""
    from weasyprint import HTML

    base_url = request.build_absolute_uri("/") if request is not None else None
    fetcher = _static_url_fetcher(base_url)
    rendered = []
    for number, (template_name, context) in enumerate(documents):
        if progress is not None:
            progress(number, total)
        html = render_to_string(template_name, context, request=request)
        rendered.append(
            HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
        )
    if not rendered:
        raise ValueError("No documents to print")
    pages = [page for document in rendered for page in document.pages]
    return rendered[0].copy(pages).write_pdf()


def _static_url_fetcher(base_url: str | None):
    """A WeasyPrint URL fetcher that serves the portal's own static files (print.css)
    from disk and refuses every other URL: `file:`, `data:`, other hosts, pages of
    the site, names with `..` or absolute ones. A document names only print.css
    (no images, fonts or data: URIs), so nothing else is needed; a refusal raises,
    and WeasyPrint logs it and renders without that resource. Reading from disk
    also spares the server a request to itself (which tests and management commands
    could not answer)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    site = urlsplit(base_url) if base_url else None
    static_path = urlsplit(settings.STATIC_URL).path

    def static_name(url: str) -> str | None:
        parts = urlsplit(url)
        if site is None or (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
        if not parts.path.startswith(static_path):
            return None
        name = unquote(parts.path.removeprefix(static_path))
        segments = name.split("/")
        if "\\" in name or "\0" in name or any(s in ("", ".", "..") for s in segments):
            return None
        return name

    class StaticURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            name = static_name(url)
            found = name and finders.find(name)
            if name and not found and staticfiles_storage.exists(name):
                found = staticfiles_storage.path(name)
            if not found:
                raise ValueError(f"Not a static file of the portal: {url[:200]}")
            with open(found, "rb") as file:
                body = file.read()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticURLFetcher()


def admin_action(identifier: str, fmt: str = XLSX, description=None):
    """An admin action that exports the selected rows through the exporter."""

    def action(modeladmin, request, queryset):
        exporter = REGISTRY[identifier](request, queryset=queryset)
        return exporter.response(fmt)

    action.short_description = description or REGISTRY[identifier].verbose_name
    action.__name__ = f"export_{identifier.replace('-', '_')}_{fmt}"
    return action
