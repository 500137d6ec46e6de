"""The cleaners of spreadsheet cells: every spelling a school sends, and the
Russian message a refused cell shows."""

import datetime

import pytest
from django.utils.translation import override

from mentoring.lib import cleaning as c

D = datetime.date


@pytest.fixture(autouse=True)
def russian():
    with override("ru"):
        yield


def refused(function, value, **kwargs) -> str:
    with pytest.raises(ValueError) as error:
        function(value, **kwargs)
    return str(error.value)


# ---------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  \xa0\t\n ", ""),
        ("  Иванов\xa0\xa0Иван \n Иванович\t", "Иванов Иван Иванович"),
        ("\ufeffШкола\u200b", "Школа"),
        (5, "5"),
        (5.0, "5"),
        (5.25, "5.25"),
        (89001234567.0, "89001234567"),
        (D(2025, 9, 1), "01.09.2025"),
        (datetime.datetime(2025, 9, 1), "01.09.2025"),
        (datetime.datetime(2025, 9, 1, 14, 30), "01.09.2025 14:30"),
    ],
)
def test_text(value, expected):
    assert c.text(value) == expected


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Иванов Иван Иванович", ("Иванов", "Иван", "Иванович")),
        ("  Иванова\xa0Анна ", ("Иванова", "Анна", "")),
        ("Семёнов Пётр Алексеевич", ("Семёнов", "Пётр", "Алексеевич")),
        ("Иванов-Петров Иван", ("Иванов-Петров", "Иван", "")),
        ("Иванов – Петров Иван", ("Иванов-Петров", "Иван", "")),
        ("Мамедов Али Гусейн оглы", ("Мамедов", "Али", "Гусейн оглы")),
        ("Алиева Айгуль Рустам кызы", ("Алиева", "Айгуль", "Рустам кызы")),
        ("МАМЕДОВ АЛИ ГУСЕЙН ОГЛЫ", ("Мамедов", "Али", "Гусейн оглы")),
        ("ИВАНОВ-ПЕТРОВ ИВАН ИВАНОВИЧ", ("Иванов-Петров", "Иван", "Иванович")),
        ("иванова анна сергеевна", ("Иванова", "Анна", "Сергеевна")),
        ("ИВАНОВ Иван Иванович", ("Иванов", "Иван", "Иванович")),
        ("Мак-Дональд Мэри", ("Мак-Дональд", "Мэри", "")),
        ("ДеЛаурентис Анна", ("ДеЛаурентис", "Анна", "")),
        ("Ли Ян", ("Ли", "Ян", "")),
        (None, ("", "", "")),
        ("  ", ("", "", "")),
    ],
)
def test_split_full_name(value, expected):
    assert c.split_full_name(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Иванов", "«Иванов»: нужны фамилия и имя."),
        ("Иванов И.И.", "«Иванов И.И.»: инициалов недостаточно"),
        ("Иванов И. И.", "инициалов недостаточно"),
        ("И.И. Иванов", "инициалов недостаточно"),
        ("Иванов Иван И.", "инициалов недостаточно"),
        ("Иванов Иван 2", "только буквы"),
        ("Иванов, Иван", "только буквы"),
    ],
)
def test_split_full_name_refuses(value, message):
    assert message in refused(c.split_full_name, value)


# ---------------------------------------------------------------- catalogues


@pytest.mark.parametrize(
    "value",
    [
        "ученик-ученик",
        "Ученик – ученик",
        "УЧЕНИК —ученик",
        "Ученик ‑ ученик.",
        "«Ученик-ученик»",
        " ученик\xa0-\xa0ученик ",
    ],
)
def test_catalogue_key_ignores_spelling(value):
    assert c.catalogue_key(value) == "ученик-ученик"


def test_catalogue_key_e_and_yo():
    assert c.catalogue_key("Учёба") == c.catalogue_key("УЧЕБА") == "учеба"


