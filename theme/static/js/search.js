/* The archive's search page: a small renderer over Pagefind's JS API (archive-index.js).
 *
 * - The query, the filters and the order live in the URL (?q=&country=&platform=&type=
 *   &source=&year=&kind=&sort=), so a search can be bookmarked, shared and reloaded.
 * - Pagefind is found relative to this page (data-siteurl holds {{ SITEURL }}), so the
 *   site works from a sub-path or as a plain copy of output/.
 * - A search only runs with words in it: a filter-only (null) query would download the
 *   whole index. Browsing by country or kind of event is what the static pages are for.
 * - Sorting by date goes through Pagefind's search(q, {sort}); its Component UI has none.
 * - No inline script and no untrusted HTML: the page's CSP forbids the first, and excerpts
 *   are rebuilt node by node, keeping only Pagefind's <mark> highlights.
 */

import { openArchive } from "./archive-index.js";

const FACETS = ["country", "platform", "type", "source", "year", "kind"];
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
  const suggest = el.querySelector("[data-suggest]");
  const fold = form.querySelector("[data-facets-fold]");
  const controls = { input, selects, sortSelect };
  rememberArchiveCounts(selects);

  const span = { oldest: el.dataset.oldest, newest: el.dataset.newest };
  const archive = await openArchive(siteRoot(el), span);
  applyState(readUrl(), controls);
  facetBox.hidden = false;
  if (fold) {
    fold.hidden = false;
    // On a phone the filters fold behind their summary, so the results stay above the fold.
    if (window.matchMedia("(max-width: 40rem)").matches) fold.open = false;
  }

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
      showArchiveCounts(selects);
      showSuggestions(suggest, null);
      foldSummary(fold, state);
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
    const page = await found.next(PAGE_SIZE);
    if (mine !== seq) return;
    foldSummary(fold, state);
    // Pagefind completes a word it does not know to one that shares its first letters ("xqzv"
    // finds "X"): when no highlighted word is a query word, say that nothing was found and
    // offer the near matches instead of passing them off as results.
    const near = found.total > 0 && !matchesAWord(term, page);
    list.replaceChildren(...(near ? [] : page.map(renderResult)));
    more.hidden = near || found.done;
    status.textContent = describe(near ? 0 : found.total, state);
    if (near || found.total === 0) {
      showSuggestions(suggest, { state, near: near ? found.total : 0, showNear: () => {
        list.replaceChildren(...page.map(renderResult));
        more.hidden = found.done;
        status.textContent = `${found.total} near match${found.total === 1 ? "" : "es"} `
          + `for “${term}” (words that share its first letters).`;
        showSuggestions(suggest, null);
      } });
    } else {
      showSuggestions(suggest, null);
    }
    // Facet counts follow the query and the filters; they come after the results, so the
    // first results are not held up by Pagefind's filter files.
    if (near) {
      showArchiveCounts(selects);
      return;
    }
    archive.facetCounts(term, activeFilters(state), Object.keys(selects))
      .then((facets) => {
        if (mine === seq) showCounts(selects, facets.counts, state);
        if (mine === seq && found.total === 0) addWider(suggest, facets.unfiltered, state);
      })
      .catch((err) => console.warn("search: facet counts:", err));
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
  const clearFilters = () => {
    for (const select of Object.values(selects)) select.value = "";
    sortSelect.value = "";
    run({ push: true });
  };
  clear.addEventListener("click", clearFilters);
  if (suggest) {
    suggest.addEventListener("click", (event) => {
      if (event.target.closest("[data-clear-filters]")) clearFilters();
    });
  }
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

/** The words of a query, lower case, without punctuation. */
function queryWords(term) {
  return term.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);
}

/** Whether some highlighted word of these results is a query word (give or take an ending),
 * rather than only a longer word that Pagefind's prefix matching completed it to. */
function matchesAWord(term, results) {
  const words = queryWords(term);
  if (!words.length) return true;
  const marks = new Set();
  for (const data of results) {
    for (const found of (data.excerpt || "").matchAll(/<mark>(.*?)<\/mark>/g)) {
      marks.add(found[1].toLowerCase());
    }
  }
  if (!marks.size) return true; // nothing to judge by: do not cry wolf
  const near = (mark, word) => {
    let common = 0;
    while (common < Math.min(mark.length, word.length) && mark[common] === word[common]) common++;
    return common >= Math.max(word.length - 2, 3) && Math.abs(mark.length - word.length) <= 3;
  };
  return words.some((word) => [...marks].some((mark) => mark === word || near(mark, word)));
}

/** Each option's archive-wide label ("Russia (12)"), kept to restore it without a query. */
function rememberArchiveCounts(selects) {
  for (const select of Object.values(selects)) {
    for (const option of select.options) option.dataset.archive = option.textContent;
  }
}

function showArchiveCounts(selects) {
  for (const select of Object.values(selects)) {
    for (const option of select.options) {
      option.textContent = option.dataset.archive || option.textContent;
      option.hidden = false;
      option.disabled = false;
    }
  }
}

/** Label each facet value with its count for this query and filters; hide the empty ones. */
function showCounts(selects, counts, state) {
  for (const [key, select] of Object.entries(selects)) {
    const values = counts[key] || {};
    for (const option of select.options) {
      if (!option.value) continue;
      const n = values[option.value] || 0;
      option.textContent = `${option.value} (${n})`;
      const chosen = state.filters[key] === option.value;
      option.hidden = n === 0 && !chosen;
      option.disabled = n === 0 && !chosen;
    }
  }
}

