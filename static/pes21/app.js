// Behaviours shared by every page, written as data attributes in the templates: the
// Content-Security-Policy allows no inline script or event handler (onsubmit, onclick).
(function () {
  "use strict";

  // <form data-confirm="Supprimer ce document ?">: ask before sending.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // <form data-disable-on-submit>: a second click cannot send it twice.
    if (form.hasAttribute("data-disable-on-submit")) {
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    // <input type="checkbox" data-check-all="holders">: ticks every box named "holders".
    var name = box.getAttribute && box.getAttribute("data-check-all");
    if (name) {
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (other) {
        other.checked = box.checked;
      });
      return;
    }
    // Search picker (pes21/pickers.py): a ticked result moves to the chosen list, so a new
    // search does not drop it.
    if (box.checked && box.closest && box.closest(".picker-found")) {
      var chosen = box.closest(".picker").querySelector(".picker-chosen");
      if (chosen) chosen.appendChild(box.closest(".form-check"));
    }
  });

  // The picker's "Chercher" button sends the whole form only without JavaScript; here it (and
  // Enter in its box) searches in place, and Enter elsewhere saves the form as usual.
  function pickerSearch(input) {
    if (window.htmx && input) window.htmx.trigger(input, "search");
  }
  document.querySelectorAll("[data-picker-search]").forEach(function (button) {
    button.type = "button";
  });
  document.addEventListener("htmx:load", function (event) {
    event.detail.elt.querySelectorAll && event.detail.elt.querySelectorAll("[data-picker-search]")
      .forEach(function (button) { button.type = "button"; });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-picker-search]");
    if (button) pickerSearch(button.parentNode.querySelector("input[type=search]"));
  });
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key === "Enter" && input.closest && input.closest(".picker-search")) {
      event.preventDefault();
      pickerSearch(input);
    }
  });
})();

/* Accessibility: scrolling boxes reachable by keyboard, focus and announcements after htmx
   swaps, the error summary of a page sent back. */
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

  /* Say something to screen readers through the page's one live region (#annonce), emptied
     first so that the same words said twice are heard twice. */
  function announce(text) {
    var region = document.getElementById("annonce");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text.replace(/\s+/g, " ").trim(); }, 100);
  }

  function focusOn(element) {
    if (!element.hasAttribute("tabindex") && !element.matches("a, button, input, select, textarea")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  /* After a form sent through htmx comes back, the swap has replaced what had the focus: focus
     goes to the first field to correct, or else to the message that says what was done, and the
     live region says it (WCAG 2.4.3, 4.1.3). Swaps not started by a form (a search box being
     typed in, a job polled) leave the focus alone. */
  var handled = new WeakSet();
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail;
    var trigger = detail.requestConfig && detail.requestConfig.elt;
    if (!trigger || trigger.tagName !== "FORM" || handled.has(detail.xhr)) return;
    handled.add(detail.xhr);
    var target = detail.target;
    var root = (target && target.id && document.getElementById(target.id)) || target;
    if (!root || !root.querySelector) return;
    var invalid = root.querySelector('[aria-invalid="true"], .is-invalid');
    var summary = root.querySelector("[data-error-summary]");
    if (invalid) {
      focusOn(invalid);
      announce(summary ? summary.textContent : "Le formulaire contient des erreurs.");
      return;
    }
    var message = root.querySelector("[data-swap-message]") || summary;
    if (message) {
      focusOn(message);
      announce(message.textContent);
    }
  });

  /* A whole page sent back with errors opens on its error summary. */
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) focusOn(summary);
  });
})();
