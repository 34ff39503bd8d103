/* Who pays, on the job page (A3): a change of charge type sent to the outbox shows at once, offline too —
   the quote's fee becomes ¥0 for a free repair and the payment card a ¥0 close. The server's copy of the
   page replaces this once the step is synced. */
(function () {
  "use strict";
  function show(type, label) {
    var job = document.getElementById("job");
    if (!job) return;
    var free = type !== "paid";
    job.dataset.charge = type;
    document.querySelectorAll(".when-free").forEach(function (el) { el.hidden = !free; });
    document.querySelectorAll(".when-paid").forEach(function (el) { el.hidden = free; });
    document.querySelectorAll(".charge-current").forEach(function (el) { el.textContent = label; });
    document.querySelectorAll("form.quote-form").forEach(function (form) {
      form.dataset.free = free ? "1" : "";
      form.querySelectorAll("input.shown-charge").forEach(function (input) { input.value = type; });
      form.dispatchEvent(new Event("input"));  // job.js computes the fee again
    });
  }
  // capture: before the outbox takes the form (and resets it)
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.classList || !form.classList.contains("charge-form")) return;
    var picked = form.querySelector("input[type=radio]:checked");
    var reason = form.querySelector("input[name$='-reason']");
    if (!picked || !reason || !reason.value.trim()) return;
    show(picked.value, picked.parentElement.textContent.trim());
    var details = form.closest("details");
    if (details) details.open = false;
  }, true);
})();
