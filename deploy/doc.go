// Package deploy holds no code: its tests check herald's deployment files
// (compose.yaml and the Kubernetes manifests under kubernetes/) by decoding
// them with the libraries the tools themselves use, unknown fields refused.
// It is a module of its own so that herald's module does not depend on the
// Kubernetes and Compose libraries.
package deploy
