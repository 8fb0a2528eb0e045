"""The review app in headless Chromium (Debian's, driven by Playwright): editing with the
keyboard, live QA, escaping, and two editors on one segment.

Set ``TAFSIRI_SCREENSHOT=docs/review-screenshot.png`` to also translate the seed article with the
embedded model and save a screenshot of its document view (how the one in docs/ was made).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from glossary import default_glossary
from review.assist import Alternatives
from review.importing import import_paths
from review.project import Project
from review.web import create_app
from tests.conftest import REPO, SEED_ARTICLE
from tests.review_support import make_run, scripted_translator
from tests.test_eval_html import CHROMIUM_ARGS, _chromium_or_skip

TERMS = "The Ministry of Foreign Affairs of Belgium said the budget was $523.7 million in 2023."


def _wait(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until ``expression`` is true in the page. Playwright's wait_for_function polls
    with eval, which the app's Content-Security-Policy forbids; page.evaluate is allowed."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """uvicorn serving one app on a free loopback port, in a thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the review server did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def browser():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.sqlite"
    import_paths(path, [make_run(tmp_path)], glossary=default_glossary())
    with Project(path) as proj:
        yield proj


@pytest.fixture
def site(project):
    alternatives = Alternatives("scripted", factory=lambda name: scripted_translator())
    with _Server(create_app(project, alternatives=alternatives)) as url:
        yield url


