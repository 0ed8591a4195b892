// Political portraits (政治画像): draw each [data-portrait] element as a radar chart when
// ECharts is loaded; without it the table beside stays the whole story. Also [data-print]
// buttons print the page (no inline script under the CSP).
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
    el.style.height = "320px";
    var chart = window.echarts.init(el);
    chart.setOption({
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
            return {
              name: s.name,
              value: s.values.map(function (v) {
                return v === null ? 0 : v;
              })
            };
          })
        }
      ]
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  });
})();
