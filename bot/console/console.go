// Package console is herald's stdin/stdout adapter: each input line is a
// command typed by one user, and every reply and channel post is printed.
// In the console, @name and #channel are plain words.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/herald-chat/herald/bot"
)

// Workspace is the workspace id of everything in the console.
const Workspace = "local"

// Handler runs a request; *bot.Bot is one.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) *bot.Message
}

// Adapter prints messages to out and runs input lines as User.
type Adapter struct {
	mu      sync.Mutex
	out     io.Writer
	user    bot.Ref
	channel bot.Ref
}

var _ bot.Messenger = (*Adapter)(nil)

// New returns an Adapter that acts as user and prints to out.
func New(out io.Writer, user string) *Adapter {
	return &Adapter{
		out:     out,
		user:    Ref(bot.UserRef, user),
		channel: Ref(bot.ChannelRef, "general"),
	}
}

// Ref returns a console Ref of the given kind.
func Ref(kind bot.RefKind, id string) bot.Ref {
	return bot.Ref{Kind: kind, Platform: bot.Console, Workspace: Workspace, ID: id, Name: id}
}

// Run reads command lines from in until it ends or ctx is done.
func (a *Adapter) Run(ctx context.Context, in io.Reader, h Handler) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-errc; err != nil {
					return fmt.Errorf("read input: %w", err)
				}
				return nil
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			if m := h.Handle(ctx, a.Request(line)); m != nil {
				a.print(*m, "")
			}
		}
	}
}

// Request turns a typed line into a Request; @word and #word become mentions.
func (a *Adapter) Request(line string) bot.Request {
	req := bot.Request{User: a.user, Channel: a.channel, Text: line, Refs: map[string]bot.Ref{}}
	for _, w := range strings.Fields(line) {
		name := strings.TrimRight(w[1:], ".,;:!?")
		if name == "" {
			continue
		}
		switch w[0] {
		case '@':
			req.Refs[w] = Ref(bot.UserRef, name)
		case '#':
			req.Refs[w] = Ref(bot.ChannelRef, name)
		}
	}
	return req
}

// Send prints m as a post in its channel, or as a direct message.
func (a *Adapter) Send(_ context.Context, m bot.Message) error {
	a.print(m, "["+m.To.Label()+"] ")
	return nil
}

func (a *Adapter) print(m bot.Message, prefix string) {
	var b strings.Builder
	line := func(s string) {
		for l := range strings.SplitSeq(s, "\n") {
			b.WriteString(prefix + l + "\n")
			prefix = strings.Repeat(" ", len([]rune(prefix)))
		}
	}
	if m.Header != "" {
		line(m.Header)
	}
	if len(m.Text) > 0 {
		line(m.Text.String())
	}
	for _, f := range m.Fields {
		if v := f.Value.String(); strings.Contains(v, "\n") {
			line(f.Label + ":\n  " + strings.ReplaceAll(v, "\n", "\n  "))
		} else {
			line(f.Label + ": " + v)
		}
	}
	if r := m.Rating; r != nil {
		line(fmt.Sprintf("(%d = %s … %d = %s)", r.Min, r.MinLabel, r.Max, r.MaxLabel))
	}
	for _, btn := range m.Buttons {
		line("[ " + btn.Label + " ]")
	}
	if m.Image != nil {
		line(fmt.Sprintf("(image: %s, %d bytes)", m.Image.Alt, len(m.Image.PNG)))
	}
	if f := m.File; f != nil {
		line(fmt.Sprintf("(file %s, %d bytes)", f.Name, len(f.Content)))
		if strings.HasPrefix(f.Type, "text/") {
			line(string(f.Content))
		}
	}
	if m.Context != "" {
		line(m.Context)
	}
	b.WriteString("\n")
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprint(a.out, b.String())
}
