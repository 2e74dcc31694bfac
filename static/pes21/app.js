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
    // Holder picker: a ticked search result moves to the chosen list, so a new search does
    // not drop it.
    if (box.checked && box.closest && box.closest(".picker-found")) {
      var chosen = box.closest("fieldset").querySelector(".picker-chosen");
      if (chosen) chosen.appendChild(box.closest(".form-check"));
    }
  });
})();
