"""Benchmark: tagging speed (MB of text per second, one core) and gazetteer load time.

Rows:
- ``gazetteer load (cold)``: parse, validate and compile the gazetteer and event types, no
  disk cache (a fresh cache folder);
- ``gazetteer load (cached)``: a new process loading the compiled tagger from the disk cache and
  building its matcher from the cached patterns, as every build after the first does (target:
  under 0.5 s);
- ``tagging``: ``Tagger.tag_many()`` over n synthetic (title, summary, body) articles, as the
  build, ingest and ``newsarchive tag`` call it (batches of ``BATCH_SIZE``); the rate is in
  articles per second and the note gives MB/s of UTF-8 text (target: at least 20 MB/s), per
  wall second and per CPU second of the process (the machine is shared: CPU time is the
  one-core figure when other jobs compete for the cores);
- ``tagging (starter archive)``: the same over the articles in ``content/`` (real news text,
  typographic quotes and other scripts included), as many passes as make about n synthetic
  articles' worth of text;
- ``tagging, one text a call``: ``Tagger.tag()`` on each of n/10 synthetic articles, the plain
  Python path a lone text takes.
Each tagging row is the best of PASSES passes over its texts (other jobs on a shared machine
only ever slow a pass down). Not timed: generating or reading the texts.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from bench.common import Row, measure
from bench.synth import CONTENT, synthetic_articles
from newsarchive.entities import DEFAULT_DATA_DIR

PASSES = 3


def _load(data_dir: Path, cache_dir: Path) -> tuple[float, int]:
    from newsarchive.tagger import Tagger

    started = time.perf_counter()
    tagger = Tagger.from_data(data_dir, cache_dir=cache_dir)
    tagger.compiled.automaton  # built from the cached patterns on first use  # noqa: B018
    return time.perf_counter() - started, len(tagger.compiled.actions)


def _tag_all(
    data_dir: Path, cache_dir: Path, texts: list[tuple[str, str, str]], one_by_one: bool = False
) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of the fastest of PASSES passes over texts:
    ``tag_many(texts)``, or ``tag()`` on each text when ``one_by_one``."""
    from newsarchive.tagger import Tagger

    tagger = Tagger.from_data(data_dir, cache_dir=cache_dir)
    best = (float("inf"), float("inf"))
    for _ in range(PASSES):
        started, cpu = time.perf_counter(), time.process_time()
        if one_by_one:
            for title, summary, body in texts:
                tagger.tag(title, summary, body)
        else:
            tagger.tag_many(texts)
        best = min(best, (time.perf_counter() - started, time.process_time() - cpu), key=_second)
    return best


def _second(pair: tuple[float, float]) -> float:
    return pair[1]


def _starter_texts() -> list[tuple[str, str, str]]:
    """(title, summary, body) of every article in content/ (Markdown body as written)."""
    out = []
    for path in sorted(CONTENT.glob("**/*.md")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        meta = dict(line.partition(":")[::2] for line in head.splitlines())
        out.append((meta.get("Title", "").strip(), meta.get("Summary", "").strip(), body))
    return out


def _size_mb(texts: list[tuple[str, str, str]]) -> float:
    return sum(len("".join(t).encode("utf-8")) for t in texts) / 1e6


def _rate(size_mb: float, seconds: float, cpu: float) -> str:
    return f"{size_mb / seconds:.1f} MB/s of text wall, {size_mb / cpu:.1f} MB/s per CPU second"


def _tagging_row(
    stage: str, cache_dir: Path, texts: list[tuple[str, str, str]], note: str, one_by_one: bool
) -> Row:
    size_mb = _size_mb(texts)
    tagged = measure(_tag_all, DEFAULT_DATA_DIR, cache_dir, texts, one_by_one)
    seconds, cpu = tagged.value
    rate = _rate(size_mb, seconds, cpu)
    return Row(stage, len(texts), seconds, tagged.peak_mb, f"{rate} ({size_mb:.1f} MB; {note})")


def run(n: int, workdir: Path) -> list[Row]:
    """Load the gazetteer cold and warm, then tag n synthetic articles and the starter archive."""
    cache_dir = workdir / "tagger-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    cold = measure(_load, DEFAULT_DATA_DIR, cache_dir)
    warm = measure(_load, DEFAULT_DATA_DIR, cache_dir)
    texts = [(a.title, a.summary, a.body) for a in synthetic_articles(n)]
    best = f"best of {PASSES}"
    rows = [
        Row("gazetteer load (cold)", 1, cold.value[0], cold.peak_mb, f"{cold.value[1]} patterns"),
        Row("gazetteer load (cached)", 1, warm.value[0], warm.peak_mb, "target < 0.5 s"),
        _tagging_row("tagging", cache_dir, texts, f"target >= 20; {best}", False),
        _tagging_row(
            "tagging, one text a call", cache_dir, texts[: max(1, n // 10)], best, True
        ),
    ]
    starter = _starter_texts()
    if starter:
        starter *= max(1, round(_size_mb(texts) / _size_mb(starter)))
        rows.append(_tagging_row("tagging (starter archive)", cache_dir, starter, best, False))
    return rows


if __name__ == "__main__":
    import sys
    import tempfile

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        for row in run(count, Path(tmp)):
            print(f"{row.stage:24} {row.items:>6} {row.seconds:7.3f} s {row.note}")
