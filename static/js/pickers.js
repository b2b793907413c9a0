/* Search in the person and unit pickers: select2 (vendored by Django admin) asking
   /review/pick/<people|units>/?term= for a page of matches at a time. Without this file
   every picker is a plain drop-down of the same choices. */
(function () {
  "use strict";

  var $ = window.jQuery;
  if (!$ || !$.fn.select2) {
    return;
  }
  var lang = document.documentElement.lang.indexOf("zh") === 0 ? "zh-CN" : "en";

  $("select[data-pick]").each(function () {
    var select = $(this);
    select.select2({
      language: lang,
      width: "100%",
      allowClear: !select.prop("multiple"),
      placeholder: select.data("placeholder") || "",
      ajax: {
        url: select.data("pick"),
        dataType: "json",
        delay: 250,
        data: function (params) {
          return { term: params.term || "", page: params.page || 1 };
        }
      }
    });
  });
})();
