// The rule builder's edits in place: add, remove and move parts without a round trip.
// Without this script every button posts the form and the server makes the same change,
// so nothing here is required. Parts are ordered by their place in the form and name
// their group in a hidden field, so moving a fieldset is all a move takes.
(function () {
  "use strict";
  var form = document.getElementById("rule-builder");
  if (!form) { return; }
  var status = document.getElementById("rb-status");
  var made = 0;

  // What happened, for screen readers; the phrases come translated from the form.
  function say(what, node) {
    status.textContent = (form.getAttribute("data-" + what) || "") + " " + legendOf(node);
  }

  function freshId() {
    made += 1;
    var id;
    do {
      id = "j" + Date.now().toString(36).slice(-6) + made + Math.floor(Math.random() * 1000);
    } while (document.getElementById("rb-node-" + id));
    return id;
  }

  function nodeOf(element) { return element.closest("fieldset[data-node]"); }

  function partsOf(group) {
    return group.querySelector(":scope > ol[data-role=parts]");
  }

  function legendOf(node) { return node.querySelector(":scope > legend").textContent; }

  // Move buttons are disabled at the ends, as the server renders them.
  function refreshButtons() {
    form.querySelectorAll("ol[data-role=parts]").forEach(function (list) {
      var items = Array.prototype.filter.call(list.children, function (li) { return li.tagName === "LI"; });
      items.forEach(function (li, i) {
        var node = li.querySelector(":scope > fieldset[data-node]");
        var actions = node.querySelector(":scope > .rule-actions");
        actions.querySelector("[data-action=up]").disabled = i === 0;
        actions.querySelector("[data-action=down]").disabled = i === items.length - 1;
      });
    });
    // "Keep only its one part" is for a group with exactly one part.
    form.querySelectorAll("fieldset.rule-group").forEach(function (group) {
      var unwrap = group.querySelector(":scope > .rule-actions > [data-action=unwrap]");
      if (unwrap) { unwrap.hidden = partsOf(group).children.length !== 1; }
    });
  }

  function showCount(node) {
    var kind = node.querySelector(":scope > .field > select[data-role=group-kind]");
    var count = node.querySelector(":scope > [data-role=n]");
    if (kind && count) { count.hidden = kind.value !== "n_of"; }
  }

  // With the script a new kind of clause takes effect at once; its button is for pages without.
  function scripted(root) {
    root.querySelectorAll("button[data-action=kind]").forEach(function (button) { button.hidden = true; });
  }

  function rename(root, id, parent) {
    root.querySelectorAll("*").forEach(function (el) {
      ["name", "id", "for", "aria-describedby", "data-node", "value"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value && value.indexOf("__") !== -1) {
          el.setAttribute(attr, value.split("__ID__").join(id).split("__PARENT__").join(parent));
        }
      });
    });
  }

  function add(group) {
    var kind = group.querySelector(":scope > .rule-add > select[data-role=add-kind]").value;
    var template = document.getElementById("rb-template-" + kind);
    if (!template) { return false; }
    var copy = template.content.cloneNode(true);
    var id = freshId();
    rename(copy, id, group.getAttribute("data-node"));
    var item = copy.firstElementChild;
    partsOf(group).appendChild(copy);
    var node = item.querySelector("fieldset[data-node]");
    showCount(node);
    refreshButtons();
    scripted(node);
    // The first field to fill: a clause's first value, a group's own choice.
    var fields = node.querySelectorAll("input:not([type=hidden]), textarea, select");
    var first = Array.prototype.find.call(fields, function (f) {
      return f.offsetParent !== null && !f.matches("[data-role=clause-kind]");
    });
    if (first) { first.focus(); }
    say("added", node);
    return true;
  }

  function remove(node) {
    var item = node.parentElement;
    var group = nodeOf(item.parentElement);
    item.remove();
    refreshButtons();
    group.querySelector(":scope > .rule-add > select").focus();
    say("removed", node);
  }

  function move(node, up) {
    var item = node.parentElement;
    var other = up ? item.previousElementSibling : item.nextElementSibling;
    if (!other) { return; }
    if (up) { item.parentElement.insertBefore(item, other); } else { item.parentElement.insertBefore(other, item); }
    refreshButtons();
    var button = node.querySelector(":scope > .rule-actions > [data-action=" + (up ? "up" : "down") + "]");
    if (button.disabled) { button = node.querySelector(":scope > .rule-actions > [data-action=" + (up ? "down" : "up") + "]"); }
    button.focus();
    say("moved", node);
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button || !form.contains(button)) { return; }
    var node = nodeOf(button);
    var action = button.getAttribute("data-action");
    if (action === "add" && add(node)) {
      event.preventDefault();
    } else if (action === "remove") {
      event.preventDefault();
      remove(node);
    } else if (action === "up" || action === "down") {
      event.preventDefault();
      move(node, action === "up");
    }
    // "Put in a group" and "Keep only its one part" go to the server.
  });

  // A clause of another kind in the same place, keeping the values of fields both kinds have.
  function changeKind(node, kind) {
    var template = document.getElementById("rb-template-" + kind);
    if (!template) { return; }
    var id = node.getAttribute("data-node");
    var copy = template.content.cloneNode(true);
    rename(copy, id, node.querySelector(":scope > input[data-role=parent]").value);
    var fresh = copy.firstElementChild.querySelector("fieldset[data-node]");
    fresh.querySelectorAll("input[name], textarea[name]").forEach(function (input) {
      if (input.type === "hidden") { return; }
      var old = node.querySelector("[name='" + input.name + "']");
      if (!old) { return; }
      if (input.type === "checkbox") { input.checked = old.checked; } else { input.value = old.value; }
    });
    node.replaceWith(fresh);
    scripted(fresh);
    refreshButtons();
    fresh.querySelector("select[data-role=clause-kind]").focus();
    say("changed", fresh);
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select[data-role=group-kind]")) { showCount(nodeOf(event.target)); }
    if (event.target.matches("select[data-role=clause-kind]")) { changeKind(nodeOf(event.target), event.target.value); }
  });

  scripted(form);

  form.querySelectorAll("fieldset.rule-group").forEach(showCount);
})();
