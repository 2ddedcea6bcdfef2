package chart

import "testing"

func TestWrapKeepsLabelsNarrow(t *testing.T) {
	tests := []struct{ give, want string }{
		{"R1", "R1"},
		{"Able & willing", "Able &\nwilling"},
		{"Fähig, nicht willig", "Fähig, nicht\nwillig"},
		{"Willig, nicht fähig", "Willig,\nnicht fähig"},
		{"stimme überhaupt nicht zu", "stimme\nüberhaupt\nnicht zu"},
		{"Schulung zur Kundenbeziehungsverwaltung mit Übungen für den Alltag", "Schulung zur\nKundenbeziehungsverwaltung\nmit Übungen…"},
	}
	for _, tt := range tests {
		if got := wrap(tt.give); got != tt.want {
			t.Errorf("wrap(%q): got %q, want %q", tt.give, got, tt.want)
		}
	}
}
