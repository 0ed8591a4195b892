// Exam paper rules (抽题规则): rules are added and removed on the page; the server reads
// every rule-N-* group it is sent, whatever the numbers.
(function () {
  "use strict";
  var form = document.getElementById("rules-form");
  var template = document.getElementById("rule-template");
  var list = document.getElementById("rules");
  if (!form || !template || !list) {
    return;
  }
  var next = list.querySelectorAll("[data-rule-row]").length;

  document.getElementById("add-rule").addEventListener("click", function () {
    var html = template.innerHTML.split("__i__").join(String(next));
    next += 1;
    list.insertAdjacentHTML("beforeend", html);
    var rows = list.querySelectorAll("[data-rule-row]");
    rows[rows.length - 1].querySelector("select").focus();
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-rule]");
    if (!button) {
      return;
    }
    var row = button.closest("[data-rule-row]");
    if (list.querySelectorAll("[data-rule-row]").length > 1) {
      row.remove();
    } else {
      // the last row stays, emptied: a rule whose bank is （不用） is not saved
      row.querySelectorAll("select").forEach(function (select) {
        select.selectedIndex = 0;
      });
      row.querySelectorAll("input[name$='-count'], input[name$='-points_each']").forEach(function (input) {
        input.value = "";
      });
    }
  });
})();
