// Package console is herald's stdin/stdout adapter: each input line is a
// command typed by one user, and every reply and channel post is printed.
// In the console, @name and #channel are plain words, every channel has the
// same members, and two console-only words stand in for what a chat client does:
//
//	as @anna <command>   act as someone else
//	click N [value]      press button N of a printed message (value for ratings)
package console

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/herald-chat/herald/bot"
)

// Workspace is the workspace id of everything in the console.
const Workspace = "local"

// Handler runs a request and tells the console's own words and the
// language of each person; *bot.Bot is one.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) *bot.Message
	Catalog() *bot.Catalog
	Lang(ctx context.Context, req bot.Request) string
}

// Adapter prints messages to out and runs input lines as User.
type Adapter struct {
	out     io.Writer
	user    bot.Ref
	channel bot.Ref
	members []bot.Ref

	cat    *bot.Catalog         // set by Run
	langOf func(bot.Ref) string // the language of a person; set by Run

	// files is the folder charts and exports are written to; "" prints their size only.
	files string

	mu      sync.Mutex // guards out, buttons, added and saved
	buttons map[int]button
	added   chan struct{} // closed and replaced whenever a button is printed
	saved   int           // charts written so far
}

// clickWait is how long "click N" waits for button N when it is not printed
// yet: a message on its way through the outbox.
const clickWait = 3 * time.Second

// button is a printed button that "click N" presses.
type button struct {
	action bot.Action
	rating bool    // the value gets "|<number>" appended
	to     bot.Ref // who received it; the zero Ref for the requester's own replies
}

var (
	_ bot.Messenger = (*Adapter)(nil)
	_ bot.Directory = (*Adapter)(nil)
)

// New returns an Adapter that acts as user and prints to out. members are the
// people in every console channel; user is one of them.
func New(out io.Writer, user string, members []string) *Adapter {
	a := &Adapter{
		out:     out,
		user:    Ref(bot.UserRef, user),
		channel: Ref(bot.ChannelRef, "general"),
		buttons: map[int]button{},
		added:   make(chan struct{}),
	}
	for _, m := range append([]string{user}, members...) {
		m = strings.TrimPrefix(m, "@")
		if m != "" && !slices.ContainsFunc(a.members, func(r bot.Ref) bool { return r.ID == m }) {
			a.members = append(a.members, Ref(bot.UserRef, m))
		}
	}
	return a
}

// SaveFilesIn makes the console write charts and exports into dir and print
// their path.
func (a *Adapter) SaveFilesIn(dir string) { a.files = dir }

// Members returns the console's people for any channel or group.
func (a *Adapter) Members(_ context.Context, r bot.Ref) ([]bot.Ref, error) {
	if r.Kind == bot.UserRef {
		return []bot.Ref{r}, nil
	}
	return slices.Clone(a.members), nil
}

// Ref returns a console Ref of the given kind.
func Ref(kind bot.RefKind, id string) bot.Ref {
	return bot.Ref{Kind: kind, Platform: bot.Console, Workspace: Workspace, ID: id, Name: id}
}

// Run reads command lines from in until it ends or ctx is done.
func (a *Adapter) Run(ctx context.Context, in io.Reader, h Handler) error {
	a.cat = h.Catalog()
	a.langOf = func(u bot.Ref) string { return h.Lang(ctx, bot.Request{User: u}) }
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
			req, err := a.Request(line)
			if err != "" {
				a.say(err)
				continue
			}
			if m := h.Handle(ctx, req); m != nil {
				msg := *m
				if msg.To.IsZero() && req.Action != nil {
					msg.To = req.User // buttons of a clicked message stay with whoever clicked
				}
				a.print(msg, "", req.User)
			}
			if isHelp(req.Text) {
				a.say(a.t(req.User, "console.help") + "\n")
			}
		}
	}
}

// Request turns a typed line into a Request: @word and #word become mentions,
// "as @name …" acts as name, and "click N [value]" presses a printed button.
// problem is a message for the console user when the line can't be run.
func (a *Adapter) Request(line string) (req bot.Request, problem string) {
	user := a.user
	if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "as "); ok {
		who, cmd, _ := strings.Cut(strings.TrimSpace(rest), " ")
		if !strings.HasPrefix(who, "@") || len(who) < 2 || strings.TrimSpace(cmd) == "" {
			return req, a.t(user, "console.as.usage")
		}
		user, line = Ref(bot.UserRef, who[1:]), cmd
	}
	if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "click"); ok && (rest == "" || rest[0] == ' ') {
		return a.click(user, strings.Fields(rest))
	}
	return a.text(user, line), ""
}

// isHelp reports whether text asks for the command overview.
func isHelp(text string) bool {
	w := strings.Fields(strings.ToLower(text))
	return len(w) == 1 && (w[0] == "help" || w[0] == "hilfe")
}

