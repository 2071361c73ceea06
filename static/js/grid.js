// The period grid: Enter and the up/down arrows move between rows of one column like a
// spreadsheet; changed cells are highlighted; leaving the page with unsaved changes asks first.
// The page works without this script.
(function () {
  "use strict";
  var table = document.querySelector("[data-grid]");
  if (!table) { return; }
  var form = table.closest("form");
  var dirty = false;

  function cellInput(input, rowStep) {
    var cell = input.closest("td");
    var row = cell.parentElement;
    var index = Array.prototype.indexOf.call(row.children, cell);
    var target = rowStep > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (target) {
      var next = target.children[index] && target.children[index].querySelector("input");
      if (next) { return next; }
      target = rowStep > 0 ? target.nextElementSibling : target.previousElementSibling;
    }
    return null;
  }

  table.addEventListener("keydown", function (event) {
    if (event.target.tagName !== "INPUT") { return; }
    var step = 0;
    if (event.key === "Enter" || event.key === "ArrowDown") { step = 1; }
    if (event.key === "ArrowUp") { step = -1; }
    if (!step) { return; }
    var next = cellInput(event.target, step);
    event.preventDefault();
    if (next) { next.focus(); next.select(); }
  });

  table.addEventListener("input", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT") { return; }
    input.classList.toggle("changed", input.value !== input.defaultValue);
    dirty = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  if (form) { form.addEventListener("submit", function () { dirty = false; }); }
}());
