"""Russian declension for documents, by morphology libraries, never by endings
written here: pytrovich for people's names (the gender from the patronymic),
pymorphy3 for the words of a title («Муниципальное бюджетное … учреждение»).

- `decline_name("Ефимова Лариса Валерьевна", "datv")` → «Ефимовой Ларисе
  Валерьевне»;
- `decline_title(name, "gent")`: the words before the quoted proper name are
  declined, agreeing with their noun; what is in quotes, abbreviations (МБОУ),
  numbers and «№» stay as written;
- `honorific("Ефимова Лариса Валерьевна")` → «Уважаемая Лариса Валерьевна!».

Cases are pymorphy's grammemes: nomn, gent, datv, accs, ablt, loct. This module
imports no app.
"""

from __future__ import annotations

import re
from functools import cache

import pymorphy3
from django.utils.translation import pgettext
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

FEMALE_ENDINGS = ("вна", "кызы", "гызы")
MALE_ENDINGS = ("вич", "ьич", "ич", "оглы", "улы", "уулу")
WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
QUOTES = '«"„“'


@cache
def morph() -> pymorphy3.MorphAnalyzer:
    """Its dictionaries load once, when a document first needs them."""
    return pymorphy3.MorphAnalyzer()


@cache
def petrovich() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


def gender_of(middle_name: str) -> str | None:
    """«female», «male» or None, from the patronymic."""
    middle = (middle_name or "").strip().lower()
    if middle.endswith(FEMALE_ENDINGS):
        return "female"
    if middle.endswith(MALE_ENDINGS):
        return "male"
    return None


def split_name(full_name: str) -> tuple[str, str, str]:
    parts = (full_name or "").split()
    if len(parts) < 2:
        return (full_name or "", "", "")
    return parts[0], parts[1], " ".join(parts[2:])


def decline_name(full_name: str, case: str) -> str:
    """A person's «Фамилия Имя Отчество» in `case`; unchanged when the gender
    cannot be told (no patronymic) or the case is the nominative."""
    last, first, middle = split_name(full_name)
    gender = gender_of(middle)
    if case == "nomn" or not first or gender is None:
        return full_name
    cases = {
        "gent": Case.GENITIVE,
        "datv": Case.DATIVE,
        "accs": Case.ACCUSATIVE,
        "ablt": Case.INSTRUMENTAL,
        "loct": Case.PREPOSITIONAL,
    }
    maker, target = petrovich(), cases[case]
    sex = Gender.FEMALE if gender == "female" else Gender.MALE
    declined = [
        maker.make(NamePart.LASTNAME, sex, target, last),
        maker.make(NamePart.FIRSTNAME, sex, target, first),
    ]
    if middle and " " in middle:  # «Гусейн оглы» stays as it is
        declined.append(middle)
    elif middle:
        declined.append(maker.make(NamePart.MIDDLENAME, sex, target, middle))
    return " ".join(declined)


def looks_like_a_name(text: str) -> bool:
    """Three words, capitalised, the last a patronymic: a person, not a title."""
    last, first, middle = split_name(text)
    return bool(
        middle
        and all(part[:1].isupper() for part in (last, first, middle))
        and gender_of(middle) is not None
    )


def honorific(full_name: str) -> str:
    """«Уважаемая Лариса Валерьевна!» / «Уважаемый Иван Петрович!»; "" without a
    patronymic."""
    _last, first, middle = split_name(full_name)
    gender = gender_of(middle)
    if gender is None:
        return ""
    if gender == "female":
        return pgettext("to a woman", "Dear %(name)s!") % {"name": f"{first} {middle}"}
    return pgettext("to a man", "Dear %(name)s!") % {"name": f"{first} {middle}"}


def inflect_word(word: str, case: str) -> str:
    """One word of a title in `case`, keeping its number and gender; a word that
    is not a noun, an adjective or a participle (a preposition, an abbreviation)
    stays as it is. The capitals of the original are kept."""
    if word.isupper() and len(word) > 1:  # МБОУ, СОШ
        return word
    parses = morph().parse(word)
    nominative = [p for p in parses if "nomn" in p.tag] or parses
    parse = nominative[0]
    if parse.tag.POS not in ("NOUN", "ADJF", "PRTF"):
        return word
    inflected = parse.inflect({case})
    if inflected is None:
        return word
    result = inflected.word
    if word[:1].isupper():
        result = result[:1].upper() + result[1:]
    return result


def decline_title(title: str, case: str) -> str:
    """An organisation's name (or any title) in `case`: the words before the first
    quote are declined, the quoted proper name and the rest stay."""
    if not title or case == "nomn":
        return title
    cut = min((title.find(q) for q in QUOTES if q in title), default=len(title))
    head, tail = title[:cut], title[cut:]
    return WORD.sub(lambda m: inflect_word(m.group(0), case), head) + tail
