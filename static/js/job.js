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

  /* The fee as the customer will pay it: wuye/money.py's rule, in integers, so the phone shows
     what the server will store. Text is read by the same grammar as the server's parser (¥, 元,
     full-width digits, thousands commas; no NaN, exponent, minus or third decimal); labour =
     rate × minutes / 60 and each line = unit price × quantity / 1000, each rounded half up to a
     fen. tests/fixtures/fee_cases.json is asserted here (in Chromium) and in Python alike. */
  var money = (function () {
    var MAX_FEN = 100000000, MAX_QUANTITY_MILLI = 10000000, NUMBER = /^(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.([0-9]*))?$/;

    function normalize(text) {
      return String(text == null ? "" : text).normalize("NFKC").replace(/。/g, ".").replace(/[ \t\n\r\f\v]+/g, "");
    }
    // '1,234.5' with places=2 → 123450; null when it is not an allowed number up to limit
    function scaled(text, places, limit) {
      var m = NUMBER.exec(text);
      if (!m || !(m[2] || m[3]) || m[1]) return null;
      var whole = m[2].replace(/,/g, "").replace(/^0+/, ""), frac = (m[3] || "").replace(/0+$/, "");
      if (frac.length > places || whole.length > 15) return null;
      while (frac.length < places) frac += "0";
      var value = Number(whole || "0") * Math.pow(10, places) + Number(frac || "0");
      return value > limit ? null : value;
    }
    function halfUp(numerator, denominator) {  // exact for integers below 2^53
      var m = numerator * 2 + denominator, q = denominator * 2;
      return (m - m % q) / q;
    }
    function fen(text) {
      var t = normalize(text).replace(/^¥/, "").replace(/^RMB/, "").replace(/元$/, "");
      return t ? scaled(t, 2, MAX_FEN) : null;
    }
    function milli(text) {
      var q = scaled(normalize(text), 3, MAX_QUANTITY_MILLI);
      return q ? q : null;  // more than zero
    }
    function minutes(text) {
      var h = scaled(normalize(text), 2, 2400);
      return h === null ? null : halfUp(h * 60, 100);
    }
    function labourFen(rateFen, mins) { return halfUp(rateFen * mins, 60); }
    function lineFen(priceFen, qtyMilli) { return halfUp(priceFen * qtyMilli, 1000); }
    // hours as typed, lines as [{price: text, qty: text}] → {labour, lines, total} in fen, or null
    function fee(rateFen, hoursText, lines) {
      var mins = minutes(hoursText);
      if (mins === null) return null;
      var out = { labour: labourFen(rateFen, mins), lines: [], total: 0 };
      out.total = out.labour;
      for (var i = 0; i < lines.length; i++) {
        var price = fen(lines[i].price), qty = milli(lines[i].qty);
        if (price === null || qty === null) return null;
        out.lines.push(lineFen(price, qty));
        out.total += out.lines[i];
      }
      return out.total > MAX_FEN ? null : out;
    }
    function yuan(f) {  // as the server's |money filter shows it: ¥1,234.50
      var whole = String(Math.floor(f / 100)).replace(/\B(?=(\d{3})+$)/g, ","), cents = String(f % 100);
      return "¥" + whole + "." + (cents.length < 2 ? "0" + cents : cents);
    }
    return { fen: fen, milli: milli, minutes: minutes, labourFen: labourFen, lineFen: lineFen, fee: fee, yuan: yuan };
  })();
  window.wuyeMoney = money;
  function fen(value) { return money.fen(value); }
  var yuan = money.yuan;

  function recompute(form) {
    var rate = parseInt(form.dataset.labourRate || "0", 10) || 0, lines = [];
    form.querySelectorAll(".line").forEach(function (line) {
      var select = line.querySelector(".q-item");
      if (!select.value) return;
      var listed = select.selectedOptions[0].dataset.price, price = line.querySelector(".q-price").value;
      if (!price.trim()) price = listed;  // an empty price is the list price, as on the server
      lines.push({ price: price, qty: line.querySelector(".q-qty").value });
      line.querySelector(".q-reason-wrap").hidden = fen(price) === fen(listed);
    });
    var total = money.fee(rate, (form.querySelector("[name='q-labour_hours']") || {}).value, lines);
    // a free repair (common parts, under warranty): the value is recorded, nothing is due
    var value = form.querySelector(".fee-value-total");
    if (value) value.textContent = total ? yuan(total.total) : "—";
    var out = form.querySelector(".fee-total");
    if (out) out.textContent = total ? yuan(form.dataset.free === "1" ? 0 : total.total) : "—";  // the server says what is wrong
  }

  var MAX_SIDE = 1600;  // photos are scaled down on the phone before upload
  function scalePhoto(input) {
    var file = input.files && input.files[0];
    if (!file || !/^image\//.test(file.type)) return;
    var img = new Image(), done;
    // the outbox stores the photo only once it is scaled (wuyeJob.ready)
    input.scaled = new Promise(function (resolve) { done = resolve; });
    img.onerror = function () { done(); };
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
        done();
      }, "image/jpeg", 0.82);
    };
    img.src = URL.createObjectURL(file);
  }

  /* The payment card: the amount agreed in the consented quote stays in sight next to what is typed. */
  function payCheck(card) {
    var amount = card.querySelector("[name='pay-amount']"), hint = card.querySelector(".amount-differs");
    if (amount && hint) hint.hidden = amount.value === "" || fen(amount.value) === parseInt(card.dataset.agreedFen || "0", 10);
  }

  // a consent the server has not confirmed yet (the outbox's): the page shows what was agreed
  function setAgreed(total) {
    document.querySelectorAll(".agreed-fee").forEach(function (el) { el.textContent = yuan(total); });
    document.querySelectorAll(".agreed-line").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll(".pay-card").forEach(function (card) {
      card.dataset.agreedFen = String(total);
      var amount = card.querySelector("[name='pay-amount']");
      if (amount) amount.value = amount.defaultValue = (total / 100).toFixed(2);
      payCheck(card);
    });
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
    root.querySelectorAll(".pay-card").forEach(function (card) {
      card.addEventListener("input", function () { payCheck(card); });
      payCheck(card);
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
    setAgreed: setAgreed,
    ready: function (form) {
      return Promise.all(Array.prototype.map.call(form.querySelectorAll("input.photo-input"),
        function (i) { return i.scaled; }));
    },
    resizePads: function () { pads.forEach(sizePad); }
  };
  var job = document.getElementById("job");
  if (job) init(job);
})();
