// A page that comes back with errors puts the cursor in the first field that has one, so a
// keyboard or screen-reader user lands on what to correct (its message is tied to it).
(function () {
  "use strict";
  var first = document.querySelector("main [aria-invalid=true]");
  if (first && !document.querySelector("main [autofocus]")) first.focus();
})();
