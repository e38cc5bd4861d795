// Live preview for the badge editor. Without this script the "Preview" button
// asks the server for the same preview, so nothing here is required.
(function () {
  "use strict";
  var form = document.getElementById("achievement-form");
  if (!form) { return; }
  var image = document.getElementById("preview-image");
  var nameOut = document.getElementById("preview-name");
  var descriptionOut = document.getElementById("preview-description");
  var warnings = document.getElementById("preview-warnings");
  var designFields = document.getElementById("design-fields");
  var uploadFields = document.getElementById("upload-fields");
  var customType = document.getElementById("custom-type-group");
  var typeSelect = form.elements.achievement_type;
  var designKeys = ["shape", "primary", "secondary", "icon", "title", "subtitle"];
  var lang = (document.documentElement.lang || "ko").slice(0, 2);
  var order = lang === "en" ? ["en", "ko"] : ["ko", "en"];
  var timer = null;
  var request = 0;

  function pick(field) {
    for (var i = 0; i < order.length; i++) {
      var input = form.elements[field + "_" + order[i]];
      if (input && input.value.trim()) { return { text: input.value.trim(), lang: order[i] }; }
    }
    return { text: "", lang: lang };
  }

  function show(output, value) {
    output.textContent = value.text;
    output.lang = value.lang;
  }

  function source() {
    var checked = form.querySelector("input[name=image_source]:checked");
    return checked ? checked.value : "design";
  }

  function setWarning(text) {
    warnings.textContent = "";
    if (text) {
      var p = document.createElement("p");
      p.className = "notice";
      p.textContent = text;
      warnings.appendChild(p);
    }
  }

  function updateText() {
    show(nameOut, pick("name"));
    show(descriptionOut, pick("description"));
    image.alt = pick("alt_text").text;
  }

  function fetchDesign() {
    var params = new URLSearchParams();
    designKeys.forEach(function (key) {
      var input = form.elements["design-" + key];
      if (input) { params.set("design-" + key, input.value); }
    });
    var mine = ++request;
    fetch(form.dataset.previewUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== request) { return; }
        if (data.image) { image.src = data.image; image.hidden = false; }
        var errors = Object.keys(data.errors || {}).map(function (k) { return data.errors[k].join(" "); });
        setWarning(errors.length ? errors.join(" ") : data.warning);
      })
      .catch(function () { /* the Preview button still works */ });
  }

  function updateDesign() {
    if (source() !== "design") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchDesign, 200);
  }

  function updateSections() {
    var design = source() === "design";
    designFields.hidden = !design;
    uploadFields.hidden = design;
    if (customType && typeSelect) { customType.hidden = typeSelect.value !== "ext"; }
  }

  function previewFile(input) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    var reader = new FileReader();
    // An <img> never runs scripts inside an SVG, so showing the unchecked file here is safe.
    reader.onload = function () { image.src = reader.result; image.hidden = false; setWarning(""); };
    reader.readAsDataURL(file);
  }

  form.addEventListener("input", function (event) {
    var name = event.target.name || "";
    if (name.indexOf("design-") === 0) { updateDesign(); } else { updateText(); }
  });
  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name === "image_file") { previewFile(event.target); }
    if (name === "image_source" || name === "achievement_type") {
      updateSections();
      if (source() === "design") { updateDesign(); }
    }
    if (name.indexOf("design-") === 0) { updateDesign(); }
  });
  updateSections();
  updateText();
  if (source() === "design" && !image.getAttribute("src")) { fetchDesign(); }
}());
