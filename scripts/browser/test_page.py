#!/usr/bin/env python3
"""Browser tests of attention.html, explain.html and slides.html in headless Chromium, network off.

Runs the built attnviz binary to make the pages, opens them in Debian's chromium through
chromium-driver and PyPI's selenium, and drives them as a user would: hover a token and read
which lines remain, toggle a head, open a cell of the model view, step the explain slides with
the keyboard and check that each slide fits 1366x768 and 1920x1080. Screenshots go to
--out/shots for a person to look at.

    python3 scripts/browser/test_page.py --attnviz .build-test/release/attnviz [--model DIR]
    python3 scripts/browser/test_page.py --attnviz ... --measure     # docs/performance.md

`make test-page` runs it (and `make test` runs that target).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

LECTURE = "The animal didn't cross the street because it was too tired."
DRIVER = "/usr/bin/chromedriver"
THRESHOLD = 0.005  # the page does not draw lines below this weight (invisible anyway)


def printf2(x):
    """C's printf("%.2f"): Python's % formatting rounds the exact binary value, ties to even."""
    text = "%.2f" % x
    return "0.00" if text == "-0.00" else text


# ---- browser ----------------------------------------------------------------------------


class Browser:
    def __init__(self, width=1366, height=768, dark=False):
        options = webdriver.ChromeOptions()
        for arg in ["--headless=new", "--no-sandbox", "--disable-gpu",
                    "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking",
                    "--hide-scrollbars"]:
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(DRIVER), options=options)
        d = self.driver
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        self.resize(width, height)
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})

    def resize(self, width, height):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def load(self, path):
        d = self.driver
        d.get("file://" + os.path.abspath(path))
        deadline = time.time() + 30
        while d.execute_script("return document.body && document.body.dataset.ready") != "true":
            if time.time() > deadline:
                raise AssertionError("page never became ready: %s" % self.errors())
            time.sleep(0.05)
        errors = self.errors()
        assert not errors, "console errors: %s" % errors

    def errors(self):
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def el(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def els(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def keys(self, *keys):
        chain = ActionChains(self.driver)
        for k in keys:
            chain.send_keys(k)
        chain.perform()
        time.sleep(0.05)

    def hover(self, element, x=None, y=None):
        chain = ActionChains(self.driver)
        if x is None:
            chain.move_to_element(element)
        else:  # selenium's offsets count from the element's centre
            size = element.size
            chain.move_to_element_with_offset(element, x - size["width"] / 2,
                                              y - size["height"] / 2)
        chain.perform()
        time.sleep(0.05)

    def shot(self, path):
        self.driver.save_screenshot(path)

    def quit(self):
        self.driver.quit()


# ---- fixtures ---------------------------------------------------------------------------


class Pages:
    """Runs attnviz once per page and keeps the paths and the JSON."""

    def __init__(self, attnviz, out, model):
        self.attnviz = attnviz
        self.out = out
        self.model = model
        self.cache = {}

    def make(self, name, *args, formats="html,json"):
        if name in self.cache:
            return self.cache[name]
        folder = os.path.join(self.out, name)
        command = [self.attnviz, "--quiet", "--format", formats, "--out", folder] + list(args)
        subprocess.run(command, check=True)
        data = None
        if "json" in formats:
            with open(os.path.join(folder, "attention.json"), encoding="utf-8") as f:
                data = json.load(f)
        self.cache[name] = (os.path.join(folder, "attention.html"), data)
        return self.cache[name]

    def explain(self, name, *args):
        folder = os.path.join(self.out, name)
        subprocess.run([self.attnviz, "explain", "--quiet", "--format", "html", "--out", folder]
                       + list(args), check=True)
        return os.path.join(folder, "explain.html")


def expected_lines(weights, heads, query=None, key=None):
    """(head, query, key) of every weight the head view draws."""
    n = len(weights[0])
    lines = set()
    for h in heads:
        for i in range(n):
            for j in range(n):
                if query is not None and i != query or key is not None and j != key:
                    continue
                if weights[h][i][j] >= THRESHOLD:
                    lines.add((h, i, j))
    return lines


def drawn(browser):
    return {(h, i, j) for h, i, j, _ in browser.js("return attnvizPage.linesDrawn()")}


def left_token(browser, i):
    return browser.els("#col-left .token")[i]


def right_token(browser, i):
    return browser.els("#col-right .token")[i]


def rest_pointer(browser):
    browser.hover(browser.el("h1"))


# ---- page tests -------------------------------------------------------------------------


def test_loads_offline_in_one_file(ctx):
    path, _ = ctx.pages.make("builtin", LECTURE)
    b = ctx.browser()
    b.load(path)
    assert b.js("return performance.getEntriesByType('resource').length") == 0
    assert b.js("return document.querySelectorAll('[src], link[href]').length") == 0
    assert b.js("return navigator.onLine") is False, "the browser is not offline"
    assert b.el("h1").text == "Self-attention · built-in layer (random, untrained; d_model 8)", \
        b.el("h1").text


def test_hover_a_query_keeps_its_lines_and_shows_weights(ctx):
    path, data = ctx.pages.make("builtin", LECTURE)
    weights = data["attention"][0]
    heads = range(data["model"]["heads"])
    it = data["tokens"].index("it")
    b = ctx.browser()
    b.load(path)
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, heads)
    b.hover(left_token(b, it))
    assert drawn(b) == expected_lines(weights, heads, query=it)
    assert "active" in left_token(b, it).get_attribute("class")
    for j, token in enumerate(b.els("#col-right .token")):
        mean = sum(weights[h][it][j] for h in heads) / len(heads)
        label = token.find_element(By.CSS_SELECTOR, ".w").text
        assert label == printf2(mean), (j, label, mean)
    b.hover(right_token(b, 1))
    assert drawn(b) == expected_lines(weights, heads, key=1)
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, heads)


def test_toggle_a_head(ctx):
    path, data = ctx.pages.make("builtin", LECTURE)
    weights = data["attention"][0]
    b = ctx.browser()
    b.load(path)
    rest_pointer(b)
    b.els("#head-boxes input")[1].click()
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, [0])
    assert {h for h, _, _ in drawn(b)} == {0}
    b.els("#head-boxes input")[1].click()
    b.els("#head-boxes input")[0].click()
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, [1])
    b.el("#all-heads").click()
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, [0, 1])


def test_the_head_menu_shows_that_head_alone(ctx):
    path, data = ctx.pages.make("builtin", LECTURE)
    weights = data["attention"][0]
    b = ctx.browser()
    b.load(path)
    rest_pointer(b)
    from selenium.webdriver.support.ui import Select
    Select(b.el("#head-select")).select_by_value("1")
    rest_pointer(b)
    assert b.js("return attnvizPage.state.checked") == [False, True]
    assert drawn(b) == expected_lines(weights, [1])
    # The heatmap view shows the same head.
    b.keys("3")
    title = b.js("return document.querySelector('#heatmap-main').textContent")
    assert "head 2" in title.lower(), title
    b.keys("1", "a")
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, [0, 1])


def test_how_to_read_is_closed_until_opened(ctx):
    path, _ = ctx.pages.make("builtin", LECTURE)
    b = ctx.browser()
    b.load(path)
    assert b.js("return document.getElementById('howto').open") is False
    assert not b.el("#howto p").is_displayed()
    b.el("#howto summary").click()
    assert b.el("#howto p").is_displayed()
    text = b.el("#howto").text
    for words in ("Head view", "opaque", "Model view", "Try first"):
        assert words in text, (words, text)


def test_printing_puts_each_view_on_its_own_page_without_controls(ctx):
    path, _ = ctx.pages.make("builtin", LECTURE)
    b = ctx.browser()
    b.load(path)
    b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    b.js("window.dispatchEvent(new Event('beforeprint'))")
    state = b.js("""return {
        controls: getComputedStyle(document.querySelector('.controls')).display,
        keys: getComputedStyle(document.querySelector('.keys')).display,
        views: ['head', 'model', 'heatmap'].map(function (v) {
          var s = document.getElementById('view-' + v);
          return [getComputedStyle(s).display, getComputedStyle(s).breakBefore,
                  s.getBoundingClientRect().height > 100]; }) }""")
    assert state["controls"] == "none" and state["keys"] == "none", state
    assert [v[0] for v in state["views"]] == ["block"] * 3, state
    assert [v[1] for v in state["views"]] == ["auto", "page", "page"], state
    assert all(v[2] for v in state["views"]), state
    # Chromium's printToPDF does not send beforeprint/afterprint; Ctrl+P does.
    printed = b.driver.execute_cdp_cmd("Page.printToPDF", {
        "printBackground": True, "landscape": True})
    b.js("window.dispatchEvent(new Event('afterprint'))")
    b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert b.el("#view-head").is_displayed() and not b.el("#view-model").is_displayed()
    import base64
    pdf = base64.b64decode(printed["data"])
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 3, pages
    with open(os.path.join(ctx.shots, "page-printed.pdf"), "wb") as f:
        f.write(pdf)


def test_tap_locks_a_token_and_the_other_side_tells_each_head(ctx):
    path, data = ctx.pages.make("builtin", LECTURE)
    weights = data["attention"][0]
    it = data["tokens"].index("it")
    animal = data["tokens"].index("animal")
    b = ctx.browser()
    b.load(path)
    left_token(b, it).click()
    b.hover(right_token(b, animal))
    assert drawn(b) == expected_lines(weights, [0, 1], query=it), "lines changed while locked"
    tip = b.el("#tooltip").text
    assert "“it” → “animal”" in tip, tip
    for h in (0, 1):
        assert "head %d: %s" % (h + 1, printf2(weights[h][it][animal])) in tip, tip
    left_token(b, it).click()
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, [0, 1])


def test_a_tap_on_a_touch_screen_holds_a_token(ctx):
    path, data = ctx.pages.make("builtin", LECTURE)
    weights = data["attention"][0]
    it = data["tokens"].index("it")
    b = ctx.browser()
    b.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True,
                                                                     "maxTouchPoints": 1})
    b.load(path)
    box = b.js("var r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, "
               "r.top + r.height / 2]", left_token(b, it))
    for kind in ("touchStart", "touchEnd"):
        points = [{"x": box[0], "y": box[1]}] if kind == "touchStart" else []
        b.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind,
                                                              "touchPoints": points})
    time.sleep(0.2)
    assert b.js("return attnvizPage.state.active && attnvizPage.state.active.locked") is True
    assert drawn(b) == expected_lines(weights, [0, 1], query=it)


def heatmap_cell_readout(b, box_css, row, column):
    box = b.el(box_css)
    x0, y0, cell = [float(v) for v in box.get_attribute("data-grid").split(",")]
    overlay = box.find_elements(By.CSS_SELECTOR, "canvas")[1]
    b.hover(overlay, x0 + (column + 0.5) * cell, y0 + (row + 0.5) * cell)
    hovered = box.get_attribute("data-hover")
    # Cells of a pixel or two: the pointer lands on whole pixels, so read which cell it hit.
    if cell >= 4:
        assert hovered == "%d,%d" % (row, column), (hovered, row, column)
    return box.find_element(By.CSS_SELECTOR, ".readout").text, \
        tuple(int(v) for v in hovered.split(","))


def test_model_view_cell_opens_the_head_large(ctx):
    if not ctx.model:
        return "skipped: no all-MiniLM-L6-v2 (make model)"
    path, data = ctx.pages.make("minilm", "--model", ctx.model, LECTURE)
    tokens = data["tokens"]
    b = ctx.browser()
    b.load(path)
    b.el("#tab-model").click()
    cells = b.els("#model-grid .cell")
    assert len(cells) == 6 * 12
    b.el('.cell[data-layer="4"][data-head="1"]').click()
    assert b.el("#zoom").is_displayed()
    assert b.el("#zoom-title").text == "Layer 5, head 2"
    it, animal = tokens.index("it"), tokens.index("animal")
    text, _ = heatmap_cell_readout(b, "#zoom-heatmap", it, animal)
    value = data["attention"][4][1][it][animal]
    assert text == "“it” → “animal”: %s" % printf2(value), text
    b.shot(os.path.join(ctx.shots, "minilm-zoom-1366x768.png"))
    b.keys(Keys.TAB, Keys.TAB)
    assert b.js("return document.activeElement.id") == "zoom-close", "focus left the dialog"
    b.keys(Keys.ARROW_RIGHT)
    assert b.el("#zoom-title").text == "Layer 5, head 3"
    b.keys(Keys.ESCAPE)
    assert not b.el("#zoom").is_displayed()
    b.shot(os.path.join(ctx.shots, "minilm-model-1366x768.png"))


def test_heatmap_highlights_and_tells_the_hovered_cell(ctx):
    path, data = ctx.pages.make("builtin", LECTURE)
    b = ctx.browser()
    b.load(path)
    b.el("#tab-heatmap").click()
    for row, column in [(0, 0), (3, 7), (11, 2)]:
        text, _ = heatmap_cell_readout(b, "#heatmap-main", row, column)
        value = data["attention"][0][0][row][column]
        tokens = data["tokens"]
        assert text == "“%s” → “%s”: %s" % (tokens[row], tokens[column], printf2(value)), text
    b.shot(os.path.join(ctx.shots, "builtin-heatmap-1366x768.png"))


def test_keys_move_between_layers_and_heads(ctx):
    if not ctx.model:
        return "skipped: no all-MiniLM-L6-v2 (make model)"
    path, _ = ctx.pages.make("minilm", "--model", ctx.model, LECTURE)
    b = ctx.browser()
    b.load(path)
    rest_pointer(b)
    value = lambda css: b.js("return document.querySelector(arguments[0]).value", css)
    assert value("#layer-select") == "5"
    b.keys(Keys.ARROW_UP)
    assert value("#layer-select") == "4"
    b.keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert value("#head-select") == "2"
    checked = b.js("return attnvizPage.state.checked")
    assert checked == [h == 2 for h in range(12)], checked
    assert {h for h, _, _ in drawn(b)} == {2}
    b.keys("a")
    assert all(b.js("return attnvizPage.state.checked"))
    b.keys("2")
    assert b.el("#view-model").is_displayed()
    b.keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert b.el("#zoom-title").text == "Layer 6, head 3"
    b.keys(Keys.ESCAPE)
    assert not b.el("#zoom").is_displayed()


def test_numbers_follow_printf(ctx):
    path, data = ctx.pages.make("builtin", LECTURE)
    b = ctx.browser()
    b.load(path)
    tricky = [0.125, 0.375, 0.625, 0.875, 0.135, 0.005, 0.015, 0.025, 1.005, 2.675, 0.995,
              0.9950000000000001, 0.994999999999, 0.0, -0.0, -0.001, -0.125, 1e-300, 5e-324,
              0.30000000000000004, 0.1 + 0.2, 1 / 3, 2 / 3, 0.1249999999999999, 12345.675]
    values = tricky + [w for layer in data["attention"] for head in layer for row in head
                       for w in row]
    got = b.js("return arguments[0].map(function (x) { return attnvizPage.formatFixed(x, 2); })",
               values)
    want = [printf2(v) for v in values]
    bad = [(v, g, w) for v, g, w in zip(values, got, want) if g != w]
    assert not bad, bad[:5]
    assert b.js("return (0.125).toFixed(2)") == "0.13", "toFixed changed; the test means less"


def test_hostile_tokens_stay_text(ctx):
    text = ('<script>alert(1)</script> </script><img src=x onerror=alert(2)> '
            '\u202eevil&amp; "q" \'s\' <!-- x')
    path, data = ctx.pages.make("hostile", text)
    b = ctx.browser()
    b.load(path)
    try:
        b.driver.switch_to.alert
        raise AssertionError("an alert opened")
    except NoAlertPresentException:
        pass
    assert b.js("return document.images.length") == 0
    assert b.js("return document.scripts.length") == 3
    shown = b.js("return Array.from(document.querySelectorAll('#col-left .token'))"
                 ".map(function (t) { return t.firstChild.textContent; })")
    expected = [t.replace("\u202e", "\ufffd") for t in data["tokens"]]
    assert shown == expected, (shown, expected)


def test_hide_special_as_in_figures(ctx):
    if not ctx.model:
        return "skipped: no all-MiniLM-L6-v2 (make model)"
    path, data = ctx.pages.make("minilm-hidden", "--model", ctx.model, "--hide-special",
                                "--layer", "5", "--head", "2", LECTURE)
    b = ctx.browser()
    b.load(path)
    shown = [t.text for t in b.els("#col-left .token")]
    assert shown == [t for t in data["tokens"] if t not in ("[CLS]", "[SEP]")], shown
    assert "Special tokens are hidden" in b.el(".note").text
    assert b.js("return attnvizPage.state.checked") == [h == 1 for h in range(12)]
    it = shown.index("it")
    b.hover(left_token(b, it))
    keys = [p for p, t in enumerate(data["tokens"]) if t not in ("[CLS]", "[SEP]")]
    # With --layer and --head the JSON holds only that layer and head (layers_included).
    layer = 0 if "layers_included" in data else 4
    head = 0 if "heads_included" in data else 1
    row = data["attention"][layer][head][data["tokens"].index("it")]
    labels = [t.find_element(By.CSS_SELECTOR, ".w").text for t in b.els("#col-right .token")]
    assert labels == [printf2(row[k]) for k in keys], labels
    b.shot(os.path.join(ctx.shots, "minilm-hidden-it-1366x768.png"))


def test_merge_subwords_as_in_figures(ctx):
    if not ctx.model:
        return "skipped: no all-MiniLM-L6-v2 (make model)"
    path, _ = ctx.pages.make("minilm-words", "--model", ctx.model, "--merge-subwords",
                             LECTURE)
    with open(os.path.join(os.path.dirname(path), "attention-words.json"),
              encoding="utf-8") as f:
        words = json.load(f)
    b = ctx.browser()
    b.load(path)
    shown = [t.text for t in b.els("#col-left .token")]
    assert shown == words["tokens"] and "didn't" in shown, shown
    assert "merged into words" in b.el(".note").text
    b.el("#tab-heatmap").click()
    it, animal = shown.index("it"), shown.index("animal")
    text, _ = heatmap_cell_readout(b, "#heatmap-main", it, animal)
    assert text == "“it” → “animal”: %s" % printf2(words["attention"][5][0][it][animal]), text


def test_grouped_query_heads_are_shown_sharing(ctx):
    path, _ = ctx.pages.make("four-heads", "--heads", "4", LECTURE)
    with open(path, encoding="utf-8") as f:
        html = f.read()
    assert '"keyValueHeads":4' in html
    patched = os.path.join(os.path.dirname(path), "gqa.html")
    with open(patched, "w", encoding="utf-8") as f:
        f.write(html.replace('"keyValueHeads":4', '"keyValueHeads":2'))
    b = ctx.browser()
    b.load(patched)
    groups = b.els("#head-boxes .kv-group")
    assert [len(g.find_elements(By.CSS_SELECTOR, "input")) for g in groups] == [2, 2]
    assert "4 query heads share 2 key/value heads" in b.el("#kv-note").text
    b.el("#tab-heatmap").click()
    b.keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    title = b.el("#heatmap-main .heatmap-title").text
    assert "K/V head 2, shared by heads 3–4" in title, title
    b.el("#tab-model").click()
    assert [k.text for k in b.els("#model-grid .kv-head")] == ["K/V 1", "K/V 2"]


def smollm2_page(ctx):
    return ctx.pages.make("smollm2", "--model", ctx.smollm2, "--file",
                          os.path.join(ctx.root, "samples", "coreference.txt"))


def boxes_overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_smollm2_page_does_everything_on_a_gqa_decoder(ctx):
    if not ctx.smollm2:
        return "skipped: no SmolLM2-135M-Instruct (make model)"
    path, data = smollm2_page(ctx)
    tokens = data["tokens"]
    assert data["model"]["layers"] == 30 and data["model"]["heads"] == 9
    b = ctx.browser()
    b.load(path)
    assert b.js("return performance.getEntriesByType('resource').length") == 0
    assert b.js("return document.querySelectorAll('[src], link[href]').length") == 0
    assert b.el("h1").text == "Self-attention · SmolLM2-135M-Instruct", b.el("h1").text
    # Which query heads share which key/value heads: said in words, grouped in the boxes.
    assert "9 query heads share 3 key/value heads" in b.el("#kv-note").text
    groups = b.els("#head-boxes .kv-group")
    assert [len(g.find_elements(By.CSS_SELECTOR, "input")) for g in groups] == [3, 3, 3]
    assert [g.find_element(By.CSS_SELECTOR, "span").text for g in groups] == \
        ["K/V 1", "K/V 2", "K/V 3"]

    # Head view of the last layer: hover a query, keep its lines; numbers by printf's rule.
    weights = data["attention"][29]
    it, animal = tokens.index("·it"), tokens.index("·animal")
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, range(9))
    b.hover(left_token(b, it))
    assert drawn(b) == expected_lines(weights, range(9), query=it)
    assert all(j <= it for _, _, j in drawn(b)), "a causal query looked ahead"
    for j, token in enumerate(b.els("#col-right .token")):
        if j > it:
            continue
        mean = sum(weights[h][it][j] for h in range(9)) / 9
        label = token.find_element(By.CSS_SELECTOR, ".w").text
        assert label == printf2(mean), (j, label, mean)
    b.hover(right_token(b, animal))
    assert drawn(b) == expected_lines(weights, range(9), key=animal)
    assert all(i >= animal for _, i, _ in drawn(b)), "a key was seen from before it"

    # Toggle a head off and on.
    b.els("#head-boxes input")[4].click()
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, [h for h in range(9) if h != 4])
    b.els("#head-boxes input")[4].click()
    rest_pointer(b)
    assert drawn(b) == expected_lines(weights, range(9))
    b.shot(os.path.join(ctx.shots, "smollm2-head-1366x768.png"))

    # The 30 x 9 grid fits the screen: every map visible, no label on another.
    b.el("#tab-model").click()
    time.sleep(0.2)
    cells = b.els("#model-grid .cell")
    assert len(cells) == 30 * 9
    grid = b.js("var r = document.getElementById('model-grid').getBoundingClientRect();"
                "return [r.left, r.top, r.right, r.bottom]")
    boxes = b.js("return Array.from(document.querySelectorAll('#model-grid .cell')).map("
                 "function (c) { var r = c.getBoundingClientRect(); "
                 "return [r.left, r.top, r.right, r.bottom]; })")
    for box in boxes:
        assert box[0] >= grid[0] and box[1] >= grid[1] and box[2] <= grid[2] + 0.5 and \
            box[3] <= grid[3] + 0.5, ("a map outside the view", box, grid)
        assert box[2] - box[0] >= 28, ("maps too small to read", box)
    labels = b.js("return Array.from(document.querySelectorAll("
                  "'#model-grid .col-head, #model-grid .row-head, #model-grid .kv-head'))"
                  ".filter(function (e) { return e.textContent; }).map(function (e) {"
                  "var r = document.createRange(); r.selectNodeContents(e);"
                  "var q = r.getBoundingClientRect(); return [q.left, q.top, q.right, q.bottom,"
                  "e.textContent]; })")
    for k, a in enumerate(labels):
        for c in labels[k + 1:]:
            assert not boxes_overlap(a, c), ("labels overlap", a, c)
    kv = [k.text for k in b.els("#model-grid .kv-head")]
    assert kv and kv == ["K/V 1", "K/V 2", "K/V 3"] * (len(kv) // 3), kv
    b.shot(os.path.join(ctx.shots, "smollm2-model-1366x768.png"))

    # A cell opens its head large, says which K/V head it reads, and Esc closes it.
    b.el('.cell[data-layer="13"][data-head="8"]').click()
    assert b.el("#zoom").is_displayed()
    assert b.el("#zoom-title").text == "Layer 14, head 9"
    title = b.el("#zoom-heatmap .heatmap-title").text
    assert "K/V head 3, shared by heads 7–9" in title, title
    text, _ = heatmap_cell_readout(b, "#zoom-heatmap", it, animal)
    value = data["attention"][13][8][it][animal]
    assert text == "“·it” → “·animal”: %s" % printf2(value), text
    assert printf2(value) == "0.75", value  # as transformers computes from the same file
    b.shot(os.path.join(ctx.shots, "smollm2-zoom-1366x768.png"))
    b.keys(Keys.ESCAPE)
    assert not b.el("#zoom").is_displayed()
    assert b.js("return document.activeElement.dataset.layer") == "13", "focus left the grid"

    # The same grid on a projector's 1920x1080.
    b.resize(1920, 1080)
    time.sleep(0.4)
    b.shot(os.path.join(ctx.shots, "smollm2-model-1920x1080.png"))
    assert b.js("return document.documentElement.scrollHeight") == 1080


def test_large_page_is_reduced_and_says_so(ctx):
    words = " ".join(LECTURE.split() * 40)  # 440 tokens: 8 heads x 440^2 > 1e6 numbers
    path, data = ctx.pages.make("reduced", "--dim", "64", "--heads", "8", words)
    b = ctx.browser()
    b.load(path)
    assert "rounded to two decimals" in b.el(".note").text
    assert b.js("return attnvizPage.state.view") == "head"
    b.el("#tab-heatmap").click()
    text, (row, column) = heatmap_cell_readout(b, "#heatmap-main", 200, 300)
    assert abs(row - 200) <= 3 and abs(column - 300) <= 3, (row, column)
    assert text.endswith(": " + printf2(data["attention"][0][0][row][column])), text


def test_dark_theme_follows_the_system(ctx):
    if not ctx.model:
        return "skipped: no all-MiniLM-L6-v2 (make model)"
    path, data = ctx.pages.make("minilm", "--model", ctx.model, LECTURE)
    b = ctx.browser(dark=True)
    b.load(path)
    background = b.js("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 23, 26)", background
    b.hover(left_token(b, data["tokens"].index("it")))
    b.shot(os.path.join(ctx.shots, "minilm-dark-it-1366x768.png"))


def test_screenshots_of_the_head_view(ctx):
    if not ctx.model:
        return "skipped: no all-MiniLM-L6-v2 (make model)"
    path, data = ctx.pages.make("minilm", "--model", ctx.model, LECTURE)
    b = ctx.browser()
    b.load(path)
    rest_pointer(b)
    b.shot(os.path.join(ctx.shots, "minilm-head-1366x768.png"))
    b.keys(Keys.ARROW_UP, Keys.ARROW_UP)  # layer 4
    b.keys(*[Keys.ARROW_RIGHT] * 1)  # head 2 alone
    b.hover(left_token(b, data["tokens"].index("it")))
    b.shot(os.path.join(ctx.shots, "minilm-head-it-layer4-1366x768.png"))
    b.resize(1920, 1080)
    time.sleep(0.3)
    b.hover(left_token(b, data["tokens"].index("it")))
    b.shot(os.path.join(ctx.shots, "minilm-head-it-layer4-1920x1080.png"))


# ---- explain deck -----------------------------------------------------------------------


def current_slide(b):
    return b.js("return document.querySelector('.slide.current').id")


def test_deck_steps_with_the_keyboard(ctx):
    path = ctx.pages.explain("explain-builtin", LECTURE)
    b = ctx.browser()
    b.load(path)
    assert current_slide(b) == "step-0"
    steps = [("ARROW_RIGHT", "step-1"), ("SPACE", "step-2"), ("PAGE_DOWN", "step-3"),
             ("PAGE_UP", "step-2"), ("ARROW_LEFT", "step-1"), ("END", "step-11"),
             ("HOME", "step-0"), ("ARROW_DOWN", "step-1"), ("ARROW_UP", "step-0")]
    for key, expected in steps:
        b.keys(getattr(Keys, key))
        assert current_slide(b) == expected, (key, current_slide(b), expected)
    assert len(b.els(".slide.current")) == 1


def slide_report(b, width, height):
    """Bounding boxes of heading, caption and figure, the caption's size and the smallest text
    of the figure as drawn (its font-size times the scale the SVG is shown at)."""
    return b.js("""
      var s = document.querySelector('.slide.current');
      function box(e) { if (!e) return null; var r = e.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom]; }
      var caption = s.querySelector('.caption');
      var svg = s.querySelector('.figure svg');
      var svgTexts = Array.from(s.querySelectorAll('svg text')).map(function (t) {
        return t.textContent; });
      var smallest = 0;
      if (svg) {
        var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        smallest = Math.min.apply(null, Array.from(svg.querySelectorAll('text')).map(
          function (t) { return parseFloat(t.getAttribute('font-size')) * scale; }));
      }
      return { id: s.id, heading: box(s.querySelector('h2')), caption: box(caption),
        figure: box(svg), summary: box(s.querySelector('summary')),
        captionPx: caption ? parseFloat(getComputedStyle(caption).fontSize) : 0,
        figureText: smallest,
        h2: (s.querySelector('h2') || {}).textContent, svgTexts: svgTexts,
        scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight] };
    """)


def check_deck_fits(ctx, name, path, sizes=((1366, 768), (1920, 1080))):
    """Every slide at both sizes: heading, caption, figure and the tables' switch on screen
    without scrolling, the heading not repeated in the figure, and the figure's smallest text
    as large as the caption (which may shrink to 16 px with a figure that must shrink)."""
    sizes_seen = []
    for width, height in sizes:
        b = ctx.browser(width, height)
        b.load(path)
        b.keys(Keys.ARROW_RIGHT)
        while True:
            r = slide_report(b, width, height)
            for part in ("heading", "caption", "figure", "summary"):
                if r[part] is None:
                    continue
                left, top, right, bottom = r[part]
                assert left >= 0 and top >= 0 and right <= width and bottom <= height, \
                    (name, width, r["id"], part, r[part])
            assert r["scroll"] == [width, height], (name, r["id"], r["scroll"])
            assert r["h2"] not in r["svgTexts"], (name, r["id"], "heading twice")
            assert r["captionPx"] >= 16, (name, width, r["id"], r["captionPx"])
            assert r["figureText"] >= r["captionPx"] - 0.05, \
                "%s %s at %dx%d: figure text %.1f px, caption %.1f px" % (
                    name, r["id"], width, height, r["figureText"], r["captionPx"])
            sizes_seen.append("%s %dx%d %.0f/%.0f" % (r["id"], width, height, r["figureText"],
                                                      r["captionPx"]))
            b.shot(os.path.join(ctx.shots, "%s-%s-%dx%d.png" % (name, r["id"], width, height)))
            before = r["id"]
            b.keys(Keys.PAGE_DOWN)
            if current_slide(b) == before:
                break
    return sizes_seen


def test_deck_fits_both_screens_builtin(ctx):
    path = ctx.pages.explain("explain-builtin", LECTURE)
    check_deck_fits(ctx, "explain-builtin", path)


def test_deck_fits_both_screens_minilm(ctx):
    if not ctx.model:
        return "skipped: no all-MiniLM-L6-v2 (make model)"
    path = ctx.pages.explain("explain-minilm", "--model", ctx.model, LECTURE)
    check_deck_fits(ctx, "explain-minilm", path)


def test_deck_fits_both_screens_smollm2(ctx):
    if not ctx.smollm2:
        return "skipped: no SmolLM2-135M-Instruct (make model)"
    path = ctx.pages.explain("explain-smollm2", "--model", ctx.smollm2, "--file",
                             os.path.join(ctx.root, "samples", "coreference.txt"))
    check_deck_fits(ctx, "explain-smollm2", path)


def test_deck_tables_are_reachable_from_the_keyboard(ctx):
    path = ctx.pages.explain("explain-builtin", LECTURE)
    b = ctx.browser()
    b.load(path)
    b.driver.get("file://" + os.path.abspath(path) + "#step-7")
    time.sleep(0.2)
    assert current_slide(b) == "step-7", current_slide(b)
    for _ in range(5):
        b.keys(Keys.TAB)
        if b.js("return document.activeElement.tagName") == "SUMMARY":
            break
    assert b.js("return document.activeElement.tagName") == "SUMMARY"
    caption = b.js("return getComputedStyle(document.querySelector('.slide.current .caption'))"
                   ".fontSize")
    b.keys(Keys.ENTER)
    assert b.js("return document.querySelector('.slide.current details').open") is True
    assert b.js("return getComputedStyle(document.querySelector('.slide.current .caption'))"
                ".fontSize") == caption, "opening the tables changed the caption"
    b.keys(Keys.TAB)
    assert b.js("return document.activeElement.className") == "tables"
    b.keys(Keys.ARROW_RIGHT, Keys.PAGE_DOWN)
    assert current_slide(b) == "step-7", "keys in a table must not change the slide"
    assert b.el(".slide.current table").is_displayed()
    b.shot(os.path.join(ctx.shots, "explain-builtin-tables-1366x768.png"))
    b.keys(Keys.ESCAPE)
    assert b.js("return document.querySelector('.slide.current details').open") is False
    b.keys("t")
    assert b.js("return document.querySelector('.slide.current details').open") is True
    b.keys(Keys.ESCAPE, Keys.ARROW_RIGHT)
    assert current_slide(b) == "step-8"


# ---- measuring --------------------------------------------------------------------------


def cut_tokens(text, count):
    tokens = re.findall(r"\w+|[^\w\s]", text)
    return " ".join(tokens[:count])


def text_of_tokens(ctx, args, count):
    """Lecture words repeated until the model makes exactly `count` tokens."""
    words = count
    for attempt in range(8):
        text = cut_tokens((LECTURE + " ") * (count // 10 + 5), words)
        folder = os.path.join(ctx.pages.out, "count")
        subprocess.run([ctx.pages.attnviz, "--quiet", "--format", "json", "--out", folder]
                       + args + [text], check=True)
        with open(os.path.join(folder, "attention.json"), encoding="utf-8") as f:
            n = len(json.load(f)["tokens"])
        if n == count:
            return text
        words += count - n
    raise SystemExit("could not make a text of %d tokens" % count)


def measure(ctx):
    rows = []
    cases = [("built-in layer, 2 heads", [])]
    if ctx.model:
        cases.append(("all-MiniLM-L6-v2, 6 layers × 12 heads", ["--model", ctx.model]))
    for name, args in cases + [(name + ", lecture sentence", args) for name, args in cases]:
        text = LECTURE if "lecture" in name else text_of_tokens(ctx, args, 500)
        folder_name = "measure-" + re.sub(r"\W+", "-", name)
        path, data = ctx.pages.make(folder_name, *args, text)
        n = len(data["tokens"])
        size = os.path.getsize(path)
        loads, hovers, layers, models = [], [], [], []
        b = ctx.browser()
        for _ in range(5):
            b.load(path)
            loads.append(float(b.js("return document.body.dataset.readyAt")))
            hovers.append(b.js("""
              var all = document.querySelectorAll('#col-left .token');
              var t = all[Math.floor(all.length / 2)];
              var t0 = performance.now();
              t.dispatchEvent(new MouseEvent('mouseenter'));
              return performance.now() - t0;"""))
            layers.append(b.js("""
              var t0 = performance.now();
              document.querySelector('#col-left').dispatchEvent(new MouseEvent('mouseleave'));
              return performance.now() - t0;"""))
            models.append(b.js("""
              var t0 = performance.now();
              document.querySelector('#tab-model').click();
              return performance.now() - t0;"""))
        b.quit()
        rows.append((name, n, size, statistics.median(loads), statistics.median(hovers),
                     statistics.median(layers), statistics.median(models), path))
    print("| page | tokens | file size | load to ready (ms) | hover a token (ms) | "
          "redraw all lines (ms) | open the model view (ms) |")
    print("|---|---|---|---|---|---|---|")
    for name, n, size, load, hover, redraw, model, path in rows:
        with open(path, encoding="utf-8") as f:
            note = re.findall(r'<p class="note">([^<]*)</p>', f.read())
        print("| %s | %d | %.1f MB | %.0f | %.1f | %.1f | %.0f |"
              % (name, n, size / 1e6, load, hover, redraw, model))
        for line in note:
            print("|  | note on the page: %s |" % line.replace("&#39;", "'"))


# ---- deck slide show (attnviz deck → slides.html) ----------------------------------------

SLIDE_DECK = """
title = "Three slides"

