package ioc

import (
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/aptgraph/aptgraph/internal/swar"
)

// Byte classes.
const (
	cDigit  = 1 << iota // 0-9
	cAlpha              // A-Z a-z
	cHex                // 0-9 A-F a-f
	cLabel              // a domain label byte: alnum, '-', '_'
	cLocal              // an e-mail local-part byte: alnum and ._%+-
	cURL                // a byte that may appear in a URL after the host
	cTrig               // after a word, a byte that may make it an indicator
	cDefang             // a byte that may open a defanged form
	cSpace              // ASCII white space
	cGap                // between words, a byte that may start something: ':', '_', '%'

	cAlnum = cDigit | cAlpha
)

var cls = func() (t [256]uint16) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit | cHex
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cAlpha
		t[c-'a'+'A'] |= cAlpha
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] |= cHex
		t[c-'a'+'A'] |= cHex
	}
	for c := range t {
		if t[c]&cAlnum != 0 {
			t[c] |= cLabel | cLocal | cURL
		}
	}
	for _, c := range "-_" {
		t[c] |= cLabel
	}
	for _, c := range "._%+-" {
		t[c] |= cLocal
	}
	// RFC 3986 unreserved, sub-delims and the separators of path, query and
	// fragment, less the quote "'" that so often closes a quoted URL.
	for _, c := range "-._~:/?#@!$&*+,;=%()" {
		t[c] |= cURL
	}
	for _, c := range ".@:-_+" {
		t[c] |= cTrig
	}
	for _, c := range "[({\\" {
		t[c] |= cDefang
	}
	for _, c := range ":_%" {
		t[c] |= cGap
	}
	for _, c := range " \t\r\n\f\v" {
		t[c] |= cSpace
	}
	return t
}()

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Scan returns the indicators in text, in text order. See the package
// comment for what is reported.
func Scan(text string) []Match {
	r := refang(text)
	sc := scratchPool.Get().(*scratch)
	s := scanner{t: r.text, r: &r, pctEnd: -1, out: sc.out[:0], dots: sc.dots[:0]}
	s.run()
	var out []Match
	if len(s.out) > 0 {
		out = make([]Match, len(s.out))
		copy(out, s.out)
	}
	// Let go of the values, lest the pooled slice keep the text alive.
	clear(s.out)
	sc.out, sc.dots = s.out[:0], s.dots[:0]
	scratchPool.Put(sc)
	if len(r.edits) > 0 {
		for i := range out {
			out[i].Start = r.orig(out[i].Start)
			out[i].End = r.orig(out[i].End)
		}
	}
	return out
}

// scratch holds the slices a scan grows, for the next scan to use again:
// the matches are gathered in one and copied out at their number, which
// costs one allocation instead of one for each doubling.
type scratch struct {
	out  []Match
	dots []int
}

var scratchPool = sync.Pool{New: func() any { return &scratch{dots: make([]int, 0, 16)} }}

type scanner struct {
	t      string    // the refanged text
	r      *refanged // for offsets and the defanged test
	out    []Match
	urlEnd int   // the end of the URL whose path is being scanned
	pctEnd int   // the end of the last %XX escape skipped
	dots   []int // scratch for domain
	noName span  // hostish finds no name from a start in here
}

// span is a range of the scanned text, [Start, End).
type span struct{ Start, End int }

func (s *scanner) emit(typ Type, value string, start, end int) {
	s.out = append(s.out, Match{Type: typ, Value: value, Start: start, End: end})
}

// before returns the byte before i, or 0 at the start of the text and right
// after a percent escape (which counts as a boundary).
func (s *scanner) before(i int) byte {
	if i == 0 || i == s.pctEnd {
		return 0
	}
	return s.t[i-1]
}

