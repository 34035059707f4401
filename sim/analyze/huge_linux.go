//go:build linux

package analyze

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of an x86-64 or arm64 transparent huge page.
const hugePage = 2 << 20

// adviseHuge asks the kernel to back the whole huge pages inside b with
// transparent huge pages (madvise MADV_HUGEPAGE; it takes effect on
// systems whose THP setting is "madvise" or "always"). b must not have been
// touched yet: a huge page replaces the 512 faults of its small pages with
// one. Advice only: an error (no THP, an old kernel) changes nothing.
func adviseHuge(b []byte) {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	start := (p + hugePage - 1) &^ (hugePage - 1)
	end := (p + uintptr(len(b))) &^ (hugePage - 1)
	if end <= start {
		return
	}
	_ = unix.Madvise(b[start-p:end-p], unix.MADV_HUGEPAGE)
}
