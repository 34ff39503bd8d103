"""Benchmark (not a test): the monthly management-review report at 100,000 repair orders and
20,000 complaints.

    .venv/bin/python bench/reports.py [--orders 100000] [--complaints 20000] [--pg URL | --no-pg]

Builds a year of history (orders with their visits, quotes, deadlines, payments, cash handovers,
服务单 and 回访; complaints with their deadlines, corrective actions and departments), ANALYZEs,
and times `services.reports.build` for the last full month as the project manager — every figure of
the page, the export and the print — and each area alone, then the whole requests (the page, the
print, the XLSX, and the lists a figure links to) through the app as the project manager's browser
makes them: best and median of 9 runs, on SQLite and
PostgreSQL, with the CPU time of this process (on SQLite all of the queries' work, however loaded the
shared machine is; `--reuse` times an SQLite file built by an earlier run). The PostgreSQL database (default
postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench_reports) has its public schema dropped and rebuilt.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

RUNS = 9
START = datetime(2025, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # the report is read on 1 December; November is complete


def _bulk(db, model, rows):
    for i in range(0, len(rows), 20_000):
        db.session.execute(insert(model.__table__ if hasattr(model, "__table__") else model), rows[i:i + 20_000])


def build(app, n_orders: int, n_complaints: int) -> dict:
    from bench.deadlines import fresh_schema
    from wuye.database import transaction
    from wuye.extensions import db
    from wuye.models import (Complaint, CorrectiveAction, Deadline, Department, Quote, RepairOrder, ReturnVisit,
                             Role, ServiceForm, Unit, Visit)
    from wuye.models.complaint import complaint_department
    from wuye.models.job import FeeHandover, Payment
    from wuye.models.warranty import CostClaim
    from wuye.services import Actor, orgs

    cli = Actor(None, "cli")
    rng = random.Random(14)
    span = (NOW - START).total_seconds()
    with app.app_context():
        fresh_schema(db)
        project = orgs.add_project(cli, "BENCH", "bench")
        with transaction():
            for b in range(1, 21):
                building = orgs.add_building(project, f"{b}栋")
                for n in range(100):
                    orgs.add_unit(project, building, f"{b}栋{n // 50 + 1}单元{n % 25 + 1}{n % 2 + 1:02d}", "x",
                                  f"139{b:02d}{n:06d}")
            for i in range(6):
                orgs.add_department(project, f"d{i}", f"部门{i}")
        clerk = orgs.add_user(cli, "clerk", Role.CLERK, "BENCH", "bench-pass-1")
        manager = orgs.add_user(cli, "manager", Role.PROJECT_MANAGER, "BENCH", "bench-pass-1")
        officer = orgs.add_user(cli, "officer", Role.HOUSING_OFFICER, "BENCH", "bench-pass-1")
        techs = [orgs.add_user(cli, f"t{i}", Role.TECHNICIAN, "BENCH", "bench-pass-1").id for i in range(8)]
        units = db.session.scalars(select(Unit.id)).all()
        dept_ids = [d.id for d in db.session.scalars(select(Department))]
        orders, visits, quotes, deadlines, payments, forms, rvisits, claims = [], [], [], [], [], [], [], []
        for i in range(1, n_orders + 1):
            at = START + timedelta(seconds=int(i * span / n_orders))
            state = rng.choices(["completed", "declined", "cancelled", "dispatched", "new", "in_progress"],
                                [85, 3, 3, 5, 2, 2])[0]
            tech = None if state == "new" else rng.choice(techs)
            emergency = rng.random() < 0.15
            closed = at + timedelta(hours=rng.uniform(1, 72)) if state in ("completed", "declined") else None
            charge = rng.choices(["paid", "common", "warranty"], [70, 15, 15])[0]
            orders.append(dict(id=i, project_id=project.id, number=f"BX-{i:08d}", source=rng.choice(["phone", "walk_in", "staff"]),
                               unit_id=rng.choice(units), contact_name="x", contact_phone="13800000000",
                               category=rng.choice(["plumbing_electric", "drain", "doors_windows", "other"]),
                               description="bench", urgency="emergency" if emergency else "normal", called_at=at,
                               state=state, technician_id=tech, created_by_id=clerk.id, created_at=at, updated_at=at,
                               closed_at=closed, charge_type=charge))
            if state == "completed" and charge == "warranty" and rng.random() < 0.6:
                claims.append(dict(order_id=i, project_id=project.id, state=rng.choice(["claimed", "paid"]),
                                   claimed_at=closed + timedelta(days=3), claimed_by_id=manager.id))
            if tech is None:
                continue
            arrived = at + timedelta(minutes=rng.uniform(5, 40) if emergency else rng.uniform(100, 130))
            visits.append(dict(order_id=i, number=1, arrived_at=arrived, checklist={}))
            if rng.random() < 0.1:
                visits.append(dict(order_id=i, number=2, arrived_at=arrived + timedelta(days=1), checklist={}))
            kind = "emergency_arrival" if emergency else "appointment_arrival"
            due = at + (timedelta(minutes=15) if emergency else timedelta(hours=2))
            deadlines.append(dict(subject_type="repair_order", subject_id=i, project_id=project.id, kind=kind,
                                  started_at=at, due_at=due, met_at=arrived, responsible_id=tech, escalation_level=0,
                                  created_at=at))
            deadlines.append(dict(subject_type="repair_order", subject_id=i, project_id=project.id, kind="preparation",
                                  started_at=at, due_at=at + timedelta(minutes=10),
                                  met_at=at + timedelta(minutes=rng.uniform(2, 14)), responsible_id=tech,
                                  escalation_level=0, created_at=at))
            if state in ("completed", "declined"):
                quotes.append(dict(order_id=i, revision=1, labour_minutes=60, labour_rate_fen=5000, labour_fen=5000,
                                   materials_fen=0, total_fen=5000, content_digest="x" * 64, created_at=at,
                                   decision="declined" if state == "declined" else "consented"))
            if state == "completed" and charge == "paid":
                if rng.random() < 0.6:
                    payments.append(dict(order_id=i, project_id=project.id, technician_id=tech,
                                         method=rng.choice(["cash", "wechat", "alipay"]), amount_fen=5000,
                                         expected_fen=5000, receipt_no=f"R{i}", invoice_wanted=False, paid_at=closed))
            if state == "completed":
                if rng.random() < 0.4:
                    score = rng.choice([5, 5, 5, 4, 4, 3, 2, 1])
                    forms.append(dict(order_id=i, project_id=project.id, overall=score, timeliness=score,
                                      attitude=score, quality=score, comments="", submitted_at=closed,
                                      updated_at=closed))
                    if score <= 2:
                        rvisits.append(dict(order_id=i, project_id=project.id, reason="low_score", score=score,
                                            opened_at=closed, done_at=closed + timedelta(days=1)))
        _bulk(db, RepairOrder, orders)
        _bulk(db, Visit, visits)
        _bulk(db, Quote, quotes)
        _bulk(db, CostClaim, claims)
        _bulk(db, Payment, payments)
        db.session.flush()
        cash = db.session.execute(select(Payment.id, Payment.technician_id, Payment.paid_at)
                                  .where(Payment.method == "cash")).all()
        _bulk(db, FeeHandover, [dict(payment_id=pid, project_id=project.id, technician_id=t, officer_id=officer.id,
                                     expected_fen=5000, received_fen=5000 if rng.random() < 0.97 else 4800,
                                     confirmed_at=paid + timedelta(hours=rng.uniform(1, 30)))
                                for pid, t, paid in cash if rng.random() < 0.95])
        _bulk(db, ServiceForm, forms)
        _bulk(db, ReturnVisit, rvisits)
        complaints, links, actions = [], [], []
        for i in range(1, n_complaints + 1):
            at = START + timedelta(seconds=int(i * span / n_complaints))
            valid = rng.random() < 0.7
            serious = valid and rng.random() < 0.1
            complaints.append(dict(id=i, project_id=project.id, number=f"TS-{i:08d}", state="closed", channel="phone",
                                   complainant_name="x", complainant_phone="", topic=rng.choice(["repair", "attitude", "fees", "noise"]),
                                   content="bench", received_at=at, received_by_id=clerk.id, solved_on_spot=False,
                                   other_units=False, validity="valid" if valid else "invalid",
                                   severity=("serious" if serious else "normal") if valid else None, criteria=[],
                                   management_review=serious and rng.random() < 0.3,
                                   repeat_status="confirmed" if rng.random() < 0.03 else None,
                                   penalty_at=at + timedelta(days=2) if rng.random() < 0.05 else None,
                                   created_at=at, updated_at=at))
            links.append(dict(complaint_id=i, department_id=rng.choice(dept_ids)))
            kind, length = ("valid_record", timedelta(days=3)) if valid else ("invalid_contact", timedelta(days=1))
            deadlines.append(dict(subject_type="complaint", subject_id=i, project_id=project.id, kind=kind,
                                  started_at=at, due_at=at + length, met_at=at + length * rng.uniform(0.2, 1.2),
                                  responsible_id=None, escalation_level=0, created_at=at))
            if valid and rng.random() < 0.4:
                due = at + timedelta(days=7)
                done = at + timedelta(days=rng.uniform(2, 9))
                actions.append(dict(complaint_id=i, project_id=project.id, seq=1, description="x", owner_id=manager.id,
                                    due_at=due, state="effective", set_at=at, set_by_id=manager.id, done_at=done,
                                    failed_checks=0))
        _bulk(db, Complaint, complaints)
        db.session.execute(insert(complaint_department), links)
        _bulk(db, CorrectiveAction, actions)
        _bulk(db, Deadline, deadlines)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return {"project_id": project.id, "manager": manager.id, "deadlines": len(deadlines)}


def _backend_cpu(backend_pid: int | None) -> float:
    """CPU seconds the PostgreSQL backend serving us has used (it runs on this machine: /proc)."""
    if backend_pid is None:
        return 0.0
    fields = Path(f"/proc/{backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn, backend_pid: int | None = None) -> tuple[float, float, float]:
    """Best and median wall time, and the mean CPU time spent on it — this process's, plus on
    PostgreSQL its backend's. On a shared machine the wall time also counts waiting for a core."""
    fn()
    samples = []
    c0, b0 = time.process_time(), _backend_cpu(backend_pid)
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    cpu = (time.process_time() - c0 + _backend_cpu(backend_pid) - b0) * 1000 / RUNS
    return min(samples), statistics.median(samples), cpu


