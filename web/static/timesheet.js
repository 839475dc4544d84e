// Sums on the timesheet as the mentor types: hours entered per participant and for the
// week, beside the hours planned. The page shows the saved sums without this script.
(function () {
  "use strict";
  var form = document.querySelector("form.timesheet");
  if (!form) return;
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "da",
                                  { maximumFractionDigits: 2 });

  // As the server counts: a number of quarter hours from 0 to 20, anything else 0.
  function hours(input) {
    var raw = input.value.trim().replace(",", ".");
    if (!/^\d+(\.\d+)?$/.test(raw)) return 0;
    var v = parseFloat(raw);
    return v <= 20 && Math.round(v * 4) === v * 4 ? v : 0;
  }

  function update() {
    var week = 0;
    form.querySelectorAll("fieldset").forEach(function (card) {
      var sum = 0;
      card.querySelectorAll(".task input").forEach(function (i) { sum += hours(i); });
      var out = card.querySelector(".planned .sum");
      if (out) out.textContent = fmt.format(sum);
      week += sum;
    });
    var total = form.querySelector(".week-total .sum");
    if (total) total.textContent = fmt.format(week);
  }

  form.addEventListener("input", update);
  update();  // what was typed (or filled in by the browser) before this script ran
})();
