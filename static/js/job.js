/* The technician's job page: signatures, the time each step happened, the fee, photo scaling.
   `wuyeJob.init(root)` binds a freshly rendered job (the outbox swaps in the server's copy). */
(function () {
  "use strict";

  // Each step carries the time it happened on the phone.
  document.addEventListener("submit", function (evt) {
    evt.target.querySelectorAll("input.happened-at").forEach(function (input) {
      input.value = new Date().toISOString();
    });
  }, true);

  var pads = [];

  // A pad is sized to the width it is shown at; a hidden one (a later step) is sized when shown.
  function sizePad(entry) {
    var canvas = entry.canvas, width = canvas.parentElement.clientWidth;
    if (!width || entry.width === width || (entry.pad && !entry.pad.isEmpty())) return;
    var ratio = Math.max(window.devicePixelRatio || 1, 1), w = Math.min(width, 700);
    canvas.width = w * ratio;
    canvas.height = 200 * ratio;
    canvas.style.width = w + "px";
    canvas.style.height = "200px";
    canvas.getContext("2d").scale(ratio, ratio);
    entry.width = width;
    if (entry.pad) entry.pad.clear();
  }

  function padOf(form) {
    for (var i = 0; i < pads.length; i++) { if (form.contains(pads[i].canvas)) return pads[i]; }
    return null;
  }

  // Signatures are drawn on a canvas and sent as a PNG file with the form.
  document.addEventListener("submit", function (evt) {
    var form = evt.target, sig = padOf(form);
    if (!sig || form.dataset.signed === "yes") return;
    var submitter = evt.submitter;
    if (submitter && submitter.hasAttribute("data-no-signature")) return;
    evt.preventDefault();
    if (sig.pad.isEmpty()) {
      alert(sig.canvas.dataset.emptyMessage);
      return;
    }
    sig.canvas.toBlob(function (blob) {
      var input = form.querySelector("input.sig-file");
      var dt = new DataTransfer();
      dt.items.add(new File([blob], "signature.png", { type: "image/png" }));
      input.files = dt.files;
      form.dataset.signed = "yes";
      form.requestSubmit(submitter || undefined);
    }, "image/png");
  });

  // The fee as the customer will pay it (the server computes it again when the form arrives).
  function fen(value) { var n = parseFloat(value); return isNaN(n) ? 0 : Math.round(n * 100); }
  function yuan(f) { return "¥" + (f / 100).toFixed(2); }

  function recompute(form) {
    var rate = parseInt(form.dataset.labourRate || "0", 10);
    var hours = parseFloat((form.querySelector("[name='q-labour_hours']") || {}).value || "0") || 0;
    var total = Math.round(rate * hours);
    form.querySelectorAll(".line").forEach(function (line) {
      var select = line.querySelector(".q-item");
      if (!select.value) return;
      var qty = parseFloat(line.querySelector(".q-qty").value || "0") || 0;
      total += Math.round(fen(line.querySelector(".q-price").value) * qty);
      var listed = select.selectedOptions[0].dataset.price;
      line.querySelector(".q-reason-wrap").hidden = fen(line.querySelector(".q-price").value) === fen(listed);
    });
    // a free repair (common parts, under warranty): the value is recorded, nothing is due
    var value = form.querySelector(".fee-value-total");
    if (value) value.textContent = yuan(total);
    var out = form.querySelector(".fee-total");
    if (out) out.textContent = yuan(form.dataset.free === "1" ? 0 : total);
  }

  var MAX_SIDE = 1600;  // photos are scaled down on the phone before upload
  function scalePhoto(input) {
    var file = input.files && input.files[0];
    if (!file || !/^image\//.test(file.type)) return;
    var img = new Image();
    img.onload = function () {
      var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(img.width * scale);
      canvas.height = Math.round(img.height * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var dt = new DataTransfer();
        dt.items.add(new File([blob], "photo.jpg", { type: "image/jpeg" }));
        input.files = dt.files;
        URL.revokeObjectURL(img.src);
      }, "image/jpeg", 0.82);
    };
    img.src = URL.createObjectURL(file);
  }

  function init(root) {
    pads = pads.filter(function (p) { return document.contains(p.canvas); });
    root.querySelectorAll("canvas.sig-pad").forEach(function (canvas) {
      var entry = { canvas: canvas, width: 0, pad: null };
      sizePad(entry);
      entry.pad = new window.SignaturePad(canvas, { penColor: "#111", minWidth: 1.2, maxWidth: 3 });
      pads.push(entry);
      var clear = canvas.parentElement.querySelector(".sig-clear");
      if (clear) clear.addEventListener("click", function () { entry.pad.clear(); });
    });
    root.querySelectorAll("form.quote-form").forEach(function (form) {
      form.querySelectorAll(".line").forEach(function (line) {
        line.querySelector(".q-reason-wrap").hidden = true;
        line.querySelector(".q-item").addEventListener("change", function (evt) {
          var opt = evt.target.selectedOptions[0];
          line.querySelector(".q-name").value = opt.dataset.name || "";
          line.querySelector(".q-unit").value = opt.dataset.unit || "";
          line.querySelector(".q-price").value = opt.dataset.price || "";
        });
      });
      form.addEventListener("input", function () { recompute(form); });
      form.addEventListener("change", function () { recompute(form); });
      recompute(form);
    });
    root.querySelectorAll("input.photo-input").forEach(function (input) {
      input.addEventListener("change", function () { scalePhoto(input); });
    });
  }

  /* Is the technician in the middle of something the server's copy would wipe? */
  function busy(root) {
    if (pads.some(function (p) { return !p.pad.isEmpty(); })) return true;
    var active = document.activeElement;
    if (active && root.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) return true;
    return Array.prototype.some.call(root.querySelectorAll("textarea, input[type=text], input:not([type])"),
      function (i) { return i.value && i.value !== i.defaultValue; });
  }

  window.wuyeJob = {
    init: init,
    clearPad: function (form) { var sig = padOf(form); if (sig) sig.pad.clear(); },
    busy: busy,
    resizePads: function () { pads.forEach(sizePad); }
  };
  var job = document.getElementById("job");
  if (job) init(job);
})();
