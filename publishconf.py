"""Settings for the deployed site: absolute URLs from $SITEURL, feeds on."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = not SITEURL
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
DELETE_OUTPUT_DIRECTORY = True  # the staging folder; make publish syncs it to output/