class _Watched:
    """A page whose console errors, uncaught exceptions and dialogs are collected."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def row(self, number: int):
        return self.page.locator("tr.seg").nth(number - 1)


@pytest.fixture
def watched(browser):
    pages: list[_Watched] = []

    def make() -> _Watched:
        pages.append(_Watched(browser))
        return pages[-1]

    yield make
    for w in pages:
        w.context.close()
        # Chromium logs every 4xx answer; a 409 is how the API reports a conflict.
        errors = [e for e in w.errors if "status of 409 (Conflict)" not in e]
        assert errors == [] and w.dialogs == []


def test_edit_ctrl_enter_and_reload_keep_the_edit_and_its_status(site, watched, project):
    w = watched()
    w.page.goto(f"{site}/documents/1")
    box = w.row(1).locator("textarea")
    box.fill(TERMS)
    box.press("Control+Enter")
    # Saved, approved, and the cursor is in the next segment.
    w.row(1).locator("td.state .status").filter(has_text="approved").wait_for()
    assert w.page.evaluate("document.activeElement === document.querySelectorAll('textarea')[1]")
    w.page.reload()
    assert w.row(1).locator("textarea").input_value() == TERMS
    assert w.row(1).locator("td.state .status").inner_text() == "approved"
    assert project.segment(1).status == "approved" and project.segment(1).editor == "editor"


def test_keyboard_moves_and_copies_the_source(site, watched):
    w = watched()
    w.page.goto(f"{site}/documents/1")
    w.row(3).locator("textarea").focus()
    w.page.keyboard.press("Alt+ArrowUp")
    assert w.page.evaluate("document.activeElement === document.querySelectorAll('textarea')[1]")
    w.page.keyboard.press("Alt+ArrowDown")
    w.page.keyboard.press("Control+Shift+C")
    assert w.row(3).locator("textarea").input_value() == "Mashauriano yataendelea kesho."
    w.row(3).locator("li.flag[data-code=identical]").wait_for()


def test_glossary_flag_clears_when_the_editor_types_the_term(site, watched, project):
    w = watched()
    w.page.goto(f"{site}/documents/1")
    flag = w.row(1).locator("li.flag[data-code=term]")
    assert "Ministry of Foreign Affairs" in flag.inner_text()
    box = w.row(1).locator("textarea")
    box.click()
    box.press("End")
    box.type(" The Ministry of Foreign Affairs of Belgium agreed.")
    flag.wait_for(state="detached")  # re-checked as the editor types
    box.blur()
    _wait(w.page, "!document.querySelector('tr.seg.saving')")
    w.page.locator("#status-line").filter(has_text="saved segment 1").wait_for()
    assert [f.code for f in project.segment(1).flags] == []


def test_a_script_tag_in_the_source_renders_as_text(site, watched):
    w = watched()
    w.page.goto(f"{site}/documents/1")
    source = w.row(2).locator(".source-text")
    assert "<script>alert(1)</script>" in source.inner_text()
    assert source.locator("script").count() == 0
    assert w.page.locator("script").count() == 1  # the packaged review.js only


def test_two_pages_editing_one_segment_get_a_conflict_and_lose_nothing(site, watched, project):
    first, second = watched(), watched()
    first.page.goto(f"{site}/documents/1")
    second.page.goto(f"{site}/documents/1")
    a = first.row(3).locator("textarea")
    a.fill("The talks will go on tomorrow.")
    a.blur()
    first.row(3).locator("td.state .status").filter(has_text="edited").wait_for()
    b = second.row(3).locator("textarea")
    b.fill("Consultations continue tomorrow.")
    b.blur()
    conflict = second.row(3).locator(".conflict")
    conflict.wait_for(state="visible")
    text = conflict.inner_text()
    assert "The talks will go on tomorrow." in text and "Consultations continue tomorrow." in text
    assert b.input_value() == "Consultations continue tomorrow."  # still in the box
    seg = project.segment(3)
    assert seg.target == "The talks will go on tomorrow."
    kinds = {(v.kind, v.text) for v in project.history(3)}
    assert ("conflict", "Consultations continue tomorrow.") in kinds
    # The second editor keeps their text on purpose: it is saved over the newer version.
    conflict.locator("button.keep-mine").click()
    second.row(3).locator("td.state .status").filter(has_text="edited").wait_for()
    _wait(second.page, "!document.querySelector('tr.seg.saving')")
    deadline = time.monotonic() + 5
    while project.segment(3).version < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert project.segment(3).target == "Consultations continue tomorrow."


def test_alternatives_and_memory_in_the_help_panel(site, watched, project):
    project.save(4, "Thanks so much.", version=1, status="approved")
    w = watched()
    w.page.goto(f"{site}/documents/1")
    w.row(4).locator("textarea").focus()
    w.page.locator("#memory-list").filter(has_text="no match").wait_for()
    w.page.locator("#load-alternatives").click()
    w.page.locator("#alternatives-list li").nth(2).wait_for()
    w.page.locator("#alternatives-list li button.use").first.click()
    assert w.row(4).locator("textarea").input_value() == "Thank you very much."


def test_screenshot_of_the_seed_article_shows_flagged_segments(tmp_path, watched):
    """The seed article through the real model, in the document view, as a picture.

    ``TAFSIRI_SCREENSHOT=docs/review-screenshot.png`` writes the README's screenshot;
    otherwise the picture goes to a temporary folder.
    """
    target = os.environ.get("TAFSIRI_SCREENSHOT") or str(tmp_path / "review.png")
    from translate.pipeline import Translator

    path = tmp_path / "seed.sqlite"
    article = tmp_path / SEED_ARTICLE.name
    article.write_text(SEED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    import_paths(
        path, [article], translator=lambda: Translator(None, glossary=default_glossary(), threads=1)
    )
    with Project(path) as proj, _Server(create_app(proj)) as url:
        segs = proj.segments(1)
        proj.save(segs[0].id, segs[0].target, version=1, status="approved", editor="Amina")
        # One post-edit, so that the view shows an edited segment and its HTER.
        edited = segs[7].target.replace("Minister Kazakhstan", "of Kazakhstan")
        proj.save(segs[7].id, edited, version=1, editor="Amina", seconds=40)
        w = watched()
        w.page.set_viewport_size({"width": 1400, "height": 1000})
        w.page.goto(f"{url}/documents/1")
        # Show the rows where glossary and number flags start, with the help panel filled in.
        rows = [
            w.page.locator(f"tr.seg:has(li.flag[data-code={code}])")
            for code in ("term", "number", "untranslated", "length")
        ]
        assert any(r.count() for r in rows), "the seed article's view shows flagged segments"
        row = next(r.first for r in rows if r.count())
        row.locator("textarea").focus()
        w.page.locator("#memory-list li").first.wait_for()
        w.page.evaluate("document.activeElement.closest('tr').scrollIntoView({block: 'center'})")
        out = Path(target) if Path(target).is_absolute() else REPO / target
        out.parent.mkdir(parents=True, exist_ok=True)
        w.page.screenshot(path=str(out), full_page=False)
    assert out.stat().st_size > 10_000 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bidi_controls_show_as_labels_not_as_reversed_text(tmp_path, browser, watched):
    """A right-to-left override in a source must not make "evil" read "live" (issue 23)."""
    source = "Habari \u202eevil\u202c njema."
    english = {source: "Good evil news."}
    run = make_run(
        tmp_path, source + "\n", name="bidi.txt", translator=scripted_translator(english)
    )
    path = tmp_path / "bidi.sqlite"
    import_paths(path, [run])
    with Project(path) as proj, _Server(create_app(proj)) as url:
        w = watched()
        w.page.goto(f"{url}/documents/1")
        cell = w.row(1).locator(".source-text")
        labels = cell.locator("span.invisible")
        assert labels.all_inner_texts() == ["RLO", "PDF"]
        assert labels.first.is_visible()
        assert "RIGHT-TO-LEFT OVERRIDE" in labels.first.get_attribute("title")
        assert "\u202e" not in cell.evaluate("el => el.textContent")
        assert cell.inner_text() == "Habari RLOevilPDF njema."
        # Drawn left to right: "evil" starts right of "Habari" and ends left of "njema".
        boxes = cell.evaluate(
            """el => {
                const range = document.createRange();
                const text = [...el.childNodes].filter(n => n.nodeType === 3);
                return text.map(n => { range.selectNodeContents(n);
                                       return range.getBoundingClientRect().left; });
            }"""
        )
        assert boxes == sorted(boxes)
        flag = w.row(1).locator("li.flag[data-code=bidi]")
        assert "U+202E RIGHT-TO-LEFT OVERRIDE" in flag.inner_text()


# -- issue 26: the bugs ----------------------------------------------------------------------


def _active_index(page) -> int:
    return page.evaluate(
        "[...document.querySelectorAll('textarea.target')].indexOf(document.activeElement)"
    )


def test_ctrl_z_stays_in_the_focused_box_and_reverting_an_approval_asks(site, watched, project):
    """Bug 1: Ctrl+Z after Ctrl+Shift+C in segment 2 used to undo segment 1's approved edit."""
    w = watched()
    w.page.goto(f"{site}/documents/1")
    mt2 = w.row(2).locator("textarea").input_value()
    box = w.row(1).locator("textarea")
    box.fill(TERMS)
    box.press("Control+Enter")
    w.row(1).locator("td.state .status").filter(has_text="approved").wait_for()
    w.page.keyboard.press("Control+Shift+C")
    assert w.row(2).locator("textarea").input_value().startswith("Rais alisema")
    w.page.keyboard.press("Control+z")
    assert _active_index(w.page) == 1  # focus stays in segment 2
    assert w.row(2).locator("textarea").input_value() == mt2
    assert w.row(1).locator("textarea").input_value() == TERMS
    w.page.keyboard.press("Control+Shift+z")  # redo, in the same box
    assert w.row(2).locator("textarea").input_value().startswith("Rais alisema")
    w.page.keyboard.press("Control+z")
    w.page.keyboard.press("Alt+ArrowUp")  # leaves segment 2 unchanged: nothing to save
    _wait(w.page, "!document.querySelector('tr.seg.saving')")
    assert project.segment(1).status == "approved" and project.segment(1).target == TERMS
    # Putting the raw MT back into an approved segment asks before anything is saved.
    w.page.keyboard.press("Alt+m")
    w.page.keyboard.press("Alt+ArrowDown")
    confirm = w.row(1).locator(".confirm")
    confirm.wait_for(state="visible")
    assert "raw MT" in confirm.inner_text()
    assert project.segment(1).version == 2 and project.segment(1).status == "approved"
    confirm.locator("button.revert-no").click()
    assert w.row(1).locator("textarea").input_value() == TERMS
    w.page.keyboard.press("Alt+m")
    w.page.keyboard.press("Alt+ArrowDown")
    confirm.locator("button.revert-yes").click()
    w.row(1).locator("td.state .status").filter(has_text="edited").wait_for()
    assert project.segment(1).target == project.segment(1).mt


