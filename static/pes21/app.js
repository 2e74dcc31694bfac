/* Behaviour shared by every page. A static file, not inline script, so that the
   Content-Security-Policy can forbid inline scripts. */
(function () {
  "use strict";

  /* A table wider than its box scrolls inside it (WCAG 1.4.10); the box must then be reachable
     with the keyboard to be scrolled (WCAG 2.1.1). Only boxes that do scroll get a tab stop. */
  var SCROLL_BOXES = ".table-responsive, .report-web .figures-table";

  function markScrollBoxes() {
    document.querySelectorAll(SCROLL_BOXES).forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        if (box.tagName !== "TABLE" && !box.hasAttribute("role")) {
          var caption = box.querySelector("caption");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tableau défilant");
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  var resizeFrame = null;
  window.addEventListener("resize", function () {
    if (resizeFrame) cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(markScrollBoxes);
  });
  document.addEventListener("DOMContentLoaded", markScrollBoxes);
  document.addEventListener("htmx:afterSettle", markScrollBoxes);
})();
