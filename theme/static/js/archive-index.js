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
 * - relevance ("Best match"): Pagefind's merged score, with a small freshness boost (at
 *   most RECENCY_BOOST, from the result's date rank within its index): it reorders
 *   near-ties, newest first, and never lifts a weak match over a strong one.
 * The extra searches reuse the chunks already downloaded, so they cost no bandwidth.
 *
 * A search always has words: a filter-only (null) query would download the whole index.
 * Nothing here asks for Pagefind's filter lists (pagefind.filters() fetches every filter
 * file): the search page gets its facet values and counts from the build, and a search
 * fetches only the filter files of the filters it uses.
 * (Separate Pagefind instances per index are not an option: they share one WebAssembly
 * module per page and overwrite each other's memory.)
 */

export const RECENCY_BOOST = 0.1;
const INDEX_KEY = "archive_index";
const SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };

/** Open every bundle and language of the archive whose root is the URL ``site``. */
export async function openArchive(site) {
  const primary = new URL("pagefind/", site);
  const pagefind = await import(new URL("pagefind.js", primary).href);
  await pagefind.options({
    baseUrl: site.pathname,
    bundlePath: primary.pathname,
    mergeFilter: { [INDEX_KEY]: "0" },
  });
  pagefind.init();
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
  await Promise.all(merges);
  return new ArchiveIndex(pagefind, keys);
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
  constructor(pagefind, keys) {
    this.pagefind = pagefind;
    this.keys = keys;
  }

  /** Start loading what a search for ``term`` will need. */
  preload(term, filters) {
    this.pagefind.preload(term, { filters }).catch(() => {});
  }

  /** Search for ``term`` (never empty); ``order`` is "", "newest" or "oldest". */
  async search(term, filters, order) {
    if (!term || !term.trim()) throw new Error("a search needs words");
    const sort = SORTS[order] || SORTS.newest;
    const [merged, ...perIndex] = await Promise.all([
      SORTS[order] ? null : this.pagefind.search(term, { filters }),
      ...this.keys.map((key) => this.pagefind.search(
        term, { filters: { ...filters, [INDEX_KEY]: key }, sort },
      )),
    ]);
    const lists = perIndex.map((s) => s.results);
    if (!merged) return new DateMerge(lists, order === "newest");
    const recency = new Map();
    for (const list of lists) {
      const last = Math.max(list.length - 1, 1);
      list.forEach((r, i) => recency.set(r.id, 1 - i / last));
    }
    const ranked = merged.results
      .map((r) => ({ r, key: r.score * (1 + RECENCY_BOOST * (recency.get(r.id) || 0)) }))
      .sort((a, b) => b.key - a.key)
      .map(({ r }) => r);
    return new RankedList(ranked);
  }
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
