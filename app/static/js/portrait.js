// Political portraits (政治画像): draw each [data-portrait] element as a radar chart when
// ECharts is loaded. A build without the radar series (the house vendors the "common" build)
// silently drops it, so then the same numbers are drawn as grouped bars; without ECharts the
// table beside stays the whole story. Also [data-print] buttons print the page (no inline
// script under the CSP).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
  if (!window.echarts) {
    return;
  }

  function valuesOf(s) {
    return s.values.map(function (v) {
      return v === null ? 0 : v;
    });
  }

  function radar(data, series) {
    return {
      legend: { bottom: 0, data: series.map(function (s) { return s.name; }) },
      tooltip: {},
      radar: {
        indicator: data.axes.map(function (name) {
          return { name: name, max: 100 };
        })
      },
      series: [
        {
          type: "radar",
          data: series.map(function (s) {
            return { name: s.name, value: valuesOf(s) };
          })
        }
      ]
    };
  }

  function bars(data, series) {
    return {
      legend: { bottom: 0 },
      tooltip: {},
      grid: { left: 40, right: 10, top: 10, bottom: 60 },
      xAxis: { type: "category", data: data.axes },
      yAxis: { type: "value", max: 100 },
      series: series.map(function (s) {
        return { type: "bar", name: s.name, data: valuesOf(s) };
      })
    };
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-portrait]"), function (el) {
    var data;
    try {
      data = JSON.parse(el.getAttribute("data-portrait"));
    } catch (e) {
      return;
    }
    var series = data.series.filter(function (s) {
      return s.values.some(function (v) {
        return v !== null;
      });
    });
    if (!series.length) {
      return;
    }
    el.style.height = "320px";
    var chart = window.echarts.init(el);
    chart.setOption(radar(data, series));
    var drawn = chart.getOption().series || [];
    if (!drawn.length) {
      chart.clear();
      chart.setOption(bars(data, series));
    }
    el.setAttribute("data-drawn", drawn.length ? "radar" : "bar");
    window.addEventListener("resize", function () {
      chart.resize();
    });
  });
})();
