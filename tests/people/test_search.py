"""Cyrillic search folds case and «ё» on SQLite and PostgreSQL alike."""

import pytest

from people.models import Participant
from tests import factories as f


@pytest.fixture
def people(organisation):
    return [
        f.ParticipantFactory(
            organisation=organisation, last_name=name, first_name=first, middle_name=""
        )
        for name, first in [
            ("Иванова", "Мария"),
            ("Ёлкина", "Алёна"),
            ("Абрамов", "Пётр"),
            ("Елисеев", "Семён"),
            ("Яковлева", "Ольга"),
            ("бойко", "Анна"),
        ]
    ]


def surnames(queryset):
    return sorted(p.last_name for p in queryset)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("иванова", ["Иванова"]),
        ("ИВАНОВА", ["Иванова"]),
        ("ива мар", ["Иванова"]),
        ("елкина", ["Ёлкина"]),
        ("алена", ["Ёлкина"]),
        ("ПЁТР", ["Абрамов"]),
        ("Бойко", ["бойко"]),
        ("нет такого", []),
    ],
)
def test_search_folds_case_and_yo(people, query, expected):
    assert surnames(Participant.objects.search(query)) == expected


def test_icontains_folds_cyrillic_case_too(people):
    assert surnames(Participant.objects.filter(last_name__icontains="ИВАН")) == [
        "Иванова"
    ]


def test_lists_sort_in_russian_alphabetical_order(people):
    order = [p.last_name for p in Participant.objects.all()]
    assert order == ["Абрамов", "бойко", "Елисеев", "Ёлкина", "Иванова", "Яковлева"]
