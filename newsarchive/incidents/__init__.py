"""The incident engine: groups articles reporting one event and extracts its facts.

``build_incidents(articles)`` is the entry point; see ``model`` for the data it returns.
"""

from newsarchive.incidents.model import (
    FACT_NAMES,
    FIELDS,
    ArticleInput,
    Fact,
    Incident,
    Provenance,
)
from newsarchive.incidents.simple import build_incidents

__all__ = [
    "FACT_NAMES", "FIELDS", "ArticleInput", "Fact", "Incident", "Provenance", "build_incidents",
]
