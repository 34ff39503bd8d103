// Web Push on the technician's phone: once notifications are allowed, subscribe this device and
// save the subscription (again after each login: the server binds it to whoever signed in last).
// A button with data-push-subscribe asks for the permission (browsers want a tap for that).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  const sync = document.getElementById("sync");
  if (!sync) return;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function keyBytes(b64) {
    const pad = "=".repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  async function subscribe() {
    const answer = await fetch("/tech/push/key", { credentials: "same-origin" });
    if (!answer.ok) return;
    const { publicKey } = await answer.json();
    const registration = await navigator.serviceWorker.ready;
    let sub = await registration.pushManager.getSubscription();
    if (!sub) {
      sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
    }
    await fetch("/tech/push/subscriptions", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(sub.toJSON()),
    });
  }

  if (Notification.permission === "granted") subscribe().catch(() => {});
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-push-subscribe]");
    if (!button) return;
    Notification.requestPermission().then((p) => { if (p === "granted") return subscribe(); }).catch(() => {});
  });
})();
