// The search page: results as you type over /api/v1/search, facets, did-you-mean, pages, history.
// Everything shown comes from the API with the caller's own key; highlights arrive HTML-escaped
// with <mark> from the server, every other value is inserted as text.
"use strict";

const CONFIG = JSON.parse(document.getElementById("search-config").textContent);
const HISTORY_LENGTH = 10;

const state = {
  indexes: [],            // the indexes this key may search
  index: null,
  q: "",
  filters: {},            // facet -> value
  sort: "relevance",
  cursors: [null],        // cursor of each page shown so far; the last is the current page
  completion: -1,
  seq: 0,                 // answers to an older request are dropped
};
window.searchState = { ready: false, index: null, q: "", total: 0, hits: [], facets: {}, didYouMean: null, error: null, renders: 0 };

function spec(name) { return CONFIG.indexes.find((i) => i.name === name); }

function setReady(ready) {
  window.searchState.ready = ready;
  markReady(ready);
}

const searchApi = (path, params) => api(CONFIG.api + path, params);

// ---- history: per key, in this browser ------------------------------------------------------
function fingerprint(text) {  // FNV-1a: a namespace per key, not a secret
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(16);
}
function historySlot() { return `tourstack.search.history.${fingerprint(session.key || "")}`; }
function readHistory() {
  try { return JSON.parse(localStorage.getItem(historySlot())) || []; } catch { return []; }
}
function remember(q, index) {
  const entries = readHistory().filter((e) => !(e.q === q && e.index === index));
  entries.unshift({ q, index, at: new Date().toISOString() });
  localStorage.setItem(historySlot(), JSON.stringify(entries.slice(0, HISTORY_LENGTH)));
}
function showHistory() {
  const list = $("history");
  const entries = readHistory();
  list.replaceChildren(...entries.map((e) => {
    const li = document.createElement("li");
    li.textContent = e.q;
    const kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = e.index;
    li.append(kind);
    li.addEventListener("mousedown", (ev) => { ev.preventDefault(); $("q").value = e.q; selectIndex(e.index, true); });
    return li;
  }));
  list.hidden = entries.length === 0 || $("q").value !== "";
}

// ---- sign in -----------------------------------------------------------------------------
async function discoverIndexes() {
  const visible = [];
  for (const index of CONFIG.indexes) {
    try { await searchApi(`/${index.name}`, { q: "a", limit: 1 }); visible.push(index.name); }
    catch (error) { if (error.status === 401) throw error; }  // 403: this role may not search it
  }
  return visible;
}

async function loadSearch() {
  state.indexes = await discoverIndexes();
  renderTabs();
  selectIndex(state.indexes[0], false);
  if (!state.indexes.length) setStatus("This key may not search anything.", true);
  setTimeout(() => $("q").focus(), 0);
  window.searchState.ready = true;
}

// ---- tabs, sort ----------------------------------------------------------------------------
function renderTabs() {
  $("tabs").replaceChildren(...state.indexes.map((name) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.index = name;
    button.textContent = name[0].toUpperCase() + name.slice(1);
    button.addEventListener("click", () => selectIndex(name, true));
    return button;
  }));
}

function selectIndex(name, run) {
  if (!name) return;
  state.index = name;
  state.filters = {};
  for (const button of $("tabs").children) button.setAttribute("aria-selected", String(button.dataset.index === name));
  const sorts = spec(name).sorts;
  if (!sorts.includes(state.sort)) state.sort = "relevance";
  $("sort").replaceChildren(...sorts.map((s) => new Option(s[0].toUpperCase() + s.slice(1), s, false, s === state.sort)));
  if (run) search({ record: true });
}

// ---- search ------------------------------------------------------------------------------
function setStatus(text, error = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
}

async function search({ record = false, page = "first" } = {}) {
  const q = $("q").value.trim();
  state.q = q;
  if (page === "first") state.cursors = [null];
  if (!q || !state.index) {
    $("hits").replaceChildren();
    $("facets").replaceChildren();
    $("did-you-mean").hidden = true;
    setStatus("");
    updatePager(null);
    setReady(true);
    return;
  }
  const seq = ++state.seq;
  setReady(false);
  const index = spec(state.index);
  const params = { q, sort: state.sort === "relevance" ? null : state.sort, limit: 10, cursor: state.cursors.at(-1) };
  for (const [facet, value] of Object.entries(state.filters)) params[index.params[facet] || facet] = value;
  try {
    const [page_, suggestions] = await Promise.all([
      searchApi(`/${index.name}`, params),
      searchApi("/suggestions", { q, limit: 1 }).catch(() => ({ did_you_mean: null })),
    ]);
    if (seq !== state.seq) return;
    render(index, page_, suggestions.did_you_mean);
    if (record) remember(q, index.name);
  } catch (error) {
    if (seq !== state.seq) return;
    window.searchState.error = error.message;
    window.searchState.renders += 1;
    $("hits").replaceChildren();
    setStatus(error.message, true);
    if (error.status === 401) showKeyForm("Your key is no longer valid; sign in again.");
  }
  setReady(true);
}

function render(index, page, didYouMean) {
  Object.assign(window.searchState, {
    index: index.name, q: state.q, total: page.total, error: null,
    hits: page.hits.map((h) => String(h.document[index.title] ?? h.id)),
    facets: page.facets, didYouMean: didYouMean ? didYouMean.text : null,
    renders: window.searchState.renders + 1,
  });
  const shown = (state.cursors.length - 1) * 10;
  setStatus(page.total === 0 ? `No ${index.name} match “${state.q}”.`
    : `${page.total} ${index.name} · ${shown + 1}–${shown + page.hits.length}`);
  $("hits").replaceChildren(...page.hits.map((hit) => renderHit(index, hit)));
  renderFacets(index, page.facets);
  renderDidYouMean(didYouMean);
  updatePager(page.next_cursor);
}