func (s *scanner) run() {
	t := s.t
	n := len(t)
	for i := 0; i < n; {
		c := t[i]
		if cls[c]&cAlnum == 0 {
			// Between words only ':', '_' and '%' can start anything; one
			// table look-up passes over the spaces and punctuation of prose.
			if cls[c]&cGap != 0 {
				if e := s.gap(i); e > i {
					i = e
					continue
				}
			}
			i++
			continue
		}
		j := wordEnd(t, i)
		if j < n && cls[t[j]]&cTrig != 0 {
			if e := s.compound(i, j); e > i {
				i = e
				continue
			}
		}
		// Only "CVE" and the lengths of hashes need a closer look. t[i]|0x20
		// is 'c' for 'c' and 'C' and for no other letter or digit, so the
		// first operand is zero just for a three-byte word that starts with
		// a c: one branch instead of one on the length alone, which is hard
		// to predict in prose, where many words have three letters.
		w := j - i
		if (w-3)|int(t[i]|0x20^'c') == 0 || w >= 32 && hashWordLen(w) {
			i = s.word(i, j)
			continue
		}
		// The byte after the word is no letter or digit. Unless it is a
		// gap byte, it starts nothing: step over it here rather than at the
		// top of the loop, where most often a word follows.
		i = j
		if j < n && cls[t[j]]&cGap == 0 {
			i++
		}
	}
}

// wordEnd returns the end of the word (a run of letters and digits) that
// starts at i. Nearly all words of prose are shorter than sixteen bytes:
// their end is found in two eight-byte words without a branch on the
// length, which would be hard to predict; AlnumEnd reads a longer one.
func wordEnd(t string, i int) int {
	if i+16 > len(t) {
		return swar.AlnumEnd(t, i)
	}
	k := swar.Leading(swar.Alnum(swar.Load(t, i)))
	// k>>3 is 1 when all of the first eight are word bytes, else 0.
	k += k >> 3 * swar.Leading(swar.Alnum(swar.Load(t, i+8)))
	if k == 16 {
		return swar.AlnumEnd(t, i+16)
	}
	return i + k
}

// hashWordLen reports whether a word of n bytes may be a hash, or "0x" and a hash.
func hashWordLen(n int) bool {
	return hashType(n) != "" || hashType(n-2) != ""
}

// gap looks at the byte ':', '_' or '%' at i, between words, and returns
// where scanning goes on, or i when nothing starts there.
func (s *scanner) gap(i int) int {
	t := s.t
	n := len(t)
	switch t[i] {
	case ':':
		if i+1 < n && t[i+1] == ':' {
			return s.ipv6(i)
		}
	case '_':
		if i+1 < n && cls[t[i+1]]&cAlnum != 0 {
			return s.hostish(i)
		}
	case '%':
		if i+2 < n && cls[t[i+1]]&cHex != 0 && cls[t[i+2]]&cHex != 0 {
			s.pctEnd = i + 3
			return i + 3
		}
	}
	return i
}

// isHex reports whether w is all hex digits.
func isHex(w string) bool {
	for k := 0; k < len(w); k++ {
		if cls[w[k]]&cHex == 0 {
			return false
		}
	}
	return true
}

// word looks at the plain word t[i:j] for a hash or a CVE id and returns where
// scanning goes on.
func (s *scanner) word(i, j int) int {
	t := s.t
	switch n := j - i; {
	case hashType(n) != "" && isHex(t[i:j]):
		s.hash(i, j)
	case n == 3:
		if lower(t[i]) == 'c' && lower(t[i+1]) == 'v' && lower(t[i+2]) == 'e' {
			if e := s.cve(i, j); e > j {
				return e
			}
		}
	case n > 2 && t[i] == '0' && lower(t[i+1]) == 'x' && hashType(n-2) != "" && isHex(t[i+2:j]):
		s.hash(i+2, j)
	}
	return j
}

func hashType(n int) Type {
	switch n {
	case 32:
		return MD5
	case 40:
		return SHA1
	case 64:
		return SHA256
	case 128:
		return SHA512
	}
	return ""
}

