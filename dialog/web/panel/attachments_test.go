package panel_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

func TestAttachments(t *testing.T) {
	h := newHarness(t)
	png := []byte("\x89PNG\r\n\x1a\nnot really a picture")
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)
	_, err := h.engine.Handle(h.ctx, dialog.Inbound{
		Channel: "telegram", ChatID: "42", ExternalID: "tg:1", CustomerName: "Anna Petrova",
		Text: "вот скриншот ошибки",
		Attachments: []*dialog.Attachment{
			{Kind: dialog.AttachmentPhoto, FileName: "screen.png", MIME: "image/png", Size: int64(len(png)), Data: png},
			{Kind: dialog.AttachmentDocument, FileName: "договор <b>.svg", MIME: "image/svg+xml", Size: int64(len(svg)), Data: svg},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	human, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: "telegram", ChatID: "42", ExternalID: "tg:2", Text: "/human"})
	if err != nil || human.Ticket == nil {
		t.Fatalf("escalate: %v", err)
	}
	page := h.get("nina", "/panel/tickets/"+human.Ticket.Number, http.StatusOK)
	ids := regexp.MustCompile(`/panel/attachments/(\d+)`).FindAllStringSubmatch(page, -1)
	if len(ids) < 2 {
		t.Fatalf("the ticket page links %d attachments, want 2:\n%s", len(ids), page)
	}
	if !strings.Contains(page, `<img src="/panel/attachments/`+ids[0][1]+`"`) {
		t.Errorf("the PNG is not shown as a picture")
	}
	if strings.Contains(page, "договор <b>") || !strings.Contains(page, "договор &lt;b&gt;.svg") {
		t.Errorf("a file name was not escaped")
	}
	if n := strings.Count(page, "<img "); n != 1 {
		t.Errorf("%d pictures on the page, want only the PNG (an SVG is a download)", n)
	}

	for _, c := range []struct {
		id, typ, disposition string
	}{
		{ids[0][1], "image/png", "inline"},
		{ids[len(ids)-1][1], "application/octet-stream", "attachment"},
	} {
		w := h.do(request{method: http.MethodGet, path: "/panel/attachments/" + c.id, user: "anna"})
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != c.typ ||
			!strings.HasPrefix(w.Header().Get("Content-Disposition"), c.disposition) ||
			!strings.Contains(w.Header().Get("Content-Security-Policy"), "sandbox") ||
			w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("attachment %s: %d %v", c.id, w.Code, w.Header())
		}
	}
	if w := h.do(request{method: http.MethodGet, path: "/panel/attachments/" + ids[0][1]}); w.Code != http.StatusSeeOther {
		t.Errorf("anonymous download: %d", w.Code)
	}
	h.get("anna", "/panel/attachments/999999", http.StatusNotFound)
	h.get("anna", "/panel/attachments/abc", http.StatusNotFound)
}
