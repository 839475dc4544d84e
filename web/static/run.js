// Polls a run's status and updates the page without a reload; reloads once when done.
// Without JavaScript a <noscript> meta refresh reloads the page instead.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || box.dataset.finished === "true") return;
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("run-progress");
  var phase = document.getElementById("run-phase");
  var state = document.getElementById("run-status");
  var clock = document.getElementById("run-elapsed");
  function tick() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        if (bar) { bar.value = s.progress; bar.textContent = s.progress + " %"; }
        if (phase) { phase.textContent = s.phase_text; }
        if (state) { state.textContent = s.status_text; state.className = "tag " + s.status; }
        if (clock) {
          clock.textContent = clock.dataset.template
            .replace("{s}", s.elapsed).replace("{limit}", s.time_limit);
        }
        if (s.finished) { window.location.reload(); return; }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 700);
})();
