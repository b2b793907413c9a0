/* A change page asks before it is left with edits not saved: the browser's own prompt when
   the tab is closed or reloaded, and a confirm in the page's language when one of its links
   (the toolbar's 导入花名册, 历史, 批量上传照片 …) or another form would take the editor away.
   The marker <div class="unsaved-guard"> carries the message and, after a save that failed,
   data-dirty="yes": what was typed is not saved until the page is saved again. */
(function () {
  "use strict";

  var marker = document.querySelector(".unsaved-guard");
  if (!marker) return;
  var form = marker.closest("form");
  if (!form) return;
  var message = marker.dataset.message;
  var failedSave = marker.dataset.dirty === "yes";
  var leaving = false;
  var before = new WeakMap();

  var IGNORED = /(^csrfmiddlewaretoken$|^page_version$|-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$)/;

  function tracked(el) {
    return el.name && !IGNORED.test(el.name) && !el.closest(".empty-form") &&
      ["submit", "button", "reset", "image"].indexOf(el.type) < 0;
  }

  function valueOf(el) {
    if (el.type === "checkbox" || el.type === "radio") return String(el.checked);
    if (el.type === "file") return String(el.files.length);
    if (el.options) {
      return Array.prototype.filter.call(el.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; }).join("\u0000");
    }
    return el.value;
  }

  function remember(root) {
    Array.prototype.forEach.call(root.querySelectorAll("input, select, textarea"), function (el) {
      if (tracked(el)) before.set(el, valueOf(el));
    });
  }

  function isDirty() {
    if (failedSave) return true;
    return Array.prototype.some.call(form.elements, function (el) {
      if (!tracked(el)) return false;
      // A field of a row added since the page opened counts once something is typed in it.
      var start = before.has(el) ? before.get(el) : (el.type === "checkbox" ? String(el.defaultChecked) : "");
      return valueOf(el) !== start;
    });
  }

  function leavingThisPage(link) {
    if (!link.href || link.target === "_blank" || link.hasAttribute("download")) return false;
    var to = new URL(link.href, location.href);
    if (to.protocol !== "http:" && to.protocol !== "https:") return false;
    var here = new URL(location.href);
    // Links within the page (the section index, the rows' add and remove links) stay.
    return !(to.origin === here.origin && to.pathname === here.pathname && to.search === here.search);
  }

  function mayLeave() {
    if (leaving || !isDirty()) return true;
    if (window.confirm(message)) {
      leaving = true;
      return true;
    }
    return false;
  }

  // After every other script has set up its widgets (pickers, calendars), so their
  // setting up does not count as an edit.
  window.addEventListener("load", function () { remember(form); });
  document.addEventListener("formset:added", function (event) {
    // The added row starts empty (or with its defaults): that is not an edit yet.
    remember(event.target);
  });

  form.addEventListener("submit", function () { leaving = true; });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if (!leavingThisPage(link)) return;
    if (!mayLeave()) event.preventDefault();
  });

  // Other forms on the page (提交审核, the search box, signing out) leave it too.
  document.addEventListener("submit", function (event) {
    if (event.target === form) return;
    if (!mayLeave()) event.preventDefault();
  }, true);

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !isDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
