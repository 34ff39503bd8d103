/* The job page moves on at once when a step is taken, before the server has it: the state
   machine and its words come with the page (data-transitions, data-labels). offline.js applies
   each step through `wuyePage.apply(item)`, and binds the server's fresh copy with `bind`. */
(function () {
  "use strict";
  var jobEl = null, transitions = {}, labels = {};

  function bind(el) {
    jobEl = el;
    transitions = el ? JSON.parse(el.dataset.transitions) : {};
    labels = el ? JSON.parse(el.dataset.labels) : {};
  }

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
      pendingLine(document.getElementById("notes"), field(item, "note-text") || item.label);
    } else if (a === "photo") {
      pendingLine(document.getElementById("notes"), item.label);
    } else if (a === "door") {
      var saved = document.querySelector("form[action$='/door'] button[type=submit]");
      if (saved) saved.textContent = saved.textContent.replace(/ ✓$/, "") + " ✓";
    } else if (transitions[a]) {
      if (a === "consent" && typeof item.agreedFen === "number" && window.wuyeJob) window.wuyeJob.setAgreed(item.agreedFen);
      if (a === "cannot_fix") {
        document.querySelectorAll("form.tick input[name='tick-item']").forEach(function (i) { setTick(i.value, false); });
      }
      setState(transitions[a]);
    }
  }

  // the fee the customer agreed to, as the page showed it when they signed (¥120.00 → 12000)
  function agreedOf(form) {
    var m = /([0-9]+)\.([0-9]{2})/.exec((form.querySelector(".fee-total") || {}).textContent || "");
    return m ? parseInt(m[1], 10) * 100 + parseInt(m[2], 10) : null;
  }

  // the outbox keys the server's copy of this page already includes
  function applied() {
    var keys = {};
    if (jobEl) JSON.parse(jobEl.dataset.applied || "[]").forEach(function (k) { keys[k] = true; });
    return keys;
  }

  bind(document.getElementById("job"));
  window.wuyePage = {
    bind: bind, apply: apply, applied: applied, agreedOf: agreedOf,
    get el() { return jobEl; }
  };
})();
