"""Case- and «ё»-insensitive search that behaves the same on SQLite and PostgreSQL.

SQLite folds only ASCII in LIKE/UPPER, so «иванова» would not find «Иванова».
Searchable models keep a normalised copy of their text (`search_text`) made by
`normalize()`; queries normalise the user's words the same way and use plain
`contains`. The normalised copy also sorts in Russian alphabetical order on both
databases, because lowercase а…я are contiguous code points (ё is folded to е).
"""

from django.db.models import Q, QuerySet


def fold(text: str) -> str:
    """Case- and «ё»-insensitive form of `text`."""
    return text.casefold().replace("ё", "е")


def normalize(text: str | None) -> str:
    if not text:
        return ""
    return " ".join(fold(str(text)).split())


def search(queryset: QuerySet, query: str, *fields: str) -> QuerySet:
    """Keep rows where every word of `query` is in one of the normalised `fields`."""
    fields = fields or ("search_text",)
    condition = Q()
    for word in normalize(query).split():
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__contains": word})
        condition &= any_field
    queryset = queryset.filter(condition)
    if any("__" in field for field in fields):
        queryset = queryset.distinct()
    return queryset
