// The itinerary's interactive route map: each day's stops from /api/v1/itineraries/{id}/map
// (scoped to the caller's key, like the itinerary), drawn with plotly.js served from this origin.
// Longitude and latitude are the axes (one degree of latitude kept square to the local
// longitude): no tiles are fetched, so nothing leaves this origin. Values are inserted as text.
"use strict";

window.mapState = { itinerary: null, days: 0, stops: 0, error: null };

function fail(error) {
  window.mapState.error = error.message;
  $("status").textContent = error.message;
  $("status").classList.add("error");
  if (error.status === 401) showKeyForm("Your key is no longer valid; sign in again.");
}

function traces(days) {
  return days.map((d) => ({
    type: "scatter", mode: "lines+markers+text", name: `Day ${d.number}`,
    x: d.stops.map((s) => s.lon), y: d.stops.map((s) => s.lat),
    text: d.stops.map((s) => (s.kind === "hotel" ? "H" : "")), textposition: "top center",
    hovertext: d.stops.map((s) => `Day ${d.number}: ${s.label}`), hoverinfo: "text",
    marker: { size: d.stops.map((s) => (s.kind === "hotel" ? 12 : 9)),
      symbol: d.stops.map((s) => (s.kind === "hotel" ? "square" : "circle")) },
  }));
}

function dayList(days) {
  return days.map((d) => el("li", {}, el("h3", {}, `Day ${d.number}: ${d.title}`),
    el("ol", {}, ...d.stops.map((s) => el("li", {}, s.kind === "hotel" ? `${s.label} (hotel)` : s.label,
      s.street_view ? " · " : null,
      s.street_view ? el("a", { href: s.street_view, rel: "noreferrer", target: "_blank" }, "Street View") : null)))));
}

async function show(id) {
  $("status").textContent = "";
  $("status").classList.remove("error");
  const body = await api(`/api/v1/itineraries/${encodeURIComponent(id)}/map`);
  const days = body.days.filter((d) => d.stops.length);
  const lats = days.flatMap((d) => d.stops.map((s) => s.lat));
  const mid = lats.length ? (Math.min(...lats) + Math.max(...lats)) / 2 : 0;
  const layout = { title: { text: body.title }, showlegend: true, hovermode: "closest", margin: { t: 40 },
    xaxis: { title: { text: "longitude" } },
    yaxis: { title: { text: "latitude" }, scaleanchor: "x", scaleratio: 1 / Math.cos((mid * Math.PI) / 180) } };
  await Plotly.react($("map"), traces(days), layout, { responsive: true, displaylogo: false });
  $("days").replaceChildren(...dayList(days));
  window.mapState = { itinerary: body.itinerary_id, days: days.length,
    stops: days.reduce((n, d) => n + d.stops.length, 0), error: null };
  history.replaceState(null, "", `?id=${body.itinerary_id}`);
}

startPage(async () => {
  const id = new URLSearchParams(location.search).get("id");
  $("pick").addEventListener("submit", (ev) => {
    ev.preventDefault();
    markReady(false);
    show($("itinerary-id").value).catch(fail).finally(() => markReady(true));
  });
  if (id) {
    $("itinerary-id").value = id;
    try { await show(id); } catch (error) { if (error.status === 401) throw error; fail(error); }
  }
});
