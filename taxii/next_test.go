package taxii

import "testing"

func TestNextRoundTrip(t *testing.T) {
	for _, seq := range []int64{1, 42, 1 << 40} {
		got, ok := decodeNext(encodeNext(seq))
		if !ok || got != seq {
			t.Errorf("decodeNext(encodeNext(%d)) = %d, %v", seq, got, ok)
		}
	}
	for _, bad := range []string{"", "x", "eyJ2IjoxLCJzIjowfQ", "bnVsbA"} {
		if _, ok := decodeNext(bad); ok {
			t.Errorf("decodeNext(%q) accepted a token this server never gives", bad)
		}
	}
}

func FuzzDecodeNext(f *testing.F) {
	f.Add(encodeNext(7))
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, s string) {
		seq, ok := decodeNext(s)
		if ok && seq <= 0 {
			t.Errorf("decodeNext(%q) = %d, ok", s, seq)
		}
	})
}

func FuzzAcceptsTAXII(f *testing.F) {
	f.Add("application/taxii+json;version=2.1")
	f.Add("text/html, */*;q=0")
	f.Fuzz(func(t *testing.T, s string) {
		acceptsTAXII([]string{s}) // must not panic
	})
}

func TestAcceptsTAXII(t *testing.T) {
	tests := []struct {
		name   string
		accept []string
		want   bool
	}{
		{"none", nil, true},
		{"exact", []string{"application/taxii+json;version=2.1"}, true},
		{"no version", []string{"application/taxii+json"}, true},
		{"other version", []string{"application/taxii+json;version=2.0"}, false},
		{"json only", []string{"application/json"}, false},
		{"wildcard", []string{"text/html", "*/*"}, true},
		{"refused", []string{"application/taxii+json;q=0"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := acceptsTAXII(tt.accept); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
