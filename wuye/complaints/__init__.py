"""业主投诉: intake by any employee, the board, the record (顾客投诉处理记录表) and its steps."""


def blueprint():
    """The blueprint with every route on it: the pages (views.py) and the POST of each step (steps.py)."""
    from . import steps, views  # noqa: F401  (their routes register on the blueprint)
    from .pages import bp
    return bp
