package bot

import (
	"context"
	"strings"
)

// help answers "help" with an overview and "help <topic>" with one command's details.
func (b *Bot) help(_ context.Context, c *call) (*Message, error) {
	if len(c.args) == 0 {
		var lines []string
		for _, cmd := range b.commands {
			if cmd.name == "help" {
				continue
			}
			lines = append(lines, "• "+c.t("cmd."+cmd.name+".usage")+"\n    "+c.t("cmd."+cmd.name+".summary"))
		}
		return &Message{
			Ephemeral: true,
			Header:    c.t("help.header"),
			Text:      Plain(c.t("help.intro") + "\n" + strings.Join(lines, "\n")),
			Context:   c.t("help.more"),
		}, nil
	}
	topic := strings.ToLower(c.args[0])
	for _, cmd := range b.commands {
		if cmd.name == topic && topic != "help" {
			return &Message{
				Ephemeral: true,
				Header:    c.t("help.topic", topic),
				Text:      Plain(c.t("cmd." + topic + ".help")),
				Context:   c.t("cmd." + topic + ".summary"),
			}, nil
		}
	}
	topics := b.commandNames()[1:]
	if near, ok := closest(topic, topics); ok {
		return nil, Errorf(EINVALID, "err.unknown.near", "help "+c.args[0], "help "+near)
	}
	return nil, Errorf(EINVALID, "help.unknown", c.args[0], strings.Join(topics, ", "))
}
