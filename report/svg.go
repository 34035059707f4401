package report

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
)

var (
	svgProlog     = regexp.MustCompile(`(?is)<\?xml.*?\?>|<!DOCTYPE[^>]*>`)
	svgScript     = regexp.MustCompile(`(?is)<script\b.*?</script\s*>|<script\b[^>]*/>|<foreignObject\b.*?</foreignObject\s*>`)
	svgTag        = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	svgHandler    = regexp.MustCompile(`(?i)\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	svgJSURL      = regexp.MustCompile(`(?i)((?:xlink:)?href\s*=\s*["'])\s*javascript:[^"']*`)
	svgID         = regexp.MustCompile(`\sid\s*=\s*"([^"]+)"`)
	svgURLRef     = regexp.MustCompile(`url\(\s*['"]?#([^)'"\s]+)['"]?\s*\)`)
	svgHrefRef    = regexp.MustCompile(`((?:xlink:)?href\s*=\s*")#([^"]+)"`)
	svgRootOpen   = regexp.MustCompile(`(?is)<svg\b`)
	errNotSVG     = errors.New("is not an SVG image")
	errSVGTooLong = errors.New("is larger than 20 MB and was not inlined")
)

// inlineSVG prepares an SVG file for inlining in an HTML page: it drops the
// XML prolog, anything that could run (scripts, event handlers, javascript:
// links, foreignObject), gives every id the prefix so that several charts on
// one page cannot clash (rewriting url(#id) and href="#id" references to
// match), and labels the root element for screen readers.
func inlineSVG(b []byte, prefix, label string) (string, error) {
	if len(b) > 20<<20 {
		return "", errSVGTooLong
	}
	s := svgProlog.ReplaceAllString(string(b), "")
	s = svgScript.ReplaceAllString(s, "")
	s = svgTag.ReplaceAllStringFunc(s, func(tag string) string {
		tag = svgHandler.ReplaceAllString(tag, "")
		return svgJSURL.ReplaceAllString(tag, "${1}#")
	})
	loc := svgRootOpen.FindStringIndex(s)
	if loc == nil {
		return "", errNotSVG
	}
	s = strings.TrimSpace(s[loc[0]:])
	ids := map[string]bool{}
	for _, m := range svgID.FindAllStringSubmatch(s, -1) {
		ids[m[1]] = true
	}
	if len(ids) > 0 {
		s = svgID.ReplaceAllStringFunc(s, func(m string) string {
			id := svgID.FindStringSubmatch(m)[1]
			return ` id="` + prefix + "-" + id + `"`
		})
		s = svgURLRef.ReplaceAllStringFunc(s, func(m string) string {
			id := svgURLRef.FindStringSubmatch(m)[1]
			if !ids[id] {
				return m
			}
			return "url(#" + prefix + "-" + id + ")"
		})
		s = svgHrefRef.ReplaceAllStringFunc(s, func(m string) string {
			sub := svgHrefRef.FindStringSubmatch(m)
			if !ids[sub[2]] {
				return m
			}
			return sub[1] + "#" + prefix + "-" + sub[2] + `"`
		})
	}
	var out bytes.Buffer
	out.WriteString(`<svg role="img" aria-label="`)
	out.WriteString(attrEscape(label))
	out.WriteString(`"`)
	out.WriteString(s[len("<svg"):])
	return out.String(), nil
}

func attrEscape(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace(s)
}
