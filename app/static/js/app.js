// Xuekao: behaviour shared by every page, loaded before any page's own script. No inline
// scripts (the CSP forbids them).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  // Xuekao.send(method, url, body, options): how page scripts send a request — same-origin
  // cookies, the CSRF token on every write, JSON when there is a body. ``options``: what
  // fetch takes besides those (its headers are added to). Returns fetch's promise.
  function send(method, url, body, options) {
    var init = Object.assign({}, options || {});
    var headers = Object.assign({}, init.headers || {});
    if (method !== "GET" && method !== "HEAD") {
      headers["X-CSRFToken"] = token;
    }
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    init.method = method;
    init.headers = headers;
    init.credentials = "same-origin";
    return window.fetch(url, init);
  }
  window.Xuekao = { send: send };

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
