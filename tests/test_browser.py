"""The built site in a real browser (headless Chromium): every page in both languages.

Checks what only a browser can: math is typeset (KaTeX), every image loads, the console
shows no errors, no request leaves localhost, nothing is cut off at desktop or phone width,
search finds pages and the language switcher leads to the same lesson. Screenshots of the
home page and one lesson in each language go to artifacts/.
Skips, saying why, where Chromium, ChromeDriver or Selenium is missing (.ci/run installs
them)."""
import functools
import io
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
PAGE_TIMEOUT = 15  # seconds for a page to load and be ready
WINDOW = (1280, 1600)  # the browser's window, where a test sets no screen of its own

# The two screens every page is checked on. The phone is emulated (headless windows are at
# least 500 px wide); `mobile` makes the page's <meta name="viewport"> count, as on a phone.
# (screenWidth: what the checks read back, to know the emulation took.)
DESKTOP = {"width": 1280, "height": 900, "screenWidth": 1280, "screenHeight": 900,
           "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "screenWidth": 390, "screenHeight": 844,
         "deviceScaleFactor": 1, "mobile": True}


def _quiet_handler(directory, search_index: bytes | None = None):
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest's output clean
            pass

        def do_GET(self):
            if search_index is None or \
                    not urlsplit(self.path).path.endswith("/search/search_index.json"):
                return super().do_GET()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(search_index)))
            self.end_headers()
            self.wfile.write(search_index)
    return functools.partial(Handler, directory=directory)


def _serve(site: Path, search_index: bytes | None = None):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _quiet_handler(str(site), search_index))
    # a short poll: shutdown() waits for it, at the end of the session (0.5 s by default)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}/"


# Every page starts Material's search worker, which fetches search/search_index.json and
# indexes all of it (about 140 sections, both languages): 0.1 s of a core on every page load,
# some 15 % of the page loop's CPU, which on a 2-core machine the other test worker needs.
# That work is the same on every page (one index, one worker script), so `server` answers
# with the index emptied of its documents, its settings kept: each page still fetches it and
# starts the worker, and a wrong path to either is still a console error. The search tests
# are served the real index (`search_server`) and check the console there.
#
# Session-scoped: pytest-xdist may run other tests between these on the same worker, and a
# module-scoped fixture would then start Chromium and the server again (10 s each time).
@pytest.fixture(scope="session")
def server(browser, tmp_path_factory):  # the browser first: without it, skip before building
    site = shared_site(tmp_path_factory)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    httpd, base = _serve(site, json.dumps(dict(index, docs=[])).encode())
    yield site, base
    httpd.shutdown()


@pytest.fixture(scope="session")
def search_server(server):
    """The base URL of the same site with its real search index."""
    httpd, base = _serve(server[0])
    yield base
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not (CHROMIUM and DRIVER):
        pytest.skip("Chromium and ChromeDriver are not installed "
                    "(Debian: apt-get install chromium chromium-driver fonts-noto-cjk)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # and the driver below: Selenium downloads nothing
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--window-size={},{}".format(*WINDOW),
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=DRIVER))
    driver.set_page_load_timeout(PAGE_TIMEOUT)  # not Selenium's 300 s
    yield driver
    driver.quit()


def _pages(site: Path) -> list[str]:
    """Every page of the site, as a URL path: '', 'lessons/conv/', 'en/lessons/conv/', ..."""
    paths = [page.parent.relative_to(site).as_posix() for page in site_pages(site)]
    return ["" if path == "." else path + "/" for path in paths]


def _open(browser, url):
    """Load a page and wait until it is complete and its fonts are in: text is measured
    below, and a fallback font has other widths. Math needs no waiting: it is typeset when
    the site is built (site_build/math_at_build.py). Fails the test, saying what is missing, if
    the page is not ready in time."""
    from selenium.common.exceptions import TimeoutException  # here: without selenium, skip

    deadline = time.time() + PAGE_TIMEOUT
    try:
        browser.get(url)  # returns once the page has loaded: its scripts, styles, images
    except TimeoutException:
        pytest.fail(f"{url} did not load in {PAGE_TIMEOUT} s", pytrace=False)
    while True:
        ready, fonts = browser.execute_script(
            "return [document.readyState, document.fonts.status]")
        missing = []
        if ready != "complete":
            missing.append(f"document.readyState is {ready!r}, not 'complete'")
        if fonts != "loaded":
            missing.append("its fonts are still loading")
        if not missing:
            return
        if time.time() > deadline:
            pytest.fail(f"{url} was not ready after {PAGE_TIMEOUT} s: " + ", ".join(missing),
                        pytrace=False)
        time.sleep(0.1)


