"""The exporter pattern: the XLSX renderer and the one download view."""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from mentoring import jobs
from mentoring.lib import export
from mentoring.models import Job


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_xlsx_keeps_cyrillic_dates_and_numbers():
    content = export.render_xlsx(
        [["ФИО", "Дата", "Возраст"], ["Ёлкина Анна", date(2026, 3, 5), 14]],
        title="База наставляемых",
    )
    sheet = workbook(content)
    assert sheet.title == "База наставляемых"
    assert [cell.value for cell in sheet[1]] == ["ФИО", "Дата", "Возраст"]
    assert sheet["A2"].value == "Ёлкина Анна"
    assert sheet["B2"].value == datetime(2026, 3, 5)
    assert sheet["B2"].number_format == "DD.MM.YYYY"
    assert sheet["C2"].value == 14


def test_xlsx_header_is_frozen_bold_and_columns_fit():
    long_text = "очень длинный текст " * 20
    sheet = workbook(export.render_xlsx([["Кратко", "Длинно"], ["а", long_text]]))
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width == export.MIN_WIDTH
    assert sheet.column_dimensions["B"].width == export.MAX_WIDTH


@pytest.mark.parametrize("text", ["=1+1", "+7 900", "-5", "@SUM(A1)"])
def test_xlsx_keeps_what_a_spreadsheet_would_run_as_text(text):
    content = export.render_xlsx([["Поле"], [text]])
    sheet = workbook(content)
    assert sheet["A2"].value == text  # as written: it imports back unchanged
    assert sheet["A2"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_sheet_title_drops_forbidden_characters():
    sheet = workbook(export.render_xlsx([["x"]], title="Пары: 2026/2027 [черновик]"))
    assert sheet.title == "Пары 2026 2027 черновик"


class Probe(export.Exporter):
    identifier = "probe-test"
    verbose_name = "Проба"

    def allowed(self):
        return self.request.user.username == "curator"

    def rows(self):
        yield ["Колонка"]
        yield [self.params.get("value", "")]


@pytest.fixture
def probe():
    export.register(Probe)
    yield Probe
    export.REGISTRY.pop(Probe.identifier)


def test_download_view_sends_the_file(client, curator, probe):
    client.force_login(curator)
    url = reverse("export", kwargs={"identifier": "probe-test", "fmt": "xlsx"})
    response = client.get(url, {"value": "Привет"})
    assert response.status_code == 200
    assert response["Content-Type"] == export.CONTENT_TYPES["xlsx"]
    assert (
        "filename*=UTF-8''%D0%9F%D1%80%D0%BE%D0%B1%D0%B0"
        in (response["Content-Disposition"])
    )
    assert workbook(response.content)["A2"].value == "Привет"


def test_download_view_refuses_who_may_not(client, outsider, probe):
    client.force_login(outsider)
    url = reverse("export", kwargs={"identifier": "probe-test", "fmt": "xlsx"})
    assert client.get(url).status_code == 403


def test_download_view_404_for_unknown_report_or_format(client, curator, probe):
    client.force_login(curator)
    assert (
        client.get(reverse("export", args=["no-such-report", "xlsx"])).status_code
        == 404
    )
    assert client.get(reverse("export", args=["probe-test", "pdf"])).status_code == 404


def test_register_refuses_a_second_exporter_with_the_same_name(probe):
    class Other(export.Exporter):
        identifier = "probe-test"

    with pytest.raises(ValueError):
        export.register(Other)


def test_admin_action_exports_the_selection(probe, curator):
    request = RequestFactory().get("/")
    request.user = curator
    response = export.admin_action("probe-test")(None, request, queryset=None)
    assert workbook(response.content)["A1"].value == "Колонка"


def test_admin_exports_the_selected_mentees_in_the_federal_layout(client, superuser):
    from tests import factories as f

    chosen = f.MenteeFactory()
    f.MenteeFactory()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:people_menteeprofile_changelist"),
        {"action": "export_mentee_base_xlsx", "_selected_action": [chosen.pk]},
    )
    # A whole municipality may be selected: the file is a background job's.
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    download = client.get(reverse("jobs:download", args=[job.pk]))
    sheet = workbook(b"".join(download.streaming_content))
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [chosen.participant.full_name]


def test_an_admin_export_job_is_refused_to_who_lost_the_admin(client, superuser):
    from tests import factories as f

    chosen = f.MenteeFactory()
    job = Job.objects.create(
        user=superuser,
        kind=Job.Kind.EXPORT,
        identifier="mentee-base",
        fmt="xlsx",
        title="База",
        params={"_admin_model": "people.menteeprofile", "_admin_ids": [chosen.pk]},
    )
    superuser.is_staff = superuser.is_superuser = False
    superuser.save()
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.file


def test_cyrillic_file_name_has_a_readable_ascii_fallback():
    response = export.file_response(b"x", "База наставников 2026-11-23.xlsx", "a/b")
    assert (
        'filename="baza-nastavnikov-2026-11-23.xlsx"'
        in (response["Content-Disposition"])
    )
    response = export.file_response(b"x", "Итоговый отчёт № 1.pdf", "a/b")
    assert 'filename="itogovyi-otchet-no-1.pdf"' in response["Content-Disposition"]
    response = export.file_response(b"x", "漢字.xlsx", "a/b")
    assert 'filename="export.xlsx"' in response["Content-Disposition"]


def test_sheet_title_is_cut_between_words():
    sheet = workbook(
        export.render_xlsx([["x"]], title="Ожидания и результаты анкетирования")
    )
    assert sheet.title == "Ожидания и результаты"


def test_a_workbook_takes_rows_from_a_generator_beyond_the_width_sample():
    """Rows come from a generator longer than the rows that size the columns
    (`WIDTH_SAMPLE`): every one lands in the sheet, in order, read once."""
    read = []

    def rows():
        yield ["№", "ФИО"]
        for number in range(1, 1201):  # > export.WIDTH_SAMPLE
            read.append(number)
            yield [number, f"Фамилия {number}"]

    content = export.render_workbook([("Список", rows())])
    sheet = load_workbook(io.BytesIO(content)).active
    assert read == list(range(1, 1201))
    assert sheet.max_row == 1201
    assert [sheet["A1201"].value, sheet["B1201"].value] == [1200, "Фамилия 1200"]