// hash reports the hex run t[i:j] unless it is glued to other word bytes, is
// all decimal digits (a number, not a digest), or is labelled as an import
// or Authenticode hash.
func (s *scanner) hash(i, j int) {
	t := s.t
	if s.before(i) == '_' || (j < len(t) && t[j] == '_') {
		return
	}
	digits := true
	for k := i; k < j; k++ {
		if cls[t[k]]&cDigit == 0 {
			digits = false
			break
		}
	}
	if digits || labelledNonFileHash(t[:i]) {
		return
	}
	s.emit(hashType(j-i), lowerHex(t[i:j]), i, j)
}

// lowerHex lower-cases h, a hash of hex digits. Setting bit 5 of each byte
// lower-cases A-F and leaves the digits, which have it set already; so it
// needs no test per byte, unlike strings.ToLower, which is slow on hashes
// written in capitals or mixed case. Like strings.ToLower, it returns h
// itself when h is already lower-case.
func lowerHex(h string) string {
	var unset byte // the bits that are 0 in some byte of h
	for k := 0; k < len(h); k++ {
		unset |= ^h[k]
	}
	if unset&0x20 == 0 {
		return h
	}
	var buf [128]byte // the longest hash, SHA-512
	b := buf[:0]
	for k := 0; k < len(h); k++ {
		b = append(b, h[k]|0x20)
	}
	return string(b)
}

// labelledNonFileHash reports whether the text before a hash names it as an
// import hash or an Authenticode hash: hashes of parts of a file, not of the file.
func labelledNonFileHash(before string) bool {
	k := len(before)
	for n := 0; k > 0 && n < 8 && strings.IndexByte(" \t\r\n:-=", before[k-1]) >= 0; n++ {
		k--
	}
	b := before[:k]
	for _, w := range [...]string{"imphash", "import hash", "authentihash"} {
		if len(b) >= len(w) && strings.EqualFold(b[len(b)-len(w):], w) &&
			(len(b) == len(w) || cls[b[len(b)-len(w)-1]]&cAlnum == 0) {
			return true
		}
	}
	return false
}

// cve reads "CVE-2021-44228" (or "cve 2021-44228", "CVE_2021-44228",
// "CVE–2021–44228" with en dashes) where the word "CVE" is t[i:j], and
// returns its end, or j when there is none.
func (s *scanner) cve(i, j int) int {
	t := s.t
	k := j + cveSep(t[j:], true)
	if k == j {
		return j
	}
	ys := k
	for k < len(t) && k-ys < 5 && cls[t[k]]&cDigit != 0 {
		k++
	}
	if k-ys != 4 {
		return j
	}
	year := t[ys:k]
	n := cveSep(t[k:], false)
	if n == 0 {
		return j
	}
	k += n
	ns := k
	for k < len(t) && k-ns < 8 && cls[t[k]]&cDigit != 0 {
		k++
	}
	if k-ns < 4 || k-ns > 7 || (k < len(t) && cls[t[k]]&cLabel != 0) {
		return j
	}
	s.emit(CVE, "CVE-"+year+"-"+t[ns:k], i, k)
	return k
}

// cveSep returns the length of the separator that starts s: a hyphen, an
// en dash, a non-breaking hyphen and, after "CVE" (first), a space or '_'.
func cveSep(s string, first bool) int {
	switch {
	case s == "":
		return 0
	case s[0] == '-' || first && (s[0] == ' ' || s[0] == '_'):
		return 1
	case strings.HasPrefix(s, "\u2013"), strings.HasPrefix(s, "\u2011"), strings.HasPrefix(s, "\u2010"):
		return 3
	}
	return 0
}

