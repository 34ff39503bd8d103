/* The technician's outbox: every step is stored on the phone first (IndexedDB), shown at once,
   and sent to the server in order, exactly once, whenever there is signal. */
(function () {
  "use strict";
  var strip = document.getElementById("sync");
  if (!strip) return;
  var msg = strip.dataset;
  var jobEl = document.getElementById("job");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(msg.sw, { scope: "/tech/" }).catch(function () { /* pages still work online */ });
  }

  // ---- IndexedDB: "outbox" (ordered by seq) and "attention" (refused by the server) ----
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open("wuye-tech", 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
          req.result.createObjectStore("attention", { keyPath: "id" });
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

  // ---- the page moves on at once (the state machine comes from the server with the page) ----
  var transitions = jobEl ? JSON.parse(jobEl.dataset.transitions) : {};
  var labels = jobEl ? JSON.parse(jobEl.dataset.labels) : {};

  function setState(state) {
    jobEl.dataset.state = state;
    document.querySelectorAll("[data-states]").forEach(function (el) {
      el.hidden = el.dataset.states.split(" ").indexOf(state) < 0;
    });
    var tag = document.querySelector(".job-head .tag[class*='state-']");
    if (tag) { tag.className = "tag state-" + state; tag.textContent = labels[state] || state; }
    // the deadline badge was computed for the old state; the server's next copy brings the new one
    document.querySelectorAll(".job-head .deadline").forEach(function (b) { b.remove(); });
    if (window.wuyeJob) window.wuyeJob.resizePads();
  }

  function field(item, name) {
    for (var i = 0; i < item.fields.length; i++) { if (item.fields[i][0] === name) return item.fields[i][1]; }
    return null;
  }

  function setTick(name, on) {
    var form = document.querySelector("form.tick input[name='tick-item'][value='" + name + "']");
    if (!form) return;
    form = form.form;
    var button = form.querySelector("button.check");
    button.classList.toggle("on", on);
    button.setAttribute("aria-checked", on ? "true" : "false");
    button.querySelector(".box").textContent = on ? "✓" : "";
    var flag = form.querySelector("input[name='tick-checked']");
    if (on && flag) flag.remove();
    if (!on && !flag) {
      flag = document.createElement("input");
      flag.type = "hidden"; flag.name = "tick-checked"; flag.value = "y";
      form.appendChild(flag);
    }
    var ready = document.querySelectorAll("form.tick button.check:not(.on)").length === 0;
    var depart = document.querySelector("form.depart button");
    if (depart) depart.disabled = !ready;
    var hint = document.querySelector(".depart-hint");
    if (hint) hint.hidden = ready;
  }

  function pendingLine(list, text) {
    var li = document.createElement("li");
    li.className = "pending";
    li.textContent = text + " · " + jobEl.dataset.pendingLabel;
    list.appendChild(li);
    document.getElementById("notes-card").hidden = false;
  }

  function apply(item) {
    if (!jobEl || item.number !== jobEl.dataset.number) return;
    var a = item.action;
    if (a === "tick") {
      setTick(field(item, "tick-item"), field(item, "tick-checked") !== null);
    } else if (a === "note") {
      pendingLine(document.getElementById("notes"), field(item, "note-text"));
    } else if (a === "photo") {
      pendingLine(document.getElementById("notes"), item.label);
    } else if (a === "door") {
      var saved = document.querySelector("form[action$='/door'] button[type=submit]");
      if (saved) saved.textContent = saved.textContent.replace(/ ✓$/, "") + " ✓";
    } else if (transitions[a]) {
      if (a === "consent") {
        var fee = document.querySelector(".fee-total"), amount = document.querySelector("[name='pay-amount']");
        if (fee && amount) amount.value = fee.textContent.replace(/[^0-9.]/g, "");
      }
      if (a === "cannot_fix") {
        document.querySelectorAll("form.tick input[name='tick-item']").forEach(function (i) { setTick(i.value, false); });
      }
      setState(transitions[a]);
    }
  }

  // ---- the strip: offline banner, pending items, refused items ----
  function when(iso) {
    if (!iso) return msg.msgNever;
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function render() {
    var banner = strip.querySelector(".offline-banner");
    banner.hidden = navigator.onLine;
    banner.textContent = msg.msgOffline + " " + msg.msgLastSync + ": " + when(localStorage.getItem("wuye.lastSync"));
    return Promise.all([all("outbox"), all("attention")]).then(function (res) {
      counts.pending = res[0].length;
      counts.attention = res[1].length;
      var box = strip.querySelector(".outbox"), list = box.querySelector("ul");
      box.hidden = res[0].length === 0;
      box.querySelector(".outbox-title").textContent = msg.msgPending + " (" + res[0].length + ")";
      list.innerHTML = "";
      res[0].forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.number + " · " + item.label + " · " + when(item.created);
        list.appendChild(li);
      });
      var att = strip.querySelector(".attention"), alist = att.querySelector("ul");
      att.hidden = res[1].length === 0;
      att.querySelector(".attention-title").textContent = msg.msgAttention;
      alist.innerHTML = "";
      res[1].forEach(function (item) {
        var li = document.createElement("li"), b = document.createElement("button");
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
    var data = new FormData(form, submitter), fields = [];
    data.forEach(function (value, name) {
      if (name !== "csrf_token") fields.push([name, value]);
    });
    var url = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action");
    var item = {
      id: uuid(), url: url, action: url.split("/").pop(), number: jobEl.dataset.number, fields: fields,
      label: labelOf(form, submitter), created: new Date().toISOString()
    };
    delete form.dataset.signed;
    put("outbox", item).then(function () {
      apply(item);
      form.reset();  // what was typed now lives in the outbox
      if (window.wuyeJob) window.wuyeJob.clearPad(form);
      return render();
    }).then(replay);
  });

  // ---- sending, in order, one at a time ----
  function messageOf(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = doc.querySelector("main .alert-error") || doc.querySelector(".alert-error");
    return found ? found.textContent.trim() : "";
  }

  function send(item, retried) {
    var body = new FormData();
    item.fields.forEach(function (f) { body.append(f[0], f[1]); });
    return fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Idempotency-Key": item.id, "X-CSRFToken": token(), "HX-Request": "true" }
    }).then(function (res) {
      if (res.status >= 200 && res.status < 300) return { ok: true };
      if (res.status === 401) return { login: true };
      if (res.status === 400 && !retried) {
        return refreshToken().then(function (r) {
          if (r === "ok") return send(item, true);
          return r === "login" ? { login: true } : { later: true };
        });
      }
      if (res.status >= 500 || res.headers.get("Retry-After")) return { later: true };
      return res.text().then(function (html) { return { refused: true, message: messageOf(html) || String(res.status) }; });
    }, function () { return { later: true }; });
  }

  var replaying = false;
  var counts = { pending: -1, attention: -1, done: 0 };  // as last shown; done: answered since load
  function replay() {
    if (replaying || !navigator.onLine) return Promise.resolve();
    replaying = true;
    strip.classList.add("syncing");
    var sent = 0;
    function next() {
      return all("outbox").then(function (items) {
        if (!items.length) return null;
        var item = items[0];
        return send(item).then(function (r) {
          if (r.ok) {
            sent++;
            counts.done++;
            localStorage.setItem("wuye.lastSync", new Date().toISOString());
            return del("outbox", item.seq).then(next);
          }
          if (r.refused) {
            sent++;
            counts.done++;
            item.message = r.message;
            return put("attention", item).then(function () { return del("outbox", item.seq); }).then(next);
          }
          if (r.login) { alert(msg.msgLogin); }
          return null;
        });
      });
    }
    return next().catch(function () { /* storage trouble: try again later */ }).then(function () {
      replaying = false;
      strip.classList.remove("syncing");
      return render();
    }).then(function () {
      if (sent && navigator.onLine) return refreshJob();
    });
  }

  /* After a sync, show what the server now knows — unless the technician is mid-way through
     something (typing, a signature) that swapping the page would wipe. No navigation, so no tap
     is lost; steps taken meanwhile are applied again on top. */
  function refreshJob() {
    if (!jobEl) return Promise.resolve();
    var asked = counts.done;  // a step answered while the copy was on its way makes the copy stale
    return fetch(location.pathname, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok || res.redirected) return null;
      return res.text();
    }).then(function (html) {
      if (!html || replaying || counts.done !== asked) return;  // the next replay's end refreshes
      if (window.wuyeJob && window.wuyeJob.busy(jobEl)) return;
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
      transitions = JSON.parse(jobEl.dataset.transitions);
      labels = JSON.parse(jobEl.dataset.labels);
      if (window.wuyeJob) window.wuyeJob.init(jobEl);
      cacheJobs();
      return all("outbox").then(function (items) { items.forEach(apply); });
    }).catch(function () { /* keep the page as it is */ });
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
      var forget = [clear("attention")];
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
      if (reg.active) reg.active.postMessage({ type: "cache-pages", urls: urls });
    });
  }

  window.addEventListener("online", function () { render(); replay(); });
  window.addEventListener("offline", render);
  setInterval(replay, 20000);

  // on load: re-apply what is still pending for this job, then try to send it
  all("outbox").then(function (items) { items.forEach(apply); }).then(render).then(replay).then(cacheJobs);
  window.wuyeOutbox = {
    replay: replay, all: all, put: put, render: render,
    get pending() { return counts.pending; },
    get attention() { return counts.attention; },
    get done() { return counts.done; },
    get replaying() { return replaying; }
  };
})();
