"""What a rollover changed, row by row, so that it can be put back exactly.

The organisation's rows of every table a rollover may touch are read before and
after it; the difference is kept as JSON: the old values of each changed row, the
new values it was left with, and the ids of the rows it created. Undoing writes the
old values back with `QuerySet.update` (which leaves `auto_now` stamps as they
were) and deletes the created rows, children first. Reading the differences rather
than logging each write keeps the services the rollover calls (`pair_close`, the
roadmap and indicator services) as they are: whatever they touch is caught.

The simple-history tables are the audit trail and are not rewritten: the rollover's
writes stay in them.
"""

import datetime
import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max

# Parents before children: created rows are deleted in the reverse order.
TRACKED = [
    ("mentoring.programme", "organisation"),
    ("mentoring.roadmapitem", "programme__organisation"),
    ("people.studygroup", "organisation"),
    ("people.participant", "organisation"),
    ("people.mentorprofile", "participant__organisation"),
    ("people.mentorstatuschange", "mentor__participant__organisation"),
    ("people.menteeprofile", "participant__organisation"),
    ("people.menteerequest", "mentee__participant__organisation"),
    ("pairs.pair", "programme__organisation"),
    ("pairs.pairmentee", "pair__programme__organisation"),
    ("pairs.pairevent", "pair__programme__organisation"),
    ("monitoring.indicator", "programme__organisation"),
    ("monitoring.indicatorvalue", "indicator__programme__organisation"),
]

# Many-to-many links of a programme the rollover opens (copied forms, curators).
TRACKED_LINKS = [
    ("mentoring.programme", "forms"),
    ("mentoring.programme", "curators"),
]


def get_model(label: str):
    return apps.get_model(label)


def _fields(cls) -> list:
    return [field for field in cls._meta.concrete_fields if not field.primary_key]


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; an exact undo needs them all."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _plain(value):
    """A value as it will read back from JSON."""
    return json.loads(json.dumps(value, cls=ExactEncoder))


def dump(organisation) -> dict[str, dict[int, dict]]:
    """Every tracked row of the organisation: {model label: {pk: {attname: value}}},
    values as JSON would keep them."""
    result = {}
    for label, path in TRACKED:
        cls = get_model(label)
        names = [field.attname for field in _fields(cls)]
        rows = cls._base_manager.filter(**{path: organisation}).values("pk", *names)
        result[label] = {
            row.pop("pk"): _plain(row) for row in rows.order_by("pk").iterator()
        }
    for label, name in TRACKED_LINKS:
        through = get_model(label)._meta.get_field(name).remote_field.through
        owner = through._meta.get_field(get_model(label)._meta.model_name)
        rows = through.objects.filter(
            **{f"{owner.name}__organisation": organisation}
        ).values_list("pk", flat=True)
        result[through._meta.label_lower] = {pk: {} for pk in rows}
    return result


def difference(before: dict, after: dict) -> dict:
    """{"changed": {label: {pk: {"old": {...}, "new": {...}}}}, "created": {label:
    [pk, ...]}, "deleted": {label: [pk, ...]}} — only the fields that differ."""
    changed, created, deleted = {}, {}, {}
    for label, old_rows in before.items():
        new_rows = after.get(label, {})
        for pk, new in new_rows.items():
            old = old_rows.get(pk)
            if old is None:
                created.setdefault(label, []).append(pk)
                continue
            fields = [name for name in new if new[name] != old.get(name)]
            if fields:
                changed.setdefault(label, {})[str(pk)] = {
                    "old": {name: old[name] for name in fields},
                    "new": {name: new[name] for name in fields},
                }
        gone = [pk for pk in old_rows if pk not in new_rows]
        if gone:
            deleted[label] = gone
    return {"changed": changed, "created": created, "deleted": deleted}


def watermarks(labels) -> dict[str, int]:
    """The highest id of each model now: a row above it was made later."""
    return {
        label: get_model(label)._base_manager.aggregate(top=Max("pk"))["top"] or 0
        for label in labels
    }


def drifted(changes: dict, organisation) -> list[str]:
    """Labels of the models whose rows the rollover touched and that are no longer
    as it left them (edited or deleted since)."""
    now = dump(organisation)
    found = []
    for label, rows in changes["changed"].items():
        current = now.get(label, {})
        for pk, values in rows.items():
            row = current.get(int(pk))
            if row is None or any(row.get(n) != v for n, v in values["new"].items()):
                found.append(label)
                break
    for label, pks in changes["created"].items():
        if any(pk not in now.get(label, {}) for pk in pks):
            found.append(label)
    return sorted(set(found))


# Fields under a unique constraint that a rollover shifts along a chain (10А takes
# the name 11А had): parked on a unique placeholder first, then given back.
PARKED = {"people.studygroup": "name"}


def restore(changes: dict) -> None:
    """Put the old values back, then delete the created rows, children first (a
    pair moved to a new programme is moved back before that programme goes). Call
    inside a transaction."""
    order = [label for label, _path in TRACKED]
    for label, name in PARKED.items():
        for pk, values in changes["changed"].get(label, {}).items():
            if name in values["old"]:
                get_model(label)._base_manager.filter(pk=int(pk)).update(
                    **{name: f"~{pk}~"}
                )
    for label in order:
        cls = get_model(label)
        by_attname = {field.attname: field for field in _fields(cls)}
        for pk, values in changes["changed"].get(label, {}).items():
            old = {
                name: by_attname[name].to_python(value)
                for name, value in values["old"].items()
            }
            cls._base_manager.filter(pk=int(pk)).update(**old)
    links = [
        get_model(label)._meta.get_field(name).remote_field.through._meta.label_lower
        for label, name in TRACKED_LINKS
    ]
    for label in reversed(order + links):
        pks = changes["created"].get(label)
        if pks:
            get_model(label)._base_manager.filter(pk__in=pks).delete()
