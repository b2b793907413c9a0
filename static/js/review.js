/* The review desk without page loads: decide on one takeaway in place, tick them all.
   Everything works without this file; it only saves a round trip per decision. */
(function () {
  "use strict";

  var form = document.getElementById("review-form");
  if (!form || !window.fetch) {
    return;
  }

  var selectAll = form.querySelector(".js-select-all");
  if (selectAll) {
    selectAll.closest("label").hidden = false;
    selectAll.addEventListener("change", function () {
      form.querySelectorAll('input[name="takeaways"]').forEach(function (box) {
        box.checked = selectAll.checked;
      });
    });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.name !== "act" || button.value.indexOf(":") === -1) {
      return; // bulk decisions and the action item go through a normal page load
    }
    event.preventDefault();
    var row = button.closest(".review-item");
    var errors = row.querySelector(".review-item__errors");
    var buttons = row.querySelectorAll("button");
    var data = new FormData(form);
    data.set("act", button.value);
    buttons.forEach(function (b) { b.disabled = true; });
    errors.textContent = "";

    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (result) {
        if (result.ok) {
          // The page now shows the trip as this decision left it.
          document.querySelectorAll('input[name="page_version"]').forEach(function (input) {
            input.value = result.page_version;
          });
          row.querySelector(".review-item__status").textContent = result.status;
          row.className = "review-item is-decided review-item--" + button.value.split(":")[0];
          buttons.forEach(function (b) { b.disabled = false; });
          return;
        }
        result.errors.forEach(function (message) {
          var item = document.createElement("li");
          item.textContent = message;
          errors.appendChild(item);
        });
        buttons.forEach(function (b) { b.disabled = false; });
      })
      .catch(function () {
        // Let the server answer with a full page, as without JavaScript.
        var act = document.createElement("input");
        act.type = "hidden";
        act.name = "act";
        act.value = button.value;
        form.appendChild(act);
        form.submit();
      });
  });
})();
