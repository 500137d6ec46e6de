"""What a mentor (or curator) should be reminded of. Built by issue 4; the pages
call `reminders_for_user` and show what it returns."""

from dataclasses import dataclass
from datetime import date


@dataclass
class Reminder:
    kind: str  # "stale" | "overdue_item" | "past_end" | "next_meeting"
    text: str
    pair_id: int | None = None
    url: str = ""


def reminders_for_user(user, *, today: date) -> list[Reminder]:
    return []
