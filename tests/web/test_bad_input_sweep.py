"""Bad input never gets a 500: every form a user can reach in the demo, as each role, is sent with
its fields empty, with garbage (text far too long, impossible dates and numbers, ids that do not
exist), with the wrong kinds of value, with a NUL character, with numbers that are not numbers
(NaN, Infinity, 1e12, -0, thirty nines) and with text sent as GBK bytes instead of UTF-8 — by a
crawler that finds the forms the way a user does, by following the links of each page — residents
too, from their private link. Every page it reached is opened again with the numbers of its path
and query made huge. Each answer must be below 500."""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.fixtures.web import Browser

DEMO_PASSWORD = "wuye-demo-2026"
USERS = ["clerk", "tech1", "housing", "depthead", "supervisor", "manager", "staff", "admin"]
MAX_PAGES = 80  # per role, after folding /repairs/BX-… and the like into one pattern
SKIP_POSTS = {"/logout"}  # it ends the crawl's own session


@dataclass
class Form:
    action: str
    method: str = "post"
    fields: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)  # name → (kind, value, options)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._outside: list[tuple[str, dict]] = []  # fields tied to a form by form="id"
        self._ids: dict[str, Form] = {}

    def _add(self, attrs: dict, kind: str, value: str, options=None):
        name = attrs.get("name")
        if not name or name.endswith("csrf_token"):  # the page's own token (a prefixed form has its own)
            return
        target = self._ids.get(attrs["form"]) if attrs.get("form") else self._form
        if target is None and attrs.get("form"):
            self._outside.append((attrs["form"], {"name": name, "kind": kind, "value": value}))
        elif target is not None:
            target.fields[name] = (kind, value, options or [])

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(a.get("action") or "", a.get("method", "get").lower())
            self.forms.append(self._form)
            if a.get("id"):
                self._ids[a["id"]] = self._form
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and a.get("name") in (self._form.fields if self._form else {}):
                self._form.fields[a["name"]][2].append(a.get("value", "on"))
                return
            self._add(a, kind, a.get("value", ""), [a.get("value", "on")] if kind in ("checkbox", "radio") else None)
        elif tag == "textarea":
            self._add(a, "textarea", "")
        elif tag == "select":
            self._select = a.get("name")
            self._add(a, "select", "", [])
        elif tag == "option" and self._select and self._form and self._select in self._form.fields:
            self._form.fields[self._select][2].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def close(self):
        super().close()
        for form_id, f in self._outside:
            if form_id in self._ids:
                self._ids[form_id].fields[f["name"]] = (f["kind"], f["value"], [])


def pattern(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"[0-9]+", "N", parts.path) + ("?" + "&".join(sorted(k.split("=")[0] for k in parts.query.split("&")))
                                              if parts.query else "")


GARBAGE = {
    "text": "长" * 5000, "textarea": "长" * 20000, "number": "-1e309", "date": "2026-02-30",
    "datetime-local": "2026-13-45T25:61", "time": "25:99", "tel": "１３８-abc-", "hidden": "-1",
    "select": "999999999", "checkbox": "☃", "radio": "nonsense", "file": None, "password": "x" * 5000,
    "search": "%_'\"--", "email": "@", "url": "javascript:alert(1)",
}
WRONG_KIND = {"number": "abc", "date": "yesterday", "datetime-local": "now", "select": "abc", "hidden": "abc",
              "text": "   ", "textarea": "   ", "tel": "12", "radio": "", "checkbox": "", "file": None}
