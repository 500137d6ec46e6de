"""The municipal tier's part of the access matrix's world: one builder per part,
each adding the objects its URLs need to the world (tests/test_access_matrix.py)."""

from tests.municipal import (
    world_bank,
    world_checklist,
    world_dashboard,
    world_indicators,
    world_practices,
)

MUNICIPAL_WORLD = [
    world_dashboard.build,
    world_checklist.build,
    world_bank.build,
    world_practices.build,
    world_indicators.build,
]