/** The folded filters' summary says how many are on. */
function foldSummary(fold, state) {
  if (!fold) return;
  const summary = fold.querySelector("summary");
  const on = FACETS.filter((key) => state.filters[key]).length + (state.sort ? 1 : 0);
  summary.textContent = on ? `Filters and order (${on} on)` : "Filters and order";
}

/** After an empty result: what to try next. ``context`` is null to hide the box. */
function showSuggestions(box, context) {
  if (!box) return;
  if (!context) {
    box.hidden = true;
    return;
  }
  const { state, near, showNear } = context;
  const items = [];
  if (near) {
    const li = element("li");
    const button = element("button", "link-button",
      `Show ${near} page${near === 1 ? "" : "s"} with words that share its first letters`);
    button.type = "button";
    button.addEventListener("click", showNear);
    li.append(button);
    items.push(li);
  }
  if (FACETS.some((key) => state.filters[key])) {
    const li = element("li");
    li.dataset.wider = "";
    const button = element("button", "link-button", "Clear the filters");
    button.type = "button";
    button.dataset.clearFilters = "";
    li.append(button);
    items.push(li);
  }
  items.push(element("li", "", "Check the spelling, or try fewer or other words: "
    + "a place, a platform or a kind of event (“shutdown”, “VPN”, “blocked”)."));
  box.querySelector("[data-suggest-list]").replaceChildren(...items);
  box.hidden = false;
}

/** Say how many results the words have without the filters, next to "Clear the filters". */
function addWider(box, unfiltered, state) {
  const item = box && box.querySelector("[data-wider]");
  if (!item || !unfiltered || !FACETS.some((key) => state.filters[key])) return;
  item.append(` (${unfiltered} result${unfiltered === 1 ? "" : "s"} without them)`);
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
  const filters = data.filters || {};
  const countries = filters.country || [];
  if (countries.length) parts.push(element("span", "countries", countries.join(", ")));
  const kinds = filters.type || [];
  if (kinds.length) parts.push(element("span", "kinds", kinds.join(", ")));
  if (meta.source) parts.push(element("span", "source", meta.source));
  parts.forEach((part, i) => {
    if (i) {
      const sep = element("span", "sep", " · ");
      sep.setAttribute("aria-hidden", "true");
      line.append(sep);
    }
    line.append(part);
  });

  if (isIncident(data)) {
    item.classList.add("result--incident");
    const badge = element("span", "badge", "Incident");
    heading.prepend(badge, " ");
  }

  const excerpt = element("p", "result__excerpt");
  appendExcerpt(excerpt, data.excerpt || "", meta.title || "");
  item.append(heading, line, excerpt);
  return item;
}

/** An incident record (a page that groups the reports of one event), not an article. */
function isIncident(data) {
  const meta = data.meta || {};
  const kind = [meta.kind, ...((data.filters || {}).kind || [])].map((k) => String(k || "").toLowerCase());
  return kind.includes("incident");
}

/** Copy Pagefind's excerpt as text, keeping only its <mark> highlights, from a sentence start.
 *
 * Pagefind cuts a window of words around the best match, so an excerpt can begin inside the
 * title (the page's first words) or mid-sentence. The part of the title it repeats is cut,
 * and so is a broken first sentence when the match lies after its end. */
function appendExcerpt(target, html, title) {
  const template = document.createElement("template");
  template.innerHTML = html; // parsed inert: template content runs nothing and loads nothing
  const pieces = [...template.content.childNodes].map((node) => ({
    text: node.textContent,
    mark: node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK",
  }));
  const text = pieces.map((p) => p.text).join("");
  const firstMark = pieces.findIndex((p) => p.mark);
  const markAt = firstMark < 0 ? text.length
    : pieces.slice(0, firstMark).reduce((n, p) => n + p.text.length, 0);
  const start = excerptStart(text, markAt, title);
  let offset = 0;
  if (start.cut) target.append("…");
  for (const piece of pieces) {
    const from = Math.max(start.at - offset, 0);
    offset += piece.text.length;
    const part = piece.text.slice(from);
    if (!part) continue;
    target.append(piece.mark ? element("mark", "", part) : document.createTextNode(part));
  }
  if (target.textContent.replace("…", "").trim()) target.append("…");
}

/** Where an excerpt should start: after a repeated piece of the title, then at a sentence. */
function excerptStart(text, markAt, title) {
  let at = 0;
  const words = title.trim().split(/\s+/).filter(Boolean);
  for (let k = words.length; k > 0; k--) {
    const tail = words.slice(words.length - k).join(" ");
    if (text.startsWith(tail)) {
      at = tail.length;
      while (at < text.length && /[\s.:!?]/.test(text[at])) at++;
      return { at, cut: false };
    }
  }
  if (/^[\p{Lu}\p{N}"“'‘(]/u.test(text)) return { at: 0, cut: false };
  const boundary = /[.!?]["”’)]?\s+(?=[\p{Lu}\p{N}"“'‘(])/gu;
  let found;
  while ((found = boundary.exec(text)) !== null) {
    const next = found.index + found[0].length;
    if (next > markAt) break;
    return { at: next, cut: false };
  }
  return { at: 0, cut: true };
}
