"""Benchmark (not a test): wuye's busiest pages over HTTP against a speed floor, in the same run.

    .venv/bin/python bench/http.py [--instances 1|2] [--rounds 3] [--seconds 5] [--rebuild]
    .venv/bin/python bench/http.py --profile [--cprofile PAGE]     # in-process, no HTTP
    .venv/bin/python bench/http.py --pages complaint,job            # some pages only (and the floor)

Builds (once, kept under /tmp/wuye-bench-http/, or $WUYE_BENCH_DIR) a SQLite database with 100,000 repair orders and
20,000 complaints (bench/data.py, on bench/board.py's generator), starts gunicorn with 2 workers
per instance (deploy/gunicorn.conf.py) on bench/http_app.py — wuye plus a Fortunes-style floor
route of the bench's own — signs in a clerk, a department head and a technician, and hits each
page in turn with wrk (-t2 -c16, `--latency`) for several rounds. Prints, per page, the median
req/s, p50 and p99 latency, and how many times slower than the floor it is (and than the floor as
issue 15 measured it, whose template was compiled on every request: twice as slow as the real
one). With --instances 2 two gunicorns serve the same database on two ports and two wrk runs load
them together (req/s summed). The deadline watcher is off: it would tick the benchmark's data while it is measured.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# several people on one machine: each may keep their own database and ports
WORK = Path(os.environ.get("WUYE_BENCH_DIR", "/tmp/wuye-bench-http"))
PORT = int(os.environ.get("WUYE_BENCH_PORT", "5110"))
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


ONLY: list[str] = []  # --pages: parts of page names to measure (the floor is always measured)


# The floor as issue 15 and sessions 3-5 measured it: the template compiled on every request (~0.4-0.6 ms
# here), which made it ~2x slower than a real Fortunes route. Printed beside the true floor so their figures compare.
ISSUE_FLOOR = "floor, issue's (compiling)"


def pages(ids: dict) -> dict[str, tuple[str, str, dict]]:
    """name → (who, path, headers)."""
    every = {
        "floor (fortunes)": ("anon", "/bench/fortunes", {}),
        ISSUE_FLOOR: ("anon", "/bench/fortunes-compiled", {}),
        "board fragment": ("clerk", "/desk/repairs", {"HX-Request": "true", "HX-Target": "board-results"}),
        "complaint board": ("head", "/complaints/", {}),
        "order page": ("clerk", f"/desk/repairs/{ids['open_number']}", {}),
        "job page": (ids["tech_username"], f"/tech/jobs/{ids['job_number']}", {}),
    }
    return {name: page for name, page in every.items()
            if not ONLY or name.startswith("floor") or any(part in name for part in ONLY)}


def database(rebuild: bool, orders: int, complaints: int) -> tuple[str, dict]:
    db_path, ids_path = WORK / "bench.db", WORK / "ids.json"
    if rebuild or not ids_path.exists():
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        os.environ["WUYE_INSTANCE_PATH"] = str(WORK / "instance")
        from bench.data import build_big
        from bench.http_app import create_fortunes_table, make_app
        from wuye.extensions import db
        app = make_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "WUYE_WATCHER": False,
                        "WUYE_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
        t0 = time.perf_counter()
        ids = build_big(app, orders, complaints)
        with app.app_context():
            create_fortunes_table()
            from sqlalchemy import select

            from wuye.models import RepairOrder
            ids["open_number"] = db.session.scalar(select(RepairOrder.number).where(
                RepairOrder.state == "dispatched").order_by(RepairOrder.id.desc()).offset(3))
            db.engine.dispose()
        ids_path.write_text(json.dumps(ids))
        print(f"built {orders:,} orders and {complaints:,} complaints in {time.perf_counter() - t0:.0f} s")
    return f"sqlite:///{db_path}", json.loads(ids_path.read_text())


def serve(url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, WUYE_INSTANCE_PATH=str(WORK / "instance"), WUYE_WATCHER="0",
               WUYE_BENCH_SERVE="1", WEB_CONCURRENCY=str(workers), WUYE_BIND=f"127.0.0.1:{port}",
               WUYE_LOGIN_MAX_FAILURES_PER_ADDRESS="1000",
               # a worker replaced every 5,000 requests spends ~1.5 s booting: at the floor's 1,000 req/s
               # that is every few seconds, and the figures would measure boots, not pages
               WUYE_MAX_REQUESTS="10000000")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                             "--access-logfile", "/dev/null", "bench.http_app:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(WORK / f"gunicorn-{port}.log", "w"))
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/fortunes", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"gunicorn on {port} did not start: see {WORK}/gunicorn-{port}.log")


def sign_in(base: str, username: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login").read().decode()
    token = TOKEN.search(html).group(1)
    body = urllib.parse.urlencode({"username": username, "password": "bench-pass-1", "csrf_token": token}).encode()
    opener.open(urllib.request.Request(f"{base}/login", data=body, headers={"X-CSRFToken": token})).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _ms(value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)$", value)
    if m is None:
        return float("nan")
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60_000}[unit]


def _median_of_read(values) -> float:
    """The median of the latencies wrk's output gave (a line it did not print is NaN, left out)."""
    read = [v for v in values if v == v]
    return statistics.median(read) if read else float("nan")


def wrk(url: str, headers: dict, seconds: int) -> subprocess.Popen:
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    return subprocess.Popen(cmd + [url], stdout=subprocess.PIPE, text=True)


