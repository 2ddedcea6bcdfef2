package slack

import (
	"context"

	"github.com/slack-go/slack/socketmode"
)

// failingAcker fails the acknowledgements fail names, as AckCtx does when
// its ctx ends before the send, and sends the others.
type failingAcker struct {
	*socketmode.Client
	fail func(id string) error
}

func (f failingAcker) AckCtx(ctx context.Context, id string, payload any) error {
	if err := f.fail(id); err != nil {
		return err
	}
	return f.Client.AckCtx(ctx, id, payload)
}

// RunSocketModeFailingAcks is RunSocketMode whose acknowledgement of an
// envelope fails with fail(id) when that is not nil.
func RunSocketModeFailingAcks(ctx context.Context, a *Adapter, fail func(id string) error, opts ...socketmode.Option) error {
	sm := socketmode.New(a.client.api, opts...)
	return a.runSocketMode(ctx, sm, failingAcker{Client: sm, fail: fail})
}
