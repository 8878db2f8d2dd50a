"""The sanitiser: the allowlist, links, images, block structure and the plain text."""

from __future__ import annotations

from newsarchive.sanitize import blockify, html_to_text, sanitize_html
from tests.ingest.unsafe import unsafe_parts

BASE = "https://news.example.org/2024/01/story.html"


def test_keeps_what_news_needs() -> None:
    markup = (
        "<h2>Head</h2><h3>Sub</h3><h4>Minor</h4><p><strong>b</strong> <em>i</em> <code>c</code>"
        "<sup>1</sup></p><ul><li>one</li></ul><ol start='3'><li>three</li></ol>"
        "<blockquote><p>quote</p></blockquote>"
        "<figure><img src='https://img.example.org/a.jpg' alt='A' width='640'>"
        "<figcaption>Caption</figcaption></figure>"
        "<table><thead><tr><th scope='col'>Year</th></tr></thead>"
        "<tbody><tr><td colspan='2'>2024</td></tr></tbody></table><pre>x = 1</pre>"
    )
    out = sanitize_html(markup, BASE)
    for kept in ("<h2>Head</h2>", "<h3>Sub</h3>", "<h4>Minor</h4>", "<strong>b</strong>",
                 "<em>i</em>", "<code>c</code>", "<sup>1</sup>", "<ul><li>one</li></ul>",
                 '<ol start="3">', "<blockquote>", "<figcaption>Caption</figcaption>",
                 'src="https://img.example.org/a.jpg"', 'alt="A"', 'width="640"',
                 '<th scope="col">Year</th>', '<td colspan="2">2024</td>', "<pre>x = 1</pre>"):
        assert kept in out, kept


def test_removes_everything_that_can_run() -> None:
    markup = (
        "<script>alert(1)</script><style>p{}</style><iframe src='https://x'></iframe>"
        "<form action='https://x'><input name=a><button formaction='javascript:x'>b</button>"
        "</form><object data='x.swf'></object><embed src='x'><base href='https://evil/'>"
        "<p onclick='x()' style='color:red' class='c' id='i'>text</p>"
        "<a href='javascript:alert(1)'>js</a><a href=' JaVa&#x09;ScRiPt:alert(1)'>js2</a>"
        "<a href='vbscript:msgbox(1)'>vb</a><a href='data:text/html,<script>x</script>'>d</a>"
        "<img src='data:image/png;base64,AAAA'><svg onload=alert(1)><a xlink:href='javascript:x'>"
        "s</a></svg><math><maction actiontype='statusline' xlink:href='javascript:x'>m</maction>"
        "</math>"
    )
    out = sanitize_html(markup, BASE)
    assert unsafe_parts(out) == []
    for gone in ("script", "style", "iframe", "form", "input", "object", "embed", "base",
                 "onclick", "class=", "id=", "javascript", "vbscript", "data:", "svg", "math"):
        assert gone not in out.lower(), gone
    assert "text" in out and ">js<" in out  # the text of a removed link stays


def test_links_get_rel_and_become_absolute() -> None:
    out = sanitize_html("<p><a href='/x'>a</a> <a href='y?q=1'>b</a> <a href='//cdn.example/z'>"
                        "c</a> <a href='mailto:desk@example.org'>d</a></p>", BASE)
    assert '<a href="https://news.example.org/x" rel="nofollow noopener">a</a>' in out
    assert 'href="https://news.example.org/2024/01/y?q=1"' in out
    assert 'href="https://cdn.example/z"' in out
    assert 'href="mailto:desk@example.org"' in out
    assert out.count('rel="nofollow noopener"') == 4
    no_base = sanitize_html("<p><a href='/x'>a</a></p>")
    assert "href" not in no_base and ">a</a>" in no_base  # a relative link without a base


def test_images_need_https() -> None:
    out = sanitize_html("<p><img src='http://a.example/1.jpg'><img src='/2.jpg'>"
                        "<img src='https://a.example/3.jpg'></p>", "http://a.example/page")
    assert "1.jpg" not in out and "2.jpg" not in out and "https://a.example/3.jpg" in out


def test_headings_are_mapped_into_h2_to_h4() -> None:
    out = sanitize_html("<h1>One</h1><h5>Five</h5><h6>Six</h6>")
    assert out == "<h2>One</h2>\n\n<h4>Five</h4>\n\n<h4>Six</h4>"


def test_blocks_are_separated_and_loose_text_wrapped() -> None:
    out = sanitize_html("Loose <b>text</b><p>Para\n\n\nwith   gaps</p>tail<pre>a\n\nb</pre><hr>")
    assert out.split("\n\n") == ["<p>Loose <b>text</b></p>", "<p>Para with gaps</p>",
                                 "<p>tail</p>", "<pre>a", "b</pre>", "<hr>"]
    assert blockify("") == ""
    assert sanitize_html("<div><p></p>   </div>") == ""


def test_plain_text_has_paragraphs() -> None:
    out = sanitize_html("<h2>Head</h2><p>One &amp; <a href='https://x.org'>two</a></p>"
                        "<ul><li>a</li><li>b</li></ul><p>3 &lt; 4</p>")
    assert html_to_text(out) == "Head\n\nOne & two\n\na\n\nb\n\n3 < 4"
