package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
)

// Accept headers: servers that negotiate should send what we read best.
const (
	acceptDocument = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5"
	acceptFeed     = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
)

var (
	errTooManyRedirects = fmt.Errorf("stopped after %d redirects", MaxRedirects)
	errRedirectScheme   = errors.New("redirect to a scheme other than http or https")
	errTimeout          = errors.New("fetch timed out")
)

// response is a fetched body with what the server said about it.
type response struct {
	data        []byte
	url         *url.URL // after redirects
	contentType string
}

func parseURL(s string) (*url.URL, error) { return url.Parse(strings.TrimSpace(s)) }

// checkURL parses a URL given by the user and refuses what fetch will not
// fetch, before any connection is made.
func checkURL(raw string) (*url.URL, error) {
	u, err := parseURL(raw)
	if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "malformed URL", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return nil, aptgraph.Errorf(aptgraph.EUNSUPPORTED, "unsupported URL scheme %q: only http and https are fetched", u.Scheme)
	}
	if u.Host == "" {
		return nil, aptgraph.Errorf(aptgraph.EINVALID, "URL has no host")
	}
	return u, nil
}

// checkRedirect keeps redirects few and on the web: a redirect to file: or
// to a long chain is more likely a trap than a document.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return errTooManyRedirects
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return errRedirectScheme
	}
	return nil
}

func (o Options) client() *http.Client {
	if o.Client == nil {
		return &http.Client{CheckRedirect: checkRedirect}
	}
	if o.Client.CheckRedirect != nil {
		return o.Client
	}
	c := *o.Client // a shallow copy shares the transport and its connections
	c.CheckRedirect = checkRedirect
	return &c
}

// fetch GETs u and returns its body, at most the URL size cap. Any status
// other than 2xx is an error: a 404 page is not the report asked for.
func fetch(ctx context.Context, u *url.URL, opt Options, accept string) (*response, error) {
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errTimeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "malformed URL", err)
	}
	ua := opt.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept", accept)

	resp, err := opt.client().Do(req)
	if err != nil {
		return nil, netError(ctx, u, timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		status := fmt.Sprint(resp.StatusCode)
		if t := http.StatusText(resp.StatusCode); t != "" {
			status += " " + t
		}
		// The server's own reason phrase is not shown: it is arbitrary text.
		return nil, aptgraph.Errorf(aptgraph.EUNAVAILABLE, "GET %s: %s", u.Redacted(), status)
	}
	max := opt.maxBytes(DefaultURLMaxBytes)
	if resp.ContentLength > max {
		return nil, tooLarge(max)
	}
	data, err := readAll(resp.Body, max, resp.ContentLength)
	if err != nil {
		if aptgraph.ErrorCode(err) == aptgraph.ETOOLARGE {
			return nil, err
		}
		return nil, netError(ctx, u, timeout, err)
	}
	return &response{data: data, url: resp.Request.URL, contentType: resp.Header.Get("Content-Type")}, nil
}

// netError turns a failed request or body read into a one-line message that
// names the host, which is what a user can act on.
func netError(ctx context.Context, u *url.URL, timeout time.Duration, err error) error {
	switch {
	case errors.Is(err, errTooManyRedirects):
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, fmt.Sprintf("GET %s: stopped after %d redirects", u.Redacted(), MaxRedirects), err)
	case errors.Is(err, errRedirectScheme):
		return aptgraph.WrapError(aptgraph.EUNSUPPORTED, fmt.Sprintf("GET %s: redirected to a URL that is not http or https", u.Redacted()), err)
	case context.Cause(ctx) == errTimeout:
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, fmt.Sprintf("%s did not answer within %s", u.Host, timeout), err)
	case errors.Is(err, context.DeadlineExceeded):
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, fmt.Sprintf("%s did not answer in time", u.Host), err)
	case errors.Is(err, context.Canceled):
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, fmt.Sprintf("GET %s: canceled", u.Redacted()), err)
	}
	return aptgraph.WrapError(aptgraph.EUNAVAILABLE, fmt.Sprintf("cannot reach %s", u.Host), err)
}
