"""The front desk (客服前台): intake, the board, the order page, the resident's side of an order."""


def blueprint():
    """The blueprint with every route on it: views.py (intake, board, order) and residents.py."""
    from . import residents, views  # noqa: F401  (their routes register on the blueprint)
    from .common import bp
    return bp
