"""Values as people write them in their spreadsheets, made into what the portal
stores: names, classes, catalogue entries, dates, phones, numbers.

Every function takes a cell's value (text, a number, a date: whatever the reader
gave) and returns the clean value, or raises ValueError with a Russian message
that names the value, so an import can show it on its cell. Nothing here knows a
model: the import kinds of the apps call these. This module imports no app.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import dateformat
from django.utils.translation import gettext, ngettext

# A school class: a number, then one letter, however it is quoted or separated:
# «5«В»», «5 В», «5-в», «5в», «5 "В"», «5 В класс», «5 В кл.».
CLASS = re.compile(
    r"""^\s*(?P<grade>\d{1,2})\s*[-‐‑‒–—―]?\s*
        [«"'“„‘]?\s*(?P<letter>[A-Za-zА-Яа-яЁё])\s*[»"'”“’]?\s*
        (?:класс|кл\.?)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
LEADING_GRADE = re.compile(r"^\s*(\d{1,2})(?!\d)")
GROUP_SPACES = re.compile(r"\s+")


def class_name(value) -> str:
    """A class in the portal's spelling («5В»); a college group («ТМ-21») or any
    other name keeps its own spelling, with the spaces tidied. Empty → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = GROUP_SPACES.sub(" ", str(value)).strip()
    if not text:
        return ""
    match = CLASS.match(text)
    if match:
        return f"{int(match['grade'])}{match['letter'].upper()}"
    return text.upper() if text.isdigit() else text


def class_grade(name: str) -> int | None:
    """The grade (or course) a class or group name starts with, 1–11, else None."""
    match = LEADING_GRADE.match(name or "")
    if not match:
        return None
    grade = int(match.group(1))
    return grade if 1 <= grade <= 11 else None


def class_key(name: str) -> str:
    """What two spellings of one class have in common (for lookups)."""
    return class_name(name).casefold().replace("ё", "е").replace(" ", "")


def check_class(value) -> str:
    name = class_name(value)
    if name and len(name) > 30:
        raise ValueError(
            gettext("«%(value)s» is too long for the name of a class or group.")
            % {"value": value}
        )
    return name


# Everything below: the other kinds of cells an import meets. Each function takes
# what the spreadsheet reader gave (str, int, float, bool, date, datetime, None)
# and returns the clean value, or "" / None / False for an empty cell: whether a
# field is required is the caller's business, not the cleaner's.

SPACES = re.compile(r"\s+")
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
DASHES = re.compile(r"[-‐‑‒–—―]")
AROUND_DASH = re.compile(r"\s*-\s*")
QUOTES = dict.fromkeys(map(ord, '«»"„“”'))
LONGEST_QUOTED = 60


def _quoted(value) -> str:
    """The value as a message quotes it: a table cell has no room for a paragraph."""
    shown = text(value)
    if len(shown) > LONGEST_QUOTED:
        shown = shown[: LONGEST_QUOTED - 1].rstrip() + "…"
    return shown


def text(value) -> str:
    """The cell as one line: a number without a spurious «.0», a date the Russian
    way, runs of spaces, non-breaking spaces, tabs and line breaks as one space."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return SPACES.sub(" ", str(value).translate(INVISIBLE)).strip()


# ---------------------------------------------------------------- names

# Patronymics of Turkic names are two words: «Гусейн оглы», «Айгуль кызы».
PATRONYMIC_PARTICLES = {"оглы", "оглу", "улы", "уулу", "кызы", "гызы", "кизи"}
INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]\.?")
NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _capitalised(word: str) -> str:
    if word.casefold() in PATRONYMIC_PARTICLES:
        return word.lower()
    return "-".join(part.capitalize() for part in word.split("-"))


def split_full_name(value) -> tuple[str, str, str]:
    """(last name, first name, patronymic) of «Иванов Иван Иванович». The
    patronymic may be missing («Иванова Анна») or several words («Мамедов Али
    Гусейн оглы»). Initials are refused: an order or a certificate needs the
    names in full, and two «Иванов И.И.» in one school are not rare.

    A name typed in capitals or in lower case is capitalised; so is a surname
    in capitals before a name typed normally («ИВАНОВ Иван Иванович», the way
    documents write it). Otherwise the spelling is the person's: «ё», «Мак-Дональд»."""
    name = AROUND_DASH.sub("-", DASHES.sub("-", text(value)))
    if not name:
        return "", "", ""
    words = name.split(" ")
    if any(INITIALS.fullmatch(word) for word in words):
        raise ValueError(
            gettext("«%(value)s»: initials are not enough, write the names in full.")
            % {"value": _quoted(value)}
        )
    if not all(NAME_WORD.fullmatch(word) for word in words):
        raise ValueError(
            gettext("«%(value)s»: a name has only letters, hyphens and spaces.")
            % {"value": _quoted(value)}
        )
    if len(words) < 2:
        raise ValueError(
            gettext("«%(value)s»: a last name and a first name are needed.")
            % {"value": _quoted(value)}
        )
    if name.isupper() or name.islower():
        words = [_capitalised(word) for word in words]
    elif words[0].isupper() and len(words[0]) > 1:
        words[0] = _capitalised(words[0])
    return words[0], words[1], " ".join(words[2:])


