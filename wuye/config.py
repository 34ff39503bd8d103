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
        # residents' links (/s/), in a sliding window: requests per live link, and wrong tokens
        # (unknown or revoked) per client address. Many phones share one carrier address (CGNAT), so
        # a guesser there is refused while the links of the residents behind it keep working.
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
        # B3: a complaint from the same unit (on any topic) within this many days of an earlier one
        # still open (or whose correction failed) is suggested as a repeat, hence serious, complaint
        "WUYE_COMPLAINT_REPEAT_DAYS": _int("WUYE_COMPLAINT_REPEAT_DAYS", 30),
        # outside channels (services/delivery): `log` writes each message to the log; the others are on
        # when their settings are present (README, "Messages")
        "WUYE_NOTIFIERS": os.environ.get("WUYE_NOTIFIERS", "log").split(","),
        "WUYE_QUIET_HOURS": os.environ.get("WUYE_QUIET_HOURS", "22:00-07:00"),  # project local time; "" = none
        "WUYE_DELIVERY": _bool("WUYE_DELIVERY", True),  # the watcher thread also sends deliveries
        "WUYE_DELIVERY_TIMEOUT": _float("WUYE_DELIVERY_TIMEOUT", 10),
        "WUYE_DELIVERY_LEASE": _float("WUYE_DELIVERY_LEASE", 300),
        "WUYE_DELIVERY_BACKOFF": _float("WUYE_DELIVERY_BACKOFF", 30),
        "WUYE_DELIVERY_BACKOFF_MAX": _float("WUYE_DELIVERY_BACKOFF_MAX", 3600),
        "WUYE_DELIVERY_MAX_ATTEMPTS": _int("WUYE_DELIVERY_MAX_ATTEMPTS", 8),
        "WUYE_WECOM_API": os.environ.get("WUYE_WECOM_API", "https://qyapi.weixin.qq.com"),
        "WUYE_WECOM_CORP_ID": os.environ.get("WUYE_WECOM_CORP_ID", ""),
        "WUYE_WECOM_SECRET": os.environ.get("WUYE_WECOM_SECRET", ""),
        "WUYE_WECOM_AGENT_ID": os.environ.get("WUYE_WECOM_AGENT_ID", ""),
        "WUYE_WECOM_MSGTYPE": os.environ.get("WUYE_WECOM_MSGTYPE", "text"),
        "WUYE_WECOM_DUPLICATE_CHECK": _int("WUYE_WECOM_DUPLICATE_CHECK", 1800),  # seconds (WeCom: at most 4 h)
        "WUYE_WECOM_ROBOTS": os.environ.get("WUYE_WECOM_ROBOTS", ""),  # DEPTCODE=webhook key,…
        "WUYE_WECOM_ROBOT_API": os.environ.get("WUYE_WECOM_ROBOT_API", "https://qyapi.weixin.qq.com"),
        "WUYE_SMTP_HOST": os.environ.get("WUYE_SMTP_HOST", ""),
        "WUYE_SMTP_PORT": _int("WUYE_SMTP_PORT", 25),
        "WUYE_SMTP_SECURITY": os.environ.get("WUYE_SMTP_SECURITY", "none"),  # none, starttls, ssl
        "WUYE_SMTP_USER": os.environ.get("WUYE_SMTP_USER", ""),
        "WUYE_SMTP_PASSWORD": os.environ.get("WUYE_SMTP_PASSWORD", ""),
        "WUYE_SMTP_FROM": os.environ.get("WUYE_SMTP_FROM", ""),
        "WUYE_DIGEST_HOUR": _int("WUYE_DIGEST_HOUR", 8),  # the managers' daily digest, project local time
        "WUYE_PUSH": _bool("WUYE_PUSH", True),  # Web Push to the technicians' phones (VAPID keys in instance/)
        "WUYE_PUSH_SUBJECT": os.environ.get("WUYE_PUSH_SUBJECT", ""),  # mailto:… or https://… for the push services
        "WUYE_PUSH_TTL": _int("WUYE_PUSH_TTL", 3600),
        "WUYE_SMS_ENDPOINT": os.environ.get("WUYE_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com"),
        "WUYE_SMS_ACCESS_KEY_ID": os.environ.get("WUYE_SMS_ACCESS_KEY_ID", ""),
        "WUYE_SMS_ACCESS_KEY_SECRET": os.environ.get("WUYE_SMS_ACCESS_KEY_SECRET", ""),
        "WUYE_SMS_SIGN_NAME": os.environ.get("WUYE_SMS_SIGN_NAME", ""),
        "WUYE_SMS_REGION": os.environ.get("WUYE_SMS_REGION", "cn-hangzhou"),
        "WUYE_SMS_TEMPLATES": os.environ.get("WUYE_SMS_TEMPLATES", ""),  # kind=TemplateCode,…
        "WUYE_SMS_DAILY_CAP": _int("WUYE_SMS_DAILY_CAP", 10),
        # the deadline watcher thread: unset = on when serving, off in tests (see wuye/watcher.py)
        "WUYE_WATCHER": _bool("WUYE_WATCHER", None),
        "WUYE_WATCHER_INTERVAL": _float("WUYE_WATCHER_INTERVAL", 5),
        "WUYE_WATCHER_MAX_LAG": _float("WUYE_WATCHER_MAX_LAG", 60),
        # the technician's phone: a cached job page is not shown offline once older than this many
        # days; a step that failed (no answer, 5xx) is tried again after this many seconds, doubling
        # each time up to five minutes
        "WUYE_OFFLINE_DAYS": _float("WUYE_OFFLINE_DAYS", 3),
        "WUYE_OFFLINE_RETRY_SECONDS": _float("WUYE_OFFLINE_RETRY_SECONDS", 5),
        # brotli/gzip for HTML, CSS and JS from the app itself; 0 when the proxy in front compresses
        "WUYE_COMPRESS": _bool("WUYE_COMPRESS", True),
        # logs as one JSON object a line, with the request id (wuye/serving.py)
        "WUYE_LOG_JSON": _bool("WUYE_LOG_JSON", False),
    }
