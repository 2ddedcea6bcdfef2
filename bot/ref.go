package bot

import "strings"

// Platform names a chat platform herald talks to.
type Platform string

// The platforms herald knows.
const (
	Slack   Platform = "slack"
	Teams   Platform = "teams"
	Console Platform = "console"
)

// RefKind says what a Ref names.
type RefKind string

// The kinds of things a Ref can name.
const (
	UserRef    RefKind = "user"
	ChannelRef RefKind = "channel"
	GroupRef   RefKind = "group" // a user group or team, expanded to its members when needed
)

// Ref names a user, channel or user group on one platform and workspace.
// Refs are values: two Refs name the same thing when their Key is equal.
type Ref struct {
	Kind      RefKind  `json:"kind"`
	Platform  Platform `json:"platform"`
	Workspace string   `json:"workspace"`
	ID        string   `json:"id"`
	Name      string   `json:"name,omitempty"` // display name, for reading only
}

// Key is the stable identity of r: platform, workspace, kind and id.
func (r Ref) Key() string {
	return string(r.Platform) + ":" + r.Workspace + ":" + string(r.Kind) + ":" + r.ID
}

// Space is the workspace r belongs to, qualified by platform ("slack:T0001").
// Data such as shout-outs is kept per Space.
func (r Ref) Space() string { return string(r.Platform) + ":" + r.Workspace }

// IsZero reports whether r names nothing.
func (r Ref) IsZero() bool { return r.ID == "" }

// Label is how r reads in plain text: @name for people and groups, #name for channels.
func (r Ref) Label() string {
	name := r.Name
	if name == "" {
		name = r.ID
	}
	name = strings.TrimLeft(name, "@#")
	if r.Kind == ChannelRef {
		return "#" + name
	}
	return "@" + name
}

// Same returns a Ref of the given kind and id in r's platform and workspace.
func (r Ref) Same(kind RefKind, id, name string) Ref {
	return Ref{Kind: kind, Platform: r.Platform, Workspace: r.Workspace, ID: id, Name: name}
}
