"""Benchmark (not a test): importing 20,000 units with 30,000 contacts.

    .venv/bin/python bench/import.py [--units 20000] [--pg URL | --no-pg]

Writes a GBK CSV (as Excel on a Chinese Windows saves it) of 20,000 units in 40 buildings, half of
them with a second contact, and on SQLite and on PostgreSQL times: the preview (read + check every
row), the import (checked again inside the one transaction, then written with an audit event per
unit), the same file again (nothing to change), and an XLSX export of it all. Each database runs
in its own process so its peak memory (ru_maxrss) is its own. Aim: under 30 s and 300 MB each.
The PostgreSQL database (default postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench_import) has its
public schema dropped and rebuilt.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = "楼栋,单元,楼层,房号,面积(㎡),状态,联系人1类型,联系人1姓名,联系人1电话,联系人1接收消息,联系人2类型,联系人2姓名,联系人2电话,联系人2接收消息"
BUILDINGS = 40


def make_file(units: int) -> bytes:
    lines = [HEADER]
    per_building = units // BUILDINGS
    n = 0
    for b in range(1, BUILDINGS + 1):
        for i in range(per_building):
            entrance, floor, room = i // 250 + 1, (i % 250) // 4 + 1, i % 4 + 1
            row = f"{b}栋,{entrance},{floor},{floor}{room:02d},{80 + i % 60}.5,自住,业主,业主{n},139{n:08d},是"
            row += f",家属,家属{n},137{n:08d},否" if n % 2 == 0 else ",,,,"
            lines.append(row)
            n += 1
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def one(url: str, path: str) -> None:
    from wuye import create_app
    from wuye.database import transaction
    from wuye.extensions import db
    from wuye.models import Unit, UnitContact
    from wuye.services import Actor, import_units, orgs
    from wuye.services.exports import export

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WUYE_WATCHER": False})
    data = Path(path).read_bytes()
    with app.app_context():
        from bench.deadlines import fresh_schema
        fresh_schema(db)
        project = orgs.add_project(Actor(None, "cli"), "BENCH", "bench")
        with transaction():
            for b in range(1, BUILDINGS + 1):
                orgs.add_building(project, f"{b}栋")
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures = []

        def timed(name, fn):
            t = time.perf_counter()
            out = fn()
            figures.append((name, time.perf_counter() - t))
            db.session.remove()
            return out

        plan = timed("preview", lambda: import_units.plan(db.session.get(type(project), project.id), data))
        assert plan.valid and plan.count("add") == len(plan.rows)
        timed("import", lambda: import_units.apply(Actor(None, "cli"), project, data, "bench.csv"))
        again = timed("same file again", lambda: import_units.plan(db.session.get(type(project), project.id), data))
        assert {r.action for r in again.rows} == {"same"}
        xlsx = timed("export XLSX", lambda: export("units", db.session.get(type(project), project.id)))
        units = db.session.scalar(db.select(db.func.count()).select_from(Unit))
        contacts = db.session.scalar(db.select(db.func.count()).select_from(UnitContact))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{db.engine.dialect.name}: {units} units, {contacts} contacts, file {len(data) / 1e6:.1f} MB, "
              f"export {len(xlsx) / 1e6:.1f} MB")
        for name, seconds in figures:
            print(f"  {name:16} {seconds:6.2f} s")
        print(f"  peak memory      {peak:6.0f} MB (app loaded: {base:.0f} MB)")
        db.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=20_000)
    ap.add_argument("--pg", default="postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench_import")
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--one", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(*args.one)
        return
    folder = tempfile.mkdtemp(prefix="wuye-import-")
    path = Path(folder) / "units.csv"
    path.write_bytes(make_file(args.units))
    urls = [f"sqlite:///{folder}/import.db"]
    if not args.no_pg:
        from bench.deadlines import ensure_pg_database
        ensure_pg_database(args.pg)
        urls.append(args.pg)
    for url in urls:
        subprocess.run([sys.executable, __file__, "--one", url, str(path)], check=True)


if __name__ == "__main__":
    main()
