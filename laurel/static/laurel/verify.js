// The award page's "Verify" button without a page reload. Without this script the form
// posts normally and the server answers with the same page, results included.
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var results = document.getElementById("verify-results");
  if (!form || !results || !window.fetch) { return; }
  // Steps appear one after another so the reader (and a screen reader) follows each check.
  var STEP_DELAY_MS = 120;

  function say(text, isError) {
    results.textContent = "";
    var p = document.createElement("p");
    p.className = isError ? "message error" : "verify-working";
    p.textContent = text;
    results.appendChild(p);
  }

  function reveal(items, index) {
    if (index >= items.length) { return; }
    items[index].hidden = false;
    window.setTimeout(function () { reveal(items, index + 1); }, STEP_DELAY_MS);
  }

  function show(html) {
    var holder = document.createElement("div");
    // The HTML comes from this site's own template, escaped by Django.
    holder.innerHTML = html;
    var summary = holder.querySelector(".verify-summary");
    var items = holder.querySelectorAll(".verify-step");
    if (summary) { summary.hidden = true; }
    Array.prototype.forEach.call(items, function (item) { item.hidden = true; });
    results.textContent = "";
    while (holder.firstChild) { results.appendChild(holder.firstChild); }
    var all = Array.prototype.slice.call(items);
    if (summary) { all.push(summary); }
    reveal(all, 0);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(form.getAttribute("data-working"), false);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (answer.ok && answer.body.html) {
        show(answer.body.html);
      } else {
        say(answer.body.detail || form.getAttribute("data-failed"), true);
      }
    }).catch(function () {
      say(form.getAttribute("data-failed"), true);
    }).then(function () {
      button.disabled = false;
    });
  });
})();
