"""Screenshots of the built site as a phone (or any width) shows it, for people to look at.

    python scripts/screenshots.py                      # every lesson, both languages
    python scripts/screenshots.py lessons/conv/ en/ --width 390 --out artifacts/phone

Builds nothing: run `mkdocs build` first (it reads site/). For each page it writes, light and
dark, the whole page cut into 1400-px slices, four slices side by side per PNG
(`<page>[-dark]-NN.png`), and each figure opened in the lightbox, four per PNG
(`lightbox-<page>-NN.png`). Needs Chromium and ChromeDriver (Debian: chromium,
chromium-driver) and selenium (installed with the test extras)."""
import argparse
import base64
import functools
import io
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image  # matplotlib's dependency
from selenium import webdriver

from dlcamp.facts import LANGUAGES, ROOT, url_prefix
from dlcamp.lessons import LESSONS
SLICE, PER_IMAGE = 1400, 4


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def side_by_side(images: list, path: Path) -> None:
    width, height = images[0].width, max(image.height for image in images)
    sheet = Image.new("RGB", (PER_IMAGE * (width + 10), height), "gray")
    for i, image in enumerate(images):
        sheet.paste(image, (i * (width + 10), 0))
    sheet.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/screenshots.py",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", help="URL paths such as lessons/conv/ (default: "
                        "every lesson in both languages)")
    parser.add_argument("--width", type=int, default=390, help="CSS px (default 390)")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "phone")
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    args = parser.parse_args()
    if not (args.site / "index.html").exists():
        parser.error(f"no built site in {args.site}: run mkdocs build first")
    pages = args.pages or [f"{url_prefix(lang)}lessons/{lesson.slug}/"
                           for lang in LANGUAGES for lesson in LESSONS]
    args.out.mkdir(parents=True, exist_ok=True)

    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(QuietHandler, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]:
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=webdriver.ChromeService(
        executable_path="/usr/bin/chromedriver"))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": args.width, "height": 844, "deviceScaleFactor": 1,
        "mobile": args.width < 500})

    def shot(**params) -> Image.Image:
        data = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", **params})
        return Image.open(io.BytesIO(base64.b64decode(data["data"])))

    try:
        for path in pages:
            name = path.strip("/").replace("/", "_") or "home"
            for dark in (False, True):
                browser.get(f"http://127.0.0.1:{server.server_port}/{path}")
                if dark:
                    browser.execute_script(
                        "document.body.setAttribute('data-md-color-scheme', 'slate')")
                time.sleep(0.8)
                whole = shot(captureBeyondViewport=True)
                slices = [whole.crop((0, y, whole.width, min(whole.height, y + SLICE)))
                          for y in range(0, whole.height, SLICE)]
                for k in range(0, len(slices), PER_IMAGE):
                    side_by_side(slices[k:k + PER_IMAGE], args.out /
                                 f"{name}{'-dark' if dark else ''}-{k // PER_IMAGE:02d}.png")
            figures = browser.execute_script(
                "return document.querySelectorAll('article a.glightbox').length")
            opened = []
            for i in range(figures):
                browser.execute_script(
                    f"document.querySelectorAll('article a.glightbox')[{i}].click()")
                time.sleep(1.2)  # the image and the opening animation
                opened.append(shot())
                browser.execute_script("document.querySelector('.gclose')?.click()")
                time.sleep(0.8)
            for k in range(0, len(opened), PER_IMAGE):
                side_by_side(opened[k:k + PER_IMAGE],
                             args.out / f"lightbox-{name}-{k // PER_IMAGE:02d}.png")
            print(f"{path or '/'}: {len(slices)} slices, {figures} figures")
    finally:
        browser.quit()
        server.shutdown()
    print(f"screenshots in {args.out}")

