package bot

import "strings"

// channelFor picks the channel id for platform p from a channel setting such
// as HERALD_WINS_CHANNEL: either one id for every platform ("C0WINS"), or ids
// by platform ("slack:C0WINS,teams:19:abc@thread.tacv2"), where an entry
// without a platform serves the platforms not named. It returns "" when p has
// no channel.
func channelFor(setting string, p Platform) string {
	var fallback string
	for part := range strings.SplitSeq(setting, ",") {
		part = strings.TrimSpace(part)
		if name, id, ok := strings.Cut(part, ":"); ok && isPlatform(name) {
			if Platform(name) == p {
				return strings.TrimPrefix(id, "#")
			}
			continue
		}
		if fallback == "" {
			fallback = strings.TrimPrefix(part, "#")
		}
	}
	return fallback
}

func isPlatform(name string) bool {
	switch Platform(name) {
	case Slack, Teams, Console:
		return true
	}
	return false
}
