"""Pelican settings for local builds of the archive (see publishconf.py for deployment)."""

SITENAME = "Internet Freedom Archive"
SITESUBTITLE = "Shutdowns, blocks, censorship laws and the people they touch, on the record"
AUTHOR = "newsarchive editors"
SITEURL = ""
RELATIVE_URLS = True  # a copy of output/ works from any path or host

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["extra"]
EXTRA_PATH_METADATA = {"extra/robots.txt": {"path": "robots.txt"}}
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "events"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Directory-style URLs everywhere (never "name2.html", which clashes with tags ending in digits).
ARTICLE_URL = "events/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "events/{date:%Y}/{slug}/index.html"
ARTICLE_LANG_URL = "events/{date:%Y}/{slug}-{lang}/"
ARTICLE_LANG_SAVE_AS = "events/{date:%Y}/{slug}-{lang}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_LANG_URL = "drafts/{slug}-{lang}/"
DRAFT_LANG_SAVE_AS = "drafts/{slug}-{lang}/index.html"
PAGE_URL = "pages/{slug}/"
PAGE_SAVE_AS = "pages/{slug}/index.html"
PAGE_LANG_URL = "pages/{slug}-{lang}/"
PAGE_LANG_SAVE_AS = "pages/{slug}-{lang}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "events/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "events/{date:%Y}/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "search"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
INDEX_SAVE_AS = "index.html"

# Content cache: re-read only what changed. A gzipped cache is slower than none, and CI clones
# reset mtimes, so compare contents by hash.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = ".cache/pelican"
GZIP_CACHE = False
CHECK_MODIFIED_METHOD = "sha256"

# One Atom feed of all events (its newest FEED_MAX_ITEMS); publishconf.py makes its links
# absolute. No category, author or translation feeds: entity pages have their own.
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
# The newest 20 stories per feed (the site-wide one and each entity's): a feed reader polls
# for what is new; the pages hold the rest. (Pelican's default is 100 full articles.)
FEED_MAX_ITEMS = 20

THEME = "theme"
# Pelican's defaults, plus no template freshness check: each build (make devserver included)
# makes a new Jinja environment, so re-reading templates' mtimes on every use only costs stats.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "auto_reload": False,
}
PLUGIN_PATHS = ["plugins"]
# Listed explicitly (never import every installed plugin), in signal order: content_guard
# refuses unreadable or clashing files; incremental renders only pages whose inputs changed
# (at ``finalized``, before the others read the output); entities tags articles,
# related_stories reads the tags, site_extras writes data files and the sitemap,
# pagefind_search indexes the finished output; frozen_urls computes each URL once;
# linear_grouping replaces three groupings of Pelican that are quadratic in the archive;
# world_map gives templates `world_map(counts, SITEURL, ...)` (boundaries from npm world-atlas);
# incidents groups the tagged articles into incidents (newsarchive.incidents) and writes their
# pages and feed; site_extras writes their open data.
PLUGINS = [
    "content_guard",  # size cap, unreadable files named, clashing slugs left out, STRICT/CI
    "incremental",
    "entities",
    "frozen_urls",  # before related_stories and incidents: they read every article's URL
    "related_stories",
    "incidents",
    "site_extras",
    "pagefind_search",
    "linear_grouping",
    "world_map",
]

PAGEFIND_ENABLED = True
CONTENT_MAX_BYTES = 2_000_000  # content_guard: a bigger content file is refused

# Incidents (plugins/incidents): 100 rows a page of the index table; their own Atom feed.
INCIDENTS_PER_PAGE = 100
INCIDENTS_FEED = "incidents/feed.atom.xml"

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}
TYPOGRIFY = False
