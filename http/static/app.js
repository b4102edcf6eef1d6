// aptgraph: a little progressive enhancement. Every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Sort a table by the column whose header is clicked.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, col) {
      th.title = "Sort";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var asc = th.dataset.sort !== "asc";
        table.querySelectorAll("th").forEach(function (h) { delete h.dataset.sort; });
        th.dataset.sort = asc ? "asc" : "desc";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  // Bring the highlighted quote into view.
  var hl = document.getElementById("hl");
  if (hl) { hl.scrollIntoView({ block: "center" }); }
});
