package panel_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeWhatsApp pairs when told to, showing one code meanwhile.
type fakeWhatsApp struct {
	mu      sync.Mutex
	state   string
	jid     string
	phone   string
	release chan struct{} // closed to let the pairing succeed
	logouts int
}

func (f *fakeWhatsApp) Status() (string, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state, f.jid
}

func (f *fakeWhatsApp) Pair(ctx context.Context, onQR func(string), phone string) error {
	f.mu.Lock()
	f.phone = phone
	f.mu.Unlock()
	if phone != "" {
		onQR("ABCD-EFGH")
	} else {
		onQR("2@fake-qr-payload")
	}
	select {
	case <-f.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	f.mu.Lock()
	f.state, f.jid = "connected", "79990001122@s.whatsapp.net"
	f.mu.Unlock()
	return nil
}

func (f *fakeWhatsApp) Logout(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logouts++
	f.state, f.jid = "not paired", ""
	return nil
}

func TestWhatsAppPage(t *testing.T) {
	h := newHarness(t)
	wa := &fakeWhatsApp{state: "not paired", release: make(chan struct{})}
	h.panel.SetWhatsApp(wa)

	page := h.get("root", "/panel/admin/whatsapp", http.StatusOK)
	if !strings.Contains(page, "not linked") || !strings.Contains(page, `action="/panel/admin/whatsapp/pair"`) {
		t.Fatalf("unpaired page:\n%s", page)
	}
	h.get("anna", "/panel/admin/whatsapp", http.StatusForbidden)
	h.post("root", "/panel/admin/whatsapp/pair", url.Values{"phone": {"12ab"}}, http.StatusBadRequest)

	// Pair by QR: the page shows the code as a picture until the phone scans it.
	h.post("root", "/panel/admin/whatsapp/pair", url.Values{}, http.StatusSeeOther)
	var page2 string
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(page2, "/panel/admin/whatsapp/qr.png") && time.Now().Before(deadline) {
		page2 = h.get("root", "/panel/admin/whatsapp", http.StatusOK)
	}
	if !strings.Contains(page2, "/panel/admin/whatsapp/qr.png") {
		t.Fatalf("no QR code while pairing:\n%s", page2)
	}
	w := h.do(request{method: http.MethodGet, path: "/panel/admin/whatsapp/qr.png", user: "root"})
	if w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("\x89PNG")) {
		t.Errorf("QR image: %d %q", w.Code, w.Body.Bytes()[:min(8, w.Body.Len())])
	}
	h.post("root", "/panel/admin/whatsapp/pair", url.Values{}, http.StatusConflict)

	close(wa.release)
	deadline = time.Now().Add(5 * time.Second)
	// The number shows as soon as the link is made; the logout form once
	// the pairing attempt has wound up, a moment later.
	for !(strings.Contains(page2, "79990001122") && strings.Contains(page2, `action="/panel/admin/whatsapp/logout"`)) &&
		time.Now().Before(deadline) {
		page2 = h.get("root", "/panel/admin/whatsapp", http.StatusOK)
	}
	if !strings.Contains(page2, "connected") || !strings.Contains(page2, `action="/panel/admin/whatsapp/logout"`) {
		t.Fatalf("after pairing:\n%s", page2)
	}
	h.get("root", "/panel/admin/whatsapp/qr.png", http.StatusNotFound)

	h.post("root", "/panel/admin/whatsapp/logout", url.Values{}, http.StatusSeeOther)
	if wa.logouts != 1 {
		t.Errorf("%d logouts", wa.logouts)
	}

	// Pair by phone: the page shows the code to type.
	wa.release = make(chan struct{})
	h.post("root", "/panel/admin/whatsapp/pair", url.Values{"phone": {"+79990001122"}}, http.StatusSeeOther)
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(page2, "ABCD-EFGH") && time.Now().Before(deadline) {
		page2 = h.get("root", "/panel/admin/whatsapp", http.StatusOK)
	}
	if !strings.Contains(page2, "ABCD-EFGH") || wa.phone != "+79990001122" {
		t.Errorf("pairing by phone shows no code:\n%s", page2)
	}
	// Close ends a pairing left running.
	h.panel.Close()
}