def run(url: str, n_orders: int, n_complaints: int, reuse: bool = False) -> None:
    os.environ.setdefault("WUYE_INSTANCE_PATH", tempfile.mkdtemp(prefix="wuye-bench-"))
    from wuye import create_app
    from wuye.extensions import db
    from wuye.models import Project, User
    from wuye.services import reports
    from wuye.services.reports import complaints, costs, money, repairs, satisfaction, technicians

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WUYE_WATCHER": False,
                      "WUYE_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    t0 = time.perf_counter()
    if reuse:
        with app.app_context():
            ids = {"project_id": db.session.scalar(select(Project.id)), "deadlines": 0,
                   "manager": db.session.scalar(select(User.id).where(User.username == "manager"))}
    else:
        ids = build(app, n_orders, n_complaints)
    print(f"\n{url.split(':')[0]}: {n_orders:,} orders, {n_complaints:,} complaints, {ids['deadlines']:,} deadlines "
          f"built in {time.perf_counter() - t0:.0f} s ({url})")
    with app.test_request_context():
        project = db.session.get(Project, ids["project_id"])
        manager = db.session.get(User, ids["manager"])
        period = reports.parse("2026-11", date(2026, 12, 1))
        report = reports.build(project, period, manager, now=NOW)
        print(f"  November: {report.table('repairs_total').lines[0].now:,} orders, "
              f"{report.table('complaints_total').lines[0].now:,} complaints")
        span = report.span
        cases = {
            "whole monthly report": lambda: reports.build(project, period, manager, now=NOW),
            "  repairs": lambda: repairs.tables(project.id, span, repairs.deadline_counts_by_person(project.id, span)),
            "  per technician": lambda: technicians.tables(project.id, span, {}),
            "  money": lambda: money.tables(project.id, span),
            "  satisfaction": lambda: satisfaction.tables(project.id, span),
            "  complaints": lambda: complaints.tables(project.id, span, manager),
            "  costs and claims": lambda: costs.tables(project.id, span),
            "whole report, a year": lambda: reports.build(project, reports.parse("2026", date(2026, 12, 1)),
                                                          manager, now=NOW),
        }
        backend = None
        if db.engine.dialect.name == "postgresql":
            backend = db.session.scalar(text("SELECT pg_backend_pid()"))
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for name, fn in cases.items():
            best, median, cpu = timed(fn, backend)
            print(f"  {name:24} best {best:8.1f} ms  median {median:8.1f} ms  cpu {cpu:8.1f} ms")
        db.session.remove()
    _time_requests(app, backend)
    print(f"  load average {os.getloadavg()[0]:.1f}")
    with app.app_context():
        db.engine.dispose()


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
NOV = "day_from=2026-11-01&day_to=2026-11-30"
REQUESTS = {
    "GET /reports/ (the page)": "/reports/?p=2026-11",
    "GET /reports/print (A4)": "/reports/print?p=2026-11",
    "GET /reports/export.xlsx": "/reports/export.xlsx?p=2026-11",
    "figure: cash paid": f"/desk/repairs?{NOV}&dates=paid&method=cash",
    "figure: differences": f"/desk/repairs?{NOV}&dates=paid&method=cash&handover=difference",
    "figure: score 2": f"/desk/repairs?{NOV}&ended=1&score=2",
    "figure: 回访 opened": f"/desk/repairs?{NOV}&dates=return_visit&return_visit=opened",
    "figure: warranty cost": f"/desk/repairs?{NOV}&dates=closed&state=completed&charge=warranty",
    "figure: valid complaints": f"/complaints/?{NOV}&validity=valid",
    "figure: B5 met late": f"/complaints/?{NOV}&dates=due&deadline=valid_record&kept=not_kept",
    "figure: actions late": f"/complaints/actions?{NOV}&which=late",
}


