"""The built site in a real browser: Debian's Chromium, driven by Playwright for Python.

The site (the `built_site` fixture, or the built site named by MINIGRAD_BUILT_SITE,
e.g. `_build/html`, to test a build you already have) is served on 127.0.0.1.
Requests to any other host are answered with an empty 200 response, so the test
needs no internet and a missing network cannot show up as a console error; the
site itself needs no other host (formulas are typeset at build time; KaTeX's
stylesheet and fonts are served from its _static/).
Screenshots go to artifacts/screenshots/ (gitignored).

Readers on phones and with screen readers (issue 20): both languages, a phone
(390x844) and a desktop (1366x900): the sidebars open and close, the language
switcher never sits over the text, every picture has words, formulas render with
the network blocked, axe-core (npm, fetched by `WITH_BROWSER=1 scripts/setup.sh`)
finds no serious or critical problem, and the root 404 fits a phone.
"""

import functools
import http.server
import json
import os
import re
import sys
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
def site_root(request):
    given = os.environ.get("MINIGRAD_BUILT_SITE")
    return Path(given).resolve() if given else request.getfixturevalue("built_site")


@pytest.fixture(scope="module")
def site_url(site_root):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site_root))
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

    def __init__(self, browser, site_url, locale="en-US", viewport=(1280, 900), offline="empty"):
        width, height = viewport
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                           is_mobile=width < 600, has_touch=width < 600)
        self.page = self.context.new_page()
        self.errors = []
        self.blocked = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text} ({m.location})"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        local = urlparse(site_url).netloc

        def offline(route):
            if urlparse(route.request.url).netloc == local:
                route.continue_()
            elif offline == "abort":  # a network that lets nothing out
                self.blocked.append(route.request.url)
                route.abort()
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
    # a reader's click where the link is (Playwright's click() first scrolls the
    # sticky header's link "into view", which moves the page)
    box = switcher.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(rf"/en/{CHAPTER}\.html#{re.escape(anchor)}$"))
    page.wait_for_load_state("networkidle")
    english = page.locator(f"[id='{anchor}']")
    english_heading = page.locator(f"[id='{anchor}'] ~ h2").first
    assert english_heading.is_visible()
    # the same step of the walk-through, in the other language
    assert spanish_heading.startswith("Paso 4") and english_heading.inner_text().startswith("Step 4")
    assert english.count() == 1
    tab.assert_no_errors()


def painted(image):
    """The <img> has loaded a real picture (waiting for a lazy one near the screen to arrive)."""
    return image.evaluate(
        """img => new Promise((resolve) => {
            const done = () => resolve(img.complete && img.naturalWidth > 100);
            if (img.complete && img.naturalWidth) return done();
            img.addEventListener("load", done, {once: true});
            setTimeout(done, 10000);
        })"""
    )


@pytest.mark.parametrize("lang", ["en", "es"])
def test_outputs_graphs_and_binder_link_are_visible(tab, site_url, lang):
    page = tab.page
    tab.goto(f"{site_url}/{lang}/{CHAPTER}.html")

    outputs = page.locator("article div.cell_output")
    assert outputs.count() >= 8
    assert outputs.first.is_visible()
    assert "L = -20" in outputs.first.inner_text()

    # the engine-drawn graphs: SVG pictures of executed cells, really painted
    graphs = page.locator("article .mg-figure img[src$='.svg']")
    assert graphs.count() >= 11  # before, 9 steps, after
    first = graphs.first
    first.scroll_into_view_if_needed()
    assert first.is_visible()
    assert painted(first)

    # stepping through backward: the tabs switch the picture
    steps = page.locator("article .sd-tab-set").first
    labels = steps.locator("label")
    assert labels.count() == 9
    labels.nth(4).click()
    visible = steps.locator(".sd-tab-content img").filter(visible=True)
    assert visible.count() == 1
    steps.scroll_into_view_if_needed()
    assert painted(visible.first)
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



