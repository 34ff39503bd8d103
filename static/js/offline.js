/* The technician's outbox: every step is stored on the phone first (IndexedDB), shown at once,
   and sent to the server in order, exactly once, whenever there is signal. */
(function () {
  "use strict";
  var strip = document.getElementById("sync");
  if (!strip) return;
  var msg = strip.dataset;
  // the job page's own moves (offline-page.js, loaded by job pages only)
  var page = window.wuyePage || { el: null, bind: function () {}, apply: function () {}, applied: function () { return {}; } };
  var jobEl = page.el;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(msg.sw, { scope: "/tech/" }).catch(function () { /* pages still work online */ });
  }

  /* ---- IndexedDB: "outbox" (ordered by seq), "attention" (refused by the server), and "sent":
     steps the server has taken but the cached copy of their page may not show yet (the signal can
     go between the answer and the next copy). A page lists the keys it already includes
     (data-applied); the phone applies the others on top, so a reload rebuilds the same state. ---- */
  var me = parseInt(msg.user || "0", 10);
  var RETRY_MS = Math.max(parseFloat(msg.retrySeconds || "5") * 1000, 50), RETRY_CAP_MS = 5 * 60 * 1000;
  var SHOW_AFTER = 3;  // failures before an item is shown under 需处理 with 重试
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open("wuye-tech", 2);
        req.onupgradeneeded = function () {
          var names = req.result.objectStoreNames;
          if (!names.contains("outbox")) req.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
          if (!names.contains("attention")) req.result.createObjectStore("attention", { keyPath: "id" });
          if (!names.contains("sent")) req.result.createObjectStore("sent", { keyPath: "seq" });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function run(store, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode), req = work(t.objectStore(store));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }
  function put(store, item) { return run(store, "readwrite", function (s) { return s.put(item); }); }
  function del(store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); }
  function clear(store) { return run(store, "readwrite", function (s) { return s.clear(); }); }
  // out of the outbox and into another store, in one transaction: never in both, never in neither
  function move(item, to) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(["outbox", to], "readwrite");
        t.objectStore(to).put(item);
        t.objectStore("outbox").delete(item.seq);
        t.oncomplete = function () { resolve(); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  // what is kept after the server's answer: no signatures or photos
  function bare(item, extra) {
    var kept = { seq: item.seq, id: item.id, url: item.url, action: item.action, number: item.number,
                 user: item.user, label: item.label, created: item.created, agreedFen: item.agreedFen,
                 fields: item.fields.filter(function (f) { return typeof f[1] === "string"; }) };
    Object.keys(extra || {}).forEach(function (k) { kept[k] = extra[k]; });
    return kept;
  }
  function mine(item) { return !item.user || item.user === me; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));  // also on plain-http intranets
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // ---- the CSRF token: read from the page, refreshed from the server when refused ----
  function token() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function refreshToken() {
    return fetch(msg.csrfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok || r.redirected) return "login";
        return r.json().then(function (data) {
          document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": data.token }));
          document.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = data.token; });
          return "ok";
        });
      })
      .catch(function () { return "network"; });
  }

  /* The page as the server rendered it, plus every step of this job it does not include yet:
     those the server took after this copy was made ("sent") and those still waiting (outbox). */
  function reapply() {
    if (!jobEl) return Promise.resolve();
    var applied = page.applied(), number = jobEl.dataset.number;
    return Promise.all([all("sent"), all("outbox")]).then(function (res) {
      var stale = res[0].filter(function (i) { return i.number === number && applied[i.id]; });
      var steps = res[0].concat(res[1]).filter(function (i) { return i.number === number && mine(i) && !applied[i.id]; });
      steps.sort(function (x, y) { return x.seq - y.seq; }).forEach(page.apply);
      return Promise.all(stale.map(function (i) { return del("sent", i.seq); }));
    });
  }

  // ---- the strip: offline banner, pending items, refused items ----
  function when(iso) {
    if (!iso) return msg.msgNever;
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  /* The strip never jumps the page under a finger: while the steps go through (each answered
     within SHOW_PENDING_MS, however many wait their turn behind it) nothing is listed, and once the
     banner or the list has appeared on a page it stays (saying "0" or "the signal is back") until
     the technician leaves the page. Only the signal going, a step that failed, or one the server
     has not answered for SHOW_PENDING_MS makes it grow. */
  var SHOW_PENDING_MS = 2000, shown = { banner: false, outbox: false }, showLater = null, sendingSince = 0;
  function render() {
    var banner = strip.querySelector(".offline-banner"), offline = !navigator.onLine;
    if (offline) shown.banner = true;
    banner.hidden = !shown.banner;
    banner.classList.toggle("back-online", !offline);
    banner.textContent = (offline ? msg.msgOffline : msg.msgBackOnline) + " " + msg.msgLastSync + ": " +
      when(localStorage.getItem("wuye.lastSync"));
    return Promise.all([all("outbox"), all("attention")]).then(function (res) {
      var items = res[0].filter(mine), refused = res[1].filter(mine), failing = items.filter(function (i) { return (i.tries || 0) >= SHOW_AFTER; });
      counts.pending = items.length;
      counts.attention = refused.length + failing.length;
      var box = strip.querySelector(".outbox"), list = box.querySelector("ul"), now = Date.now();
      var failed = items.some(function (i) { return i.tries || i.nextTry; });
      var unanswered = sendingSince > 0 && now - sendingSince >= SHOW_PENDING_MS;
      if (offline || failed || unanswered) shown.outbox = true;
      clearTimeout(showLater);
      if (!shown.outbox && sendingSince > 0) showLater = setTimeout(render, sendingSince + SHOW_PENDING_MS - now + 10);
      box.hidden = !shown.outbox;
      box.querySelector(".outbox-title").textContent = msg.msgPending + " (" + items.length + ")";
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.number + " · " + item.label + " · " + when(item.created);
        list.appendChild(li);
      });
      var att = strip.querySelector(".attention"), alist = att.querySelector("ul");
      att.hidden = counts.attention === 0;
      att.querySelector(".attention-title").textContent = msg.msgAttention;
      alist.innerHTML = "";
      // not answered yet: tried again by itself, or now with 重试; the later steps of its job wait
      function line(li, cls, text) {
        var el = document.createElement(cls === "what" ? "strong" : "span");
        el.className = cls; el.textContent = text;
        li.appendChild(el);
      }
      failing.forEach(function (item) {
        var li = document.createElement("li"), b = document.createElement("button");
        li.className = "failing";
        line(li, "what", item.number + " · " + item.label);
        line(li, "why", item.error || "");
        line(li, "tries", msg.msgTries.replace("%(num)s", item.tries));
        b.type = "button"; b.className = "retry"; b.textContent = msg.msgRetry;
        b.addEventListener("click", function () {
          item.nextTry = 0;
          put("outbox", item).then(render).then(replay);
        });
        li.appendChild(b);
        alist.appendChild(li);
      });
      refused.forEach(function (item) {
        var li = document.createElement("li"), b = document.createElement("button");
        li.className = "refused";
        li.textContent = item.number + " · " + item.label + ": " + item.message + " ";
        b.type = "button"; b.className = "link"; b.textContent = msg.msgDismiss;
        b.addEventListener("click", function () { del("attention", item.id).then(render); });
        li.appendChild(b);
        alist.appendChild(li);
      });
    });
  }

  // ---- every step goes through the outbox ----
  function labelOf(form, submitter) {
    var text = (submitter && submitter.textContent) || (form.querySelector("button[type=submit]") || {}).textContent || "";
    if (form.classList.contains("tick")) text = form.querySelector("button.check").textContent;
    return text.replace(/\s+/g, " ").trim();
  }

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (evt.defaultPrevented || !jobEl || !form.classList.contains("step")) return;
    evt.preventDefault();
    var submitter = evt.submitter || null;
    // a photo is stored once the phone has scaled it (job.js)
    Promise.resolve(window.wuyeJob ? window.wuyeJob.ready(form) : null).then(function () {
      var data = new FormData(form, submitter), fields = [];
      data.forEach(function (value, name) {
        if (name !== "csrf_token") fields.push([name, value]);
      });
      var url = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action");
      var item = {
        id: uuid(), url: url, action: url.split("/").pop(), number: jobEl.dataset.number, fields: fields,
        user: me, label: labelOf(form, submitter), created: new Date().toISOString()
      };
      if (item.action === "consent") item.agreedFen = page.agreedOf(form);
      delete form.dataset.signed;
      return put("outbox", item).then(function (seq) {
        item.seq = seq;
        page.apply(item);
        form.reset();  // what was typed now lives in the outbox
        if (window.wuyeJob) window.wuyeJob.clearPad(form);
        return render();
      });
    }).then(replay);
  });

  // ---- sending, in order within a job, one at a time ----
  function messageOf(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = doc.querySelector("main .alert-error") || doc.querySelector(".alert-error");
    return found ? found.textContent.trim() : "";
  }

  function send(item, retried) {
    var body = new FormData();
    item.fields.forEach(function (f) { body.append(f[0], f[1]); });
    sendingSince = Date.now();
    clearTimeout(showLater);  // an answer that takes too long shows the list
    showLater = setTimeout(render, SHOW_PENDING_MS + 10);
    return fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Idempotency-Key": item.id, "X-CSRFToken": token(), "HX-Request": "true" }
    }).then(function (res) {
      sendingSince = 0;
      if (res.status >= 200 && res.status < 300) return { ok: true };
      if (res.status === 401) return { login: true };
      if (res.status === 400 && !retried) {
        return refreshToken().then(function (r) {
          if (r === "ok") return send(item, true);
          return r === "login" ? { login: true } : { later: true, failed: true, network: true, message: msg.msgNoAnswer };
        });
      }
      // a 5xx is a failure (counted); "still being processed" (409 + Retry-After) is only a wait
      var wait = parseFloat(res.headers.get("Retry-After") || ""), failed = res.status >= 500;
      if (failed || !isNaN(wait)) {
        return res.text().catch(function () { return ""; }).then(function (html) {
          return { later: true, failed: failed, wait: isNaN(wait) ? null : wait * 1000,
                   message: messageOf(html) || String(res.status) };
        });
      }
      return res.text().then(function (html) { return { refused: true, message: messageOf(html) || String(res.status) }; });
    }, function () {
      sendingSince = 0;
      return { later: true, failed: true, network: true, message: msg.msgNoAnswer };
    });
  }

  // 5 s, 10 s, 20 s … at most 5 minutes; a little jitter so phones do not all come back at once
  function backoff(tries) {
    return Math.min(RETRY_CAP_MS, RETRY_MS * Math.pow(2, Math.max(tries - 1, 0))) * (0.9 + Math.random() * 0.2);
  }

  var replaying = false, rerun = false, again = null, loginSeen = false;
  var counts = { pending: -1, attention: -1, done: 0 };  // as last shown; done: answered since load
  function replay() {
    if (replaying) rerun = true;  // a step taken during a pass is sent right after it
    if (replaying || !navigator.onLine) return Promise.resolve();
    replaying = true;
    strip.classList.add("syncing");
    var sent = 0, refused = 0, stop = false, waiting = {}, soonest = null;
    function later(at) { if (soonest === null || at < soonest) soonest = at; }
    function one(item) {
      // a step waits while an earlier step of its job waits; other jobs go on
      if (stop || !mine(item) || waiting[item.number]) return Promise.resolve();
      if (item.nextTry && item.nextTry > Date.now()) {
        waiting[item.number] = true;
        later(item.nextTry);
        return Promise.resolve();
      }
      return send(item).then(function (r) {
        if (r.ok) {
          sent++;
          counts.done++;
          localStorage.setItem("wuye.lastSync", new Date().toISOString());
          return move(bare(item, { sentAt: Date.now() }), "sent");
        }
        if (r.refused) {
          sent++;
          refused++;
          counts.done++;
          item.message = r.message;  // kept whole: not every refusal is kept by the server
          return move(item, "attention");
        }
        if (r.later) {
          waiting[item.number] = true;
          if (r.failed) item.tries = (item.tries || 0) + 1;
          item.nextTry = Date.now() + (typeof r.wait === "number" ? r.wait : backoff(item.tries));
          item.error = r.message;
          later(item.nextTry);
          if (r.network) stop = true;  // no answer at all: the others would not get one either
          return put("outbox", item);
        }
        stop = true;  // r.login: the session has ended
        if (!loginSeen) {
          loginSeen = true;
          if (window.wuyeGuard) window.wuyeGuard.sessionLost();
          else alert(msg.msgLogin);
        }
      });
    }
    var chain = all("outbox").then(function (items) {
      return items.reduce(function (p, item) { return p.then(function () { return one(item); }); }, Promise.resolve());
    });
    return chain.catch(function () { /* storage trouble: try again later */ }).then(function () {
      replaying = false;
      strip.classList.remove("syncing");
      clearTimeout(again);
      if (rerun) { rerun = false; again = setTimeout(replay, 0); }
      else if (soonest !== null) again = setTimeout(replay, Math.max(soonest - Date.now(), 50));
      return render();
    }).then(function () {
      if (sent && navigator.onLine) return refreshJob();
    }).then(function () {
      if (navigator.onLine && !stop && window.wuyeGuard) return window.wuyeGuard.check(refused > 0);
    });
  }

  /* After a sync, show what the server now knows — unless the technician is mid-way through
     something (typing, a signature) that swapping the page would wipe. No navigation, so no tap
     is lost; steps taken meanwhile are applied again on top. */
  var pressedAt = 0, afterPress = null;  // a press whose release never came counts for 5 s at most
  document.addEventListener("pointerdown", function () { pressedAt = Date.now(); }, true);
  ["pointerup", "pointercancel"].forEach(function (name) {
    document.addEventListener(name, function () { pressedAt = 0; }, true);
  });
  function pressed() { return pressedAt > 0 && Date.now() - pressedAt < 5000; }
  function refreshJob() {
    if (!jobEl) return Promise.resolve();
    if (pressed()) {
      /* a finger (or the mouse) is down on the page: the button under it must still be there when
         it lifts, or the tap is lost. Asked again shortly after it lifts; the tap's own step, if
         any, makes that copy stale and its replay refreshes instead. */
      if (!afterPress) {
        afterPress = function () {
          document.removeEventListener("pointerup", afterPress, true);
          document.removeEventListener("pointercancel", afterPress, true);
          afterPress = null;
          setTimeout(function () { if (!replaying) refreshJob(); }, 300);
        };
        document.addEventListener("pointerup", afterPress, true);
        document.addEventListener("pointercancel", afterPress, true);
      }
      return Promise.resolve();
    }
    var asked = counts.done;  // a step answered while the copy was on its way makes the copy stale
    return fetch(location.pathname, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok || res.redirected) return null;
      return res.text().then(function (html) {
        return keepCopy(res, html).catch(function () { /* no cache here: nothing to reload from */ })
          .then(function () { return html; });
      });
    }).then(function (html) {
      if (!html || replaying || counts.done !== asked) return;  // the next replay's end refreshes
      if (window.wuyeJob && window.wuyeJob.busy(jobEl)) return;
      if (pressed()) return refreshJob();  // pressed while the copy was on its way: after the tap
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("job");
      if (!fresh) return;
      var adopted = document.importNode(fresh, true);
      // what the technician opened stays open
      jobEl.querySelectorAll("details[id][open]").forEach(function (d) {
        var twin = adopted.querySelector("#" + d.id);
        if (twin) twin.open = true;
      });
      jobEl.replaceWith(adopted);
      jobEl = adopted;
      page.bind(jobEl);
      if (window.wuyeJob) window.wuyeJob.init(jobEl);
      cacheJobs();
      return reapply();
    }).catch(function () { /* keep the page as it is */ });
  }

  /* The copy just fetched becomes the phone's copy before any step it includes leaves the "sent"
     store: whatever happens to the signal next, a reload shows at least this much. */
  function keepCopy(res, html) {
    if (!window.caches) return Promise.reject(new Error("no cache"));
    var headers = new Headers(res.headers);
    headers.set("X-Wuye-Cached-At", String(Date.now()));
    return caches.open("wuye-pages").then(function (c) {
      return c.put(new URL(location.pathname, location.href).toString(), new Response(html, { status: 200, headers: headers }));
    });
  }

  // ---- sign out: warn while work is pending; after a full sync, forget the cached jobs ----
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!/\/logout$/.test(form.getAttribute("action") || "") || form.dataset.checked === "yes") return;
    evt.preventDefault();
    all("outbox").then(function (items) {
      if (items.length) {
        if (!window.confirm(msg.msgLogoutPending)) return;
        form.dataset.checked = "yes";
        form.submit();
        return;
      }
      var forget = [clear("attention"), clear("sent")];
      if (window.caches) forget.push(caches.delete("wuye-pages"));
      Promise.all(forget).catch(function () {}).then(function () { form.dataset.checked = "yes"; form.submit(); });
    });
  }, true);

  // ---- keep this technician's jobs on the phone while there is signal ----
  function cacheJobs() {
    if (!navigator.onLine || !("serviceWorker" in navigator)) return;
    var urls = [location.pathname];
    document.querySelectorAll("a[href^='/tech/jobs/']").forEach(function (a) { urls.push(a.getAttribute("href")); });
    navigator.serviceWorker.ready.then(function (reg) {
      // and the jobs of the cached list that have no copy yet (opened straight from the list)
      if (reg.active) reg.active.postMessage({ type: "cache-pages", urls: urls, missingFromHome: true });
    });
  }

  window.addEventListener("online", function () { render(); replay(); });
  window.addEventListener("offline", render);
  setInterval(replay, 20000);

  // on load: re-apply what this copy of the page does not show yet, then try to send what waits
  reapply().then(render).then(replay).then(cacheJobs);
  window.wuyeOutbox = {
    replay: replay, all: all, put: put, del: del, clear: clear, render: render, me: me, bare: bare,
    cacheJobs: cacheJobs, refresh: refreshJob,
    get pending() { return counts.pending; },
    get attention() { return counts.attention; },
    get done() { return counts.done; },
    get replaying() { return replaying; }
  };
})();
