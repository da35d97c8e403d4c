package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// chatSend types text into the chat page and sends it.
func chatSend(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#text"), text),
		chromedp.Click(chromedp.CSS("#send")),
	); err != nil {
		t.Fatalf("send %q: %v", text, err)
	}
}

// openChat opens the chat page and waits for its input.
func openChat(t *testing.T, ctx context.Context, s *server) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url), chromedp.WaitVisible(chromedp.CSS("#text"))); err != nil {
		t.Fatal(err)
	}
}

// recordChat makes the page note, in window.seen, every delivery state
// a customer's message takes and every time the typing line shows or
// hides, in order: some last only as long as a request. window.polls
// counts the polls answered.
const recordChat = `(function () {
  window.seen = [];
  window.polls = 0;
  var fetch = window.fetch;
  window.fetch = function (url, opts) {
    var p = fetch.apply(this, arguments);
    if (!opts || !opts.method || opts.method === "GET") { p.then(function () { window.polls++; }, function () {}); }
    return p;
  };
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      if (r.attributeName === "data-state") { window.seen.push("state:" + r.target.getAttribute("data-state")); }
      if (r.attributeName === "hidden" && r.target.id === "typing") { window.seen.push(r.target.hidden ? "typing:off" : "typing:on"); }
    });
  }).observe(document.getElementById("log"), { subtree: true, attributes: true, attributeFilter: ["data-state", "hidden"] });
  return true;
})()`

