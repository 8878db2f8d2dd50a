/* The archive's search page: a small renderer over Pagefind's JS API (Pagefind 1.5).
 *
 * - The query, the filters and the order live in the URL (?q=&country=&platform=&type=
 *   &source=&year=&sort=), so a search can be bookmarked, shared and reloaded.
 * - Pagefind is found relative to this page (data-siteurl holds {{ SITEURL }}), so the
 *   site works from a sub-path or as a plain copy of output/.
 * - A search only ever runs with words in it: a filter-only (null) query would download
 *   the whole index. Browsing by country or kind of event is what the static pages are for.
 * - Sorting by date goes through search(q, {sort}); the Component UI has no sort control.
 * - "Best match" is Pagefind's relevance with a small freshness boost (at most
 *   RECENCY_BOOST, by date rank among the results): it reorders near-ties, newest first,
 *   and never lifts a weak match over a strong one. The date ranks come from a second,
 *   date-sorted search over the chunks already loaded, so it costs no extra download.
 * - No inline script, no innerHTML of untrusted text: the page's CSP forbids the first and
 *   excerpts are rebuilt node by node, keeping only <mark>.
 */

const FACETS = ["country", "platform", "type", "source", "year"];
const SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };
const PAGE_SIZE = 10;
const RECENCY_BOOST = 0.1;
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
  const selects = Object.fromEntries(
    FACETS.map((key) => [key, form.querySelector(`[data-facet="${key}"]`)]),
  );
  const sortSelect = form.querySelector("[data-sort]");
  const status = el.querySelector("[data-status]");
  const list = el.querySelector("[data-results]");
  const more = el.querySelector("[data-more]");
  const clear = form.querySelector("[data-clear]");

  const site = siteRoot(el);
  const bundle = new URL("pagefind/", site);
  const pagefind = await import(new URL("pagefind.js", bundle).href);
  await pagefind.options({ baseUrl: site.pathname, bundlePath: bundle.pathname });
  pagefind.init();
  await mergeBundles(pagefind, bundle, site);

  const baseTitle = document.title;
  let seq = 0; // each search's number; a slower, older search never overwrites a newer one
  let results = [];
  let shown = 0;
  let timer = 0;
  const totals = await pagefind.filters();

  fillFacets(selects, totals);
  applyState(readUrl(), input, selects, sortSelect);
  facetBox.hidden = false;

  async function run({ push = false } = {}) {
    const state = readForm(input, selects, sortSelect);
    writeUrl(state, push);
    document.title = state.q ? `“${state.q}” · ${baseTitle}` : baseTitle;
    const term = state.q.trim();
    const mine = ++seq;
    if (!term) {
      results = [];
      shown = 0;
      list.replaceChildren();
      more.hidden = true;
      showCounts(selects, totals, null);
      status.textContent = hasFilters(state)
        ? "Type a word to search within these filters. To list every event of a country, "
          + "platform or kind, open its page from the menu."
        : "";
      return;
    }
    status.textContent = "Searching…";
    const options = { filters: activeFilters(state) };
    if (SORTS[state.sort]) options.sort = SORTS[state.sort];
    let search;
    try {
      search = await rankedSearch(pagefind, term, options);
    } catch (err) {
      if (mine === seq) status.textContent = "The search failed; please try again.";
      console.warn("search:", err);
      return;
    }
    if (mine !== seq || !search) return;
    results = search.results;
    shown = 0;
    list.replaceChildren();
    showCounts(selects, search.totalFilters, search.filters);
    await showMore(mine, false);
    if (mine === seq) status.textContent = describe(results.length, state);
  }

  async function showMore(mine, focusFirst) {
    const batch = results.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(batch.map((r) => r.data()));
    if (mine !== seq) return;
    const items = data.map(renderResult);
    list.append(...items);
    shown += batch.length;
    more.hidden = shown >= results.length;
    if (focusFirst && items[0]) items[0].querySelector("a").focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run({ push: true });
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const term = input.value.trim();
    if (term) pagefind.preload(term, { filters: activeFilters(readForm(input, selects, sortSelect)) });
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
  more.addEventListener("click", () => showMore(seq, true));
  window.addEventListener("popstate", () => {
    applyState(readUrl(), input, selects, sortSelect);
    run();
  });

  await run();
}

/** Search; without a date order, rank by relevance with a small freshness boost. */
async function rankedSearch(pagefind, term, options) {
  if (options.sort) return pagefind.search(term, options);
  const [best, byDate] = await Promise.all([
    pagefind.search(term, options),
    pagefind.search(term, { ...options, sort: { date: "desc" } }),
  ]);
  const last = Math.max(byDate.results.length - 1, 1);
  const recency = new Map(byDate.results.map((r, i) => [r.id, 1 - i / last]));
  const boosted = (r) => r.score * (1 + RECENCY_BOOST * (recency.get(r.id) || 0));
  best.results = best.results
    .map((r) => ({ r, key: boosted(r) }))
    .sort((a, b) => b.key - a.key)
    .map(({ r }) => r);
  return best;
}

