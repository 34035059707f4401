package diagram

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"testing"
)

// pdfStreams is a PDF's bytes with every Flate stream inflated after it, so
// a test can look for the text the pages draw.
func pdfStreams(t *testing.T, pdf []byte) []byte {
	t.Helper()
	out := append([]byte(nil), pdf...)
	re := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	for _, m := range re.FindAllSubmatch(pdf, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not compressed
		}
		b, err := io.ReadAll(r)
		if err != nil && len(b) == 0 {
			continue
		}
		out = append(out, b...)
	}
	return out
}

// PDF text is Windows-1252, encoded once by the render pipeline: "Café"
// in a title and a lane is the byte 0xE9, never the UTF-8 "Ã©" pair.
func TestPDFWindows1252(t *testing.T) {
	a := synthetic(t)
	for _, m := range a.Members {
		if m.Name == "g-1" {
			m.Name = "Café-1"
		}
	}
	pv := newPanelView("cafe", "Café panel", a)
	f := newFigure("Café orders", "caption", []*panelView{pv})
	text := pdfStreams(t, renderFig(t, f, "pdf"))
	for _, want := range []string{"Caf\xe9 orders", "Caf\xe9 panel", "Caf\xe9-1"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("PDF lacks %q in Windows-1252", want)
		}
	}
	if bytes.Contains(text, []byte("Caf\xc3\xa9")) {
		t.Error("PDF holds UTF-8 \"Café\" (drawn as CafÃ©)")
	}
}
