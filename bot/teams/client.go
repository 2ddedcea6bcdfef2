package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/herald-chat/herald/bot"
)

// Client sends herald's messages to Teams through the Bot Framework connector
// REST API and lists the members of conversations. It authenticates with a
// token it gets by client credentials and keeps until shortly before expiry.
// It does not retry: a 429 is returned as EUNAVAILABLE with RetryAfter, for
// the delivery queue to pace.
type Client struct {
	appID  string
	convs  Conversations
	tokens *tokens
	httpc  *http.Client
	log    *slog.Logger
	t      func(key string, args ...any) string
	links  *Links
	files  Files
	// names remembers the display names of channels Teams told herald
	// (conversation id → name), so replies name them as Teams shows them.
	names sync.Map
	// chats remembers each person's 1:1 conversation id (user ref key →
	// id), so a broadcast to many people creates each chat once per process.
	chats sync.Map
}

var (
	_ bot.Messenger = (*Client)(nil)
	_ bot.Directory = (*Client)(nil)
)

// ClientConfig is what a Client needs.
type ClientConfig struct {
	AppID, Password string
	// TokenURL is the client-credentials endpoint (TokenURL(tenant) by default).
	TokenURL string
	// Conversations tells through which service URL a conversation is reached.
	Conversations Conversations
	HTTPClient    *http.Client
	Logger        *slog.Logger
	Now           func() time.Time
	// Catalog gives the notes cards need (a file shown as text), in its
	// default language.
	Catalog *bot.Catalog
	// Links, when set, sends files and charts too large to embed as
	// expiring download links, in every kind of conversation.
	Links *Links
	// Files, when set and Links is not, keeps a file meant for one person
	// while it is offered in their 1:1 chat by file consent card (see
	// consent.go). Without both, a file is shown as text when small, else
	// named in a note.
	Files Files
}

// NewClient returns a Client.
func NewClient(cfg ClientConfig) *Client {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = TokenURL("")
	}
	return &Client{
		appID: cfg.AppID, convs: cfg.Conversations, httpc: cfg.HTTPClient, log: cfg.Logger, links: cfg.Links, files: cfg.Files,
		t:      func(key string, args ...any) string { return cfg.Catalog.T("", key, args...) },
		tokens: &tokens{url: cfg.TokenURL, id: cfg.AppID, secret: cfg.Password, httpc: cfg.HTTPClient, now: cfg.Now},
	}
}

// Send delivers m proactively: to a channel (a new post in it) or to a
// person (their 1:1 chat with herald, created when needed); the core expands
// groups into people through Members before it sends. Returns ENOTFOUND when
// herald was never added in the tenant or Teams does not know the target,
// EFORBIDDEN when herald may not write there (it was removed, the user
// blocked it), and EUNAVAILABLE (with RetryAfter on a 429) when Teams can't
// be reached.
func (c *Client) Send(ctx context.Context, m bot.Message) error {
	switch m.To.Kind {
	case bot.ChannelRef:
		svc, err := c.convs.ServiceURL(ctx, m.To.Space(), m.To.ID)
		if err != nil {
			return err
		}
		_, err = c.post(ctx, svc, m.To.ID, "", m)
		return err
	case bot.UserRef:
		svc, err := c.convs.ServiceURL(ctx, m.To.Space(), "")
		if err != nil {
			return err
		}
		conv, err := c.personal(ctx, svc, m.To)
		if err != nil {
			return err
		}
		err = c.postPersonal(ctx, svc, conv, "", m.To, m)
		if code := bot.ErrorCode(err); code == bot.ENOTFOUND || code == bot.EFORBIDDEN {
			c.chats.Delete(m.To.Key()) // ask Teams again next time
		}
		return err
	}
	return fmt.Errorf("teams send: no target in %q", m.To.Key())
}

// Reply answers activity id in conversation conv, reached through svc.
func (c *Client) Reply(ctx context.Context, svc, conv, id string, m bot.Message) error {
	_, err := c.post(ctx, svc, conv, id, m)
	return err
}

// ReplyPersonal answers activity id in user's 1:1 chat conv, reached
// through svc; a file in m is offered by file consent card.
func (c *Client) ReplyPersonal(ctx context.Context, svc, conv, id string, user bot.Ref, m bot.Message) error {
	return c.postPersonal(ctx, svc, conv, id, user, m)
}

