package extract

import "strings"

// definedAcronyms finds the acronyms a text defines for the bodies it names,
// "the Security Service of Ukraine (SSU)", and returns a mention of the body
// for every later use of the acronym. Reports shorten a body this way once
// and use the short form everywhere else, often one the reference data does not know
// (translations and local spellings differ: SBU and SSU).
func definedAcronyms(text string, ents []mention) []mention {
	defs := map[string]int32{} // acronym → body ref
	var out []mention
	for i, m := range ents {
		if m.kind != kBody || !strings.HasPrefix(text[m.End:], " (") {
			continue
		}
		s := m.End + 2
		e := s
		for e < len(text) && e-s <= 6 && text[e] >= 'A' && text[e] <= 'Z' {
			e++
		}
		if e-s < 2 || e-s > 6 || e >= len(text) || text[e] != ')' {
			continue
		}
		// Already a name the dictionary knows ("(FSB)"): nothing to learn.
		if i+1 < len(ents) && ents[i+1].Start < e+1 && ents[i+1].Start >= s {
			continue
		}
		acr := text[s:e]
		if _, seen := defs[acr]; seen {
			continue
		}
		defs[acr] = m.ref
		// Headlines and summaries use the short form before the body
		// defines it, so the whole text counts.
		for at := range indexes(text, acr) {
			if at != s && boundaryOK(text, at, at+len(acr)) {
				out = append(out, mention{Span: Span{at, at + len(acr)}, kind: kBody, ref: m.ref, name: acr})
			}
		}
	}
	return out
}
