package deploy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/joho/godotenv"
)

// loadCompose loads ../compose.yaml the way docker compose does (schema
// validation included: unknown fields are refused), with .env.example as the
// operator's .env.
func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	dir := t.TempDir()
	for give, want := range map[string]string{"../compose.yaml": "compose.yaml", "../.env.example": ".env"} {
		b, err := os.ReadFile(give)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, want), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(dir, "compose.yaml")},
		cli.WithWorkingDirectory(dir), cli.WithDotEnv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load compose.yaml: %v", err)
	}
	return p
}

func TestComposeRedisKeepsAnAppendOnlyFile(t *testing.T) {
	p := loadCompose(t)
	redis, err := p.GetService("redis")
	if err != nil {
		t.Fatal(err)
	}
	cmd := strings.Join(redis.Command, " ")
	for _, want := range []string{"--appendonly yes", "--appendfsync everysec"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("redis command = %q, want it to contain %q", cmd, want)
		}
	}
	if !slices.ContainsFunc(redis.Volumes, func(v types.ServiceVolumeConfig) bool {
		return v.Type == types.VolumeTypeVolume && v.Target == "/data" && p.Volumes[v.Source].Name != ""
	}) {
		t.Errorf("redis volumes = %+v, want a named volume on /data", redis.Volumes)
	}
	if redis.HealthCheck == nil || len(redis.HealthCheck.Test) == 0 {
		t.Errorf("redis has no health check")
	}
}

func TestComposeHeraldWaitsForRedisAndReadsDotenv(t *testing.T) {
	p := loadCompose(t)
	herald, err := p.GetService("herald")
	if err != nil {
		t.Fatal(err)
	}
	if got := herald.DependsOn["redis"].Condition; got != types.ServiceConditionHealthy {
		t.Errorf("herald depends on redis with condition %q, want %q", got, types.ServiceConditionHealthy)
	}
	if hc := herald.HealthCheck; hc == nil || !slices.Equal(hc.Test, []string{"CMD", "/herald", "healthcheck"}) {
		t.Errorf("herald health check = %+v, want CMD /herald healthcheck", hc)
	}
	if got, want := herald.Image, "localhost/herald:latest"; got != want {
		t.Errorf("herald image = %q, want %q (the tag scripts/build-image.sh writes)", got, want)
	}

	example, err := godotenv.Read("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for k := range example {
		if _, ok := herald.Environment[k]; !ok {
			t.Errorf("herald's environment lacks %s from .env", k)
		}
	}
	for k, want := range map[string]string{"REDIS_URL": "redis://redis:6379/0", "HERALD_ADDR": ":8080"} {
		if got := herald.Environment[k]; got == nil || *got != want {
			t.Errorf("herald's %s = %v, want %q", k, got, want)
		}
	}
}
