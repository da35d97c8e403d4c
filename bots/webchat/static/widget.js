// firstline web chat widget. A company's site includes it with
//
//   <script src="https://support.example.com/widget.js" async></script>
//
// and gets a launcher bubble that opens the chat in a panel. The chat
// itself is this server's page in an iframe, so the conversation lives in
// this server's origin and follows the visitor across the site's pages.
// The script tag's data- attributes set it up:
//
//   data-position  "right" (default) or "left": the corner of the bubble
//   data-color     "#2563eb": the bubble's and the chat's colour
//   data-lang      "ru" or "en": the chat's title, labels and own texts (default: the
//                  page's <html lang> if it is one of them)
//   data-title     the panel's title (default: the one the server gives)
//   data-launcher  "false" hides the bubble: the site opens the chat from
//                  its own button with the API below
//
// The API, callable before the script has loaded as well:
//
//   window.Firstline = window.Firstline || function () { (Firstline.q = Firstline.q || []).push(arguments); };
//   Firstline("open"); Firstline("close"); Firstline("toggle");
//   Firstline("onUnread", function (n) { ... }); // replies not seen yet
//
// and, once loaded, Firstline.open(), .close(), .toggle(), .isOpen(),
// .unread() and .onUnread(fn), which returns a function that stops the
// calls.
(function () {
  "use strict";
  if (document.getElementById("firstline-chat")) { return; } // included twice
  var script = document.currentScript || document.querySelector('script[src$="/widget.js"]');
  if (!script) { return; }
  var base = new URL("./", script.src);
  var server = base.origin;
  var data = script.dataset;

  var position = data.position === "left" ? "left" : "right";
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#2563eb";
  var lang = data.lang || (document.documentElement.lang || "").slice(0, 2).toLowerCase();
  if (lang !== "ru" && lang !== "en") { lang = ""; }
  var launcher = data.launcher !== "false";
  var labels = {
    ru: { open: "Открыть чат", close: "Закрыть чат", chat: "Чат поддержки" },
    en: { open: "Open the chat", close: "Close the chat", chat: "Support chat" },
    "": { open: "Открыть чат · Open the chat", close: "Закрыть чат · Close the chat", chat: "Чат поддержки · Support chat" }
  }[lang];

  var stateKey = "firstline.open";
  var isOpen = false;
  try { isOpen = sessionStorage.getItem(stateKey) === "1"; } catch (e) { /* storage off: start closed */ }
  var ready = false;
  var unread = 0;
  var listeners = [];

  var host = document.createElement("div");
  host.id = "firstline-chat";
  host.style.display = "none"; // until the chat says it loaded: a site not allowed to frame it shows nothing
  var root = host.attachShadow({ mode: "open" });
  var side = position + ": 20px;";
  root.innerHTML =
    "<style>" +
    ":host { all: initial; }" +
    "* { box-sizing: border-box; }" +
    ".bubble { position: fixed; bottom: 20px; " + side + " z-index: 2147483000; width: 60px; height: 60px; border: 0; border-radius: 50%;" +
    " background: var(--fl-color); color: #fff; cursor: pointer; box-shadow: 0 6px 20px rgba(0,0,0,.22); display: flex; align-items: center; justify-content: center; padding: 0; }" +
    ".bubble[hidden] { display: none; }" +
    ".nolauncher .panel { bottom: 20px; }" +
    ".bubble:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }" +
    ".bubble svg { width: 28px; height: 28px; fill: currentColor; }" +
    ".bubble .x { display: none; }" +
    ".open .bubble .x { display: block; } .open .bubble .talk { display: none; }" +
    ".badge { position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px;" +
    " background: #dc2626; color: #fff; font: 600 12px/22px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; text-align: center; border: 2px solid #fff; }" +
    ".badge[hidden] { display: none; }" +
    ".panel { position: fixed; bottom: 92px; " + side + " z-index: 2147483000; width: 380px; height: min(640px, calc(100vh - 112px));" +
    " display: flex; flex-direction: column; background: #fafafa; border-radius: 14px; overflow: hidden; box-shadow: 0 12px 40px rgba(0,0,0,.25);" +
    " transition: opacity .15s, transform .15s; }" +
    ".wrap:not(.open) .panel { visibility: hidden; opacity: 0; transform: translateY(12px); pointer-events: none; }" +
    "header { display: flex; align-items: center; gap: 8px; padding: 12px 10px 12px 16px; background: var(--fl-color); color: #fff;" +
    " font: 15px/1.3 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }" +
    ".head { flex: 1; min-width: 0; display: flex; flex-direction: column; }" +
    ".title { font-weight: 600; font-size: 16px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }" +
    ".status { font-size: 12px; opacity: .9; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }" +
    ".close { border: 0; background: transparent; color: #fff; width: 36px; height: 36px; border-radius: 8px; cursor: pointer; font-size: 26px; line-height: 1; }" +
    ".close:hover { background: rgba(255,255,255,.15); }" +
    "iframe { flex: 1; width: 100%; border: 0; background: #fafafa; }" +
    "@media (max-width: 480px) {" +
    " .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; }" +
    " .open .bubble { display: none; }" +
    "}" +
    "</style>" +
    "<div class='wrap'>" +
    "<div class='panel' role='dialog'>" +
    "<header><div class='head'><span class='title'></span><span class='status'></span></div>" +
    "<button class='close' type='button'>×</button></header>" +
    "<iframe></iframe>" +
    "</div>" +
    "<button class='bubble' type='button' aria-expanded='false'>" +
    "<svg class='talk' viewBox='0 0 24 24' aria-hidden='true'><path d='M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z'/></svg>" +
    "<svg class='x' viewBox='0 0 24 24' aria-hidden='true'><path d='M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z'/></svg>" +
    "<span class='badge' hidden></span>" +
    "</button>" +
    "</div>";

  var wrap = root.querySelector(".wrap");
  var panel = root.querySelector(".panel");
  var bubble = root.querySelector(".bubble");
  var badge = root.querySelector(".badge");
  var titleBox = root.querySelector(".title");
  var statusBox = root.querySelector(".status");
  var closeBtn = root.querySelector(".close");
  var frame = root.querySelector("iframe");
  wrap.style.setProperty("--fl-color", color);
  bubble.hidden = !launcher;
  wrap.classList.toggle("nolauncher", !launcher);
  closeBtn.setAttribute("aria-label", labels.close);
  setTitle(data.title || "");

  var src = new URL("./", base);
  src.searchParams.set("embed", "1");
  src.searchParams.set("origin", location.origin);
  if (lang) { src.searchParams.set("lang", lang); }
  src.searchParams.set("color", color);
  frame.src = src.href;

  function setTitle(t) {
    titleBox.textContent = t || labels.chat;
    panel.setAttribute("aria-label", t || labels.chat);
    frame.title = t || labels.chat;
  }

  // tell sends the chat whether the visitor can see it: replies that
  // come while it is open are seen, the rest counted.
  function tell() {
    if (ready) { frame.contentWindow.postMessage({ source: "firstline", type: "open", open: isOpen }, server); }
  }

  function render() {
    wrap.classList.toggle("open", isOpen);
    bubble.setAttribute("aria-expanded", String(isOpen));
    bubble.setAttribute("aria-label", isOpen ? labels.close : labels.open);
    badge.hidden = isOpen || unread === 0;
    badge.textContent = unread > 9 ? "9+" : String(unread);
  }

  function setOpen(v) {
    v = Boolean(v);
    if (v === isOpen) { return; }
    isOpen = v;
    try { sessionStorage.setItem(stateKey, v ? "1" : "0"); } catch (e) { /* remembered for this page only */ }
    render();
    tell();
    if (v && ready) { frame.focus(); }
    if (!v && launcher) { bubble.focus(); }
  }

  window.addEventListener("message", function (e) {
    if (e.origin !== server || e.source !== frame.contentWindow || !e.data || e.data.source !== "firstline") { return; }
    var m = e.data;
    if (m.type === "ready") {
      ready = true;
      host.style.display = "";
      if (!data.title && typeof m.title === "string") { setTitle(m.title); }
      tell();
    } else if (m.type === "status" && typeof m.text === "string") {
      statusBox.textContent = m.text;
    } else if (m.type === "unread" && typeof m.count === "number") {
      unread = Math.max(0, Math.floor(m.count));
      render();
      listeners.forEach(function (fn) { call(fn, unread); });
    }
  });

  bubble.addEventListener("click", function () { setOpen(!isOpen); });
  closeBtn.addEventListener("click", function () { setOpen(false); });
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && isOpen) { setOpen(false); }
  });
  setTimeout(function () {
    if (!ready && window.console) {
      console.warn("firstline: the chat at " + server + " did not load on this page; is " + location.origin +
        " in webchat.allowed_origins of the server's config?");
    }
  }, 15000);

  // call runs a site's callback without letting its error stop ours.
  function call(fn, arg) {
    try { fn(arg); } catch (err) { setTimeout(function () { throw err; }); }
  }

  var api = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    toggle: function () { setOpen(!isOpen); },
    isOpen: function () { return isOpen; },
    unread: function () { return unread; },
    onUnread: function (fn) {
      if (typeof fn !== "function") { return function () {}; }
      listeners.push(fn);
      call(fn, unread);
      return function () { listeners = listeners.filter(function (f) { return f !== fn; }); };
    }
  };
  function Firstline(name) {
    var f = api[name];
    if (typeof f !== "function") {
      if (window.console) { console.warn("firstline: no such command " + String(name)); }
      return undefined;
    }
    return f.apply(null, Array.prototype.slice.call(arguments, 1));
  }
  Object.keys(api).forEach(function (k) { Firstline[k] = api[k]; });
  var queued = (window.Firstline && window.Firstline.q) || [];
  window.Firstline = Firstline;

  render();
  function mount() {
    document.body.appendChild(host);
    for (var i = 0; i < queued.length; i++) { Firstline.apply(null, queued[i]); }
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
