"""The indicators part of the access matrix's world (tests/test_access_matrix.py):
objects its URLs need, set as attributes of the world."""

from mentoring.models import SchoolYear
from municipal.indicators import indicator_set_create_default, rollup_snapshot_create


def build(world) -> None:
    """Our municipality's default list (`world.municipal_indicator`: its first)
    and a roll-up sent for the current year (`world.snapshot`)."""
    municipality = world.organisation.municipality
    created = indicator_set_create_default(municipality=municipality)
    world.municipal_indicator = created[0]
    world.snapshot = rollup_snapshot_create(
        municipality=municipality,
        school_year=SchoolYear.objects.order_by("-starts_on").first()
        or SchoolYear.for_date(world.programme.starts_on),
        by=world.users["coordinator"],
    )