function renderHit(index, hit) {
  const li = document.createElement("li");
  const title = document.createElement("h2");
  if (hit.highlights[index.title]) title.innerHTML = hit.highlights[index.title];  // server-escaped
  else title.textContent = String(hit.document[index.title] ?? hit.id);
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = index.facets.map((f) => hit.document[f]).filter((v) => v !== undefined && v !== null && v !== "").join(" · ");
  li.append(title, meta);
  // A fragment of free text (a description) says more than a facet value already in the meta line.
  const others = Object.keys(hit.highlights).filter((f) => f !== index.title);
  const field = others.find((f) => !index.facets.includes(f)) || others[0];
  if (field) {
    const fragment = document.createElement("p");
    fragment.className = "fragment";
    fragment.innerHTML = hit.highlights[field];  // server-escaped, <mark> only
    li.append(fragment);
  }
  return li;
}

function renderFacets(index, facets) {
  const groups = index.facets.filter((name) => (facets[name] || []).length).map((name) => {
    const group = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = name.replace("_", " ");
    group.append(legend);
    for (const { value, count } of facets[name].slice(0, 12)) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = state.filters[name] === value;
      box.dataset.facet = name;
      box.dataset.value = value;
      box.addEventListener("change", () => {
        if (box.checked) state.filters[name] = value; else delete state.filters[name];
        search();
      });
      const text = document.createElement("span");
      text.textContent = value;
      const number = document.createElement("span");
      number.className = "count";
      number.textContent = count;
      label.append(box, text, number);
      group.append(label);
    }
    return group;
  });
  $("facets").replaceChildren(...groups);
}

function renderDidYouMean(correction) {
  const p = $("did-you-mean");
  if (!correction) { p.hidden = true; return; }
  const link = document.createElement("a");
  link.innerHTML = correction.highlight;  // server-escaped, <mark> on the changed words
  link.tabIndex = 0;
  const use = () => { $("q").value = correction.text; search({ record: true }); };
  link.addEventListener("click", use);
  link.addEventListener("keydown", (ev) => { if (ev.key === "Enter") use(); });
  p.replaceChildren("Did you mean ", link, "?");
  p.hidden = false;
}

function updatePager(nextCursor) {
  state.nextCursor = nextCursor;
  $("next").disabled = !nextCursor;
  $("prev").disabled = state.cursors.length < 2;
  $("page-no").textContent = state.q ? `page ${state.cursors.length}` : "";
}

// ---- autocomplete ------------------------------------------------------------------------
async function complete() {
  const q = $("q").value;
  const list = $("completions");
  if (!q.trim()) { list.hidden = true; $("q").setAttribute("aria-expanded", "false"); return; }
  try {
    const { items } = await searchApi("/autocomplete", { q, limit: 8 });
    if ($("q").value !== q) return;
    state.completion = -1;
    list.replaceChildren(...items.map((item, i) => {
      const li = document.createElement("li");
      li.id = `completion-${i}`;
      li.setAttribute("role", "option");
      const text = document.createElement("span");
      text.innerHTML = item.highlight;  // server-escaped
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.index;
      li.append(text, kind);
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); pick(item); });
      return li;
    }));
    list.hidden = items.length === 0;
    $("q").setAttribute("aria-expanded", String(items.length > 0));
  } catch { list.hidden = true; }
}

function pick(item) {
  $("q").value = item.text;
  $("completions").hidden = true;
  $("q").setAttribute("aria-expanded", "false");
  selectIndex(state.indexes.includes(item.index) ? item.index : state.index, true);
}

function moveCompletion(step) {
  const items = [...$("completions").children];
  if ($("completions").hidden || !items.length) return false;
  state.completion = (state.completion + step + items.length) % items.length;
  items.forEach((li, i) => li.setAttribute("aria-selected", String(i === state.completion)));
  $("q").setAttribute("aria-activedescendant", items[state.completion].id);
  return true;
}

// ---- wiring --------------------------------------------------------------------------------
function debounce(fn, ms) { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; }
const searchSoon = debounce(() => search(), 250);
const completeSoon = debounce(complete, 100);

$("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const items = [...$("completions").children];
  if (!$("completions").hidden && state.completion >= 0) { items[state.completion].dispatchEvent(new Event("mousedown")); return; }
  $("completions").hidden = true;
  search({ record: true });
});
$("q").addEventListener("input", () => { $("history").hidden = true; completeSoon(); searchSoon(); });
$("q").addEventListener("focus", showHistory);
$("q").addEventListener("blur", () => { $("history").hidden = true; setTimeout(() => { $("completions").hidden = true; }, 150); });
$("q").addEventListener("keydown", (ev) => {
  if (ev.key === "ArrowDown" && moveCompletion(1)) ev.preventDefault();
  else if (ev.key === "ArrowUp" && moveCompletion(-1)) ev.preventDefault();
  else if (ev.key === "Escape") { $("completions").hidden = true; $("q").setAttribute("aria-expanded", "false"); }
});
$("sort").addEventListener("change", () => { state.sort = $("sort").value; search(); });
$("next").addEventListener("click", () => { state.cursors.push(state.nextCursor); search({ page: "keep" }); });
$("prev").addEventListener("click", () => { state.cursors.pop(); search({ page: "keep" }); });

startPage(loadSearch);