def _open_on(browser, url, screen):
    """Load a page on an emulated screen. The page before is hidden first: laying it out
    again for the new screen would cost about a tenth of a second, for nothing."""
    browser.execute_script("document.documentElement.style.display = 'none'")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)
    _open(browser, url)


def _resize(browser, screen):
    """Show the page that is open on another screen, without reloading it: the browser lays
    the same document out again, as a real one does when a tablet is turned.
    test_a_resized_page_is_checked_as_a_reloaded_one shows the checks then see what they
    would see on a page loaded at that size."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)
    # Two frames: the page's own resize and media-query handlers (Material's) run first.
    browser.execute_async_script(
        "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done))")


CONTENT_JS = """
return {
  unrendered: [...document.querySelectorAll('.arithmatex')]
      .filter(e => !e.querySelector('.katex')).map(e => e.textContent.slice(0, 40)),
  katexErrors: document.querySelectorAll('.katex-error').length,
  brokenImages: [...document.images]
      .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
  lang: document.documentElement.lang,
};
"""

LAYOUT_JS = """
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
// The page's width against the screen's, not innerWidth: like a phone, Chrome zooms out to
// show a page wider than the screen, and innerWidth grows with it.
const page = document.documentElement;
return {cut: cut, screen: screen.width, pageWidth: page.scrollWidth,
        sideways: page.scrollWidth > page.clientWidth + 1,
        copyButtons: [...document.querySelectorAll('.dl-output .md-code__nav')]
            .filter(nav => nav.offsetParent !== null).length};
"""


def _language(path: str) -> str:
    return "en" if path.startswith("en/") else "zh"


def _layout_problems(browser, path: str, screen: dict) -> list[str]:
    """What is cut off or sticks out of the page, shown on `screen`."""
    found = browser.execute_script(LAYOUT_JS)
    width, phone = screen["width"], screen["mobile"]
    assert found["screen"] == width, \
        f"/{path} is shown on a screen {found['screen']} px wide, not {width}: " \
        "the emulation did not take"
    problems = []
    for is_output, scrolling_table, line in found["cut"]:
        # On a desktop no line may run past its block. On a phone code scrolls, output
        # wraps, and a table (aligned columns) scrolls in its own box.
        if not phone or (is_output and not scrolling_table):
            kind = "output" if is_output else "code"
            problems.append(f"{width} px /{path}: {kind} cut: {line}")
    if phone and found["sideways"]:
        problems.append(f"{width} px /{path}: the page scrolls sideways "
                        f"({found['pageWidth']} px wide)")
    if found["copyButtons"]:  # it covered the first line of wrapped output
        problems.append(f"{width} px /{path}: a copy button on printed output")
    return problems


def desktop_problems(browser, path: str) -> list[str]:
    """The checks on a page just loaded at 1280 px: math, images, language, layout."""
    found = browser.execute_script(CONTENT_JS)
    problems = []
    if found["unrendered"] or found["katexErrors"]:
        problems.append(f"/{path}: math not rendered: {found['unrendered'][:3]}, "
                        f"{found['katexErrors']} KaTeX errors")
    if found["brokenImages"]:
        problems.append(f"/{path}: images that did not load: {found['brokenImages']}")
    if found["lang"] != _language(path):
        problems.append(f"/{path}: <html lang={found['lang']!r}>, "
                        f"expected {_language(path)!r}")
    return problems + _layout_problems(browser, path, DESKTOP)


def phone_problems(browser, path: str) -> list[str]:
    """The checks on the same page resized to a phone: output wraps, nothing sticks out."""
    return _layout_problems(browser, path, PHONE)


def log_problems(browser, path: str) -> list[str]:
    """Console errors and requests to other hosts since the logs were last read."""
    problems = []
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
    return problems


def test_every_page_in_a_real_browser(server, browser):
    """Each page is loaded once, at 1280 px: math rendered, images loaded, the right
    <html lang>, no code or output line running past its block (the column shows about 80
    characters; snippets keep lines to 79). Then the same page is resized to a phone
    (390 px): printed output wraps, except a table, which scrolls sideways in its own box so
    that its columns stay together, and the page does not scroll sideways. At both widths
    printed output has no copy button; over the whole visit the console shows no error and
    no request leaves localhost."""
    site, base = server
    problems = []
    browser.get_log("performance")  # start with empty logs
    browser.get_log("browser")
    try:
        for path in _pages(site):
            _open_on(browser, base + path, DESKTOP)
            problems += desktop_problems(browser, path)
            _resize(browser, PHONE)
            problems += phone_problems(browser, path)
            problems += log_problems(browser, path)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# Planted on a lesson page, faults that only a phone shows: a printed line that cannot wrap
# (not in a table, which may scroll) and a box wider than a phone.
PLANT_JS = """
const output = [...document.querySelectorAll('article .dl-output pre > code')]
    .find(code => !code.querySelector('.dl-row'));
