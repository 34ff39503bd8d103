"""Outside channels. A channel names the address a user has on it, and sends one message there.

`send` answers the gateway's message id, or raises Retry (network error, timeout, a code the
gateway documents as temporary) or Permanent (bad number, unsubscribed, unknown user): the worker
backs off after the first and stops at once after the second. A channel is on only when the
environment configures it.
"""
from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field

log = logging.getLogger("wuye.delivery")


class Retry(Exception):
    """Worth trying again later."""


class Permanent(Exception):
    """Trying again will not help."""


class Later(Exception):
    """The gateway's own limit is reached (a daily cap, messages per minute): send at `until`,
    without counting it as an attempt — held, never dropped."""

    def __init__(self, until, reason: str = ""):
        super().__init__(reason or f"held until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class Message:
    """What a channel sends: already rendered in the recipient's language."""

    kind: str
    text: str
    url: str  # absolute when WUYE_PUBLIC_URL is set
    number: str = ""
    unit: str = ""
    due: str = ""
    urgent: bool = False
    urgent_word: str = ""  # "紧急" in the recipient's language, for a channel that marks urgency in text
    template_kind: str = ""  # the kind the defaults and SMS templates know it by (an emergency dispatch is its own)
    variables: dict = field(default_factory=dict, hash=False, compare=False)  # a resident SMS's template variables


class Channel:
    name = ""

    def __init__(self, config: dict):
        self.config = config

    @classmethod
    def configured(cls, config: dict) -> bool:
        return False

    def address(self, user) -> str | None:
        raise NotImplementedError

    def wants(self, kind: str) -> bool:
        """Whether this channel carries that kind at all (SMS: only kinds with a template)."""
        return True

    def hold_until(self, address: str, at, tz: str | None = None):
        """The gateway's own limit for this address: None to send now, else when to try."""
        return None

    def send(self, address: str, message: Message) -> str:
        raise NotImplementedError


class LogChannel(Channel):
    """Writes each message to the log: on when WUYE_NOTIFIERS names `log`."""

    name = "log"

    @classmethod
    def configured(cls, config: dict) -> bool:
        return "log" in [n.strip() for n in config.get("WUYE_NOTIFIERS", [])]

    def address(self, user) -> str | None:
        return user.username

    def send(self, address: str, message: Message) -> str:
        log.info("notify user=%s kind=%s text=%s link=%s", address, message.kind, message.text, message.url)
        return ""


def http_json(method: str, url: str, body: dict | None = None, timeout: float = 10,
              headers: dict | None = None) -> tuple[int, dict]:
    """One HTTP call with a JSON answer. Network errors, timeouts and 5xx/429 raise Retry."""
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as e:
        raise Retry(f"network: {e}") from e
    if status == 429 or status >= 500:
        raise Retry(f"HTTP {status}")
    try:
        return status, json.loads(raw or b"{}")
    except ValueError:
        raise Retry(f"HTTP {status}: not JSON") from None