[defaults]
text = "The cat sat on the mat because it was tired."
preset = "slide"

[[figure]]
title = "One head of the random layer"
caption = "Rows are queries; 'it' gives 'cat' {it->cat} (head {head}), its strongest key is '{it->top}'."
view = "heatmap"
head = 2

[[figure]]
title = "Positions"
caption = "The sinusoidal positional encoding."
view = "pe"
positions = 12
dim = 16

[[figure]]
title = "A layer without and with the causal mask"
caption = "The same random layer twice: a long caption that wraps onto a second line so that the slide must make room for it below the figure, which shrinks to fit between the title and this text."
view = "compare"
versus-causal = true
"""


def slide_deck(ctx):
    folder = os.path.join(ctx.pages.out, "slide-deck")
    if not os.path.exists(os.path.join(folder, "slides.html")):
        os.makedirs(ctx.pages.out, exist_ok=True)
        deck = os.path.join(ctx.pages.out, "slides.toml")
        with open(deck, "w", encoding="utf-8") as f:
            f.write(SLIDE_DECK)
        subprocess.run([ctx.pages.attnviz, "deck", deck, "--out", folder, "--quiet"], check=True)
    return os.path.join(folder, "slides.html")


def shown_slide(b):
    return b.js("var s = document.querySelectorAll('.slide.current');"
                "return s.length === 1 ? s[0].id : s.length + ' current'")


def test_slides_step_with_a_clickers_keys(ctx):
    path = slide_deck(ctx)
    with open(path, encoding="utf-8") as f:
        html = f.read()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "http://" not in html and "https://" not in html
    b = ctx.browser()
    b.load(path)
    assert shown_slide(b) == "slide-1"
    steps = [("ARROW_RIGHT", "slide-2"), ("SPACE", "slide-3"), ("PAGE_DOWN", "slide-3"),
             ("PAGE_UP", "slide-2"), ("ARROW_LEFT", "slide-1"), ("ARROW_LEFT", "slide-1"),
             ("END", "slide-3"), ("HOME", "slide-1"), ("ARROW_DOWN", "slide-2"),
             ("ARROW_UP", "slide-1")]
    for key, expected in steps:
        b.keys(getattr(Keys, key))
        assert shown_slide(b) == expected, (key, shown_slide(b), expected)
    b.keys(Keys.END)
    assert b.js("return location.hash") == "#3"
    # A reload stays on the slide the address names.
    b.driver.get("file://" + os.path.abspath(path) + "#2")
    b.driver.refresh()
    deadline = time.time() + 10
    while b.js("return document.body && document.body.dataset.ready") != "true":
        assert time.time() < deadline
        time.sleep(0.05)
    assert shown_slide(b) == "slide-2"
    # The caption's placeholders are filled; what a slide says is text, not markup.
    caption = b.js("return document.querySelector('#slide-1 .caption').textContent")
    assert "{" not in caption and "'it' gives 'cat' 0." in caption, caption
    b.keys("f")
    assert not b.errors(), b.errors()


def slide_boxes(b):
    return b.js("""
      var s = document.querySelector('.slide.current');
      function box(e) { if (!e) return null; var r = e.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom]; }
      var img = s.querySelector('.figure img');
      var crop = s.querySelector('.crop');
      return { id: s.id, slide: box(s), heading: box(s.querySelector('h2')),
        caption: box(s.querySelector('.caption')), figure: box(crop || img),
        number: box(s.querySelector('.number')),
        headingPx: parseFloat(getComputedStyle(s.querySelector('h2')).fontSize),
        captionPx: parseFloat(getComputedStyle(s.querySelector('.caption')).fontSize),
        imageScale: img.getBoundingClientRect().width / img.naturalWidth,
        loaded: img.complete && img.naturalWidth > 0,
        scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight] };
    """)


def test_slides_fit_both_screens(ctx):
    """Each slide 16:9 inside the window, title above the figure above the caption, nothing
    outside the slide, no scrolling; the figure's own type (22 px on a 1920-wide preset figure)
    shown at no less than 15 px on a 1080p screen."""
    path = slide_deck(ctx)
    seen = []
    for width, height in ((1366, 768), (1920, 1080)):
        b = ctx.browser(width, height)
        b.load(path)
        for n in range(3):
            r = slide_boxes(b)
            sl, st, sr, sb = r["slide"]
            assert abs((sr - sl) / (sb - st) - 16 / 9) < 0.01, (width, r["id"], r["slide"])
            assert sl >= -0.5 and st >= -0.5 and sr <= width + 0.5 and sb <= height + 0.5
            assert r["scroll"] == [width, height], (width, r["id"], r["scroll"])
            for part in ("heading", "caption", "figure", "number"):
                left, top, right, bottom = r[part]
                assert left >= sl - 0.5 and top >= st - 0.5 and right <= sr + 0.5 \
                    and bottom <= sb + 0.5, (width, r["id"], part, r[part], r["slide"])
            assert r["heading"][3] <= r["figure"][1] + 0.5, (width, r["id"], "title over figure")
            assert r["figure"][3] <= r["caption"][1] + 0.5, (width, r["id"], "figure over caption")
            assert r["loaded"], (width, r["id"])
            slide_height = sb - st
            assert abs(r["headingPx"] - slide_height * 46 / 1080) < 0.6, (width, r)
            assert abs(r["captionPx"] - slide_height * 32 / 1080) < 0.6, (width, r)
            if width == 1920:
                assert 22 * r["imageScale"] >= 15, (r["id"], r["imageScale"])
            seen.append("%s %dx%d figure type %.1f px" % (r["id"], width, height,
                                                           22 * r["imageScale"]))
            b.shot(os.path.join(ctx.shots, "slides-%s-%dx%d.png" % (r["id"], width, height)))
            b.keys(Keys.ARROW_RIGHT)
    return "; ".join(seen)


def test_slides_print_one_slide_per_page(ctx):
    path = slide_deck(ctx)
    b = ctx.browser(1366, 768)
    b.load(path)
    b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    shown = b.js("""return Array.from(document.querySelectorAll('.slide')).map(function (s) {
        var r = s.getBoundingClientRect(); return [getComputedStyle(s).display, r.width, r.height];
      })""")
    assert shown == [["block", 1920, 1080]] * 3, shown
    assert b.js("return getComputedStyle(document.getElementById('help')).display") == "none"
    b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    printed = b.driver.execute_cdp_cmd("Page.printToPDF", {
        "preferCSSPageSize": True, "printBackground": True})
    import base64
    pdf = base64.b64decode(printed["data"])
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 3, pages
    with open(os.path.join(ctx.shots, "slides-printed.pdf"), "wb") as f:
        f.write(pdf)


# ---- generation.html ---------------------------------------------------------------------


def generation_page(ctx, name="generation", *args):
    folder = os.path.join(ctx.pages.out, name)
    if not os.path.exists(os.path.join(folder, "generation.html")):
        words = list(args) or ["--chat", "--file", os.path.join(ctx.root, "samples",
                                                                 "chat-question.txt")]
        subprocess.run([ctx.pages.attnviz, "generate", "--quiet", "--model", ctx.smollm2,
                        "--format", "html,json", "--tokens", "12", "--out", folder] + words,
                       check=True)
    with open(os.path.join(folder, "generation.json"), encoding="utf-8") as f:
        data = json.load(f)
    return os.path.join(folder, "generation.html"), data


def no_smollm2():
    if os.environ.get("ATTNVIZ_REQUIRE_MODELS") == "1":
        raise AssertionError("SmolLM2-135M-Instruct is missing (make model)")
    return "skipped: no SmolLM2-135M-Instruct (make model)"


def mean_of_heads(heads, k):
    """The heads' average as the page's writer computes it: w / n added in head order."""
    total = 0.0
    for row in heads:
        total += row[k] / len(heads)
    return total


def generation_state(b):
    return b.js("""
      var toks = Array.from(document.querySelectorAll('#text .tok'));
      return { step: +document.getElementById('step').value,
        visible: toks.filter(t => !t.classList.contains('hidden')).length,
        labels: toks.map(t => t.lastChild.textContent),
        lines: Array.from(document.querySelectorAll('#lines path.line')).map(
          p => [+p.dataset.key, p.dataset.weight, +p.getAttribute('stroke-width')]),
        status: document.getElementById('status').textContent,
        counter: document.getElementById('counter').textContent,
        alternatives: Array.from(document.querySelectorAll('#alternatives li')).map(
          li => [li.textContent, li.className]),
        query: toks.findIndex(t => t.classList.contains('query')),
        fresh: toks.findIndex(t => t.classList.contains('new')) };
    """)


def test_generation_page_plays_the_answer_with_its_attention(ctx):
    """generation.html: one offline file; each step shows the text so far, the new token, the
    weights of the position that chose it (the heads' average of the last layer, as
    generation.json has them, printed with two decimals) and a line per weight of 0.01 or more;
    the keyboard, the buttons and the slider move between steps."""
    if not ctx.smollm2:
        return no_smollm2()
    path, data = generation_page(ctx)
    with open(path, encoding="utf-8") as f:
        html = f.read()
    assert "default-src 'none'" in html and "http://" not in html.replace(
        "http://www.w3.org/2000/svg", "")
    prompt = len(data["prompt"]["tokens"])
    steps = data["steps"]
    b = ctx.browser()
    b.load(path)
    assert b.js("return performance.getEntriesByType('resource').length") == 0
    assert b.el("h1").text == "Writing the answer · SmolLM2-135M-Instruct"

    def check(n):
        state = generation_state(b)
        assert state["step"] == n, (state["step"], n)
        assert state["visible"] == prompt + n, (state["visible"], prompt, n)
        if n == 0:
            assert state["lines"] == [] and state["counter"] == "Prompt only", state
            return state
        step = steps[n - 1]
        heads = step["attention"][-1]
        q = step["position"]
        assert state["query"] == q and state["fresh"] == q + 1, state
        expected = [printf2(mean_of_heads(heads, k)) for k in range(q + 1)]
        assert state["labels"][:q + 1] == expected, (n, state["labels"][:q + 1], expected)
        assert state["labels"][q + 1] == "p " + printf2(step["probability"]), state["labels"]
        wanted = [k for k in range(q + 1) if k != q and expected[k] not in ("0.00",)]
        assert [line[0] for line in state["lines"]] == wanted, (n, state["lines"], wanted)
        assert [line[1] for line in state["lines"]] == [expected[k] for k in wanted]
        if state["lines"]:
            heaviest = max(state["lines"], key=lambda line: line[2])
            assert heaviest[1] == max((expected[k] for k in wanted), key=float), state["lines"]
        assert state["counter"] == "Step %d of %d" % (n, len(steps))
        assert ("wrote \u201c" + b.els("#text .tok")[q + 1].find_element(
            By.CSS_SELECTOR, "span").text) in state["status"], state["status"]
        first = step["alternatives"][0]
        assert state["alternatives"][0][0].startswith(first["token"].replace(" ", "\u00b7")) or \
            state["alternatives"][0][0].endswith(printf2(first["probability"])), state
        chosen = [a for a in state["alternatives"] if a[1] == "chosen"]
        assert len(chosen) <= 1 and all(
            c[0].endswith(printf2(step["probability"])) for c in chosen), chosen
        return state

    check(1)
    b.shot(os.path.join(ctx.shots, "generation-step-01-1366x768.png"))
    b.el("body").click()
    for key, n in [(Keys.ARROW_RIGHT, 2), (Keys.SPACE, 3), (Keys.ARROW_LEFT, 2),
                   (Keys.END, len(steps)), (Keys.ARROW_RIGHT, len(steps)), (Keys.HOME, 0),
                   (Keys.ARROW_LEFT, 0), (Keys.PAGE_DOWN, 1)]:
        b.keys(key)
        check(n)
    b.keys(Keys.END)
    state = check(len(steps))
    assert b.js("return document.documentElement.scrollWidth") <= 1366
    b.shot(os.path.join(ctx.shots, "generation-end-1366x768.png"))
    b.el("#previous").click()
    check(len(steps) - 1)
    b.el("#next").click()
    check(len(steps))
    b.js("var s = document.getElementById('step'); s.value = '4';"
         "s.dispatchEvent(new Event('input'))")
    check(4)
    # The head menu: head 1 of the last layer alone.
    b.js("var h = document.getElementById('head'); h.value = '1';"
         "h.dispatchEvent(new Event('change'))")
    step = steps[3]
    q = step["position"]
    labels = generation_state(b)["labels"][:q + 1]
    assert labels == [printf2(w) for w in step["attention"][-1][0][:q + 1]], labels
    # The layer menu lists every kept layer, the last first.
    options = b.js("return Array.from(document.querySelectorAll('#layer option')).map(o => o.text)")
    assert options == [str(l) for l in data["layers"]], options
    assert b.js("return document.getElementById('layer').selectedOptions[0].text") == "30"
    # Play: P starts, the steps advance on their own, P pauses.
    b.keys(Keys.HOME)
    b.keys("p")
    time.sleep(2.0)
    b.keys("p")
    moved = generation_state(b)["step"]
    assert 1 <= moved <= 4, moved
    time.sleep(1.0)
    assert generation_state(b)["step"] == moved
    assert not b.errors(), b.errors()
    return "%d prompt tokens, %d steps" % (prompt, len(steps))


def test_generation_page_marks_the_chat_roles(ctx):
    """A --chat prompt: system, user and assistant tokens are underlined in their colours, the
    template's markers are set apart, and the legend names the roles present."""
    if not ctx.smollm2:
        return no_smollm2()
    path, data = generation_page(ctx)
    b = ctx.browser()
    b.load(path)
    roles = b.js("""return Array.from(document.querySelectorAll('#text .tok')).map(t =>
        [t.firstChild.textContent, (t.className.match(/role-(\\w+)/) || [null, null])[1],
         t.classList.contains('marker')])""")
    prompt = data["prompt"]["tokens"]
    assert [r[0] for r in roles[:3]] == ["<|im_start|>", "system", "\\n"], roles[:3]
    assert roles[0][1:] == ["system", True] and roles[1][1:] == ["system", True], roles[:3]
    question = [r for r in roles[:len(prompt)] if r[1] == "user" and not r[2]]
    assert [r[0] for r in question][:2] == ["What", "\u00b7is"], question
    assert roles[len(prompt) - 1][1:] == ["assistant", True], roles[len(prompt) - 1]
    assert all(r[1] == "assistant" and not r[2] for r in roles[len(prompt):]), roles[len(prompt):]
    assert all(r[2] for r in roles[:len(prompt)] if r[0] in ("<|im_start|>", "<|im_end|>"))
    assert "system" in b.el("#legend").text and "user" in b.el("#legend").text
    underline = b.js("return getComputedStyle(document.querySelector('.tok.role-user')).boxShadow")
    assert "0, 114, 178" in underline, underline


