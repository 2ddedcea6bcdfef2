package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	teamsbot "github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/outbox"
)

// config is herald's configuration, read from the environment (the README's
// configuration table).
type config struct {
	RedisURL     string
	ClusterAddrs []string
	Prefix       string
	DataDir      string
	DataRecover  bool // start the embedded store from what is readable when a file is damaged
	Addr         string
	Admins       []string
	Location     *time.Location
	Lang         string
	// WinsChannel is where shout-outs are broadcast.
	WinsChannel bot.Channels
	// FeedbackChannel receives anonymous feedback; none refuses it.
	FeedbackChannel bot.Channels
	AnonymityMin    int
	ConsoleUser     string
	// ConsoleMembers are the people in every console channel.
	ConsoleMembers []string
	LogJSON        bool
	LogLevel       slog.Level
	SlackBotToken  string
	SlackSecret    string
	SlackAppToken  string
	SlackAPIURL    string
	TeamsAppID     string
	TeamsPassword  string
	TeamsTenantID  string
	// TeamsMetadataURL names the keys of inbound tokens; TeamsTokenURL is
	// where connector tokens come from.
	TeamsMetadataURL string
	TeamsTokenURL    string
	// MinInterval is the shortest time allowed between two runs of a key
	// message or pulse schedule.
	MinInterval time.Duration
	// CatchupGrace is how late a missed scheduled run may still be sent.
	CatchupGrace time.Duration
	// Executives receive the monthly digest; DigestSchedule is when.
	Executives     []bot.Ref
	DigestSchedule string
	// Pace is each platform's starting rate and ceiling per workspace.
	Pace map[bot.Platform]outbox.Pace
	// Clock is the time of the core and the scheduler; it is not read from
	// the environment (run sets the system clock, tests a fake one).
	Clock bot.Clock
	// SlackWorkers, SlackQueue, TeamsWorkers and TeamsQueue size the inbound
	// worker pools; 0 takes the adapter's default.
	SlackWorkers, SlackQueue int
	TeamsWorkers, TeamsQueue int
	// PrivacyText and TermsText are the pages served at /privacy and /terms.
	PrivacyText, TermsText string
	// PublicURL is herald's public https:// address, for download links.
	PublicURL string
	// HeaderTimeout and ReadTimeout bound how long a client may take to send
	// a request's headers, and the whole request: a stalled client holds its
	// connection no longer.
	HeaderTimeout, ReadTimeout time.Duration
	// BodyBudget bounds, in bytes, the memory that the request bodies being
	// read hold at once, for Slack and for Teams each; 0 takes the
	// adapters' default (32 MiB).
	BodyBudget int64
}

// The bounds of HERALD_HTTP_BODY_BUDGET_MIB: a body of 1 MiB needs 1.5 MiB
// while its buffer grows, and a budget of more than the memory of a large
// machine bounds nothing.
const (
	minBodyBudgetMiB = 2
	maxBodyBudgetMiB = 64 << 10
)

// consoleMode reports whether no chat platform is configured.
func (c config) consoleMode() bool { return c.SlackBotToken == "" && c.TeamsAppID == "" }

// withDotenv returns a getenv that reads the environment first and then the
// .env file in the working directory, if there is one.
func withDotenv(getenv func(string) string) (func(string) string, error) {
	file, err := godotenv.Read(".env")
	if err != nil && !isNotExist(err) {
		return nil, fmt.Errorf(".env: %w", err)
	}
	return func(key string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return file[key]
	}, nil
}

