package http

import (
	"encoding/json"
	nethttp "net/http"

	"github.com/aptgraph/aptgraph"
)

// statuses maps aptgraph error codes to HTTP statuses; every other code is
// a 500. It is the only place that does.
var statuses = map[string]int{
	aptgraph.ENOTFOUND:     nethttp.StatusNotFound,
	aptgraph.EINVALID:      nethttp.StatusBadRequest,
	aptgraph.EUNAUTHORIZED: nethttp.StatusUnauthorized,
	aptgraph.ECONFLICT:     nethttp.StatusConflict,
}

// status returns the HTTP status for err's code, and the message a client
// may see: the error's user-safe message, or a generic one for a 500, whose
// detail goes only to the log.
func status(err error) (code string, status int, message string) {
	code = aptgraph.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		return code, nethttp.StatusInternalServerError, "internal error"
	}
	return code, status, aptgraph.ErrorMessage(err)
}

// apiError is the body of a JSON error.
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func (h *handler) logError(r *nethttp.Request, err error, st int) {
	if st >= 500 {
		h.log.ErrorContext(r.Context(), "http", "method", r.Method, "path", r.URL.Path, "status", st, "err", err)
	}
}

// jsonError answers with err as a JSON error.
func (h *handler) jsonError(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	code, st, msg := status(err)
	h.logError(r, err, st)
	if st == nethttp.StatusUnauthorized {
		challenge(w)
	}
	writeJSON(w, st, apiError{Error: code, Message: msg})
}

func writeJSON(w nethttp.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the status is sent; a failed write cannot be reported
}

// challenge asks the client for credentials.
func challenge(w nethttp.ResponseWriter) {
	w.Header().Add("WWW-Authenticate", `Basic realm="aptgraph", charset="UTF-8"`)
	w.Header().Add("WWW-Authenticate", `Bearer realm="aptgraph"`)
}
