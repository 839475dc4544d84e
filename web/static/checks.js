// "Select all" / "Select none" for a long list of checkboxes (participants to match,
// proposals to approve). The buttons are in the page, hidden until this script runs.
(function () {
  "use strict";
  document.querySelectorAll(".check-tools[data-for]").forEach(function (tools) {
    var boxes = document.querySelectorAll(
      'input[type="checkbox"][name="' + tools.dataset.for + '"]');
    if (boxes.length < 2) return;
    tools.hidden = false;
    tools.querySelectorAll("button[data-check]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.dataset.check === "all";
        boxes.forEach(function (box) { box.checked = on; });
      });
    });
  });
})();
