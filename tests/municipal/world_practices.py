"""The practices part of the access matrix's world (tests/test_access_matrix.py):
a published case of the world's organisation (`practice`) and a draft of it
(`practice_draft`), both of the whole programme."""

from municipal.practices import practice_create, practice_publish


def build(world) -> None:
    curator = world.users["curator"]
    values = {
        "organisation": world.organisation,
        "programme": world.programme,
        "pair": None,
        "summary": "Наставники из числа старшеклассников.",
        "body": "Что было сделано.",
        "by": curator,
    }
    world.practice = practice_publish(
        practice=practice_create(title="Опубликованная практика", **values),
        by=curator,
    )
    world.practice_draft = practice_create(title="Черновик практики", **values)
