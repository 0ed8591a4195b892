// Lesson page: tell the server "this page is visible" every few seconds while it is, and
// once when the end of the lesson has been on screen. The server measures the time itself;
// nothing here sends a duration. Hidden pages send nothing (Page Visibility API).
(function () {
  "use strict";
  var root = document.getElementById("lesson");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-heartbeat-url");
  var every = Math.max(parseInt(root.getAttribute("data-heartbeat-seconds"), 10) || 15, 1) * 1000;
  var box = document.getElementById("lesson-status");
  var statusText = box.querySelector("[data-status-text]");
  var courseText = box.querySelector("[data-course-text]");
  var marker = root.querySelector("[data-lesson-end]");
  var timer = null;
  var endSeen = false;
  var endSent = false;

  function message(name) {
    return root.getAttribute("data-msg-" + name) || "";
  }

  function clock(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function show(state) {
    if (state.studied) {
      statusText.textContent = message("studied");
      box.classList.remove("alert-light");
      box.classList.add("alert-success");
      root.setAttribute("data-studied", "true");
    } else {
      var text = message("reading")
        .replace("{read}", clock(state.seconds))
        .replace("{need}", clock(state.required_seconds));
      if (!state.reached_end) {
        text += " · " + message("end");
      }
      statusText.textContent = text;
    }
    var percent = String(state.course.percent);
    courseText.textContent = message("course").replace("{percent}", percent);
    var bar = document.querySelector("[data-course-progress]");
    var barText = document.querySelector("[data-course-progress-text]");
    if (bar) {
      bar.value = state.course.percent;
      bar.textContent = percent + "%";
    }
    if (barText) {
      barText.textContent = percent + "%";
    }
  }

  function beat(body) {
    return window.Xuekao.send("POST", url, body, { keepalive: true })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        if (body.reached_end) {
          endSent = true;
        }
        show(state);
      })
      .catch(function () {
        statusText.textContent = message("offline");
      });
  }

  function tick() {
    beat(endSeen && !endSent ? { reached_end: true } : {});
  }

  function start() {
    if (timer === null) {
      // a new visible run: the time the page spent hidden must not count
      beat({ start: true, reached_end: endSeen && !endSent });
      timer = window.setInterval(tick, every);
    }
  }

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
      tick(); // closes the run: the time since the last beat was visible
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      start();
    } else {
      stop();
    }
  });
  window.addEventListener("pagehide", stop);

  if (marker && "IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && document.visibilityState === "visible" && !endSeen) {
          endSeen = true;
          observer.disconnect();
          if (timer !== null) {
            tick();
          }
        }
      });
    });
    observer.observe(marker);
  }

  if (document.visibilityState === "visible") {
    start();
  }
})();
