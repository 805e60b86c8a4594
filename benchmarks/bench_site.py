"""How heavy is a chapter page? Transfer size, requests and (when it runs) Lighthouse.

    .venv/bin/python benchmarks/bench_site.py [SITE] [--pages en/03-worked-backprop.html ...] [--lighthouse]

SITE is a built book (default: _build/html, the build command's output). Each
page is opened in Debian's Chromium (headless, phone viewport 390x844), served
from 127.0.0.1 with every other host blocked, and every request the page makes
until the network is idle is counted. The transfer size is what GitHub Pages
would send: text (HTML, CSS, JavaScript, SVG, JSON) gzip-compressed at level 6,
the rest (fonts, PNG) as it is. Data URLs are part of their page and not requests.

--lighthouse also runs Lighthouse's mobile audit (performance, accessibility)
when `lighthouse` from npm is installed (LIGHTHOUSE=/path/to/cli, or
node_modules/.bin/lighthouse on the PATH) with CHROME_PATH=/usr/bin/chromium.
"""

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TEXT = (".html", ".css", ".js", ".mjs", ".svg", ".json", ".xml", ".txt", ".map")
PAGES = ["en/03-worked-backprop.html", "es/03-worked-backprop.html", "en/08-training.html"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves the site as GitHub Pages does: text gzip-compressed for browsers that accept it."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in TEXT or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def transfer_size(path):
    """Bytes GitHub Pages would send for this file (gzip for text)."""
    data = path.read_bytes()
    return len(gzip.compress(data, compresslevel=6)) if path.suffix in TEXT else len(data)


def weigh(browser, base, site, page):
    """(requests, bytes, {kind: bytes}) of one page, loaded at a phone's size."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    tab = context.new_page()
    local = urlparse(base).netloc
    seen = []
    tab.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).netloc == local else route.abort())
    tab.on("request", lambda request: request.url.startswith("http") and seen.append(request.url))
    tab.goto(f"{base}/{page}", wait_until="load")
    tab.wait_for_load_state("networkidle")
    context.close()
    total, kinds, count = 0, {}, 0
    for url in dict.fromkeys(seen):  # the browser's cache serves a repeated URL
        parsed = urlparse(url)
        if parsed.netloc != local:
            continue
        path = site / unquote(parsed.path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            continue
        size = transfer_size(path)
        count += 1
        total += size
        kind = path.suffix.lstrip(".") or "other"
        kinds[kind] = kinds.get(kind, 0) + size
    return count, total, kinds


def lighthouse(base, page):
    """Lighthouse's mobile scores (0-100) of one page, or None if Lighthouse is not installed."""
    cli = os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse")
    if not cli:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [cli, f"{base}/{page}", "--quiet", "--output=json", f"--output-path={report}",
                   "--only-categories=performance,accessibility",
                   "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
        env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", CHROMIUM))
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not report.exists():
            print(f"lighthouse failed on {page}: {done.stderr[-500:]}")
            return None
        result = json.loads(report.read_text())
        scores = {name: round(100 * result["categories"][name]["score"]) for name in ("performance", "accessibility")}
        for metric in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                       "cumulative-layout-shift", "speed-index"):
            scores[metric] = result["audits"][metric]["displayValue"]
        return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--pages", nargs="+", default=PAGES)
    parser.add_argument("--lighthouse", action="store_true")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    from playwright.sync_api import sync_playwright

    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            print(f"{'page':34} {'requests':>8} {'KB sent':>8}   largest kinds (KB)")
            for page in args.pages:
                if not (site / page).is_file():
                    print(f"{page:34} (not in {site})")
                    continue
                count, total, kinds = weigh(browser, base, site, page)
                top = ", ".join(f"{k} {v / 1024:.0f}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])[:4])
                print(f"{page:34} {count:8d} {total / 1024:8.0f}   {top}", flush=True)
            browser.close()
        if args.lighthouse:
            for page in args.pages:
                scores = lighthouse(base, page)
                print(f"lighthouse mobile {page}: {scores if scores else 'not run'}", flush=True)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
