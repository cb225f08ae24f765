"""Charts render to real PNG images through kaleido and the system Chromium."""

from __future__ import annotations

import plotly.graph_objects as go

from reports.render.png import render_png, render_pngs

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_figure_renders_to_a_png_of_the_requested_size(chromium):
    png = render_png(go.Figure(go.Bar(x=["Jaipur", "Goa"], y=[3, 5])), width=400, height=200, scale=1)
    assert png.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (400, 200)


def test_a_batch_renders_every_figure_in_order(chromium):
    figures = [go.Figure(go.Scatter(x=[1, 2, 3], y=[i, i * 2, i * 3])) for i in range(1, 4)]
    images = render_pngs(figures, width=300, height=150, scale=1)
    assert len(images) == 3 and all(i.startswith(PNG_SIGNATURE) for i in images)
    assert len(set(images)) == 3  # different data, different pictures