// Update replaces activity id in conversation conv with m (a card whose
// button was pressed).
func (c *Client) Update(ctx context.Context, svc, conv, id string, m bot.Message) error {
	a := c.activity(ctx, m)
	a.ID = id
	return c.call(ctx, http.MethodPut, endpoint(svc, "v3/conversations", conv, "activities", id), a, nil)
}

// post sends m as a new activity in conv, as a reply to replyTo when set.
func (c *Client) post(ctx context.Context, svc, conv, replyTo string, m bot.Message) (string, error) {
	return c.postActivity(ctx, svc, conv, replyTo, c.activity(ctx, m))
}

// postActivity sends a in conv, as a reply to replyTo when set, and returns
// the new activity's id.
func (c *Client) postActivity(ctx context.Context, svc, conv, replyTo string, a *activityOut) (string, error) {
	path := endpoint(svc, "v3/conversations", conv, "activities")
	if replyTo != "" {
		a.ReplyToID = replyTo
		path = endpoint(svc, "v3/conversations", conv, "activities", replyTo)
	}
	var out struct {
		ID string `json:"id"`
	}
	err := c.call(ctx, http.MethodPost, path, a, &out)
	return out.ID, err
}

// Learn remembers the display names of channels (conversation id → name).
func (c *Client) Learn(names map[string]string) {
	for id, name := range names {
		c.names.Store(id, name)
	}
}

// named returns t with the channels whose names herald learnt named.
func (c *Client) named(t bot.Text) bot.Text {
	var out bot.Text
	for i, s := range t {
		if s.Ref == nil || s.Ref.Kind != bot.ChannelRef || s.Ref.Name != "" {
			continue
		}
		name, ok := c.names.Load(s.Ref.ID)
		if !ok {
			continue
		}
		if out == nil {
			out = slices.Clone(t)
		}
		r := *s.Ref
		r.Name = name.(string)
		out[i].Ref = &r
	}
	if out == nil {
		return t
	}
	return out
}

// activity renders m as a message activity. With Links, a file and an image
// too large to embed go by download link; the card is then fitted under
// Teams' size limit.
func (c *Client) activity(ctx context.Context, m bot.Message) *activityOut {
	var linked []element
	if c.links != nil && m.File != nil && len(m.File.Content) > 0 {
		if u, err := c.links.Put(ctx, *m.File); err != nil {
			c.log.Warn("teams: file link not made; the file goes in the card", "file", m.File.Name, "err", err)
		} else {
			linked = append(linked, small(c.t("teams.file.link", m.File.Name)),
				element{"type": "ActionSet", "actions": []element{{"type": "Action.OpenUrl", "title": c.t("teams.file.download", m.File.Name), "url": u}}})
			m.File = nil
		}
	}
	if c.links != nil && m.Image != nil && len(m.Image.PNG) > maxImage {
		if u, err := c.links.Put(ctx, bot.File{Name: "chart.png", Type: "image/png", Content: m.Image.PNG}); err != nil {
			c.log.Warn("teams: chart link not made", "err", err)
		} else {
			linked = append(linked, element{"type": "Image", "url": u, "altText": m.Image.Alt, "size": "Stretch"})
			m.Image = nil
		}
	}
	m.Text = c.named(m.Text)
	if len(m.Fields) > 0 {
		m.Fields = slices.Clone(m.Fields)
		for i := range m.Fields {
			m.Fields[i].Value = c.named(m.Fields[i].Value)
		}
	}
	card := Card(m, c.t)
	card.Body = append(card.Body, linked...)
	return &activityOut{
		Type:        "message",
		Summary:     Summary(m),
		Attachments: []attachment{{ContentType: cardType, Content: card}},
	}
}