# ---------------------------------------------------------------- catalogues

MAX_LISTED_NAMES = 10


def catalogue_key(value) -> str:
    """What two spellings of one catalogue entry have in common: «Ученик – ученик»,
    «УЧЕНИК —ученик» and «ученик-ученик» are one form of mentoring."""
    key = text(value).translate(QUOTES).casefold().replace("ё", "е")
    key = AROUND_DASH.sub("-", DASHES.sub("-", key))
    return SPACES.sub(" ", key).strip().rstrip(".").rstrip()


def match_catalogue(value, names: Iterable[str]) -> str:
    """The catalogue's own spelling of the entry the cell names."""
    key = catalogue_key(value)
    if not key:
        return ""
    names = list(names)
    for name in names:
        if catalogue_key(name) == key:
            return name
    if not names:
        raise ValueError(
            gettext("Not in the catalogue: «%(value)s».") % {"value": _quoted(value)}
        )
    listed = ", ".join(f"«{name}»" for name in names[:MAX_LISTED_NAMES])
    if len(names) > MAX_LISTED_NAMES:
        listed += ", …"
    raise ValueError(
        gettext("Not in the catalogue: «%(value)s». Allowed: %(names)s.")
        % {"value": _quoted(value), "names": listed}
    )


def split_list(value, separators: str = ";\n") -> list[str]:
    """Several values in one cell. A comma does not separate them: catalogue
    names have commas of their own."""
    if value is None:
        return []
    if not isinstance(value, str) or not separators:
        parts = [value]
    else:
        parts = re.split(f"[{re.escape(separators)}]", value)
    return [part for part in map(text, parts) if part]


# ---------------------------------------------------------------- dates

# Excel counts days from 1900-01-01 = 1 and, after Lotus 1-2-3, believes in a
# 29 February 1900 (serial 60); from 1 March 1900 (61) on, day 0 is 1899-12-30.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_LEAP_BUG = 60
EXCEL_LAST = 2958465  # 9999-12-31
DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})\s*(?P<sep>[./-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<year>\d{4}|\d{2})"
)
YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})\s*(?P<sep>[./-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<day>\d{1,2})"
)
IN_WORDS = re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[а-яё]+)\.?\s+(?P<year>\d{4})")
# What may follow a date and mean nothing: «г.», «года», a time of day.
DATE_TAIL = re.compile(
    r"(?:\s*(?:г\.?|года?)|[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)*$", re.IGNORECASE
)
# A serial number written as text; «01.09» and «1.09» are a day without its year.
SERIAL_TEXT = re.compile(r"[1-9]\d{2,4}[.,]\d+|[1-9]\d{0,4}")
MONTHS_GENITIVE = {
    name: number
    for number, name in enumerate(
        [
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ],
        start=1,
    )
}


def _in_month(month: int) -> str:
    """«в феврале»: Django's calendar has the nominative and the genitive only."""
    return [
        gettext("in January"),
        gettext("in February"),
        gettext("in March"),
        gettext("in April"),
        gettext("in May"),
        gettext("in June"),
        gettext("in July"),
        gettext("in August"),
        gettext("in September"),
        gettext("in October"),
        gettext("in November"),
        gettext("in December"),
    ][month - 1]


def _not_a_date(value) -> ValueError:
    return ValueError(
        gettext("«%(value)s» is not a date; write it as DD.MM.YYYY, e.g. 05.03.2026.")
        % {"value": _quoted(value)}
    )


