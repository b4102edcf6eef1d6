package kb

import (
	"os"
	"sync"
	"testing"

	"github.com/aptgraph/aptgraph/internal/shared"
)

var (
	sharedOnce    sync.Once
	sharedSources Sources
	sharedFacts   *Facts
	sharedErr     error
)

// built returns the sources read from the shared data folder and the facts
// built from them, reading them once for the whole test binary.
func built(t testing.TB) (Sources, *Facts) {
	t.Helper()
	dir := shared.Path(t, "data")
	sharedOnce.Do(func() {
		sharedSources, sharedErr = ReadDir(dir)
		if sharedErr == nil {
			sharedFacts = Build(sharedSources)
		}
	})
	if sharedErr != nil {
		t.Fatalf("read shared data: %v", sharedErr)
	}
	return sharedSources, sharedFacts
}

var (
	indexOnce sync.Once
	index     *Index
)

// embeddedIndex returns the index of the embedded facts.
func embeddedIndex() *Index {
	indexOnce.Do(func() { index = NewIndex(Embedded()) })
	return index
}

func readShared(t testing.TB, elem ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(shared.Path(t, elem...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func galaxyOf(src Sources, typ string) *Galaxy {
	for _, g := range src.Galaxies {
		if g.Type == typ {
			return g
		}
	}
	return nil
}
