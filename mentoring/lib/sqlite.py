"""Unicode-aware LIKE for SQLite, so `icontains` finds «Иванова» by «иванова».

SQLite's built-in LIKE folds only ASCII letters. PostgreSQL needs nothing: Django
compares UPPER() of both sides there, which folds Cyrillic.
"""

import re
from functools import lru_cache

from mentoring.lib.search import fold


@lru_cache(maxsize=256)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern:
    parts, chars, i = [], pattern, 0
    while i < len(chars):
        char = chars[i]
        if escape and char == escape and i + 1 < len(chars):
            parts.append(re.escape(fold(chars[i + 1])))
            i += 2
            continue
        if char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(fold(char)))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


def unicode_like(pattern, value, escape=None):
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape).fullmatch(fold(str(value))) is not None


def install(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "like", 2, unicode_like, deterministic=True
        )
        connection.connection.create_function(
            "like", 3, unicode_like, deterministic=True
        )
