/* Bulk photo upload with a progress bar per file, without libraries.
 *
 * Without this script the form posts every file in one request and the server lists
 * what it kept and what it refused. With it, each file goes up in its own request (two
 * at a time), so one bad or slow file never costs the others, and each shows its own
 * progress, then "added" or the server's reason for refusing it. When all are done the
 * photos are sorted onto the site visits by the time they were taken.
 * Labels come from the form's data-msg-* attributes, translated by the server.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-photo-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest || !("content" in document.createElement("template"))) {
    return;
  }
  var SIMULTANEOUS = 2;
  var input = form.querySelector("input[type=file]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var submit = form.querySelector("[type=submit]");
  var results = document.querySelector(".upload-results");
  var list = results.querySelector(".upload-list");
  var summary = results.querySelector(".upload-summary");
  var next = results.querySelector(".upload-next");
  var itemTemplate = document.getElementById("upload-item-template");
  var msg = form.dataset;
  var busy = false;

  function setState(item, state, status) {
    item.element.className = "upload-item upload-item--" + state;
    item.status.textContent = status;
  }

  function addErrors(item, errors) {
    errors.forEach(function (text) {
      var error = document.createElement("p");
      error.className = "upload-item__error";
      error.textContent = text;
      item.element.appendChild(error);
    });
  }

  function makeItem(file) {
    var element = itemTemplate.content.firstElementChild.cloneNode(true);
    element.querySelector(".upload-item__name").textContent = file.name;
    list.appendChild(element);
    var item = {
      file: file,
      element: element,
      progress: element.querySelector("progress"),
      status: element.querySelector(".upload-item__status"),
      added: false,
    };
    setState(item, "waiting", msg.msgWaiting);
    return item;
  }

  function upload(item, done) {
    var request = new XMLHttpRequest();
    var data = new FormData();
    data.append("files", item.file, item.file.name);
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", token);
    setState(item, "uploading", msg.msgUploading);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        item.progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    request.upload.addEventListener("load", function () {
      // Sent; the server now checks the photo and makes its renditions.
      item.progress.removeAttribute("value");
      setState(item, "processing", msg.msgProcessing);
    });
    request.addEventListener("load", function () {
      var answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = null;
      }
      var result = answer && answer.results && answer.results[0];
      item.progress.value = 100;
      if (request.status === 200 && result && result.ok) {
        item.added = true;
        setState(item, "done", msg.msgDone);
        var thumb = document.createElement("img");
        thumb.className = "upload-item__thumb";
        thumb.src = result.thumb;
        thumb.alt = "";
        item.element.querySelector(".upload-item__name").prepend(thumb);
      } else if (result || (answer && answer.errors)) {
        setState(item, "refused", msg.msgRefused);
        addErrors(item, result ? result.errors : answer.errors);
      } else {
        setState(item, "refused", msg.msgRefused);
        addErrors(item, [msg.msgFailed]);
      }
      done();
    });
    request.addEventListener("error", function () {
      item.progress.value = 0;
      setState(item, "refused", msg.msgRefused);
      addErrors(item, [msg.msgFailed]);
      done();
    });
    request.send(data);
  }

  function sortOntoVisits(items) {
    var added = items.filter(function (item) { return item.added; }).length;
    var counted = msg.msgSummary.replace("{added}", added).replace("{total}", items.length);
    summary.textContent = counted;
    if (!added) {
      finish();
      return;
    }
    summary.textContent = counted + " " + msg.msgSorting;
    var request = new XMLHttpRequest();
    request.open("POST", form.dataset.assignUrl);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", token);
    request.addEventListener("loadend", function () {
      var sorted = "";
      try {
        sorted = JSON.parse(request.responseText).message || "";
      } catch (error) {
        // The photos are kept either way; staff can sort them from the grid.
      }
      summary.textContent = sorted ? counted + " " + sorted : counted;
      finish();
    });
    request.send();
  }

  function finish() {
    busy = false;
    submit.disabled = false;
    input.value = "";
    next.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) {
      return; // the server explains what is missing
    }
    event.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    submit.disabled = true;
    list.textContent = "";
    summary.textContent = "";
    next.hidden = true;
    results.hidden = false;
    var items = files.map(makeItem);
    var queue = items.slice();
    var running = 0;

    function startMore() {
      while (running < SIMULTANEOUS && queue.length) {
        running += 1;
        upload(queue.shift(), function () {
          running -= 1;
          if (!queue.length && !running) {
            sortOntoVisits(items);
          } else {
            startMore();
          }
        });
      }
    }
    startMore();
  });

  window.addEventListener("beforeunload", function (event) {
    if (busy) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
