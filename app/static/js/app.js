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

  // Forms that ask before submitting: <form data-confirm="..."> (data-confirm-label names
  // the confirming button). They ask in the page's own dialog (base.html), the same look as
  // the exam's submit dialog, never the browser's confirm() box.
  var dialog = document.getElementById("xk-confirm");
  var pending = null; // {form, submitter} waiting for an answer
  if (dialog) {
    var okButton = dialog.querySelector("[data-confirm-ok]");
    var okLabel = okButton.textContent;
    okButton.addEventListener("click", function () {
      var waiting = pending;
      pending = null;
      window.bootstrap.Modal.getOrCreateInstance(dialog).hide();
      if (waiting) {
        waiting.form.setAttribute("data-confirmed", "1");
        if (waiting.form.requestSubmit) {
          waiting.form.requestSubmit(waiting.submitter || undefined);
        } else {
          waiting.form.submit();
        }
      }
    });
    dialog.addEventListener("hidden.bs.modal", function () {
      pending = null;
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (!message) {
      return;
    }
    if (form.getAttribute("data-confirmed")) {
      form.removeAttribute("data-confirmed");
      return;
    }
    event.preventDefault();
    if (!dialog || !window.bootstrap) {
      if (window.confirm(message)) {
        form.setAttribute("data-confirmed", "1");
        form.submit();
      }
      return;
    }
    pending = { form: form, submitter: event.submitter || null };
    dialog.querySelector("[data-confirm-message]").textContent = message;
    okButton.textContent = form.getAttribute("data-confirm-label") || okLabel;
    window.bootstrap.Modal.getOrCreateInstance(dialog).show();
  });
  // Selects that submit their form on change: <select data-autosubmit>
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
})();