# --- Readers on phones and with screen readers (issue 20) -----------------------------

PHONE, DESKTOP = (390, 844), (1366, 900)
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
CHAPTERS = [
    "01-computation-graphs", "02-chain-rule", "03-worked-backprop", "04-backprop-engine",
    "05-tensors-broadcasting", "06-checking-gradients", "07-modules", "08-training",
    "09-vectorized-backward",
]
FILE_NAME = re.compile(r"(^[0-9a-f]{16,}$)|(\.(svg|png|jpe?g|gif|webp)$)", re.IGNORECASE)


@pytest.fixture
def open_tab(browser, site_url):
    tabs = []

    def open_(path, viewport=DESKTOP, offline="empty", locale="en-US"):
        tab = Page(browser, site_url, locale=locale, viewport=viewport, offline=offline)
        tabs.append(tab)
        tab.goto(f"{site_url}/{path}")
        return tab

    yield open_
    for tab in tabs:
        tab.close()


def visible_links(page, selector):
    return page.locator(f"{selector} a.reference").filter(visible=True).count()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_sidebars_open_and_close(open_tab, lang, device):
    tab = open_tab(f"{lang}/{CHAPTER}.html", VIEWPORTS[device])
    page = tab.page
    header = page.locator(".bd-header-article")
    for kind, contents in (("primary", "nav.bd-docs-nav"), ("secondary", "nav.page-toc")):
        button = header.locator(f"button.{kind}-toggle")
        assert button.is_visible(), f"{kind} toggle not visible on {device}"
        sidebar = page.locator(f"#pst-{kind}-sidebar")
        dialog = page.locator(f"#pst-{kind}-sidebar-modal")
        if device == "phone":
            assert visible_links(page, contents) == 0  # closed: the chapter list is not on screen
            button.click()
            page.wait_for_timeout(300)
            assert dialog.evaluate("d => d.open"), f"{kind} sidebar did not open"
            assert visible_links(page, f"#pst-{kind}-sidebar-modal {contents}") >= 3
            tab.shot(f"{kind}-sidebar-{lang}-{device}")
            page.keyboard.press("Escape")
            page.wait_for_timeout(300)
            assert not dialog.evaluate("d => d.open")
            assert sidebar.locator(contents).count() == 1  # the content went back to the sidebar
            assert visible_links(page, contents) == 0
        else:
            assert visible_links(page, f"#pst-{kind}-sidebar {contents}") >= 3
            button.click()
            page.wait_for_timeout(500)  # the theme animates the primary sidebar away
            assert visible_links(page, f"#pst-{kind}-sidebar {contents}") == 0, f"{kind} sidebar did not close"
            assert not dialog.evaluate("d => d.open")
            assert button.get_attribute("aria-expanded") == "false"
            button.click()
            page.wait_for_timeout(500)
            assert visible_links(page, f"#pst-{kind}-sidebar {contents}") >= 3
            assert button.get_attribute("aria-expanded") == "true"
    tab.assert_no_errors()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_switcher_never_covers_text(open_tab, lang, device):
    """At every scroll position the switcher is part of the opaque sticky header, on top.

    Text scrolls *under* the header (as under any header), but the switcher never
    floats over the reading area: it sits inside the header's box, the point at its
    centre is the switcher itself, and at the top of the page no text of the article
    meets it.
    """
    tab = open_tab(f"{lang}/{CHAPTER}.html", VIEWPORTS[device])
    page = tab.page
    switcher = page.locator(".bd-header-article nav.lang-switcher")
    assert switcher.count() == 1 and switcher.is_visible()
    assert page.locator("article nav.lang-switcher").count() == 0
    background = page.evaluate("() => getComputedStyle(document.querySelector('.bd-header-article')).backgroundColor")
    assert background not in ("transparent", "rgba(0, 0, 0, 0)"), background
    untouched = page.evaluate(
        """() => {
            const s = document.querySelector('nav.lang-switcher').getBoundingClientRect();
            const hit = (r) => r.width > 0 && r.height > 0 && r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
            return [...document.querySelectorAll('article p, article li, article pre, article h1, article h2, article td, article .cell_output')]
                .filter((e) => hit(e.getBoundingClientRect())).map((e) => e.tagName + ': ' + e.innerText.slice(0, 40));
        }"""
    )
    assert untouched == [], f"at the top the switcher meets {untouched}"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    positions = range(0, height, 400)
    for y in positions:
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
        placement = page.evaluate(
            """() => {
                const nav = document.querySelector('nav.lang-switcher');
                const s = nav.getBoundingClientRect(), h = document.querySelector('.bd-header-article').getBoundingClientRect();
                const top = document.elementFromPoint((s.left + s.right) / 2, (s.top + s.bottom) / 2);
                return {inside: s.top >= h.top - 1 && s.bottom <= h.bottom + 1 && s.top >= 0,
                        onTop: nav.contains(top)};
            }"""
        )
        assert placement == {"inside": True, "onTop": True}, (y, placement)
    assert len(positions) >= 10
    tab.shot(f"switcher-{lang}-{device}")
    tab.assert_no_errors()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_picture_has_words_in_the_pages_language(open_tab, lang):
    spanish = {"en": "Computation graph of", "es": "Grafo de cómputo de"}
    for chapter in CHAPTERS:
        tab = open_tab(f"{lang}/{chapter}.html")
        pictures = tab.page.evaluate(
            """() => [...document.querySelectorAll('article img')].map((img) => ({
                    alt: img.getAttribute('alt'), src: img.getAttribute('src') || '',
                    other: [...img.attributes].some((a) => a.name.startsWith('data-alt-'))}))"""
        )
        svgs = tab.page.evaluate(
            """() => [...document.querySelectorAll('article svg')].filter((svg) =>
                    svg.getAttribute('aria-hidden') !== 'true' && !svg.closest('[aria-hidden=true], button')
                    && !svg.closest('.katex')).map((svg) => svg.getAttribute('aria-label')
                    || (svg.querySelector('title') || {}).textContent || '')"""
        )
        for picture in pictures:
            alt = (picture["alt"] or "").strip()
            assert alt and not FILE_NAME.search(alt) and len(alt) >= 8, (chapter, picture)
            assert not picture["other"], (chapter, "the other language's words are left in the page")
        assert all(label.strip() and not FILE_NAME.search(label) for label in svgs), (chapter, svgs)
        graphs = [p["alt"] for p in pictures if p["src"].startswith("_images/") and p["src"].endswith(".svg")]
        if chapter in ("01-computation-graphs", "03-worked-backprop", "04-backprop-engine"):
            assert graphs and all(alt.startswith(spanish[lang]) for alt in graphs), (chapter, graphs[:1])
        if chapter == CHAPTER:
            assert len(graphs) >= 11
            # the step pictures say which node's backward ran
            highlighted = {"en": "Highlighted:", "es": "Resaltad"}[lang]
            assert sum(highlighted in alt for alt in graphs) == 9
            assert all(f" {name}" in graphs[0] for name in ("a", "b", "c", "L"))
        if chapter in ("06-checking-gradients", "08-training"):
            plots = [p["alt"] for p in pictures if p["src"].startswith("_images/") and p["src"].endswith(".png")]
            assert len(plots) >= (1 if chapter.startswith("06") else 4), (chapter, plots)
        tab.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_math_renders_with_the_network_blocked(open_tab, lang):
    tab = open_tab(f"{lang}/02-chain-rule.html", PHONE, offline="abort")
    page = tab.page
    # typeset at build time (KaTeX): the formulas are there at once, with no script
    assert page.locator("script[src*=mathjax], script[src*=katex]").count() == 0
    assert page.locator("article .katex").count() > 5
    article = page.evaluate("() => document.querySelector('article').innerText")
    assert "\\partial" not in article and "\\frac" not in article, "raw TeX left on the page"
    math = page.locator("article .katex-html").filter(visible=True).first
    assert math.is_visible() and math.bounding_box()["width"] > 5
    # KaTeX's own fonts, from the site, have loaded (not a fallback font)
    page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=20000)
    assert page.evaluate("() => document.fonts.check('16px KaTeX_Main')")
    assert page.evaluate("() => [...document.fonts].some(f => f.family.includes('KaTeX_Math') && f.status === 'loaded')")
    assert tab.blocked == [], f"the page asked other hosts for {tab.blocked}"
    # display math never widens the page on a phone
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE[0]
    tab.assert_no_errors()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_no_serious_accessibility_problem(open_tab, lang, device):
    sys.path.insert(0, str(ROOT / "_ext"))
    from npm_assets import installed

    axe = installed("axe-core") / "axe.min.js"
    for page_name in (CHAPTER, "08-training", "index", "glossary"):
        tab = open_tab(f"{lang}/{page_name}.html", VIEWPORTS[device])
        tab.page.add_script_tag(path=str(axe))
        result = tab.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{lang}/{page_name} on a {device}:\n" + "\n".join(serious)
        tab.close()