def parse(out: str) -> tuple[float, float, float, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p99 = (_ms(m.group(1)) if (m := re.search(rf"{q}%\s+(\S+)", out)) else float("nan") for q in (50, 99))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(bad.group(1)) if bad else 0


def run_http(url: str, ids: dict, instances: int, rounds: int, seconds: int) -> None:
    ports = [PORT + i for i in range(instances)]
    procs = [serve(url, p, 2) for p in ports]
    try:
        cookies = {who: {p: sign_in(f"http://127.0.0.1:{p}", who) for p in ports}
                   for who in {"clerk", "head", ids["tech_username"]}}
        results: dict[str, list] = {name: [] for name in pages(ids)}
        for r in range(rounds):
            for name, (who, path, headers) in pages(ids).items():
                runs = []
                for p in ports:
                    h = dict(headers)
                    if who != "anon":
                        h["Cookie"] = cookies[who][p]
                    runs.append(wrk(f"http://127.0.0.1:{p}{path}", h, seconds))
                parsed = [parse(w.communicate()[0]) for w in runs]
                for p in ports:  # requests wrk left queued are still served: wait them out
                    urllib.request.urlopen(f"http://127.0.0.1:{p}/bench/fortunes", timeout=300).read()
                results[name].append((sum(x[0] for x in parsed), max(x[1] for x in parsed),
                                      max(x[2] for x in parsed), sum(x[3] for x in parsed)))
            print(f"  round {r + 1}/{rounds} done", flush=True)
        floor = statistics.median(x[0] for x in results["floor (fortunes)"]) or 0.01
        issue_floor = statistics.median(x[0] for x in results[ISSUE_FLOOR]) or 0.01
        print(f"\n{instances} instance(s) × gunicorn -w 2, wrk -t2 -c16 -d{seconds}s per instance, "
              f"{rounds} rounds (median); SQLite, {os.cpu_count()} cores")
        print(f"  {'page':26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× floor':>8} {'× issue':>8}  non-2xx")
        for name, xs in results.items():
            rps = statistics.median(x[0] for x in xs) or 0.01
            p50 = _median_of_read(x[1] for x in xs)
            p99 = _median_of_read(x[2] for x in xs)
            print(f"  {name:26} {rps:8.0f} {p50:8.1f} {p99:8.1f} {floor / rps:8.2f} {issue_floor / rps:8.2f}"
                  f"  {sum(x[3] for x in xs)}")
        print("  × issue: against the floor as issue 15 measured it, its template compiled on every request")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)


def run_profile(url: str, ids: dict, runs: int, cprofile: str | None) -> None:
    """The same pages in-process through the test client: median and best ms of `runs` requests each,
    and the Python function calls of one request, each against the floor's."""
    os.environ["WUYE_INSTANCE_PATH"] = str(WORK / "instance")
    from bench.http_app import make_app
    app = make_app({"SQLALCHEMY_DATABASE_URI": url, "WUYE_WATCHER": False})
    clients = {}
    for who in ("anon", "clerk", "head", ids["tech_username"]):
        c = app.test_client()
        if who != "anon":
            html = c.get("/login").get_data(as_text=True)
            token = TOKEN.search(html).group(1)
            r = c.post("/login", data={"username": who, "password": "bench-pass-1"}, headers={"X-CSRFToken": token})
            assert r.status_code == 303, r.status_code
        clients[who] = c
    todo = pages(ids)
    for name, (who, path, headers) in todo.items():
        first = clients[who].get(path, headers=headers)
        assert first.status_code == 200, (name, path, first.status_code, first.get_data(as_text=True)[:300])
    # interleaved (each run hits every page once), so a busy machine slows all pages alike
    wall: dict[str, list[float]] = {name: [] for name in todo}
    cpu: dict[str, list[float]] = {name: [] for name in todo}
    for _ in range(runs):
        for name, (who, path, headers) in todo.items():
            t0, c0 = time.perf_counter(), time.process_time()
            clients[who].get(path, headers=headers).get_data()
            wall[name].append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.process_time() - c0) * 1000)
    import cProfile
    import pstats
    calls = {}
    for name, (who, path, headers) in todo.items():  # Python calls per request: what no other process moves
        prof = cProfile.Profile()
        prof.enable()
        clients[who].get(path, headers=headers).get_data()
        prof.disable()
        calls[name] = pstats.Stats(prof).total_calls
    floor = "floor (fortunes)"
    print(f"in-process, {runs} interleaved runs; CPU time is this process's own (others move it less than the wall clock)")
    print(f"  {'page':26} {'wall p50':>9} {'CPU p50':>8} {'CPU best':>9} {'× floor':>8} {'calls':>8} {'× floor':>8}")
    for name in todo:
        best = min(cpu[name])
        print(f"  {name:26} {statistics.median(wall[name]):9.2f} {statistics.median(cpu[name]):8.2f} {best:9.2f} "
              f"{best / min(cpu[floor]):8.2f} {calls[name]:8,} {calls[name] / calls[floor]:8.2f}")
    if cprofile:
        for name, (who, path, headers) in todo.items():
            if cprofile in name:
                prof = cProfile.Profile()
                prof.enable()
                for _ in range(runs):
                    clients[who].get(path, headers=headers).get_data()
                prof.disable()
                pstats.Stats(prof).sort_stats(os.environ.get("WUYE_PROFILE_SORT", "cumulative")).print_stats(45)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", type=int, choices=(1, 2), default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--complaints", type=int, default=20_000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--profile", action="store_true", help="in-process timings instead of HTTP")
    ap.add_argument("--cprofile", help="with --profile: cProfile this page (a part of its name)")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--pages", help="only these pages (parts of their names, comma-separated), and the floor")
    args = ap.parse_args()
    if args.pages:
        ONLY.extend(p.strip() for p in args.pages.split(",") if p.strip())
    if not shutil.which("wrk") and not args.profile:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    url, ids = database(args.rebuild, args.orders, args.complaints)
    if args.profile:
        run_profile(url, ids, args.runs, args.cprofile)
    else:
        run_http(url, ids, args.instances, args.rounds, args.seconds)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