const line = document.createElement('span');
line.style.whiteSpace = 'pre';
line.textContent = '\\nplanted ' + 'x'.repeat(60);  // fits at 1280 px, not at 390
output.append(line);
const wide = document.createElement('div');
wide.style.width = '1000px';
wide.textContent = 'planted wide box';
document.querySelector('article').append(wide);
"""


def test_a_resized_page_is_checked_as_a_reloaded_one(server, browser):
    """The page test loads each page at 1280 px and resizes it to a phone instead of loading
    it again: the phone checks must see on the resized page what they see on one loaded at
    390 px, faults included. Here both ways, on a lesson with output and a table."""
    _, base = server
    path = "lessons/conv/"
    seen = {}
    try:
        for way, first in (("resized", DESKTOP), ("reloaded", PHONE)):
            for planted in (False, True):
                _open_on(browser, base + path, first)
                if planted:
                    browser.execute_script(PLANT_JS)
                if way == "resized":
                    # the planted faults fit a desktop: only the resize can show them
                    assert desktop_problems(browser, path) == []
                    _resize(browser, PHONE)
                seen[way, planted] = phone_problems(browser, path)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert seen["resized", False] == [], seen
    planted = seen["resized", True]
    assert any("output cut: planted xxx" in problem for problem in planted), planted
    assert any("scrolls sideways" in problem for problem in planted), planted
    assert seen["resized", False] == seen["reloaded", False]
    assert seen["resized", True] == seen["reloaded", True]


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
    """Home page, one lesson and its notebook in each language, for people to look at.
    Each must show the page: the window's size, more than one colour (not a blank screen),
    in the page's language."""
    from PIL import Image  # matplotlib's dependency

    _, base = server
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    for path, name in [("", "home-zh"), ("en/", "home-en"),
                       ("lessons/mnist/", "mnist-zh"), ("en/lessons/mnist/", "mnist-en"),
                       ("notebooks/mnist/", "notebook-mnist-zh"),
                       ("en/notebooks/mnist/", "notebook-mnist-en")]:
        _open(browser, base + path)
        png = browser.get_screenshot_as_png()
        (ARTIFACTS / f"{name}.png").write_bytes(png)  # written first: a failure can be seen
        image = Image.open(io.BytesIO(png))
        window = tuple(browser.execute_script(
            "return [innerWidth * devicePixelRatio, innerHeight * devicePixelRatio]"))
        if image.size != window:
            problems.append(f"{name}.png is {image.size}, the window {window}")
        if image.convert("RGB").getcolors(maxcolors=1):  # None: more colours than that
            problems.append(f"{name}.png is a single flat colour")
        lang = browser.execute_script("return document.documentElement.lang")
        if lang != _language(path):
            problems.append(f"{name}.png shows a page in {lang!r}, not {_language(path)!r}")
    assert not problems, "\n".join(problems)


SEARCH_JS = """
const input = document.querySelector('input[data-md-component=search-query]');
input.focus();
input.value = arguments[0];
input.dispatchEvent(new Event('input', {bubbles: true}));
input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
"""
RESULTS_JS = ("return [...document.querySelectorAll('.md-search-result__item > a')]"
              ".map(a => new URL(a.href).pathname)")


def _search(browser, query: str) -> list[str]:
    """Type a query into the open page's search box; the pages found (each once), once
    shown. An empty query clears the box: waiting for its results to go before the next
    query is typed keeps the last query's results from passing for the next one's."""
    browser.execute_script(SEARCH_JS, query)
    found, deadline = browser.execute_script(RESULTS_JS), time.time() + 10
    while bool(found) != bool(query) and time.time() < deadline:
        time.sleep(0.1)
        found = browser.execute_script(RESULTS_JS)
    return list(dict.fromkeys(found))  # a page and its sections are results of their own


SEARCHES = {  # per language: what a reader types, a page it must find
    "": [("梯度", "/lessons/activations/"),  # inside 梯度下降, 梯度消失, ...
         ("卷积", "/lessons/conv/"),
         ("激活函数", "/lessons/activations/"),
         ("感受野", "/lessons/conv/"),
         ("过拟合", "/lessons/learning/")],
    "en/": [("gradient", "/en/lessons/activations/"),
            ("convolution", "/en/lessons/conv/")],
}


