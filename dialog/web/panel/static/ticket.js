// The ticket page: new transcript entries appear as they are written, the
// summary follows changes of the ticket, and the reply box takes canned
// replies by click or by /shortcut.
(function () {
  "use strict";
  var root = document.getElementById("ticket");
  if (!root || !window.firstline) { return; }
  var number = root.getAttribute("data-number");
  var conversation = Number(root.getAttribute("data-conversation"));
  var list = document.getElementById("transcript");
  var composer = document.getElementById("composer");
  var text = document.getElementById("reply-text");

  function lastID() {
    var items = list.querySelectorAll("li[data-id]");
    return items.length ? Number(items[items.length - 1].getAttribute("data-id")) : 0;
  }

  function nearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollDown() {
    list.scrollTop = list.scrollHeight;
  }

  // parse turns the server's own escaped HTML into nodes without running
  // anything in it.
  function parse(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  }

  var loading = false, again = false;
  function fetchTranscript() {
    if (loading) { again = true; return; }
    loading = true;
    firstline.fetchHTML(root.getAttribute("data-transcript-url") + "?after=" + lastID()).then(function (html) {
      var stick = nearBottom();
      parse(html).querySelectorAll("li[data-id]").forEach(function (li) {
        if (!document.getElementById(li.id)) { list.appendChild(li); }
      });
      firstline.refresh(list);
      if (stick) { scrollDown(); }
    }).catch(function () {}).finally(function () {
      loading = false;
      if (again) { again = false; fetchTranscript(); }
    });
  }

  // typed reports whether the agent has written anything on the page that
  // a reload would lose.
  function typed() {
    return Array.prototype.some.call(root.querySelectorAll("textarea, input[type=text]"), function (el) {
      // What the page filled in itself is not the agent's writing.
      if (el.hasAttribute("data-prefill") && el.value === el.defaultValue) { return false; }
      return el.value.trim() !== "";
    });
  }

  // refreshSummary follows a change of the ticket: a new version reloads
  // the page when nothing typed would be lost; otherwise the summary is
  // swapped and a notice says the forms are from before the change.
  function refreshSummary() {
    firstline.fetchHTML("/panel/tickets/" + encodeURIComponent(number)).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("summary");
      var old = document.getElementById("summary");
      if (!fresh || !old) { return; }
      var changed = fresh.getAttribute("data-version") !== old.getAttribute("data-version");
      if (!changed) { return; } // nothing new: keep the nodes the agent may be using
      if (!typed()) {
        location.reload();
        return;
      }
      old.replaceWith(document.adoptNode(fresh));
      firstline.refresh(fresh);
      document.getElementById("changed").hidden = false;
    }).catch(function (e) {
      // The ticket left the agent's sight (transferred to a queue they do
      // not work): reload to say so, unless that would lose what they typed.
      if (e && e.message === "status 404") {
        if (!typed()) {
          location.reload();
          return;
        }
        document.getElementById("changed").hidden = false;
      }
    });
  }

  // Picking a field the knowledge base asks for fills in its question,
  // in the customer's language.
  var fieldName = document.getElementById("ask-field-name");
  var fieldQuestion = document.getElementById("ask-field-question");
  if (fieldName && fieldQuestion) {
    fieldName.addEventListener("input", function () {
      document.querySelectorAll("#ask-field-names option").forEach(function (o) {
        if (o.value === fieldName.value) { fieldQuestion.value = o.getAttribute("data-ask"); }
      });
    });
  }

  firstline.listen(function (kind, data) {
    if (kind === "message" && data.conversation === conversation) { fetchTranscript(); }
    if (kind === "ticket" && data.ticket === number) { refreshSummary(); }
    // An event naming nothing asks every view to read again (the server
    // may have missed events while its database connection was down).
    if (kind === "ticket" && !data.ticket && !data.conversation) {
      fetchTranscript();
      refreshSummary();
    }
  }, function () {
    fetchTranscript();
    refreshSummary();
  });

  scrollDown();

  if (!text || !composer) { return; }

  var canned = Object.create(null);
  document.querySelectorAll(".canned-item").forEach(function (b) {
    canned[b.getAttribute("data-shortcut")] = b.getAttribute("data-text");
    b.addEventListener("click", function () {
      text.setRangeText(b.getAttribute("data-text"), text.selectionStart, text.selectionEnd, "end");
      text.focus();
    });
  });

  text.addEventListener("keydown", function (e) {
    var plain = !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey;
    // "/shortcut" then Tab or Space becomes the canned reply.
    if ((e.key === "Tab" || e.key === " ") && plain && text.selectionStart === text.selectionEnd) {
      var pos = text.selectionStart;
      var m = /(^|\s)\/([a-z0-9_]+)$/.exec(text.value.slice(0, pos));
      if (m && canned[m[2]] !== undefined) {
        e.preventDefault();
        text.setRangeText(canned[m[2]], pos - m[2].length - 1, pos, "end");
      }
      return;
    }
    // Ctrl+Enter (Cmd+Enter on a Mac) sends: the reply when there is one,
    // else the note.
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      var button = document.getElementById("send-reply") || composer.querySelector("button[type=submit]");
      composer.requestSubmit(button);
    }
  });

  // While the agent writes a reply, the customer sees "is typing": a
  // signal at most every typingEvery ms, while there is text, and none
  // once the form is sent. Failures are ignored: it is only a courtesy.
  var typingEvery = 3000, lastTyping = 0, sending = false;
  function signalTyping() {
    var now = Date.now();
    if (sending || text.value.trim() === "" || now - lastTyping < typingEvery) { return; }
    lastTyping = now;
    fetch("/panel/tickets/" + encodeURIComponent(number) + "/typing", { method: "POST", credentials: "same-origin" }).catch(function () {});
  }
  if (document.getElementById("send-reply")) {
    text.addEventListener("input", signalTyping);
    composer.addEventListener("submit", function () { sending = true; });
  }
  // Sending a reply that starts with "/shortcut" sends the canned reply,
  // as Tab would have made it (the server does the same for any client).
  composer.addEventListener("submit", function (e) {
    var sendReply = document.getElementById("send-reply");
    if (!sendReply || e.submitter !== sendReply) { return; }
    var m = /^(\s*)\/([a-z0-9_]+)(?=\s|$)/.exec(text.value);
    if (m && canned[m[2]] !== undefined) {
      text.value = canned[m[2]] + text.value.slice(m[0].length);
    }
  });

  if (document.getElementById("action-error")) { text.focus(); }
})();
