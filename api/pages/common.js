// Shared by the pages: the API key (sessionStorage, this tab only), authenticated JSON calls,
// the sign-in form and the page's readiness flag (data-ready, read by the browser tests).
"use strict";

const KEY_SLOT = "tourstack.key";
const $ = (id) => document.getElementById(id);

const session = {
  key: sessionStorage.getItem(KEY_SLOT),
  onSignedIn: null,  // async () => void: the page's first load; an error with status 401 signs out
};

function markReady(ready) {
  document.documentElement.setAttribute("data-ready", ready ? "true" : "false");
}

async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, v);
  const response = await fetch(url, { headers: { Authorization: `Bearer ${session.key}`, Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.detail || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function showKeyForm(message) {
  $("app").hidden = true;
  $("sign-out").hidden = true;
  const form = $("key-form");
  form.hidden = false;
  const hint = form.querySelector(".hint");
  hint.textContent = message || "Kept in this tab only (sessionStorage); results are what your key may see.";
  hint.classList.toggle("error", Boolean(message));
  markReady(true);
}

async function signIn(key) {
  session.key = key;
  markReady(false);
  try {
    await session.onSignedIn();
  } catch (error) {
    sessionStorage.removeItem(KEY_SLOT);
    session.key = null;
    showKeyForm(error.status === 401 ? "That API key is invalid or revoked." : error.message);
    return;
  }
  sessionStorage.setItem(KEY_SLOT, key);
  $("key-form").hidden = true;
  $("sign-out").hidden = false;
  $("app").hidden = false;
  markReady(true);
}

function startPage(onSignedIn) {
  session.onSignedIn = onSignedIn;
  $("key-form").addEventListener("submit", (ev) => { ev.preventDefault(); signIn($("api-key").value.trim()); });
  $("sign-out").addEventListener("click", () => { sessionStorage.removeItem(KEY_SLOT); session.key = null; showKeyForm(); });
  if (session.key) signIn(session.key); else showKeyForm();
}