def test_progress_line_updates_and_a_kept_conflict_keeps_its_approval(site, watched, project):
    """Bug 2: the progress line, and "save my text over it" after Ctrl+Enter."""
    first, second = watched(), watched()
    first.page.goto(f"{site}/documents/1")
    second.page.goto(f"{site}/documents/1")
    assert first.page.locator("#approved-count").inner_text() == "0"
    box = first.row(1).locator("textarea")
    box.fill(TERMS)
    box.press("Control+Enter")
    first.page.locator("#approved-count").filter(has_text="1").wait_for()
    flagged_before = int(first.page.locator("#flagged-count").inner_text())
    assert flagged_before >= 1
    a = first.row(3).locator("textarea")
    a.fill("The talks will go on tomorrow.")
    a.blur()
    first.row(3).locator("td.state .status").filter(has_text="edited").wait_for()
    b = second.row(3).locator("textarea")
    b.fill("Consultations continue tomorrow.")
    b.press("Control+Enter")  # approve: refused as a conflict; the move's blur must not resend
    conflict = second.row(3).locator(".conflict")
    conflict.wait_for(state="visible")
    _wait(second.page, "!document.querySelector('tr.seg.saving')")
    time.sleep(0.3)
    conflicts = [v for v in project.history(3) if v.kind == "conflict"]
    assert len(conflicts) == 1 and conflicts[0].status == "approved"
    conflict.locator("button.keep-mine").click()
    second.row(3).locator("td.state .status").filter(has_text="approved").wait_for()
    seg = project.segment(3)
    assert seg.target == "Consultations continue tomorrow." and seg.status == "approved"
    second.page.locator("#approved-count").filter(has_text="2").wait_for()
    assert [v.kind for v in project.history(3)].count("conflict") == 1


