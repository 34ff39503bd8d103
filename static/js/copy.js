/* Copy buttons: <button data-copy="input-id">. No inline script: the CSP forbids it.
   Listens on the document, so a button swapped in by htmx works without rebinding. */
(function () {
  "use strict";

  function say(button, text) {
    var status = button.parentNode && button.parentNode.parentNode &&
      button.parentNode.parentNode.querySelector(".copy-status");
    if (status) status.textContent = text || "";
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    var done = function () { say(button, button.dataset.copied); };
    var failed = function () { input.select(); say(button, button.dataset.copyFailed); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, failed);
    } else {
      // plain-http desk on an intranet: the old way still works there
      try { (document.execCommand && document.execCommand("copy")) ? done() : failed(); } catch (e) { failed(); }
    }
  });
})();
