/* Draws every chart of the page: an element with data-figure="ID" gets the Plotly figure stored as
   JSON in <script id="ID" type="application/json"> (written by Django's json_script, so no inline
   script runs and a Content-Security-Policy can forbid them). A clicked bar whose customdata is a
   URL opens that page: the enterprise table filtered to the enterprises behind the bar. */
(function () {
  "use strict";
  if (!window.Plotly) {
    return;
  }
  var config = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d"]
  };
  // Plotly's toolbar tips and notices in the page's language, written by the server
  // ({% plotly_locale %}: reports/charts.py plotly_locale), so no words live in this file.
  var locale = document.getElementById("plotly-locale");
  if (locale) {
    Object.assign(config, JSON.parse(locale.textContent));
  }
  document.querySelectorAll("[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function (plot) {
      plot.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var url = point && point.customdata;
        if (typeof url === "string" && url.charAt(0) === "/") {
          window.location.assign(url);
        }
      });
    });
  });
})();
