package panel_test

import (
	"bytes"
	"crypto/sha256"
	"hash"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// heapWatcher is a ResponseWriter that keeps no body, only its hash and
// length, and notes the live heap at each write: what the handler holds
// while it sends the file.
type heapWatcher struct {
	header  http.Header
	code    int
	sum     hash.Hash
	n       int64
	maxLive uint64
}

func (w *heapWatcher) Header() http.Header  { return w.header }
func (w *heapWatcher) WriteHeader(code int) { w.code = code }
func (w *heapWatcher) Write(p []byte) (int, error) {
	w.sum.Write(p)
	w.n += int64(len(p))
	w.maxLive = max(w.maxLive, liveHeap())
	return len(p), nil
}

// liveHeap is the heap still reachable, after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// addLargeAttachment stores a file of the largest size allowed and returns
// its id and hash; the data itself is not kept.
func addLargeAttachment(t testing.TB, h *harness) (int64, []byte) {
	data := bytes.Repeat([]byte("0123456789abcdef"), dialog.MaxAttachmentSize/16)
	sum := sha256.Sum256(data)
	out, err := h.engine.Handle(h.ctx, dialog.Inbound{
		Channel: "telegram", ChatID: "42", ExternalID: "tg:1", Text: "the contract",
		Attachments: []*dialog.Attachment{{Kind: dialog.AttachmentDocument, FileName: "contract.pdf",
			MIME: "application/pdf", Data: data}},
	})
	if err != nil {
		t.Fatal(err)
	}
	atts, err := h.store.Attachments(h.ctx, []int64{out.Message.ID})
	if err != nil || len(atts) != 1 {
		t.Fatalf("attachments: %v, %v", atts, err)
	}
	return atts[0].ID, sum[:]
}

// TestAttachmentMemoryBounded serves a 20 MB file and checks that the
// live heap never grows by more than a few chunks while it is sent, so
// that memory does not grow with the size of the file times the number
// of downloads.
func TestAttachmentMemoryBounded(t *testing.T) {
	h := newHarness(t)
	id, sum := addLargeAttachment(t, h)
	req := httptest.NewRequest(http.MethodGet, "/panel/attachments/"+strconv.FormatInt(id, 10), nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: h.tokens["anna"]})

	before := liveHeap()
	w := &heapWatcher{header: http.Header{}, sum: sha256.New()}
	h.router.ServeHTTP(w, req)
	if w.code != http.StatusOK || w.n != dialog.MaxAttachmentSize || !bytes.Equal(w.sum.Sum(nil), sum) {
		t.Fatalf("download: %d, %d bytes; want 200 and the %d bytes stored", w.code, w.n, dialog.MaxAttachmentSize)
	}
	if got := w.header.Get("Content-Length"); got != strconv.Itoa(dialog.MaxAttachmentSize) {
		t.Errorf("Content-Length %q, want %d", got, dialog.MaxAttachmentSize)
	}
	const bound = 4 << 20 // a chunk, and its copy on the way out of the driver
	grew := int64(w.maxLive) - int64(before)
	t.Logf("live heap while sending a %d MiB file: %+.2f MiB", dialog.MaxAttachmentSize>>20, float64(grew)/(1<<20))
	if grew > bound {
		t.Errorf("the live heap grew by %.1f MiB while sending a %d MiB file, want at most %d MiB",
			float64(grew)/(1<<20), dialog.MaxAttachmentSize>>20, bound>>20)
	}
}

// discard is a ResponseWriter that keeps nothing of the body.
type discard struct {
	header http.Header
	code   int
	n      int64
}

func (w *discard) Header() http.Header         { return w.header }
func (w *discard) WriteHeader(code int)        { w.code = code }
func (w *discard) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkAttachmentDownload serves a 20 MB file: the time and bytes
// allocated per download, and the process's peak resident memory over 30
// downloads at once (peak-RSS-MB, from /proc, where there is one).
func BenchmarkAttachmentDownload(b *testing.B) {
	h := newHarness(b)
	id, _ := addLargeAttachment(b, h)
	path := "/panel/attachments/" + strconv.FormatInt(id, 10)
	download := func() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: h.tokens["anna"]})
		w := &discard{header: http.Header{}}
		h.router.ServeHTTP(w, req)
		if w.code != http.StatusOK || w.n != dialog.MaxAttachmentSize {
			b.Errorf("download: %d, %d bytes", w.code, w.n)
		}
	}
	b.ReportAllocs()
	b.SetBytes(dialog.MaxAttachmentSize)
	for b.Loop() {
		download()
	}
	b.StopTimer()
	runtime.GC()
	before, ok := peakRSS(true)
	if !ok {
		return
	}
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(download)
	}
	wg.Wait()
	after, _ := peakRSS(false)
	b.ReportMetric(float64(before)/(1<<20), "RSS-before-MB")
	b.ReportMetric(float64(after)/(1<<20), "peak-RSS-30-at-once-MB")
}

// peakRSS reads the process's peak resident memory, after resetting it to
// the current one when reset is set.
func peakRSS(reset bool) (int64, bool) {
	if reset && os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) != nil {
		return 0, false
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
