/* The archive's search page: a small renderer over Pagefind's JS API (archive-index.js).
 *
 * - The query, the filters and the order live in the URL (?q=&country=&platform=&type=
 *   &source=&year=&sort=), so a search can be bookmarked, shared and reloaded.
 * - Pagefind is found relative to this page (data-siteurl holds {{ SITEURL }}), so the
 *   site works from a sub-path or as a plain copy of output/.
 * - A search only runs with words in it: a filter-only (null) query would download the
 *   whole index. Browsing by country or kind of event is what the static pages are for.
 * - Sorting by date goes through Pagefind's search(q, {sort}); its Component UI has none.
 * - No inline script and no untrusted HTML: the page's CSP forbids the first, and excerpts
 *   are rebuilt node by node, keeping only Pagefind's <mark> highlights.
 */

import { openArchive } from "./archive-index.js";

const FACETS = ["country", "platform", "type", "source", "year"];
const ORDERS = ["newest", "oldest"];
const PAGE_SIZE = 10;
const DEBOUNCE_MS = 250;
const DATE_FORMAT = new Intl.DateTimeFormat("en-GB", {
  day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
});

const root = document.querySelector("[data-search]");
if (root) {
  start(root).catch((err) => {
    const status = root.querySelector("[data-status]");
    if (status) status.textContent = "Search could not start: the search index is missing or unreadable.";
    console.warn("search:", err);
  });
}

/** The site's root URL, from SITEURL ("", "..", or "https://host/sub"). */
function siteRoot(el) {
  const raw = (el.dataset.siteurl || "").replace(/\/+$/, "");
  return new URL(raw ? `${raw}/` : "/", document.baseURI);
}

async function start(el) {
  const form = el.querySelector("[data-search-form]");
  const input = form.querySelector("input[name=q]");
  const facetBox = form.querySelector("[data-facets]");
  // The facets' values and archive-wide counts are in the page (rendered at build time);
  // a facet with no value anywhere has no <select>.
  const selects = Object.fromEntries(
    FACETS.map((key) => [key, form.querySelector(`[data-facet="${key}"]`)]).filter(([, s]) => s),
  );
  const sortSelect = form.querySelector("[data-sort]");
  const status = el.querySelector("[data-status]");
  const list = el.querySelector("[data-results]");
  const more = el.querySelector("[data-more]");
  const clear = form.querySelector("[data-clear]");
  const controls = { input, selects, sortSelect };

  const span = { oldest: el.dataset.oldest, newest: el.dataset.newest };
  const archive = await openArchive(siteRoot(el), span);
  applyState(readUrl(), controls);
  facetBox.hidden = false;

  const baseTitle = document.title;
  let seq = 0; // each search's number: an older, slower search never overwrites a newer one
  let current = null;
  let timer = 0;

  async function run({ push = false } = {}) {
    const state = readForm(controls);
    writeUrl(state, push);
    const term = state.q.trim();
    document.title = term ? `“${term}” · ${baseTitle}` : baseTitle;
    const mine = ++seq;
    if (!term) {
      current = null;
      list.replaceChildren();
      more.hidden = true;
      status.textContent = hasFilters(state)
        ? "Type a word to search within these filters. To list every event of a country, "
          + "platform or kind, open its page from the menu."
        : "";
      return;
    }
    status.textContent = "Searching…";
    let found;
    try {
      found = await archive.search(term, activeFilters(state), state.sort);
    } catch (err) {
      if (mine === seq) status.textContent = "The search failed; please try again.";
      console.warn("search:", err);
      return;
    }
    if (mine !== seq) return;
    current = found;
    const items = (await found.next(PAGE_SIZE)).map(renderResult);
    if (mine !== seq) return;
    list.replaceChildren(...items);
    more.hidden = found.done;
    status.textContent = describe(found.total, state);
  }

  async function showMore() {
    const mine = seq;
    const found = current;
    if (!found || found.done) return;
    more.disabled = true;
    const items = (await found.next(PAGE_SIZE)).map(renderResult);
    more.disabled = false;
    if (mine !== seq) return;
    list.append(...items);
    more.hidden = found.done;
    if (items[0]) items[0].querySelector("a").focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run({ push: true });
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const term = input.value.trim();
    if (term) archive.preload(term, activeFilters(readForm(controls)));
    timer = setTimeout(() => run(), DEBOUNCE_MS);
  });
  for (const select of [...Object.values(selects), sortSelect]) {
    select.addEventListener("change", () => run({ push: true }));
  }
  clear.addEventListener("click", () => {
    for (const select of Object.values(selects)) select.value = "";
    sortSelect.value = "";
    run({ push: true });
  });
  more.addEventListener("click", showMore);
  window.addEventListener("popstate", () => {
    applyState(readUrl(), controls);
    run();
  });

  await run();
}

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const key of FACETS) filters[key] = params.get(key) || "";
  return { q: params.get("q") || "", sort: params.get("sort") || "", filters };
}

