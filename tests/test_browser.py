"""The built site in a real browser (headless Chromium): every page in both languages.

Checks what only a browser can: math is rendered by KaTeX, every image loads, the console
shows no errors, no request leaves localhost, and the language switcher leads to the same
lesson. Screenshots of the home page and one lesson in each language go to artifacts/.
Skips, saying why, where Chromium, ChromeDriver or Selenium is missing (.ci/run installs
them)."""
import functools
import json
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from project import ROOT, shared_site, site_pages

pytestmark = pytest.mark.xdist_group("browser")  # one worker, one browser
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
ARTIFACTS = ROOT / "artifacts"


def _quiet_handler(directory):
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest's output clean
            pass
    return functools.partial(Handler, directory=directory)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = shared_site(tmp_path_factory)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _quiet_handler(str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and DRIVER):
        pytest.skip("Chromium and ChromeDriver are not installed "
                    "(Debian: apt-get install chromium chromium-driver fonts-noto-cjk)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # and the driver below: Selenium downloads nothing
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=DRIVER))
    yield driver
    driver.quit()


def _pages(site: Path) -> list[str]:
    """Every page of the site, as a URL path: '', 'lessons/conv/', 'en/lessons/conv/', ..."""
    paths = [page.parent.relative_to(site).as_posix() for page in site_pages(site)]
    return ["" if path == "." else path + "/" for path in paths]


def _open(browser, url):
    browser.get(url)
    deadline = time.time() + 15
    while time.time() < deadline:  # wait for the page and for KaTeX to finish
        state = browser.execute_script(
            "return [document.readyState, document.querySelectorAll("
            "'.arithmatex:not(:has(.katex))').length]")
        if state == ["complete", 0]:
            return
        time.sleep(0.1)


PROBLEMS_JS = """
return {
  unrendered: [...document.querySelectorAll('.arithmatex')]
      .filter(e => !e.querySelector('.katex')).map(e => e.textContent.slice(0, 40)),
  katexErrors: document.querySelectorAll('.katex-error').length,
  brokenImages: [...document.images]
      .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
  lang: document.documentElement.lang,
};
"""


def test_every_page_in_a_real_browser(server, browser):
    site, base = server
    problems = []
    browser.get_log("performance")  # start with empty logs
    browser.get_log("browser")
    for path in _pages(site):
        _open(browser, base + path)
        found = browser.execute_script(PROBLEMS_JS)
        want = "en" if path.startswith("en/") else "zh"
        if found["unrendered"] or found["katexErrors"]:
            problems.append(f"/{path}: math not rendered: {found['unrendered'][:3]}, "
                            f"{found['katexErrors']} KaTeX errors")
        if found["brokenImages"]:
            problems.append(f"/{path}: images that did not load: {found['brokenImages']}")
        if found["lang"] != want:
            problems.append(f"/{path}: <html lang={found['lang']!r}>, expected {want!r}")
        for entry in browser.get_log("browser"):
            if entry["level"] == "SEVERE":
                problems.append(f"/{path}: console error: {entry['message'][:200]}")
        for entry in browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                url = urlsplit(message["params"]["request"]["url"])
                if url.scheme in {"http", "https", "ws", "wss"} and \
                        url.hostname not in {"127.0.0.1", "localhost"}:
                    problems.append(f"/{path}: third-party request to {url.geturl()[:120]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page, other", [("lessons/conv/", "en/lessons/conv/"),
                                         ("en/lessons/softmax/", "lessons/softmax/")])
def test_language_switcher_in_the_browser(server, browser, page, other):
    site, base = server
    _open(browser, base + page)
    lang = "zh" if other.startswith("lessons") else "en"
    browser.execute_script(f"document.querySelector('a[hreflang=\"{lang}\"]').click()")
    deadline = time.time() + 10
    while urlsplit(browser.current_url).path != "/" + other and time.time() < deadline:
        time.sleep(0.1)
    assert urlsplit(browser.current_url).path == "/" + other
    assert browser.execute_script("return document.documentElement.lang") == lang


def test_screenshots(server, browser):
    """Home page, one lesson and its notebook in each language, for people to look at."""
    _, base = server
    ARTIFACTS.mkdir(exist_ok=True)
    for path, name in [("", "home-zh"), ("en/", "home-en"),
                       ("lessons/mnist/", "mnist-zh"), ("en/lessons/mnist/", "mnist-en"),
                       ("notebooks/mnist/", "notebook-mnist-zh"),
                       ("en/notebooks/mnist/", "notebook-mnist-en")]:
        _open(browser, base + path)
        assert browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


SEARCH_JS = """
const input = document.querySelector('input[data-md-component=search-query]');
input.focus();
input.value = arguments[0];
input.dispatchEvent(new Event('input', {bubbles: true}));
input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
"""


