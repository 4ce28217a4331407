// Follows a matching run on its page: polls the run's status and moves the progress bar; reloads the page
// when the run has finished or stopped giving signs of life, so the server renders the outcome.
(function () {
  "use strict";
  var panel = document.querySelector("[data-run-status-url]");
  if (!panel) { return; }
  var url = panel.getAttribute("data-run-status-url");
  var bar = panel.querySelector("progress");
  var percent = panel.querySelector("[data-run-percent]");
  var status = panel.querySelector("[data-run-status]");
  var delay = 700;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (run) {
        bar.value = run.progress;
        percent.textContent = String(run.progress);
        status.textContent = panel.getAttribute("data-label-" + run.status) || run.status;
        if (run.finished || run.stale) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 10000);  // the site is busy or unreachable: try again, less often
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
}());
