"""Administration: a company's own data (projects, estate, people, prices), entered or imported."""


def blueprint():
    """The blueprint with every route on it: views.py (projects, users), estate.py, pricing.py, imports.py."""
    from . import estate, imports, pricing, views  # noqa: F401  (their routes register on the blueprint)
    from .common import bp
    return bp
