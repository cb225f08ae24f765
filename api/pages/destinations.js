// The destination browse page: trending, popular in a season, similar destinations, a side-by-side
// comparison, all from /api/v1/destinations with the caller's key. Values are inserted as text.
"use strict";

const BASE = "/api/v1/destinations";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SEASON_OF_MONTH = { 12: "winter", 1: "winter", 2: "winter", 3: "summer", 4: "summer", 5: "summer",
  6: "monsoon", 7: "monsoon", 8: "monsoon", 9: "monsoon", 10: "post_monsoon", 11: "post_monsoon" };
window.discoveryState = { trending: [], popular: { season: null, names: [] }, similar: { of: null, names: [] },
  compare: [], error: null, loads: 0 };
const chosen = new Set();

const months = (list) => list.length ? list.map((m) => MONTHS[m - 1]).join(", ") : "—";
const pct = (x) => `${Math.round(x * 100)}%`;
const words = (list) => list.map((c) => c.replaceAll("_", " ")).join(", ");
const place = (d) => `${d.city}, ${d.region}, ${d.country_name}`;

function done(what) {
  window.discoveryState.loads += 1;
  return what;
}

function fail(error) {
  window.discoveryState.error = error.message;
  $("status").textContent = error.message;
  $("status").classList.add("error");
  if (error.status === 401) showKeyForm("Your key is no longer valid; sign in again.");
}

function list(node, items, empty) {
  node.replaceChildren(...(items.length ? items : [el("li", { class: "empty" }, empty)]));
}

async function loadTrending() {
  const body = await api(`${BASE}/trending`);
  window.discoveryState.trending = body.items.map((i) => i.destination.name);
  list($("trending"), body.items.map((i) => el("li", {},
    el("h3", {}, i.destination.name),
    el("p", {}, el("span", { class: "growth" }, `+${pct(i.growth)}`), ` · ${i.this_week} this week, ${i.last_week} the week before`),
    el("p", {}, place(i.destination)))), "Nothing is growing this week.");
}

async function loadPopular() {
  const body = await api(`${BASE}/popular`, { season: $("season").value });
  $("popular-title").textContent = `Popular in ${body.label}`;
  window.discoveryState.popular = { season: body.season, names: body.items.map((i) => i.destination.name) };
  list($("popular"), body.items.map((i) => el("li", {},
    el("h3", {}, i.destination.name),
    el("p", {}, `${i.bookings} trips starting then, ${i.agencies} agencies`),
    el("p", {}, `${pct(i.in_season_share)} of its sites in season`))), "Too few trips in this season to rank.");
}

async function loadSimilar() {
  const id = $("similar-of").value;
  if (!id) return;
  const body = await api(`${BASE}/${id}/similar`);
  $("similar-title").textContent = `Similar to ${body.destination.name}`;
  window.discoveryState.similar = { of: body.destination.name, names: body.items.map((i) => i.destination.name) };
  list($("similar"), body.items.map((i) => el("li", {},
    el("h3", {}, i.destination.name),
    el("p", {}, i.shared_categories.length ? `Both: ${words(i.shared_categories)}` : "A different kind of trip"),
    el("p", {}, `In season together: ${months(i.shared_best_months)}`))), "No other destination has sites yet.");
}

function money(minor, currency) {
  if (minor === null || !currency) return "—";
  return `${currency} ${(minor / 100).toLocaleString("en-IN", { minimumFractionDigits: 2 })}`;
}

async function loadCompare() {
  const ids = [...chosen];
  if (ids.length < 2) {
    window.discoveryState.compare = [];
    $("compare").replaceChildren(el("p", { class: "empty" }, "Tick two to four destinations."));
    return;
  }
  const body = await api(`${BASE}/compare`, { ids: ids.join(",") });
  window.discoveryState.compare = body.items.map((i) => i.destination.name);
  const na = (v, fmt = String) => (v === null || v === undefined ? "withheld (fewer than 3 agencies)" : fmt(v));
  const rows = [
    ["Where", (i) => place(i.destination)],
    ["Sites", (i) => String(i.sites)],
    ["Known for", (i) => words(i.top_categories) || "—"],
    ["Best months", (i) => months(i.best_months)],
    ["Median price level (0 free – 4 luxury)", (i) => (i.median_price_level === null ? "—" : String(i.median_price_level))],
    ["Median site entry", (i) => money(i.median_site_price_minor, i.site_price_currency)],
    ["Bookings, last 365 days", (i) => na(i.bookings_365d)],
    ["Median trip", (i) => na(i.median_trip_days, (d) => `${d} days`)],
    ["Median party", (i) => na(i.median_travellers, (t) => `${t} travellers`)],
    ["Cancelled", (i) => na(i.cancellation_rate, pct)],
  ];
  const table = el("table", { class: "compare" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, ""), ...body.items.map((i) => el("th", { scope: "col" }, i.destination.name)))),
    el("tbody", {}, ...rows.map(([label, cell]) => el("tr", {}, el("th", { scope: "row" }, label), ...body.items.map((i) => el("td", {}, cell(i)))))));
  $("compare").replaceChildren(table);
}

function run(loader) {
  markReady(false);
  return loader().then(() => done(), fail).finally(() => markReady(true));
}

async function loadPage() {
  const { items } = await api(BASE);  // a 401 here signs the page out
  $("season").value = SEASON_OF_MONTH[new Date().getUTCMonth() + 1];
  $("similar-of").replaceChildren(...items.map((d) => new Option(d.name, d.id)));
  $("compare-picker").replaceChildren(...items.map((d) => {
    const box = el("input", { type: "checkbox", value: String(d.id), dataset: { name: d.name } });
    box.addEventListener("change", () => {
      if (box.checked && chosen.size >= 4) { box.checked = false; return; }
      if (box.checked) chosen.add(d.id); else chosen.delete(d.id);
      run(loadCompare);
    });
    return el("label", {}, box, ` ${d.name}`);
  }));
  await Promise.all([loadTrending(), loadPopular(), loadSimilar(), loadCompare()]).catch(fail);
  done();
}

$("season").addEventListener("change", () => run(loadPopular));
$("similar-of").addEventListener("change", () => run(loadSimilar));
startPage(loadPage);
