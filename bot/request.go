package bot

// Request is one thing a user did: typed a command or pressed a button.
// Adapters translate what their platform sends into a Request.
type Request struct {
	// User is who acted; Channel is where (a channel, or the direct message with herald).
	User    Ref
	Channel Ref
	// Text is the command words, without "/herald" or the bot's mention. Every
	// mention in it is one word, and Refs maps that word to what it names.
	Text string
	Refs map[string]Ref
	// Action is set instead of Text when a button was pressed.
	Action *Action
	// Lang is the user's language when the platform tells it ("de"); empty means
	// herald's default.
	Lang string
}

// Action is a pressed button: the Button's Action and Value, as sent; or a
// submitted Form: its Action and Value, and in Input what was typed.
type Action struct {
	Name  string
	Value string
	// Input is the text typed into a Form; empty for a button.
	Input string
}