def test_root_404_fits_a_phone(open_tab, site_url):
    tab = open_tab("404.html", PHONE)
    page = tab.page
    assert page.locator("meta[name=viewport]").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE[0]
    headings = page.locator("h1, h2").all_inner_texts()
    assert headings == ["Page not found", "Página no encontrada"]
    assert page.locator("section[lang=es]").count() == 1
    for code in ("en", "es"):
        link = page.locator(f"a[hreflang={code}]")
        assert link.is_visible()
        assert float(link.evaluate("a => parseFloat(getComputedStyle(a).fontSize)")) >= 16
    assert page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily") != "\"Times New Roman\""
    tab.shot("root-404-phone")
    tab.assert_no_errors()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pages_do_not_widen_a_phone(open_tab, lang):
    for chapter in ("03-worked-backprop", "04-backprop-engine", "08-training"):
        tab = open_tab(f"{lang}/{chapter}.html", PHONE)
        width = tab.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE[0], f"{lang}/{chapter} is {width} px wide on a {PHONE[0]} px phone"
        # a wide graph keeps readable labels: full size in a frame that scrolls
        frames = tab.page.locator("article .mg-figure-frame")
        if chapter == "03-worked-backprop":
            frame = frames.first
            size = frame.evaluate("f => ({frame: f.clientWidth, image: f.querySelector('img').getBoundingClientRect().width})")
            assert size["image"] > size["frame"] and frame.get_attribute("tabindex") == "0", size
        tab.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_page_describes_itself(open_tab, lang):
    tab = open_tab(f"{lang}/{CHAPTER}.html")
    page = tab.page
    description = page.locator("meta[name=description]").get_attribute("content")
    assert 60 <= len(description) <= 160
    assert page.locator("meta[property='og:description']").get_attribute("content") == description
    assert page.locator("meta[property='og:locale']").get_attribute("content") == {"en": "en_US", "es": "es_ES"}[lang]
    assert page.locator("meta[property='og:url']").get_attribute("content").endswith(f"/{lang}/{CHAPTER}.html")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(page.evaluate("h => new URL(h, location.href).href", icon)).ok
    tab.assert_no_errors()


def test_pictures_stay_legible_in_dark_mode(browser, site_url):
    """In dark mode the graphs (dark lines on a transparent background) sit on a white frame."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(f"{site_url}/es/{CHAPTER}.html", wait_until="load")
        page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
        body = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        frame = page.locator("article .mg-figure-frame").first
        assert body != "rgb(255, 255, 255)", body  # the page really is dark
        assert frame.evaluate("f => getComputedStyle(f).backgroundColor") == "rgb(255, 255, 255)"
    finally:
        context.close()
