package deploy

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/joho/godotenv"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// manifests are the objects under kubernetes/, one of each kind.
type manifests struct {
	deployment *appsv1.Deployment
	service    *corev1.Service
	pdb        *policyv1.PodDisruptionBudget
	secret     *corev1.Secret
	config     *corev1.ConfigMap
}

// loadManifests decodes every file under kubernetes/ into its Kubernetes API
// type, refusing unknown and duplicate fields.
func loadManifests(t *testing.T) manifests {
	t.Helper()
	var m manifests
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("\n---")) {
			t.Fatalf("%s: one object per file, please", f)
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(b, &tm); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var obj any
		switch tm.APIVersion + " " + tm.Kind {
		case "apps/v1 Deployment":
			m.deployment = &appsv1.Deployment{}
			obj = m.deployment
		case "v1 Service":
			m.service = &corev1.Service{}
			obj = m.service
		case "policy/v1 PodDisruptionBudget":
			m.pdb = &policyv1.PodDisruptionBudget{}
			obj = m.pdb
		case "v1 Secret":
			m.secret = &corev1.Secret{}
			obj = m.secret
		case "v1 ConfigMap":
			m.config = &corev1.ConfigMap{}
			obj = m.config
		default:
			t.Fatalf("%s: unexpected %s %s", f, tm.APIVersion, tm.Kind)
		}
		if err := yaml.UnmarshalStrict(b, obj); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if m.deployment == nil || m.service == nil || m.pdb == nil || m.secret == nil || m.config == nil {
		t.Fatalf("want a Deployment, Service, PodDisruptionBudget, Secret and ConfigMap; got %+v", m)
	}
	return m
}

// heraldContainer returns the Deployment's herald container.
func heraldContainer(t *testing.T, d *appsv1.Deployment) corev1.Container {
	t.Helper()
	i := slices.IndexFunc(d.Spec.Template.Spec.Containers, func(c corev1.Container) bool { return c.Name == "herald" })
	if i < 0 {
		t.Fatal("the Deployment has no container named herald")
	}
	return d.Spec.Template.Spec.Containers[i]
}

func TestKubernetesDeploymentIsReplicatedAndProbed(t *testing.T) {
	m := loadManifests(t)
	d := m.deployment
	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		t.Errorf("replicas = %v, want at least 2", d.Spec.Replicas)
	}
	if ru := d.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
		t.Errorf("rolling update = %+v, want maxUnavailable 0", ru)
	}
	c := heraldContainer(t, d)
	i := slices.IndexFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == "http" })
	if i < 0 || c.Ports[i].ContainerPort != 8080 {
		t.Fatalf("ports = %+v, want http on 8080 (the image's HERALD_ADDR)", c.Ports)
	}
	for _, tt := range []struct {
		name  string
		probe *corev1.Probe
		want  string
	}{
		{name: "liveness", probe: c.LivenessProbe, want: "/healthz"},
		{name: "readiness", probe: c.ReadinessProbe, want: "/readyz"},
	} {
		if tt.probe == nil || tt.probe.HTTPGet == nil {
			t.Errorf("%s probe = %+v, want GET %s", tt.name, tt.probe, tt.want)
			continue
		}
		if got := tt.probe.HTTPGet; got.Path != tt.want || got.Port.String() != "http" {
			t.Errorf("%s probe = GET %s on port %s, want GET %s on port http", tt.name, got.Path, got.Port.String(), tt.want)
		}
	}
	req, lim := c.Resources.Requests, c.Resources.Limits
	if req.Cpu().IsZero() || req.Memory().IsZero() || lim.Memory().IsZero() || lim.Memory().Cmp(*req.Memory()) < 0 {
		t.Errorf("resources = %+v, want cpu and memory requests and a memory limit at least the request", c.Resources)
	}
}

func TestKubernetesSelectorsMatchThePods(t *testing.T) {
	m := loadManifests(t)
	pod := labels.Set(m.deployment.Spec.Template.Labels)
	for _, tt := range []struct {
		name string
		give *metav1.LabelSelector
	}{
		{name: "Deployment", give: m.deployment.Spec.Selector},
		{name: "PodDisruptionBudget", give: m.pdb.Spec.Selector},
		{name: "Service", give: &metav1.LabelSelector{MatchLabels: m.service.Spec.Selector}},
	} {
		sel, err := metav1.LabelSelectorAsSelector(tt.give)
		if err != nil || sel.Empty() || !sel.Matches(pod) {
			t.Errorf("%s selector %v (%v) does not match the pod labels %v", tt.name, sel, err, pod)
		}
	}
	if m.pdb.Spec.MinAvailable == nil || m.pdb.Spec.MinAvailable.IntValue() < 1 || m.pdb.Spec.MinAvailable.IntValue() >= int(*m.deployment.Spec.Replicas) {
		t.Errorf("PodDisruptionBudget minAvailable = %v, want at least 1 and fewer than the replicas", m.pdb.Spec.MinAvailable)
	}
	c := heraldContainer(t, m.deployment)
	for _, p := range m.service.Spec.Ports {
		if !slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.TargetPort.String() }) {
			t.Errorf("Service port %s targets %s, which the container does not name", p.Name, p.TargetPort.String())
		}
	}
}

func TestKubernetesEnvironmentComesFromTheSecretAndConfigMap(t *testing.T) {
	m := loadManifests(t)
	known, err := godotenv.Read("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for name, keys := range map[string][]string{"Secret": keysOf(m.secret.StringData), "ConfigMap": keysOf(m.config.Data)} {
		for _, k := range keys {
			if _, ok := known[k]; !ok {
				t.Errorf("%s key %s is not a variable herald reads (see .env.example)", name, k)
			}
		}
	}
	c := heraldContainer(t, m.deployment)
	var fromSecret []string
	for _, e := range c.Env {
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		fromSecret = append(fromSecret, e.Name)
		if _, ok := m.secret.StringData[ref.Key]; ref.Name != m.secret.Name || !ok {
			t.Errorf("%s refers to secret %s key %s, which the Secret manifest does not hold", e.Name, ref.Name, ref.Key)
		}
	}
	for _, want := range []string{"REDIS_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "TEAMS_APP_ID", "TEAMS_APP_PASSWORD"} {
		if !slices.Contains(fromSecret, want) {
			t.Errorf("%s is not taken from the Secret", want)
		}
	}
	if !slices.ContainsFunc(c.EnvFrom, func(e corev1.EnvFromSource) bool {
		return e.ConfigMapRef != nil && e.ConfigMapRef.Name == m.config.Name
	}) {
		t.Errorf("envFrom = %+v, want the ConfigMap %s", c.EnvFrom, m.config.Name)
	}
}

func TestKubernetesRunsAsNonRoot(t *testing.T) {
	m := loadManifests(t)
	pod := m.deployment.Spec.Template.Spec.SecurityContext
	if pod == nil || pod.RunAsNonRoot == nil || !*pod.RunAsNonRoot || pod.RunAsUser == nil || *pod.RunAsUser == 0 {
		t.Errorf("pod securityContext = %+v, want runAsNonRoot and a non-zero runAsUser", pod)
	}
	sc := heraldContainer(t, m.deployment).SecurityContext
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		t.Errorf("container securityContext = %+v, want no privilege escalation, a read-only root and all capabilities dropped", sc)
	}
}

func keysOf(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
