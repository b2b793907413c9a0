/* A photo viewer for the report, without libraries.
 *
 * Progressive enhancement: every thumbnail is a link to its large rendition, which
 * opens as a plain image without this script (or in browsers without <dialog>). With
 * it, a click shows the large rendition (WebP where supported) in a modal dialog;
 * arrow keys and the buttons step through the page's photos, Escape closes.
 * The dialog's markup and labels come from <template id="lightbox-template">.
 */
(function () {
  "use strict";

  var template = document.getElementById("lightbox-template");
  var links = Array.prototype.slice.call(document.querySelectorAll("a[data-lightbox]"));
  if (!template || !links.length || typeof HTMLDialogElement !== "function") {
    return;
  }

  var dialog = template.content.firstElementChild.cloneNode(true);
  document.body.appendChild(dialog);
  var source = dialog.querySelector("source");
  var image = dialog.querySelector(".lightbox__image");
  var text = dialog.querySelector(".lightbox__text");
  var place = dialog.querySelector(".lightbox__place");
  var count = dialog.querySelector(".lightbox__count");
  var stepButtons = dialog.querySelectorAll("[data-step]");
  var current = 0;

  function show(index) {
    current = (index + links.length) % links.length;
    var link = links[current];
    var data = link.dataset;
    var thumbnail = link.querySelector("img");
    source.srcset = data.webp || "";
    if (!data.webp) {
      source.removeAttribute("srcset");
    }
    image.src = link.href;
    image.alt = thumbnail ? thumbnail.alt : "";
    if (data.width && data.height) {
      image.width = Number(data.width);
      image.height = Number(data.height);
    } else {
      image.removeAttribute("width");
      image.removeAttribute("height");
    }
    text.textContent = data.caption || "";
    place.textContent = data.place || "";
    count.textContent = links.length > 1 ? current + 1 + " / " + links.length : "";
    for (var i = 0; i < stepButtons.length; i += 1) {
      stepButtons[i].hidden = links.length < 2;
    }
  }

  function open(index) {
    show(index);
    if (!dialog.open) {
      dialog.showModal();
    }
  }

  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      // Let the browser handle new tabs and windows.
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return;
      }
      event.preventDefault();
      open(index);
    });
  });

  dialog.addEventListener("click", function (event) {
    var target = event.target;
    if (target === dialog || target.hasAttribute("data-close")) {
      dialog.close();
    } else if (target.hasAttribute("data-step")) {
      show(current + Number(target.getAttribute("data-step")));
    }
  });

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") {
      show(current + 1);
    } else if (event.key === "ArrowLeft") {
      show(current - 1);
    } else {
      return;
    }
    event.preventDefault();
  });

  dialog.addEventListener("close", function () {
    links[current].focus();
  });
})();
