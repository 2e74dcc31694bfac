// Picking a place from the list fills the typed fields, so that the person sees what is saved.
(function () {
  const form = document.getElementById("territory-form");
  const select = form.querySelector("[data-place-picker]");
  function fill(option) {
    if (!option || !option.value) return;
    const kind = option.value.length === 9 ? "epci" : "commune";
    form.querySelector("[name=name]").value = option.dataset.name || option.textContent.replace(/ \(.*\)$/, "");
    form.querySelector("[name=kind]").value = kind;
    form.querySelector("[name=insee_code]").value = option.value;
  }
  select.addEventListener("change", () => fill(select.selectedOptions[0]));
  // Typing in the free fields means the list's choice no longer applies (it would win on save).
  for (const name of ["name", "kind", "insee_code"]) {
    form.querySelector(`[name=${name}]`).addEventListener("input", () => { select.value = ""; });
  }
  document.getElementById("place-hits").addEventListener("click", (event) => {
    const hit = event.target.closest("[data-code]");
    if (!hit) return;
    event.preventDefault();
    select.value = hit.dataset.code;
    fill(select.selectedOptions[0]);
    document.getElementById("place-hits").innerHTML = "";
    select.focus();
  });
})();