FILE = object()  # a file field: a fresh upload that is no image, made for each post
NUL = {"text": "王\x00"}  # every field: PostgreSQL cannot even compare a text holding one
# numbers that are not numbers (Decimal and float take the first three as numbers; none of them fits
# a column), each in every field that takes a number — a price, a quantity, an amount, an id in a
# select or a hidden field — while the form's other fields hold what a person would type, so that the
# number gets past the form's other checks to whatever reads it
NOT_NUMBERS = {"NaN": "NaN", "Infinity": "Infinity", "1e12": "1e12", "-0": "-0", "huge": "9" * 30}
NUMERIC_NAME = re.compile(r"(qty|price|amount|received|hours|minutes|percent|_id$|^unit$|before|score)")
GBK = "王先生，１２０元".encode("gbk")  # what an old client or a script on Chinese Windows would send
REFUSED_AT_THE_DOOR = {"nul", "gbk"}  # a 400 before any view runs; nothing else is a 400


def takes_a_number(name: str, kind: str, value: str, options: list[str]) -> bool:
    if kind == "number" or NUMERIC_NAME.search(name.split("-", 1)[-1]):
        return True
    chosen = [o for o in options if o] or ([value] if value else [])
    return kind in ("select", "radio", "hidden") and bool(chosen) and all(o.isdigit() for o in chosen)


def plausible(kind: str, value: str, options: list[str]):
    """What a person would leave in a field: its value, the first real choice, some digits of text."""
    if kind == "file":
        return FILE
    if kind in ("select", "radio", "checkbox"):
        return value or next((o for o in options if o), "")
    if kind in ("text", "textarea", "tel", "search"):
        return value or "13812345678"  # a name, a description, a receipt number and a phone alike
    return value or ("1" if kind == "number" else "")


def bodies(form: Form):
    """Empty fields; garbage in every field; the wrong kind of value; a NUL character; GBK bytes in
    every field; each number that is not one in the fields that take numbers."""
    yield "empty", {name: "" for name in form.fields}
    tables = [("garbage", GARBAGE), ("wrong kind", WRONG_KIND), ("nul", NUL), ("gbk", {"text": GBK})]
    for label, table in tables:
        data = {}
        for name, (kind, value, _options) in form.fields.items():
            bad = table.get(kind, table.get("text"))
            if kind == "file":
                data[name] = FILE
            else:
                data[name] = bad if bad is not None else value
        yield label, data
    numeric = [name for name, f in form.fields.items() if takes_a_number(name, *f)]
    if numeric:
        for label, number in NOT_NUMBERS.items():
            data = {name: plausible(*f) for name, f in form.fields.items()}
            yield label, {**data, **dict.fromkeys(numeric, number)}


def huge_numbers(url: str) -> str:
    """The same page with every number of its path and query made far too large for any column."""
    return re.sub(r"(?<![A-Za-z])[0-9]+(?![A-Za-z])", "9" * 30, url)


