package store_test

import (
	"context"
	"testing"

	"github.com/herald-chat/herald/store/storetest"
)

func TestRevokeWorkspace(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustStore(t)
	steps := []struct {
		do          func() (bool, error)
		wantNews    bool
		wantRevoked bool
	}{
		{func() (bool, error) { return s.RevokeWorkspace(ctx, "slack:T1") }, true, true},
		{func() (bool, error) { return s.RevokeWorkspace(ctx, "slack:T1") }, false, true},
		{func() (bool, error) { return false, s.RestoreWorkspace(ctx, "slack:T1") }, false, false},
		{func() (bool, error) { return s.RevokeWorkspace(ctx, "slack:T1") }, true, true},
	}
	for i, st := range steps {
		news, err := st.do()
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		revoked, err := s.WorkspaceRevoked(ctx, "slack:T1")
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		if news != st.wantNews || revoked != st.wantRevoked {
			t.Errorf("step %d: got news %v, revoked %v; want %v, %v", i+1, news, revoked, st.wantNews, st.wantRevoked)
		}
	}
	if revoked, _ := s.WorkspaceRevoked(ctx, "slack:T2"); revoked {
		t.Error("another workspace: got revoked, want not")
	}
}
