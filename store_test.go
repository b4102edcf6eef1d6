package aptgraph_test

import (
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

func TestValidateObject(t *testing.T) {
	tests := []struct {
		name    string
		obj     *stix.Object
		wantErr bool
	}{
		{"valid", group(nil), false},
		{"nil", nil, true},
		{"no type", group(func(o *stix.Object) { o.Type = "" }), true},
		{"no id", group(func(o *stix.Object) { o.ID = "" }), true},
		{"type mismatch", group(func(o *stix.Object) { o.Type = "malware" }), true},
		{"id without uuid", group(func(o *stix.Object) { o.ID = "intrusion-set--apt40" }), true},
		{"bad modified", group(func(o *stix.Object) { o.Modified = "yesterday" }), true},
		{"bad created", group(func(o *stix.Object) { o.Created = "2024-13-01T00:00:00Z" }), true},
		{"observable without timestamps", &stix.Object{Type: "ipv4-addr", ID: "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", Value: "192.0.2.1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := aptgraph.ValidateObject(tt.obj)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ValidateObject() = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && aptgraph.ErrorCode(err) != aptgraph.EINVALID {
				t.Errorf("code = %q, want %q", aptgraph.ErrorCode(err), aptgraph.EINVALID)
			}
		})
	}
}

func TestBatchPrepare(t *testing.T) {
	rep := &stix.Object{Type: "report", ID: report1, Modified: "2024-01-01T00:00:00Z", Name: "r"}
	a := group(nil)
	b := group(func(o *stix.Object) { o.Aliases = []string{"Gingham Typhoon"} })

	t.Run("report added when missing", func(t *testing.T) {
		objs, err := (&aptgraph.Batch{Report: rep, Objects: []*stix.Object{a}}).Prepare()
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) != 2 || objs[1] != rep {
			t.Errorf("got %d objects, want the group and the report", len(objs))
		}
	})
	t.Run("report not added twice", func(t *testing.T) {
		objs, err := (&aptgraph.Batch{Report: rep, Objects: []*stix.Object{rep, a}}).Prepare()
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) != 2 {
			t.Errorf("got %d objects, want 2", len(objs))
		}
	})
	t.Run("report that is not a report", func(t *testing.T) {
		_, err := (&aptgraph.Batch{Report: a}).Prepare()
		if got := aptgraph.ErrorCode(err); got != aptgraph.EINVALID {
			t.Errorf("code = %q, want %q", got, aptgraph.EINVALID)
		}
	})
	t.Run("duplicates merged with Merge", func(t *testing.T) {
		objs, err := (&aptgraph.Batch{Merge: true, Objects: []*stix.Object{a, rep, b}}).Prepare()
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) != 2 || objs[0].ID != a.ID || len(objs[0].Aliases) != 2 {
			t.Errorf("got %d objects (first with aliases %v), want 2 with the group's aliases merged", len(objs), objs[0].Aliases)
		}
	})
	t.Run("duplicates kept without Merge", func(t *testing.T) {
		objs, err := (&aptgraph.Batch{Objects: []*stix.Object{a, b}}).Prepare()
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) != 2 {
			t.Errorf("got %d objects, want 2", len(objs))
		}
	})
	t.Run("one invalid object fails the batch", func(t *testing.T) {
		_, err := (&aptgraph.Batch{Objects: []*stix.Object{a, {Type: "malware"}}}).Prepare()
		if got := aptgraph.ErrorCode(err); got != aptgraph.EINVALID {
			t.Errorf("code = %q, want %q", got, aptgraph.EINVALID)
		}
	})
}

func TestVersionKey(t *testing.T) {
	tests := []struct {
		name string
		obj  *stix.Object
		want string
	}{
		{"modified", &stix.Object{Modified: "2024-01-02T03:04:05.678Z", Created: "2020-01-01T00:00:00Z"}, "2024-01-02T03:04:05.678000000Z"},
		{"created when no modified", &stix.Object{Created: "2020-01-01T00:00:00Z"}, "2020-01-01T00:00:00.000000000Z"},
		{"same instant, other spelling", &stix.Object{Modified: "2024-01-02T04:04:05.678+01:00"}, "2024-01-02T03:04:05.678000000Z"},
		{"none", &stix.Object{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aptgraph.VersionKey(tt.obj); got != tt.want {
				t.Errorf("VersionKey() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNextDateAdded(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		now, last time.Time
		want      time.Time
	}{
		{"clock ahead", base.Add(time.Second), base, base.Add(time.Second)},
		{"clock went back", base.Add(-time.Hour), base, base.Add(time.Microsecond)},
		{"same microsecond", base.Add(300 * time.Nanosecond), base, base.Add(time.Microsecond)},
		{"first write", base, time.Time{}, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aptgraph.NextDateAdded(tt.now, tt.last); !got.Equal(tt.want) {
				t.Errorf("NextDateAdded() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{"APT40": "apt40", "  Kryptonite\tPanda ": "kryptonite panda", "": ""} {
		if got := aptgraph.NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokenAccess(t *testing.T) {
	tok := &aptgraph.Token{Read: true, Collections: []string{"c1"}}
	if !tok.CanRead("c1") || tok.CanRead("c2") || tok.CanWrite("c1") {
		t.Errorf("read-only token on c1: CanRead(c1)=%v CanRead(c2)=%v CanWrite(c1)=%v, want true false false",
			tok.CanRead("c1"), tok.CanRead("c2"), tok.CanWrite("c1"))
	}
	all := &aptgraph.Token{Write: true, Collections: []string{aptgraph.AllCollections}}
	if !all.CanWrite("any") {
		t.Error("token on all collections: CanWrite = false, want true")
	}
	all.Revoked = time.Now()
	if all.CanWrite("any") {
		t.Error("revoked token: CanWrite = true, want false")
	}
	s1, s2 := aptgraph.NewTokenSecret(), aptgraph.NewTokenSecret()
	if s1 == s2 || len(s1) < 40 {
		t.Errorf("secrets %q and %q: want two different secrets of 256 bits", s1, s2)
	}
}
