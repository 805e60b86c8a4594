"""The built site in a real browser: Debian's Chromium, driven by Playwright for Python.

The site (the `built_site` fixture) is served on 127.0.0.1. Requests to any other
host (MathJax's CDN, ...) are answered with an empty 200 response, so the test
needs no internet and a missing network cannot show up as a console error.
Screenshots go to artifacts/screenshots/ (gitignored).
"""

import functools
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bookutils import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHAPTER = "03-worked-backprop"
BINDER = "https://mybinder.org/v2/gh/minigrad-course/backprop-from-scratch/main?urlpath=lab/tree/notebooks/{lang}/{stem}.ipynb"
COLAB = "https://colab.research.google.com/github/minigrad-course/backprop-from-scratch/blob/notebooks/{lang}/{stem}.ipynb"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.book,
    pytest.mark.xdist_group("site"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (WITH_BROWSER=1 bash scripts/setup.sh)"),
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(built_site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A browser tab that records console errors and uncaught page errors."""

    def __init__(self, browser, site_url, locale="en-US"):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text} ({m.location})"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        local = urlparse(site_url).netloc

        def offline(route):
            if urlparse(route.request.url).netloc == local:
                route.continue_()
            else:  # the test runs offline: other hosts get an empty answer
                route.fulfill(status=200, body="", content_type="text/plain")

        self.page.route("**/*", offline)

    def goto(self, url):
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def shot(self, name, full_page=False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def assert_no_errors(self):
        assert not self.errors, "JavaScript errors:\n" + "\n".join(self.errors)

    def close(self):
        self.context.close()


@pytest.fixture
def tab(browser, site_url):
    page = Page(browser, site_url)
    yield page
    page.close()


@pytest.mark.parametrize(
    "locale, lang, title",
    [("en-US", "en", "Backprop from scratch"), ("es-ES", "es", "Retropropagación desde cero"), ("fr-FR", "en", "Backprop")],
)
def test_root_sends_the_visitor_to_the_browsers_language(browser, site_url, locale, lang, title):
    tab = Page(browser, site_url, locale=locale)
    try:
        tab.goto(f"{site_url}/index.html")
        page = tab.page
        page.wait_for_url(re.compile(rf"/{lang}/index\.html$"))
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("article h1").first.inner_text().startswith(title)
        cards = page.locator("article .sd-card")
        assert cards.count() >= 2 and cards.first.is_visible()
        assert page.locator("article a[href='glossary.html']").count() >= 1
        tab.shot(f"landing-{locale}")
        tab.assert_no_errors()
    finally:
        tab.close()


def test_root_links_both_sites_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/index.html")
    assert page.url.endswith("/index.html") and "/en/" not in page.url
    links = {a.get_attribute("hreflang"): a.get_attribute("href") for a in page.locator("a").all()}
    assert links == {"en": "en/index.html", "es": "es/index.html"}
    context.close()


def test_switcher_goes_to_the_spanish_twin_and_back(tab, site_url):
    page = tab.page
    tab.goto(f"{site_url}/en/{CHAPTER}.html")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("article h1").first.inner_text().startswith("03 — Worked backprop")

    page.locator("nav.lang-switcher a.lang-twin").click()
    page.wait_for_url(re.compile(rf"/es/{CHAPTER}\.html(#.*)?$"))
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("article h1").first.inner_text().startswith("03 — Retropropagación")
    headings = page.locator("article h2").all_inner_texts()
    assert any(h.startswith("Paso 1") for h in headings), headings
    # the theme's own labels speak Spanish on a Spanish page
    assert page.locator("#pst-skip-link a").first.text_content().strip() == "Saltar al contenido principal"
    assert page.locator("input[name='q']").first.get_attribute("placeholder") == "Buscar en este libro..."
    tab.shot("chapter03-es")

    page.locator("nav.lang-switcher a.lang-twin").click()
    page.wait_for_url(re.compile(rf"/en/{CHAPTER}\.html(#.*)?$"))
    assert page.locator("html").get_attribute("lang") == "en"
    tab.assert_no_errors()


def test_switcher_keeps_the_section_being_read(tab, site_url):
    """Scrolled to a section, the switcher (it stays in view) opens the twin at the same section."""
    page = tab.page
    tab.goto(f"{site_url}/es/{CHAPTER}.html")
    anchor = page.evaluate(
        """() => {
            const anchors = [...document.querySelectorAll("article section > span[id^='sec-']:not([id*='.'])")];
            const anchor = anchors[3];  // the fourth ## section: Paso 4 / Step 4
            anchor.parentElement.scrollIntoView();
            window.scrollBy(0, 50);
            return anchor.id;
        }"""
    )
    page.wait_for_timeout(300)
    spanish_heading = page.locator(f"[id='{anchor}'] + h2, [id='{anchor}'] ~ h2").first.inner_text()
    switcher = page.locator("nav.lang-switcher a.lang-twin")
    assert switcher.is_visible() and switcher.evaluate("a => a.getBoundingClientRect().top >= 0")
    switcher.click()
    page.wait_for_url(re.compile(rf"/en/{CHAPTER}\.html#{re.escape(anchor)}$"))
    page.wait_for_load_state("networkidle")
    english = page.locator(f"[id='{anchor}']")
    english_heading = page.locator(f"[id='{anchor}'] ~ h2").first
    assert english_heading.is_visible()
    # the same step of the walk-through, in the other language
    assert spanish_heading.startswith("Paso 4") and english_heading.inner_text().startswith("Step 4")
    assert english.count() == 1
    tab.assert_no_errors()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_outputs_graphs_and_binder_link_are_visible(tab, site_url, lang):
    page = tab.page
    tab.goto(f"{site_url}/{lang}/{CHAPTER}.html")

    outputs = page.locator("article div.cell_output")
    assert outputs.count() >= 8
    assert outputs.first.is_visible()
    assert "L = -20" in outputs.first.inner_text()

    # the engine-drawn graphs: SVG files written from executed cells, really painted
    graphs = page.locator("article img[src$='.svg']")
    assert graphs.count() >= 11  # before, 9 steps, after
    first = graphs.first
    first.scroll_into_view_if_needed()
    assert first.is_visible()
    assert first.evaluate("img => img.complete && img.naturalWidth > 100")

    # stepping through backward: the tabs switch the picture
    steps = page.locator("article .sd-tab-set").first
    labels = steps.locator("label")
    assert labels.count() == 9
    labels.nth(4).click()
    visible = steps.locator(".sd-tab-content img").filter(visible=True)
    assert visible.count() == 1
    assert visible.first.evaluate("img => img.complete && img.naturalWidth > 100")
    steps.scroll_into_view_if_needed()
    tab.shot(f"chapter03-{lang}-step5")

    # minigrad | PyTorch side by side, both with their printed output
    side = page.locator("article .sd-tab-set").nth(1)
    assert side.locator("label").all_inner_texts() == ["minigrad", "PyTorch"]
    assert "4.0 -4.0 -12.0" in side.locator(".sd-tab-content").first.inner_text()

    # copy buttons on code cells (sphinx-copybutton)
    assert page.locator("article .cell_input button.copybtn").count() >= 5

    # the Binder and Colab links of this chapter's student notebook, in the rocket's menu
    binder = page.locator("a[href^='https://mybinder.org/']")
    assert binder.count() == 1
    assert binder.get_attribute("href") == BINDER.format(lang=lang, stem=CHAPTER)
    colab = page.locator("a[href^='https://colab.research.google.com/']")
    assert colab.count() == 1
    assert colab.get_attribute("href") == COLAB.format(lang=lang, stem=CHAPTER)
    page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
    assert binder.is_visible() and colab.is_visible()
    # the student notebook downloads from the site itself
    download = page.locator(f"a[href$='notebooks/{lang}/{CHAPTER}.ipynb']:not([href^='https:'])")
    assert download.count() == 1
    response = page.request.get(download.evaluate("a => a.href"))
    assert response.ok and response.json()["cells"][0]["cell_type"] == "markdown"
    # no live code: sphinx-thebe's script is not on the page
    assert page.evaluate("() => typeof THEBE_JS_URL === 'undefined' && typeof initThebe === 'undefined'")
    tab.assert_no_errors()


@pytest.mark.parametrize(
    "lang, query",
    [("es", "retropropagación"), ("es", "gradientes"), ("en", "backpropagation"), ("en", "gradients")],
)
def test_each_site_searches_its_own_pages(tab, site_url, lang, query):
    """Each site has its own index, stemmed in its language: results stay in that language."""
    page = tab.page
    tab.goto(f"{site_url}/{lang}/search.html?q={query}")
    # results are listed one by one; the summary line gets its count at the end
    page.wait_for_function("/\\d/.test(document.querySelector('#search-results .search-summary')?.innerText)")
    results = page.locator("#search-results ul.search li a")
    urls = [a.evaluate("a => a.href") for a in results.all()]
    assert len(urls) >= 3, urls
    assert all(f"/{lang}/" in url for url in urls), urls
    tab.shot(f"search-{lang}-{query}")
    tab.assert_no_errors()


def test_glossary_pages_are_twins_and_chapters_link_their_terms(tab, site_url):
    page = tab.page
    tab.goto(f"{site_url}/es/{CHAPTER}.html")
    term = page.locator("article a.reference.internal[href*='glossary.html#term-']").first
    term.click()
    page.wait_for_url(re.compile(r"/es/glossary\.html#term-"))
    assert page.locator("html").get_attribute("lang") == "es"
    glossary = page.locator("article dl.glossary")
    assert "retropropagación" in glossary.inner_text()
    assert page.locator(f"[id='{page.url.split('#')[1]}']").is_visible()
    page.locator("nav.lang-switcher a.lang-twin").click()
    page.wait_for_url(re.compile(r"/en/glossary\.html(#.*)?$"))
    assert "backpropagation" in page.locator("article dl.glossary").inner_text()
    tab.assert_no_errors()
