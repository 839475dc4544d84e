// A "Copy" button next to a one-time link (calendar, invitation): hidden until this runs.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.dataset.copy);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var status = button.nextElementSibling;  // the status region: read out when it changes
      var done = function () {
        button.textContent = button.dataset.done;
        if (status && status.getAttribute("role") === "status") {
          status.textContent = button.dataset.done;
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          document.execCommand("copy"); done();
        });
      } else {
        document.execCommand("copy"); done();
      }
    });
  });
})();
