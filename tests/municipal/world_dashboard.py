"""The dashboard part of the access matrix's world (tests/test_access_matrix.py):
objects its URLs need, set as attributes of the world."""


def build(world) -> None:
    """Nothing of its own: the dashboard needs no object and an organisation's
    summary opens `world.organisation` (of the coordinator's municipality)."""
