/* The archive's whole search index as one thing to query, over Pagefind 1.5's JS API.
 *
 * Pagefind writes one index per language (<html lang>) in each bundle, and a large archive
 * is indexed in several bundles of whole years (pagefind/shards.json lists the others).
 * They are all merged into this page's Pagefind with mergeIndex(), each tagged with a
 * synthetic filter (mergeFilter: {archive_index: "<n>"}), because Pagefind's merged search
 * re-sorts results by score, which breaks a date order. Searching one index at a time
 * through that filter keeps each index's own order:
 *
 * - by date: each index sorts its own results (search(q, {sort})), and the lists are merged
 *   lazily by date, loading only the fragments shown plus one per index;
 * - relevance ("Best match"): one search of the merged indexes in Pagefind's order, whose
 *   best RERANK matches get a small freshness boost (at most RECENCY_BOOST, from where their
 *   date lies in the archive's span): it reorders near-ties newest first and never lifts a
 *   weak match over a strong one. Those matches' fragments are loaded once, for both the
 *   boost and the list. (A second, date-sorted search would double the search time.)
 *
 * A search always has words: a filter-only (null) query would download the whole index.
 * The search page gets its facet values and archive-wide counts from the build; only after a
 * first search does facetCounts() load Pagefind's filter files (pagefind.filters()), once,
 * so that the counts can follow the query.
 * (Separate Pagefind instances per index are not an option: they share one WebAssembly
 * module per page and overwrite each other's memory.)
 */

export const RECENCY_BOOST = 0.1;
// One page of results: the boost needs their fragments, which the page shows anyway, so the
// first results cost no fragment more than Pagefind's own order would.
const RERANK = 10;
const INDEX_KEY = "archive_index";
const SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };

/** Open every bundle and language of the archive whose root is the URL ``site``;
 * ``span`` is the archive's {oldest, newest} date (YYYY-MM-DD) for the freshness boost. */
export async function openArchive(site, span = {}) {
  const primary = new URL("pagefind/", site);
  const pagefind = await import(new URL("pagefind.js", primary).href);
  await pagefind.options({
    baseUrl: site.pathname,
    bundlePath: primary.pathname,
    mergeFilter: { [INDEX_KEY]: "0" },
  });
  const ready = pagefind.init(); // the WebAssembly and the metadata, while the rest is read
  const manifest = await readJson(new URL("shards.json", primary));
  const bundles = [primary, ...((manifest && manifest.bundles) || []).map(
    (path) => new URL(`${String(path).replace(/^\/+|\/+$/g, "")}/`, site),
  )];
  const own = (document.documentElement.getAttribute("lang") || "unknown").toLowerCase();
  const keys = ["0"];
  const merges = [];
  for (const bundle of bundles) {
    const entry = await readJson(new URL("pagefind-entry.json", bundle));
    for (const language of Object.keys((entry && entry.languages) || {}).sort()) {
      if (bundle === primary && language.toLowerCase() === own) continue; // loaded already
      const key = String(keys.length);
      keys.push(key);
      // An absolute URL: Pagefind skips a merge whose path is a prefix of its own bundle's.
      merges.push(pagefind.mergeIndex(bundle.href, {
        language, baseUrl: site.pathname, mergeFilter: { [INDEX_KEY]: key },
      }));
    }
  }
  await Promise.all([ready, ...merges]);
  return new ArchiveIndex(pagefind, keys, span);
}

