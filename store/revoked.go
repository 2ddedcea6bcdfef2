package store

import (
	"context"
	"time"
)

// RevokeWorkspace records that space (a Ref's Space, "slack:T0001") stopped
// herald: it uninstalled the app or revoked its token. It reports whether
// that is news, so that the caller logs it once. Returns EUNAVAILABLE when
// Redis can't be reached.
func (s *Store) RevokeWorkspace(ctx context.Context, space string) (bool, error) {
	n, err := s.rdb.HSetNX(ctx, s.prefix+"revoked", space, time.Now().UTC().Format(time.RFC3339)).Result()
	if err != nil {
		return false, unavailable("revoke workspace", err)
	}
	return n, nil
}

// RestoreWorkspace forgets that space stopped herald: it works there again.
// Returns EUNAVAILABLE when Redis can't be reached.
func (s *Store) RestoreWorkspace(ctx context.Context, space string) error {
	return unavailable("restore workspace", s.rdb.HDel(ctx, s.prefix+"revoked", space).Err())
}

// WorkspaceRevoked reports whether space stopped herald. Returns
// EUNAVAILABLE when Redis can't be reached.
func (s *Store) WorkspaceRevoked(ctx context.Context, space string) (bool, error) {
	ok, err := s.rdb.HExists(ctx, s.prefix+"revoked", space).Result()
	if err != nil {
		return false, unavailable("workspace revoked", err)
	}
	return ok, nil
}
