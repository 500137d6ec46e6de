"""The bank part of the access matrix's world (tests/test_access_matrix.py):
objects its URLs need, set as attributes of the world."""


def build(world) -> None:
    """Nothing yet."""