function readForm({ input, selects, sortSelect }) {
  const filters = {};
  for (const key of FACETS) filters[key] = selects[key] ? selects[key].value : "";
  return { q: input.value, sort: sortSelect.value, filters };
}

function applyState(state, { input, selects, sortSelect }) {
  input.value = state.q;
  for (const key of FACETS) {
    const select = selects[key];
    const value = state.filters[key];
    if (!select) continue;
    if (value && ![...select.options].some((o) => o.value === value)) {
      select.append(new Option(value, value)); // a shared link may name a value not indexed
      select.closest(".facet").hidden = false;
    }
    select.value = value;
  }
  sortSelect.value = ORDERS.includes(state.sort) ? state.sort : "";
}

function writeUrl(state, push) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const key of FACETS) if (state.filters[key]) params.set(key, state.filters[key]);
  if (ORDERS.includes(state.sort)) params.set("sort", state.sort);
  const query = params.toString();
  const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
  const now = `${window.location.pathname}${window.location.search}${window.location.hash}`;
  if (url !== now) window.history[push ? "pushState" : "replaceState"](null, "", url);
}

function hasFilters(state) {
  return FACETS.some((key) => state.filters[key]);
}

function activeFilters(state) {
  const filters = {};
  for (const key of FACETS) if (state.filters[key]) filters[key] = state.filters[key];
  return filters;
}

function describe(count, state) {
  const words = `“${state.q.trim()}”`;
  const within = FACETS.filter((key) => state.filters[key]).map((key) => state.filters[key]);
  const scope = within.length ? ` in ${within.join(", ")}` : "";
  const order = { newest: ", newest first", oldest: ", oldest first" }[state.sort] || "";
  if (count === 0) return `No results for ${words}${scope}.`;
  return `${count} result${count === 1 ? "" : "s"} for ${words}${scope}${order}.`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderResult(data) {
  const meta = data.meta || {};
  const item = element("li", "result");
  if (meta.lang && meta.lang !== document.documentElement.lang) item.lang = meta.lang;
  const heading = element("h2", "result__title");
  const link = element("a", "", meta.title || data.url);
  link.href = data.url;
  heading.append(link);

  const line = element("p", "result__meta");
  const parts = [];
  if (/^\d{4}-\d{2}-\d{2}$/.test(meta.date || "")) {
    const time = element("time", "", DATE_FORMAT.format(new Date(`${meta.date}T00:00:00Z`)));
    time.dateTime = meta.date;
    parts.push(time);
  }
  if (meta.source) parts.push(element("span", "source", meta.source));
  const countries = (data.filters && data.filters.country) || [];
  if (countries.length) parts.push(element("span", "countries", countries.join(", ")));
  parts.forEach((part, i) => {
    if (i) {
      const sep = element("span", "sep", " · ");
      sep.setAttribute("aria-hidden", "true");
      line.append(sep);
    }
    line.append(part);
  });

  const excerpt = element("p", "result__excerpt");
  appendExcerpt(excerpt, data.excerpt || "");
  item.append(heading, line, excerpt);
  return item;
}

/** Copy Pagefind's excerpt as text, keeping only its <mark> highlights. */
function appendExcerpt(target, html) {
  const template = document.createElement("template");
  template.innerHTML = html; // parsed inert: template content runs nothing and loads nothing
  for (const node of template.content.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK") {
      target.append(element("mark", "", node.textContent));
    } else {
      target.append(document.createTextNode(node.textContent));
    }
  }
  if (target.textContent) target.append("…");
}
