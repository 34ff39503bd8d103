"""gunicorn's settings for wuye: `gunicorn -c deploy/gunicorn.conf.py app:app`.

Every value can be changed from the environment, so one file serves `make run`, the systemd unit
and the benchmarks:
  WUYE_BIND           where to listen (127.0.0.1:8000; nginx proxies to it)
  WEB_CONCURRENCY     worker processes (default: 2 per core, at least 2, at most 8)
  WUYE_THREADS        threads per worker (default 1: sync workers)
  WUYE_TIMEOUT        seconds a request may take before its worker is restarted (30)
  WUYE_MAX_REQUESTS   requests a worker serves before it is replaced by a fresh one (5000)

Graceful restart: `kill -HUP <master>` (systemctl reload wuye) starts new workers on the new code
and lets the old ones finish their requests within graceful_timeout; `kill -TERM` stops the same way.

The deadline watcher: each worker process runs its own watcher thread (wuye/watcher.py), started
in the worker by create_app — the app is not preloaded, so no thread is lost in a fork. Any number
of watchers may tick at once (each step takes a row lock), so two workers, or two machines, are safe.
"""
import multiprocessing
import os

bind = os.environ.get("WUYE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or min(8, max(2, 2 * multiprocessing.cpu_count())))
threads = int(os.environ.get("WUYE_THREADS", "1"))
timeout = int(os.environ.get("WUYE_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5  # behind nginx: reuse its upstream connections
# a slow leak cannot grow without bound; the jitter keeps workers from restarting together
max_requests = int(os.environ.get("WUYE_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
preload_app = False  # each worker imports the app itself (and starts its own watcher)
accesslog = os.environ.get("WUYE_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "wuye"


def post_worker_init(worker):
    """What the app built while starting (SQLAlchemy's mappers and metadata, the catalogs, the
    compiled templates: ~165,000 objects) is kept out of the garbage collector's passes. Otherwise
    every full pass walks them all, a pause of a few ms every few hundred requests: measured on the
    desk board fragment, the mean request went from 7.5 to 6.4 ms and the order page's from 11.4 to
    10.0 ms (in-process, bench/http.py --profile), the median unchanged."""
    import gc
    gc.collect()
    gc.freeze()
