"""The search benchmark's helpers: file kinds, byte sums, rows, and the counting server."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.search import (
    QueryRun,
    Served,
    by_kind,
    file_kind,
    firsts_of,
    gzip_kb,
    kb,
    report,
    serve,
)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/pagefind/index/en_71c43b9.pf_index", "index"),
        ("/pagefind-2016-2018/fragment/en_67c1783.pf_fragment", "fragment"),
        ("/pagefind/filter/en_8ba3a2c.pf_filter", "filter"),
        ("/pagefind/pagefind.en_796499e1ce.pf_meta", "meta"),
        ("/pagefind/wasm.en.pagefind", "wasm"),
        ("/pagefind/pagefind-worker.js", "pagefind js"),
        ("/pagefind/pagefind-entry.json?ts=1795873323498", "pagefind js"),
        ("/pagefind-2016-2018/pagefind-entry.json", "pagefind js"),
        ("/search/", "page"),
        ("/theme/js/search.js", "page"),
    ],
)
def test_file_kind(path: str, kind: str) -> None:
    assert file_kind(path) == kind


def _run(query: str, status: str, ms: float, fetched: list[tuple[str, int]]) -> QueryRun:
    load = (Served(0.0, "/search/", 2048), Served(0.1, "/pagefind/wasm.en.pagefind", 1024 * 70))
    files = tuple(Served(1.0 + i, path, size) for i, (path, size) in enumerate(fetched))
    return QueryRun(query, ms, min(10, len(fetched)), status, load, files, submitted=1.0)


def test_sums_and_kinds() -> None:
    files = [Served(0, "/pagefind/index/a.pf_index", 3072), Served(0, "/x/", 1024)]
    assert kb(files) == 4
    assert by_kind(files) == {"index": 3.0, "page": 1.0}


def test_total_is_read_from_the_status_line() -> None:
    assert _run("a", "1,234 results for “a”.", 1, []).total == 1234
    assert _run("a", "1 result for “a”.", 1, []).total == 1
    assert _run("a", "No results for “a”.", 1, []).total == 0


def test_report_rows() -> None:
    heavy = [("/pagefind/index/a.pf_index", 40 * 1024), ("/pagefind/fragment/b.pf_fragment", 1024)]
    light = [("/pagefind/index/c.pf_index", 10 * 1024)]
    cold = [
        _run("Telegram", "12 results for “Telegram”.", 100, heavy),
        _run("VPN ban", "No results for “VPN ban”.", 300, light),
        _run("Telegram", "12 results for “Telegram”.", 200, heavy),
    ]
    warm = [_run(run.query, run.status, run.ms / 2, []) for run in cold]
    assert [run.query for run in firsts_of(cold)] == ["Telegram", "VPN ban"]
    first, per_query, timing = report(cold, warm, peak=50.0)
    assert (first.items, per_query.items, timing.items) == (2, 2, 3)
    assert timing.seconds == pytest.approx(0.2)
    assert "113 KB median" in first.note  # 72 KB page load + 41 KB for "Telegram"
    assert "26 KB mean, 41 max ('Telegram'" in per_query.note
    assert "1 index + 1 fragment files" in per_query.note
    assert "'VPN ban' 0" in timing.note and "within the 300 ms aim" in timing.note


def test_server_counts_the_bytes_it_sends(tmp_path: Path) -> None:
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "a.pf_index").write_bytes(b"x" * 5000)
    (tmp_path / "app.js").write_text("let x = 1;\n" * 500)
    with serve(tmp_path) as server:
        with urllib.request.urlopen(server.base + "/pagefind/a.pf_index") as response:
            assert len(response.read()) == 5000
        with urllib.request.urlopen(server.base + "/app.js") as response:
            assert len(response.read()) == 5500
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.base + "/missing.pf_index")
    assert [(s.path, s.bytes) for s in server.served] == [
        ("/pagefind/a.pf_index", 5000),
        ("/app.js", 5500),
        ("/missing.pf_index", 0),
    ]
    pf_index, app, _ = server.served
    assert pf_index.gzipped is None  # Pagefind's chunks are gzipped already
    assert app.gzipped is not None and app.gzipped < 200
    assert gzip_kb(server.served) < kb(server.served)