// compound looks at a word t[i:j] followed by a trigger byte: a URL scheme,
// an IP address, an e-mail address or a domain. It returns where scanning
// goes on, or i when the word starts none of them.
func (s *scanner) compound(i, j int) int {
	t := s.t
	switch t[j] {
	case ':':
		if j+2 < len(t) && t[j+1] == '/' && t[j+2] == '/' {
			if scheme, ok := schemeOf(t[i:j]); ok {
				return s.url(i, j, scheme)
			}
			return i
		}
		if j-i <= 4 && isHex(t[i:j]) {
			return s.ipv6(i)
		}
		return i
	case '.':
		if j+1 >= len(t) || cls[t[j+1]]&cLabel == 0 {
			return i // the end of a sentence
		}
		if j-i <= 4 && allDigits(t[i:j]) {
			if e := s.ipv4(i); e > i {
				return e
			}
		}
	}
	return s.hostish(i)
}

func allDigits(s string) bool {
	for k := 0; k < len(s); k++ {
		if cls[s[k]]&cDigit == 0 {
			return false
		}
	}
	return true
}

// schemeOf returns the normalised scheme for a URL scheme as written,
// defanged ones included.
func schemeOf(w string) (string, bool) {
	if len(w) < 2 || len(w) > 5 {
		return "", false
	}
	var buf [5]byte
	for k := 0; k < len(w); k++ {
		buf[k] = lower(w[k])
	}
	switch string(buf[:len(w)]) {
	case "http", "hxxp", "hxtp", "htxp", "hxxxp":
		return "http", true
	case "https", "hxxps", "hxtps", "htxps":
		return "https", true
	case "ftp", "fxp":
		return "ftp", true
	case "ftps", "fxps":
		return "ftps", true
	case "sftp":
		return "sftp", true
	case "ws":
		return "ws", true
	case "wss":
		return "wss", true
	}
	return "", false
}

// Limits that keep every local look-ahead short, so a scan stays linear.
const (
	maxLabel  = 63
	maxDomain = 253
	maxLocal  = 64
	maxIPv6   = 45
)

// hostish reads an e-mail address or a domain (with a URL without scheme)
// starting at i and returns where scanning goes on, or i.
func (s *scanner) hostish(i int) int {
	t := s.t
	if s.noName.Start <= i && i < s.noName.End {
		return i
	}
	k := i
	for end := min(len(t), i+maxLocal+1); k < end && cls[t[k]]&cLocal != 0; {
		k++
	}
	dot := labelDot(t, i, k) // a name may start in the run
	if !dot && (k >= len(t) || t[k] != '@') {
		// No name: a first label of more than 63 bytes would be too long.
		// Nor is there one from any later start in the run, when the run
		// ended on its own: "command-and-control" is read once, not at
		// each of its words.
		if k >= len(t) || cls[t[k]]&cLocal == 0 {
			s.noName = span{i, k}
		}
		return i
	}
	if k < len(t) && t[k] == '@' {
		if e, ok := s.email(i, k); ok {
			return e
		}
		return k
	}
	d := s.domain(i, false)
	if !d.ok {
		if d.labels < 2 {
			return i
		}
		// A dotted token that is no name (cmd.exe, Trojan.Win32.Agent.gs):
		// look at its first word for a hash, and skip the rest, lest a
		// tail of it (Agent.gs) pass for a name.
		w := i
		for w < len(t) && cls[t[w]]&cAlnum == 0 {
			w++
		}
		j := w
		for j < len(t) && cls[t[j]]&cAlnum != 0 {
			j++
		}
		if j > w {
			s.word(w, j)
		}
		return max(d.end, j)
	}
	if i >= s.urlEnd {
		s.schemelessURL(i, d)
	}
	s.emit(Domain, d.value, i, d.end)
	return d.end
}

// labelDot reports whether t[i:k] holds a dot followed by a label byte.
// Most runs hold no dot at all ("command-and-control"), and IndexByte
// finds that sooner than a test of each byte.
func labelDot(t string, i, k int) bool {
	for {
		d := strings.IndexByte(t[i:k], '.')
		if d < 0 {
			return false
		}
		i += d + 1
		if i < len(t) && cls[t[i]]&cLabel != 0 {
			return true
		}
	}
}

