// The report page: print, and copy a share link. No inline handlers (the CSP forbids them).
(function () {
  "use strict";

  function copied(button, text) {
    var label = button.textContent;
    button.textContent = text;
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }

  function copyShare(button) {
    var input = document.getElementById(button.getAttribute("data-target"));
    if (!input) return;
    input.select();
    var done = function () { copied(button, "Copied"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        copied(button, "Press Ctrl+C to copy");
      });
    } else {
      // Plain HTTP (a local install): the selection is there, the old command may still work.
      try { document.execCommand("copy"); done(); } catch (e) { copied(button, "Press Ctrl+C to copy"); }
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target) return;
    var action = target.getAttribute("data-action");
    if (action === "print") { event.preventDefault(); window.print(); }
    if (action === "copy-share") { event.preventDefault(); copyShare(target); }
  });
})();
