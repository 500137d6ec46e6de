"""Russian declension for documents, by morphology libraries, never by endings
written here: pytrovich for people's names (the gender from the patronymic),
pymorphy3 for the words of a title («Муниципальное бюджетное … учреждение»).

- `decline_name("Ефимова Лариса Валерьевна", "datv")` → «Ефимовой Ларисе
  Валерьевне»; `decline_names` does the same for «…, …» or «… и …»;
- `decline_phrase(title, "gent")` declines the name of an organisation (or any
  noun phrase): its head noun with the adjectives that agree with it, and an
  apposition written without quotes («учреждение детский сад № 5» → «учреждения
  детского сада № 5»); what is in quotes, abbreviations (МБОУ), numbers, «№» and
  the words that already depend on the noun («дополнительного образования», «по
  образованию») stay as written. `organisation_genitive(name)` is the genitive;
- `honorific("Ефимова Лариса Валерьевна")` → «Уважаемая Лариса Валерьевна!».

Cases are pymorphy's grammemes: nomn, gent, datv, accs, ablt, loct. This module
imports no app.
"""

from __future__ import annotations

import re
from functools import cache

import pymorphy3
from django.utils.translation import gettext, pgettext
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

FEMALE_ENDINGS = ("вна", "кызы", "гызы")
MALE_ENDINGS = ("вич", "ьич", "ич", "оглы", "улы", "уулу")
WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
TOKEN = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*|\s+|.", re.DOTALL)
QUOTES = '«"„“'
# Several people in one addressee: «Ефимова Лариса Валерьевна, Ефимов Пётр
# Иванович» or «… и …».
PEOPLE_SEPARATOR = re.compile(r"\s*(?:[,;]|\sи\s)\s*")
PETROVICH_CASES = {
    "gent": Case.GENITIVE,
    "datv": Case.DATIVE,
    "accs": Case.ACCUSATIVE,
    "ablt": Case.INSTRUMENTAL,
    "loct": Case.PREPOSITIONAL,
}
ADJECTIVES = ("ADJF", "PRTF")


@cache
def morph() -> pymorphy3.MorphAnalyzer:
    """Its dictionaries load once, when a document first needs them."""
    return pymorphy3.MorphAnalyzer()


@cache
def petrovich() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def gender_detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


# --- people ----------------------------------------------------------------------
def split_name(full_name: str) -> tuple[str, str, str]:
    """«Фамилия Имя Отчество» → its three parts («Гусейн оглы» is one)."""
    parts = (full_name or "").split()
    if len(parts) < 2:
        return (full_name or "", "", "")
    return parts[0], parts[1], " ".join(parts[2:])


def gender_of(middle_name: str) -> str | None:
    """«female», «male» or None, from the patronymic."""
    middle = (middle_name or "").strip().lower()
    if middle.endswith(FEMALE_ENDINGS):
        return "female"
    if middle.endswith(MALE_ENDINGS):
        return "male"
    return None


def gender_of_name(full_name: str) -> str | None:
    """The patronymic decides; without one, pytrovich's detector reads the first
    name and the surname (None when it cannot tell: «Саша Ким»)."""
    last, first, middle = split_name(full_name)
    if middle:
        return gender_of(middle)
    if not first:
        return None
    detected = gender_detector().detect(firstname=first, lastname=last)
    return {Gender.FEMALE: "female", Gender.MALE: "male"}.get(detected)


def looks_like_a_name(text: str) -> bool:
    """Two or three capitalised words whose gender can be told: a person, not a
    title («ООО Колос» is not one)."""
    words = (text or "").split()
    if not 2 <= len(words) <= 4 or not all(WORD.fullmatch(w) for w in words):
        return False
    last, first, middle = split_name(text)
    if middle and gender_of(middle) is None:
        return False
    if any(word.isupper() for word in (last, first)):
        return False  # «МБОУ Школа»
    return all(p[:1].isupper() for p in (last, first)) and bool(gender_of_name(text))


def decline_name(full_name: str, case: str) -> str:
    """A person's «Фамилия Имя Отчество» in `case`; as written when the gender
    cannot be told or the case is the nominative."""
    full_name = (full_name or "").strip()
    if case == "nomn" or not looks_like_a_name(full_name):
        return full_name
    last, first, middle = split_name(full_name)
    gender = gender_of_name(full_name)
    maker, target = petrovich(), PETROVICH_CASES[case]
    sex = Gender.FEMALE if gender == "female" else Gender.MALE
    declined = [
        maker.make(NamePart.LASTNAME, sex, target, last),
        maker.make(NamePart.FIRSTNAME, sex, target, first),
    ]
    if " " in middle:  # «Гусейн оглы» stays as it is
        declined.append(middle)
    elif middle:
        declined.append(maker.make(NamePart.MIDDLENAME, sex, target, middle))
    return " ".join(declined)


def people_in(text: str) -> list[str] | None:
    """The people named in an addressee («…, …», «… и …»), or None when any part
    is not a person's name."""
    parts = [p for p in PEOPLE_SEPARATOR.split((text or "").strip()) if p]
    if parts and all(looks_like_a_name(part) for part in parts):
        return parts
    return None


