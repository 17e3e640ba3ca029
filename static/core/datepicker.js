// The calendar beside every Buddhist-Era date input (core.forms.DateInput, marked data-thai-date).
// The input works on its own: this script only adds a button that opens a month calendar, in the
// page's language with BE years, and writes the chosen day as a person would type it (10/05/2566).
// Keys in the calendar: arrows move by a day or a week, Home/End to the week's ends, PageUp/PageDown
// by a month (with Shift by a year), Enter or Space choose, Escape closes.
(function () {
  "use strict";
  var BE = 543;
  var SVG = "http://www.w3.org/2000/svg";
  var open = null; // the picker that is open, if any: {wrapper, close}
  var counter = 0;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function typed(date) { return pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + (date.getFullYear() + BE); }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  function addDays(date, days) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days); }

  function addMonths(date, months) {
    var first = new Date(date.getFullYear(), date.getMonth() + months, 1);
    var last = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
    return new Date(first.getFullYear(), first.getMonth(), Math.min(date.getDate(), last));
  }

  // The date in the input as the server reads it (BE d/m/yyyy or ISO CE), or null.
  function parse(text) {
    var value = (text || "").replace(/[\u0e50-\u0e59]/g, function (d) { return String(d.charCodeAt(0) - 0x0e50); }).replace(/\s/g, "");
    var m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value) || /^(\d{2})(\d{2})(\d{4})$/.exec(value);
    var year, month, day;
    if (m) {
      day = +m[1]; month = +m[2]; year = +m[3] - BE;
    } else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) {
      year = +m[1]; month = +m[2]; day = +m[3];
    } else {
      return null;
    }
    if (year < 1957 || year > 2157) { return null; }
    var date = new Date(year, month - 1, day);
    return date.getMonth() === month - 1 && date.getDate() === day ? date : null;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function icon() {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("fill", "currentColor");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M14 0H2a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V2a2 2 0 0 0-2-2M1 3.857C1 3.384 1.448 3 2 3h12c.552 0 1 .384 1 .857v10.286c0 .473-.448.857-1 .857H2c-.552 0-1-.384-1-.857z M6.5 7a1 1 0 1 0 0-2 1 1 0 0 0 0 2m3 0a1 1 0 1 0 0-2 1 1 0 0 0 0 2m3 0a1 1 0 1 0 0-2 1 1 0 0 0 0 2m-9 3a1 1 0 1 0 0-2 1 1 0 0 0 0 2m3 0a1 1 0 1 0 0-2 1 1 0 0 0 0 2m3 0a1 1 0 1 0 0-2 1 1 0 0 0 0 2m3 0a1 1 0 1 0 0-2 1 1 0 0 0 0 2m-9 3a1 1 0 1 0 0-2 1 1 0 0 0 0 2m3 0a1 1 0 1 0 0-2 1 1 0 0 0 0 2m3 0a1 1 0 1 0 0-2 1 1 0 0 0 0 2");
    svg.appendChild(path);
    return svg;
  }

  function enhance(input) {
    if (input.dataset.pickerReady) { return; }
    input.dataset.pickerReady = "true";
    var labels;
    try { labels = JSON.parse(input.dataset.picker || "{}"); } catch (error) { return; }
    var id = (input.id || "thai-date-" + (++counter)) + "-picker";
    var small = input.classList.contains("form-control-sm");

    var wrapper = element("div", "position-relative");
    var group = element("div", "input-group flex-nowrap");
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(group);
    group.appendChild(input);
    var button = element("button", "btn btn-outline-secondary" + (small ? " btn-sm" : ""));
    button.type = "button";
    // "Choose a date: Start", so that each field's button says which field it fills.
    var label = input.id ? document.querySelector('label[for="' + CSS.escape(input.id) + '"]') : null;
    var name = label ? label.textContent.replace("*", "").trim() : "";
    button.title = labels.open;
    button.setAttribute("aria-label", name ? labels.open + ": " + name : labels.open);
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", id);
    button.appendChild(icon());
    group.appendChild(button);
    // Bootstrap shows a field's error only beside its input, so the error moves into the group.
    var next = wrapper.nextElementSibling;
    while (next && next.classList.contains("invalid-feedback")) {
      var after = next.nextElementSibling;
      group.appendChild(next);
      group.classList.add("has-validation");
      group.classList.remove("flex-nowrap");
      next = after;
    }

    // Not a .dropdown-menu: Bootstrap's dropdown keys would claim the arrows and Escape.
    var dialog = element("div", "d-none position-absolute top-100 start-0 mt-1 p-2 bg-body border rounded shadow");
    dialog.id = id;
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-label", labels.open);
    dialog.style.zIndex = "1000"; // above the fields below it, as a dropdown is
    wrapper.appendChild(dialog);

    var shown = null; // the month on display (its first day)
    var focus = null; // the day that takes the keyboard
    var selected = null;

    function navButton(text, label, months) {
      var nav = element("button", "btn btn-sm btn-outline-secondary px-2", text);
      nav.type = "button";
      nav.title = label;
      nav.setAttribute("aria-label", label);
      nav.addEventListener("click", function () {
        focus = addMonths(focus, months);
        render(false);
      });
      return nav;
    }

    // The calendar's frame is built once; render() redraws the title and the days.
    var title = element("div", "flex-grow-1 text-center fw-semibold text-nowrap px-1");
    title.id = id + "-title";
    title.setAttribute("aria-live", "polite");
    var header = element("div", "d-flex align-items-center gap-1 mb-2");
    header.appendChild(navButton("«", labels.previousYear, -12));
    header.appendChild(navButton("‹", labels.previousMonth, -1));
    header.appendChild(title);
    header.appendChild(navButton("›", labels.nextMonth, 1));
    header.appendChild(navButton("»", labels.nextYear, 12));
    var table = element("table", "table table-sm table-borderless text-center mb-1");
    table.setAttribute("role", "grid");
    table.setAttribute("aria-labelledby", title.id);
    var head = element("tr");
    labels.weekdays.forEach(function (name) {
      var th = element("th", "small fw-normal text-body-secondary p-0", name);
      th.scope = "col";
      head.appendChild(th);
    });
    table.appendChild(element("thead")).appendChild(head);
    var body = table.appendChild(element("tbody"));
    var footer = element("div", "d-flex justify-content-between gap-2");
    var todayButton = element("button", "btn btn-sm btn-link px-1", labels.today);
    todayButton.type = "button";
    todayButton.addEventListener("click", function () { choose(new Date()); });
    var closeButton = element("button", "btn btn-sm btn-outline-secondary", labels.close);
    closeButton.type = "button";
    closeButton.addEventListener("click", function () { close(true); });
    footer.appendChild(todayButton);
    footer.appendChild(closeButton);
    dialog.appendChild(header);
    dialog.appendChild(table);
    dialog.appendChild(footer);

    function render(moveFocus) {
      shown = new Date(focus.getFullYear(), focus.getMonth(), 1);
      var today = new Date();
      var monthName = labels.months[shown.getMonth()];
      title.textContent = fill(labels.title, { month: monthName, year: shown.getFullYear() + BE });
      body.textContent = "";
      var day = addDays(shown, -shown.getDay());
      var focusButton = null;
      while (day.getMonth() === shown.getMonth() || day < shown) {
        var row = element("tr");
        for (var i = 0; i < 7; i += 1) {
          var cell = element("td", "p-0");
          if (day.getMonth() === shown.getMonth()) {
            var kind = sameDay(day, selected) ? "btn-primary" : sameDay(day, today) ? "btn-outline-primary" : "btn-light";
            var pick = element("button", "btn btn-sm w-100 px-2 py-2 " + kind, String(day.getDate()));
            pick.type = "button";
            pick.tabIndex = sameDay(day, focus) ? 0 : -1;
            pick.dataset.date = typed(day);
            pick.setAttribute("aria-label", fill(labels.day, { day: day.getDate(), month: monthName, year: day.getFullYear() + BE }));
            cell.setAttribute("role", "gridcell");
            cell.setAttribute("aria-selected", sameDay(day, selected) ? "true" : "false");
            if (sameDay(day, today)) { pick.setAttribute("aria-current", "date"); }
            if (sameDay(day, focus)) { focusButton = pick; }
            cell.appendChild(pick);
          }
          row.appendChild(cell);
          day = addDays(day, 1);
        }
        body.appendChild(row);
      }
      if (moveFocus && focusButton) { focusButton.focus(); }
    }

    function place() {
      dialog.style.left = "";
      var rect = dialog.getBoundingClientRect();
      var room = document.documentElement.clientWidth - 8;
      if (rect.right > room) {
        dialog.style.left = Math.max(rect.left - (rect.right - room), 8) - wrapper.getBoundingClientRect().left + "px";
      }
    }

    function show() {
      if (open) { open.close(false); }
      selected = parse(input.value);
      focus = selected || new Date();
      dialog.classList.remove("d-none");
      button.setAttribute("aria-expanded", "true");
      render(true);
      place();
      open = { wrapper: wrapper, close: close };
    }

    function close(returnFocus) {
      dialog.classList.add("d-none");
      button.setAttribute("aria-expanded", "false");
      if (open && open.wrapper === wrapper) { open = null; }
      if (returnFocus) { button.focus(); }
    }

    function choose(date) {
      input.value = typed(date);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close(false);
      input.focus();
    }

    // What the server reads is shown as it will be kept: 10052566 or 1.5.2566 becomes 10/05/2566.
    input.addEventListener("change", function () {
      var date = parse(input.value);
      if (date && input.value !== typed(date)) { input.value = typed(date); }
    });

    button.disabled = input.disabled || input.readOnly;
    button.addEventListener("click", function () {
      if (dialog.classList.contains("d-none")) { show(); } else { close(true); }
    });

    dialog.addEventListener("click", function (event) {
      var pick = event.target.closest("button[data-date]");
      if (pick) { choose(parse(pick.dataset.date)); }
    });

    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close(true);
        return;
      }
      if (!event.target.matches("button[data-date]")) { return; }
      var moves = {
        ArrowLeft: function () { return addDays(focus, -1); },
        ArrowRight: function () { return addDays(focus, 1); },
        ArrowUp: function () { return addDays(focus, -7); },
        ArrowDown: function () { return addDays(focus, 7); },
        Home: function () { return addDays(focus, -focus.getDay()); },
        End: function () { return addDays(focus, 6 - focus.getDay()); },
        PageUp: function () { return addMonths(focus, event.shiftKey ? -12 : -1); },
        PageDown: function () { return addMonths(focus, event.shiftKey ? 12 : 1); },
      };
      if (!moves[event.key]) { return; }
      event.preventDefault();
      focus = moves[event.key]();
      render(true);
    });
  }

  function scan(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("input[data-thai-date]").forEach(enhance);
    if (root.matches && root.matches("input[data-thai-date]")) { enhance(root); }
  }

  // A click or a focus outside the open picker closes it.
  function outside(event) {
    if (open && !open.wrapper.contains(event.target)) { open.close(false); }
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.detail.elt); });
  document.addEventListener("mousedown", outside);
  document.addEventListener("focusin", outside);
})();
