// OIDC login without third-party cookies: state and nonce kept in the platform's storage
// frame through postMessage (1EdTech LTI Client Side postMessages / postMessage Storage 0.1).
// The login page stores them and goes on to the platform; the launch page reads them back
// and re-posts the launch only when both match.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("lti-storage-config").textContent);
  var WAIT_MS = 5000;
  var host = window.parent !== window ? window.parent : window.opener;

  function frame() {
    if (!host) return null;
    if (config.target === "_parent") return host;
    try {
      return host.frames[config.target] || null;
    } catch (error) {
      return null;
    }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // One request and its answer: resolves with the answer's value, rejects on an error or silence.
  function ask(subject, key, value) {
    return new Promise(function (resolve, reject) {
      var target = frame();
      if (!target) {
        reject(new Error("no storage frame"));
        return;
      }
      var id = newId();
      var timer = window.setTimeout(function () {
        window.removeEventListener("message", listen);
        reject(new Error("no answer from the platform"));
      }, WAIT_MS);
      function listen(event) {
        var data = event.data;
        // Only the platform's own origin answers, and only to this message.
        if (event.origin !== config.platform_origin || !data || typeof data !== "object") return;
        if (data.subject !== subject + ".response" || data.message_id !== id) return;
        window.clearTimeout(timer);
        window.removeEventListener("message", listen);
        if (data.error) reject(new Error(String(data.error.code || "error")));
        else resolve(data.value);
      }
      window.addEventListener("message", listen);
      var message = { subject: subject, message_id: id, key: key };
      if (value !== undefined) message.value = value;
      target.postMessage(message, config.platform_origin);
    });
  }

  function show(id) {
    var element = document.getElementById(id);
    if (element) element.hidden = false;
  }

  if (config.mode === "put") {
    var proceed = function () { window.location.assign(config.auth_url); };
    // Whatever the frame answers, the login goes on: without it, the state cookie may still work.
    Promise.all([
      ask("lti.put_data", "state_" + config.state, config.state),
      ask("lti.put_data", "nonce_" + config.nonce, config.nonce),
    ]).then(proceed, proceed);
  } else {
    Promise.all([ask("lti.get_data", "state_" + config.state), ask("lti.get_data", "nonce_" + config.nonce)]).then(
      function (values) {
        if (values[0] === config.state && values[1] === config.nonce) {
          document.getElementById("lti-relaunch").submit();
        } else {
          show("lti-storage-mismatch");
        }
      },
      function () { show("lti-storage-failed"); }
    );
  }
})();