@pytest.mark.parametrize("page", SEARCHES, ids=["zh", "en"])
def test_search_finds_pages_in_the_readers_language(search_server, browser, page):
    """One page load per language, then each query typed in turn into its search box. This
    page has the real index (see `server`): while it is indexed and searched, the console
    shows no error and no request leaves localhost."""
    browser.get_log("browser")  # this page's entries only
    browser.get_log("performance")
    _open(browser, search_server + page)
    problems = []
    for query, expected in SEARCHES[page]:
        left = _search(browser, "")
        assert not left, f"clearing the search box left results: {left}"
        found = _search(browser, query)
        if expected not in found:
            problems.append(f"searching {query!r} from /{page} found {found}, "
                            f"not {expected}")
        in_english = [p.startswith("/en/") for p in found]
        if not (all(in_english) if page.startswith("en/") else not any(in_english)):
            problems.append(f"searching {query!r} from /{page}: results in the other "
                            f"language: {found}")
    problems += log_problems(browser, page)
    assert not problems, "\n".join(problems)


# The lightbox's image on show (GLightbox also keeps the slides next to it in the page).
SHOWN_IMG = "document.querySelector('.glightbox-container .gslide.current .gslide-image img')"


def _shown_figure(browser) -> str:
    """The URL of the image the lightbox shows, once it has loaded; '' if none."""
    return browser.execute_script(
        f"const img = {SHOWN_IMG};"
        "return img && img.complete && img.naturalWidth > 0 ? img.src : ''")


def test_figures_open_larger_on_click(server, browser):
    """A clicked figure opens in a lightbox: that figure, filling the screen."""
    _, base = server
    _open(browser, base + "en/lessons/conv/")
    # The last figure: a lightbox that always opened the page's first one is caught too.
    clicked = browser.execute_script(
        "const a = [...document.querySelectorAll('article a.glightbox')].pop();"
        "a.click(); return a.href")
    deadline, shown = time.time() + 5, ""
    while not shown and time.time() < deadline:
        time.sleep(0.1)
        shown = _shown_figure(browser)
    assert shown, "clicking a figure should open it in a lightbox"
    assert urlsplit(shown).path == urlsplit(clicked).path, \
        f"clicked {clicked}, the lightbox shows {shown}"
    time.sleep(0.6)  # the opening animation
    box = browser.execute_script(
        f"const r = {SHOWN_IMG}.getBoundingClientRect();"
        "return [r.width, r.height, innerWidth, innerHeight]")
    width, height, screen_width, screen_height = box
    assert width > 0.9 * screen_width or height > 0.75 * screen_height, \
        f"the enlarged figure should fill the screen, not {width:.0f}x{height:.0f} px " \
        f"of {screen_width}x{screen_height}"


def test_enlarged_figure_zooms_with_a_pinch_on_a_phone(server, browser):
    """On a phone the lightbox fills the width, which is little more than the page shows:
    a pinch must zoom further (GLightbox's touch handling; an SVG stays sharp)."""
    _, base = server
    width_js = (f"const img = {SHOWN_IMG};"
                "return img && img.complete ? img.getBoundingClientRect().width : 0")
    try:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                dict(PHONE, deviceScaleFactor=2))
        browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled",
                                {"enabled": True, "maxTouchPoints": 5})
        _open(browser, base + "lessons/resnet/")
        clicked = browser.execute_script(
            "const a = document.querySelector('article a.glightbox'); a.click(); return a.href")
        deadline = time.time() + 5
        while not browser.execute_script(width_js) and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.6)  # the opening animation
        shown = _shown_figure(browser)
        before = browser.execute_script(width_js)
        browser.execute_cdp_cmd("Input.synthesizePinchGesture", {
            "x": 195, "y": 420, "scaleFactor": 2.5, "gestureSourceType": "touch"})
        time.sleep(0.8)
        after = browser.execute_script(width_js)
    finally:
        browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_script("const c = document.querySelector('.gclose'); if (c) c.click()")
    assert urlsplit(shown).path == urlsplit(clicked).path, \
        f"clicked {clicked}, the lightbox shows {shown or 'nothing'}"
    assert before > 350, f"the enlarged figure should fill the phone's width, not {before} px"
    assert after > 2 * before, f"a pinch should zoom the figure: {before} px -> {after} px"
