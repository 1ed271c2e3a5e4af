// Small behaviours every page may use, wired here because the Content-Security-Policy allows no
// inline script or on*= attributes: [data-action="print"] prints, [data-action="reload"] reloads.
"use strict";

document.addEventListener("click", (event) => {
  const control = event.target.closest("[data-action]");
  if (!control) return;
  if (control.dataset.action === "print") {
    event.preventDefault();
    window.print();
  } else if (control.dataset.action === "reload") {
    event.preventDefault();
    window.location.reload();
  }
});
