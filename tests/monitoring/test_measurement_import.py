"""Import of entry/exit values through the import engine: checks on their
cells, preview, one-time apply, the programme the file is bound to."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mentoring.lib import importer
from monitoring import measurement_importing as importing
from monitoring.models import Measurement, Parameter
from tests import factories as f
from tests.people.import_flow import step, upload

HEADERS = ["ФИО", "Параметр", "Момент", "Значение", "Дата"]
FIELDS = {
    "ФИО": "name",
    "ID пары": "pair_id",
    "Параметр": "parameter",
    "Момент": "moment",
    "Значение": "value",
    "Дата": "measured_on",
}


def make_xlsx(rows, headers=HEADERS, formulas=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def mentee_name(pair):
    return pair.memberships.get().mentee.participant.full_name


def kind_for(pair, user=None):
    programme = pair.programme
    return importing.MeasurementImport(
        programme.organisation, programme=programme, user=user
    )


def preview(pair, rows, **kwargs):
    return importer.build_preview(
        kind_for(pair),
        content=make_xlsx(rows, **kwargs),
        filename="values.xlsx",
        state=importer.ImportState(checked=True),
    )


def errors(report, number):
    row = next(r for r in report.rows if r.number == number)
    return " ".join(
        [*(f"{key}: {message}" for key, message in row.errors.items()), *row.row_errors]
    )


def url(programme):
    return f"{reverse('measurements:import')}?programme={programme.pk}"


def test_clean_file_previews_new_and_update(pair, mentee_name):
    mentee = pair.memberships.get().mentee.participant
    f.MeasurementFactory(pair=pair, participant=mentee, value=4)
    report = preview(
        pair,
        [
            (mentee_name, "Вовлеченность", "вход", "4,5", "05.03.2026"),
            (mentee_name, "anxiety", "выход", 3, date(2026, 3, 5)),
        ],
    )
    assert report.is_clean
    first, second = report.rows
    assert first.status == "update" and first.changes == [("Значение", "4", "4,5")]
    assert second.status == "new"
    assert not Measurement.objects.filter(parameter__code="anxiety").exists()


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (("Никто Никтович", "engagement", "вход", 5, "05.03.2026"), "ФИО", "Никто"),
        (("{name}", "счастье", "вход", 5, "05.03.2026"), "Параметр", "счастье"),
        (("{name}", "engagement", "середина", 5, "05.03.2026"), "Момент", "вход"),
        (("{name}", "engagement", "вход", "хорошо", "05.03.2026"), "Значение", ""),
        (("{name}", "engagement", "вход", 11, "05.03.2026"), "Значение", "11"),
        (("{name}", "grades", "вход", "1,5", "05.03.2026"), "Значение", "1,5"),
        (("{name}", "engagement", "вход", 5, "вчера"), "Дата", ""),
        (("{name}", "engagement", "вход", 5, "05.03.2099"), "Дата", ""),
    ],
)
def test_bad_rows_are_errors_with_row_and_column(pair, mentee_name, row, column, words):
    row = tuple(mentee_name if v == "{name}" else v for v in row)
    report = preview(pair, [row])
    assert not report.is_clean
    assert report.rows[0].status == "error"
    assert report.rows[0].number == 2
    assert FIELDS[column] in report.rows[0].errors
    assert words in errors(report, 2)


def test_parameter_for_mentees_only_refused_for_the_mentor(pair):
    report = preview(
        pair,
        [(pair.mentor.participant.full_name, "grades", "вход", 4, "05.03.2026")],
    )
    assert "parameter" in next(r for r in report.rows if r.number == 2).errors


def test_the_same_value_twice_is_one_and_two_values_wait_for_a_choice(
    pair, mentee_name
):
    row = (mentee_name, "engagement", "вход", 5, "05.03.2026")
    report = preview(pair, [row, row])
    assert [r.status for r in report.rows] == ["new", "merged"]
    other = (mentee_name, "engagement", "вход", 6, "05.03.2026")
    report = preview(pair, [row, other])
    assert not report.is_clean
    assert "2, 3" in errors(report, 2) and "2" in errors(report, 3)


def test_ambiguous_person_names_both_pairs_and_pair_id_settles_it(pair):
    second = f.PairFactory(programme=pair.programme, mentor=pair.mentor)
    name = pair.mentor.participant.full_name
    report = preview(pair, [(name, "engagement", "вход", 5, "05.03.2026")])
    message = errors(report, 2)
    assert f"ID {pair.pk}" in message and f"ID {second.pk}" in message
    report = preview(
        pair,
        [(name, second.pk, "engagement", "вход", 5, "05.03.2026")],
        headers=["ФИО", "ID пары", "Параметр", "Момент", "Значение", "Дата"],
    )
    assert report.is_clean
    assert report.rows[0].values["slot"].pair == second


def test_formula_cells_are_refused(pair, mentee_name):
    report = preview(
        pair,
        [(mentee_name, "engagement", "вход", None, "05.03.2026")],
        formulas={"D2": "=2+3"},
    )
    assert "формул" in errors(report, 2)


def test_an_unknown_column_is_not_loaded_and_a_missing_one_is_said(pair, mentee_name):
    content = make_xlsx(
        [(mentee_name, "engagement", "вход", 5, "05.03.2026", "x")],
        headers=[*HEADERS, "Лишний"],
    )
    state = importer.ImportState(checked=True)
    result = importer.build_preview(
        kind_for(pair), content=content, filename="v.xlsx", state=state
    )
    assert result.is_clean and result.columns[-1].field == ""
    content = make_xlsx([(mentee_name, "engagement", "вход", 5)], headers=HEADERS[:4])
    result = importer.build_preview(
        kind_for(pair), content=content, filename="v.xlsx", state=state
    )
    assert any("«Дата»" in message for message in result.mapping_errors)


def test_upload_refuses_a_non_workbook(client, curator, pair):
    client.force_login(curator)
    response = upload(client, b"not a workbook", "x.xlsx", url=url(pair.programme))
    assert response.status_code == 200
    assert response.context["file_errors"]
    assert response.context["preview"] is None


def test_preview_then_apply_once(client, curator, pair, mentee_name):
    client.force_login(curator)
    content = make_xlsx(
        [
            (mentee_name, "engagement", "вход", "4,5", "05.03.2026"),
            (mentee_name, "engagement", "выход", 7, "05.03.2026"),
        ]
    )
    page = upload(client, content, url=url(pair.programme))
    checked = step(client, page, "check", url=url(pair.programme))
    assert checked.context["preview"].is_clean
    assert not Measurement.objects.exists()
    response = step(client, checked, "apply", url=url(pair.programme))
    assert response.status_code == 302
    values = {m.moment: m for m in Measurement.objects.all()}
    assert values["entry"].value == Decimal("4.5")
    assert values["exit"].source == Measurement.Source.IMPORT
    assert values["exit"].recorded_by == curator
    # The same confirmation a second time: refused, nothing doubled.
    response = step(client, checked, "apply", url=url(pair.programme))
    assert response.status_code == 302
    assert Measurement.objects.count() == 2


def test_a_file_with_errors_writes_nothing(client, curator, pair, mentee_name):
    client.force_login(curator)
    content = make_xlsx(
        [
            (mentee_name, "engagement", "вход", 5, "05.03.2026"),
            (mentee_name, "engagement", "выход", "много", "05.03.2026"),
        ]
    )
    page = upload(client, content, url=url(pair.programme))
    checked = step(client, page, "check", url=url(pair.programme))
    assert 'data-status="error"' in checked.content.decode()
    assert 'data-testid="apply"' not in checked.content.decode()
    response = step(client, checked, "apply", url=url(pair.programme))
    assert response.status_code == 200
    assert not Measurement.objects.exists()


def test_the_file_is_bound_to_the_programme(client, curator, pair, mentee_name):
    client.force_login(curator)
    other = f.ProgrammeFactory(organisation=pair.programme.organisation)
    content = make_xlsx([(mentee_name, "engagement", "вход", 5, "05.03.2026")])
    page = upload(client, content, url=url(pair.programme))
    checked = step(client, page, "check", url=url(pair.programme))
    response = step(client, checked, "apply", url=url(other))
    assert response.status_code == 302
    assert not Measurement.objects.exists()


def test_template_lists_people_and_parameters(client, curator, pair, mentee_name):
    client.force_login(curator)
    response = client.get(
        f"{reverse('measurements:import-template')}?programme={pair.programme.pk}"
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == list(importing.HEADERS)
    names = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert mentee_name in names
    lists = workbook["Справочник"]
    listed = {row[0].value for row in lists.iter_rows(min_row=2)}
    assert set(Parameter.objects.values_list("name", flat=True)) <= listed


@pytest.mark.parametrize("pairs", [2, 8])
def test_preview_query_budget(pair, pairs, django_assert_max_num_queries):
    rows = []
    for _ in range(pairs):
        other = f.PairFactory(programme=pair.programme)
        name = f.PairMenteeFactory(pair=other).mentee.participant.full_name
        rows.append((name, "engagement", "вход", 5, "05.03.2026"))
        rows.append((name, "anxiety", "выход", 5, "05.03.2026"))
    content = make_xlsx(rows)
    with django_assert_max_num_queries(8):
        report = importer.build_preview(
            kind_for(pair),
            content=content,
            filename="v.xlsx",
            state=importer.ImportState(checked=True),
        )
    assert report.is_clean, [r.errors for r in report.rows]


def test_the_values_export_is_the_import_layout_and_linked(client, curator, pair):
    mentee = pair.memberships.get().mentee.participant
    f.MeasurementFactory(pair=pair, participant=mentee, value=Decimal("4.5"))
    client.force_login(curator)
    dynamics = client.get(
        f"{reverse('measurements:dynamics')}?programme={pair.programme.pk}"
    )
    export_url = f"{reverse('export', args=['measurements', 'xlsx'])}"
    assert f"{export_url}?programme={pair.programme.pk}" in dynamics.content.decode()
    response = client.get(export_url, {"programme": pair.programme.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == importing.HEADERS
    assert rows[1][:2] == (mentee.full_name, pair.pk)
    assert rows[1][5] == 4.5


def test_the_template_never_turns_a_name_into_a_formula(client, curator, pair):
    mentee = pair.memberships.get().mentee.participant
    mentee.last_name = '=HYPERLINK("http://evil.example","Иванов")'
    mentee.save()
    client.force_login(curator)
    response = client.get(
        f"{reverse('measurements:import-template')}?programme={pair.programme.pk}"
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert mentee.full_name in names  # as written, no apostrophe added
