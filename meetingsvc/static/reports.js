// The reports page: copy the generated text, print, and a busy indicator while an export is being built.
(function () {
  "use strict";
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

  // The server answers a download with the cookie reports_download=<token>: until then the page shows it is busy.
  var busy = document.getElementById("reports-busy");
  document.querySelectorAll("a[data-download]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var token = Math.random().toString(36).slice(2, 12);
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("token", token);
      busy.hidden = false;
      document.querySelectorAll("a[data-download]").forEach(function (a) { a.setAttribute("aria-disabled", "true"); });
      var started = Date.now();
      var timer = setInterval(function () {
        if (document.cookie.indexOf("reports_download=" + token) !== -1 || Date.now() - started > 600000) {
          clearInterval(timer);
          busy.hidden = true;
          document.querySelectorAll("a[data-download]").forEach(function (a) { a.removeAttribute("aria-disabled"); });
        }
      }, 400);
      window.location.href = url.toString();
    });
  });
})();