NAMES = ["Ученик – ученик", "Учитель – учитель", "Студент – ученик"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ученик-ученик", "Ученик – ученик"),
        ("УЧИТЕЛЬ—УЧИТЕЛЬ.", "Учитель – учитель"),
        ("  студент - ученик ", "Студент – ученик"),
        ("", ""),
        (None, ""),
    ],
)
def test_match_catalogue(value, expected):
    assert c.match_catalogue(value, NAMES) == expected


def test_match_catalogue_accepts_a_generator():
    assert c.match_catalogue("ученик-ученик", iter(NAMES)) == "Ученик – ученик"


def test_match_catalogue_lists_allowed_names():
    assert refused(c.match_catalogue, "работодатель", names=NAMES) == (
        "Нет в справочнике: «работодатель». "
        "Можно: «Ученик – ученик», «Учитель – учитель», «Студент – ученик»."
    )


def test_match_catalogue_lists_ten_names_at_most():
    names = [f"Вариант {number}" for number in range(1, 16)]
    message = refused(c.match_catalogue, "другое", names=names)
    assert "«Вариант 10», …" in message
    assert "Вариант 11" not in message


def test_match_catalogue_with_an_empty_catalogue():
    assert refused(c.match_catalogue, "x", names=[]) == "Нет в справочнике: «x»."


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("a; b ;;c", {}, ["a", "b", "c"]),
        (
            "Учитель – учитель\n Ученик – ученик \n",
            {},
            ["Учитель – учитель", "Ученик – ученик"],
        ),
        (
            "Работа с детьми, подростками; Спорт",
            {},
            ["Работа с детьми, подростками", "Спорт"],
        ),
        ("a/b|c", {"separators": "/|"}, ["a", "b", "c"]),
        ("a;b", {"separators": ""}, ["a;b"]),
        (" ; \n ", {}, []),
        (None, {}, []),
        (5.0, {}, ["5"]),
    ],
)
def test_split_list(value, kwargs, expected):
    assert c.split_list(value, **kwargs) == expected


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(2025, 9, 1), D(2025, 9, 1)),
        (datetime.datetime(2025, 9, 1, 10, 30), D(2025, 9, 1)),
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),
        (45901, D(2025, 9, 1)),
        (45901.75, D(2025, 9, 1)),
        ("45901", D(2025, 9, 1)),
        ("45901,5", D(2025, 9, 1)),
        ("01.09.2025", D(2025, 9, 1)),
        ("1.9.2025", D(2025, 9, 1)),
        ("1.9.25", D(2025, 9, 1)),
        ("01.09.99", D(1999, 9, 1)),
        ("1.09.2025 г.", D(2025, 9, 1)),
        ("1.09.2025г", D(2025, 9, 1)),
        ("01.09.2025 года", D(2025, 9, 1)),
        ("01/09/2025", D(2025, 9, 1)),
        ("01-09-2025", D(2025, 9, 1)),
        ("2025-09-01", D(2025, 9, 1)),
        ("2025-09-01 00:00:00", D(2025, 9, 1)),
        ("2025-09-01T10:15", D(2025, 9, 1)),
        ("01.09.2025 10:15", D(2025, 9, 1)),
        ("\xa001.09.2025 ", D(2025, 9, 1)),
        ("1 сентября 2025 г.", D(2025, 9, 1)),
        ("29.02.2024", D(2024, 2, 29)),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert c.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31.02.2025", "«31.02.2025» — такой даты нет: в феврале 2025 года 28 дней."),
        ("30.02.2024", "«30.02.2024» — такой даты нет: в феврале 2024 года 29 дней."),
        ("32.01.2025", "«32.01.2025» — такой даты нет: в январе 2025 года 31 день."),
        ("31.04.2025", "«31.04.2025» — такой даты нет: в апреле 2025 года 30 дней."),
        ("15.13.2025", "«15.13.2025» — такой даты нет: в году 12 месяцев."),
        ("00.00.2025", "в году 12 месяцев"),
        (60, "в феврале 1900 года 28 дней"),
        ("вчера", "«вчера» — не дата; запишите её как ДД.ММ.ГГГГ"),
        ("01.09", "не дата"),
        ("1.09", "не дата"),
        ("10,5", "не дата"),
        ("01.09-2025", "не дата"),
        ("32 сентебря 2025", "не дата"),
        (0, "не дата"),
        (-5, "не дата"),
        (float("nan"), "не дата"),
        (10**9, "не дата"),
        (True, "не дата"),
        ("1234567", "не дата"),
    ],
)
def test_parse_date_refuses(value, message):
    assert message in refused(c.parse_date, value)


