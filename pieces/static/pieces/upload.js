/* Progressive enhancement of the upload form: the same POST, sent with XMLHttpRequest so a
   progress bar can show how much is sent. Without JavaScript the plain form works the same. */
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData) {
    return;
  }
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var bar = form.querySelector("[data-progress]");
    var status = form.querySelector("[data-progress-status]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          bar.value = Math.round((progress.loaded / progress.total) * 100);
        }
      });
      request.addEventListener("load", function () {
        // The answer is the next page (the application, or this form with its errors).
        window.history.replaceState(null, "", request.responseURL);
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        form.submit(); // fall back on the plain form
      });
      bar.classList.remove("fr-hidden");
      status.textContent = status.dataset.sending;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
      request.send(new FormData(form));
    });
  });
})();