async function readJson(url) {
  try {
    const response = await fetch(url);
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

class ArchiveIndex {
  constructor(pagefind, keys, span) {
    this.pagefind = pagefind;
    this.keys = keys;
    this.span = span;
  }

  /** Start loading what a search for ``term`` will need. */
  preload(term, filters) {
    this.pagefind.preload(term, { filters }).catch(() => {});
  }

  /** Search for ``term`` (never empty); ``order`` is "", "newest" or "oldest". */
  async search(term, filters, order) {
    if (!term || !term.trim()) throw new Error("a search needs words");
    const sort = SORTS[order];
    if (!sort) {
      const found = await this.pagefind.search(term, { filters });
      return new RankedList(await freshFirst(found.results, this.span));
    }
    const perIndex = await Promise.all(this.keys.map((key) => this.pagefind.search(
      term, { filters: { ...filters, [INDEX_KEY]: key }, sort },
    )));
    return new DateMerge(perIndex.map((s) => s.results), order === "newest");
  }

  /** How many results ``term`` has for each value of each facet in ``facets``.
   *
   * A facet with no chosen value is counted within all the chosen filters (Pagefind returns
   * those counts with every search). A facet with a chosen value is counted within the
   * *other* filters, so its list shows the alternatives a reader can switch to: one more
   * search per chosen facet, over indexes already loaded. */
  async facetCounts(term, filters, facets) {
    // Pagefind counts only the filters whose files it has loaded; filters() loads them all,
    // once (a few KB a facet; only after a first search, never on opening the page).
    this.filtersLoaded ??= this.pagefind.filters();
    await this.filtersLoaded;
    const counts = {};
    const found = await this.pagefind.search(term, { filters });
    for (const key of facets) counts[key] = (found.filters || {})[key] || {};
    const chosen = facets.filter((key) => filters[key]);
    await Promise.all(chosen.map(async (key) => {
      const others = { ...filters };
      delete others[key];
      const wider = await this.pagefind.search(term, { filters: others });
      counts[key] = (wider.filters || {})[key] || {};
    }));
    return { counts, unfiltered: found.unfilteredResultCount };
  }
}

/** A result whose fragment is fetched at most once. */
function loadOnce(result) {
  let fragment = null;
  return { ...result, data: () => (fragment ??= result.data()) };
}

function dayNumber(date) {
  const time = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(time) ? null : time / 86400000;
}

/** Pagefind's results with the best RERANK re-ordered by score and freshness. */
async function freshFirst(results, span) {
  const head = results.slice(0, RERANK).map(loadOnce);
  const fragments = await Promise.all(head.map((r) => r.data()));
  const days = fragments.map((f) => dayNumber((f.meta || {}).date || ""));
  const known = days.filter((d) => d !== null);
  const oldest = dayNumber(span.oldest || "") ?? Math.min(...known);
  const newest = dayNumber(span.newest || "") ?? Math.max(...known);
  const width = Math.max(newest - oldest, 1);
  const ranked = head
    .map((r, i) => {
      const recency = days[i] === null ? 0 : Math.min(Math.max((days[i] - oldest) / width, 0), 1);
      return { r, key: r.score * (1 + RECENCY_BOOST * recency), i };
    })
    .sort((a, b) => b.key - a.key || a.i - b.i)
    .map(({ r }) => r);
  return ranked.concat(results.slice(RERANK));
}

/** Results in a fixed order; their data is loaded a page at a time. */
class RankedList {
  constructor(results) {
    this.results = results;
    this.total = results.length;
    this.shown = 0;
  }

  get done() {
    return this.shown >= this.total;
  }

  async next(n) {
    const batch = this.results.slice(this.shown, this.shown + n);
    this.shown += batch.length;
    return Promise.all(batch.map((r) => r.data()));
  }
}

/** Several date-sorted result lists merged by date, loading each fragment once, lazily. */
class DateMerge {
  constructor(lists, newestFirst) {
    this.lists = lists.map((results) => ({ results, at: 0, head: null }));
    this.newestFirst = newestFirst;
    this.total = lists.reduce((sum, results) => sum + results.length, 0);
    this.shown = 0;
  }

  get done() {
    return this.shown >= this.total;
  }

  async next(n) {
    const out = [];
    while (out.length < n && !this.done) {
      await Promise.all(this.lists.map((list) => {
        if (!list.head && list.at < list.results.length) {
          list.head = list.results[list.at].data();
        }
        return list.head;
      }));
      let pick = null;
      for (const list of this.lists) {
        if (!list.head) continue;
        const date = ((await list.head).meta || {}).date || "";
        if (!pick || (this.newestFirst ? date > pick.date : date < pick.date)) {
          pick = { list, date };
        }
      }
      out.push(await pick.list.head);
      pick.list.head = null;
      pick.list.at += 1;
      this.shown += 1;
    }
    return out;
  }
}