def test_term_flags_take_the_editors_decision(site, watched, project):
    """Bug 3: "ignore" a term for the document, or add a rendering to the project glossary."""
    w = watched()
    w.page.goto(f"{site}/documents/1")
    flag = w.row(1).locator("li.flag[data-code=term]")
    decisions = flag.locator("span.term-decision")
    assert decisions.count() == 2  # the ministry and Belgium
    first_term = decisions.nth(0).get_attribute("data-sw")
    decisions.nth(0).locator("button.term-ignore").click()
    w.page.locator("#status-line").filter(has_text="ignored in this document").wait_for()
    _wait(
        w.page,
        "document.querySelectorAll('tr.seg')[0]"
        ".querySelectorAll('span.term-decision').length === 1",
    )
    assert project.ignored_terms(1) == [first_term]
    # The other term: the editor accepts "ministry" (selected in the box) as its rendering.
    box = w.row(1).locator("textarea")
    box.focus()
    start = box.input_value().index("ministry")
    box.evaluate(f"ta => ta.setSelectionRange({start}, {start + len('ministry')})")
    remaining = w.row(1).locator("span.term-decision")
    sw = remaining.get_attribute("data-sw")
    remaining.locator("button.term-add").click()
    assert w.page.locator("#glossary-en").input_value() == "ministry"
    w.page.keyboard.press("Enter")
    flag.wait_for(state="detached")
    assert [e.en for e in project.glossary()] == ["ministry"] and project.glossary()[0].sw == sw
    assert [f.code for f in project.segment(1).open_flags if f.code == "term"] == []


