// Practice and daily quiz: one question at a time; "submit" sends the answer to the JSON
// API and shows the verdict, the key, the explanation and the source it sends back. The
// page itself holds no key: the server sends it only after the question is answered.
(function () {
  "use strict";
  var root = document.getElementById("practice");
  if (!root || !window.fetch) {
    return;
  }
  var cards = Array.prototype.slice.call(root.querySelectorAll(".xk-pq"));
  var current = parseInt(root.getAttribute("data-current"), 10) || 0;
  var answerUrl = root.getAttribute("data-answer-url");
  var prev = root.querySelector("[data-prev]");
  var next = root.querySelector("[data-next]");

  function message(name) {
    return root.getAttribute("data-msg-" + name) || "";
  }

  function show(index) {
    if (index < 0 || index >= cards.length) {
      return;
    }
    current = index;
    cards.forEach(function (card, i) {
      card.hidden = i !== index;
    });
    prev.disabled = index === 0;
    next.disabled = index === cards.length - 1;
    var focusable = cards[index].querySelector("input:not([disabled])");
    if (focusable && document.activeElement && document.activeElement !== document.body) {
      focusable.focus({ preventScroll: true });
    }
    cards[index].scrollIntoView({ block: "nearest" });
  }

  function responseOf(card) {
    var type = card.getAttribute("data-type");
    var inputs = Array.prototype.slice.call(card.querySelectorAll("input"));
    var checked = inputs.filter(function (input) {
      return input.checked;
    });
    if (type === "single") {
      return checked.length ? parseInt(checked[0].value, 10) : null;
    }
    if (type === "multiple") {
      return checked.length
        ? checked.map(function (input) {
            return parseInt(input.value, 10);
          })
        : null;
    }
    if (type === "judge") {
      return checked.length ? checked[0].value === "true" : null;
    }
    var texts = inputs.map(function (input) {
      return input.value;
    });
    var any = texts.some(function (text) {
      return text.trim() !== "";
    });
    return any ? texts : null;
  }

  function markOptions(card, feedback) {
    var type = card.getAttribute("data-type");
    var key = feedback.correct_answer;
    var given = feedback.response;
    Array.prototype.forEach.call(card.querySelectorAll("[data-option]"), function (el) {
      var raw = el.getAttribute("data-option");
      var value = type === "judge" ? raw === "true" : parseInt(raw, 10);
      var isKey = type === "judge" ? value === key : key.indexOf(value) !== -1;
      var chosen =
        type === "multiple" ? given.indexOf(value) !== -1 : value === given;
      if (isKey) {
        el.classList.add("xk-opt-right");
      } else if (chosen) {
        el.classList.add("xk-opt-wrong");
      }
    });
  }

  function showFeedback(card, feedback) {
    var box = card.querySelector("[data-feedback]");
    box.classList.remove("alert-success", "alert-danger");
    box.classList.add(feedback.correct ? "alert-success" : "alert-danger");
    box.querySelector("[data-fb-verdict]").textContent = message(feedback.correct ? "right" : "wrong");
    box.querySelector("[data-fb-answer]").textContent = feedback.correct_answer_text;
    // explanation_html is sanitised by the server (an allow-list, no scripts)
    box.querySelector("[data-fb-explanation]").innerHTML = feedback.explanation_html;
    var source = feedback.source || {};
    var wrap = box.querySelector("[data-fb-source-wrap]");
    var link = box.querySelector("[data-fb-source-link]");
    if (source.url) {
      link.href = source.url;
      link.textContent = source.title || source.url;
      link.hidden = false;
    }
    box.querySelector("[data-fb-source-text]").textContent = source.text || "";
    wrap.hidden = !(source.url || source.text);
    box.hidden = false;
    card.querySelector("fieldset").disabled = true;
    card.querySelector(".xk-submit").hidden = true;
    card.setAttribute("data-answered", "true");
    if (type(card) !== "blank") {
      markOptions(card, feedback);
    }
  }

  function type(card) {
    return card.getAttribute("data-type");
  }

  function showProgress(progress) {
    root.querySelector("[data-answered]").textContent = progress.answered;
    root.querySelector("[data-correct]").textContent = progress.correct;
    root.querySelector("[data-progress]").value = progress.answered;
    if (progress.finished || progress.answered >= progress.total) {
      root.querySelector("[data-done]").hidden = false;
      // nothing left unanswered: ending the run loses nothing, so it need not ask
      var finish = document.getElementById("practice-finish");
      if (finish) {
        finish.removeAttribute("data-confirm");
      }
    }
  }

  function submit(card) {
    var error = card.querySelector("[data-error]");
    var button = card.querySelector(".xk-submit");
    var response = responseOf(card);
    error.textContent = "";
    if (response === null) {
      error.textContent = message("empty");
      return;
    }
    button.disabled = true;
    button.textContent = message("sending");
    var url = answerUrl.replace(/\/0$/, "/" + card.getAttribute("data-question-id"));
    window.Xuekao.send("POST", url, { response: response })
      .then(function (reply) {
        return reply.json().then(
          function (body) {
            return { ok: reply.ok, body: body };
          },
          function () {
            return { ok: false, body: {} };
          }
        );
      })
      .then(function (result) {
        if (!result.ok) {
          throw { userMessage: result.body.message };
        }
        showFeedback(card, result.body);
        showProgress(result.body.progress);
        next.focus();
      })
      .catch(function (err) {
        error.textContent = (err && err.userMessage) || message("failed");
      })
      .then(function () {
        button.disabled = false;
        button.textContent = message("submit");
      });
  }

  root.addEventListener("submit", function (event) {
    var card = event.target.closest(".xk-pq");
    if (card) {
      event.preventDefault();
      submit(card);
    }
  });
  prev.addEventListener("click", function () {
    show(current - 1);
  });
  next.addEventListener("click", function () {
    show(current + 1);
  });
  cards.forEach(function (card) {
    if (card.getAttribute("data-answered") !== "true") {
      card.querySelector(".xk-submit").disabled = false;
    }
  });
  show(current);
})();
