"""企业微信 (WeCom) application messages: gettoken, then message/send to the user's WeCom id.

Environment: WUYE_WECOM_CORP_ID, WUYE_WECOM_SECRET, WUYE_WECOM_AGENT_ID (all three turn it on);
WUYE_WECOM_API (default https://qyapi.weixin.qq.com, overridable for a proxy or a test server);
WUYE_WECOM_MSGTYPE text (default, readable in WeChat too) or markdown (WeCom client only).
The access token (7200 s) is kept per process and fetched again when the API says it expired.
"""
from __future__ import annotations

import threading
import time
import urllib.parse

from .channels import Channel, Message, Permanent, Retry, http_json

# the codes WeCom documents as temporary; any other non-zero code is a refusal
RETRYABLE = {-1, 45009, 45033, 45047, 42009}
TOKEN_EXPIRED = {40001, 40014, 42001}

_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
_lock = threading.Lock()


class WeComChannel(Channel):
    name = "wecom"

    @classmethod
    def configured(cls, config: dict) -> bool:
        return all(config.get(k) for k in ("WUYE_WECOM_CORP_ID", "WUYE_WECOM_SECRET", "WUYE_WECOM_AGENT_ID"))

    @property
    def api(self) -> str:
        return (self.config.get("WUYE_WECOM_API") or "https://qyapi.weixin.qq.com").rstrip("/")

    def address(self, user) -> str | None:
        return user.wecom_userid or None

    def _token(self, fresh: bool = False) -> str:
        key = (self.api, self.config["WUYE_WECOM_CORP_ID"], self.config["WUYE_WECOM_SECRET"])
        with _lock:
            cached = _tokens.get(key)
            if cached and not fresh and cached[1] > time.monotonic():
                return cached[0]
            query = urllib.parse.urlencode({"corpid": key[1], "corpsecret": key[2]})
            _, answer = http_json("GET", f"{self.api}/cgi-bin/gettoken?{query}", timeout=self._timeout)
            code = answer.get("errcode", 0)
            if code != 0:
                raise (Retry if code in RETRYABLE else Permanent)(f"gettoken {code}: {answer.get('errmsg', '')}")
            token = answer["access_token"]
            # a minute early, so a token never expires between our check and WeCom's
            _tokens[key] = (token, time.monotonic() + int(answer.get("expires_in", 7200)) - 60)
            return token

    @property
    def _timeout(self) -> float:
        return float(self.config.get("WUYE_DELIVERY_TIMEOUT", 10))

    def body(self, address: str, message: Message) -> dict:
        return {**self._body(address, message), "enable_duplicate_check": 1,
                "duplicate_check_interval": int(self.config.get("WUYE_WECOM_DUPLICATE_CHECK", 1800))}

    def _body(self, address: str, message: Message) -> dict:
        # WeCom drops the same text to the same user within duplicate_check_interval: a retry after
        # a timeout (or after a worker died) that WeCom had in fact taken is not shown twice
        agent = int(self.config["WUYE_WECOM_AGENT_ID"])
        if self.config.get("WUYE_WECOM_MSGTYPE") == "markdown":
            content = message.text.replace("\n", "\n> ", 1) if "\n" in message.text else message.text
            if message.url:
                content += f"\n[{message.url}]({message.url})"
            return {"touser": address, "msgtype": "markdown", "agentid": agent, "markdown": {"content": content}}
        content = message.text + (f"\n{message.url}" if message.url else "")
        return {"touser": address, "msgtype": "text", "agentid": agent, "text": {"content": content}}

    def send(self, address: str, message: Message) -> str:
        body = self.body(address, message)
        for fresh in (False, True):
            token = self._token(fresh)
            _, answer = http_json("POST", f"{self.api}/cgi-bin/message/send?access_token={urllib.parse.quote(token)}",
                                  body, timeout=self._timeout)
            code = answer.get("errcode", 0)
            if code in TOKEN_EXPIRED and not fresh:
                continue
            if code in RETRYABLE:
                raise Retry(f"WeCom {code}: {answer.get('errmsg', '')}")
            if code != 0:
                raise Permanent(f"WeCom {code}: {answer.get('errmsg', '')}")
            if address in (answer.get("invaliduser") or "").split("|"):
                raise Permanent(f"WeCom: invalid user {address}")
            return str(answer.get("msgid", ""))
        raise Retry("WeCom: access token refused twice")
