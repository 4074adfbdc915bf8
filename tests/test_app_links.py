"""Values from the address (?date=, ?view=, ?since=) are shown as text in the app's notices, never
interpreted as Markdown or HTML; each notice names the parameter and the forms it accepts.

The notices are Markdown, the link's value in a code span. Outside code spans, a link, an image,
emphasis or HTML needs one of the characters `[ ] * _ < > ! ~ $` unescaped, and GitHub-flavoured
Markdown makes a live link of any bare `://` URL, even with its punctuation escaped;
`markdown_constructs` lists what is left after removing code spans and backslash escapes. The
browser proof is tests/browser/test_link_params.py.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from geo.paths import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")
TIMEOUT = 60
ESCAPED = re.compile(r"\\.")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.*?)(?<!`)\1(?!`)", re.DOTALL)  # CommonMark: closed by an equal run
CONSTRUCT_CHARACTERS = set("[]*_<>!~$")  # links, images, emphasis, HTML, strikethrough, LaTeX
HOSTILE = [
    pytest.param("[x](http://evil.example/link)", id="markdown-link"),
    pytest.param("![x](http://evil.example/image.png)", id="markdown-image"),
    pytest.param("**bold** _italic_", id="markdown-emphasis"),
    pytest.param("<img src=x onerror=window.__pwned=1>", id="html-image"),
    pytest.param("<script>window.__pwned=1</script>", id="html-script"),
    pytest.param("http://evil.example/autolink", id="bare-url"),
    pytest.param("`code` $x^2$ :red[red]", id="code-latex-directive"),
]
PARAMETERS = [
    pytest.param("date", "`?date=YYYY-MM-DD`", id="date"),
    pytest.param("view", "`?view=mercator` or `?view=polar`", id="view"),
    pytest.param("since", "`?since=YYYY-MM-DD`", id="since"),
]


def code_spans(markdown: str) -> list[str]:
    """The text each code span shows (one space stripped each side when both sides have one)."""
    spans = [match.group(2) for match in CODE_SPAN.finditer(markdown)]
    return [span[1:-1] if len(span) > 1 and span[0] == span[-1] == " " and span.strip() else span for span in spans]


def markdown_constructs(markdown: str) -> list[str]:
    """What in `markdown` could still make a link, image, emphasis, HTML or autolink."""
    bare = ESCAPED.sub("", CODE_SPAN.sub("", markdown))
    found = sorted(set(bare) & CONSTRUCT_CHARACTERS)
    return found + (["://"] if "://" in bare else [])


def link_notices(**query: str) -> list[str]:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [warning.value for warning in at.warning]


@pytest.mark.parametrize(("name", "accepted"), PARAMETERS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_link_value_is_shown_as_text_with_the_parameter_and_accepted_forms(name, accepted, payload):
    (notice,) = link_notices(**{name: payload})
    assert markdown_constructs(notice) == [], notice
    assert payload in code_spans(notice), "the value should be shown as typed, in a code span"
    assert f"`?{name}=`" in notice, "the notice should name the parameter"
    assert accepted in notice, "the notice should say what the parameter accepts"


def test_every_parameter_at_once_gives_one_notice_each():
    notices = link_notices(view="[v](http://evil.example)", date="![d](http://evil.example/d.png)", since="**s**")
    assert len(notices) == 3, notices
    assert all(markdown_constructs(notice) == [] for notice in notices), notices


def test_a_very_long_value_is_cut_in_the_notice():
    (notice,) = link_notices(view="A" * 5000)
    assert "A" * 80 + "…" in code_spans(notice) and "A" * 81 not in notice


@pytest.mark.parametrize(
    ("query", "wording"),
    [
        pytest.param(
            {"date": "2025-06-01"}, "The link's `?date=` date 2025-06-01 is outside the records", id="date-out-of-range"
        ),
        pytest.param(
            {"since": "2026-01-20", "date": "2026-01-15"},
            "`?since=` value `2026-01-20` is not an earlier date",
            id="since-after-date",
        ),
        pytest.param(
            {"since": "2026-02-01", "date": "2026-02-14"},
            "`?since=` value `2026-02-01` is not an earlier date",
            id="since-not-a-key-date",
        ),
    ],
)
def test_good_form_bad_value_names_the_parameter(query, wording):
    (notice,) = link_notices(**query)
    assert wording in notice, notice
    assert markdown_constructs(notice) == [], notice
