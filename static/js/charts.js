/* Draws every chart of the page: an element with data-figure="ID" gets the Plotly figure stored as
   JSON in <script id="ID" type="application/json"> (written by Django's json_script, so no inline
   script runs and a Content-Security-Policy can forbid them). A clicked bar whose customdata is a
   URL opens that page: the enterprise table filtered to the enterprises behind the bar. */
(function () {
  "use strict";
  if (!window.Plotly) {
    return;
  }
  // Phones (tests/e2e at 375 px): no toolbar over the chart's own buttons, long labels wrapped.
  var narrow = window.matchMedia("(max-width: 640px)").matches;
  var config = {
    displaylogo: false,
    responsive: true,
    displayModeBar: narrow ? false : "hover",
    modeBarButtonsToRemove: ["select2d", "lasso2d"]
  };
  // Plotly's toolbar tips and notices in the page's language, written by the server
  // ({% plotly_locale %}: reports/charts.py plotly_locale), so no words live in this file.
  var locale = document.getElementById("plotly-locale");
  if (locale) {
    Object.assign(config, JSON.parse(locale.textContent));
  }

  // "KCN Bắc Duyên Hải" -> "KCN Bắc<br>Duyên Hải": words kept whole, lines of about `width` letters.
  function wrap(text, width) {
    if (typeof text !== "string" || text.length <= width || text.indexOf("<br>") !== -1) {
      return text;
    }
    var lines = [];
    text.split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.join("<br>");
  }

  function wrapAnnotations(annotations, width) {
    (annotations || []).forEach(function (annotation) {
      annotation.text = wrap(annotation.text, width);
    });
  }

  // Shared by every chart, whatever reports/charts.py sets: axes make room for their labels
  // (automargin), and a bar's text too small to read is left out (the table below has every number)
  // instead of being shrunk to a few pixels.
  function fit(figure) {
    var layout = figure.layout || {};
    ["xaxis", "yaxis"].forEach(function (name) {
      layout[name] = Object.assign({ automargin: true }, layout[name]);
    });
    layout.uniformtext = layout.uniformtext || { minsize: 10, mode: "hide" };
    if (narrow) {
      ["x", "y"].forEach(function (letter) {
        var categories = [];
        figure.data.forEach(function (trace) {
          (trace[letter] || []).forEach(function (value) {
            if (typeof value === "string" && categories.indexOf(value) === -1) {
              categories.push(value);
            }
          });
        });
        // Side by side under the bars, each label gets about a fifth of a phone's width: short
        // lines, kept horizontal (plotly would turn them on end and cut them).
        var width = letter === "x" ? 8 : 14;
        var long = categories.some(function (value) { return wrap(value, width) !== value; });
        var axis = layout[letter + "axis"];
        if (long && categories.length <= 12 && !axis.tickvals) {
          axis.tickmode = "array";
          axis.tickvals = categories;
          axis.ticktext = categories.map(function (value) { return wrap(value, width); });
          axis.tickangle = 0;
          axis.tickfont = Object.assign({ size: 10 }, axis.tickfont);
          var lines = Math.max.apply(null, axis.ticktext.map(function (text) { return text.split("<br>").length; }));
          // A legend below the bars moves down by the extra lines, off the labels.
          if (letter === "x" && layout.legend && layout.legend.y < 0) {
            layout.legend = Object.assign({}, layout.legend, { y: layout.legend.y - 0.06 * (lines - 1) });
          }
        }
      });
      // A funnel's "71 (45,5% of the step before)" does not fit a phone's bar: the number alone
      // (the table below has the rate).
      figure.data.forEach(function (trace) {
        if (trace.type === "funnel") {
          trace.texttemplate = "%{x:,}";
        }
      });
      wrapAnnotations(layout.annotations, 10);
      (layout.updatemenus || []).forEach(function (menu) {
        (menu.buttons || []).forEach(function (button) {
          button.label = wrap(button.label, 12);
          (button.args || []).forEach(function (arg) {
            if (arg && arg.annotations) {
              wrapAnnotations(arg.annotations, 10);
            }
          });
        });
        // From the left edge of the chart rather than of the bars: three buttons fit a phone.
        menu.x = -0.2;
        layout.margin = Object.assign({}, layout.margin, { t: Math.max((layout.margin || {}).t || 0, 95) });
      });
      layout.margin = Object.assign({}, layout.margin, { r: 10 });
      // A phone stacks the legend's entries: taller, so that the bars keep their height.
      if (layout.showlegend !== false && figure.data.length > 1) {
        layout.height = (layout.height || 380) + 80;
      }
    }
    figure.layout = layout;
    return figure;
  }

  document.querySelectorAll("[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    var figure = fit(JSON.parse(source.textContent));
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
