// Ask before a state change that is hard to undo (forms marked class="confirm" data-confirm="…").
// A yes is passed on as confirmed=1; without JavaScript the server asks on a page instead.
(function () {
  "use strict";
  document.querySelectorAll("form.confirm[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      // A field left empty: no question yet; the server answers with the error at the field.
      if (!form.checkValidity()) return;
      if (!window.confirm(form.dataset.confirm)) { ev.preventDefault(); return; }
      var flag = form.querySelector("input[name=confirmed]");
      if (flag) flag.value = "1";
    });
  });
})();