// TestChatFeelsAliveInBrowser checks the customer's side of the web chat:
// a message shows at once as sending, then sent, with the bot typing
// meanwhile; an answer's own buttons stay with "did this help?"; links in
// answers open in a new tab and nothing else becomes one; a message that
// cannot reach the server says so and goes out once on retry.
func TestChatFeelsAliveInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	ctx := newBrowser(t)
	openChat(t, ctx, s)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](recordChat)); err != nil {
		t.Fatal(err)
	}

	// Sending, then sent; the bot types in between.
	chatSend(t, ctx, "забыл пароль от личного кабинета")
	if got := evalString(t, ctx, `document.querySelector("#log .msg.customer").textContent`); !strings.Contains(got, "забыл пароль") {
		t.Errorf("the message is not on the page as soon as it is sent: %q", got)
	}
	waitText(t, ctx, "#log", "Забыли пароль?")
	waitJS(t, ctx, `document.querySelector("#log .msg.customer").getAttribute("data-state") === "sent"`, "the message marked sent")
	if got := evalString(t, ctx, `window.seen.join(" ")`); got != "state:sending typing:on state:sent typing:off" {
		t.Errorf("the page went through %q, want sending, the bot typing, sent, no more typing", got)
	}

	// The answer's own buttons stay, before "did this help?".
	waitButton(t, ctx, "Нет")
	labels := evalString(t, ctx, `Array.from(document.querySelectorAll(".buttons button")).map(function (b) { return b.textContent; }).join("|")`)
	if labels != "Не могу войти в личный кабинет|Позвать оператора|Да|Нет" {
		t.Errorf("buttons %q, want the answer's then yes and no", labels)
	}

	// The answer's link opens in a new tab, without access to the page.
	link := evalString(t, ctx, `(function () {
	  var a = document.querySelector("#log .msg.bot a");
	  return a ? [a.href, a.target, a.rel, a.textContent].join(" ") : "";
	})()`)
	if link != "https://my.setplus.example/ _blank noopener noreferrer https://my.setplus.example" {
		t.Errorf("the answer's link is %q", link)
	}

	// What the customer writes: only the allowed schemes become links,
	// and markup stays text.
	chatSend(t, ctx, `javascript:alert(1) JaVaScRiPt:alert(2) data:text/html,<b>x</b> vbscript:x file:///etc/passwd `+
		`see http://x.example/a?b=1&c=(2)). mail mailto:help@setplus.example, call tel:+78000000000 or www.setplus.example/pay!`)
	waitJS(t, ctx, `document.querySelectorAll("#log .msg.customer")[1].getAttribute("data-state") === "sent"`, "the second message sent")
	hrefs := evalString(t, ctx, `Array.from(document.querySelectorAll("#log .msg.customer")[1].querySelectorAll("a")).map(function (a) { return a.getAttribute("href") + "=" + a.textContent; }).join(" ")`)
	want := "http://x.example/a?b=1&c=(2)=http://x.example/a?b=1&c=(2) mailto:help@setplus.example=mailto:help@setplus.example " +
		"tel:+78000000000=tel:+78000000000 https://www.setplus.example/pay=www.setplus.example/pay"
	if hrefs != want {
		t.Errorf("links made of the customer's text:\n got %s\nwant %s", hrefs, want)
	}
	if n := evalString(t, ctx, `String(document.querySelectorAll("#log b, #log script, #log img").length)`); n != "0" {
		t.Errorf("%s elements were made from message text", n)
	}

	// The linkifier on hostile text: links only where allowed, and time
	// that grows with the text, not faster.
	hostile := evalString(t, ctx, `(function () {
	  var f = window.firstlineChat.linkify;
	  var cases = [
	    ["javascript://example.com/%0aalert(1)", 0],
	    ["http://", 0],
	    ["https://?", 0],
	    ["mailto:", 0],
	    ["http://a.example\"onmouseover=alert(1)", 1],
	    ["<a href=\"javascript:alert(1)\">http://ok.example</a>", 1],
	    ["www.", 0],
	    ["xhttp://a.example", 0]
	  ];
	  var bad = [];
	  cases.forEach(function (c) {
	    var div = document.createElement("div");
	    div.appendChild(f(c[0]));
	    var links = div.querySelectorAll("a");
	    var ok = links.length === c[1] && div.textContent === c[0];
	    links.forEach(function (a) { if (!/^(https?|mailto|tel):/.test(a.href)) { ok = false; } });
	    if (!ok) { bad.push(c[0] + " -> " + div.innerHTML); }
	  });
	  function time(text) {
	    var start = performance.now();
	    var div = document.createElement("div");
	    div.appendChild(f(text));
	    return performance.now() - start;
	  }
	  var n = 200000;
	  var worst = [
	    "http://".repeat(n / 7),
	    "www.".repeat(n / 4),
	    "a".repeat(n) + ")".repeat(n),
	    "http://a" + ".".repeat(n),
	    "http://a" + ")".repeat(n),
	    ("x " + "http://a.example ").repeat(n / 20)
	  ];
	  worst.forEach(function (w) {
	    var ms = time(w);
	    if (ms > 1500) { bad.push("slow: " + w.slice(0, 20) + "… took " + Math.round(ms) + " ms"); }
	  });
	  return bad.join("\n");
	})()`)
	if hostile != "" {
		t.Errorf("the linkifier on hostile text:\n%s", hostile)
	}

	// The server goes away: the message says it was not sent, and offers
	// to retry; once the server is back the retry sends it, once.
	addr := strings.TrimSuffix(strings.TrimPrefix(s.url, "http://"), "/")
	s.stop()
	chatSend(t, ctx, "проверка связи")
	waitJS(t, ctx, `(function () {
	  var m = document.querySelectorAll("#log .msg.customer")[2];
	  return m && m.getAttribute("data-state") === "failed" && m.querySelector("button.retry");
	})()`, "the message marked failed with a retry")
	waitText(t, ctx, "#error", "Cannot reach the server")
	s = startServer(t, data, "--addr", addr)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#log .msg.customer button.retry"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.querySelectorAll("#log .msg.customer")[2].getAttribute("data-state") === "sent"`, "the retried message sent")
	session := evalString(t, ctx, `localStorage.getItem("firstline.session")`)
	var stored int
	for _, m := range webchatPoll(t, s, url.QueryEscape(session)) {
		if m == "customer: проверка связи" {
			stored++
		}
	}
	if stored != 1 {
		t.Errorf("the retried message is stored %d times, want once", stored)
	}
	// However many polls have come since, each message shows once.
	polls := evalString(t, ctx, `String(window.polls)`)
	waitJS(t, ctx, `window.polls >= `+polls+` + 2`, "two more polls")
	if n := evalString(t, ctx, `String(document.querySelectorAll("#log .msg.customer").length)`); n != "3" {
		t.Errorf("%s customer messages on the page, want 3", n)
	}
	if got := evalString(t, ctx, `document.getElementById("error").textContent`); got != "" {
		t.Errorf("the error %q stays after the retry went through", got)
	}
}

