package postgres

import (
	"testing"

	"github.com/firstline-support/firstline/dialog/store/storetest"
)

// BenchmarkUpdateAddMessage measures one turn's write; each commit waits
// for the server's write-ahead log flush.
func BenchmarkUpdateAddMessage(b *testing.B) {
	storetest.BenchmarkUpdateAddMessage(b, open(b, newTestDB(b).schemaURL(b)))
}

// BenchmarkAttachmentRead reads a 20 MB file whole and in parts.
func BenchmarkAttachmentRead(b *testing.B) {
	storetest.BenchmarkAttachmentRead(b, open(b, newTestDB(b).schemaURL(b)))
}
