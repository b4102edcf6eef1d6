package storesql

import (
	"context"
	"errors"

	"github.com/aptgraph/aptgraph"
)

// FormatError maps onto aptgraph's codes the errors that mean the same
// whatever the driver: an *aptgraph.Error passes through unchanged, noRows
// (the driver's error for a result without rows) is ENOTFOUND, and a
// cancelled or timed-out context is EUNAVAILABLE. ok is false for any other
// error, which only the engine's own FormatError can read.
func FormatError(err, noRows error) (_ error, ok bool) {
	var ae *aptgraph.Error
	switch {
	case errors.As(err, &ae):
		return err, true
	case errors.Is(err, noRows):
		return aptgraph.WrapError(aptgraph.ENOTFOUND, "not found", err), true
	case errors.Is(err, context.Canceled):
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the request was cancelled", err), true
	case errors.Is(err, context.DeadlineExceeded):
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the store did not answer in time", err), true
	}
	return nil, false
}
