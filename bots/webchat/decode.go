package webchat

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
)

// maxKeyShown is how much of an unknown key an error message repeats.
const maxKeyShown = 40

// readBody reads a request body of at most MaxBodyBytes.
func readBody(ctx *gin.Context) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(ctx.Writer, ctx.Request.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, dialog.Errorf(dialog.ETOOLARGE, "request body is larger than %d KiB", MaxBodyBytes>>10)
	} else if err != nil {
		return nil, dialog.Errorf(dialog.EINVALID, "could not read request body")
	}
	return body, nil
}

// decodeObject decodes body, which must be exactly one JSON object whose
// values are all strings, into fields. Each key must be one of fields,
// spelled exactly so (encoding/json alone would match "SESSION" too), and
// appear at most once (encoding/json alone would keep the last). Invalid
// UTF-8, whether raw or escaped as an unpaired surrogate, is refused rather
// than turned into U+FFFD. Its cost is linear in the size of body: values
// are strings, so nothing nests.
func decodeObject(body []byte, fields map[string]*string) error {
	if !utf8.Valid(body) {
		return dialog.Errorf(dialog.EINVALID, "request body is not valid UTF-8")
	}
	if err := checkEscapes(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return dialog.Errorf(dialog.EINVALID, "malformed JSON: empty body")
	} else if err != nil {
		return malformed(err)
	}
	if tok != json.Delim('{') {
		return dialog.Errorf(dialog.EINVALID, "malformed JSON: the body must be a JSON object")
	}
	seen := make(map[string]bool, len(fields))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return malformed(err)
		}
		key, _ := tok.(string) // inside an object, Token returns keys as strings
		dst, ok := fields[key]
		switch {
		case !ok:
			return dialog.Errorf(dialog.EINVALID, "unknown field %s", quoteKey(key))
		case seen[key]:
			return dialog.Errorf(dialog.EINVALID, "field %q appears more than once", key)
		}
		seen[key] = true
		tok, err = dec.Token()
		if err != nil {
			return malformed(err)
		}
		s, ok := tok.(string)
		if !ok {
			return dialog.Errorf(dialog.EINVALID, "field %q must be a string", key)
		}
		*dst = s
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return malformed(err)
	}
	if rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return dialog.Errorf(dialog.EINVALID, "malformed JSON: data after the object at byte %d", len(body)-len(rest))
	}
	return nil
}

// checkEscapes refuses \u escapes of unpaired UTF-16 surrogates, which
// encoding/json would quietly decode to U+FFFD. Backslashes outside
// strings are left to the decoder, which refuses them.
func checkEscapes(body []byte) error {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		i++ // the escaped character; \\ and \" are skipped whole
		if i >= len(body) || body[i] != 'u' {
			continue
		}
		r, ok := hex4(body[i+1:])
		if !ok {
			continue // the decoder reports a bad escape
		}
		i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return dialog.Errorf(dialog.EINVALID, "request body is not valid UTF-8: an unpaired surrogate escape")
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := rune(0), false
			if i+2 < len(body) && body[i+1] == '\\' && body[i+2] == 'u' {
				low, ok = hex4(body[i+3:])
			}
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return dialog.Errorf(dialog.EINVALID, "request body is not valid UTF-8: an unpaired surrogate escape")
			}
			i += 6
		}
	}
	return nil
}

// hex4 reads the four hex digits b starts with.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	return rune(n), err == nil
}

// quoteKey quotes a key for an error message, cut short if long.
func quoteKey(key string) string {
	if utf8.RuneCountInString(key) > maxKeyShown {
		key = string([]rune(key)[:maxKeyShown]) + "…"
	}
	return strconv.Quote(key)
}

// malformed describes a decoding error after the opening brace without
// echoing the input.
func malformed(err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return dialog.Errorf(dialog.EINVALID, "malformed JSON: the body ends too early")
	case errors.As(err, &syntax):
		return dialog.Errorf(dialog.EINVALID, "malformed JSON: syntax error at byte %d", syntax.Offset)
	}
	return dialog.Errorf(dialog.EINVALID, "malformed JSON")
}

// checkText refuses what a page never sends in a message or a name:
// control characters other than tab and line breaks in the text, any in the
// name, and a name of only invisible characters. Text that is empty or
// invisible is the engine's to refuse, for every channel alike.
func checkText(text, name string) error {
	for _, r := range text {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return dialog.Errorf(dialog.EINVALID, "text contains the control character %U", r)
		}
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return dialog.Errorf(dialog.EINVALID, "name contains the control character %U", r)
		}
	}
	if name != "" && !dialog.HasVisibleText(name) {
		return dialog.Errorf(dialog.EINVALID, "name has only invisible characters")
	}
	return nil
}
