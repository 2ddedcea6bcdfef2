package main

import (
	"bytes"
	"context"
	"io"
	"runtime/debug"
	"strings"
	"testing"
)

func TestReadBuildInfo(t *testing.T) {
	stamped := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/herald-chat/herald", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "26bd90fa2c"},
			{Key: "vcs.time", Value: "2026-12-01T14:00:00Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	checkout := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/herald-chat/herald", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "26bd90fa2c"},
			{Key: "vcs.time", Value: "2026-12-01T14:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name     string
		give     *debug.BuildInfo
		ok       bool
		override string
		want     string
	}{
		{"module version and vcs stamps", stamped, true, "", "herald v1.4.0 (commit 26bd90fa2c, built 2026-12-01T14:00:00Z)"},
		{"ldflags version wins", stamped, true, "v1.5.0-rc1", "herald v1.5.0-rc1 (commit 26bd90fa2c, built 2026-12-01T14:00:00Z)"},
		{"checkout with changes", checkout, true, "", "herald (devel) (commit 26bd90fa2c-dirty, built 2026-12-01T14:00:00Z)"},
		{"no vcs stamps", &debug.BuildInfo{}, true, "", "herald (devel) (commit unknown, built unknown)"},
		{"no build info", nil, false, "v2.0.0", "herald v2.0.0 (commit unknown, built unknown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readBuildInfo(tt.give, tt.ok, tt.override).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"herald", "version"}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := currentBuild().String() + "\n"
	if got := out.String(); got != want || !strings.HasPrefix(got, "herald ") {
		t.Errorf("got %q, want %q", got, want)
	}
}
