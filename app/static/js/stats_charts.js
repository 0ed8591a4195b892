// Draws every statistics chart from its data-chart attribute (no inline script: the CSP).
// The table beside each chart carries the same figures for screen readers and print.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") {
    return;
  }
  function option(data) {
    var series = data.series.map(function (s) {
      return { name: s.name, type: data.type === "line" ? "line" : "bar", data: s.values };
    });
    return {
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: data.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 48, right: 16, top: data.series.length > 1 ? 32 : 16, bottom: 64 },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 30 : 0 } },
      yAxis: data.percent ? { type: "value", max: 100, axisLabel: { formatter: "{value}%" } } : { type: "value", minInterval: 1 },
      series: series
    };
  }
  function draw() {
    document.querySelectorAll(".xk-chart[data-chart]").forEach(function (el) {
      var data;
      try {
        data = JSON.parse(el.getAttribute("data-chart"));
      } catch (e) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(data));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
