/* Draws the insights page's charts with the vendored Apache ECharts.
   Data comes from the page's json_script block; each chart's numbers are also in the
   table beside it, so nothing is lost without JavaScript. No inline script or style:
   the page can run under a strict Content-Security-Policy. */
(function () {
  "use strict";

  var RED = "#a4161a";
  var PALETTE = ["#a4161a", "#0b5cad", "#8a6d1d", "#1a7f37", "#9a6700", "#6e40c9", "#57606a",
    "#d1242f", "#0969da", "#bf8700"];
  var FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  function init(element) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
    return chart;
  }

  function base(extra) {
    var option = {
      color: PALETTE,
      textStyle: { fontFamily: FONT },
      animation: false,
      tooltip: { trigger: "item" }
    };
    for (var key in extra) { option[key] = extra[key]; }
    return option;
  }

  // A donut whose labels stay whole on a phone: there ECharts would cut an outside label
  // at the canvas edge ("未启…"), so the ring shrinks and each label goes on two short
  // lines (name, count) laid against the edges.
  function donut(chart, data) {
    var narrow = chart.getWidth() < 480;
    var series = { type: "pie", data: data, radius: ["35%", "65%"],
      label: { formatter: "{b} {c}" } };
    if (narrow) {
      series.radius = ["26%", "48%"];
      series.label = { formatter: "{b}\n{c}", overflow: "none", alignTo: "edge",
        edgeDistance: 4, lineHeight: 16 };
      series.labelLine = { length: 6, length2: 6 };
      series.labelLayout = { hideOverlap: false };
    }
    return series;
  }

  var draw = {
    years: function (chart, data) {
      chart.setOption(base({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 56, bottom: 28 },
        xAxis: { type: "category", data: data.categories },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "trips", data: s.data };
        })
      }));
    },
    visitKinds: function (chart, data) { chart.setOption(base({ series: [donut(chart, data)] })); },
    statuses: function (chart, data) { chart.setOption(base({ series: [donut(chart, data)] })); },
    tags: function (chart, data) {
      chart.setOption(base({
        grid: { left: 100, right: 24, top: 8, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: data.categories.slice().reverse() },
        series: [{ type: "bar", data: data.values.slice().reverse(), itemStyle: { color: RED } }]
      }));
    },
    units: function (chart, data) {
      var names = data.categories.slice().reverse();
      function rev(list) { return list.slice().reverse(); }
      chart.setOption(base({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 180, right: 24, top: 36, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: names },
        series: [
          { name: element("units").dataset.labelDone || "done", type: "bar", stack: "items",
            data: rev(data.done), itemStyle: { color: "#1a7f37" } },
          { name: element("units").dataset.labelOpen || "open", type: "bar", stack: "items",
            data: rev(data.open), itemStyle: { color: "#0b5cad" } },
          { name: element("units").dataset.labelOverdue || "overdue", type: "bar",
            data: rev(data.overdue), itemStyle: { color: RED } }
        ]
      }));
    },
    provinces: function (chart, data, element) {
      var max = data.reduce(function (m, d) { return Math.max(m, d.value); }, 1);
      fetch(element.dataset.mapUrl).then(function (r) { return r.json(); }).then(function (geo) {
        echarts.registerMap("china", geo);
        chart.setOption(base({
          tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + (p.value || 0); } },
          visualMap: { min: 0, max: max, left: 8, bottom: 8, calculable: false,
            inRange: { color: ["#f6e7e7", RED] }, text: [String(max), "0"] },
          series: [{ type: "map", map: "china", roam: false, data: data,
            emphasis: { label: { show: true } }, selectedMode: false }]
        }));
        chart.on("click", function (params) {
          if (params.data && params.data.province) {
            window.location.href = element.dataset.filterUrl + "?province=" +
              encodeURIComponent(params.data.province);
          }
        });
      });
    }
  };

  function element(name) {
    return document.querySelector('[data-chart="' + name + '"]');
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("insights-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.dataset.chart;
      if (draw[name] && data[name]) { draw[name](init(el), data[name], el); }
    });
  });
})();
