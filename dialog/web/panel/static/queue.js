// The queue page: rows open their ticket, the queue filter applies at
// once, and the list refreshes itself when tickets change.
(function () {
  "use strict";
  var box = document.getElementById("queue-list");
  if (!box || !window.firstline) { return; }

  var timer = null, loading = false, again = false;

  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    firstline.fetchHTML(box.getAttribute("data-list-url")).then(function (html) {
      // The fragment is the server's own escaped HTML, from this origin.
      box.innerHTML = html;
      firstline.refresh(box);
    }).catch(function () { /* the next event or the periodic refresh tries again */ }).finally(function () {
      loading = false;
      if (again) { again = false; schedule(); }
    });
  }

  // schedule refreshes once after a burst of events settles.
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  // Rows only change with ticket changes; a message event with a ticket
  // comes with its ticket event when it changes the ticket, but refreshing
  // on it too keeps the list right if an event was dropped.
  firstline.listen(function (kind, data) {
    if (kind === "ticket" || data.ticket) { schedule(); }
  }, schedule);

  // A safety net for a silently broken stream: refresh now and then while
  // the page is in view.
  setInterval(function () {
    if (document.visibilityState === "visible") { schedule(); }
  }, 60000);

  box.addEventListener("click", function (e) {
    if (e.target.closest("a, button, input, select, textarea")) { return; }
    if (String(window.getSelection()).length > 0) { return; } // selecting text, not opening
    var row = e.target.closest("tr[data-href]");
    if (!row) { return; }
    if (e.ctrlKey || e.metaKey) {
      window.open(row.getAttribute("data-href"));
    } else {
      location.href = row.getAttribute("data-href");
    }
  });

  var filters = document.getElementById("filters");
  if (filters) {
    filters.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { filters.requestSubmit(); });
    });
  }
})();
