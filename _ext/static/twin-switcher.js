// Keep the reader's place when switching language. Twins have the same sections
// in the same order, and every section carries a language-neutral anchor
// (<span id="sec-2.1">, see _ext/twin_switcher.py), so when the link to the twin
// is clicked it gets the anchor of the section the reader is in.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.lang-twin");
  if (!link) return;
  let current = "";
  for (const anchor of document.querySelectorAll("article section > span[id^='sec-']")) {
    // the last section whose top has scrolled above the middle of the header area
    if (anchor.parentElement.getBoundingClientRect().top <= 100) current = anchor.id;
  }
  link.hash = current;
});
