package extract

import (
	"slices"

	"github.com/aptgraph/aptgraph/internal/swar"
)

// matcher is an Aho-Corasick automaton over bytes, compiled to a full
// transition table on a reduced alphabet. Matching folds ASCII case, so
// patterns are given in lower case; word boundaries are checked by the caller.
type matcher struct {
	class    [256]uint8 // byte -> alphabet class; 0 = a byte no pattern uses
	verify   []bool     // per pattern: it holds bytes of the shared class, so a hit must be checked
	nclass   int
	next     []int32  // state*nclass + class -> state (negated when it has outputs); nil when next16 is used
	next16   []uint16 // the same table for automata of at most 65,536 states, half the size
	hasOut   []uint64 // bit per state: it has outputs (with next16)
	trie     wordTrie // the goto function alone, for walks from word starts
	out      []int32  // state -> first output index into outs, -1 if none
	outs     []acOut  // linked list of outputs per state
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
		fail int32
		out  int32
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
				nodes = append(nodes, node{out: -1})
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
	// Each state's outputs are its own patterns until the breadth-first pass
	// below appends its failure state's.
	ownPats := make([][]int32, len(nodes))
	for i, nd := range nodes {
		for o := nd.out; o >= 0; o = m.outs[o].link {
			ownPats[i] = append(ownPats[i], m.outs[o].pattern)
		}
	}
	m.trie = newWordTrie(patterns, next, n, ownPats, &m.class)

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
	for i, nd := range nodes {
		m.out[i] = nd.out
	}
	// Mark transitions into states with outputs by negating them, so the scan
	// loop reads only the table for the common case of no output.
	for i, t := range next {
		if m.out[t] >= 0 {
			next[i] = -t - 1
		}
	}
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

// containsAny reports whether text holds any of the patterns, up to ASCII
// case. It stops at the first: one pass over the text instead of one
// strings.Contains per pattern.
func (m *matcher) containsAny(text string) bool {
	found := false
	if m.next16 == nil {
		m.find(text, func(acMatch) { found = true })
		return found
	}
	m.find16Until(text, func(acMatch) bool {
		found = true
		return false
	})
	return found
}

// phrases is a matcher for rules that look for each of several phrases in
// turn with a strings.Index loop: phrases.hits finds them all in one pass and
// gives them in the order those loops would.
type phrases struct {
	m     *matcher
	exact bool // case counts, as it does for strings.Index
}

// newPhrases compiles lower-case phrases. With exact, a hit must match the
// case of the phrase; without, the text is taken to be in lower case already.
func newPhrases(exact bool, list ...string) *phrases {
	return &phrases{m: newMatcher(list), exact: exact}
}

// phraseHit is one phrase found: text[at:at+len(phrase)].
type phraseHit struct {
	phrase int // index in the list given to newPhrases
	at     int
}

// hits appends to buf the occurrences of the phrases in text, phrase by
// phrase in list order, each phrase's from left to right.
func (ps *phrases) hits(text string, buf []phraseHit) []phraseHit {
	buf = buf[:0]
	ps.m.find(text, func(x acMatch) {
		if ps.exact && text[x.Start:x.End] != ps.m.patterns[x.Pattern] {
			return
		}
		buf = append(buf, phraseHit{x.Pattern, x.Start})
	})
	slices.SortFunc(buf, func(x, y phraseHit) int {
		if x.phrase != y.phrase {
			return x.phrase - y.phrase
		}
		return x.at - y.at
	})
	// A loop that resumes after each find does not see a phrase that
	// overlaps the one before ("as early as early as"): drop those too.
	out := buf[:0]
	for i, h := range buf {
		if len(out) > 0 && out[len(out)-1].phrase == h.phrase && h.at < out[len(out)-1].at+len(ps.m.patterns[h.phrase]) {
			continue
		}
		out = append(out, buf[i])
	}
	return out
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
	m.find16Until(text, func(x acMatch) bool {
		fn(x)
		return true
	})
}

// find16Until is find16 that stops as soon as fn returns false.
func (m *matcher) find16Until(text string, fn func(acMatch) bool) {
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
			if !fn(acMatch{Pattern: int(e.pattern), Start: start, End: i + 1}) {
				return
			}
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

// wordTrie is the automaton's trie alone, its goto function without the
// failure transitions: a walk from a word start only follows trie edges.
// It is laid out for such walks. Nodes are numbered depth first, so a node's
// first child comes right after it, and the long single-child chains most
// patterns end in lie in consecutive memory; the few nodes with many
// children (the shallow ones mostly) have a row of the full table. The whole
// trie (about 1 MB for the gazetteer) loads far fewer cache lines per walk
// than the full table (some 12 MB), whose every step is a load elsewhere.
type wordTrie struct {
	root   [256]int32 // byte -> child of the root, -1 where no pattern starts with the byte (case folded)
	nodes  []trieNode
	pats   []int32  // the patterns that end at each node, each node's run closed by -1
	edges  []uint32 // children of nodes with a few: child<<8 | class, sorted by class
	rows   []int32  // children of nodes with many: a row of class -> child or -1 per node
	nclass int
	words  wordIndex // the node each pattern's first word leads to
	space  uint8     // the class of ' '
}

type trieNode struct {
	kids  uint32 // with several children, where they start in edges or rows
	pats  int32  // where the node's patterns start in wordTrie.pats, -1 if none end here
	label uint8  // class of the edge into the node
	nkids uint8  // how many children; denseKids when the node has a row
}

// denseKids marks a node whose children are in a row of wordTrie.rows; nodes
// with at least minDenseKids children get one, as scanning their children
// would cost more than the load.
const (
	denseKids    = 0xff
	minDenseKids = 5
)

// newWordTrie lays out the trie held in next (state*n + class -> child, -1
// where there is none); own holds the patterns that end at each state.
func newWordTrie(patterns []string, next []int32, n int, own [][]int32, class *[256]uint8) wordTrie {
	t := wordTrie{nclass: n}
	children := func(s int32, fn func(c int, child int32)) {
		for c := 0; c < n; c++ {
			if child := next[int(s)*n+c]; child >= 0 {
				fn(c, child)
			}
		}
	}
	// Number the states in preorder, smallest class first.
	order := make([]int32, 0, len(own)) // new number -> state
	id := make([]int32, len(own))       // state -> new number
	stack := []int32{0}
	var kids []int32
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		id[s] = int32(len(order))
		order = append(order, s)
		kids = kids[:0]
		children(s, func(_ int, child int32) { kids = append(kids, child) })
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
	t.nodes = make([]trieNode, len(order))
	for k, s := range order {
		nd := &t.nodes[k]
		nd.pats = -1
		if len(own[s]) > 0 {
			nd.pats = int32(len(t.pats))
			t.pats = append(append(t.pats, own[s]...), -1)
		}
		var edges []uint32
		children(s, func(c int, child int32) {
			t.nodes[id[child]].label = uint8(c)
			edges = append(edges, uint32(id[child])<<8|uint32(c))
		})
		switch {
		case len(edges) >= minDenseKids:
			nd.nkids = denseKids
			nd.kids = uint32(len(t.rows))
			for c := 0; c < n; c++ {
				t.rows = append(t.rows, -1)
			}
			for _, e := range edges {
				t.rows[int(nd.kids)+int(e&0xff)] = int32(e >> 8)
			}
		case len(edges) > 1:
			nd.nkids = uint8(len(edges))
			nd.kids = uint32(len(t.edges))
			t.edges = append(t.edges, edges...)
		default:
			nd.nkids = uint8(len(edges)) // a single child is the next node
		}
	}
	// The root's row by byte. Only bytes that begin a pattern start a walk
	// (a byte of the shared class may not).
	for i := range t.root {
		t.root[i] = -1
	}
	for _, p := range patterns {
		if p == "" {
			continue
		}
		c := p[0]
		child := t.child(0, class[c])
		t.root[c] = child
		if c >= 'a' && c <= 'z' {
			t.root[c-'a'+'A'] = child
		}
	}
	t.words = newWordIndex(patterns, func(w string) int32 {
		s := int32(0)
		for i := 0; i < len(w) && s >= 0; i++ {
			s = t.child(s, class[w[i]])
		}
		return s
	})
	// What a walk asks of a word's node first, kept in its slot: the
	// patterns that end there, and the child a space leads to.
	t.space = class[' ']
	for i := range t.words.slots {
		sl := &t.words.slots[i]
		if sl.tag == 0 {
			continue
		}
		sl.pats, sl.spaceKid, sl.more = -1, -1, false
		if sl.node < 0 {
			continue
		}
		sl.pats = t.nodes[sl.node].pats
		sl.spaceKid = t.child(sl.node, t.space)
		for c := 0; c < n && !sl.more; c++ {
			sl.more = uint8(c) != t.space && t.child(sl.node, uint8(c)) >= 0
		}
	}
	return t
}

// child returns the child of node s along class c, or -1.
func (t *wordTrie) child(s int32, c uint8) int32 {
	nd := &t.nodes[s]
	switch nd.nkids {
	case 0:
		return -1
	case 1:
		if t.nodes[s+1].label == c {
			return s + 1
		}
		return -1
	case denseKids:
		return t.rows[int(nd.kids)+int(c)]
	}
	for _, e := range t.edges[nd.kids : nd.kids+uint32(nd.nkids)] {
		if l := uint8(e); l >= c {
			if l == c {
				return int32(e >> 8)
			}
			break
		}
	}
	return -1
}

// findAtWordStarts reports the occurrences that start at a word boundary:
// where the byte before is not a letter or digit, or the first byte is not
// one. Those are the only ones a caller that checks word boundaries keeps,
// and walking the trie from each such start touches far less memory than
// running the automaton over every byte. Order is by start, then by end.
func (m *matcher) findAtWordStarts(text string, fn func(acMatch)) {
	t := &m.trie
	prevWord := false
	for p := 0; p < len(text); p++ {
		c := text[p]
		if c < 0x80 && asciiAlnum[c] {
			if prevWord {
				continue
			}
			// A pattern that starts here and ends on a word boundary holds
			// the whole ASCII word, so one look-up of the word finds the
			// node a trie walk would reach at its end.
			q, h, head := scanWord(text, p)
			if sl := t.words.lookup(h, head, text[p:q]); sl != nil && sl.node >= 0 {
				// The slot answers for the word's node: a walk goes on
				// from there only along a space or, rarely, another byte.
				if sl.pats >= 0 {
					m.emit(text, t.pats[sl.pats:], p, q, fn)
				}
				if q < len(text) {
					s := int32(-1)
					if c := m.class[text[q]]; c == t.space {
						s = sl.spaceKid
					} else if sl.more {
						s = t.child(sl.node, c)
					}
					if s >= 0 {
						m.walk(text, s, p, q, fn)
					}
				}
			}
			prevWord = true
			p = q - 1
			// The space after a word, the commonest byte, starts nothing:
			// step over it here.
			if q < len(text) && text[q] == ' ' && t.root[' '] < 0 {
				prevWord = false
				p = q
			}
			continue
		}
		word := isWordByte(c)
		atBoundary := !prevWord || !word
		// After a non-ASCII byte a word may start (the boundary check lets
		// names follow letters of other scripts).
		prevWord = word && c < 0x80
		if atBoundary {
			if s := t.root[c]; s >= 0 {
				m.walk(text, s, p, p, fn)
			}
		}
	}
}

// walk follows the trie from node s, reached with text[start:i+1], and
// reports each pattern it passes.
func (m *matcher) walk(text string, s int32, start, i int, fn func(acMatch)) {
	t, class := &m.trie, &m.class
	for s >= 0 {
		if k := t.nodes[s].pats; k >= 0 {
			m.emit(text, t.pats[k:], start, i+1, fn)
		}
		if i++; i == len(text) {
			return
		}
		s = t.child(s, class[text[i]])
	}
}

// emit reports the patterns of pats up to the first -1, which all span
// text[start:end] up to case.
func (m *matcher) emit(text string, pats []int32, start, end int, fn func(acMatch)) {
	for _, pat := range pats {
		if pat < 0 {
			return
		}
		if m.verify[pat] && !equalFoldASCII(text[start:end], m.patterns[pat]) {
			continue
		}
		fn(acMatch{Pattern: int(pat), Start: start, End: end})
	}
}

// wordIndex maps the first word of each pattern (its leading run of ASCII
// letters and digits, lower case) to the trie node at the end of that word.
// It is an open-addressed table keyed by a hash of the word: one probe in a
// table that stays in cache, against a walk of one node per letter.
type wordIndex struct {
	slots []wordSlot
	words []string // the word of each slot, read for words over eight bytes
	mask  uint64
}

// wordSlot holds a word's first eight bytes (in lower case, little-endian,
// zero-padded), so a look-up of a short word reads one slot and nothing else,
// and what a walk from the word's node needs first.
type wordSlot struct {
	head     uint64
	tag      uint32 // the word's length in the low byte, bits of its hash above; 0 marks an empty slot
	node     int32
	pats     int32 // the node's patterns in wordTrie.pats, -1 if none end there
	spaceKid int32 // the node's child along a space, or -1
	more     bool  // whether the node has children along other bytes
}

const (
	wordSeed  = 14695981039346656037
	wordPrime = 1099511628211
)

// scanWord reads the run of ASCII letters and digits at p, eight bytes at a
// time. It returns its end, a hash of its lower case taken a word at a time,
// and its first eight bytes in lower case, little-endian and zero-padded.
func scanWord(text string, p int) (q int, h, head uint64) {
	q, h = p, wordSeed
	for {
		var x uint64
		k := 0
		if q+8 <= len(text) {
			x = swar.Load(text, q)
			k = swar.Leading(swar.Alnum(x))
		} else {
			for q+k < len(text) && text[q+k] < 0x80 && asciiAlnum[text[q+k]] {
				x |= uint64(text[q+k]) << (8 * k)
				k++
			}
		}
		if k == 0 {
			break
		}
		x = swar.Lower(x)
		if k < 8 {
			x &= 1<<(8*k) - 1
		}
		if q == p {
			head = x
		}
		h = (h ^ x) * wordPrime
		q += k
		if k < 8 {
			break
		}
	}
	// The multiply carries only upwards: mix the high bits into the low
	// ones, which pick the slot.
	h ^= h >> 32
	h *= 0xff51afd7ed558ccd
	h ^= h >> 29
	return q, h, head
}

// wordKey returns what scanWord returns for the word w.
func wordKey(w string) (h, head uint64) {
	_, h, head = scanWord(w, 0)
	return h, head
}

// newWordIndex indexes the first words of the patterns that begin with an
// ASCII letter or digit; nodeOf walks the trie along a word.
func newWordIndex(patterns []string, nodeOf func(string) int32) wordIndex {
	seen := map[string]bool{}
	var words []string
	for _, p := range patterns {
		if n := swar.AlnumEnd(p, 0); n > 0 && !seen[p[:n]] {
			seen[p[:n]] = true
			words = append(words, p[:n])
		}
	}
	size := 16
	for size < 3*len(words)/2 {
		size *= 2
	}
	x := wordIndex{slots: make([]wordSlot, size), words: make([]string, size), mask: uint64(size - 1)}
	for _, w := range words {
		h, head := wordKey(w)
		i := h & x.mask
		for x.slots[i].tag != 0 {
			i = (i + 1) & x.mask
		}
		x.slots[i] = wordSlot{head: head, tag: tag(h, len(w)), node: nodeOf(w)}
		x.words[i] = w
	}
	return x
}

// tag is what a slot keeps of a word besides its head: 24 bits of its hash
// and its length (at least 1, so a tag is never 0; 255 stands for longer).
func tag(h uint64, n int) uint32 { return uint32(h>>32)&^0xff | uint32(min(n, 255)) }

// lookup returns the slot of word w, whose hash and head are h and head
// (see wordKey), or nil.
func (x *wordIndex) lookup(h, head uint64, w string) *wordSlot {
	tg := tag(h, len(w))
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		sl := &x.slots[i]
		if sl.tag == 0 {
			return nil
		}
		// Up to eight bytes, length and head are the word.
		if sl.tag == tg && sl.head == head && (len(w) <= 8 || equalFoldASCII(w, x.words[i])) {
			return sl
		}
	}
}
