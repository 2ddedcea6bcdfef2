package store_test

import (
	"context"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store/storetest"
)

func TestConversationServiceURLs(t *testing.T) {
	st := storetest.MustStore(t)
	ctx := context.Background()
	const space = "teams:tenant1"
	if _, err := st.ServiceURL(ctx, space, "19:a@thread.tacv2"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("before any activity: got %v, want ENOTFOUND", err)
	}
	must := func(conv, url string) {
		t.Helper()
		if err := st.SaveConversation(ctx, space, conv, url); err != nil {
			t.Fatal(err)
		}
	}
	must("19:a@thread.tacv2", "https://emea.example/")
	must("a:dm", "https://amer.example/")
	tests := []struct {
		give string
		want string
	}{
		{"19:a@thread.tacv2", "https://emea.example/"},
		{"a:dm", "https://amer.example/"},
		{"a:never-seen", "https://amer.example/"}, // the tenant's latest
		{"", "https://amer.example/"},
	}
	for _, tt := range tests {
		got, err := st.ServiceURL(ctx, space, tt.give)
		if err != nil || got != tt.want {
			t.Errorf("ServiceURL(%q): got %q, %v; want %q", tt.give, got, err, tt.want)
		}
	}
	if _, err := st.ServiceURL(ctx, "teams:other", "a:dm"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("another tenant: got %v, want ENOTFOUND", err)
	}
}
