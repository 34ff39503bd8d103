"""Settings from the environment: DATABASE_URL, SECRET_KEY and WUYE_* variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool | None) -> bool | None:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'wuye.db'}"
    # psycopg 3 is the driver; accept the plain scheme that hosting platforms hand out
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    # write a private temp file, then link it into place: two processes starting together on a
    # fresh instance folder both end up with the first writer's key, never an empty one
    tmp = Path(instance_path) / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def from_environment(instance_path: str) -> dict:
    secure = _bool("WUYE_SECURE_COOKIES", False)
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        # a clerk keeps the desk open all day: the token lives as long as the login does
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "WUYE_LANGUAGES": ["zh_CN", "en"],
        "WUYE_SESSION_HOURS": _int("WUYE_SESSION_HOURS", 24 * 7),
        "WUYE_LOGIN_MAX_FAILURES": _int("WUYE_LOGIN_MAX_FAILURES", 5),
        "WUYE_LOGIN_MAX_FAILURES_PER_ADDRESS": _int("WUYE_LOGIN_MAX_FAILURES_PER_ADDRESS", 30),
        "WUYE_LOGIN_WINDOW_MINUTES": _int("WUYE_LOGIN_WINDOW_MINUTES", 15),
        "WUYE_SQLITE_BUSY_MS": _int("WUYE_SQLITE_BUSY_MS", 10000),
        "WUYE_PROXY_COUNT": _int("WUYE_PROXY_COUNT", 0),
        "WUYE_PAGE_SIZE": _int("WUYE_PAGE_SIZE", 50),
        "WUYE_BOARD_POLL_SECONDS": _int("WUYE_BOARD_POLL_SECONDS", 15),
        # how far back a clerk may date the time of a call taken on paper or by voicemail
        "WUYE_BACKDATE_HOURS": _int("WUYE_BACKDATE_HOURS", 72),
        # residents' links (/s/): requests per client address in a sliding window, and how many of
        # them may miss (unknown or revoked token). Many phones share one carrier address (CGNAT),
        # so the overall limit is generous; the misses limit is what stops guessing.
        "WUYE_LINK_WINDOW_SECONDS": _int("WUYE_LINK_WINDOW_SECONDS", 600),
        "WUYE_LINK_DAYS_AFTER_CLOSE": _int("WUYE_LINK_DAYS_AFTER_CLOSE", 30),
        "WUYE_LINK_MAX_REQUESTS": _int("WUYE_LINK_MAX_REQUESTS", 600),
        "WUYE_LINK_MAX_MISSES": _int("WUYE_LINK_MAX_MISSES", 30),
        "WUYE_LINK_POLL_SECONDS": _int("WUYE_LINK_POLL_SECONDS", 20),
        # the public address residents reach, for links sent by message and printed as QR codes
        # (behind a proxy the request's own host may be an internal one)
        "WUYE_PUBLIC_URL": os.environ.get("WUYE_PUBLIC_URL", "").rstrip("/"),
        # scrypt in production; the tests set a cheap method so each fixture user is not 100 ms
        "WUYE_PASSWORD_METHOD": os.environ.get("WUYE_PASSWORD_METHOD", "scrypt"),
        # B3: a complaint from the same unit on the same matter within this many days of an earlier one
        # still open (or whose correction failed) is suggested as a repeat, hence serious, complaint
        "WUYE_COMPLAINT_REPEAT_DAYS": _int("WUYE_COMPLAINT_REPEAT_DAYS", 30),
        "WUYE_NOTIFIERS": os.environ.get("WUYE_NOTIFIERS", "log").split(","),
        # the deadline watcher thread: unset = on when serving, off in tests (see wuye/watcher.py)
        "WUYE_WATCHER": _bool("WUYE_WATCHER", None),
        "WUYE_WATCHER_INTERVAL": _float("WUYE_WATCHER_INTERVAL", 5),
        "WUYE_WATCHER_MAX_LAG": _float("WUYE_WATCHER_MAX_LAG", 60),
        # brotli/gzip for HTML, CSS and JS from the app itself; 0 when the proxy in front compresses
        "WUYE_COMPRESS": _bool("WUYE_COMPRESS", True),
        # logs as one JSON object a line, with the request id (wuye/serving.py)
        "WUYE_LOG_JSON": _bool("WUYE_LOG_JSON", False),
    }