def crawl(b: Browser, start: str, reached: list[str] | None = None):
    seen, queue, forms = set(), [start], {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        key = pattern(url)
        if key in seen:
            continue
        seen.add(key)
        r = b.get(url)
        assert r.status_code < 500, (url, r.status_code)
        if r.status_code in (301, 302, 303):
            queue.insert(0, r.headers["Location"])
            seen.discard(key)
            continue
        if r.mimetype != "text/html":
            continue
        if reached is not None:
            reached.append(url)
        page = Page()
        page.feed(r.get_data(as_text=True))
        page.close()
        for href in page.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or not parts.path.startswith("/") \
                    or parts.path.startswith(("/static", "/logout")):
                continue
            queue.append(parts.path + ("?" + parts.query if parts.query else ""))
        for form in page.forms:
            action = urljoin(url, form.action or url)
            path = urlsplit(action).path
            if path in SKIP_POSTS:
                continue
            if form.method == "get" and not form.fields:
                continue
            forms.setdefault((form.method, pattern(path), tuple(sorted(form.fields))), (path, form, url))
    return forms


def resident_links() -> dict[str, str]:
    """A fresh private link to a completed order (the 服务单) and to one still open (a time change)."""
    from sqlalchemy import select

    from wuye.extensions import db
    from wuye.models import RepairOrder, User
    from wuye.services import Actor
    from wuye.services.residents import link as links

    clerk = Actor(db.session.scalar(select(User).where(User.username == "clerk")), "10.0.0.9")
    out = {}
    for state in ("completed", "scheduled"):
        order = db.session.scalar(select(RepairOrder).where(RepairOrder.state == state).limit(1))
        assert order is not None, f"the demo has no {state} order"
        _link, token = links.issue_link(clerk, order)
        out[f"resident ({state})"] = f"/s/{token}"
    return out


def test_bad_input_in_any_form_gets_a_clear_4xx_never_a_500(app):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
        assert result.exit_code == 0, result.output
        residents = resident_links()
    failures, posted, answers, by_label = [], {}, Counter(), Counter()

    def send(call, what: str, *args, **kw):
        try:
            return call(*args, **kw).status_code
        except Exception as e:  # in testing the app raises what would be a 500: note it, go on
            failures.append(f"{what} → {type(e).__name__}: {e}"[:300])
            return 500

    for username in USERS + list(residents):
        b = Browser(app.test_client())
        reached: list[str] = []
        if username in residents:  # a resident on their private link: no account, the link is the key
            forms = crawl(b, residents[username], reached)
        else:
            assert b.login(username, DEMO_PASSWORD).status_code == 303
            forms = crawl(b, "/me", reached)
        posted[username] = len(forms)
        for path, form, page_url in forms.values():
            if form.method != "get":
                b.get(page_url)  # the page's token, as it would carry (a token has no time limit)
            for label, data in bodies(form):
                for htmx in ((False, True) if label in ("empty", "garbage") else (False,)):  # the fragment
                    # answer of a refusal is checked once; the other kinds fail the same way either way
                    what = f"{username}: {label} htmx={htmx} {form.method} {path}"
                    if form.method == "get":  # a filter or a search: the same garbage in the query
                        query = {k: v for k, v in data.items() if v is not FILE}
                        status = send(b.get, what, path, query_string=query,
                                      headers={"HX-Request": "true"} if htmx else {})
                    else:
                        if label == "gbk":  # raw bytes go urlencoded (the test client's multipart takes text)
                            upload = {k: v for k, v in data.items() if v is not FILE}
                            kind = "application/x-www-form-urlencoded"
                        else:
                            upload = {k: (io.BytesIO(b"GIF89a\x00not really" * 10), "x.png") if v is FILE else v
                                      for k, v in data.items()}
                            kind = "multipart/form-data"
                        status = send(b.post, what, path, upload, htmx=htmx, content_type=kind)
                    answers[status] += 1
                    by_label[label, status] += 1
                    # a form of nothing but a file field (an import) has no text to carry a NUL or GBK
                    refused_at_the_door = label in REFUSED_AT_THE_DOOR and any(
                        kind != "file" for kind, _v, _o in form.fields.values())
                    if status < 500 and refused_at_the_door != (status == 400):
                        failures.append(f"{what} → {status}")
        for url in dict.fromkeys(huge_numbers(u) for u in reached if huge_numbers(u) != u):
            status = send(b.get, f"{username}: huge numbers GET {url}", url)
            answers[status] += 1
            by_label["huge numbers in the URL", status] += 1
            if status == 400:
                failures.append(f"{username}: huge numbers GET {url} → 400")
    print("\nbad-input sweep, answers by case:", ", ".join(
        f"{label} {status}×{n}" for (label, status), n in sorted(by_label.items())))
    assert not failures, "\n".join(failures)  # NUL and GBK are refused at the door; nothing else is a 400
    # the crawl really reached each role's work and the forms' checks (a broken crawler, or a token
    # the posts lost, would pass with nothing): most bad posts are refused field by field with 422
    assert posted["clerk"] >= 10 and posted["tech1"] >= 10 and posted["supervisor"] >= 10, posted
    assert all(posted[u] >= 1 for u in posted), posted
    assert answers[422] > (sum(answers.values()) - answers[400]) / 2, sorted(answers.items())
