// Date inputs (input[data-date]): typed as dd/mm/yyyy, or picked from a calendar beside them.
// The calendar is flatpickr (static/vendor/flatpickr), kept on a hidden twin so that the visible input stays
// the clerk's: what was typed is never rewritten or cleared, and the server names what is wrong with it.
(function () {
  "use strict";
  if (!window.flatpickr) { return; }
  var vi = document.documentElement.lang === "vi";

  function day(y, m, d) {
    var dt = new Date(y, m - 1, d);
    return dt.getFullYear() === y && dt.getMonth() === m - 1 && dt.getDate() === d ? dt : undefined;
  }
  function parse(text) {
    var t = (text || "").trim(), m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(t);
    if (m) { return day(+m[3], +m[2], +m[1]); }
    m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
    return m ? day(+m[1], +m[2], +m[3]) : undefined;
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }

  document.querySelectorAll("input[data-date]").forEach(function (input) {
    var twin = document.createElement("input");
    twin.type = "text";
    twin.hidden = true;
    twin.tabIndex = -1;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-pick";
    button.title = vi ? "Chọn ngày trên lịch" : "Pick a date on the calendar";
    button.setAttribute("aria-label", button.title);
    button.innerHTML = '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><rect x="1.5" y="3" width="13" height="11.5" rx="1.5" fill="none" stroke="currentColor"/><path d="M1.5 6.5h13M5 1.5v3M11 1.5v3" stroke="currentColor"/></svg>';
    var wrap = document.createElement("span");
    wrap.className = "date-input";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(button);
    wrap.appendChild(twin);

    var picker = window.flatpickr(twin, {
      locale: vi && window.flatpickr.l10ns.vn ? "vn" : { firstDayOfWeek: 1 },
      dateFormat: "d/m/Y",
      disableMobile: true,
      clickOpens: false,
      positionElement: input,
      onChange: function (dates) {
        var d = dates[0];
        if (!d) { return; }
        input.value = two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear();
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      }
    });
    button.addEventListener("click", function () {
      var current = parse(input.value);
      if (current) { picker.setDate(current, false); } else { picker.clear(false); }
      picker.open();
    });
  });
})();
