package webchat

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzContact checks that any contact details are refused or come back
// clean: no control characters, bounded, an e-mail with one @ and a dotted
// domain, a phone of 7 to 15 digits; and that clean details pass again
// unchanged.
func FuzzContact(f *testing.F) {
	for _, s := range [][3]string{
		{"Анна", "anna@example.com", "+7 (900) 123-45-67"},
		{"", "a@b.c", ""},
		{"A\u202eB", "a@@b.c", "++7"},
		{" ", "\"a b\"@example.com", "8-800-555-35-35"},
		{"x\x00", "a@example.com.", "123456789012345"},
		{"Zoë", "Ann <a@example.com>", "(((1234567)))"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	form := DefaultContactForm()
	f.Fuzz(func(t *testing.T, name, email, phone string) {
		c, err := form.validate(name, email, phone)
		if err != nil {
			return
		}
		if c.Empty() {
			t.Fatal("accepted nothing")
		}
		for _, s := range []string{c.Name, c.Email, c.Phone} {
			if !utf8.ValidString(s) {
				t.Fatalf("accepted invalid UTF-8 %q", s)
			}
			for _, r := range s {
				if unicode.IsControl(r) {
					t.Fatalf("accepted control character in %q", s)
				}
			}
		}
		if utf8.RuneCountInString(c.Name) > maxNameLength || len(c.Email) > maxEmailLength {
			t.Fatalf("accepted too long %q / %q", c.Name, c.Email)
		}
		if c.Email != "" && (strings.Count(c.Email, "@") != 1 || !strings.Contains(c.Email[strings.Index(c.Email, "@"):], ".")) {
			t.Fatalf("accepted e-mail %q", c.Email)
		}
		if c.Phone != "" {
			digits := strings.TrimPrefix(c.Phone, "+")
			if len(digits) < minPhoneDigits || len(digits) > maxPhoneDigits || strings.Trim(digits, "0123456789") != "" {
				t.Fatalf("accepted phone %q", c.Phone)
			}
		}
		again, err := form.validate(c.Name, c.Email, c.Phone)
		if err != nil || again != c {
			t.Fatalf("clean details %+v came back as %+v, %v", c, again, err)
		}
	})
}

// FuzzUploadQuery checks that any query of an upload is refused or read
// into ids the page may use and a file name without a path or control
// characters.
func FuzzUploadQuery(f *testing.F) {
	for _, s := range []string{
		"session=s1&message_id=f1&file_name=a.png",
		"session=s1&message_id=f1&file_name=C%3A%5Cfakepath%5Ca.png&caption=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82",
		"session=s1&message_id=f1&file_name=..%2F..%2Fetc%2Fpasswd",
		"session=s1&session=s2&message_id=f1",
		"session=s1;message_id=f1",
		"session=s1&message_id=f1&caption=%ff",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		req, err := parseUploadQuery(raw)
		if err != nil {
			return
		}
		if !idPattern.MatchString(req.Session) || !idPattern.MatchString(req.MessageID) {
			t.Fatalf("accepted ids %q, %q", req.Session, req.MessageID)
		}
		if strings.ContainsAny(req.FileName, `/\`) || req.FileName == ".." || utf8.RuneCountInString(req.FileName) > maxFileNameLength {
			t.Fatalf("accepted file name %q", req.FileName)
		}
		for _, s := range []string{req.FileName, req.Caption} {
			if !utf8.ValidString(s) {
				t.Fatalf("accepted invalid UTF-8 %q", s)
			}
		}
		for _, r := range req.FileName {
			if unicode.IsControl(r) {
				t.Fatalf("accepted control character in file name %q", req.FileName)
			}
		}
	})
}
