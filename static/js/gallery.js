/* Photo galleries (templates/_macros/photos.html): a click on a thumbnail opens the full photo in a
   <dialog>; ← → go through the photos of the same gallery, Esc or the close button ends it. One
   listener on the document, so galleries swapped in later work too, and loading this twice is harmless. */
(function () {
  "use strict";
  if (window.wuyeGallery) return;
  var dialog, img, caption, tiles = [], at = 0, opener = null;

  function button(cls, label, text) {
    var b = document.createElement("button");
    b.type = "button"; b.className = cls; b.textContent = text;
    b.setAttribute("aria-label", label); b.title = label;
    return b;
  }

  function build(gallery) {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    var figure = document.createElement("figure");
    img = document.createElement("img");
    caption = document.createElement("figcaption");
    figure.appendChild(img); figure.appendChild(caption);
    var close = button("lightbox-close", gallery.dataset.closeLabel || "Close", "×");
    var prev = button("lightbox-prev", gallery.dataset.prevLabel || "Previous", "‹");
    var next = button("lightbox-next", gallery.dataset.nextLabel || "Next", "›");
    close.addEventListener("click", function () { dialog.close(); });
    prev.addEventListener("click", function () { show(at - 1); });
    next.addEventListener("click", function () { show(at + 1); });
    dialog.appendChild(close); dialog.appendChild(prev); dialog.appendChild(figure); dialog.appendChild(next);
    // a click on the dark backdrop (the dialog itself, not its contents) closes it
    dialog.addEventListener("click", function (evt) { if (evt.target === dialog) dialog.close(); });
    dialog.addEventListener("keydown", function (evt) {
      if (evt.key === "ArrowLeft") { show(at - 1); evt.preventDefault(); }
      if (evt.key === "ArrowRight") { show(at + 1); evt.preventDefault(); }
    });
    dialog.addEventListener("close", function () {
      img.removeAttribute("src");
      if (opener && document.contains(opener)) opener.focus();
    });
    document.body.appendChild(dialog);
  }

  function show(i) {
    at = (i + tiles.length) % tiles.length;
    var tile = tiles[at];
    img.src = tile.href;
    img.alt = tile.dataset.caption || "";
    caption.textContent = (tile.dataset.caption || "") + (tiles.length > 1 ? "  (" + (at + 1) + "/" + tiles.length + ")" : "");
    dialog.setAttribute("aria-label", tile.dataset.caption || "");
    dialog.classList.toggle("single", tiles.length < 2);
  }

  document.addEventListener("click", function (evt) {
    var tile = evt.target.closest && evt.target.closest("a.gallery-tile");
    if (!tile || evt.ctrlKey || evt.metaKey || evt.shiftKey || evt.button !== 0) return;
    var gallery = tile.closest(".gallery");
    if (!gallery || typeof HTMLDialogElement === "undefined") return;  // the link opens the photo itself
    evt.preventDefault();
    if (!dialog) build(gallery);
    tiles = Array.prototype.slice.call(gallery.querySelectorAll("a.gallery-tile"));
    opener = tile;
    show(tiles.indexOf(tile));
    if (!dialog.open) dialog.showModal();
  });

  window.wuyeGallery = true;
})();
