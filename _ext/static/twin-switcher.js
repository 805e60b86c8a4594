// Keep the reader's place when switching language. Twins have the same sections
// in the same order, and every section carries a language-neutral anchor
// (<span id="sec-2.1">, see _ext/twin_switcher.py), so when the link to the twin
// is clicked it gets the anchor of the section the reader is in.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.lang-twin");
  if (!link) return;
  // the section being read: the last one whose top has scrolled into the upper
  // fifth of the text below the sticky header (where the switcher is)
  const header = link.closest(".bd-header-article") || link;
  const top = header.getBoundingClientRect().bottom;
  const line = top + (window.innerHeight - top) / 5;
  let current = "";
  for (const anchor of document.querySelectorAll("article section > span[id^='sec-']")) {
    if (anchor.parentElement.getBoundingClientRect().top <= line) current = anchor.id;
  }
  link.hash = current;
});
