package kb

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"space", "APT 10", "APT10", true},
		{"hyphen", "apt-10", "APT10", true},
		{"underscore", "Apt_10", "APT10", true},
		{"dot", "TEMP.Periscope", "temp periscope", true},
		{"mixed separators", "Sandworm-Team", "sandworm_team", true},
		{"en dash", "APT–28", "apt28", true},
		{"no-break space", "Cozy\u00a0Bear", "COZY BEAR", true},
		{"digits kept", "APT1", "APT10", false},
		{"trailing digit kept", "FIN7", "FIN", false},
		{"symbols kept", "LAPSUS$", "LAPSUS", false},
		{"parentheses kept", "NoName057(16)", "NoName05716", false},
		{"non-Latin", "海莲花", "海莲花", true},
		{"kelvin sign folds", "\u212Aimsuky", "kimsuky", true},
		{"long s folds", "\u017Fednit", "Sednit", true},
		{"empty", "", " - ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			na, nb := Normalize(tt.a), Normalize(tt.b)
			if (na == nb) != tt.same {
				t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; equal = %v, want %v", tt.a, na, tt.b, nb, na == nb, tt.same)
			}
		})
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	for _, s := range []string{"APT 10", "Sofacy Group", "奇幻熊", "ÉQUIPE-X", "Σίσυφος"} {
		if n := Normalize(s); Normalize(n) != n {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", s, Normalize(n), n)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"APT 10", "apt-10", "Σ", "\u017F", "海莲花"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Errorf("Normalize not idempotent on %q: %q then %q", s, n, Normalize(n))
		}
	})
}
