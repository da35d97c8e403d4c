package clientaddr_test

import (
	"testing"

	"github.com/firstline-support/firstline/dialog/web/clientaddr"
)

func TestKey(t *testing.T) {
	for _, c := range []struct{ ip, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not an address", "not an address"},
		{"", ""},
	} {
		if got := clientaddr.Key(c.ip); got != c.want {
			t.Errorf("Key(%q) = %q, want %q", c.ip, got, c.want)
		}
	}
}