def test_generation_page_keeps_hostile_text_as_text(ctx):
    if not ctx.smollm2:
        return no_smollm2()
    path, _ = generation_page(ctx, "generation-hostile", "--tokens", "2",
                              "<img src=x onerror=alert(1)></script><b>bold</b>")
    b = ctx.browser()
    b.load(path)
    assert b.els("#text img, #text b, body > b, body > img") == []
    try:
        b.driver.switch_to.alert
        raise AssertionError("a prompt ran script")
    except NoAlertPresentException:
        pass
    assert "bold" in b.el("#text").text


# ---- runner -----------------------------------------------------------------------------


class Context:
    def __init__(self, pages, shots, model, smollm2):
        self.pages = pages
        self.shots = shots
        self.model = model
        self.smollm2 = smollm2
        self.root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.open = []

    def browser(self, width=1366, height=768, dark=False):
        b = Browser(width, height, dark)
        self.open.append(b)
        return b

    def close(self):
        for b in self.open:
            b.quit()
        self.open = []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attnviz", required=True)
    parser.add_argument("--model", default="models/all-MiniLM-L6-v2")
    parser.add_argument("--smollm2", default=None,
                        help="SmolLM2-135M-Instruct's folder (default: next to --model)")
    parser.add_argument("--out", default=None)
    parser.add_argument("--measure", action="store_true")
    parser.add_argument("-k", default="", help="run only tests whose name contains this")
    args = parser.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="attnviz-page-test-")
    shots = os.path.join(out, "shots")
    os.makedirs(shots, exist_ok=True)
    model = args.model if os.path.exists(os.path.join(args.model, "config.json")) else None
    smollm2 = args.smollm2 or os.path.join(os.path.dirname(os.path.abspath(args.model)),
                                           "SmolLM2-135M-Instruct")
    gguf = os.path.join(smollm2, "SmolLM2-135M-Instruct.Q4_1.gguf")
    smollm2 = smollm2 if os.path.exists(gguf) else None
    ctx = Context(Pages(os.path.abspath(args.attnviz), out, model), shots, model, smollm2)
    if args.measure:
        measure(ctx)
        return 0
    tests = [(k, v) for k, v in sorted(globals().items())
             if k.startswith("test_") and args.k in k]
    failures = 0
    for name, test in tests:
        try:
            note = test(ctx)
            print("PASS %s%s" % (name, " (%s)" % note if note else ""))
        except Exception:
            failures += 1
            print("FAIL %s\n%s" % (name, traceback.format_exc()))
        finally:
            ctx.close()
    print("%d browser tests, %d failed; screenshots in %s" % (len(tests), failures, shots))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