// TestChatPhoneLayoutInBrowser checks the chat on a phone-sized screen:
// the header takes one line however long the title, the input stays in
// sight, and the last message is never under it.
func TestChatPhoneLayoutInBrowser(t *testing.T) {
	s := startServer(t, t.TempDir())
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3))); err != nil {
		t.Fatal(err)
	}
	openChat(t, ctx, s)
	evalString(t, ctx, `document.getElementById("title").textContent = "Служба поддержки клиентов интернет-провайдера Сеть Плюс · SetPlus customer support", ""`)
	for i, text := range []string{"забыл пароль", "как оплатить интернет", "какой у меня баланс", "не работает интернет", "позовите оператора"} {
		chatSend(t, ctx, text)
		waitJS(t, ctx, fmt.Sprintf(`(function () {
		  var m = document.querySelectorAll("#log .msg.customer")[%d];
		  return m && m.getAttribute("data-state") === "sent";
		})()`, i), "message "+text+" sent")
	}
	waitText(t, ctx, "#status", "FL-")
	waitJS(t, ctx, `document.getElementById("log").scrollHeight > 2 * document.getElementById("log").clientHeight`, "a transcript longer than the screen")
	t.Logf("phone screenshot: %s", screenshot(t, ctx, "chat-phone"))
	layout := evalString(t, ctx, `(function () {
	  var header = document.querySelector("header"), h1 = document.getElementById("title");
	  var status = document.getElementById("status"), form = document.getElementById("form");
	  var log = document.getElementById("log");
	  var msgs = log.querySelectorAll(".msg"), last = msgs[msgs.length - 1];
	  var line = parseFloat(getComputedStyle(h1).lineHeight) || 1.45 * parseFloat(getComputedStyle(h1).fontSize);
	  var bad = [];
	  var hr = header.getBoundingClientRect(), sr = status.getBoundingClientRect(), fr = form.getBoundingClientRect();
	  if (h1.getBoundingClientRect().height > 1.5 * line) { bad.push("the title takes more than a line"); }
	  if (h1.scrollWidth <= h1.clientWidth) { bad.push("the long title is not cut short"); }
	  if (sr.top < hr.top || sr.bottom > hr.bottom) { bad.push("the status is outside the header"); }
	  if (hr.height > 2 * line + 24) { bad.push("the header is " + hr.height + "px high"); }
	  if (fr.bottom > window.innerHeight + 0.5 || fr.top < 0) { bad.push("the input is out of sight: " + fr.top + ".." + fr.bottom + " of " + window.innerHeight); }
	  if (document.scrollingElement.scrollHeight > window.innerHeight + 0.5) { bad.push("the page itself scrolls"); }
	  if (last.getBoundingClientRect().bottom > fr.top + 0.5) { bad.push("the last message ends at " + last.getBoundingClientRect().bottom + ", under the input at " + fr.top); }
	  if (last.getBoundingClientRect().bottom > log.getBoundingClientRect().bottom + 0.5) { bad.push("the last message is scrolled out of the list"); }
	  return bad.join("; ");
	})()`)
	if layout != "" {
		t.Errorf("phone layout: %s", layout)
	}
}

// TestAgentTypingInBrowser checks that an agent writing a reply in the
// panel shows as typing on the customer's chat page, by name, and that
// the reply takes its place.
func TestAgentTypingInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	const password = "correct horse battery"
	addUser(t, data, "olga", "agent", password)
	customer := newBrowser(t)
	openChat(t, customer, s)
	chatSend(t, customer, "/human")
	waitText(t, customer, "#status", "FL-")
	status := evalString(t, customer, `document.getElementById("status").textContent`)
	number, _, _ := strings.Cut(status[strings.Index(status, "FL-"):], " ")
	if _, err := chromedp.Run(customer, chromedp.Evaluate[bool](recordChat)); err != nil {
		t.Fatal(err)
	}

	// The agent, in a tab of their own.
	agent, cancel := chromedp.NewContext(customer)
	defer cancel()
	login(t, agent, s.url, "olga", password)
	if err := chromedp.Do(agent, chromedp.Navigate(s.url+"panel/tickets/"+number), chromedp.WaitVisible(chromedp.CSS("#reply-text"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(agent,
		chromedp.Click(chromedp.CSS("#reply-text")),
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Здравствуйте, сейчас посмотрю"),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, customer, `!document.getElementById("typing").hidden`, "the agent typing on the customer's page")
	waitText(t, customer, "#typing", "olga печатает")

	click(t, agent, "#send-reply")
	waitText(t, customer, "#log", "Здравствуйте, сейчас посмотрю")
	waitJS(t, customer, `document.getElementById("typing").hidden`, "the typing line gone with the reply")
	if got := evalString(t, customer, `window.seen.join(" ")`); !strings.HasPrefix(got, "typing:on") {
		t.Errorf("the customer's page went through %q", got)
	}
}
