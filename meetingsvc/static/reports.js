// The reports page: show only the period fields the chosen kind uses, copy the generated text, print, and
// download exports with a busy indicator and their progress, that stops, with a message, when the file fails.
(function () {
  "use strict";

  // Period fields: without JavaScript every field shows and the server uses the ones the kind needs.
  var kind = document.getElementById("period");
  if (kind) {
    var fields = document.querySelectorAll("#reports-form [data-kinds]");
    var showFor = function () {
      fields.forEach(function (field) {
        var used = field.getAttribute("data-kinds").split(" ").indexOf(kind.value) !== -1;
        field.hidden = !used;
        field.querySelectorAll("input, select").forEach(function (input) { input.disabled = !used; });
      });
    };
    kind.addEventListener("change", showFor);
    showFor();
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = document.getElementById(button.getAttribute("data-copy"));
      var done = function () {
        var note = button.nextElementSibling;
        if (note) { note.hidden = false; setTimeout(function () { note.hidden = true; }, 2000); }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(area.value).then(done, function () { area.select(); document.execCommand("copy"); done(); });
      } else {
        area.focus(); area.select(); document.execCommand("copy"); done();
      }
    });
  });
  var print = document.getElementById("reports-print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }

  // Exports: fetched, so that a failure is told instead of an endless spinner; the link still works without JS.
  // While a file is made the indicator shows how long it has taken; the meeting list (CSV), streamed row by row,
  // shows how many of its meetings have arrived (a determinate bar), the XLSX a running bar until it comes.
  var busy = document.getElementById("reports-busy");
  var failed = document.getElementById("reports-export-error");
  var bar = document.getElementById("reports-progress");
  var told = document.getElementById("reports-progress-text");
  var links = document.querySelectorAll("a[data-download]");
  var numbers = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || "vi") : null;
  var show = function (n) { return numbers ? numbers.format(n) : String(n); };
  var timer = null;
  var setBusy = function (on) {
    busy.hidden = !on;
    links.forEach(function (a) { if (on) { a.setAttribute("aria-disabled", "true"); } else { a.removeAttribute("aria-disabled"); } });
    if (timer) { clearInterval(timer); timer = null; }
    if (on) {
      var started = Date.now();
      bar.removeAttribute("value");  // indeterminate until rows are counted
      told.textContent = told.getAttribute("data-elapsed").replace("SECONDS", "0");
      timer = setInterval(function () {
        if (!bar.hasAttribute("value")) {
          told.textContent = told.getAttribute("data-elapsed").replace("SECONDS", show(Math.round((Date.now() - started) / 1000)));
        }
      }, 1000);
    }
  };
  var fileName = function (response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
    return match ? decodeURIComponent(match[1]) : fallback;
  };
  // The body as a Blob; with `expected` rows, counted as the lines arrive (the first line is the header).
  var readBody = function (response, expected) {
    if (!expected || !response.body || !response.body.getReader) { return response.blob(); }
    var reader = response.body.getReader();
    var parts = [];
    var lines = 0;
    bar.max = expected;
    var pump = function () {
      return reader.read().then(function (step) {
        if (step.done) { return new Blob(parts, { type: response.headers.get("Content-Type") || "" }); }
        parts.push(step.value);
        for (var i = 0; i < step.value.length; i++) { if (step.value[i] === 10) { lines++; } }
        var rows = Math.min(Math.max(lines - 1, 0), expected);
        bar.value = rows;
        told.textContent = told.getAttribute("data-rows").replace("DONE", show(rows)).replace("TOTAL", show(expected));
        return pump();
      });
    };
    return pump();
  };
  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.URL || !URL.createObjectURL) { return; }
      event.preventDefault();
      if (link.getAttribute("aria-disabled") === "true") { return; }
      failed.hidden = true;
      setBusy(true);
      fetch(link.href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) {
          var refused = new Error(failed.getAttribute("data-message").replace("STATUS", response.status));
          refused.told = true;
          throw refused;
        }
        var name = fileName(response, link.pathname.split("/").pop());
        return readBody(response, parseInt(link.getAttribute("data-rows") || "0", 10)).then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = document.createElement("a");
          a.href = url;
          a.download = name;
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        });
      }).catch(function (error) {
        failed.textContent = error && error.told ? error.message : failed.getAttribute("data-offline");
        failed.hidden = false;
      }).then(function () { setBusy(false); });
    });
  });
})();
