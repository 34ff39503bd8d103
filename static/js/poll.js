/* The technician's pages keep two parts fresh without htmx (52 KB the phone would load for this):
   an element with hx-get and hx-trigger "every Ns" (my jobs, the notices badge) asks its URL again
   every N seconds, when the signal comes back and when the page is shown again, and its content is
   replaced only when the server's answer differs. No signal, or an error: it stays as it is. */
(function () {
  "use strict";
  function poll(el) {
    var url = el.getAttribute("hx-get");
    if (!navigator.onLine || document.hidden || !document.contains(el)) return;
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true", "HX-Target": el.id || "" } })
      .then(function (res) { return res.ok && !res.redirected ? res.text() : null; })
      .then(function (html) { if (html !== null && html !== el.innerHTML) el.innerHTML = html; })
      .catch(function () { /* no signal: keep what is shown */ });
  }
  document.querySelectorAll("[hx-get][hx-trigger]").forEach(function (el) {
    var m = /every\s+(\d+(?:\.\d+)?)s/.exec(el.getAttribute("hx-trigger"));
    if (!m) return;
    setInterval(function () { poll(el); }, parseFloat(m[1]) * 1000);
    window.addEventListener("online", function () { poll(el); });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(el); });
  });
})();
