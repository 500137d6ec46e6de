"""A calendar file (iCalendar, RFC 5545) of single events, written with the
standard library: CRLF line ends, text values escaped (§3.3.11), lines folded at
75 octets without splitting a UTF-8 character (§3.1), UTC DTSTAMP, and a start
that is either a DATE (an all-day event) or a floating local time (the time the
mentor typed, shown as such in any phone's calendar)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT value: backslash, semicolon and comma escaped, newlines as \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets; each continuation
    starts with a space (which counts towards its 75)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = MAX_OCTETS if not parts else MAX_OCTETS - 1
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


@dataclass
class Event:
    uid: str
    start: date | datetime  # a date: all day; a naive datetime: local time
    summary: str
    description: str = ""
    location: str = ""
    duration: timedelta = timedelta(hours=1)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, stamp: datetime) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{_utc(stamp)}"]
    if isinstance(event.start, datetime):
        start = event.start.replace(tzinfo=None)
        end = start + event.duration
        lines += [
            f"DTSTART:{start:%Y%m%dT%H%M%S}",
            f"DTEND:{end:%Y%m%dT%H%M%S}",
        ]
    else:
        end = event.start + timedelta(days=1)
        lines += [
            f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
        ]
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    events: list[Event], *, product: str, stamp: datetime | None = None
) -> str:
    """The whole VCALENDAR object as text (encode it as UTF-8)."""
    stamp = stamp or datetime.now(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
