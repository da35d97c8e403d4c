package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/types"

	"github.com/firstline-support/firstline/bots/whatsapp"
)

// TestWhatsappCommands runs the commands that need no network: status
// before and after a device is stored, and the mistakes caught before
// connecting.
func TestWhatsappCommands(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		code int
		out  string // in stdout on success, in stderr on failure
	}{
		{"no subcommand", []string{"whatsapp"}, 2, "missing subcommand"},
		{"unknown subcommand", []string{"whatsapp", "link"}, 2, `unknown subcommand "link"`},
		{"help", []string{"whatsapp", "help"}, 0, "Linked devices"},
		{"status, not paired", []string{"whatsapp", "status"}, 0, "not paired"},
		{"logout, not paired", []string{"whatsapp", "logout"}, 1, "not paired"},
		{"not a phone number", []string{"whatsapp", "pair", "--phone", "+7 999"}, 2, "international format"},
		{"a local number", []string{"whatsapp", "pair", "--phone", "0999123456"}, 2, "international format"},
		{"stray argument", []string{"whatsapp", "status", "now"}, 2, `unexpected argument "now"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, data, "", nil, c.args...)
			if code != c.code {
				t.Fatalf("exit code %d, want %d; stdout %q, stderr %q", code, c.code, stdout, stderr)
			}
			out := stdout
			if code != 0 {
				out = stderr
			}
			if !strings.Contains(out, c.out) {
				t.Errorf("output %q, want it to contain %q", out, c.out)
			}
		})
	}

	storeDevice(t, filepath.Join(data, "firstline.db"))
	code, stdout, stderr := runIn(t, data, "", nil, "whatsapp", "status")
	if code != 0 || stdout != "paired as +79991234567\n" {
		t.Errorf("status of a paired device: %d %q %q", code, stdout, stderr)
	}
	code, _, stderr = runIn(t, data, "", nil, "whatsapp", "pair")
	if code != 1 || !strings.Contains(stderr, "already paired as 79991234567@s.whatsapp.net") {
		t.Errorf("pair over a paired device: %d %q", code, stderr)
	}
}

// storeDevice stores a linked device as pairing would, without a network.
func storeDevice(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	container, err := whatsapp.OpenSessions(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer container.Close()
	device := container.NewDevice()
	id := types.NewADJID("79991234567", 0, 12)
	device.ID = &id
	device.Account = &waAdv.ADVSignedDeviceIdentity{
		Details: []byte{1}, AccountSignatureKey: make([]byte, 32),
		AccountSignature: make([]byte, 64), DeviceSignature: make([]byte, 64),
	}
	if err := device.Save(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestWhatsappQR checks that a QR code is drawn as a square of half-block
// characters.
func TestWhatsappQR(t *testing.T) {
	var out strings.Builder
	printQR(env{stdout: &out}, "2@AbCdEfGhIjKlMnOpQrStUvWxYz0123456789,abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=,xyz")
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	width := utf8.RuneCountInString(lines[0])
	// Two rows of the code to a line: about half as many lines as columns.
	if width < 21 || len(lines) < width/2-1 || len(lines) > width/2+2 {
		t.Fatalf("%d lines of %d characters:\n%s", len(lines), width, out.String())
	}
	for i, l := range lines {
		if n := utf8.RuneCountInString(l); n != width {
			t.Errorf("line %d has %d characters, want %d", i, n, width)
		}
		if strings.Trim(l, "█▀▄ ") != "" {
			t.Errorf("line %d has characters other than blocks: %q", i, l)
		}
	}
	if !strings.ContainsAny(out.String(), "▀▄") {
		t.Error("no half blocks drawn")
	}
}
