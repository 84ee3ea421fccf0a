// « My exports »: while an export is being built, reload the list every few seconds so its
// progress and, at the end, its download link appear (the « Refresh » link does it by hand).
(function () {
  var marker = document.querySelector("[data-exports-refresh]");
  if (marker) {
    window.setTimeout(function () { window.location.reload(); }, 3000);
  }
})();