def _time_requests(app, backend) -> None:
    """The whole request as the project manager's browser makes it — routing, session, the queries,
    pygal's charts and the template — through the WSGI app (no network): wall time."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    m = TOKEN.search(page)
    r = client.post("/login", data={"username": "manager", "password": "bench-pass-1"},
                    headers={"X-CSRFToken": m.group(1) or m.group(2)})
    assert r.status_code == 303, r.status_code

    def get(url):
        def fn():
            resp = client.get(url)
            assert resp.status_code == 200, (url, resp.status_code)
            resp.get_data()
        return fn
    for name, url in REQUESTS.items():
        best, median, cpu = timed(get(url), None)
        print(f"  {name:24} best {best:8.1f} ms  median {median:8.1f} ms  cpu {cpu:8.1f} ms (this process)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--complaints", type=int, default=20_000)
    ap.add_argument("--pg", default="postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench_reports")
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--reuse", help="an SQLite file an earlier run built: time it without building")
    args = ap.parse_args()
    if args.reuse:
        run(f"sqlite:///{args.reuse}", args.orders, args.complaints, reuse=True)
        return
    run(f"sqlite:///{tempfile.mkdtemp(prefix='wuye-reports-')}/reports.db", args.orders, args.complaints)
    if not args.no_pg:
        from bench.deadlines import ensure_pg_database
        ensure_pg_database(args.pg)
        run(args.pg, args.orders, args.complaints)


if __name__ == "__main__":
    main()
