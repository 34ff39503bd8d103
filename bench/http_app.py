"""The bench's own WSGI app: wuye as served, plus the speed floor — a TechEmpower-Fortunes-style
route (one query, 13 rows, sorted, escaped in a template) that exists only here.

    gunicorn -c deploy/gunicorn.conf.py 'bench.http_app:app'
"""
from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app, render_template, render_template_string
from sqlalchemy import text

from wuye import create_app
from wuye.extensions import db
from wuye.permissions import PUBLIC, roles

FORTUNES = [
    "fortune: No such file or directory", "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.", "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.", "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.", "Computers make very fast, very accurate mistakes.",
    "<script>alert(\"This should not be displayed in a browser alert box.\");</script>", "フレームワークのベンチマーク",
]

TEMPLATE = """<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>
<tr><th>id</th><th>message</th></tr>
{% for id, message in fortunes %}<tr><td>{{ id }}</td><td>{{ message }}</td></tr>
{% endfor %}</table></body></html>"""

bp = Blueprint("bench", __name__)


@bp.route("/bench/fortunes")
@roles(PUBLIC)
def fortunes():
    return render_template(_template(current_app.jinja_env), fortunes=_fortunes())


@bp.route("/bench/fortunes-compiled")
@roles(PUBLIC)
def fortunes_compiled_per_request():
    """The floor as issue 15 measured it (and sessions 3-5 after it): the same route, its template
    compiled on every request by `render_template_string`. Kept so their figures can be compared."""
    return render_template_string(TEMPLATE, fortunes=_fortunes())


def _fortunes() -> list[tuple]:
    """The Fortunes work: one query, a row added at request time, sorted by message."""
    rows = [tuple(r) for r in db.session.execute(text("SELECT id, message FROM bench_fortune"))]
    rows.append((0, "Additional fortune added at request time."))
    rows.sort(key=lambda r: r[1])
    return rows


@cache
def _template(env):
    """Compiled once, as a Fortunes route's template file is (Jinja caches those): the floor must not
    compile its template on every request, ~0.4 ms here, which `render_template_string` does."""
    return env.from_string(TEMPLATE)


def create_fortunes_table() -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_fortune")
        conn.exec_driver_sql("CREATE TABLE bench_fortune (id INTEGER PRIMARY KEY, message VARCHAR(2048) NOT NULL)")
        conn.execute(text("INSERT INTO bench_fortune (id, message) VALUES (:id, :message)"),
                     [{"id": i, "message": m} for i, m in enumerate(FORTUNES, 1)])


def make_app(test_config: dict | None = None):
    application = create_app(test_config)
    application.register_blueprint(bp)
    return application


app = make_app() if __name__ != "__main__" and __import__("os").environ.get("WUYE_BENCH_SERVE") else None
