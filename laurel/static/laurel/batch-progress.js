// The bulk award page follows its batch while it is being issued. Without this script the
// page shows the progress of the moment it was loaded, and a link to load it again.
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box || !window.fetch || box.getAttribute("data-state") !== "issuing") { return; }
  var url = box.getAttribute("data-url");
  var EVERY_MS = 1000;
  var AFTER_ERROR_MS = 5000;

  box.querySelectorAll("[data-no-script]").forEach(function (node) { node.hidden = true; });

  function show(data) {
    var awarded = document.getElementById("progress-awarded");
    var signed = document.getElementById("progress-signed");
    awarded.max = data.rows;
    awarded.value = data.awarded;
    signed.max = data.credentials;
    signed.value = data.signed;
    box.querySelectorAll("[data-text]").forEach(function (node) {
      node.textContent = data[node.getAttribute("data-text")];
    });
    var state = document.getElementById("batch-state");
    state.textContent = data.state_label;
    state.setAttribute("data-state", data.state);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.done) {
          // The finished page says what was awarded, left out or failed.
          window.location.reload();
          return;
        }
        window.setTimeout(poll, EVERY_MS);
      })
      .catch(function () { window.setTimeout(poll, AFTER_ERROR_MS); });
  }

  window.setTimeout(poll, EVERY_MS);
})();