// host is a parsed domain name.
type host struct {
	end    int // the end of the name, or of the dotted token when !ok
	labels int // the number of labels read
	value  string
	ok     bool
}

// domain reads a dotted name at i. explicit says the name stands where only a
// host can (a URL's authority, after an e-mail's '@'), so the guards against
// file names, code and run-together sentences are off; they are off for a
// defanged name too, which someone marked as an indicator.
func (s *scanner) domain(i int, explicit bool) host {
	t := s.t
	dots := s.dots[:0]
	k := i
	labels := 0
	bad := false
	for {
		ls := k
		for k < len(t) && k-ls <= maxLabel && cls[t[k]]&cLabel != 0 {
			k++
		}
		if k == ls {
			break
		}
		if k-ls > maxLabel || t[ls] == '-' || t[k-1] == '-' {
			bad = true
		}
		labels++
		if k < len(t) && t[k] == '.' && k+1 < len(t) && cls[t[k+1]]&cLabel != 0 && k-i < maxDomain {
			dots = append(dots, k)
			s.dots = dots
			k++
			continue
		}
		break
	}
	end := k
	h := host{end: end, labels: labels}
	if labels < 2 || bad || end-i > maxDomain || end < len(t) && cls[t[end]]&cLabel != 0 {
		return h
	}
	guarded := !explicit && !s.r.defanged(i, end)
	if !explicit && cls[s.before(i)]&cLabel != 0 {
		return h // "bad_name.com", "x-evil.com": the tail of a longer word
	}
	for {
		tld := t[dots[len(dots)-1]+1 : end]
		if validTLD(tld) && (!guarded || plausibleName(t[i:end], tld, dots, i, s.before(i), s.before(i-1))) {
			break
		}
		// "example.com.The": a name run into the next sentence.
		if !guarded || len(dots) < 2 || !titleCase(tld) {
			return h
		}
		end = dots[len(dots)-1]
		dots = dots[:len(dots)-1]
	}
	name := strings.ToLower(t[i:end])
	if !registrable(name) {
		return h
	}
	return host{end: end, labels: len(dots) + 1, value: name, ok: true}
}

// schemelessURL reports "evil.example/path" when the domain d at i is
// followed by a path.
func (s *scanner) schemelessURL(i int, d host) {
	t := s.t
	p := d.end
	if p < len(t) && t[p] == ':' {
		q := p + 1
		for q < len(t) && q-p <= 5 && cls[t[q]]&cDigit != 0 {
			q++
		}
		if q > p+1 && q < len(t) && t[q] == '/' {
			p = q
		}
	}
	if p+1 >= len(t) || t[p] != '/' || cls[t[p+1]]&cURL == 0 || t[p+1] == '/' {
		return
	}
	end := s.urlRest(i, p)
	if end <= p+1 {
		return
	}
	s.emit(URL, d.value+t[d.end:end], i, end)
	s.urlEnd = end
}

