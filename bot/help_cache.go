package bot

import "sync"

// helpKey names one help text: it depends only on the reader's language, their
// platform (Teams gets a note on naming channels) and the topic.
type helpKey struct {
	lang     string
	platform Platform
	topic    string // "" for the list of commands
}

// helpCache keeps each help text once built: help is the most asked command
// and never changes while herald runs. It holds at most one Message per
// language, platform and known topic; unknown topics are not kept.
type helpCache struct {
	mu sync.RWMutex
	m  map[helpKey]*Message
}

func (h *helpCache) get(k helpKey) *Message {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.m[k]
}

// put keeps m under k, unless another request kept one first, and returns
// the kept one.
func (h *helpCache) put(k helpKey, m *Message) *Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	if old, ok := h.m[k]; ok {
		return old
	}
	h.m[k] = m
	return m
}
