// Xuekao: behaviour shared by every page. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // Forms that ask before submitting: <form data-confirm="...">
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Selects that submit their form on change: <select data-autosubmit>
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
})();
