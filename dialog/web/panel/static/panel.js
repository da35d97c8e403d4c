// Shared by every panel page: local times, ages and SLA countdowns that
// tick every second, confirmations, and the live event stream the queue
// and ticket pages listen to. Everything shown is set as text, never HTML.
(function () {
  "use strict";

  var texts = {};
  try {
    texts = JSON.parse(document.getElementById("panel-texts").textContent);
  } catch (e) { /* the page still works, with untranslated units */ }
  var lang = document.documentElement.lang || "en";
  var soonMs = 15 * 60 * 1000; // matches soonWithin in templates.go

  function text(key, fallback) {
    return texts[key] || fallback;
  }

  function unit(n, u) {
    return n + text("unit." + u, u);
  }

  // formatDuration writes ms in its two largest units, as the server does
  // (formatDuration in templates.go).
  function formatDuration(ms, seconds) {
    var s = Math.floor(ms / 1000);
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    if (d > 0) { return unit(d, "d") + " " + unit(h, "h"); }
    if (h > 0) { return unit(h, "h") + " " + unit(m, "m"); }
    if (!seconds) { return unit(m, "m"); }
    if (m > 0) { return unit(m, "m") + " " + unit(sec, "s"); }
    return unit(sec, "s");
  }

  // tick updates every countdown (data-due) and age (data-since).
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var left = due - now;
      if (left < 0) {
        el.textContent = text("sla.overdue", "overdue %s").replace("%s", formatDuration(-left, -left < 60000));
      } else {
        el.textContent = formatDuration(left, left < 3600000);
      }
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("soon", left >= 0 && left < soonMs);
    });
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-since"));
      if (!isNaN(since)) { el.textContent = formatDuration(Math.max(0, now - since), true); }
    });
  }

  // localTimes shows <time datetime> in the reader's time zone: the time
  // alone for today, with the date otherwise.
  function localTimes(root) {
    (root || document).querySelectorAll("time[datetime]").forEach(function (el) {
      var t = new Date(el.getAttribute("datetime"));
      if (isNaN(t.getTime())) { return; }
      var today = t.toDateString() === new Date().toDateString();
      var opts = today ? { hour: "2-digit", minute: "2-digit" }
        : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
      el.textContent = t.toLocaleString(lang, opts);
      el.title = t.toLocaleString(lang);
    });
  }

  // refresh brings freshly inserted HTML up to date.
  function refresh(root) {
    localTimes(root);
    tick();
  }

  // The live event stream: one per page, shared by the page's own script
  // (listen) and the notifications (see below), opened by whichever asks
  // first.
  var handlers = [], reconnects = [], streaming = false, pageLive = false;

  // listen has onEvent(kind, data) called for each event of the stream.
  // Each time the stream opens (the first time too: the page was rendered
  // a moment before) it calls onReconnect, so that whatever happened
  // meanwhile is fetched. The server subscribes before it answers, so
  // nothing after "open" can be missed. The header shows whether the
  // stream is live.
  function listen(onEvent, onReconnect) {
    pageLive = true;
    handlers.push(onEvent);
    reconnects.push(onReconnect);
    stream();
  }

  // stream opens the live event stream once.
  function stream() {
    if (streaming || !window.EventSource) { return; }
    streaming = true;
    var live = document.getElementById("live");
    function status(ok) {
      if (!live || !pageLive) { return; }
      live.hidden = false;
      live.textContent = ok ? text("queue.live", "Live") : text("queue.offline", "…");
      live.classList.toggle("offline", !ok);
    }
    function open() {
      var es = new EventSource("/panel/events");
      es.addEventListener("open", function () {
        status(true);
        reconnects.forEach(function (f) { f(); });
      });
      es.addEventListener("error", function () {
        status(false);
        // The browser retries a dropped stream by itself, but gives up
        // after a refused one (a restart, an expired session). Try again
        // later; a page that lost its session goes to the login page.
        if (es.readyState === EventSource.CLOSED) {
          setTimeout(function () {
            fetchHTML("/panel/queue/list").then(open, open);
          }, 5000);
        }
      });
      ["ticket", "message"].forEach(function (kind) {
        es.addEventListener(kind, function (e) {
          var data;
          try { data = JSON.parse(e.data); } catch (x) { return; }
          handlers.forEach(function (f) { f(kind, data); });
        });
      });
    }
    open();
  }

  // fetchHTML gets a page fragment; a lost session (a redirect to the login
  // page) reloads the page, which then shows the login.
  function fetchHTML(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
      if (r.redirected || r.status === 401) {
        location.reload();
        throw new Error("logged out");
      }
      if (!r.ok) { throw new Error("status " + r.status); }
      return r.text();
    });
  }

  // Forms with data-confirm ask first; every form is sent once, however
  // often its button is clicked.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.getAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
      return;
    }
    if (form.method.toLowerCase() === "post") {
      if (form.dataset.sending) { e.preventDefault(); return; }
      form.dataset.sending = "1";
    }
  });

  // A page restored from the back-forward cache may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (f) { delete f.dataset.sending; });
  });

  // "/" jumps to the search box, when there is one and nothing is being typed.
  document.addEventListener("keydown", function (e) {
    var search = document.getElementById("search");
    if (e.key !== "/" || !search || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]")) { return; }
    e.preventDefault();
    search.focus();
    search.select();
  });

  // Browser notifications, on or off per browser (localStorage), for what
  // the server marks as news for this agent (the event's notify): a new
  // ticket in their queue, the customer writing on their ticket. Every
  // open tab gets the event; the notification's tag makes the browser
  // show one of them. While the tab is hidden its title counts them.
  var notifyKey = "firstline.notifications";
  var unread = 0, baseTitle = document.title;

  function notifyState() {
    if (!("Notification" in window)) { return "unsupported"; }
    if (Notification.permission === "denied") { return "blocked"; }
    var on = false;
    try { on = localStorage.getItem(notifyKey) === "on"; } catch (e) { /* storage off: never on */ }
    return on && Notification.permission === "granted" ? "on" : "off";
  }

  function setNotify(on) {
    try { localStorage.setItem(notifyKey, on ? "on" : "off"); } catch (e) { /* stays off */ }
  }

  function renderNotify() {
    var button = document.getElementById("notify");
    if (!button) { return; }
    var state = notifyState();
    button.hidden = state === "unsupported";
    button.setAttribute("data-state", state);
    button.setAttribute("aria-pressed", state === "on" ? "true" : "false");
    button.textContent = text("notify." + state, state);
    button.title = text("notify." + state + ".hint", "");
    if (state === "on") { stream(); }
  }

  function showUnread() {
    document.title = unread > 0 ? "(" + unread + ") " + baseTitle : baseTitle;
  }

  function notify(kind, data) {
    var n = data.notify;
    if (!n || notifyState() !== "on") { return; }
    var title = text(n.kind === "ticket" ? "notify.ticket" : "notify.reply", "%s").replace("%s", n.ticket);
    var who = n.customer || text("notify.customer", "Customer");
    var words = n.preview || (n.kind === "reply" ? text("notify.nowords", "") : "");
    var body = who + " · " + n.queue + (words ? "\n" + words : "");
    try {
      var note = new Notification(title, { body: body, tag: "firstline:" + n.kind + ":" + n.ticket, lang: lang });
      note.addEventListener("click", function () {
        window.focus();
        note.close();
        location.href = "/panel/tickets/" + encodeURIComponent(n.ticket);
      });
    } catch (e) { /* a browser that shows notifications only from a service worker */ }
    if (document.hidden) {
      unread++;
      showUnread();
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && unread > 0) {
      unread = 0;
      showUnread();
    }
  });

  // Another tab turned notifications on or off.
  window.addEventListener("storage", function (e) {
    if (e.key === notifyKey) { renderNotify(); }
  });

  // The browser asks for permission only on a click.
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest("#notify")) { return; }
    var state = notifyState();
    if (state === "on") {
      setNotify(false);
      renderNotify();
      return;
    }
    if (state !== "off") { return; }
    var done = function (permission) {
      setNotify(permission === "granted");
      renderNotify();
    };
    var asked = Notification.requestPermission(done); // older browsers call back
    if (asked && asked.then) { asked.then(done); }
  });

  handlers.push(notify);

  window.firstline = { listen: listen, refresh: refresh, fetchHTML: fetchHTML };

  document.addEventListener("DOMContentLoaded", function () {
    refresh(document);
    setInterval(tick, 1000);
    baseTitle = document.title;
    renderNotify();
  });
})();