/** Merge every other bundle into the search: the year shards listed in pagefind/shards.json
 * (large archives are indexed in bounded shards), and in each bundle the indexes of the
 * languages other than this page's (Pagefind keeps one index per <html lang>). */
async function mergeBundles(pagefind, primary, site) {
  const manifest = await readJson(new URL("shards.json", primary));
  const shards = ((manifest && manifest.bundles) || [])
    .map((path) => new URL(`${String(path).replace(/^\/+|\/+$/g, "")}/`, site));
  const own = (document.documentElement.lang || "unknown").toLowerCase();
  const merges = [];
  for (const bundle of [primary, ...shards]) {
    const entry = await readJson(new URL("pagefind-entry.json", bundle));
    const languages = Object.keys((entry && entry.languages) || {});
    for (const language of languages) {
      if (bundle === primary && language.toLowerCase() === own) continue; // already loaded
      // An absolute URL: Pagefind skips a merge whose path is a prefix of its own bundle's.
      merges.push(pagefind.mergeIndex(bundle.href, { language, baseUrl: site.pathname }));
    }
  }
  await Promise.all(merges);
}

async function readJson(url) {
  try {
    const response = await fetch(url);
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const key of FACETS) filters[key] = params.get(key) || "";
  return { q: params.get("q") || "", sort: params.get("sort") || "", filters };
}

function readForm(input, selects, sortSelect) {
  const filters = {};
  for (const key of FACETS) filters[key] = selects[key].value;
  return { q: input.value, sort: sortSelect.value, filters };
}

function applyState(state, input, selects, sortSelect) {
  input.value = state.q;
  for (const key of FACETS) {
    const select = selects[key];
    const value = state.filters[key];
    if (value && ![...select.options].some((o) => o.value === value)) {
      select.append(new Option(value, value)); // a shared link may name a value not in this index
    }
    select.value = value;
  }
  sortSelect.value = SORTS[state.sort] ? state.sort : "";
}

function writeUrl(state, push) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const key of FACETS) if (state.filters[key]) params.set(key, state.filters[key]);
  if (SORTS[state.sort]) params.set("sort", state.sort);
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

/** Fill each facet's <select> with its values: years newest first, the rest A to Z. */
function fillFacets(selects, totals) {
  for (const key of FACETS) {
    const values = Object.keys(totals[key] || {});
    values.sort(key === "year" ? (a, b) => b.localeCompare(a) : (a, b) => a.localeCompare(b));
    for (const value of values) {
      const option = new Option(value, value);
      option.dataset.value = value;
      selects[key].append(option);
    }
  }
}

/** Show how many results each value would give: the current search's, or the totals. */
function showCounts(selects, totals, filtered) {
  for (const key of FACETS) {
    const select = selects[key];
    // For the facet being used, the counts without it; for the others, within all filters.
    const counts = (filtered && !select.value ? filtered[key] : totals[key]) || {};
    for (const option of select.options) {
      if (!option.dataset.value) continue;
      const n = counts[option.value] || 0;
      option.textContent = `${option.value} (${n})`;
    }
  }
}

function describe(count, state) {
  const words = `“${state.q.trim()}”`;
  const within = FACETS.filter((key) => state.filters[key]).map((key) => state.filters[key]);
  const order = state.sort === "newest" ? ", newest first" : state.sort === "oldest" ? ", oldest first" : "";
  const scope = within.length ? ` in ${within.join(", ")}` : "";
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
  const item = element("li", "result");
  const lang = data.meta && data.meta.lang;
  if (lang && lang !== document.documentElement.lang) item.lang = lang;
  const heading = element("h2", "result__title");
  const link = element("a", "", (data.meta && data.meta.title) || data.url);
  link.href = data.url;
  heading.append(link);

  const meta = element("p", "result__meta");
  const parts = [];
  const day = data.meta && data.meta.date;
  if (day && /^\d{4}-\d{2}-\d{2}$/.test(day)) {
    const time = element("time", "", DATE_FORMAT.format(new Date(`${day}T00:00:00Z`)));
    time.dateTime = day;
    parts.push(time);
  }
  if (data.meta && data.meta.source) parts.push(element("span", "source", data.meta.source));
  const countries = (data.filters && data.filters.country) || [];
  if (countries.length) parts.push(element("span", "countries", countries.join(", ")));
  parts.forEach((part, i) => {
    if (i) meta.append(element("span", "sep", " · "));
    meta.append(part);
  });
  meta.querySelectorAll(".sep").forEach((sep) => sep.setAttribute("aria-hidden", "true"));

  const excerpt = element("p", "result__excerpt");
  appendExcerpt(excerpt, data.excerpt || "");
  item.append(heading, meta, excerpt);
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
