package intents

import (
	"crypto/sha256"
	"fmt"
	"os"
)

// fingerprint sums up the intents files under dir: their paths, sizes,
// modification times and contents. The contents are part of it because an
// edit that keeps the size and lands within the same mtime tick would
// otherwise go unnoticed. A directory that cannot be read has a fingerprint
// of its own, so that it changing to or from readable is seen too.
func fingerprint(dir string) [sha256.Size]byte {
	h := sha256.New()
	files, err := listFiles(dir)
	if err != nil {
		fmt.Fprintf(h, "error: %v\n", err)
	}
	for _, path := range files {
		info, err := os.Stat(path)
		if err != nil {
			fmt.Fprintf(h, "%s error: %v\n", path, err)
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(h, "%s error: %v\n", path, err)
			continue
		}
		fmt.Fprintf(h, "%s %d %d %x\n", path, info.Size(), info.ModTime().UnixNano(), sha256.Sum256(data))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}
