package source

import (
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// This file places the glyphs of a page's content stream, the part of PDF
// text extraction that ledongthuc/pdf's Page.Content does less well than we
// need: it re-reads each font's character map at every font change (seconds
// per page for TeX output), appends a marker glyph after every TJ that some
// encodings decode as a letter, gives no width to the 14 standard fonts, and
// panics on an unbalanced Q. The library still parses the file, the content
// streams and the fonts' encodings.

// glyph is one character code as placed on the page, in device space.
type glyph struct {
	x, y float64 // origin
	end  float64 // x of the next glyph's origin, had it followed at once
	size float64 // font size as drawn
	s    string  // its text
}

// affine is a PDF transformation matrix [a b c d e f]; points are row
// vectors, so m.mul(n) applies m first.
type affine [6]float64

var identity = affine{1, 0, 0, 1, 0, 0}

func (m affine) mul(n affine) affine {
	return affine{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) affine { return affine{1, 0, 0, 1, x, y} }

// Limits against hostile content streams.
const (
	maxGlyphsPerPage = 2_000_000
	maxStateDepth    = 256 // q nesting
	maxFormDepth     = 8   // form XObjects drawing form XObjects
)

// pdfFont is what placing text needs from a font, read once per file.
type pdfFont struct {
	enc     pdf.TextEncoding // nil: bytes as Latin-1
	twoByte bool             // composite font: two-byte codes, as Identity-H
	first   int
	widths  []float64       // simple fonts, from first
	cid     map[int]float64 // composite fonts
	dw      float64         // composite fonts' default width
}

// missingWidth stands in for widths a font does not give, as for the 14
// standard fonts: an average glyph, so that glyphs advance and the gaps
// between words still show.
const missingWidth = 500

func (f *pdfFont) width(code int) float64 {
	if f.twoByte {
		if w, ok := f.cid[code]; ok {
			return w
		}
		return f.dw
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) && f.widths[i] > 0 {
		return f.widths[i]
	}
	return missingWidth
}

func (f *pdfFont) decode(raw string) string {
	if f.enc != nil {
		return f.enc.Decode(raw)
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		b.WriteRune(rune(raw[i]))
	}
	return b.String()
}

// fontCache holds the fonts of a file by resource name and base font, so
// that each is read once however often pages switch to it.
type fontCache map[string]*pdfFont

func (c fontCache) get(resources pdf.Value, name string) *pdfFont {
	v := resources.Key("Font").Key(name)
	key := name + "\x00" + v.Key("BaseFont").Name()
	if f, ok := c[key]; ok {
		return f
	}
	f := loadFont(v)
	c[key] = f
	return f
}

func loadFont(v pdf.Value) *pdfFont {
	if v.Kind() != pdf.Dict {
		return &pdfFont{}
	}
	font := pdf.Font{V: v}
	f := &pdfFont{enc: font.Encoder()}
	if v.Key("Subtype").Name() == "Type0" {
		f.twoByte = true
		f.cid = map[int]float64{}
		d := v.Key("DescendantFonts").Index(0)
		f.dw = 1000
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.dw = dw.Float64()
		}
		readCIDWidths(d.Key("W"), f.cid)
		return f
	}
	f.first = int(v.Key("FirstChar").Int64())
	w := v.Key("Widths")
	for i := 0; i < w.Len() && i < 65536; i++ {
		f.widths = append(f.widths, w.Index(i).Float64())
	}
	return f
}

// readCIDWidths reads a composite font's W array: "c [w1 w2 ...]" gives
// widths from c on, "cfirst clast w" one width for a range.
func readCIDWidths(w pdf.Value, out map[int]float64) {
	for i := 0; i+1 < w.Len() && len(out) < 1<<17; {
		c := int(w.Index(i).Int64())
		if next := w.Index(i + 1); next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(out) < 1<<17; j++ {
				out[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			return
		}
		last, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
		for code := c; code <= last && code-c < 1<<16 && len(out) < 1<<17; code++ {
			out[code] = width
		}
		i += 3
	}
}

// gstate is the part of the graphics state that places text.
type gstate struct {
	ctm                        affine
	tc, tw, th, tl, tfs, trise float64
	font                       *pdfFont
}

// textPlacer runs content streams and collects their glyphs.
type textPlacer struct {
	fonts  fontCache
	glyphs []glyph
}

// page places the glyphs of a page.
func (p *textPlacer) page(pg pdf.Page) []glyph {
	p.glyphs = p.glyphs[:0]
	g := gstate{ctm: identity, th: 1}
	p.run(pg.V.Key("Contents"), pg.Resources(), &g, 0)
	return p.glyphs
}

// run interprets one content stream, or an array of them, with resources.
func (p *textPlacer) run(content, resources pdf.Value, g *gstate, depth int) {
	if content.Kind() != pdf.Stream && content.Kind() != pdf.Array {
		return
	}
	var (
		stack  []gstate
		tm     = identity
		tlm    = identity
		nextLn = func() {
			tlm = translate(0, -g.tl).mul(tlm)
			tm = tlm
		}
	)
	show := func(raw string) {
		f := g.font
		if f == nil {
			f = &pdfFont{}
		}
		step := 1
		if f.twoByte {
			step = 2
		}
		for i := 0; i+step <= len(raw); i += step {
			code := int(raw[i])
			if step == 2 {
				code = code<<8 | int(raw[i+1])
			}
			trm := affine{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(tm).mul(g.ctm)
			tx := (f.width(code)/1000*g.tfs + g.tc) * g.th
			if step == 1 && code == ' ' {
				tx += g.tw * g.th
			}
			tm = translate(tx, 0).mul(tm)
			if len(p.glyphs) < maxGlyphsPerPage {
				end := affine{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(tm).mul(g.ctm)
				p.glyphs = append(p.glyphs, glyph{
					x: trm[4], y: trm[5], end: end[4],
					size: math.Hypot(trm[2], trm[3]),
					s:    f.decode(raw[i : i+step]),
				})
			}
		}
	}
	pdf.Interpret(content, func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 { return args[i].Float64() }
		switch {
		case op == "q":
			if len(stack) < maxStateDepth {
				stack = append(stack, *g)
			}
		case op == "Q":
			// An unbalanced Q is common and harmless.
			if n := len(stack); n > 0 {
				*g, stack = stack[n-1], stack[:n-1]
			}
		case op == "cm" && len(args) == 6:
			g.ctm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
		case op == "BT":
			tm, tlm = identity, identity
		case op == "Tf" && len(args) == 2:
			g.font = p.fonts.get(resources, args[0].Name())
			g.tfs = num(1)
		case op == "Tc" && len(args) == 1:
			g.tc = num(0)
		case op == "Tw" && len(args) == 1:
			g.tw = num(0)
		case op == "Tz" && len(args) == 1:
			g.th = num(0) / 100
		case op == "TL" && len(args) == 1:
			g.tl = num(0)
		case op == "Ts" && len(args) == 1:
			g.trise = num(0)
		case (op == "Td" || op == "TD") && len(args) == 2:
			if op == "TD" {
				g.tl = -num(1)
			}
			tlm = translate(num(0), num(1)).mul(tlm)
			tm = tlm
		case op == "Tm" && len(args) == 6:
			tlm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}
			tm = tlm
		case op == "T*":
			nextLn()
		case op == "Tj" && len(args) == 1:
			show(args[0].RawString())
		case op == "'" && len(args) == 1:
			nextLn()
			show(args[0].RawString())
		case op == "\"" && len(args) == 3:
			g.tw, g.tc = num(0), num(1)
			nextLn()
			show(args[2].RawString())
		case op == "TJ" && len(args) == 1:
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				switch x := a.Index(i); x.Kind() {
				case pdf.String:
					show(x.RawString())
				case pdf.Integer, pdf.Real:
					tm = translate(-x.Float64()/1000*g.tfs*g.th, 0).mul(tm)
				}
			}
		case op == "Do" && len(args) == 1 && depth < maxFormDepth:
			// Form XObjects hold text too; some producers put a whole
			// page in one.
			form := resources.Key("XObject").Key(args[0].Name())
			if form.Kind() != pdf.Stream || form.Key("Subtype").Name() != "Form" {
				return
			}
			saved := *g
			if m := form.Key("Matrix"); m.Len() == 6 {
				g.ctm = affine{m.Index(0).Float64(), m.Index(1).Float64(), m.Index(2).Float64(),
					m.Index(3).Float64(), m.Index(4).Float64(), m.Index(5).Float64()}.mul(g.ctm)
			}
			res := form.Key("Resources")
			if res.Kind() != pdf.Dict {
				res = resources
			}
			p.run(form, res, g, depth+1)
			*g = saved
		}
	})
}
