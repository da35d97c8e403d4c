package panel

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

//go:embed static
var staticFS embed.FS

// contentTypes are the types of the files the panel serves; set here
// rather than taken from the system's MIME table, which varies.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

// staticFile is one embedded file, served with its content type.
type staticFile struct {
	content     []byte
	contentType string
	hash        string // a short hash of the content, for cache busting
}

// staticFiles are the panel's stylesheets and scripts, read once.
type staticFiles struct {
	files map[string]*staticFile // by name, e.g. "panel.css"
}

// loadStatic reads every embedded static file.
func loadStatic() (*staticFiles, error) {
	s := &staticFiles{files: map[string]*staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		ctype := contentTypes[path.Ext(p)]
		if ctype == "" {
			return fmt.Errorf("%s: no content type for this extension", p)
		}
		sum := sha256.Sum256(b)
		s.files[strings.TrimPrefix(p, "static/")] = &staticFile{content: b, contentType: ctype, hash: hex.EncodeToString(sum[:6])}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read static files: %w", err)
	}
	return s, nil
}

// url returns where pages load the file from. The content hash in the
// query lets browsers cache the file for good: a new version has a new URL.
func (s *staticFiles) url(name string) (string, error) {
	f := s.files[name]
	if f == nil {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/panel/static/" + name + "?v=" + f.hash, nil
}

// serveStatic serves an embedded file by name; there is no directory
// listing and nothing outside the embedded files.
func (p *Panel) serveStatic(c *gin.Context) {
	f := p.static.files[strings.TrimPrefix(c.Param("file"), "/")]
	if f == nil {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("not found\n"))
		return
	}
	if c.Query("v") == f.hash {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	c.Data(http.StatusOK, f.contentType, f.content)
}