def decline_names(text: str, case: str) -> str:
    """One or several people in `case`, joined as they were written; anything
    that is not a list of names stays as written."""
    people = people_in(text)
    if people is None:
        return text
    pieces = PEOPLE_SEPARATOR.split(text.strip())
    separators = PEOPLE_SEPARATOR.findall(text.strip())
    result = decline_name(pieces[0], case)
    for separator, piece in zip(separators, pieces[1:], strict=True):
        result += separator + decline_name(piece, case)
    return result


def honorific(text: str) -> str:
    """«Уважаемая Лариса Валерьевна!», «Уважаемый Иван Петрович!», «Уважаемые
    Лариса Валерьевна и Иван Петрович!»; a person without a patronymic by the
    first name and the surname; "" when the text is not people's names."""
    people = people_in(text)
    if not people:
        return ""

    def called(person: str) -> str:
        last, first, middle = split_name(person)
        return f"{first} {middle}" if middle else f"{first} {last}"

    if len(people) > 1:
        names = ", ".join(called(p) for p in people[:-1])
        names = gettext("%(names)s and %(last)s") % {
            "names": names,
            "last": called(people[-1]),
        }
        return pgettext("to several people", "Dear %(name)s!") % {"name": names}
    if gender_of_name(people[0]) == "female":
        return pgettext("to a woman", "Dear %(name)s!") % {"name": called(people[0])}
    return pgettext("to a man", "Dear %(name)s!") % {"name": called(people[0])}


# --- words and titles ------------------------------------------------------------
def is_abbreviation(word: str) -> bool:
    """МБОУ, СОШ, КГБПОУ: capitals that are not a dictionary word («ШКОЛА» is)."""
    return (
        len(word) > 1 and word.isupper() and not morph().parse(word.lower())[0].is_known
    )


def _nominative(word: str, pos: tuple[str, ...]):
    """The word's nominative parses of a part of speech in `pos`."""
    if not word:
        return []
    return [
        p
        for p in morph().parse(word.lower())
        if p.tag.POS in pos and p.tag.case == "nomn"
    ]


def _with_capitals(original: str, word: str) -> str:
    """The declined word written as the original was: «ШКОЛА», «Школа-интернат»."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    models, parts = original.split("-"), word.split("-")
    if len(models) != len(parts):
        models = [original] + [""] * (len(parts) - 1)
    return "-".join(
        part[:1].upper() + part[1:] if model[:1].isupper() else part
        for model, part in zip(models, parts, strict=True)
    )


def _inflect(parse, case: str, original: str) -> str:
    grammemes = {case}
    if parse.tag.number == "plur":
        grammemes.add("plur")
    inflected = parse.inflect(grammemes)
    return _with_capitals(original, inflected.word) if inflected else original


def _noun_group(words: list[str], case: str) -> tuple[list[str], int] | None:
    """Adjectives and the noun they agree with, from the start of `words`, in
    `case`: the declined words and how many were taken; None when `words` do not
    start with such a group in the nominative."""
    adjectives = []
    for index, word in enumerate(words):
        if is_abbreviation(word):
            return None
        adjective = _nominative(word, ADJECTIVES)
        noun = _nominative(word, ("NOUN",))
        following = words[index + 1] if index + 1 < len(words) else ""
        if noun and adjective and not _nominative(following, ("NOUN", *ADJECTIVES)):
            adjective = []  # «Столовая», «Заведующая» standing alone are nouns
        if noun and not adjective:
            noun = noun[0]
            agreeing = []
            for original, parses in adjectives:
                match = [
                    p
                    for p in parses
                    if p.tag.number == noun.tag.number
                    and (noun.tag.number == "plur" or p.tag.gender == noun.tag.gender)
                ]
                if not match:
                    return None
                agreeing.append(_inflect(match[0], case, original))
            return [*agreeing, _inflect(noun, case, word)], index + 1
        if not adjective:
            return None
        adjectives.append((word, adjective))
    return None


def _depends(word: str) -> bool:
    """A word after the head noun that already has its own case («образования»,
    «Администрации», «имени») and so is not an apposition to decline."""
    return any(p.tag.case not in (None, "nomn", "accs") for p in morph().parse(word))


def decline_phrase(text: str, case: str) -> str:
    """A noun phrase or an organisation's name in `case` (see the module's
    docstring for what is declined and what stays)."""
    if not text or case == "nomn":
        return text
    cut = min((text.find(q) for q in QUOTES if q in text), default=len(text))
    head, tail = text[:cut], text[cut:]
    tokens = TOKEN.findall(head)
    # The words from the start that only spaces separate: «,», «№», a digit or a
    # quote end the part that may be declined.
    run: list[int] = []
    for index, token in enumerate(tokens):
        if WORD.fullmatch(token):
            run.append(index)
        elif not token.isspace():
            break
    declined_any, start = False, 0
    while start < len(run):
        words = [tokens[i] for i in run[start:]]
        person = " ".join(words)
        if declined_any and split_name(person)[2] and looks_like_a_name(person):
            # «Индивидуальный предприниматель Петров Иван Иванович»
            for index, word in zip(
                run[start:], decline_name(person, case).split(), strict=True
            ):
                tokens[index] = word
            break
        if declined_any and _depends(words[0]):
            break
        group = _noun_group(words, case)
        if group is None:
            break
        declined, taken = group
        for offset, word in enumerate(declined):
            tokens[run[start + offset]] = word
        declined_any, start = True, start + taken
    return "".join(tokens) + tail


def organisation_genitive(name: str) -> str:
    """«Администрация <this>»: the organisation's full name in the genitive."""
    return decline_phrase(name, "gent")
