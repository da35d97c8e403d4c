package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFilesAndContactInBrowser walks what a customer and an agent see of
// files and contact details, with the shipped config: the customer asks
// for a person, fills in the contact form the chat then shows, and
// attaches a screenshot with 📎 and a caption, which their chat shows as a
// picture; the
// agent finds the ticket under the customer's name in the queue and sees
// the picture and the contact details on it.
func TestFilesAndContactInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	addUser(t, data, "olga", "agent", "correct horse battery")
	ctx := newBrowser(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(s.url), chromedp.WaitVisible(chromedp.CSS("#text"))); err != nil {
		t.Fatal(err)
	}
	if evalString(t, ctx, `String(document.querySelector("#attach").hidden)`) != "false" {
		t.Fatal("the 📎 button is hidden with the shipped config")
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#text"), "/human"),
		chromedp.Click(chromedp.CSS("#send")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#status", "FL-")
	number := evalString(t, ctx, `(document.querySelector("#status").textContent.match(/FL-\d+/) || [""])[0]`)

	// The contact form comes with the ticket; a bad e-mail is refused
	// with the field named, then a good one is kept.
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#contact input[name="email"]`)),
		chromedp.SetValue(chromedp.CSS(`#contact input[name="name"]`), "Мария Соколова"),
		chromedp.SetValue(chromedp.CSS(`#contact input[name="email"]`), "maria@"),
		chromedp.Click(chromedp.CSS(`#contact button[type="submit"]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#contact .contact-error", "email")
	// The form stays under the newest message: the bot's word on the handoff.
	waitJS(t, ctx, `(function () { var f = document.querySelector("#contact"); return !!f && f.nextElementSibling.id === "typing" && /FL-/.test(f.previousElementSibling.textContent); })()`,
		"the contact form under the handoff message")
	t.Logf("contact form screenshot: %s", screenshot(t, ctx, "chat-contact"))
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#contact input[name="email"]`), "maria@example.com"),
		chromedp.Click(chromedp.CSS(`#contact button[type="submit"]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#log", "контакты сохранены")
	waitJS(t, ctx, `!document.querySelector("#contact")`, "the contact form gone once sent")

	// A screenshot through 📎: the chat shows it back as a picture.
	shot := filepath.Join(t.TempDir(), "router-lights.png")
	if err := os.WriteFile(shot, testPicture(t), 0o644); err != nil {
		t.Fatal(err)
	}
	// What is typed in the box goes with the file as its caption.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#text"), "вот индикаторы роутера"),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{shot}),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `(document.querySelector("#log .msg.customer .file img.thumb") || {}).naturalWidth === 40`,
		"the customer's own picture in the chat")
	waitText(t, ctx, "#log .file", "router-lights.png")
	waitJS(t, ctx, `(function () { var m = document.querySelectorAll("#log .msg.customer"); return m.length > 0 && m[m.length - 1].textContent.indexOf("вот индикаторы роутера") >= 0; })()`,
		"the caption on the customer's last message")
	if v := evalString(t, ctx, `document.querySelector("#text").value`); v != "" {
		t.Errorf("the caption stayed in the box: %q", v)
	}
	t.Logf("chat with a file screenshot: %s", screenshot(t, ctx, "chat-file"))

	// A file of a type the chat does not take is refused on the page.
	bad := filepath.Join(t.TempDir(), "setup.exe")
	if err := os.WriteFile(bad, []byte("MZ\x90\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{bad})); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `/not accepted/.test(document.querySelector("#error").textContent) || /not accepted/.test(document.querySelector("#log").textContent)`,
		"the refusal of an .exe")

	// The agent: the queue names the customer, the ticket shows the
	// picture and the contact details.
	agent, cancel := chromedp.NewContext(ctx)
	defer cancel()
	login(t, agent, s.url, "olga", "correct horse battery")
	waitText(t, agent, "#queue-list", number)
	waitText(t, agent, "#queue-list", "Мария Соколова")
	if got := evalString(t, agent, `document.querySelector("#queue-list").textContent`); strings.Contains(got, "(no name)") {
		t.Errorf("the queue still reads (no name): %s", got)
	}
	click(t, agent, fmt.Sprintf(`a[href="/panel/tickets/%s"]`, number))
	waitText(t, agent, "#summary .customer-name", "Мария Соколова")
	waitText(t, agent, "#summary .customer-email", "maria@example.com")
	waitJS(t, agent, `(document.querySelector("#transcript .attachment img") || {}).naturalWidth === 40`,
		"the customer's picture on the ticket")
	waitText(t, agent, "#transcript", "вот индикаторы роутера")
	t.Logf("ticket with a file screenshot: %s", screenshot(t, agent, "ticket-file"))
}

// testPicture is a 40×30 PNG, like a tiny screenshot.
func testPicture(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			img.Set(x, y, color.RGBA{G: uint8(6 * x), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestContactBeforeChatInBrowser: with a form before the chat whose name
// is required, the customer cannot write until they give it.
func TestContactBeforeChatInBrowser(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "firstline.yaml")
	conf := "webchat:\n  contact:\n    ask: before_chat\n    fields: [name, phone]\n    required: [name]\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, t.TempDir(), "--config", cfg)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url), chromedp.WaitVisible(chromedp.CSS(`#contact input[name="name"]`))); err != nil {
		t.Fatal(err)
	}
	if evalString(t, ctx, `String(document.querySelector("#text").disabled)`) != "true" {
		t.Error("the customer can write before giving the required name")
	}
	if evalString(t, ctx, `String(document.querySelectorAll("#contact .skip, #contact input[name=email]").length)`) != "0" {
		t.Error("the form offers to skip a required name, or asks for an e-mail it was not told to")
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#contact input[name="name"]`), "Пётр"),
		chromedp.SetValue(chromedp.CSS(`#contact input[name="phone"]`), "+7 900 000-11-22"),
		chromedp.Click(chromedp.CSS(`#contact button[type="submit"]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `!document.querySelector("#contact") && !document.querySelector("#text").disabled`, "the chat open once the name is given")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#text"), "/human"),
		chromedp.Click(chromedp.CSS("#send")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#status", "FL-")
	// Asked before the chat, the form does not come again with the ticket.
	if evalString(t, ctx, `String(!!document.querySelector("#contact"))`) != "false" {
		t.Error("the contact form came again with the ticket")
	}
}
