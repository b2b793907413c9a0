/* The trip page's sections: the index keeps each section's row count as rows are added and
   removed and marks the section in view; saving and staying comes back to that section;
   after a save with errors the page goes to the first one; a long text in a row grows while
   it is edited and shrinks back after. */
(function () {
  "use strict";

  var nav = document.querySelector(".trip-sections");
  if (!nav) return;
  var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-section-link]"));
  var sections = links.map(function (link) {
    return document.getElementById(link.dataset.sectionLink);
  });

  function countRows(section) {
    return section.querySelectorAll("tr.form-row:not(.empty-form)").length;
  }

  function updateCount(section) {
    var link = links[sections.indexOf(section)];
    var badge = link && link.querySelector(".trip-sections__rows");
    if (badge) badge.textContent = countRows(section);
  }

  ["formset:added", "formset:removed"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var prefix = event.detail && event.detail.formsetName;
      var section = prefix && document.getElementById(prefix + "-group");
      if (section) updateCount(section);
    });
  });

  // The section in view: the last one whose top has passed a line a third of the way down
  // the screen under the index.
  var ticking = false;
  function markCurrent() {
    ticking = false;
    var top = nav.getBoundingClientRect().bottom;
    var line = top + (window.innerHeight - top) / 3;
    var current = 0;
    sections.forEach(function (section, i) {
      if (section && section.getBoundingClientRect().top <= line) current = i;
    });
    links.forEach(function (link, i) {
      if (i === current) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }
  window.addEventListener("scroll", function () {
    if (!ticking) {
      ticking = true;
      window.requestAnimationFrame(markCurrent);
    }
  }, {passive: true});
  markCurrent();

  // 保存 and stay: come back to the section in view. The save answers with a redirect to
  // this page, and the browser keeps the address's #section across it.
  var form = nav.closest("form");
  if (form && !form.getAttribute("action")) {
    form.addEventListener("submit", function (event) {
      if (!event.submitter || event.submitter.name !== "_continue") return;
      var current = nav.querySelector('a[aria-current="true"]');
      if (current) {
        form.action = location.pathname + location.search + "#" + current.dataset.sectionLink;
      }
    });
  }

  // A save that failed: go to the first error, and put the cursor in its field.
  function firstError() {
    var candidates = document.querySelectorAll(
      "#content-main form .errorlist, #content-main form .errors"
    );
    for (var i = 0; i < candidates.length; i++) {
      if (!candidates[i].closest(".empty-form") && candidates[i].offsetParent !== null) {
        return candidates[i];
      }
    }
    return null;
  }
  window.addEventListener("load", function () {
    if (!document.querySelector(".errornote")) return;
    var error = firstError();
    if (!error) return;
    var place = error.closest("td, .form-row, fieldset") || error;
    place.scrollIntoView({block: "center"});
    var field = place.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus({preventScroll: true});
  });

  // Long texts are edited in place: the box grows to its text while it has the cursor.
  function fit(box) {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight + 2, window.innerHeight * 0.6) + "px";
  }
  function isRowText(el) {
    return el.tagName === "TEXTAREA" && el.closest(".trip-section .tabular");
  }
  document.addEventListener("focusin", function (event) {
    if (isRowText(event.target)) {
      event.target.classList.add("is-editing");
      fit(event.target);
    }
  });
  document.addEventListener("input", function (event) {
    if (isRowText(event.target)) fit(event.target);
  });
  // It shrinks back once the click that took the cursor away is over: shrinking at once
  // would move what is under the pointer (an add-row link, say) and the click would miss it.
  var pointerDown = false;
  document.addEventListener("pointerdown", function () { pointerDown = true; }, true);
  document.addEventListener("pointerup", function () { pointerDown = false; }, true);
  function shrink(box) {
    box.classList.remove("is-editing");
    box.style.height = "";
  }
  document.addEventListener("focusout", function (event) {
    var box = event.target;
    if (!isRowText(box)) return;
    if (!pointerDown) {
      shrink(box);
      return;
    }
    document.addEventListener("pointerup", function () {
      setTimeout(function () { if (document.activeElement !== box) shrink(box); }, 0);
    }, {once: true, capture: true});
  });
})();
