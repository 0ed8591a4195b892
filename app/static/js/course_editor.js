// Lesson editor: a live preview of the Markdown, rendered and sanitised by the server
// (the same code as the lesson page), refreshed a moment after typing stops.
(function () {
  "use strict";
  var editor = document.querySelector("textarea[data-preview-url]");
  if (!editor || !window.fetch) {
    return;
  }
  var target = document.getElementById(editor.getAttribute("data-preview-target"));
  var status = document.getElementById("lesson-preview-status");
  var anchors = document.getElementById("lesson-preview-anchors");
  var timer = null;
  var sent = 0;

  function showAnchors(headings) {
    if (!anchors) {
      return;
    }
    anchors.textContent = "";
    if (!headings.length) {
      return;
    }
    anchors.appendChild(document.createTextNode(anchors.getAttribute("data-msg-label")));
    headings.forEach(function (heading) {
      var code = document.createElement("code");
      code.textContent = "#" + heading.anchor;
      code.title = heading.text;
      anchors.appendChild(code);
      anchors.appendChild(document.createTextNode(" "));
    });
  }

  function refresh() {
    var number = ++sent;
    window.Xuekao.send("POST", editor.getAttribute("data-preview-url"), {
      markdown: editor.value
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        if (number !== sent) {
          return; // a newer preview is on its way
        }
        target.innerHTML = data.html; // sanitised by the server (nh3)
        showAnchors(data.headings);
        status.textContent = "";
      })
      .catch(function () {
        status.textContent = status.getAttribute("data-msg-error");
      });
  }

  editor.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
  refresh();
})();
