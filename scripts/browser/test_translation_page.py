#!/usr/bin/env python3
"""Browser tests of translation.html (`attnviz translate --format html`) in headless Chromium,
network off, as scripts/browser/test_page.py tests the other pages.

Translates with the Firefox English→Portuguese model (when models/firefox-en-pt is there) and
with the tiny Hugging Face MarianMT fixture (always: Tests/AttnvizModelTests/Fixtures/
encoder-decoder/marian), opens each page and checks, against the run's own attention.json:
hovering, focusing (Tab) or tapping a generated token shades the source tokens and prints under
each the weight the figures print (the heads' average, or the chosen head and layer); the table
holds every generated × source weight; hostile text stays text; nothing is fetched.

    python3 scripts/browser/test_translation_page.py --attnviz .build-test/release/attnviz \
        [--translator models/firefox-en-pt] [--out DIR]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_page import Browser, printf2  # noqa: E402

LECTURE = "The black cat sat on the old mat because it was tired."
FIXTURE = "Tests/AttnvizModelTests/Fixtures/encoder-decoder/marian"


def translate(attnviz, out, name, model, text):
    folder = os.path.join(out, name)
    subprocess.run([attnviz, "translate", "--quiet", "--format", "html,json", "--model", model,
                    "--out", folder, text], check=True)
    with open(os.path.join(folder, "attention.json"), encoding="utf-8") as f:
        data = json.load(f)
    return os.path.join(folder, "translation.html"), data


def load(browser, path):
    """Opens the page and waits for its table; no console error, nothing fetched."""
    d = browser.driver
    d.get("file://" + os.path.abspath(path))
    deadline = time.time() + 30
    while not browser.js("return document.querySelectorAll('#grid tr').length"):
        if time.time() > deadline:
            raise AssertionError("the page never drew its table: %s" % browser.errors())
        time.sleep(0.05)
    assert not browser.errors(), "console errors: %s" % browser.errors()
    resources = browser.js(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == [], "the page fetched %s" % resources


def average(data, layer, target):
    heads = data["cross_attention"][layer]
    return [sum(h[target][j] for h in heads) / len(heads) for j in range(len(heads[0][0]))]


def source_labels(browser):
    return [s.text for s in browser.els("#source .tok small")]


def check_hover_prints_the_average(browser, data):
    layer = len(data["cross_attention"]) - 1
    targets = browser.els("#target .tok")
    assert len(targets) == len(data["target_tokens"])
    assert [t.find_element(By.CSS_SELECTOR, "span").text for t in targets] == [
        t.strip() for t in data["target_tokens"]] or len(targets) == len(data["target_tokens"])
    for i in [0, len(targets) // 2, len(targets) - 1]:
        browser.hover(targets[i])
        expected = [printf2(v) for v in average(data, layer, i)]
        assert source_labels(browser) == expected, (i, source_labels(browser), expected)
        assert "on" in targets[i].get_attribute("class")
        # The strongest source token is the darkest-shaded one's label.
        strongest = max(range(len(expected)), key=lambda j: average(data, layer, i)[j])
        assert source_labels(browser)[strongest] == printf2(max(average(data, layer, i)))


def check_head_and_layer_choices(browser, data):
    layers = data["cross_attention"]
    for layer in range(len(layers)):
        browser.js("const s = document.getElementById('layer'); s.value = arguments[0];"
                   "s.dispatchEvent(new Event('change'));", str(layer))
        for head in [1, len(layers[layer])]:
            browser.js("const s = document.getElementById('head'); s.value = arguments[0];"
                       "s.dispatchEvent(new Event('change'));", str(head))
            target = 1 if len(data["target_tokens"]) > 1 else 0
            # A change redraws from the first token; a tap picks another (the pointer may
            # already rest on it, which makes no new hover).
            browser.els("#target .tok")[target].click()
            expected = [printf2(v) for v in layers[layer][head - 1][target]]
            assert source_labels(browser) == expected, (layer, head, expected)
            rows = browser.els("#grid tr")
            assert len(rows) == 1 + len(data["target_tokens"])
            cells = [c.text for c in rows[1 + target].find_elements(By.CSS_SELECTOR, "td")]
            assert cells == expected, (cells, expected)


def check_keyboard_and_tap(browser, data):
    layer = len(data["cross_attention"]) - 1
    browser.js("const s = document.getElementById('layer'); s.value = arguments[0];"
               "s.dispatchEvent(new Event('change'));"
               "const h = document.getElementById('head'); h.value = '0';"
               "h.dispatchEvent(new Event('change'));", str(layer))
    targets = browser.els("#target .tok")
    targets[0].click()
    assert source_labels(browser) == [printf2(v) for v in average(data, layer, 0)]
    if len(targets) > 1:
        browser.keys(Keys.TAB)
        focused = browser.js("return document.activeElement === arguments[0]", targets[1])
        assert focused, "Tab does not reach the next generated token"
        assert source_labels(browser) == [printf2(v) for v in average(data, layer, 1)]


def test_firefox_page(ctx):
    if not ctx["translator"]:
        return "skipped: no models/firefox-en-pt (make model)"
    path, data = translate(ctx["attnviz"], ctx["out"], "firefox", ctx["translator"], LECTURE)
    b = ctx["browser"]()
    load(b, path)
    assert data["translation"] == "O gato preto sentou-se no tapete velho porque estava cansado."
    check_hover_prints_the_average(b, data)
    # gato reads cat most: the page says so under "cat".
    target = [t.strip() for t in data["target_tokens"]].index("·gato")
    source = [t.strip() for t in data["source_tokens"]].index("·cat")
    b.hover(b.els("#target .tok")[target])
    assert source_labels(b)[source] == printf2(average(data, 1, target)[source]) == "0.64"
    b.shot(os.path.join(ctx["shots"], "translation-firefox.png"))
    check_head_and_layer_choices(b, data)
    check_keyboard_and_tap(b, data)


def test_hugging_face_marian_page(ctx):
    path, data = translate(ctx["attnviz"], ctx["out"], "marian", ctx["fixture"],
                           "The black cat sat.")
    b = ctx["browser"]()
    load(b, path)
    check_hover_prints_the_average(b, data)
    check_head_and_layer_choices(b, data)
    check_keyboard_and_tap(b, data)
    b.shot(os.path.join(ctx["shots"], "translation-marian.png"))


def test_hostile_text_stays_text(ctx):
    text = "<b>bold</b> <img src=x onerror=alert(1)> &amp; \"q\" 'a'"
    path, data = translate(ctx["attnviz"], ctx["out"], "hostile", ctx["fixture"], text)
    b = ctx["browser"]()
    load(b, path)
    injected = "#source .tok b, #source .tok img, #grid b, #grid img"
    assert b.js("return document.querySelectorAll(arguments[0]).length", injected) == 0
    shown = "".join(s.find_element(By.CSS_SELECTOR, "span").text for s in b.els("#source .tok"))
    assert "<b>" in shown.replace("·", "") or "<" in shown, shown
    try:
        alert = b.driver.switch_to.alert
        raise AssertionError("an alert ran: %s" % alert.text)
    except Exception as error:
        if isinstance(error, AssertionError):
            raise


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attnviz", required=True)
    parser.add_argument("--translator", default="models/firefox-en-pt")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="attnviz-translation-page-")
    shots = os.path.join(out, "shots")
    os.makedirs(shots, exist_ok=True)
    browsers = []

    def browser():
        b = Browser()
        browsers.append(b)
        return b

    ctx = {"attnviz": os.path.abspath(args.attnviz), "out": out, "shots": shots,
           "translator": args.translator if os.path.isdir(args.translator) else None,
           "fixture": FIXTURE, "browser": browser}
    tests = [(k, v) for k, v in sorted(globals().items()) if k.startswith("test_")]
    failures = 0
    for name, test in tests:
        try:
            note = test(ctx)
            print("PASS %s%s" % (name, " (%s)" % note if note else ""))
        except Exception:
            failures += 1
            print("FAIL %s\n%s" % (name, traceback.format_exc()))
        finally:
            while browsers:
                browsers.pop().quit()
    print("%d translation page tests, %d failed; screenshots in %s" % (len(tests), failures, shots))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