def test_history_nbest_hter_and_box_height(site, watched, project):
    """Bug 4: the model's name in the history, no HTER on untouched segments, boxes that grow
    with their text, distinct n-best with percentages."""
    w = watched()
    w.page.goto(f"{site}/documents/1")
    assert w.row(2).locator("td.state .hter").inner_text() == ""
    box = w.row(2).locator("textarea")
    small = box.evaluate("ta => ta.clientHeight")
    box.fill(" ".join(["The President said it is dangerous."] * 12))
    grown = box.evaluate("ta => [ta.clientHeight, ta.scrollHeight]")
    assert grown[0] > small and grown[0] >= grown[1] - 2  # nothing cut off
    box.blur()
    _wait(w.page, "document.querySelectorAll('tr.seg')[1].querySelector('.hter').textContent")
    box.focus()
    w.page.locator("#load-history").click()
    mt_line = w.page.locator("#history-list li").last
    assert mt_line.locator(".src").inner_text().startswith("scripted ·")
    w.page.locator("#load-alternatives").click()
    w.page.locator("#alternatives-list li").nth(2).wait_for()
    scores = w.page.locator("#alternatives-list li .score").all_inner_texts()
    assert all(s.endswith("%") for s in scores)
    texts = w.page.locator("#alternatives-list li .tgt").all_inner_texts()
    assert len(set(texts)) == len(texts)


# -- issue 26: the keyboard loop, find & replace, trust flags, comments, diffs ----------------


def test_keyboard_only_edit_approve_memory_and_replace(site, watched, project):
    """Item 6: edit, approve, insert a TM match and replace across the document with the
    keyboard alone (no mouse event reaches the page)."""
    project.add_memory([("Mashauriano yataendelea kesho.", "The talks go on tomorrow.")], "tm")
    w = watched()
    page = w.page
    page.goto(f"{site}/documents/1")
    page.evaluate(
        """() => { window.mouseEvents = 0;
        for (const t of ['mousedown', 'mouseup', 'pointerdown', 'wheel'])
            document.addEventListener(t, () => { window.mouseEvents += 1; }, true); }"""
    )
    keys = page.keyboard
    keys.press("Alt+u")  # nothing focused: the first segment not approved
    assert _active_index(page) == 0
    keys.press("End")
    keys.type(" Belgium agreed.")
    keys.press("Control+Enter")
    w.row(1).locator("td.state .status").filter(has_text="approved").wait_for()
    assert _active_index(page) == 1
    keys.press("Alt+u")
    assert _active_index(page) == 2
    page.locator("#memory-list li kbd").first.wait_for()
    keys.press("Control+1")
    assert w.row(3).locator("textarea").input_value() == "The talks go on tomorrow."
    keys.press("Control+Enter")
    w.row(3).locator("td.state .status").filter(has_text="approved").wait_for()
    page.locator("#approved-count").filter(has_text="2").wait_for()
    # Help overlay.
    keys.press("F1")
    assert page.locator("#help").is_visible()
    assert "Ctrl+1" in page.locator("#help").inner_text()
    keys.press("Escape")
    assert not page.locator("#help").is_visible()
    # Insert n-best 2, then the MT back, then reject.
    assert _active_index(page) == 3
    keys.press("Alt+2")
    _wait(page, "document.querySelectorAll('textarea.target')[3].value.includes('variant 1')")
    keys.press("Alt+m")
    assert w.row(4).locator("textarea").input_value() == "Thank you very much."
    keys.press("Alt+x")
    w.row(4).locator("td.state .status").filter(has_text="rejected").wait_for()
    # Next flagged segment, and ignore its flag.
    keys.press("Alt+f")  # wraps round to segment 1: its ministry is still missing
    assert _active_index(page) == 0
    keys.press("Alt+i")
    w.row(1).locator("li.flag.ignored").first.wait_for()
    assert project.segment(1).ignored == ("term",)
    # Find & replace across the document.
    keys.press("Control+Shift+F")
    assert page.evaluate("document.activeElement.id") == "replace-find"
    keys.type("tomorrow")
    keys.press("Tab")
    keys.type("on Friday")
    keys.press("Enter")
    page.locator("#replace-count").filter(has_text="1 segment(s) would change").wait_for()
    assert page.locator("#replace-hits mark.hit").inner_text() == "tomorrow"
    keys.press("Control+Enter")
    page.locator("#replace-count").filter(has_text="replaced in 1 segment(s)").wait_for()
    assert w.row(3).locator("textarea").input_value() == "The talks go on on Friday."
    assert project.segment(3).target == "The talks go on on Friday."
    assert [v.kind for v in project.history(3)] == ["mt", "save", "save"]
    keys.press("Escape")
    assert page.evaluate("window.mouseEvents") == 0


