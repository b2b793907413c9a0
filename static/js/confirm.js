/* Ask before steps that are hard to take back: submitting or publishing a trip
   (form[data-confirm], or the admin list's actions named in #confirm-actions) and a
   large drop in an item's progress. Without JavaScript the server asks instead where it
   matters: the owner's update form refuses a large drop until its box is ticked. */
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });

  // The admin's list: questions by action name, from {{ …|json_script:"confirm-actions" }}.
  var actionQuestions = document.getElementById("confirm-actions");
  var changelist = document.getElementById("changelist-form");
  if (actionQuestions && changelist) {
    var questions = JSON.parse(actionQuestions.textContent);
    changelist.addEventListener("submit", function (event) {
      var action = changelist.querySelector('select[name="action"]');
      var question = action && questions[action.value];
      if (question && !window.confirm(question)) {
        event.preventDefault();
      }
    });
  }

  document.querySelectorAll("form[data-current-progress]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var before = parseInt(form.dataset.currentProgress, 10);
      var limit = parseInt(form.dataset.dropLimit, 10);
      var field = form.querySelector('input[name="progress"]');
      var after = parseInt(field ? field.value : "", 10);
      var box = form.querySelector('input[name="confirm_drop"]');
      if (isNaN(after) || before - after <= limit || (box && box.checked)) {
        return;
      }
      var question = form.dataset.confirmDrop
        .replace("{before}", before)
        .replace("{after}", after);
      if (!window.confirm(question)) {
        event.preventDefault();
        return;
      }
      if (!box) {
        box = document.createElement("input");
        box.type = "hidden";
        box.name = "confirm_drop";
        form.appendChild(box);
      }
      box.value = "on";
      box.checked = true;
    });
  });
})();
