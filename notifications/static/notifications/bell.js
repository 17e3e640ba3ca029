// The unread count on the bell: fetched after the page has loaded and again every minute, so
// that pages render without it (no extra query) and the count stays current while one reads.
(function () {
  "use strict";
  function refresh(bell) {
    fetch(bell.dataset.url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { bell.innerHTML = html; } })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var bell = document.getElementById("notification-bell");
    if (!bell) { return; }
    refresh(bell);
    window.setInterval(function () { if (!document.hidden) { refresh(bell); } }, 60000);
  });
})();
