// Comfort only: every page works without this file (links, forms, a refreshing rescan page).
"use strict";

// Copy the draft as edited, with a fallback where the clipboard API is not allowed.
function setupCopy() {
  const button = document.getElementById("copy-draft");
  const body = document.getElementById("draft-body");
  const status = document.getElementById("copy-status");
  if (!button || !body) return;
  button.addEventListener("click", async () => {
    const text = body.value;
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      body.focus();
      body.select();
      document.execCommand("copy");
    }
    if (status) status.textContent = button.dataset.done;
  });
}

// Keep the seller's edits to a draft across reloads, per deal and per suggested text; once the
// draft is saved in the mail account's Drafts, the copy kept in the browser is forgotten.
function hash(text) {
  let value = 0;
  for (let i = 0; i < text.length; i++) value = (Math.imul(31, value) + text.charCodeAt(i)) | 0;
  return (value >>> 0).toString(36);
}

function setupDraftMemory() {
  const body = document.getElementById("draft-body");
  const form = document.getElementById("draft-form");
  if (!body || !window.localStorage) return;
  const key = "tystnad-draft:" + body.dataset.key + ":" + hash(body.defaultValue);
  const saved = localStorage.getItem(key);
  if (saved !== null) body.value = saved;
  body.addEventListener("input", () => localStorage.setItem(key, body.value));
  if (form) {
    form.addEventListener("submit", (event) => {
      if (event.submitter && event.submitter.id === "save-draft") localStorage.removeItem(key);
    });
  }
}

// Show the rescan's progress and reload the page when it is done.
function setupRescanPoll() {
  const banner = document.getElementById("scan-banner");
  const onPage = document.getElementById("rescan-read");
  if (!banner && !onPage) return;
  const counter = document.getElementById("scan-read") || onPage;
  const poll = async () => {
    try {
      const response = await fetch("/rescan/status", { headers: { Accept: "application/json" } });
      const state = await response.json();
      counter.textContent = state.read.toLocaleString();
      if (!state.running) { window.location.reload(); return; }
    } catch (error) { /* the server may be busy reading; try again */ }
    setTimeout(poll, 700);
  };
  setTimeout(poll, 700);
}

// "/" focuses the search, as in most tools.
function setupKeys() {
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
    if (event.key === "/" && !typing) {
      const search = document.getElementById("q");
      if (search) { event.preventDefault(); search.focus(); }
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupCopy();
  setupDraftMemory();
  setupRescanPoll();
  setupKeys();
});