def test_a_bare_year_is_a_serial_number_and_the_bounds_catch_it():
    assert c.parse_date("2025") == D(1905, 7, 17)
    assert "не раньше" in refused(c.parse_date, "2025", earliest=D(2000, 1, 1))


def test_parse_date_bounds():
    bounds = {"earliest": D(2026, 3, 5), "latest": D(2026, 6, 1)}
    assert c.parse_date("05.03.2026", **bounds) == D(2026, 3, 5)
    assert c.parse_date("01.06.2026", **bounds) == D(2026, 6, 1)
    assert refused(c.parse_date, "04.03.2026", **bounds) == (
        "«04.03.2026»: дата должна быть с 5 марта 2026 по 1 июня 2026."
    )
    assert "с 5 марта 2026 по 1 июня 2026" in refused(c.parse_date, 46500, **bounds)


def test_parse_date_one_bound():
    assert refused(c.parse_date, "04.03.2026", earliest=D(2026, 3, 5)) == (
        "«04.03.2026»: дата должна быть не раньше 5 марта 2026."
    )
    assert refused(c.parse_date, "02.06.2026", latest=D(2026, 6, 1)) == (
        "«02.06.2026»: дата должна быть не позже 1 июня 2026."
    )
    assert c.parse_date(None, earliest=D(2026, 3, 5)) is None


def test_parse_date_message_in_english():
    with override("en"):
        assert refused(c.parse_date, "31.02.2025") == (
            "«31.02.2025» — no such date: in February 2025 there are 28 days."
        )


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("89001234567", "+7 900 123-45-67"),
        ("8 (900) 123-45-67", "+7 900 123-45-67"),
        ("+7 900 123 45 67", "+7 900 123-45-67"),
        ("+7(900)1234567", "+7 900 123-45-67"),
        ("7 900 123 45 67", "+7 900 123-45-67"),
        ("9001234567", "+7 900 123-45-67"),
        ("8900123456", "+7 890 012-34-56"),  # ten digits: no 7/8 in front
        ("8\xa0900\xa0123–45–67", "+7 900 123-45-67"),
        ("+8 900 123-45-67", "+7 900 123-45-67"),
        ("8 (4852) 12-34-56", "+7 485 212-34-56"),
        (89001234567, "+7 900 123-45-67"),
        (89001234567.0, "+7 900 123-45-67"),
        (9001234567, "+7 900 123-45-67"),
        ("8 (900) 123-45-67 доб. 12", "+7 900 123-45-67 доб. 12"),
        ("8 900 123 45 67, доб.12", "+7 900 123-45-67 доб. 12"),
        ("+7 900 123-45-67 ext 305", "+7 900 123-45-67 доб. 305"),
        ("+44 20  7946 0958", "+44 20 7946 0958"),
        ("+375 (29) 123-45-67", "+375 (29) 123-45-67"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_phone(value, expected):
    assert c.normalise_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "+7 900 123-45-67",
        "+7 900 123-45-67 доб. 12",
        "+44 20 7946 0958",
    ],
)
def test_normalise_phone_is_idempotent(value):
    assert c.normalise_phone(c.normalise_phone(value)) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("123-45-67", "«123-45-67»: 7 цифр, а в российском номере 11: +7 и ещё 10."),
        ("+7 900 123 45 6", "«+7 900 123 45 6»: 10 цифр"),
        ("8900123456789", "13 цифр"),
        ("1", "«1»: 1 цифра"),
        ("12", "«12»: 2 цифры"),
        ("19001234567", "«19001234567» — не номер телефона"),
        ("нет телефона", "— не номер телефона: напишите как +7 900 123-45-67."),
        ("8 900 ABC 45 67", "не номер телефона"),
        ("+44 12", "не номер телефона"),
        (True, "не номер телефона"),
        (8.5, "не номер телефона"),
        ("89001234567, 89007654321", "два номера в одной ячейке, оставьте один."),
        ("8 900 123-45-67; 8 (4852) 12-34-56", "два номера"),
        ("89001234567 или 89007654321", "два номера"),
        ("89001234567 89007654321", "два номера"),
    ],
)
def test_normalise_phone_refuses(value, message):
    assert message in refused(c.normalise_phone, value)


