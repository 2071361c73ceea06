/* Every page: a select in a form marked data-autosubmit submits on change (its button stays for
   keyboard users and browsers without JavaScript). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();

/* Tables on a phone: each cell gets its column's header as data-label, so that app.css can show a
   row as a card of "header: value" lines below 640 px instead of a box that scrolls sideways (where
   a phone showed the labels and hid the numbers). Every table of the page's main part with one
   header row qualifies. */
(function () {
  "use strict";
  document.querySelectorAll("main table").forEach(function (table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (rows.length !== 1) {
      return;
    }
    var headers = Array.prototype.map.call(rows[0].cells, function (cell) {
      return cell.colSpan === 1 ? cell.textContent.trim() : null;
    });
    if (headers.indexOf(null) !== -1) {
      return;
    }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (headers[index]) {
            cell.setAttribute("data-label", headers[index]);
          }
        });
      });
    });
    table.classList.add("stacks");
  });
})();

/* The account menu in the header (a <details>) closes on Escape or a click elsewhere, as menus do. */
(function () {
  "use strict";
  var menu = document.querySelector("details.account");
  if (!menu) {
    return;
  }
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) {
      menu.open = false;
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
