"""Checks run inside the page: axe-core, visible focus, keyboard movement,
horizontal scrolling and target sizes (WCAG 2.5.8). Each returns data or
fails with a message that says what and where."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import ROOT

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_source() -> str:
    """axe.min.js from axe-playwright-python, else from `npm install axe-core`."""
    candidates = []
    try:
        import axe_playwright_python

        candidates.append(Path(axe_playwright_python.__file__).parent / "axe.min.js")
    except ImportError:
        pass
    candidates.append(ROOT / "node_modules" / "axe-core" / "axe.min.js")
    for path in candidates:
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError("axe.min.js not found: pip install axe-playwright-python "
                            "or npm install axe-core")


_AXE: str | None = None


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations for the WCAG 2.0/2.1/2.2 A and AA tags (no rule disabled).

    Injected with ``evaluate`` (DevTools protocol), so the page's strict CSP stays on."""
    global _AXE
    if _AXE is None:
        _AXE = axe_source()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_AXE)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
            lines.append(f"       {node['html'][:160]}")
    return "\n".join(lines)


# --- focus and keyboard ----------------------------------------------------------------------

FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const all = Array.from(document.querySelectorAll('*'));
  return {
    key: all.indexOf(el),
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: el.getAttribute('name'),
    type: el.getAttribute('type'),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 80),
    outlineStyle: s.outlineStyle,
    outlineWidth: parseFloat(s.outlineWidth) || 0,
    boxShadow: s.boxShadow,
    visible: r.width > 0 && r.height > 0 && s.visibility !== 'hidden',
    // Focus on a part inside a date box's own shadow tree (its calendar button):
    // the box itself then matches neither :focus nor :focus-visible.
    inner: !el.matches(':focus'),
  };
}"""


def focused(page: Any) -> dict[str, Any] | None:
    return page.evaluate(FOCUSED_JS)  # type: ignore[no-any-return]


def label(info: dict[str, Any] | None) -> str:
    if info is None:
        return "<nothing>"
    bits = [info["tag"]]
    if info["id"]:
        bits.append(f"#{info['id']}")
    if info["name"]:
        bits.append(f"[name={info['name']}]")
    if info["text"]:
        bits.append(repr(info["text"][:40]))
    return " ".join(bits)


_UNFOCUSED: dict[tuple[int, str, int], bytes] = {}


def remember_unfocused_date_boxes(page: Any) -> None:
    """Pictures of the date and time boxes before the focus reaches them (see below)."""
    for index, key in enumerate(page.evaluate("""() => { const all = Array.from(document.querySelectorAll('*'));
        return Array.from(document.querySelectorAll('input[type=date], input[type=time]'))
          .map(el => all.indexOf(el)); }""")):
        box = page.locator("input[type=date], input[type=time]").nth(index)
        if box.is_visible():
            _UNFOCUSED[(id(page), page.url, key)] = box.screenshot()


def assert_visible_focus(page: Any) -> dict[str, Any]:
    """Something is focused, on screen, with an outline or a box-shadow (WCAG 2.4.7)."""
    info = focused(page)
    assert info is not None, "focus is on nothing (the page body)"
    assert info["visible"], f"the focused element is not visible: {label(info)}"
    if info["inner"] and info["type"] in MULTIPART_INPUTS:
        # No style to read on a part inside the box: its picture must differ from the
        # unfocused one (the calendar button gets its ring from secondop.css).
        before = _UNFOCUSED.get((id(page), page.url, info["key"]))
        assert before is not None, f"no unfocused picture of {label(info)} to compare with"
        index = page.evaluate("""() => Array.from(document.querySelectorAll('input[type=date], input[type=time]'))
          .indexOf(document.activeElement)""")
        now = page.locator("input[type=date], input[type=time]").nth(index).screenshot()
        assert now != before, f"no visible focus on the calendar button of {label(info)}"
        return info
    has_outline = info["outlineStyle"] != "none" and info["outlineWidth"] > 0
    has_shadow = info["boxShadow"] not in ("", "none")
    assert has_outline or has_shadow, (
        f"no visible focus indicator on {label(info)} "
        f"(outline {info['outlineStyle']} {info['outlineWidth']}px, box-shadow {info['boxShadow']})")
    return info


def matches(page: Any, selector: str) -> bool:
    return bool(page.evaluate(
        "sel => !!document.activeElement && document.activeElement.matches(sel)", selector))


def tab_to(page: Any, selector: str, *, backwards: bool = False, limit: int = 80) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has focus,
    checking visible focus at every stop and that focus never sticks (a trap)."""
    key = "Shift+Tab" if backwards else "Tab"
    remember_unfocused_date_boxes(page)
    previous: dict[str, Any] | None = None
    path: list[str] = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        if info is None:  # focus left the document at the end of the tab order; go on
            previous = None
            path.append("<document end>")
            continue
        assert_visible_focus(page)
        stuck = previous is not None and info["key"] == previous["key"]
        assert not stuck or info["type"] in MULTIPART_INPUTS, f"keyboard trap: {key} left focus on {label(info)}"
        previous = info
        path.append(label(info))
        if matches(page, selector):
            return info
    raise AssertionError(f"{selector} not reached with {key} in {limit} presses; went: "
                         + " > ".join(path[-15:]))


