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

  // ---- a control disabled for a reason says so: the reason shows beside it and is its description ----
  function syncReason(el) {
    var reason = document.getElementById(el.dataset.disabledReason);
    var off = el.disabled || el.getAttribute("aria-disabled") === "true";
    if (reason) reason.hidden = !off;
    if (off) el.setAttribute("aria-describedby", el.dataset.disabledReason);
    else el.removeAttribute("aria-describedby");
  }
  var reasons = new MutationObserver(function (records) { records.forEach(function (r) { syncReason(r.target); }); });
  function watchReasons(root) {
    if (!root.querySelectorAll) return;
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-disabled-reason]"));
    if (root.matches && root.matches("[data-disabled-reason]")) found.push(root);
    found.forEach(function (el) {
      syncReason(el);
      reasons.observe(el, { attributes: true, attributeFilter: ["disabled", "aria-disabled"] });
    });
  }
  watchReasons(document);
  document.body.addEventListener("htmx:load", function (evt) { watchReasons(evt.detail.elt); });
  // aria-disabled keeps a control focusable (so its reason can be read) but it must not act
  document.addEventListener("click", function (evt) {
    var off = evt.target.closest && evt.target.closest("[aria-disabled=true]");
    if (off) { evt.preventDefault(); evt.stopPropagation(); }
  }, true);

  // ---- intake: unit search by keyboard ----
  function options() { return Array.prototype.slice.call(document.querySelectorAll("#unit-results .unit-option")); }
  function composing(evt) { return evt.isComposing || evt.keyCode === 229; }  // an IME's Enter is not ours

  // ↓ / ↑ / Enter typed before the results of the last keystroke arrived are queued, then applied
  // to those results: a clerk typing "1201↓⏎" at full speed picks 1201, never nothing.
  var search = { pending: false, queue: [], timer: null };
  function shownFor() {
    var marker = document.querySelector("#unit-results .results-for");
    return marker ? marker.dataset.q : null;
  }
  function dropQueue() { search.queue = []; search.pending = false; clearTimeout(search.timer); }
  function replayQueue() {
    var list = options(), i = -1, keys = search.queue;
    dropQueue();
    for (var k = 0; k < keys.length; k++) {
      if (keys[k] === "ArrowDown") i = Math.min(i + 1, list.length - 1);
      else if (keys[k] === "ArrowUp") i = Math.max(i - 1, -1);
      else if (keys[k] === "Enter") {
        var pick = list[Math.max(i, 0)];
        if (pick) { pick.focus(); pick.click(); }
        return;
      }
    }
    if (i >= 0) list[i].focus();
  }
  document.addEventListener("input", function (evt) {
    if (evt.target.id !== "unit_query") return;
    dropQueue();  // typing on makes the queued keys stale
    search.pending = true;
  });

  // the next field of a keyboard form: what Tab would reach (one stop per radio group)
  function nextField(form, from) {
    var seen = {}, list = Array.prototype.filter.call(form.elements, function (el) {
      if (!/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName) || el.type === "hidden" || el.disabled) return false;
      if (el.tabIndex < 0 || el.closest("[hidden]") || !el.getClientRects().length) return false;
      if (el.type === "radio") {
        if (seen[el.name]) return false;
        var checked = form.querySelector("input[type=radio][name='" + el.name + "']:checked");
        if (checked && checked !== el) return false;
        seen[el.name] = true;
      }
      return true;
    });
    var i = list.indexOf(from);
    if (i < 0 && from.type === "radio") {
      list.forEach(function (el, j) { if (el.name === from.name) i = j; });
    }
    return list[i + 1] || null;
  }

  document.addEventListener("keydown", function (evt) {
    var target = evt.target;
    if (composing(evt)) return;
    var plain = !(evt.ctrlKey || evt.metaKey || evt.altKey || evt.shiftKey);
    if (target.id === "unit_query" && plain && (evt.key === "ArrowDown" || evt.key === "ArrowUp" || evt.key === "Enter")) {
      evt.preventDefault();  // Enter here never submits the whole intake form
      if (search.pending && target.value.slice(0, 60) !== shownFor()) {
        search.queue.push(evt.key);
        clearTimeout(search.timer);
        search.timer = setTimeout(dropQueue, 5000);  // a search that never answers must not fire keys later
        return;
      }
      var first = options()[0];
      if (evt.key === "ArrowDown" && first) first.focus();
      else if (evt.key === "Enter" && first) first.click();
      return;
    }
    if (target.classList && target.classList.contains("unit-option")) {
      var list = options(), i = list.indexOf(target);
      if (evt.key === "ArrowDown" && i < list.length - 1) { evt.preventDefault(); list[i + 1].focus(); }
      else if (evt.key === "ArrowUp") { evt.preventDefault(); (i > 0 ? list[i - 1] : document.getElementById("unit_query")).focus(); }
      else if (evt.key === "Escape") { document.getElementById("unit_query").focus(); }
    }
    var form = target.form || (target.closest && target.closest("form"));
    if (!form || !form.hasAttribute("data-enter-next") || evt.key !== "Enter") return;
    if (evt.ctrlKey || evt.metaKey) {  // Ctrl+Enter saves, from any field (a textarea too)
      evt.preventDefault();
      form.requestSubmit();
    } else if (plain && target.tagName === "INPUT" && !/^(submit|button|image|reset|file)$/.test(target.type)) {
      // Enter in a field moves on instead of sending a half-filled form; a textarea keeps its newline
      evt.preventDefault();
      var next = nextField(form, target);
      if (next) next.focus();
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
  document.body.addEventListener("htmx:afterSettle", function (evt) {
    var q = document.getElementById("unit_query");
    if (evt.detail.target.id !== "unit-results" || !q || !search.pending || q.value.slice(0, 60) !== shownFor()) return;
    if (search.queue.length) replayQueue(); else dropQueue();
  });
  ["htmx:responseError", "htmx:sendError"].forEach(function (name) {
    document.body.addEventListener(name, function (evt) {
      if (evt.detail.target && evt.detail.target.id === "unit-results") dropQueue();
    });
  });

  document.body.addEventListener("htmx:afterSwap", function (evt) {
    var el = evt.detail.target;
    if (el.id === "unit-results") {
      var q = document.getElementById("unit_query");
      if (q) q.setAttribute("aria-expanded", options().length ? "true" : "false");
      if (q && search.pending && q.value.slice(0, 60) === shownFor()) {
        focusedUnit = null;
        return;  // the queued keys are applied once htmx has wired the new options (afterSettle)
      }
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
      // the owner is proposed; what the clerk typed stays, what an earlier unit filled in is replaced
      autofill(name, picked.dataset.ownerName || "");
      autofill(phone, picked.dataset.ownerPhone || "");
      var first = picked.querySelector(".contact-pick");
      if (first && name && phone && name.value === first.dataset.name && phone.value === first.dataset.phone) {
        first.setAttribute("aria-pressed", "true");
      }
      syncConsent(el);
      var results = document.getElementById("unit-results");
      if (results) results.innerHTML = "";
      var query = document.getElementById("unit_query");
      if (query) { query.value = picked.querySelector("strong").textContent; query.setAttribute("aria-expanded", "false"); }
      if (name) { name.focus(); name.select(); }
    }
  });

  // ---- intake: the SMS consent follows the contact on file whose number is in the phone box ----
  function syncConsent(scope) {
    var box = document.getElementById("sms_consent"), phone = document.getElementById("contact_phone");
    var panel = document.getElementById("sms-consent");
    if (!box || !phone || !panel) return;
    var digits = phone.value.replace(/\D/g, "");
    var match = Array.prototype.filter.call((scope || document).querySelectorAll(".contact-pick"), function (b) {
      return digits && b.dataset.phone.replace(/\D/g, "") === digits;
    })[0];
    box.checked = !!match && match.dataset.consent === "1";
    var hint = document.getElementById("sms_consent-hint");
    if (hint) hint.textContent = !match ? panel.dataset.hintNone : (match.dataset.stored === "1" ? panel.dataset.hintYes : panel.dataset.hintNo);
  }
  // ---- intake: the caller may be the owner, a tenant or a family member of the unit ----
  function autofill(field, value) {
    if (!field) return;
    if (!field.value || field.value === field.dataset.autofilled) {
      field.value = value;
      field.dataset.autofilled = value;
    }
  }
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest(".contact-pick");
    if (!button) return;
    var name = document.getElementById("contact_name"), phone = document.getElementById("contact_phone");
    if (name && button.dataset.name) { name.value = button.dataset.name; name.dataset.autofilled = name.value; }
    if (phone && button.dataset.phone) { phone.value = button.dataset.phone; phone.dataset.autofilled = phone.value; }
    document.querySelectorAll(".contact-pick").forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    syncConsent(button.closest(".picked"));
    var category = document.getElementById("category");
    if (category) category.focus();  // the caller is known: on to what needs repairing
  });
  document.addEventListener("change", function (evt) {
    if (evt.target.id === "contact_phone") syncConsent(document.getElementById("unit-picked"));
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

  // A refused save comes back with its messages: start at the first field in error (or the warning
  // to confirm), not at the top of the form.
  (function focusFirstError() {
    var form = document.querySelector("form[data-enter-next]");
    var box = form && form.querySelector(".has-error, .needs-confirm");
    if (!box) return;
    var control = box.querySelector("button, input:not([type=hidden]):checked, input:not([type=hidden]), select, textarea");
    if (control) control.focus();
  })();
})();
