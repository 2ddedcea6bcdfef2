package bot

// Channels is a channel setting such as the wins or the feedback channel: a
// channel id by platform, and one for the platforms not named. cmd/herald
// reads it from the environment once, at start.
type Channels struct {
	// ByPlatform holds the ids of the platforms named in the setting.
	ByPlatform map[Platform]string
	// Default serves the platforms ByPlatform does not name; empty means none.
	Default string
}

// For returns the channel id for platform p, or "" when p has none.
func (c Channels) For(p Platform) string {
	if id, ok := c.ByPlatform[p]; ok {
		return id
	}
	return c.Default
}
