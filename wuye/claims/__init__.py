"""Claims of free repairs' cost: from the builders (保修期内) and from the maintenance fund (公共部位)."""


def blueprint():
    """The blueprint with every route on it: the claim lists (views.py) and the warranty table (table.py)."""
    from . import table, views  # noqa: F401  (their routes register on the blueprint)
    from .common import bp
    return bp