// personal returns the id of user's 1:1 conversation with herald (Teams
// returns the existing one when there is one).
func (c *Client) personal(ctx context.Context, svc string, user bot.Ref) (string, error) {
	if id, ok := c.chats.Load(user.Key()); ok {
		return id.(string), nil
	}
	body := map[string]any{
		"isGroup":     false,
		"bot":         map[string]string{"id": "28:" + c.appID},
		"members":     []map[string]string{{"id": user.ID}},
		"tenantId":    user.Workspace,
		"channelData": map[string]any{"tenant": map[string]string{"id": user.Workspace}},
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := c.call(ctx, http.MethodPost, endpoint(svc, "v3/conversations"), body, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", bot.Unavailable("err.platform", errors.New("teams: created conversation has no id"))
	}
	c.chats.Store(user.Key(), out.ID)
	return out.ID, nil
}

// Members returns the people in a channel's team or a group chat
// (GET …/pagedmembers, every page); a user is returned as is. Returns
// ENOTFOUND when Teams does not know r or herald is not in it.
func (c *Client) Members(ctx context.Context, r bot.Ref) ([]bot.Ref, error) {
	if r.Kind == bot.UserRef {
		return []bot.Ref{r}, nil
	}
	svc, err := c.convs.ServiceURL(ctx, r.Space(), r.ID)
	if err != nil {
		return nil, err
	}
	var out []bot.Ref
	token := ""
	for {
		q := url.Values{"pageSize": {"500"}}
		if token != "" {
			q.Set("continuationToken", token)
		}
		var page struct {
			Members []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"members"`
			ContinuationToken string `json:"continuationToken"`
		}
		if err := c.call(ctx, http.MethodGet, endpoint(svc, "v3/conversations", r.ID, "pagedmembers")+"?"+q.Encode(), nil, &page); err != nil {
			return nil, err
		}
		for _, m := range page.Members {
			out = append(out, r.Same(bot.UserRef, m.ID, m.Name))
		}
		if token = page.ContinuationToken; token == "" {
			return out, nil
		}
	}
}

// call does one connector request with a bearer token; a refused token is
// replaced once. Failures are logged here and returned as *bot.Error.
func (c *Client) call(ctx context.Context, method, u string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = marshal(in, ""); err != nil {
			return fmt.Errorf("teams %s: %w", method, err)
		}
	}
	for attempt := 0; ; attempt++ {
		err := c.do(ctx, method, u, body, out)
		var he *httpError
		if errors.As(err, &he) && he.status == http.StatusUnauthorized && attempt == 0 {
			c.tokens.forget()
			continue
		}
		if err == nil {
			return nil
		}
		berr := mapError(err)
		c.log.Warn("teams call failed", "method", method, "url", redactQuery(u), "err", err, "code", berr.Code)
		return berr
	}
}

func (c *Client) do(ctx context.Context, method, u string, body []byte, out any) error {
	tok, err := c.tokens.get(ctx)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.httpc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &httpError{op: method + " " + redactQuery(u), status: resp.StatusCode, body: snippet(data), retryAfter: retryAfter(resp.Header)}
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("read answer of %s: %w", redactQuery(u), err)
		}
	}
	return nil
}

// httpError is an answer of Teams or its token endpoint other than 2xx.
type httpError struct {
	op         string
	status     int
	body       string
	retryAfter time.Duration
}

func (e *httpError) Error() string { return fmt.Sprintf("%s: HTTP %d %s", e.op, e.status, e.body) }

// mapError turns a failed call into a *bot.Error: 429 and 5xx (and the
// network) are worth retrying, 403 and 404 are not.
func mapError(err error) *bot.Error {
	e := &bot.Error{Code: bot.EUNAVAILABLE, Key: "err.platform", Err: err}
	var he *httpError
	if !errors.As(err, &he) {
		var be *bot.Error
		if errors.As(err, &be) {
			return be
		}
		return e
	}
	switch {
	case he.status == http.StatusTooManyRequests:
		e.RetryAfter = max(he.retryAfter, time.Second)
	case he.status == http.StatusForbidden:
		e.Code, e.Key = bot.EFORBIDDEN, "teams.err.forbidden"
	case he.status == http.StatusNotFound:
		e.Code, e.Key = bot.ENOTFOUND, "teams.err.notfound"
	case he.status >= 500, he.status == http.StatusUnauthorized:
		// Teams is down, or our credentials were refused twice: retry later.
	default:
		e.Code, e.Key = bot.EINTERNAL, "err.internal" // a request Teams can't read is a bug of ours
	}
	return e
}

// retryAfter reads a Retry-After header in seconds.
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// endpoint joins the service URL and path segments, escaping each segment.
func endpoint(svc string, parts ...string) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(svc, "/"))
	for i, p := range parts {
		b.WriteByte('/')
		if i == 0 {
			b.WriteString(p) // a fixed path such as v3/conversations
			continue
		}
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// redactQuery drops the query (continuation tokens) from u for logs.
func redactQuery(u string) string {
	s, _, _ := strings.Cut(u, "?")
	return s
}

// snippet is the start of an error body, for logs.
func snippet(b []byte) string {
	const n = 200
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
