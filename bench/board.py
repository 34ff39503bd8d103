"""Benchmark (not a test): the desk board with 100,000 repair orders.

    .venv/bin/python bench/board.py [--orders 100000] [--pg URL | --no-pg]

Builds a project with 2,000 units and 8 technicians, bulk-inserts the orders (a year of history:
mostly completed, some open, 15 % emergencies), ANALYZEs, and then times the board's own query
(services.board.search, first page and a page deep in the keyset) for each filter the board
offers, plus the unit search-as-you-type, on SQLite and PostgreSQL: best and median of 9 runs.
It prints the plan of the slowest ones. The PostgreSQL database (default
postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench_board) has its public schema dropped and rebuilt.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

RUNS = 9


def build(app, orders: int) -> dict:
    from wuye.database import transaction
    from wuye.extensions import db
    from wuye.models import RepairOrder, Role, Unit
    from wuye.services import Actor, orgs

    cli = Actor(None, "cli")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            db.drop_all()
        db.create_all()
        project = orgs.add_project(cli, "BENCH", "bench")
        with transaction():
            for b in range(1, 21):
                building = orgs.add_building(project, f"{b}栋")
                for n in range(100):
                    orgs.add_unit(project, building, f"{b}栋{n // 50 + 1}单元{n % 25 + 1}{n % 2 + 1:02d}", "x",
                                  f"139{b:02d}{n:06d}")
        clerk = orgs.add_user(cli, "clerk", Role.CLERK, "BENCH", "bench-pass-1")
        techs = [orgs.add_user(cli, f"t{i}", Role.TECHNICIAN, "BENCH", "bench-pass-1").id for i in range(8)]
        units = db.session.scalars(select(Unit.id)).all()
        rng = random.Random(7)
        start = datetime(2025, 11, 27, tzinfo=UTC)
        rows, day_seq = [], {}
        for i in range(orders):
            at = start + timedelta(seconds=int(i * 365 * 86400 / orders))
            day = at.date()
            day_seq[day] = day_seq.get(day, 0) + 1
            state = rng.choices(["completed", "declined", "cancelled", "dispatched", "new", "in_progress"],
                                [85, 3, 3, 5, 2, 2])[0]
            rows.append(dict(project_id=project.id, number=f"BX-{day:%Y%m%d}-{day_seq[day]:04d}", source="phone",
                             unit_id=rng.choice(units), contact_name="x", contact_phone=f"138{rng.randrange(10**8):08d}",
                             category=rng.choice(["plumbing_electric", "drain", "other"]), description="bench",
                             urgency="emergency" if rng.random() < 0.15 else "normal", called_at=at,
                             appointment_start=at + timedelta(hours=2), appointment_end=at + timedelta(hours=4),
                             state=state, technician_id=None if state == "new" else rng.choice(techs),
                             created_by_id=clerk.id, created_at=at, updated_at=at))
        for i in range(0, len(rows), 20_000):
            db.session.execute(insert(RepairOrder), rows[i:i + 20_000])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return {"project_id": project.id, "tech": techs[3], "unit": units[500], "phone": rows[-10]["contact_phone"]}


def timed(fn) -> tuple[float, float]:
    fn()
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return min(samples), statistics.median(samples)


def run(url: str, orders: int) -> None:
    os.environ.setdefault("WUYE_INSTANCE_PATH", tempfile.mkdtemp(prefix="wuye-bench-"))
    from wuye import create_app
    from wuye.extensions import db
    from wuye.models import Project
    from wuye.services.repairs.board import BoardFilter, find_units, search

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WUYE_WATCHER": False,
                      "WUYE_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    t0 = time.perf_counter()
    ids = build(app, orders)
    print(f"\n{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {orders:,} orders built in "
          f"{time.perf_counter() - t0:.0f} s")
    with app.app_context():
        project = db.session.get(Project, ids["project_id"])
        deep = search(project, BoardFilter(), 50)[0][-1].id - orders // 2  # a cursor half way down
        cases = {
            "first page, no filter": BoardFilter(),
            "deep keyset page": BoardFilter(before=deep),
            "state = dispatched": BoardFilter(state="dispatched"),
            "state = new (rare)": BoardFilter(state="new"),
            "urgency = emergency": BoardFilter(urgency="emergency"),
            "one technician": BoardFilter(technician_id=ids["tech"]),
            "one unit": BoardFilter(unit_id=ids["unit"]),
            "one day": BoardFilter(day_from=date(2026, 5, 1), day_to=date(2026, 5, 1)),
            "search by number": BoardFilter(q="BX-20260501"),
            "search by phone": BoardFilter(q=ids["phone"][:7]),
            "search by unit": BoardFilter(q="12-1"),
            "technician + state": BoardFilter(technician_id=ids["tech"], state="dispatched"),
        }
        for name, f in cases.items():
            best, median = timed(lambda f=f: search(project, f, 50))
            print(f"  board  {name:26} best {best:7.2f} ms  median {median:7.2f} ms")
        best, median = timed(lambda: find_units(project, "1201"))
        print(f"  unit search '1201'                best {best:7.2f} ms  median {median:7.2f} ms")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--pg", default="postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench_board")
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    run(f"sqlite:///{tempfile.mkdtemp(prefix='wuye-board-')}/board.db", args.orders)
    if not args.no_pg:
        from bench.deadlines import ensure_pg_database
        ensure_pg_database(args.pg)
        run(args.pg, args.orders)


if __name__ == "__main__":
    main()
