package stix

import "testing"

func TestObservableID(t *testing.T) {
	tests := []struct {
		name  string
		typ   string
		props map[string]any
		want  string
	}{
		// The id an independent uuid5 over the canonical JSON gives.
		{"domain", "domain-name", map[string]any{"value": "example.com"}, "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ObservableID(tt.typ, tt.props); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCanonicalEscapes(t *testing.T) {
	for _, s := range []string{"a\"b", "a<b", "é", "x\\y", "plain"} {
		got := canonicalJSON(map[string]any{"value": s})
		if got == "" || got[0] != '{' {
			t.Errorf("canonical JSON of %q is %q", s, got)
		}
	}
	if got, want := canonicalJSON(map[string]any{"value": "a\"b"}), `{"value":"a\"b"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestNewIDDeterministic(t *testing.T) {
	if NewID("intrusion-set", "apt40") != NewID("intrusion-set", "APT40") {
		t.Error("ids differ by case")
	}
	if NewID("intrusion-set", "apt40") == NewID("intrusion-set", "apt41") {
		t.Error("different names share an id")
	}
}
