/* wuye desk and phone behaviour. No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

  function toast(message, kind) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var div = document.createElement("div");
    div.className = "alert " + (kind === "ok" ? "alert-ok" : "alert-error");
    div.setAttribute("role", kind === "ok" ? "status" : "alert");
    div.textContent = message;
    box.appendChild(div);
    setTimeout(function () { div.remove(); }, 8000);
  }

  // A refused htmx request (403, 404, 409, 429, 500) is not swapped: say why in a toast.
  document.body.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    var tmp = document.createElement("div");
    tmp.innerHTML = xhr.responseText || "";
    toast((tmp.textContent || "").trim() || xhr.status + " " + xhr.statusText);
  });
  document.body.addEventListener("htmx:sendError", function () {
    if (!navigator.onLine) return;  // the phone's offline banner already says so
    toast(document.body.dataset.offlineMessage);
  });

  // ---- intake: unit search by keyboard ----
  function options() { return Array.prototype.slice.call(document.querySelectorAll("#unit-results .unit-option")); }

  document.addEventListener("keydown", function (evt) {
    var target = evt.target;
    if (target.id === "unit_query" && evt.key === "ArrowDown") {
      var first = options()[0];
      if (first) { evt.preventDefault(); first.focus(); }
    } else if (target.classList && target.classList.contains("unit-option")) {
      var list = options(), i = list.indexOf(target);
      if (evt.key === "ArrowDown" && i < list.length - 1) { evt.preventDefault(); list[i + 1].focus(); }
      else if (evt.key === "ArrowUp") { evt.preventDefault(); (i > 0 ? list[i - 1] : document.getElementById("unit_query")).focus(); }
      else if (evt.key === "Escape") { document.getElementById("unit_query").focus(); }
    }
    if (evt.key === "Enter" && (evt.ctrlKey || evt.metaKey)) {
      var form = target.form || (target.closest && target.closest("form"));
      if (form && form.id === "intake-form") { evt.preventDefault(); form.requestSubmit(); }
    }
  });

  // Enter in the search box must not submit the whole intake form.
  document.addEventListener("keypress", function (evt) {
    if (evt.target.id === "unit_query" && evt.key === "Enter") {
      evt.preventDefault();
      var first = options()[0];
      if (first) first.click();
    }
  });

  // Results of a slower, earlier keystroke may arrive after the clerk moved into the list:
  // keep the focus on the same unit (or the first one) so ↓ and Enter are never lost.
  var focusedUnit = null;
  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.target.id !== "unit-results") return;
    var active = document.activeElement;
    focusedUnit = active && active.classList && active.classList.contains("unit-option")
      ? active.getAttribute("hx-get") : null;
  });

  document.body.addEventListener("htmx:afterSwap", function (evt) {
    var el = evt.detail.target;
    if (el.id === "unit-results") {
      var q = document.getElementById("unit_query");
      if (q) q.setAttribute("aria-expanded", options().length ? "true" : "false");
      if (focusedUnit) {
        var same = options().filter(function (o) { return o.getAttribute("hx-get") === focusedUnit; })[0];
        (same || options()[0] || q).focus();
        focusedUnit = null;
      }
    }
    if (el.id === "unit-picked") {
      var picked = el.querySelector(".picked");
      if (!picked) return;
      var name = document.getElementById("contact_name"), phone = document.getElementById("contact_phone");
      if (name && !name.value) name.value = picked.dataset.ownerName || "";
      if (phone && !phone.value) phone.value = picked.dataset.ownerPhone || "";
      var results = document.getElementById("unit-results");
      if (results) results.innerHTML = "";
      var query = document.getElementById("unit_query");
      if (query) { query.value = picked.querySelector("strong").textContent; query.setAttribute("aria-expanded", "false"); }
      if (name) { name.focus(); name.select(); }
    }
  });

  // ---- intake: show the appointment only for normal urgency, the employee only for staff reports ----
  function syncConditional() {
    var urgency = document.querySelector("input[name=urgency]:checked");
    document.querySelectorAll("[data-show-when-urgency]").forEach(function (el) {
      el.hidden = !urgency || urgency.value !== el.dataset.showWhenUrgency;
    });
    var source = document.querySelector("input[name=source]:checked");
    document.querySelectorAll("[data-show-when-source]").forEach(function (el) {
      el.hidden = !source || source.value !== el.dataset.showWhenSource;
    });
  }
  document.addEventListener("change", function (evt) {
    if (evt.target.name === "urgency" || evt.target.name === "source") syncConditional();
  });
  syncConditional();
})();
