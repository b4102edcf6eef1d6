package extract_test

import (
	"fmt"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/extract"
)

func ExampleExtractor_Extract() {
	doc := &aptgraph.Document{
		Title: "Example",
		Text:  "The FBI said with high confidence that APT41 works on behalf of China's Ministry of State Security.",
	}
	res, err := extract.Default().Extract(doc, extract.Options{Now: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err)
		return
	}
	names := map[string]string{}
	for _, o := range res.Bundle.Objects {
		names[o.ID] = o.Name
	}
	for _, o := range res.Bundle.Objects {
		if o.Type == "relationship" && o.RelationshipType == "attributed-to" {
			fmt.Printf("%s: %s -> %s, confidence %d\n", names[o.CreatedByRef], names[o.SourceRef], names[o.TargetRef], *o.Confidence)
			fmt.Printf("quote: %q\n", o.Evidence[0].Quote)
		}
	}
	// Output:
	// Federal Bureau of Investigation: APT41 -> Ministry of State Security, confidence 85
	// quote: "The FBI said with high confidence that APT41 works on behalf of China's Ministry of State Security."
}

func ExampleNormalize() {
	fmt.Println(extract.Normalize("China \u2018Highly Likely\u2019 \u2014 behind  the\u00a0attacks"))
	// Output: China 'Highly Likely' - behind the attacks
}