# ---------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" Ivanov@Mail.RU ", "Ivanov@mail.ru"),
        ("mailto:a.petrova@school1.ru", "a.petrova@school1.ru"),
        ("director@ШКОЛА.РФ", "director@школа.рф"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_email(value, expected):
    assert c.clean_email(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ivanov", "«ivanov» — не адрес электронной почты."),
        ("ivanov@mail", "не адрес электронной почты"),
        ("ivanov @mail.ru", "не адрес электронной почты"),
        ("a@b.ru, c@d.ru", "два адреса в одной ячейке, оставьте один."),
    ],
)
def test_clean_email_refuses(value, message):
    assert message in refused(c.clean_email, value)


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        (5.0, 5),
        ("5", 5),
        ("5,0", 5),
        ("5.00", 5),
        (" 12 ", 12),
        ("\xa012\xa0", 12),
        ("-3", -3),
        ("1 000", 1000),
        (0, 0),
        ("", None),
        (None, None),
    ],
)
def test_whole_number(value, expected):
    assert c.whole_number(value) == expected


@pytest.mark.parametrize(
    "value", [5.5, "5,5", "пять", True, False, "1 00", "5 шт.", "1e3", "--5"]
)
def test_whole_number_refuses(value):
    assert "— не целое число." in refused(c.whole_number, value)


def test_whole_number_bounds():
    assert c.whole_number("11", minimum=1, maximum=11) == 11
    assert refused(c.whole_number, "12", minimum=1, maximum=11) == (
        "«12»: нужно число от 1 до 11."
    )
    assert refused(c.whole_number, 0, minimum=1) == "«0»: нужно число не меньше 1."
    assert (
        refused(c.whole_number, 12.0, maximum=11) == "«12»: нужно число не больше 11."
    )
    assert c.whole_number(None, minimum=1) is None


# ---------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("да", True),
        ("Да.", True),
        (" ДА ", True),
        ("yes", True),
        ("Y", True),
        ("1", True),
        (1, True),
        (1.0, True),
        ("+", True),
        ("TRUE", True),
        ("ИСТИНА", True),
        (True, True),
        ("согласен", True),
        ("Согласна", True),
        ("нет", False),
        ("Нет", False),
        ("no", False),
        ("0", False),
        (0, False),
        ("-", False),
        ("—", False),
        ("false", False),
        ("ЛОЖЬ", False),
        (False, False),
        ("не согласна", False),
        ("", False),
        (None, False),
    ],
)
def test_yes_no(value, expected):
    assert c.yes_no(value) is expected


@pytest.mark.parametrize("value", ["может быть", "2", 2, "да, нет"])
def test_yes_no_refuses(value):
    assert refused(c.yes_no, value) == f"«{value}»: напишите «да» или «нет»."


# ---------------------------------------------------------------- messages


def test_long_values_are_shortened_in_messages():
    message = refused(c.yes_no, "очень " * 30)
    assert "…»" in message
    assert len(message) < 100


def test_class_message_is_translated():
    assert "слишком длинное название" in refused(c.check_class, "x" * 31)
