/* wuye technician service worker — version {{ version }}.
   Navigations under /tech/: network first, the cache when there is no signal.
   Static assets: cache first. POSTs are never touched: the page's outbox replays them. */
"use strict";
const VERSION = "{{ version }}";
const ASSETS_CACHE = "wuye-assets-" + VERSION;
const PAGES_CACHE = "wuye-pages";
const ASSETS = {{ assets|tojson }};
const HOME = "{{ home }}";
// a cached page older than this is not shown offline (WUYE_OFFLINE_DAYS): the customer's name,
// phone and address do not stay readable on a lost phone for good
const MAX_AGE_MS = {{ offline_days|tojson }} * 86400000;
const EXPIRED = {{ expired_message|tojson }};
const EXPIRED_LINK = {{ expired_link|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(ASSETS_CACHE).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("wuye-assets-") && k !== ASSETS_CACHE)
        .map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function pageKey(url) {
  const u = new URL(url);
  u.search = "";  // one cached copy per page, whatever query it was opened with
  return u.toString();
}

/* Jobs the phone was told are no longer this technician's (offline-guard.js): their pages are
   deleted, and a copy fetched before that moment (still on its way) is not stored afterwards. */
const FORGOTTEN = "wuye-forgotten";
function jobOf(url) {
  const m = /^\/tech\/jobs\/([^/]+)/.exec(new URL(url, self.location).pathname);
  return m ? decodeURIComponent(m[1]) : null;
}
async function forgotten() {
  const hit = await (await caches.open(FORGOTTEN)).match("/forgotten");
  return hit ? hit.json() : {};
}
async function saveForgotten(list) {
  await (await caches.open(FORGOTTEN)).put("/forgotten", new Response(JSON.stringify(list)));
}
async function forgetJobs(numbers) {
  const list = await forgotten(), at = Date.now();
  numbers.forEach((n) => { list[n] = at; });
  await saveForgotten(list);
  const cache = await caches.open(PAGES_CACHE);
  for (const req of await cache.keys()) {
    if (list[jobOf(req.url)]) await cache.delete(req);
  }
}

async function cachePage(request, response, startedAt = Date.now()) {
  const job = jobOf(request.url);
  if (job && response.ok) {
    const list = await forgotten();
    if (list[job] && startedAt <= list[job]) return response;  // fetched before it was forgotten
    if (list[job]) { delete list[job]; await saveForgotten(list); }  // opened again since: mine again
  }
  if (response.ok && !response.redirected && response.type === "basic") {
    const cache = await caches.open(PAGES_CACHE);
    const headers = new Headers(response.headers);
    headers.set("X-Wuye-Cached-At", String(Date.now()));
    const copy = new Response(await response.clone().blob(), { status: response.status, headers });
    await cache.put(pageKey(request.url), copy);
  }
  return response;
}

async function fresh(cache, key) {
  const hit = await cache.match(key);
  if (!hit) return null;
  if (Date.now() - parseInt(hit.headers.get("X-Wuye-Cached-At") || "0", 10) <= MAX_AGE_MS) return hit;
  await cache.delete(key);
  return "expired";
}

function expiredPage() {
  const esc = (t) => t.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const body = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${esc(EXPIRED_LINK)}</title><link rel="stylesheet" href="/static/css/app.css"><body class="phone"><main>` +
    `<p class="alert alert-info" role="alert">${esc(EXPIRED)}</p><p><a class="button" href="${HOME}">${esc(EXPIRED_LINK)}</a></p></main>`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function networkFirst(request) {
  try {
    const startedAt = Date.now();
    return await cachePage(request, await fetch(request), startedAt);
  } catch (err) {
    const cache = await caches.open(PAGES_CACHE);
    // this page, else my jobs; never a copy past its age
    const page = (await fresh(cache, pageKey(request.url))) || (await fresh(cache, new URL(HOME, self.location).toString()));
    if (page === "expired") return expiredPage();
    return page || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

async function cacheFirst(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) (await caches.open(ASSETS_CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/tech/")) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/tech/jobs/") && /\/(signatures|photos)\//.test(url.pathname)) {
    // the job's signatures and photo thumbnails, kept with its pages (and forgotten with them)
    event.respondWith(networkFirst(request));
  }
});

/* The jobs the cached list of my jobs links to that have no copy yet: a technician who opens a job
   straight from the list (before the list's page asked for its jobs) still has the others offline. */
async function missingFromHome() {
  const cache = await caches.open(PAGES_CACHE);
  const home = await cache.match(new URL(HOME, self.location).toString());
  if (!home) return [];
  const urls = [];
  for (const m of (await home.text()).matchAll(/href="(\/tech\/jobs\/[^"/?#]+)"/g)) {
    if (!urls.includes(m[1]) && !(await cache.match(pageKey(new URL(m[1], self.location).toString())))) urls.push(m[1]);
  }
  return urls;
}

// The page asks for its jobs to be kept for offline use, and for them to be forgotten at logout.
self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type === "cache-pages") {
    event.waitUntil((async () => {
      const urls = msg.urls || [];
      if (msg.missingFromHome) {
        for (const url of await missingFromHome()) if (!urls.includes(url)) urls.push(url);
      }
      for (const url of urls) {
        const startedAt = Date.now();
        try { await cachePage(new Request(url), await fetch(url, { credentials: "same-origin" }), startedAt); } catch (e) { /* next time */ }
      }
    })());
  } else if (msg.type === "forget-jobs") {
    event.waitUntil(forgetJobs(msg.numbers || []));
  } else if (msg.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});

// Web Push (services/delivery/push.py): show the notice; a tap opens the job.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: event.data ? event.data.text() : "" }; }
  event.waitUntil(self.registration.showNotification(data.title || "", {
    body: data.body || "", tag: data.tag || undefined, data: { url: data.url || "/tech/" },
    requireInteraction: !!data.urgent, icon: "/static/icons/tech-192.png",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/tech/", self.location.origin).href;
  event.waitUntil((async () => {
    for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
      if (client.url === url && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(url);
  })());
});
