package extract

import "strings"

// definedAcronyms finds the acronyms a text defines for the bodies it names,
// "the Security Service of Ukraine (SSU)", and returns a mention of the body
// for every other use of the acronym. Reports shorten a body this way once
// and use the short form everywhere else, often one the reference data does
// not know (translations and local spellings differ: SBU and SSU).
// Headlines and summaries use the short form before the body defines it, so
// the whole text counts. One pass finds the definitions and one the uses,
// however many acronyms a text defines.
func definedAcronyms(text string, ents []mention) []mention {
	defs := map[string]int32{} // acronym → body ref
	defAt := map[int]bool{}    // where the definitions stand
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
		defAt[s] = true
		if _, seen := defs[acr]; !seen {
			defs[acr] = m.ref
		}
	}
	if len(defs) == 0 {
		return nil
	}
	var out []mention
	for i := 0; i < len(text); {
		// A run of capitals that stands as a word.
		if text[i] < 'A' || text[i] > 'Z' || i > 0 && isWordByte(text[i-1]) {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] >= 'A' && text[j] <= 'Z' {
			j++
		}
		if ref, ok := defs[text[i:j]]; ok && !defAt[i] && boundaryOK(text, i, j) {
			out = append(out, mention{Span: Span{i, j}, kind: kBody, ref: ref, name: text[i:j]})
		}
		i = j
	}
	return out
}
