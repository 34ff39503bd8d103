/* A lost or reassigned phone forgets what is no longer this technician's.

   Whenever there is signal the phone asks the server which of the jobs it holds are still this
   technician's (/tech/offline/mine) and deletes every cached page (the job, its signatures, the
   customer's copy) and every stored step of the others, and every page older than the limit
   (WUYE_OFFLINE_DAYS). Steps still waiting are never deleted here: they are sent, and a refusal
   is kept at the desk. When no session works any more, the phone asks whether the account was
   disabled (/tech/offline/surrender, with the phone token the pages carry): if so, the waiting
   steps are handed to the desk as refused actions first, then everything is deleted. */
(function () {
  "use strict";
  var strip = document.getElementById("sync");
  if (!strip || !window.wuyeOutbox) return;
  var msg = strip.dataset, box = window.wuyeOutbox, DAY = 86400000;
  if (msg.phoneToken) localStorage.setItem("wuye.phone", JSON.stringify({ user: box.me, token: msg.phoneToken }));

  function jobOf(url) {
    var m = /^\/tech\/jobs\/([^/]+)/.exec(new URL(url, location.href).pathname);
    return m ? decodeURIComponent(m[1]) : null;
  }
  function pages() {
    if (!window.caches) return Promise.resolve({ cache: null, keys: [] });
    return caches.open("wuye-pages").then(function (c) {
      return c.keys().then(function (keys) { return { cache: c, keys: keys }; });
    });
  }
  function tooOld(response, days) {
    var at = parseInt((response && response.headers.get("X-Wuye-Cached-At")) || "0", 10);
    return Date.now() - at > days * DAY;
  }

  // at most once a minute across page loads, unless a refusal just came in
  function check(force) {
    var last = parseInt(localStorage.getItem("wuye.lastCheck") || "0", 10);
    if (!navigator.onLine || (!force && Math.abs(Date.now() - last) < 60000)) return Promise.resolve();
    localStorage.setItem("wuye.lastCheck", String(Date.now()));
    return Promise.all([pages(), box.all("sent"), box.all("outbox"), box.all("attention")]).then(function (held) {
      var numbers = {};
      held[0].keys.forEach(function (r) { var n = jobOf(r.url); if (n) numbers[n] = true; });
      held[1].concat(held[2], held[3]).forEach(function (i) { numbers[i.number] = true; });
      var asked = Object.keys(numbers).slice(0, 200);  // the rest: next time
      var query = asked.map(function (n) { return "n=" + encodeURIComponent(n); }).join("&");
      return fetch(msg.mineUrl + "?" + query, {
        credentials: "same-origin", headers: { "Accept": "application/json", "HX-Request": "true" }
      }).then(function (res) {
        if (res.status === 401 || res.redirected) return sessionLost();
        if (!res.ok) return null;
        return res.json().then(function (data) { return forget(held, data, asked); });
      });
    }).catch(function () { /* next time */ });
  }

  function tellWorker(message) {
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.ready.then(function (reg) { if (reg.active) reg.active.postMessage(message); });
  }

  function forget(held, data, asked) {
    var still = {}, gone = {}, cache = held[0].cache;
    data.mine.forEach(function (n) { still[n] = true; });
    function went(n) { return n && asked.indexOf(n) >= 0 && !still[n]; }  // not asked this time: next time
    var work = held[0].keys.map(function (req) {
      var n = jobOf(req.url);
      if (went(n)) { gone[n] = true; return cache.delete(req); }
      return cache.match(req).then(function (r) { if (tooOld(r, data.days)) return cache.delete(req); });
    });
    held[1].concat(held[2], held[3]).forEach(function (i) { if (went(i.number)) gone[i.number] = true; });
    // a copy the worker is still fetching must not come back after this
    if (Object.keys(gone).length) work.push(tellWorker({ type: "forget-jobs", numbers: Object.keys(gone) }));
    held[1].forEach(function (i) {
      if (went(i.number) || Date.now() - (i.sentAt || 0) > data.days * DAY) work.push(box.del("sent", i.seq));
    });
    // a refusal of a job that went stays listed, without what was typed, drawn or photographed
    held[3].forEach(function (i) {
      if (went(i.number) && !i.bare) work.push(box.put("attention", box.bare(i, { message: i.message, bare: true })));
    });
    return Promise.all(work).then(function () {
      // the cached list of my jobs named the jobs that went: they leave the copy at once, then a
      // fresh one is fetched (if the signal goes before it comes, my jobs still open offline)
      if (!Object.keys(gone).length || !cache) return null;
      return withoutJobs(cache, new URL(msg.homeUrl, location.href).toString(), gone).then(function () {
        return tellWorker({ type: "cache-pages", urls: [msg.homeUrl] });
      });
    });
  }

  // the cached copy of a page with the entries of these jobs taken out; deleted if it cannot be read
  function withoutJobs(cache, key, gone) {
    return cache.match(key).then(function (r) {
      if (!r) return null;
      return r.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        doc.querySelectorAll("a[href]").forEach(function (a) {
          if (gone[jobOf(a.getAttribute("href"))]) (a.closest("li") || a).remove();
        });
        var headers = new Headers(r.headers);  // X-Wuye-Cached-At: its age stays the copy's age
        headers.delete("Content-Length");
        return cache.put(key, new Response("<!doctype html>\n" + doc.documentElement.outerHTML,
                                           { status: r.status, headers: headers }));
      });
    }).catch(function () { return cache.delete(key); });
  }

  var handled = false;
  function sessionLost() {
    if (handled) return Promise.resolve();
    handled = true;
    var phone = null;
    try { phone = JSON.parse(localStorage.getItem("wuye.phone")); } catch (e) { phone = null; }
    return Promise.all([box.all("outbox"), box.all("attention")]).then(function (held) {
      var items = held[0];
      // what waits, and what was refused (the server may not have kept every refusal)
      var theirs = items.concat(held[1]).filter(function (i) { return phone && (!i.user || i.user === phone.user); });
      function askLogin() { if (items.length) alert(msg.msgLogin); }
      if (!phone) return askLogin();
      var body = { token: phone.token, items: theirs.slice(0, 200).map(function (i) {
        var at = i.fields.filter(function (f) { return /happened_at$/.test(f[0]); })[0];
        return { key: i.id, number: i.number, action: i.action, happened_at: (at && at[1]) || i.created };
      }) };
      return fetch(msg.surrenderUrl, {
        method: "POST", credentials: "omit", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "Accept": "application/json" }
      }).then(function (res) { return res.ok ? res.json() : null; }).then(function (data) {
        if (!data || data.state !== "disabled") return askLogin();
        return wipe(theirs, data.recorded || []);
      });
    }).catch(function () { handled = false; });
  }

  // the account is disabled: what the desk now holds leaves the outbox, everything else goes
  function wipe(items, recorded) {
    var kept = {};
    recorded.forEach(function (k) { kept[k] = true; });
    var work = items.filter(function (i) { return kept[i.id] && !i.message; }).map(function (i) { return box.del("outbox", i.seq); });
    work.push(box.clear("sent"), box.clear("attention"));
    if (window.caches) work.push(caches.delete("wuye-pages"), caches.delete("wuye-forgotten"));
    return Promise.all(work).then(function () {
      ["wuye.phone", "wuye.lastSync", "wuye.lastCheck"].forEach(function (k) { localStorage.removeItem(k); });
      document.querySelectorAll("main, #job").forEach(function (el) { el.innerHTML = ""; });
      alert(msg.msgDisabled);
      location.replace(msg.homeUrl);
    });
  }

  window.wuyeGuard = { check: check, sessionLost: sessionLost };
})();
