// Upload progress of a large file, then a busy notice while the server checks it.
document.body.addEventListener("htmx:xhr:progress", function (event) {
  var bar = document.getElementById("import-progress");
  if (!bar || !event.detail.lengthComputable) return;
  var percent = Math.round(event.detail.loaded / event.detail.total * 100);
  bar.hidden = false;
  bar.value = percent;
  bar.textContent = percent + " %";
  document.getElementById("import-progress-label").textContent =
    percent < 100 ? "Envoi du fichier : " + percent + " %" : "Fichier reçu, vérification en cours…";
});