// loadConfig reads and checks the configuration. Its errors are one line that
// names the variable.
func loadConfig(getenv func(string) string) (config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := config{
		RedisURL:       get("REDIS_URL", ""),
		ClusterAddrs:   splitList(get("REDIS_CLUSTER_ADDRS", "")),
		Prefix:         get("HERALD_REDIS_PREFIX", "herald:"),
		DataDir:        get("HERALD_DATA_DIR", "./data"),
		Addr:           get("HERALD_ADDR", ":8080"),
		Admins:         splitList(get("HERALD_ADMINS", "")),
		ConsoleUser:    get("HERALD_CONSOLE_USER", "you"),
		ConsoleMembers: splitList(get("HERALD_CONSOLE_MEMBERS", "anna,ben,carla,dan,eva")),
		SlackBotToken:  get("SLACK_BOT_TOKEN", ""),
		SlackSecret:    get("SLACK_SIGNING_SECRET", ""),
		SlackAppToken:  get("SLACK_APP_TOKEN", ""),
		SlackAPIURL:    get("SLACK_API_URL", "https://slack.com/api/"),
		TeamsAppID:     get("TEAMS_APP_ID", ""),
		TeamsPassword:  get("TEAMS_APP_PASSWORD", ""),
		TeamsTenantID:  get("TEAMS_TENANT_ID", ""),
	}
	var errs []error
	var err error
	if c.WinsChannel, err = parseChannels(get("HERALD_WINS_CHANNEL", "")); err != nil {
		errs = append(errs, fmt.Errorf("HERALD_WINS_CHANNEL: %w", err))
	}
	if c.FeedbackChannel, err = parseChannels(get("HERALD_FEEDBACK_CHANNEL", "")); err != nil {
		errs = append(errs, fmt.Errorf("HERALD_FEEDBACK_CHANNEL: %w", err))
	}
	c.TeamsMetadataURL = get("TEAMS_OPENID_METADATA_URL", teamsbot.DefaultMetadataURL)
	c.TeamsTokenURL = get("TEAMS_TOKEN_URL", teamsbot.TokenURL(c.TeamsTenantID))
	if c.RedisURL != "" && len(c.ClusterAddrs) == 0 {
		if _, err := redis.ParseURL(c.RedisURL); err != nil {
			errs = append(errs, fmt.Errorf("REDIS_URL %q is not a redis:// or rediss:// URL: %v", c.RedisURL, err))
		}
	}
	if v := get("HERALD_DATA_RECOVER", ""); v != "" {
		var err error
		if c.DataRecover, err = strconv.ParseBool(v); err != nil {
			errs = append(errs, fmt.Errorf("HERALD_DATA_RECOVER %q: want 1 or 0", v))
		}
	}
	tz := get("HERALD_TZ", "UTC")
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		errs = append(errs, fmt.Errorf("HERALD_TZ %q is not an IANA time zone such as Europe/Berlin", tz))
	}
	c.Location = loc
	lang, ok := bot.ParseLang(get("HERALD_LANG", "en"))
	if !ok {
		errs = append(errs, fmt.Errorf("HERALD_LANG %q is not one of %s", getenv("HERALD_LANG"), strings.Join(bot.Languages(), ", ")))
	}
	c.Lang = lang
	c.AnonymityMin, err = strconv.Atoi(get("HERALD_ANONYMITY_MIN", "5"))
	if err != nil || c.AnonymityMin < bot.MinAnonymity {
		errs = append(errs, fmt.Errorf("HERALD_ANONYMITY_MIN %q must be a whole number of at least %d: fewer answers cannot stay anonymous", getenv("HERALD_ANONYMITY_MIN"), bot.MinAnonymity))
	}
	switch f := get("HERALD_LOG_FORMAT", "text"); f {
	case "text", "json":
		c.LogJSON = f == "json"
	default:
		errs = append(errs, fmt.Errorf("HERALD_LOG_FORMAT %q is not text or json", f))
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("HERALD_LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, fmt.Errorf("HERALD_LOG_LEVEL %q is not debug, info, warn or error", getenv("HERALD_LOG_LEVEL")))
	}
	if c.SlackBotToken != "" && c.SlackSecret == "" && c.SlackAppToken == "" {
		errs = append(errs, errors.New("SLACK_BOT_TOKEN set but SLACK_SIGNING_SECRET missing"))
	}
	if c.SlackAppToken != "" && c.SlackBotToken == "" {
		errs = append(errs, errors.New("SLACK_APP_TOKEN set but SLACK_BOT_TOKEN missing"))
	}
	if c.TeamsAppID != "" && c.TeamsPassword == "" {
		errs = append(errs, errors.New("TEAMS_APP_ID set but TEAMS_APP_PASSWORD missing"))
	}
	c.CatchupGrace, err = time.ParseDuration(get("HERALD_CATCHUP_GRACE", "6h"))
	if err != nil || c.CatchupGrace <= 0 {
		errs = append(errs, fmt.Errorf("HERALD_CATCHUP_GRACE %q is not a duration such as 6h or 90m", getenv("HERALD_CATCHUP_GRACE")))
	}
	c.MinInterval, err = time.ParseDuration(get("HERALD_MIN_INTERVAL", "1h"))
	if err != nil || c.MinInterval < time.Minute {
		errs = append(errs, fmt.Errorf("HERALD_MIN_INTERVAL %q is not a duration of at least 1m, such as 1h or 15m", getenv("HERALD_MIN_INTERVAL")))
	}
	for _, e := range splitList(get("HERALD_EXECUTIVES", "")) {
		ref, ok := parseUserRef(e, c.consoleMode())
		if !ok {
			errs = append(errs, fmt.Errorf("HERALD_EXECUTIVES: %q is not platform:workspace:user (slack:T0001:U0002)", e))
			continue
		}
		c.Executives = append(c.Executives, ref)
	}
	c.DigestSchedule = get("HERALD_DIGEST_SCHEDULE", "")
	for _, v := range []struct {
		key string
		dst *int
	}{
		{"HERALD_SLACK_WORKERS", &c.SlackWorkers}, {"HERALD_SLACK_QUEUE", &c.SlackQueue},
		{"HERALD_TEAMS_WORKERS", &c.TeamsWorkers}, {"HERALD_TEAMS_QUEUE", &c.TeamsQueue},
	} {
		s := get(v.key, "0")
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("%s %q is not a whole number (0: the default)", v.key, s))
		}
		*v.dst = n
	}
	for _, v := range []struct {
		key, def string
		dst      *time.Duration
	}{
		{"HERALD_HTTP_HEADER_TIMEOUT", "5s", &c.HeaderTimeout}, {"HERALD_HTTP_READ_TIMEOUT", "15s", &c.ReadTimeout},
	} {
		s := get(v.key, v.def)
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s %q is not a duration such as %s", v.key, s, v.def))
		}
		*v.dst = d
	}
	if s := get("HERALD_HTTP_BODY_BUDGET_MIB", "0"); s != "0" {
		n, err := strconv.Atoi(s)
		if err != nil || n < minBodyBudgetMiB || n > maxBodyBudgetMiB {
			errs = append(errs, fmt.Errorf("HERALD_HTTP_BODY_BUDGET_MIB %q is not a whole number of MiB from %d to %d (0: 32)", s, minBodyBudgetMiB, maxBodyBudgetMiB))
		}
		c.BodyBudget = int64(n) << 20
	}
	c.PublicURL = strings.TrimRight(get("HERALD_PUBLIC_URL", ""), "/")
	if u, err := url.Parse(c.PublicURL); c.PublicURL != "" && (err != nil || u.Scheme != "https" || u.Host == "") {
		errs = append(errs, fmt.Errorf("HERALD_PUBLIC_URL %q is not an https:// address such as https://herald.example.com", c.PublicURL))
	}
	c.PrivacyText = get("HERALD_PRIVACY_TEXT", "")
	c.TermsText = get("HERALD_TERMS_TEXT", "")
	if c.Pace, err = loadPace(get); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return c, errs[0]
	}
	return c, nil
}

