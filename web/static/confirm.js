// Ask before a state change that is hard to undo (forms marked class="confirm" data-confirm="…").
(function () {
  "use strict";
  document.querySelectorAll("form.confirm[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  });
})();
