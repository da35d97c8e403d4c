package webchat

import "testing"

// FuzzOrigin feeds Origin headers, which anyone can send, to the check
// every cross-origin request goes through: it never fails, allows only
// what is listed, and an origin it accepts reads the same written again.
func FuzzOrigin(f *testing.F) {
	for _, s := range []string{"https://shop.example", "HTTPS://SHOP.EXAMPLE:443", "null", "", "http://[::1]:80",
		"https://shop.example.evil.example", "https://shop.example/", "javascript:alert(1)", "http://%zz", "https://shop.example:0443"} {
		f.Add(s)
	}
	o, err := ParseOrigins([]string{"https://shop.example"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, origin string) {
		n, err := normalizeOrigin(origin)
		if err != nil {
			if o.allows(origin) {
				t.Fatalf("%q is no origin but is allowed", origin)
			}
			return
		}
		if again, err := normalizeOrigin(n); err != nil || again != n {
			t.Fatalf("%q reads as %q, which reads as %q (%v)", origin, n, again, err)
		}
		if o.allows(origin) != (n == "https://shop.example") {
			t.Fatalf("%q (%q) allowed: %v", origin, n, o.allows(origin))
		}
	})
}