// url reads a URL whose scheme is t[i:j] and returns where scanning goes on:
// right after the host, so that the path and query are scanned too.
func (s *scanner) url(i, j int, scheme string) int {
	t := s.t
	p := j + 3
	if i < s.urlEnd {
		// A URL inside a URL: its host is scanned as a domain.
		return p
	}
	// Authority: [userinfo@]host[:port].
	a := p
	for a < len(t) && a-p < 512 && cls[t[a]]&cURL != 0 && t[a] != '/' && t[a] != '?' && t[a] != '#' {
		a++
	}
	hs := p
	if at := strings.LastIndexByte(t[p:a], '@'); at >= 0 {
		hs = p + at + 1
	}
	var (
		he       int
		hostVal  string
		hostType Type
		vs, ve   = hs, 0 // the host's span without brackets
	)
	switch {
	case hs < len(t) && t[hs] == '[':
		q := strings.IndexByte(t[hs:min(len(t), hs+maxIPv6+2)], ']')
		if q < 0 {
			return p
		}
		addr, err := netip.ParseAddr(t[hs+1 : hs+q])
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return p
		}
		he, vs, ve = hs+q+1, hs+1, hs+q
		hostType, hostVal = IPv6, strings.ToLower(t[vs:ve])
	case hs < len(t) && cls[t[hs]]&cDigit != 0 && s.dottedQuad(hs):
		v, e, ok := parseIPv4(t, hs)
		if !ok {
			return p
		}
		he, ve = e, e
		hostType, hostVal = IPv4, v
	default:
		d := s.domain(hs, true)
		if !d.ok {
			return p
		}
		he, ve = d.end, d.end
		hostType, hostVal = Domain, d.value
	}
	if he < len(t) && (t[he] == '.' || cls[t[he]]&cLabel != 0) {
		return p
	}
	pe := he
	if pe < len(t) && t[pe] == ':' {
		q := pe + 1
		for q < len(t) && q-pe <= 5 && cls[t[q]]&cDigit != 0 {
			q++
		}
		if q > pe+1 {
			pe = q
		}
	}
	end := pe
	if pe < len(t) && (t[pe] == '/' || t[pe] == '?' || t[pe] == '#') {
		end = s.urlRest(i, pe)
	}
	hostText := hostVal
	if hostType == IPv6 {
		hostText = "[" + hostVal + "]"
	}
	s.emit(URL, scheme+"://"+t[p:hs]+hostText+t[he:end], i, end)
	s.emit(hostType, hostVal, vs, ve)
	s.urlEnd = end
	return pe
}

// urlRest reads a URL's path, query and fragment from p and returns their
// end. A comma ends the path (URLs in lists and CSV rows) but not the query;
// trailing punctuation and an unbalanced closing parenthesis are left out.
func (s *scanner) urlRest(start, p int) int {
	t := s.t
	q := p
	query := false
	for q < len(t) {
		c := t[q]
		if cls[c]&cURL == 0 || (c == ',' && !query) {
			break
		}
		if c == '?' || c == '#' {
			query = true
		}
		q++
	}
	for q > p {
		c := t[q-1]
		if strings.IndexByte(".,;:!?*", c) >= 0 {
			q--
			continue
		}
		if c == ')' && strings.Count(t[start:q], "(") < strings.Count(t[start:q], ")") {
			q--
			continue
		}
		break
	}
	return q
}

// email reads an address whose local part ends at the '@' at k; i is where
// the run of local-part bytes begins. It returns the address's end.
func (s *scanner) email(i, k int) (int, bool) {
	t := s.t
	for i < k && cls[t[i]]&cAlnum == 0 {
		i++ // "-----foo@", ".foo@"
	}
	local := t[i:k]
	if local == "" || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return 0, false
	}
	if k+1 < len(t) && t[k+1] == '[' {
		return s.emailLiteral(i, k)
	}
	d := s.domain(k+1, true)
	if !d.ok {
		return 0, false
	}
	if !xmppHost(d.value) {
		s.emit(Email, strings.ToLower(local)+"@"+d.value, i, d.end)
	}
	s.emit(Domain, d.value, k+1, d.end)
	return d.end, true
}