func (a *Adapter) click(user bot.Ref, args []string) (bot.Request, string) {
	n, err := -1, error(nil)
	if len(args) > 0 {
		n, err = strconv.Atoi(args[0])
	}
	if err != nil || n < 1 {
		return bot.Request{}, a.t(user, "console.click.usage")
	}
	btn, ok, printed := a.button(n)
	if !ok {
		return bot.Request{}, a.t(user, "console.click.none", n, printed)
	}
	action := btn.action
	if btn.rating {
		if len(args) != 2 {
			return bot.Request{}, a.t(user, "console.click.rating")
		}
		action.Value += "|" + args[1]
	}
	if btn.to.Kind == bot.UserRef && btn.to.ID != user.ID {
		if user != a.user {
			return bot.Request{}, a.t(user, "console.click.notyours", n, btn.to.Label())
		}
		user = btn.to // a button in someone's direct message is pressed by them
	}
	return bot.Request{User: user, Channel: a.channel, Action: &action}, ""
}

// button returns printed button n, waiting up to clickWait for it to be
// printed, and how many buttons are printed.
func (a *Adapter) button(n int) (btn button, ok bool, printed int) {
	timeout := time.NewTimer(clickWait)
	defer timeout.Stop()
	for {
		a.mu.Lock()
		btn, ok = a.buttons[n]
		printed, added := len(a.buttons), a.added
		a.mu.Unlock()
		if ok {
			return btn, true, printed
		}
		select {
		case <-added:
		case <-timeout.C:
			return button{}, false, printed
		}
	}
}

func (a *Adapter) text(user bot.Ref, line string) bot.Request {
	req := bot.Request{User: user, Channel: a.channel, Text: line, Refs: map[string]bot.Ref{}}
	for _, field := range strings.Fields(line) {
		// A setting names targets after its '=': to=#team,@anna.
		words := []string{field}
		if _, val, ok := strings.Cut(field, "="); ok {
			words = strings.Split(val, ",")
		}
		for _, w := range words {
			if len(w) < 2 {
				continue
			}
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
	}
	return req
}

// t renders a text of the console itself in the language of u.
func (a *Adapter) t(u bot.Ref, key string, args ...any) string {
	lang := ""
	if a.langOf != nil {
		lang = a.langOf(u)
	}
	return a.cat.T(lang, key, args...)
}

// say prints a line of the console itself.
func (a *Adapter) say(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprintln(a.out, s)
}

// Send prints m as a post in its channel, or as a direct message.
func (a *Adapter) Send(_ context.Context, m bot.Message) error {
	a.print(m, "["+m.To.Label()+"] ", m.To)
	return nil
}

// addButton numbers a printed button; a.mu must be held.
func (a *Adapter) addButton(b button) int {
	n := len(a.buttons) + 1
	a.buttons[n] = b
	close(a.added)
	a.added = make(chan struct{})
	return n
}

// print prints m for reader, who reads the console's own words in their language.
func (a *Adapter) print(m bot.Message, prefix string, reader bot.Ref) {
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
			line(labelled(f.Label) + "\n  " + strings.ReplaceAll(v, "\n", "\n  "))
		} else {
			line(labelled(f.Label) + " " + v)
		}
	}
	a.mu.Lock()
	if r := m.Rating; r != nil {
		n := a.addButton(button{action: bot.Action{Name: r.Action, Value: r.Value}, rating: true, to: m.To})
		line(fmt.Sprintf("[%d: %d…%d] %d = %s, %d = %s  (click %d <number>)", n, r.Min, r.Max, r.Min, r.MinLabel, r.Max, r.MaxLabel, n))
	}
	var row []string
	for _, btn := range m.Buttons {
		n := a.addButton(button{action: bot.Action{Name: btn.Action, Value: btn.Value}, to: m.To})
		row = append(row, fmt.Sprintf("[%d: %s]", n, btn.Label))
	}
	a.mu.Unlock()
	if len(row) > 0 {
		line(strings.Join(row, " "))
	}
	if m.Image != nil {
		a.mu.Lock()
		a.saved++
		name := fmt.Sprintf("chart-%d.png", a.saved)
		a.mu.Unlock()
		line(a.save(reader, name, m.Image.PNG, m.Image.Alt))
	}
	if f := m.File; f != nil {
		line(a.save(reader, f.Name, f.Content, ""))
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

// labelled ends a field's label with a colon, unless it ends with a
// sentence mark already (a question: "How clear is our goal?").
func labelled(label string) string {
	if strings.HasSuffix(label, "?") || strings.HasSuffix(label, ".") || strings.HasSuffix(label, "!") || strings.HasSuffix(label, ":") {
		return label
	}
	return label + ":"
}

// save writes a chart or an export called name into the files folder and
// returns the line that says where it is and, for a chart, what it shows;
// without a folder, what it is.
func (a *Adapter) save(reader bot.Ref, name string, data []byte, what string) string {
	if a.files != "" {
		path := filepath.Join(a.files, filepath.Base(name))
		err := os.MkdirAll(a.files, 0o750)
		if err == nil {
			err = os.WriteFile(path, data, 0o640)
		}
		switch {
		case err != nil:
			return a.t(reader, "console.save.failed", name, err.Error())
		case what == "":
			return a.t(reader, "console.saved.file", path)
		}
		return a.t(reader, "console.saved", what, path)
	}
	return fmt.Sprintf("(%s, %d bytes)", cmp.Or(what, name), len(data))
}
