// The sidebar buttons, on every screen width.
//
// The pinned themes (pydata-sphinx-theme 0.17.1, sphinx-book-theme 1.3.0) attach
// their handlers to the *first* .primary-toggle and .secondary-toggle of the page:
// the ones in the top navbar, which sphinx-book-theme hides. The buttons a reader
// sees did nothing. This script handles every toggle itself, before the themes'
// handlers (capture phase on the document):
// - on a wide screen a button hides or shows its sidebar in place;
// - on a narrow screen it opens the sidebar as the theme's modal <dialog>, moving
//   the sidebar's content into it as the theme does, and moving it back when the
//   dialog closes (Escape, a click on the backdrop, or the button again).
const SIDEBARS = {
  "primary-toggle": { name: "primary", wide: "(min-width: 992px)" },
  "secondary-toggle": { name: "secondary", wide: "(min-width: 1200px)" },
};

function moveContent(from, to) {
  Array.from(from.childNodes).forEach((node) => to.appendChild(node));
  Array.from(from.classList).forEach((cls) => {
    from.classList.remove(cls);
    to.classList.add(cls);
  });
}

function sidebarParts(toggle) {
  const kind = Object.keys(SIDEBARS).find((cls) => toggle.classList.contains(cls));
  const { name, wide } = SIDEBARS[kind];
  return {
    kind,
    wide,
    sidebar: document.getElementById(`pst-${name}-sidebar`),
    dialog: document.getElementById(`pst-${name}-sidebar-modal`),
  };
}

function setExpanded(kind, expanded) {
  document.querySelectorAll(`.${kind}`).forEach((button) => button.setAttribute("aria-expanded", String(expanded)));
}

document.addEventListener(
  "click",
  (event) => {
    const toggle = event.target.closest(".primary-toggle, .secondary-toggle");
    if (!toggle) return;
    event.preventDefault();
    event.stopPropagation(); // the themes' handlers would open the dialog on a wide screen too
    const { kind, wide, sidebar, dialog } = sidebarParts(toggle);
    if (!sidebar) return;
    if (window.matchMedia(wide).matches) {
      const hidden = sidebar.classList.toggle("pst-sidebar-hidden");
      setExpanded(kind, !hidden);
      return;
    }
    if (!dialog) return;
    if (dialog.open) {
      dialog.close();
      return;
    }
    moveContent(sidebar, dialog);
    dialog.showModal();
    setExpanded(kind, true);
    dialog.addEventListener(
      "close",
      () => {
        if (dialog.childNodes.length) moveContent(dialog, sidebar);
        setExpanded(kind, false);
        toggle.focus();
      },
      { once: true },
    );
  },
  true,
);

// A click on the backdrop (outside the dialog's box) closes it.
document.addEventListener("click", (event) => {
  const dialog = event.target;
  if (!(dialog instanceof HTMLDialogElement) || !dialog.open || !dialog.id.endsWith("-sidebar-modal")) return;
  const box = dialog.getBoundingClientRect();
  const inside = box.left <= event.clientX && event.clientX <= box.right && box.top <= event.clientY && event.clientY <= box.bottom;
  if (!inside) dialog.close();
});

document.addEventListener("DOMContentLoaded", () => {
  for (const kind of Object.keys(SIDEBARS)) {
    const toggle = document.querySelector(`.${kind}`);
    if (!toggle) continue;
    const { wide, sidebar } = sidebarParts(toggle);
    setExpanded(kind, Boolean(sidebar) && window.matchMedia(wide).matches);
  }
});