// emailLiteral reads "user@[192.0.2.1]" or "user@[IPv6:2001:db8::1]".
func (s *scanner) emailLiteral(i, k int) (int, bool) {
	t := s.t
	ls := k + 2
	q := strings.IndexByte(t[ls:min(len(t), ls+maxIPv6+6)], ']')
	if q < 0 {
		return 0, false
	}
	lit := t[ls : ls+q]
	local := strings.ToLower(t[i:k])
	if len(lit) > 5 && strings.EqualFold(lit[:5], "IPv6:") {
		addr, err := netip.ParseAddr(lit[5:])
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return 0, false
		}
		v := strings.ToLower(lit[5:])
		s.emit(Email, local+"@[IPv6:"+v+"]", i, ls+q+1)
		s.emit(IPv6, v, ls+5, ls+q)
		return ls + q + 1, true
	}
	v, e, ok := parseIPv4(t, ls)
	if !ok || e != ls+q {
		return 0, false
	}
	s.emit(Email, local+"@["+v+"]", i, ls+q+1)
	s.emit(IPv4, v, ls, e)
	return ls + q + 1, true
}

// xmppHost reports whether an address at domain d is an XMPP (Jabber) id:
// a label of d names jabber or xmpp (swissjabber.de, jabber.ru, xmpp.jp).
func xmppHost(d string) bool {
	return strings.Contains(d, "jabber") || strings.Contains(d, "xmpp")
}

// dottedQuad reports whether four dot-separated digit groups start at i.
func (s *scanner) dottedQuad(i int) bool {
	t := s.t
	for g := 0; g < 4; g++ {
		k := i
		for k < len(t) && cls[t[k]]&cDigit != 0 {
			k++
		}
		if k == i {
			return false
		}
		if g < 3 {
			if k >= len(t) || t[k] != '.' {
				return false
			}
			k++
		}
		i = k
	}
	return true
}

// parseIPv4 reads exactly four decimal octets (0-255, at most three digits
// each, leading zeros dropped) at i. It returns the normalised address and
// its end.
func parseIPv4(t string, i int) (string, int, bool) {
	var b [15]byte
	out := b[:0]
	k := i
	for g := 0; g < 4; g++ {
		ds := k
		v := 0
		for k < len(t) && cls[t[k]]&cDigit != 0 && k-ds < 4 {
			v = v*10 + int(t[k]-'0')
			k++
		}
		if k == ds || k-ds > 3 || v > 255 {
			return "", k, false
		}
		if g > 0 {
			out = append(out, '.')
		}
		out = strconv.AppendInt(out, int64(v), 10)
		if g < 3 {
			if k >= len(t) || t[k] != '.' {
				return "", k, false
			}
			k++
		}
	}
	return string(out), k, true
}

// ipv4 reads a dotted number at i: an IPv4 address or network when it is one,
// and otherwise skips it whole (a version number, a date, an OID) so that no
// address is found inside it. It returns i when the run is not all numbers.
func (s *scanner) ipv4(i int) int {
	t := s.t
	// The whole dotted run of digit groups.
	k, groups := i, 0
	for {
		ds := k
		for k < len(t) && cls[t[k]]&cDigit != 0 {
			k++
		}
		if k == ds {
			break
		}
		groups++
		if k+1 < len(t) && t[k] == '.' && cls[t[k+1]]&cDigit != 0 {
			k++
			continue
		}
		break
	}
	end := k
	if groups < 2 {
		return i
	}
	// Glued to letters: "1.2.3.4a" and "1.1.1.1.a" are not addresses;
	// "1.2.3.example" may be a name.
	if end < len(t) && (glued(t[end]) || t[end] == '.' && end+1 < len(t) && glued(t[end+1])) {
		if groups == 4 || glued(t[end]) {
			return s.skipToken(end)
		}
		return i
	}
	if groups != 4 {
		return end
	}
	if b := s.before(i); b == '.' || b == '_' || versionContext(t[:i]) {
		return end
	}
	v, _, ok := parseIPv4(t, i)
	if !ok {
		return end
	}
	if q, bits, ok := s.prefixLen(end, 32); ok {
		s.cidr(v, bits, i, end, q)
		return q
	}
	s.emit(IPv4, v, i, end)
	return end
}

// glued reports whether c, right after a number, makes it part of a word.
func glued(c byte) bool { return cls[c]&cAlnum != 0 || c == '_' }

