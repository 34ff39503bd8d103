/* wuye technician service worker — version {{ version }}.
   Navigations under /tech/: network first, the cache when there is no signal.
   Static assets: cache first. POSTs are never touched: the page's outbox replays them. */
"use strict";
const VERSION = "{{ version }}";
const ASSETS_CACHE = "wuye-assets-" + VERSION;
const PAGES_CACHE = "wuye-pages";
const ASSETS = {{ assets|tojson }};
const HOME = "{{ home }}";

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

async function cachePage(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const cache = await caches.open(PAGES_CACHE);
    await cache.put(pageKey(request.url), response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    return await cachePage(request, await fetch(request));
  } catch (err) {
    const cache = await caches.open(PAGES_CACHE);
    return (await cache.match(pageKey(request.url))) || (await cache.match(new URL(HOME, self.location).toString()))
      || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
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
  } else if (url.pathname.startsWith("/tech/jobs/") && url.pathname.includes("/signatures/")) {
    event.respondWith(networkFirst(request));
  }
});

// The page asks for its jobs to be kept for offline use, and for them to be forgotten at logout.
self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type === "cache-pages") {
    event.waitUntil((async () => {
      for (const url of msg.urls || []) {
        try { await cachePage(new Request(url), await fetch(url, { credentials: "same-origin" })); } catch (e) { /* next time */ }
      }
    })());
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
