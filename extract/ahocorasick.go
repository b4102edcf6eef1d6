package extract

// matcher is an Aho-Corasick automaton over bytes, compiled to a full
// transition table on a reduced alphabet. Matching folds ASCII case, so
// patterns are given in lower case; word boundaries are checked by the caller.
type matcher struct {
	class    [256]uint8 // byte -> alphabet class; 0 = a byte no pattern uses
	verify   []bool     // per pattern: it holds bytes of the shared class, so a hit must be checked
	nclass   int
	next     []int32   // state*nclass + class -> state (negated when it has outputs); nil when next16 is used
	next16   []uint16  // the same table for automata of at most 65,536 states, half the size
	hasOut   []uint64  // bit per state: it has outputs (with next16)
	depth    []uint16  // trie depth of each state: a transition is a trie edge when it goes one deeper
	low16    []uint16  // with a wide table: the rows of the first 65,535 states in 16 bits, 0xffff where the target is beyond
	starts   [256]bool // bytes some pattern starts with, case folded
	out      []int32   // state -> first output index into outs, -1 if none
	outs     []acOut   // linked list of outputs per state
	patterns []string
}

type acOut struct {
	pattern int32 // pattern index
	length  int32 // pattern length in bytes
	link    int32 // next output of the same state, -1 at the end
}

// acMatch is one pattern occurrence: text[Start:End] equals patterns[Pattern]
// up to ASCII case.
type acMatch struct {
	Pattern    int
	Start, End int
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// newMatcher compiles patterns (already lower-cased; empty ones are ignored).
func newMatcher(patterns []string) *matcher {
	m := &matcher{patterns: patterns}
	// Alphabet: letters, digits, space, hyphen, period and apostrophe used by
	// a pattern get a class each (upper-case letters share their lower-case
	// form's); every other byte a pattern uses shares one class, and hits of
	// patterns holding such bytes are checked against the text. A small
	// alphabet keeps the table small enough to stay in cache.
	var used [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			used[lowerByte(p[i])] = true
		}
	}
	own := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ' || c == '-' || c == '.' || c == '\''
	}
	n := 1
	shared := uint8(0)
	for c := 0; c < 256; c++ {
		if !used[c] {
			continue
		}
		if own(byte(c)) {
			m.class[c] = uint8(n)
			n++
			continue
		}
		if shared == 0 {
			shared = uint8(n)
			n++
		}
		m.class[c] = shared
	}
	for c := 'A'; c <= 'Z'; c++ {
		m.class[c] = m.class[c+'a'-'A']
	}
	m.nclass = n
	m.verify = make([]bool, len(patterns))
	for i, p := range patterns {
		for j := 0; j < len(p); j++ {
			if shared != 0 && m.class[p[j]] == shared {
				m.verify[i] = true
				break
			}
		}
	}

	// Trie.
	type node struct {
		fail  int32
		out   int32
		depth int32
	}
	nodes := []node{{out: -1}}
	next := make([]int32, n) // root row; -1 = absent
	for i := range next {
		next[i] = -1
	}
	for pi, p := range patterns {
		if p == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := m.class[p[i]]
			t := next[int(s)*n+int(c)]
			if t < 0 {
				t = int32(len(nodes))
				nodes = append(nodes, node{out: -1, depth: nodes[s].depth + 1})
				for k := 0; k < n; k++ {
					next = append(next, -1)
				}
				next[int(s)*n+int(c)] = t
			}
			s = t
		}
		m.outs = append(m.outs, acOut{pattern: int32(pi), length: int32(len(p)), link: nodes[s].out})
		nodes[s].out = int32(len(m.outs) - 1)
	}

	// Breadth-first: failure links, output links, and the full table.
	queue := make([]int32, 0, len(nodes))
	for c := 0; c < n; c++ {
		t := next[c]
		if t < 0 {
			next[c] = 0
			continue
		}
		nodes[t].fail = 0
		queue = append(queue, t)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		// Append the failure state's outputs after this state's own.
		if fo := nodes[f].out; fo >= 0 {
			if nodes[s].out < 0 {
				nodes[s].out = fo
			} else {
				last := nodes[s].out
				for m.outs[last].link >= 0 {
					last = m.outs[last].link
				}
				m.outs[last].link = fo
			}
		}
		row := int(s) * n
		frow := int(f) * n
		for c := 0; c < n; c++ {
			t := next[row+c]
			if t < 0 {
				next[row+c] = next[frow+c]
				continue
			}
			nodes[t].fail = next[frow+c]
			queue = append(queue, t)
		}
	}
	m.out = make([]int32, len(nodes))
	m.depth = make([]uint16, len(nodes))
	for i, nd := range nodes {
		m.out[i] = nd.out
		m.depth[i] = uint16(min(nd.depth, 0xffff))
	}
	for _, p := range patterns {
		if p != "" {
			c := p[0]
			m.starts[c] = true
			if c >= 'a' && c <= 'z' {
				m.starts[c-'a'+'A'] = true
			}
		}
	}
	// Mark transitions into states with outputs by negating them, so the scan
	// loop reads only the table for the common case of no output.
	for i, t := range next {
		if m.out[t] >= 0 {
			next[i] = -t - 1
		}
	}
	// hasOut is kept for every state: the word-start walk reads it.
	m.hasOut = make([]uint64, (len(nodes)+63)/64)
	for i := range nodes {
		if m.out[i] >= 0 {
			m.hasOut[i>>6] |= 1 << (uint(i) & 63)
		}
	}
	if len(nodes) <= maxNarrowStates {
		m.next16 = make([]uint16, len(next))
		for i, t := range next {
			if t < 0 {
				t = -t - 1
			}
			m.next16[i] = uint16(t)
		}
		return m
	}
	m.next = next
	// The states a walk from a word start visits are mostly shallow, and
	// breadth-first numbering puts those first: keep their rows in 16 bits.
	rows := min(len(nodes), 0xffff)
	m.low16 = make([]uint16, rows*n)
	for i := range m.low16 {
		t := next[i]
		if t < 0 {
			t = -t - 1
		}
		if t >= 0xffff {
			t = 0xffff
		}
		m.low16[i] = uint16(t)
	}
	return m
}

