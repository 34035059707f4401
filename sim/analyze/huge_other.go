//go:build !linux

package analyze

// adviseHuge does nothing where madvise's huge pages are not offered
// (huge_linux.go).
func adviseHuge([]byte) {}
