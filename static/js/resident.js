/* The resident's page. A link revoked (404) or a network over its limit (429) while the page
   polls: app.js says why in a toast, and here the polling stops — a detached element is never
   polled again — instead of knocking on the door every 20 seconds. */
(function () {
  "use strict";
  document.body.addEventListener("htmx:responseError", function (evt) {
    var elt = evt.detail.elt, status = evt.detail.xhr.status;
    if (!elt || elt.id !== "live" || (status !== 404 && status !== 429)) return;
    var still = elt.cloneNode(true);
    still.removeAttribute("hx-get");
    still.removeAttribute("hx-trigger");
    elt.replaceWith(still);
  });
})();
