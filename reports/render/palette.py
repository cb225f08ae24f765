"""The colours of every chart, table header and direction mark, in one place.

Why one palette: a series keeps its colour from the dashboard to the PDF to the e-mail, and the
series colours are chosen to stay distinct for the common colour-vision deficiencies and in print.
"""

BRAND = "#1f4e79"          # table headers, single-series charts, titles
POSITIVE = "#2e7d32"       # single-series bars that count something good (bookings)
SERIES = ["#1f4e79", "#e07a1f", "#2e8b57", "#b03a48", "#6a5acd", "#8c8c8c", "#c9a227", "#17becf",
          "#7f3c8d", "#11a579", "#3969ac", "#f2b701", "#e73f74", "#80ba5a", "#e68310", "#008695"]
SEQUENTIAL = [[0.0, "#eff6ff"], [0.5, "#60a5fa"], [1.0, "#1e3a8a"]]
DIRECTION = {"up": "#1a7f37", "down": "#c62828", "flat": "#6b7280"}