def _date(value, year: int, month: int, day: int) -> datetime.date:
    if not 1 <= year <= 9999:
        raise _not_a_date(value)
    if not 1 <= month <= 12:
        raise ValueError(
            gettext("«%(value)s» — no such date: a year has 12 months.")
            % {"value": _quoted(value)}
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(
            ngettext(
                "«%(value)s» — no such date: %(in_month)s %(year)s there is "
                "%(days)s day.",
                "«%(value)s» — no such date: %(in_month)s %(year)s there are "
                "%(days)s days.",
                days,
            )
            % {
                "value": _quoted(value),
                "in_month": _in_month(month),
                "year": year,
                "days": days,
            }
        )
    return datetime.date(year, month, day)


def _from_serial(value, serial: float) -> datetime.date:
    if serial != serial or not 1 <= serial < EXCEL_LAST + 1:  # NaN, or out of range
        raise _not_a_date(value)
    serial = int(serial)  # the fraction is the time of day
    if serial == EXCEL_LEAP_BUG:
        return _date(value, 1900, 2, 29)
    if serial < EXCEL_LEAP_BUG:
        serial += 1
    return EXCEL_EPOCH + datetime.timedelta(days=serial)


def _full_year(digits: str) -> int:
    """«25» is 2025 (this century, up to this year); «98» is 1998."""
    year = int(digits)
    if len(digits) == 2:
        century = 2000 if year <= datetime.date.today().year % 100 else 1900
        year += century
    return year


def _parse_date_text(value, written: str) -> datetime.date:
    written = DATE_TAIL.sub("", written.casefold())
    if SERIAL_TEXT.fullmatch(written):
        return _from_serial(value, float(written.replace(",", ".")))
    match = DAY_FIRST.fullmatch(written) or YEAR_FIRST.fullmatch(written)
    if match:
        year, month, day = match["year"], match["month"], match["day"]
        return _date(value, _full_year(year), int(month), int(day))
    match = IN_WORDS.fullmatch(written.replace("ё", "е"))
    if match and match["month"] in MONTHS_GENITIVE:
        month = MONTHS_GENITIVE[match["month"]]
        return _date(value, int(match["year"]), month, int(match["day"]))
    raise _not_a_date(value)


def parse_date(
    value,
    *,
    earliest: datetime.date | None = None,
    latest: datetime.date | None = None,
) -> datetime.date | None:
    """A date however the cell holds it: a date, an Excel serial number (as a
    number or as text), «01.09.2025», «1.9.25», «1.09.2025 г.», «01/09/2025»,
    «2025-09-01», «1 сентября 2025 г.». earliest and latest refuse the typos
    that still make a date (2052 for 2025)."""
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, datetime.datetime):
        parsed = value.date()
    elif isinstance(value, datetime.date):
        parsed = value
    elif isinstance(value, int | float):
        parsed = _from_serial(value, value)
    else:
        written = text(value)
        if not written:
            return None
        parsed = _parse_date_text(value, written)
    too_early = earliest is not None and parsed < earliest
    too_late = latest is not None and parsed > latest
    if too_early or too_late:
        bounds = {
            "value": parsed.strftime("%d.%m.%Y"),
            "earliest": earliest and dateformat.format(earliest, "j E Y"),
            "latest": latest and dateformat.format(latest, "j E Y"),
        }
        if earliest is not None and latest is not None:
            message = gettext(
                "«%(value)s»: the date must be from %(earliest)s to %(latest)s."
            )
        elif too_early:
            message = gettext("«%(value)s»: the date must be %(earliest)s or later.")
        else:
            message = gettext("«%(value)s»: the date must be %(latest)s or earlier.")
        raise ValueError(message % bounds)
    return parsed


# ---------------------------------------------------------------- phones

PHONE_EXTENSION = re.compile(
    r"[\s,;]*(?:доб|доп|вн|ext|x)\.?\s*(?P<extension>\d{1,6})$", re.IGNORECASE
)
PHONE_CHARACTERS = re.compile(r"\+?[\d\s().‐‑‒–—―-]+")
PHONE_SEPARATORS = re.compile(r"[,;/\\]|\sили\s|\sor\s", re.IGNORECASE)
SHORTEST_FOREIGN, LONGEST_FOREIGN = 8, 15  # E.164 allows at most 15 digits


def _two_phones(value) -> ValueError:
    return ValueError(
        gettext("«%(value)s»: two numbers in one cell, keep one.")
        % {"value": _quoted(value)}
    )


def _not_a_phone(value) -> ValueError:
    return ValueError(
        gettext("«%(value)s» is not a phone number: write it like +7 900 123-45-67.")
        % {"value": _quoted(value)}
    )