// parseChannels reads a channel setting: one channel id for every platform
// ("C0WINS", "19:abc@thread.tacv2", "#wins"), or comma-separated ids by
// platform ("slack:C0WINS,teams:19:abc@thread.tacv2"), where an id without a
// platform serves the platforms not named. Letters before the first ':' name
// a platform (Teams ids start with digits: 19:…); an unknown platform, one
// named twice or two ids without a platform are errors.
func parseChannels(setting string) (bot.Channels, error) {
	var c bot.Channels
	for part := range strings.SplitSeq(setting, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, id, ok := strings.Cut(part, ":")
		if !ok || !isLetters(name) {
			if c.Default != "" {
				return bot.Channels{}, fmt.Errorf("%q and %q are both for every platform; name the platform of each (slack:C0WINS)", c.Default, part)
			}
			c.Default = strings.TrimPrefix(part, "#")
			continue
		}
		p := bot.Platform(strings.ToLower(name))
		switch p {
		case bot.Slack, bot.Teams, bot.Console:
		default:
			return bot.Channels{}, fmt.Errorf("%q in %q is not a platform: slack, teams or console", name, part)
		}
		if _, dup := c.ByPlatform[p]; dup {
			return bot.Channels{}, fmt.Errorf("%s is named twice", p)
		}
		if c.ByPlatform == nil {
			c.ByPlatform = map[bot.Platform]string{}
		}
		c.ByPlatform[p] = strings.TrimPrefix(strings.TrimSpace(id), "#")
	}
	return c, nil
}

// isLetters reports whether s is one or more ASCII letters.
func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}

// parseUserRef reads "platform:workspace:user", or in the console a plain name.
func parseUserRef(s string, console bool) (bot.Ref, bool) {
	parts := strings.Split(strings.TrimPrefix(s, "@"), ":")
	switch {
	case len(parts) == 1 && console && parts[0] != "":
		return bot.Ref{Kind: bot.UserRef, Platform: bot.Console, Workspace: "local", ID: parts[0], Name: parts[0]}, true
	case len(parts) == 3 && parts[0] != "" && parts[1] != "" && parts[2] != "":
		return bot.Ref{Kind: bot.UserRef, Platform: bot.Platform(parts[0]), Workspace: parts[1], ID: parts[2]}, true
	}
	return bot.Ref{}, false
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
