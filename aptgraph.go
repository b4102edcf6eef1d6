// Package aptgraph holds the domain of aptgraph: the documents it reads, the
// claims it keeps, the one error type, and the interfaces its storage engines
// implement. It imports nothing of the application's other packages but stix.
package aptgraph

import "time"

// Document is a report as read from its source, before extraction.
type Document struct {
	Title     string
	URL       string
	Published time.Time // zero when the document gives no date
	Text      string    // main text, UTF-8
	MediaType string    // the media type it was read as: text/plain, text/html, application/pdf
}
