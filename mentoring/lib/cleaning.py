"""Values as people write them in their spreadsheets, made into what the portal
stores: names, classes, catalogue entries, dates, phones, numbers.

Every function takes a cell's value (text, a number, a date: whatever the reader
gave) and returns the clean value, or raises ValueError with a Russian message
that names the value, so an import can show it on its cell. Nothing here knows a
model: the import kinds of the apps call these. This module imports no app.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext

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
