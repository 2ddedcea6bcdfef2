package main

import (
	"fmt"
	"runtime/debug"
)

// version is empty unless a release build sets it with
// -ldflags "-X main.version=v1.2.3"; then it wins over the build info.
var version string

// buildInfo is what `herald version` prints.
type buildInfo struct {
	Version  string // v1.2.3, or (devel) for a build from a checkout
	Commit   string // VCS revision, or "unknown"
	Date     string // commit time (RFC 3339), or "unknown"
	Modified bool   // the working tree had uncommitted changes
}

// String is the line `herald version` prints.
func (b buildInfo) String() string {
	commit := b.Commit
	if b.Modified {
		commit += "-dirty"
	}
	return fmt.Sprintf("herald %s (commit %s, built %s)", b.Version, commit, b.Date)
}

// readBuildInfo reads the version, commit and date from the build info of the
// binary (go build stamps vcs.revision and vcs.time when it builds from a
// checkout), with override (the -ldflags version) winning.
func readBuildInfo(bi *debug.BuildInfo, ok bool, override string) buildInfo {
	b := buildInfo{Version: "(devel)", Commit: "unknown", Date: "unknown"}
	if ok {
		if v := bi.Main.Version; v != "" {
			b.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				b.Date = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if override != "" {
		b.Version = override
	}
	return b
}

// currentBuild is the build info of this binary.
func currentBuild() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	return readBuildInfo(bi, ok, version)
}
