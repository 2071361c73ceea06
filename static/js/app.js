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
