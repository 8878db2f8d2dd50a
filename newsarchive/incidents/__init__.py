"""The incident engine: groups articles reporting one event and extracts its facts.

``build_incidents(articles)`` is the entry point (see ``model`` for the data it returns);
``explain`` tells why articles were grouped; ``incident_for`` which incident new articles join.
"""

from newsarchive.incidents.engine import build, build_incidents, explain, incident_for
from newsarchive.incidents.model import (
    FACT_NAMES,
    FIELDS,
    ArticleInput,
    Fact,
    Incident,
    Provenance,
)

__all__ = [
    "FACT_NAMES", "FIELDS", "ArticleInput", "Fact", "Incident", "Provenance", "build",
    "build_incidents", "explain", "incident_for",
]