// find calls fn for every occurrence of every pattern in text, in order of
// end position.
func (m *matcher) find(text string, fn func(acMatch)) {
	if m.next16 != nil {
		m.find16(text, fn)
		return
	}
	s := int32(0)
	n := int32(m.nclass)
	next, out, class := m.next, m.out, &m.class
	for i := 0; i < len(text); i++ {
		s = next[s*n+int32(class[text[i]])]
		if s < 0 {
			s = -s - 1
			for o := out[s]; o >= 0; o = m.outs[o].link {
				e := m.outs[o]
				start := i + 1 - int(e.length)
				if m.verify[e.pattern] && !equalFoldASCII(text[start:i+1], m.patterns[e.pattern]) {
					continue
				}
				fn(acMatch{Pattern: int(e.pattern), Start: start, End: i + 1})
			}
		}
	}
}

// equalFoldASCII reports whether s equals the lower-case pattern p up to
// ASCII case.
func equalFoldASCII(s, p string) bool {
	if len(s) != len(p) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerByte(s[i]) != p[i] {
			return false
		}
	}
	return true
}

// maxNarrowStates is the most states the 16-bit table can address; tests
// lower it to exercise the wide table.
var maxNarrowStates = 1 << 16

// find16 is find over the 16-bit table.
func (m *matcher) find16(text string, fn func(acMatch)) {
	s := uint32(0)
	n := uint32(m.nclass)
	next, hasOut, class := m.next16, m.hasOut, &m.class
	for i := 0; i < len(text); i++ {
		s = uint32(next[s*n+uint32(class[text[i]])])
		if hasOut[s>>6]&(1<<(s&63)) == 0 {
			continue
		}
		for o := m.out[s]; o >= 0; o = m.outs[o].link {
			e := m.outs[o]
			start := i + 1 - int(e.length)
			if m.verify[e.pattern] && !equalFoldASCII(text[start:i+1], m.patterns[e.pattern]) {
				continue
			}
			fn(acMatch{Pattern: int(e.pattern), Start: start, End: i + 1})
		}
	}
}

// chains is how many independent stretches of text findInterleaved walks at
// once. Each step of a walk waits on one table load; four walks in one loop
// keep four loads in flight, which matters once the table is out of cache.
const chains = 4

