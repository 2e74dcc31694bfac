// Show only the fields that matter for the chosen kind of step. Without JavaScript every
// field stays visible and the server refuses what does not fit the kind, in French.
(function () {
  function update(form) {
    var kind = form.querySelector("[data-step-kind]").value;
    form.querySelectorAll("[data-kinds]").forEach(function (block) {
      var kinds = block.getAttribute("data-kinds").split(" ");
      var hidden = kinds.indexOf(kind) === -1;
      block.hidden = hidden;
      // A hidden field is not sent, so a value typed before changing the kind is dropped.
      block.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = hidden;
      });
    });
  }
  document.querySelectorAll("form[data-step-form]").forEach(function (form) {
    var select = form.querySelector("[data-step-kind]");
    if (!select) return;
    select.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