@pytest.mark.parametrize("page, query, expected", [
    ("", "梯度", "/lessons/activations/"),  # inside 梯度下降, 梯度消失, ...
    ("", "卷积", "/lessons/conv/"),
    ("", "激活函数", "/lessons/activations/"),
    ("", "感受野", "/lessons/conv/"),
    ("", "过拟合", "/lessons/learning/"),
    ("en/", "gradient", "/en/lessons/activations/"),
    ("en/", "convolution", "/en/lessons/conv/"),
])
def test_search_finds_pages_in_the_readers_language(server, browser, page, query, expected):
    _, base = server
    _open(browser, base + page)
    browser.execute_script(SEARCH_JS, query)
    found, deadline = [], time.time() + 10
    while not found and time.time() < deadline:
        time.sleep(0.1)
        found = browser.execute_script(
            "return [...document.querySelectorAll('.md-search-result__item > a')]"
            ".map(a => new URL(a.href).pathname)")
    assert expected in found, f"searching {query!r} from /{page} found {found}"
    in_english = [p.startswith("/en/") for p in found]
    assert all(in_english) if page.startswith("en/") else not any(in_english), \
        f"results in the other language: {found}"


def test_figures_open_larger_on_click(server, browser):
    _, base = server
    _open(browser, base + "en/lessons/conv/")
    browser.execute_script("document.querySelector('article a.glightbox').click()")
    deadline, opened = time.time() + 5, False
    while not opened and time.time() < deadline:
        time.sleep(0.1)
        opened = browser.execute_script(
            "const img = document.querySelector('.glightbox-container .gslide-image img');"
            "return !!img && img.complete && img.naturalWidth > 0")
    assert opened, "clicking a figure should open it in a lightbox"
    time.sleep(0.6)  # the opening animation
    box = browser.execute_script(
        "const r = document.querySelector('.glightbox-container .gslide-image img')"
        ".getBoundingClientRect(); return [r.width, r.height, innerWidth, innerHeight]")
    width, height, screen_width, screen_height = box
    assert width > 0.9 * screen_width or height > 0.75 * screen_height, \
        f"the enlarged figure should fill the screen, not {width:.0f}x{height:.0f} px " \
        f"of {screen_width}x{screen_height}"


CUT_JS = """
const cut = [];
const blocks = document.querySelectorAll(
  'article pre > code, article .jp-OutputArea-output pre, article .highlight-ipynb pre');
for (const block of blocks) {
  if (block.scrollWidth > block.clientWidth + 1) {
    const longest = block.textContent.split('\\n')
        .reduce((a, b) => b.length > a.length ? b : a);
    const output = !!block.closest('.dl-output, .jp-OutputArea-output');
    const table = !!block.querySelector('.dl-row');  // a table's rows keep their columns
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(block).overflowX);
    cut.push([output, table && scrolls, longest.trim().slice(0, 70)]);
  }
}
return {cut: cut, sideways: document.documentElement.scrollWidth > window.innerWidth + 1,
        width: window.innerWidth,
        copyButtons: [...document.querySelectorAll('.dl-output .md-code__nav')]
            .filter(nav => nav.offsetParent !== null).length};
"""


def test_nothing_cut_on_desktop_or_phone(server, browser):
    """At 1280 px no code or output line runs past its block (the column shows about 80
    characters; snippets keep lines to 79), on lesson and notebook pages; at 390 px (a
    phone, emulated: headless windows are at least 500 px wide) printed output wraps,
    except a table (aligned columns), which scrolls sideways in its own box so that its
    columns stay together, and no page scrolls sideways. Printed output has no copy button."""
    site, base = server
    problems = []
    try:
        for width in (1280, 390):
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
            for path in _pages(site):
                _open(browser, base + path)
                found = browser.execute_script(CUT_JS)
                assert found["width"] == width, found
                for is_output, scrolling_table, line in found["cut"]:
                    if width == 1280 or (is_output and not scrolling_table):
                        kind = "output" if is_output else "code"
                        problems.append(f"{width} px /{path}: {kind} cut: {line}")
                if width < 500 and found["sideways"]:
                    problems.append(f"{width} px /{path}: the page scrolls sideways")
                if found["copyButtons"]:  # it covered the first line of wrapped output
                    problems.append(f"{width} px /{path}: a copy button on printed output")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_enlarged_figure_zooms_with_a_pinch_on_a_phone(server, browser):
    """On a phone the lightbox fills the width, which is little more than the page shows:
    a pinch must zoom further (GLightbox's touch handling; an SVG stays sharp)."""
    _, base = server
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
    try:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled",
                                {"enabled": True, "maxTouchPoints": 5})
        _open(browser, base + "lessons/resnet/")
        browser.execute_script("document.querySelector('article a.glightbox').click()")
        width_js = ("const img = document.querySelector('.glightbox-container .gslide-image"
                    " img'); return img && img.complete ? img.getBoundingClientRect().width : 0")
        deadline = time.time() + 5
        while not browser.execute_script(width_js) and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.6)  # the opening animation
        before = browser.execute_script(width_js)
        browser.execute_cdp_cmd("Input.synthesizePinchGesture", {
            "x": 195, "y": 420, "scaleFactor": 2.5, "gestureSourceType": "touch"})
        time.sleep(0.8)
        after = browser.execute_script(width_js)
    finally:
        browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_script("const c = document.querySelector('.gclose'); if (c) c.click()")
    assert before > 350, f"the enlarged figure should fill the phone's width, not {before} px"
    assert after > 2 * before, f"a pinch should zoom the figure: {before} px -> {after} px"
