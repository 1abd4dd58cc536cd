// Import pages: a progress bar while the file uploads, then a busy indicator while the server checks or saves.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");

  function busy(form, quiet) {
    var buttons = form.querySelectorAll("button[type=submit]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
    if (quiet) { return; }  // the progress box below says what is happening
    var note = document.createElement("p");
    note.className = "meta directory-busy";
    note.setAttribute("aria-live", "polite");
    note.textContent = form.getAttribute("data-busy-text") || "…";
    form.appendChild(note);
  }

  var upload = document.getElementById("import-form");
  if (upload && box && window.XMLHttpRequest && window.FormData) {
    upload.addEventListener("submit", function (event) {
      var file = upload.querySelector("input[type=file]");
      if (!file || !file.files || !file.files.length) { return; }  // let the server say what is missing
      event.preventDefault();
      var bar = box.querySelector(".progress > span");
      var text = box.querySelector("p");
      var meter = box.querySelector(".progress");
      box.hidden = false;
      busy(upload, true);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round(e.loaded * 100 / e.total);
          bar.style.width = pct + "%";
          meter.setAttribute("aria-valuenow", String(pct));
          text.textContent = pct + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        box.classList.add("busy");
        text.textContent = upload.getAttribute("data-busy-text");
      });
      xhr.addEventListener("load", function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
        history.replaceState(null, "", xhr.responseURL || window.location.href);
      });
      xhr.addEventListener("error", function () { upload.submit(); });
      xhr.send(new FormData(upload));
    });
  }

  var confirm = document.getElementById("confirm-form");
  if (confirm) {
    confirm.addEventListener("submit", function () { busy(confirm); });
  }
})();

// Long multiple pickers (a group's members, a unit's successors): a click picks or drops one unit without Ctrl,
// so that a stray click cannot wipe thirty choices, and the units chosen are listed under the picker.
(function () {
  "use strict";
  var pickers = document.querySelectorAll("select[multiple][data-chosen]");
  for (var i = 0; i < pickers.length; i++) { enhance(pickers[i]); }

  function enhance(select) {
    var note = document.getElementById(select.getAttribute("data-chosen"));
    function update() {
      if (!note) { return; }
      var names = [];
      for (var j = 0; j < select.options.length; j++) {
        if (select.options[j].selected) { names.push(select.options[j].text.trim()); }
      }
      note.textContent = names.length
        ? note.getAttribute("data-some").replace("%(n)s", String(names.length)) + " " + names.join("; ")
        : note.getAttribute("data-none");
    }
    select.addEventListener("mousedown", function (event) {
      var option = event.target;
      if (option.tagName !== "OPTION" || event.shiftKey) { return; }
      event.preventDefault();
      var top = select.scrollTop;
      option.selected = !option.selected;
      select.focus();
      select.scrollTop = top;  // the list stays where the clerk was reading
      update();
    });
    select.addEventListener("change", update);
    update();
  }
})();
