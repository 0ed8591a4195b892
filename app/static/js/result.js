// Result page: on a phone, the items answered correctly start folded (their summary line
// still shows the verdict), so the review is mostly what needs re-reading.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(max-width: 767.98px)").matches) {
    return;
  }
  document.querySelectorAll("details.xk-review-item[data-verdict=correct]").forEach((item) => {
    item.open = false;
  });
})();
