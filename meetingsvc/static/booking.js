/* Booking form: search people and units by name (with or without accents) and pick them as chips.
   No framework: each .lookup block has data-lookup (the JSON URL) and data-name (the posted field). */
(function () {
  "use strict";

  function text(item) { return item.detail ? item.label + " — " + item.detail : item.label; }

  function chip(list, name, id, label, single) {
    if (single) { list.innerHTML = ""; }
    if (list.querySelector('input[value="' + id + '"]')) { return; }
    var li = document.createElement("li");
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = name; hidden.value = id;
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "chip-remove"; remove.textContent = "×";
    remove.setAttribute("aria-label", "×");
    li.appendChild(hidden);
    li.appendChild(document.createTextNode(label + " "));
    li.appendChild(remove);
    list.appendChild(li);
  }

  function setup(block) {
    var url = block.dataset.lookup, name = block.dataset.name, single = !!block.dataset.single;
    /* Units are looked up as they are on the meeting's date (the server falls back to today without one). */
    var dateInput = block.dataset.dateField ? document.getElementById(block.dataset.dateField) : null;
    var input = block.querySelector("input[type=search]");
    var chips = block.querySelector(".chips");
    var box = block.querySelector(".suggestions");
    var timer = null, active = -1, items = [];

    function close() { box.hidden = true; box.innerHTML = ""; active = -1; items = []; }
    function pick(item) {
      if (item.units) {  /* a saved group: each of its units valid on the meeting's day */
        item.units.forEach(function (unit) { chip(chips, name, unit.id, unit.label, false); });
      } else {
        chip(chips, name, item.id, text(item), single);
      }
      input.value = ""; close(); input.focus();
    }
    function highlight() {
      Array.prototype.forEach.call(box.children, function (li, i) { li.classList.toggle("active", i === active); });
    }
    function show(results) {
      box.innerHTML = ""; items = results; active = results.length ? 0 : -1;
      results.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = text(item);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(item); });
        box.appendChild(li);
      });
      box.hidden = !results.length;
      highlight();
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        var query = (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q) + (dateInput && dateInput.value ? "&date=" + encodeURIComponent(dateInput.value) : "");
        fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (results) { if (input.value.trim() === q) { show(results); } })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); }  /* Enter picks a name; it never submits the form */
      if (box.hidden) { return; }
      if (e.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); highlight(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, 0); highlight(); e.preventDefault(); }
      else if (e.key === "Enter") { if (active >= 0) { pick(items[active]); } }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    chips.addEventListener("click", function (e) {
      if (e.target.classList.contains("chip-remove")) { e.target.parentNode.remove(); }
    });
  }

  document.querySelectorAll(".lookup[data-lookup]").forEach(setup);

  /* Choosing a session of the day clears typed times (they would win), and typing a time clears the session. */
  var part = document.getElementById("day_part"), start = document.getElementById("start"), end = document.getElementById("end");
  if (part && start && end) {
    part.addEventListener("change", function () { if (part.value) { start.value = ""; end.value = ""; } });
    [start, end].forEach(function (f) { f.addEventListener("input", function () { if (f.value) { part.value = ""; } }); });
  }
})();
