package teams_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

var _ teams.Conversations = (*bottest.Conversations)(nil)

const tenant = "11111111-2222-3333-4444-555555555555"

// mustClient returns a Client on a fake Bot Framework that knows the tenant.
func mustClient(t *testing.T) (*teams.Client, *fakebf.Server) {
	t.Helper()
	fake := fakebf.New(t)
	convs := &bottest.Conversations{}
	if err := convs.SaveConversation(context.Background(), "teams:"+tenant, "19:wins@thread.tacv2", fake.ServiceURL()); err != nil {
		t.Fatal(err)
	}
	cat, err := bot.NewCatalog("en")
	if err != nil {
		t.Fatal(err)
	}
	return teams.NewClient(teams.ClientConfig{AppID: appID, Password: "secret", TokenURL: fake.TokenURL(), Conversations: convs, Catalog: cat, Logger: slog.New(slog.DiscardHandler)}), fake
}

func TestSendToAPersonCreatesTheirChat(t *testing.T) {
	c, fake := mustClient(t)
	ben := bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: tenant, ID: "29:2eFgH"}
	for range 2 {
		if err := c.Send(context.Background(), bot.Message{To: ben, Text: bot.Plain("hi")}); err != nil {
			t.Fatal(err)
		}
	}
	calls := fake.Calls("")
	want := []string{"POST /v3/conversations", "POST /v3/conversations/a:dm-29:2eFgH/activities", "POST /v3/conversations/a:dm-29:2eFgH/activities"}
	if len(calls) != len(want) {
		t.Fatalf("got %d calls, want %d (the chat is created once): %+v", len(calls), len(want), calls)
	}
	for i, c := range calls {
		if got := c.Method + " " + c.Path; got != want[i] {
			t.Errorf("call %d: got %s, want %s", i, got, want[i])
		}
	}
	for _, frag := range []string{`"members":[{"id":"29:2eFgH"}]`, `"tenantId":"` + tenant + `"`, `"bot":{"id":"28:APP_ID"}`, `"isGroup":false`} {
		if !contains(calls[0].Body, frag) {
			t.Errorf("create conversation lacks %s: %s", frag, calls[0].Body)
		}
	}
	if n := fake.Tokens(); n != 1 {
		t.Errorf("tokens fetched: got %d, want 1 (cached across calls)", n)
	}
}

// TestSendToAGroupSendsNothing proves the Messenger leaves groups to the
// core, which expands them through Members: a message to a group is an error
// and reaches nobody.
func TestSendToAGroupSendsNothing(t *testing.T) {
	c, fake := mustClient(t)
	fake.SetMembers("19:wins@thread.tacv2", fakebf.Member{ID: "29:1aBcD", Name: "Anna"})
	team := bot.Ref{Kind: bot.GroupRef, Platform: bot.Teams, Workspace: tenant, ID: "19:wins@thread.tacv2"}
	if err := c.Send(context.Background(), bot.Message{To: team, Text: bot.Plain("hi")}); err == nil {
		t.Error("send to a group: got no error, want one")
	}
	if calls := fake.Calls(""); len(calls) != 0 {
		t.Errorf("send to a group: got %d Bot Framework calls, want none", len(calls))
	}
}

func TestSendErrorsBecomeBotErrors(t *testing.T) {
	tests := []struct {
		name      string
		give      int
		wantCode  string
		wantRetry time.Duration
	}{
		{"rate limited", http.StatusTooManyRequests, bot.EUNAVAILABLE, 2 * time.Second},
		{"removed from the team", http.StatusForbidden, bot.EFORBIDDEN, 0},
		{"no such conversation", http.StatusNotFound, bot.ENOTFOUND, 0},
		{"Teams is down", http.StatusBadGateway, bot.EUNAVAILABLE, 0},
		{"a request Teams can't read", http.StatusBadRequest, bot.EINTERNAL, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake := mustClient(t)
			fake.FailFor("19:wins@thread.tacv2", tt.give)
			wins := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Teams, Workspace: tenant, ID: "19:wins@thread.tacv2"}
			err := c.Send(context.Background(), bot.Message{To: wins, Text: bot.Plain("hi")})
			var be *bot.Error
			if !errors.As(err, &be) || be.Code != tt.wantCode || be.RetryAfter != tt.wantRetry {
				t.Fatalf("got %v, want code %s with RetryAfter %v", err, tt.wantCode, tt.wantRetry)
			}
		})
	}
}

func TestSendToAnUnknownTenantIsNotFound(t *testing.T) {
	c, fake := mustClient(t)
	stranger := bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: "another-tenant", ID: "29:x"}
	if err := c.Send(context.Background(), bot.Message{To: stranger, Text: bot.Plain("hi")}); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("got %v, want ENOTFOUND", err)
	}
	if n := len(fake.Calls("")); n != 0 {
		t.Errorf("got %d connector calls, want none", n)
	}
}

func TestMembersOfAChannel(t *testing.T) {
	c, fake := mustClient(t)
	fake.SetMembers("19:wins@thread.tacv2", fakebf.Member{ID: "29:1aBcD", Name: "Anna"}, fakebf.Member{ID: "29:2eFgH", Name: "Ben"})
	wins := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Teams, Workspace: tenant, ID: "19:wins@thread.tacv2"}
	got, err := c.Members(context.Background(), wins)
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Ref{wins.Same(bot.UserRef, "29:1aBcD", "Anna"), wins.Same(bot.UserRef, "29:2eFgH", "Ben")}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	fake.FailFor("19:gone@thread.tacv2", http.StatusNotFound)
	if _, err := c.Members(context.Background(), wins.Same(bot.ChannelRef, "19:gone@thread.tacv2", "")); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("members of an unknown channel: got %v, want ENOTFOUND", err)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

func TestARefusedTokenIsReplacedOnce(t *testing.T) {
	c, fake := mustClient(t)
	wins := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Teams, Workspace: tenant, ID: "19:wins@thread.tacv2"}
	if err := c.Send(context.Background(), bot.Message{To: wins, Text: bot.Plain("one")}); err != nil {
		t.Fatal(err)
	}
	fake.RevokeTokens() // e.g. the app's secret was rotated
	if err := c.Send(context.Background(), bot.Message{To: wins, Text: bot.Plain("two")}); err != nil {
		t.Fatalf("after the token was refused: %v, want a new token and success", err)
	}
	if n := fake.Tokens(); n != 2 {
		t.Errorf("tokens fetched: got %d, want 2", n)
	}
}
