"""Tagger quality, printed and held to the issue's floors.

- GUM news documents (``../shared/corpora/entities``): country F1 over the document set and
  organisation precision (mapping documented in tests/entities/quality.py);
- the archive's gold set (``tests/gold/entities/*.toml``, labelled by the article writers by
  reading): entity F1 and event-type F1 over every labelled article found in content/.
Run ``pytest -s tests/entities/test_quality.py`` to see the figures, and
``tests/gold/entities_gold_check`` for per-article differences.
"""

from __future__ import annotations

import pytest

from newsarchive.tagger import load_tagger
from tests.entities.quality import GUM, evaluate_gold, evaluate_gum, gold_articles


@pytest.mark.skipif(not GUM.is_file(), reason=f"{GUM} is absent (the shared corpora)")
def test_gum_countries_and_organisations() -> None:
    report = evaluate_gum(load_tagger())
    print(f"\nGUM countries, GUM's own types only: {report.strict}")
    print(f"GUM countries, national teams mapped to their country: {report.mapped}")
    print(f"GUM organisations (org, body, company): {report.orgs}")
    if report.orgs_by_other_type:
        print(f"  named by a GUM mention of another type: {report.orgs_by_other_type}")
    for doc, gold, predicted, _ in report.per_doc:
        if gold != predicted:
            print(f"  {doc}: missed {sorted(gold - predicted)}, extra {sorted(predicted - gold)}")
    if report.wrong_orgs:
        print(f"  organisations GUM does not name: {report.wrong_orgs}")
    assert report.mapped.f1 >= 0.95
    assert report.orgs.precision >= 0.9


def test_gold_set_entities_and_event_types() -> None:
    articles, missing = gold_articles()
    if len(articles) < 30:
        pytest.skip(f"only {len(articles)} gold articles found in content/ (need 30)")
    report = evaluate_gold(load_tagger(), articles)
    print(f"\nGold set: {report.articles} articles (labelled but not in content/: {missing})")
    print(f"entities: {report.entities}")
    for kind, score in sorted(report.by_type.items()):
        print(f"  {kind:8} {score}")
    print(f"event types: {report.event_types}")
    assert report.entities.f1 >= 0.9
    # Event types follow the evidence rule since issue 12: a type needs acts reported in the
    # headline or the lede, or twice further down. This starter gold also labels events named
    # once in passing in a body, so the floor here is lower than on the labels gold
    # (tests/entities/test_labels.py), where the bars of the issue are checked.
    assert report.event_types.f1 >= 0.78
    assert report.event_types.precision >= 0.85


@pytest.mark.skipif(not GUM.is_file(), reason=f"{GUM} is absent (the shared corpora)")
def test_relevance_keeps_the_archive_and_drops_most_other_news() -> None:
    from newsarchive.event_types import RELEVANCE_THRESHOLD
    from tests.entities.quality import gum_documents

    tagger = load_tagger()
    other = {}
    for doc in gum_documents():
        title, _, body = doc["text"].partition("\n")
        other[doc["doc"]] = tagger.tag(title, "", body).relevance
    articles, _ = gold_articles()
    ours = {a.slug: tagger.tag(a.title, a.summary, a.body, a.lang).relevance for a in articles}
    print(f"\nrelevance of GUM's general news: {sorted(other.items(), key=lambda kv: kv[1])}")
    print(f"lowest relevance in the archive: {sorted(ours.items(), key=lambda kv: kv[1])[:3]}")
    kept = [d for d, r in other.items() if r >= RELEVANCE_THRESHOLD]
    assert all(r >= RELEVANCE_THRESHOLD for r in ours.values())
    assert len(kept) <= len(other) // 4, f"general news kept: {kept}"
