"""How figures are shown, without the database: page scope and cards, Plotly figures, printed SVG
charts, indicator labels."""