def type_text(page: Any, text: str) -> None:
    """Type into the focused field, as a person on a keyboard would."""
    assert focused(page) is not None, "nothing focused to type into"
    page.keyboard.type(text)


TABBABLE_JS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const all = Array.from(document.querySelectorAll('*'));
  const keys = [];
  const radioGroups = new Set();
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || el.tabIndex < 0) continue;
    const s = getComputedStyle(el); const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
    if (el.type === 'radio') {  // one stop per radio group: the checked one, else the first
      if (radioGroups.has(el.name)) continue;
      radioGroups.add(el.name);
      const checked = el.form && Array.from(el.form.querySelectorAll('input[type=radio]'))
        .find(r => r.name === el.name && r.checked);
      if (checked) { keys.push(all.indexOf(checked)); continue; }
    }
    keys.push(all.indexOf(el));
  }
  return keys;
}"""


MULTIPART_INPUTS = {"date", "time", "datetime-local", "month", "week"}


def walk_tab_order(page: Any) -> list[dict[str, Any]]:
    """Tab through the whole page, past its end and round to where we started; then
    Shift+Tab all the way back. Every tabbable element must be reached, with visible
    focus, and no trap. Returns the stops in page order, from the top."""
    tabbable = set(page.evaluate(TABBABLE_JS))
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    remember_unfocused_date_boxes(page)
    # The walk may start mid-page (a page that focused its error summary): the stops
    # before the document's end are the tail, those after it the head.
    tail: list[dict[str, Any]] = []
    head: list[dict[str, Any]] = []
    current = tail
    ends = 0
    for _ in range(len(tabbable) * 4 + 10):
        page.keyboard.press("Tab")
        info = focused(page)
        if info is None:
            ends += 1
            assert ends < 3, "Tab never reaches anything on this page"
            current = head
            continue
        assert_visible_focus(page)
        last = current[-1] if current else None
        if last is not None and info["key"] == last["key"]:
            # Date and time inputs take several Tabs (one per part); anything else is a trap.
            stuck = 1 + sum(1 for s in reversed(current) if s["key"] == info["key"])
            assert info["type"] in MULTIPART_INPUTS and stuck <= 5, f"keyboard trap at {label(info)}"
            current.append(info)
            continue
        if any(s["key"] == info["key"] for s in tail + head):
            break  # round to where we started
        current.append(info)
    else:
        raise AssertionError("focus never came round: keyboard trap? went: "
                             + " > ".join(label(s) for s in (tail + head)[-10:]))
    stops = head + tail
    reached = {s["key"] for s in stops}
    missed = tabbable - reached
    if missed:
        html = page.evaluate("""keys => { const all = Array.from(document.querySelectorAll('*'));
            return keys.map(k => all[k].outerHTML.slice(0, 200)); }""", sorted(missed))
        raise AssertionError(f"{len(missed)} tabbable elements never got focus with Tab: {html}")
    # Go past the end once more, ready for the way back.
    while focused(page) is not None and focused(page)["key"] != stops[-1]["key"]:
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    # And back: from past the end, Shift+Tab visits the same stops in reverse.
    back: list[int] = []
    # (Past the end, focus is in the browser's own UI; it may take a second press to come back.)
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        now = focused(page)
        if now is not None and now["key"] != stops[0]["key"]:
            break
    for _ in range(len(stops) * 2):
        info = focused(page)
        if info is None:
            break
        assert_visible_focus(page)
        if back and info["key"] in back[:-1]:
            break  # wrapped around past the start
        if not back or back[-1] != info["key"]:
            back.append(info["key"])
        page.keyboard.press("Shift+Tab")
    forward = [s["key"] for i, s in enumerate(stops) if i == 0 or stops[i - 1]["key"] != s["key"]]
    assert back == forward[::-1], f"Shift+Tab order is not Tab order reversed {back} {forward}"
    return stops


# --- small screens ----------------------------------------------------------------------------

def assert_no_horizontal_scroll(page: Any, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate("""w => Array.from(document.querySelectorAll('body *'))
          .filter(el => el.getBoundingClientRect().right > w + 0.5 || el.getBoundingClientRect().left < -0.5)
          .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''))""",
                                 width)
        raise AssertionError(f"page is {scroll_width}px wide at {width}px (scrolls sideways); "
                             f"too wide: {culprits}")


TARGETS_JS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link]';
  const targets = [];
  for (const el of document.querySelectorAll(sel)) {
    const s = getComputedStyle(el); const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
    if (el.closest('[hidden], [aria-hidden=true]')) continue;
    targets.push({el, r, s});
  }
  // WCAG 2.5.8 "inline" exception: a link inside a sentence of other text.
  function inSentence(el, s) {
    if (s.display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!block) return false;
    const own = (el.textContent || '').replace(/\\s+/g, ' ').trim();
    const all = (block.textContent || '').replace(/\\s+/g, ' ').trim();
    return all.replace(own, '').replace(/[\\s.,:;!?()\\[\\]'"«»،؛؟-]/g, '').length > 0;
  }
  const small = targets.filter(t => (t.r.width < 23.99 || t.r.height < 23.99) && !inSentence(t.el, t.s));
  // Spacing exception: a 24px circle on the centre of an undersized target must not
  // touch another target or another undersized target's circle.
  function centre(r) { return [r.left + r.width / 2, r.top + r.height / 2]; }
  function distToRect(p, r) {
    const dx = Math.max(r.left - p[0], 0, p[0] - r.right);
    const dy = Math.max(r.top - p[1], 0, p[1] - r.bottom);
    return Math.hypot(dx, dy);
  }
  const bad = [];
  for (const t of small) {
    const c = centre(t.r);
    const clash = targets.find(o => o.el !== t.el && !o.el.contains(t.el) && !t.el.contains(o.el) && (
      distToRect(c, o.r) < 12 ||
      (small.includes(o) && Math.hypot(...[0, 1].map(i => c[i] - centre(o.r)[i])) < 24)));
    if (clash) bad.push({
      target: t.el.outerHTML.slice(0, 140),
      size: [Math.round(t.r.width * 10) / 10, Math.round(t.r.height * 10) / 10],
      near: clash.el.outerHTML.slice(0, 80),
    });
  }
  return bad;
}"""


def assert_target_sizes(page: Any) -> None:
    """Every visible target is at least 24x24 px, or is an inline link in a sentence,
    or has room around it (WCAG 2.2 SC 2.5.8, with its exceptions)."""
    bad = page.evaluate(TARGETS_JS)
    assert not bad, "targets smaller than 24x24px and too close to others:\n" + "\n".join(
        json.dumps(b, ensure_ascii=False) for b in bad)