// prefixLen reads a "/24" prefix length of at most max bits at p. It returns
// the end and the length.
func (s *scanner) prefixLen(p, max int) (int, int, bool) {
	t := s.t
	if p+1 >= len(t) || t[p] != '/' || cls[t[p+1]]&cDigit == 0 {
		return 0, 0, false
	}
	q, bits := p+1, 0
	for q < len(t) && q-p <= 4 && cls[t[q]]&cDigit != 0 {
		bits = bits*10 + int(t[q]-'0')
		q++
	}
	if q-p > 4 || bits > max || q < len(t) && (glued(t[q]) || t[q] == '/' ||
		t[q] == '.' && q+1 < len(t) && cls[t[q+1]]&cDigit != 0) {
		return 0, 0, false
	}
	return q, bits, true
}

// versionContext reports whether the text before a dotted quad makes it a
// version number: "version 2.7.0.40", "v1.2.3.4", "Swagger-Codegen/1.4.0.0",
// "Tools~~~~0.0.1.0".
func versionContext(before string) bool {
	k := len(before)
	if k == 0 {
		return false
	}
	switch c := before[k-1]; {
	case c == '~':
		return true
	case c == '/':
		return k >= 2 && cls[before[k-2]]&cAlpha != 0
	}
	for n := 0; k > 0 && n < 3 && (before[k-1] == ' ' || before[k-1] == ':' || before[k-1] == '.'); n++ {
		k--
	}
	w := k
	for w > 0 && cls[before[w-1]]&cAlpha != 0 {
		w--
	}
	if w > 0 && cls[before[w-1]]&cAlnum != 0 {
		return false
	}
	switch strings.ToLower(before[w:k]) {
	case "v", "ver", "version", "build", "release", "firmware", "rev", "revision":
		return true
	}
	return false
}

// skipToken returns the end of the run of label bytes and dots from k.
func (s *scanner) skipToken(k int) int {
	t := s.t
	for k < len(t) && (cls[t[k]]&cLabel != 0 || t[k] == '.') {
		k++
	}
	return k
}

// cidr reports a network and, when it names a host rather than a network,
// its address.
func (s *scanner) cidr(addr string, bits, start, addrEnd, end int) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return
	}
	s.emit(CIDR, addr+"/"+strconv.Itoa(bits), start, end)
	if p.Addr() != a || bits == a.BitLen() {
		typ := IPv4
		if a.Is6() {
			typ = IPv6
		}
		s.emit(typ, addr, start, addrEnd)
	}
}

// ipv6 reads an IPv6 address or network at i and returns its end, or i.
func (s *scanner) ipv6(i int) int {
	t := s.t
	if b := s.before(i); cls[b]&cLabel != 0 || b == ':' || b == '.' {
		return i
	}
	k := i
	for k < len(t) && k-i <= maxIPv6 && (cls[t[k]]&cHex != 0 || t[k] == ':' || t[k] == '.') {
		k++
	}
	if k-i > maxIPv6 {
		return i
	}
	end := k
	for end > i && t[end-1] == '.' {
		end--
	}
	if end-i >= 2 && t[end-1] == ':' && t[end-2] != ':' {
		end--
	}
	if end < len(t) && cls[t[end]]&cLabel != 0 {
		return i
	}
	c := t[i:end]
	if strings.Count(c, ":") < 2 || strings.Trim(c, ":") == "" {
		return i
	}
	addr, err := netip.ParseAddr(c)
	if err != nil || !addr.Is6() {
		return i
	}
	v := strings.ToLower(c)
	if q, bits, ok := s.prefixLen(end, 128); ok {
		s.cidr(v, bits, i, end, q)
		return q
	}
	if strings.HasSuffix(c, "::") {
		return i // "a::", "Foo::": a network only with its prefix length
	}
	s.emit(IPv6, v, i, end)
	return end
}