// findInterleaved reports the same occurrences as find, in no particular
// order. It cuts the text at bytes no pattern uses (the automaton is back at
// its root after one) and walks the pieces side by side.
func (m *matcher) findInterleaved(text string, fn func(acMatch)) {
	if m.next16 == nil || len(text) < 4096 {
		m.find(text, fn)
		return
	}
	// Cut points: near each quarter, the next byte of class 0.
	var starts, ends [chains]int
	prev := 0
	for k := 0; k < chains; k++ {
		starts[k] = prev
		if k == chains-1 {
			ends[k] = len(text)
			break
		}
		cut := len(text) * (k + 1) / chains
		if cut < prev {
			cut = prev
		}
		for cut < len(text) && m.class[text[cut]] != 0 {
			cut++
		}
		if cut < len(text) {
			cut++ // the state after the class-0 byte is the root
		}
		ends[k] = cut
		prev = cut
	}
	var st [chains]uint32
	var pos [chains]int
	pos = starts
	n := uint32(m.nclass)
	next, hasOut, class := m.next16, m.hasOut, &m.class
	emit := func(k int, s uint32, i int) {
		for o := m.out[s]; o >= 0; o = m.outs[o].link {
			e := m.outs[o]
			start := i + 1 - int(e.length)
			if start < starts[k] {
				continue // cannot happen: pieces start at the root
			}
			if m.verify[e.pattern] && !equalFoldASCII(text[start:i+1], m.patterns[e.pattern]) {
				continue
			}
			fn(acMatch{Pattern: int(e.pattern), Start: start, End: i + 1})
		}
	}
	for {
		active := false
		for k := 0; k < chains; k++ {
			i := pos[k]
			if i >= ends[k] {
				continue
			}
			active = true
			s := uint32(next[st[k]*n+uint32(class[text[i]])])
			st[k] = s
			if hasOut[s>>6]&(1<<(s&63)) != 0 {
				emit(k, s, i)
			}
			pos[k] = i + 1
		}
		if !active {
			return
		}
	}
}

// findAtWordStarts reports the occurrences that start at a word boundary:
// where the byte before is not a letter or digit, or the first byte is not
// one. Those are the only ones a caller that checks word boundaries keeps,
// and walking the trie from each such start touches far fewer table rows
// than running the automaton over every byte. Order is by start.
func (m *matcher) findAtWordStarts(text string, fn func(acMatch)) {
	if m.next16 == nil {
		m.findAtWordStartsWide(text, fn)
		return
	}
	n := uint32(m.nclass)
	next, hasOut, class, depth := m.next16, m.hasOut, &m.class, m.depth
	prevWord := false
	for p := 0; p < len(text); p++ {
		c := text[p]
		word := isWordByte(c)
		startHere := (!prevWord || !word) && m.starts[c]
		// After a non-ASCII byte a word may start (the boundary check lets
		// names follow letters of other scripts).
		prevWord = word && c < 0x80
		if !startHere {
			continue
		}
		s := uint32(0)
		for i := p; i < len(text); i++ {
			t := uint32(next[s*n+uint32(class[text[i]])])
			if uint32(depth[t]) != uint32(depth[s])+1 {
				break // off the trie: no pattern starting at p goes on
			}
			s = t
			if hasOut[s>>6]&(1<<(s&63)) == 0 {
				continue
			}
			for o := m.out[s]; o >= 0; o = m.outs[o].link {
				e := m.outs[o]
				if int(e.length) != i+1-p {
					continue // a shorter pattern, starting later: its own walk reports it
				}
				if m.verify[e.pattern] && !equalFoldASCII(text[p:i+1], m.patterns[e.pattern]) {
					continue
				}
				fn(acMatch{Pattern: int(e.pattern), Start: p, End: i + 1})
			}
		}
	}
}

// findAtWordStartsWide is findAtWordStarts over the 32-bit table, whose
// entries are negated where the target state has outputs.
func (m *matcher) findAtWordStartsWide(text string, fn func(acMatch)) {
	n := int32(m.nclass)
	next, class, depth, low16, hasOut := m.next, &m.class, m.depth, m.low16, m.hasOut
	rows := int32(len(low16)) / n
	prevWord := false
	for p := 0; p < len(text); p++ {
		c := text[p]
		word := isWordByte(c)
		startHere := (!prevWord || !word) && m.starts[c]
		prevWord = word && c < 0x80
		if !startHere {
			continue
		}
		s := int32(0)
		for i := p; i < len(text); i++ {
			c := int32(class[text[i]])
			var t int32
			if s < rows {
				t = int32(low16[s*n+c])
			} else {
				t = 0xffff
			}
			if t == 0xffff {
				t = next[s*n+c]
				if t < 0 {
					t = -t - 1
				}
			}
			if depth[t] != depth[s]+1 {
				break
			}
			s = t
			if hasOut[s>>6]&(1<<(uint(s)&63)) == 0 {
				continue
			}
			for o := m.out[s]; o >= 0; o = m.outs[o].link {
				e := m.outs[o]
				if int(e.length) != i+1-p {
					continue
				}
				if m.verify[e.pattern] && !equalFoldASCII(text[p:i+1], m.patterns[e.pattern]) {
					continue
				}
				fn(acMatch{Pattern: int(e.pattern), Start: p, End: i + 1})
			}
		}
	}
}
