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
	parts := []struct{ label, text string }{
		{c.t("privacy.stored.label"), c.t("privacy.stored")},
		{c.t("privacy.admins.label"), c.t("privacy.admins", pv.anonymityMin)},
		{c.t("privacy.db.label"), c.t("privacy.db")},
		{c.t("privacy.check.label"), c.t("privacy.check", pv.anonymityMin)},
	}
	var text Text
	for i, p := range parts {
		if i > 0 {
			text = append(text, Str("\n\n"))
		}
		text = append(text, Bold(p.label), Str("\n"+p.text))
	}
	return &Message{Ephemeral: true, Header: c.t("privacy.header"), Text: text, Fallback: c.t("privacy.header")}, nil
}