def test_trust_flags_show_and_sort_riskiest_first(tmp_path, watched):
    import json

    run = make_run(tmp_path)
    records = [json.loads(line) for line in run.read_text(encoding="utf-8").splitlines()]
    records[3]["flags"] = [{"kind": "polarity", "detail": "negation lost"}]
    records[3]["confidence"] = -2.0
    records[2]["flags"] = [{"kind": "round-trip", "detail": "round trip keeps chrF 31.0"}]
    run.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / "t.sqlite"
    import_paths(path, [run])
    with Project(path) as proj, _Server(create_app(proj)) as url:
        w = watched()
        w.page.goto(f"{url}/documents/1?sort=risk")
        first = w.row(1)
        assert first.locator("td.num").inner_text() == "4"
        flag = first.locator("li.flag.trust[data-code=polarity]")
        assert "meaning may be reversed" in flag.inner_text()
        assert "conf -2.00" in first.locator("td.state").inner_text()
        # Reversed meaning (5), then untranslated Swahili (3), the lost round trip (2), no flag.
        assert w.page.locator("tr.seg td.num").all_inner_texts() == ["4", "2", "3", "1"]
        w.page.goto(f"{url}/documents/1?flag=polarity")
        assert w.page.locator("tr.seg").count() == 1
        w.page.goto(f"{url}/documents/1?flag=round-trip")
        only = w.page.locator("tr.seg")
        assert only.count() == 1 and only.locator("td.num").inner_text() == "3"
        label = only.locator("li.flag.trust[data-code=round-trip]").inner_text()
        assert "lost in the round trip" in label


def test_comments_and_diffs(site, watched, project):
    w = watched()
    w.page.goto(f"{site}/documents/1")
    box = w.row(3).locator("textarea")
    box.fill("The talks will go on tomorrow.")
    box.blur()
    w.row(3).locator("td.state .status").filter(has_text="edited").wait_for()
    diff = w.row(3).locator("div.diff")
    assert diff.locator("del").all_inner_texts() == ["consultations ", "continue "]
    assert diff.locator("ins").all_inner_texts() == ["talks ", "go on "]
    box.focus()
    w.page.locator("#comment-text").fill("Check the register.")
    w.page.locator("#comment-form button").click()
    w.page.locator("#comment-list li").filter(has_text="Check the register.").wait_for()
    assert "💬 1" in w.row(3).locator("td.state").inner_text()
    box.focus()
    w.page.locator("#load-history").click()
    w.page.locator("#history-diff ins").first.wait_for()
    assert w.page.locator("#history-diff del").first.inner_text() == "consultations "
    w.page.locator("#lookup-q").fill("Wizara ya Mambo ya Nje")
    w.page.locator("#lookup-form button").click()
    w.page.locator("#lookup-list li").filter(
        has_text="Ministry of Foreign Affairs"
    ).first.wait_for()


def test_search_hits_are_highlighted(site, watched):
    w = watched()
    w.page.goto(f"{site}/documents/1?q=kesho")
    assert w.page.locator("tr.seg").count() == 1
    assert w.row(1).locator(".source-text mark.hit").inner_text() == "kesho"
    w.page.goto(f"{site}/documents/1?q=tomorrow")
    assert w.row(1).locator("textarea.hit").count() == 1
    # The hit itself is marked inside the text box, and follows the editor's typing.
    assert w.row(1).locator(".hl-backdrop mark.hit").inner_text().lower() == "tomorrow"
    box = w.row(1).locator("textarea.target")
    mark = w.row(1).locator(".hl-backdrop mark.hit").bounding_box()
    frame = box.bounding_box()
    assert frame["y"] <= mark["y"] and mark["y"] + mark["height"] <= frame["y"] + frame["height"]
    box.fill("They will meet the day after.")
    assert w.row(1).locator(".hl-backdrop mark.hit").count() == 0
    assert w.row(1).locator("textarea.hit").count() == 0