def normalise_phone(value) -> str:
    """A Russian number as «+7 900 123-45-67», whatever the spelling («8 (900)
    123-45-67», «9001234567», a number cell), with an extension kept («доб. 12»).
    A foreign number (+ and another country code) is kept as written.
    Normalising a normalised number changes nothing."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise _not_a_phone(value)
    written = text(value)
    if not written:
        return ""
    extension = ""
    match = PHONE_EXTENSION.search(written)
    if match:
        # Stored data, not an interface: the portal's numbers are written in Russian.
        extension = f" доб. {match['extension']}"
        written = written[: match.start()]
    parts = PHONE_SEPARATORS.split(written)
    if sum(len(re.sub(r"\D", "", part)) >= 7 for part in parts) > 1:
        raise _two_phones(value)
    if not PHONE_CHARACTERS.fullmatch(written):
        raise _not_a_phone(value)
    digits = re.sub(r"\D", "", written)
    international = written.startswith("+")
    # «+8 900 …» is the Russian «8» with a «+» by habit: no country code is 89.
    russian_eight = digits[:2] == "89" and len(digits) == 11
    if international and digits[:1] != "7" and not russian_eight:
        if not SHORTEST_FOREIGN <= len(digits) <= LONGEST_FOREIGN:
            raise _not_a_phone(value)
        return written + extension
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    elif len(digits) != 10 or international:
        if len(digits) >= 20:
            raise _two_phones(value)
        if len(digits) == 11:
            raise _not_a_phone(value)
        raise ValueError(
            ngettext(
                "«%(value)s» has %(count)s digit; a Russian number has 11: "
                "+7 and 10 more.",
                "«%(value)s» has %(count)s digits; a Russian number has 11: "
                "+7 and 10 more.",
                len(digits),
            )
            % {"value": _quoted(value), "count": len(digits)}
        )
    number = f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    return number + extension


# ---------------------------------------------------------------- e-mail


def clean_email(value) -> str:
    """The address with its domain in lower case (the part before «@» is the
    mail server's business, so it stays as written)."""
    address = text(value)
    if address.casefold().startswith("mailto:"):
        address = address[len("mailto:") :].strip()
    if not address:
        return ""
    if address.count("@") > 1:
        raise ValueError(
            gettext("«%(value)s»: two addresses in one cell, keep one.")
            % {"value": _quoted(value)}
        )
    local, at, domain = address.rpartition("@")
    address = f"{local}{at}{domain.lower()}"
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(
            gettext("«%(value)s» is not an e-mail address.") % {"value": _quoted(value)}
        ) from None
    return address


# ---------------------------------------------------------------- numbers

INTEGER = re.compile(r"[+-]?(?:\d{1,3}(?: \d{3})+|\d+)(?:[.,]0*)?")


def _not_a_whole_number(value) -> ValueError:
    return ValueError(
        gettext("«%(value)s» is not a whole number.") % {"value": _quoted(value)}
    )


def whole_number(
    value, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """5, 5.0, «5», «5,0», «1 000»; not 5.5, «пять» or a tick box."""
    if isinstance(value, bool):
        raise _not_a_whole_number(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise _not_a_whole_number(value)
        number = int(value)
    else:
        written = text(value)
        if not written:
            return None
        written = DASHES.sub("-", written)
        if not INTEGER.fullmatch(written):
            raise _not_a_whole_number(value)
        number = int(re.split(r"[.,]", written)[0].replace(" ", ""))
    too_small = minimum is not None and number < minimum
    too_big = maximum is not None and number > maximum
    if too_small or too_big:
        bounds = {"value": _quoted(value), "minimum": minimum, "maximum": maximum}
        if minimum is not None and maximum is not None:
            message = gettext("«%(value)s»: must be from %(minimum)s to %(maximum)s.")
        elif too_small:
            message = gettext("«%(value)s»: must be at least %(minimum)s.")
        else:
            message = gettext("«%(value)s»: must be at most %(maximum)s.")
        raise ValueError(message % bounds)
    return number


# ---------------------------------------------------------------- yes / no

YES = {"да", "д", "yes", "y", "1", "+", "true", "истина", "согласен", "согласна"}
NO = {"нет", "н", "no", "n", "0", "-", "false", "ложь", "не согласен", "не согласна"}


def yes_no(value) -> bool:
    """A tick: «да»/«нет» and the ways a spreadsheet or a person spells them.
    An empty cell is «no»: consent is never assumed."""
    if isinstance(value, bool):
        return value
    answer = DASHES.sub("-", text(value).casefold().replace("ё", "е")).rstrip(".!")
    if not answer:
        return False
    if answer in YES:
        return True
    if answer in NO:
        return False
    raise ValueError(
        gettext("«%(value)s»: write «yes» or «no».") % {"value": _quoted(value)}
    )
