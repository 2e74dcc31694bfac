// A box above the structures list narrows it as one types; choices already made stay chosen.
(function () {
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "Filtrer la liste (nom, commune)…";
    box.setAttribute("aria-label", "Filtrer la liste des structures");
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.text.toLowerCase();
        option.hidden = !option.selected && !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
  });
})();
