package bot

import "context"

// privacy is the feature that explains, in plain words, what herald stores
// and who sees it: for employees and for a works council checking herald.
type privacy struct {
	anonymityMin int
}

func (pv *privacy) commands() []command {
	return []command{{
		name: "privacy", run: pv.privacy,
		usage: "cmd.privacy.usage", summary: "cmd.privacy.summary", help: "cmd.privacy.help",
	}}
}

// privacy handles "privacy": what is stored, what admins see, what someone
// with database access could see, and how to check it.
func (pv *privacy) privacy(_ context.Context, c *call) (*Message, error) {
	return &Message{
		Ephemeral: true,
		Header:    c.t("privacy.header"),
		Fallback:  c.t("privacy.header"),
		Fields: []Field{
			{Label: c.t("privacy.stored.label"), Value: Plain(c.t("privacy.stored"))},
			{Label: c.t("privacy.admins.label"), Value: Plain(c.t("privacy.admins", pv.anonymityMin))},
			{Label: c.t("privacy.db.label"), Value: Plain(c.t("privacy.db"))},
			{Label: c.t("privacy.check.label"), Value: Plain(c.t("privacy.check", pv.anonymityMin))},
		},
	}, nil
}
