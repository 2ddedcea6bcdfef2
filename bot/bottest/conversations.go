package bottest

import (
	"context"
	"sync"

	"github.com/herald-chat/herald/bot"
)

// Conversations is an in-memory store of Teams conversation references
// (teams.Conversations): service URLs by space and conversation.
type Conversations struct {
	mu    sync.Mutex
	convs map[string]string // space + " " + conversation → service URL
	space map[string]string // space → service URL
}

// SaveConversation records serviceURL for conversation and its space.
func (c *Conversations) SaveConversation(_ context.Context, space, conversation, serviceURL string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.convs == nil {
		c.convs, c.space = map[string]string{}, map[string]string{}
	}
	if conversation != "" {
		c.convs[space+" "+conversation] = serviceURL
	}
	c.space[space] = serviceURL
	return nil
}

// ServiceURL returns the service URL of conversation, else of space, else ENOTFOUND.
func (c *Conversations) ServiceURL(_ context.Context, space, conversation string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if u, ok := c.convs[space+" "+conversation]; ok {
		return u, nil
	}
	if u, ok := c.space[space]; ok {
		return u, nil
	}
	return "", bot.Errorf(bot.ENOTFOUND, "teams.err.notfound")
}

// Len returns how many conversations are stored.
func (c *Conversations) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.convs)
}
