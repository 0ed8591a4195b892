// The login page and the login queue (app/auth/login_queue.py): at the start of an exam
// thousands log in at once, and the server answers those it cannot check yet with 503 and
// X-Login-Wait (seconds). The page sends the form itself so that it can wait that long,
// saying so, and send the same form again — the password never leaves the form. Other
// answers: a login goes where the server says ({"next": ...}); a refusal replaces the page,
// as the ordinary form post would have.
(function () {
  "use strict";
  var form = document.querySelector("form[data-login-queue]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var note = form.querySelector("[role=status]");
  var button = form.querySelector("button[type=submit]");
  var waitText = form.getAttribute("data-wait-text") || "";
  var sending = false;

  function showPage(html) {
    document.open();
    document.write(html);
    document.close();
  }

  function countDown(seconds) {
    note.hidden = false;
    note.textContent = waitText.replace("{s}", String(seconds));
    if (seconds <= 0) {
      send();
      return;
    }
    window.setTimeout(function () {
      countDown(seconds - 1);
    }, 1000);
  }

  function send() {
    window
      .fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Login-Queue": "1" },
      })
      .then(function (response) {
        var wait = parseInt(response.headers.get("X-Login-Wait") || "", 10);
        if (response.status === 503 && wait > 0) {
          countDown(wait);
          return null;
        }
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/json") === 0) {
          return response.json().then(function (data) {
            window.location.assign(data.next);
          });
        }
        return response.text().then(showPage);
      })
      .catch(function () {
        // The network failed: say so and let the person press the button again.
        sending = false;
        button.disabled = false;
        note.hidden = false;
        note.textContent = form.getAttribute("data-offline-text") || "";
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) {
      return;
    }
    sending = true;
    button.disabled = true;
    send();
  });
})();
