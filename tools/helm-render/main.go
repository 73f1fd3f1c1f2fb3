// Command helm-render renders a Helm chart's templates offline, the way `helm template` does, for
// charts that use what this renderer supports (see README.md). The deployment checks run it because
// no helm binary is available where they run.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// capabilities mirrors the part of Helm's .Capabilities a chart may ask for.
type capabilities struct {
	KubeVersion kubeVersion
	APIVersions apiVersions
}

type kubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k kubeVersion) String() string { return k.Version }

type apiVersions []string

// Has reports whether an API version ("policy/v1") or a kind in it ("policy/v1/PodDisruptionBudget") is known.
func (a apiVersions) Has(version string) bool {
	for _, known := range a {
		if known == version || strings.HasPrefix(version, known+"/") {
			return true
		}
	}
	return false
}

var defaultAPIVersions = apiVersions{
	"v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1", "autoscaling/v2",
	"rbac.authorization.k8s.io/v1", "keda.sh/v1alpha1", "secrets-store.csi.x-k8s.io/v1",
	"azmonitoring.coreos.com/v1", "monitoring.coreos.com/v1",
}

func main() {
	var valueFiles, sets, extraAPIVersions stringList
	chartDir := flag.String("chart", "", "chart directory (holding Chart.yaml)")
	releaseName := flag.String("release-name", "release-name", "release name (.Release.Name)")
	namespace := flag.String("namespace", "default", "release namespace (.Release.Namespace)")
	upgrade := flag.Bool("is-upgrade", false, "render as an upgrade (.Release.IsUpgrade) rather than an install")
	kube := flag.String("kube-version", "v1.30.0", "Kubernetes version (.Capabilities.KubeVersion)")
	flag.Var(&valueFiles, "values", "values file merged over values.yaml (repeatable; later files win)")
	flag.Var(&sets, "set", "override path=value (repeatable; the value is read as YAML)")
	flag.Var(&extraAPIVersions, "api-versions", "additional API version for .Capabilities.APIVersions (repeatable)")
	showValues := flag.Bool("show-values", false, "print the merged values as YAML instead of rendering (what values.schema.json must accept)")
	flag.Parse()
	if *chartDir == "" {
		fail(errors.New("--chart is required"))
	}
	values, err := loadValues(*chartDir, valueFiles, sets)
	if err != nil {
		fail(err)
	}
	var out string
	if *showValues {
		out = toYAML(values) + "\n"
	} else {
		out, err = render(*chartDir, values, *releaseName, *namespace, *upgrade, *kube, append(defaultAPIVersions, extraAPIVersions...))
	}
	if err != nil {
		fail(err)
	}
	if _, err := io.WriteString(os.Stdout, out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "Error: %v\n", err)
	os.Exit(1)
}

func readYAMLMap(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return values, nil
}

// mergeValues merges override into base as Helm does: maps merge key by key, anything else replaces,
// and a null in the override deletes the key.
func mergeValues(base, override map[string]interface{}) map[string]interface{} {
	for key, value := range override {
		if value == nil {
			delete(base, key)
			continue
		}
		overrideMap, isMap := value.(map[string]interface{})
		baseMap, baseIsMap := base[key].(map[string]interface{})
		if isMap && baseIsMap {
			base[key] = mergeValues(baseMap, overrideMap)
		} else {
			base[key] = value
		}
	}
	return base
}

// applySet sets one dotted path ("services.billing.replicas.max=4"); the value is parsed as YAML.
func applySet(values map[string]interface{}, assignment string) error {
	eq := strings.Index(assignment, "=")
	if eq <= 0 {
		return fmt.Errorf("--set %q: expected path=value", assignment)
	}
	var value interface{}
	if err := yaml.Unmarshal([]byte(assignment[eq+1:]), &value); err != nil {
		return fmt.Errorf("--set %q: %w", assignment, err)
	}
	keys := strings.Split(assignment[:eq], ".")
	node := values
	for _, key := range keys[:len(keys)-1] {
		child, ok := node[key].(map[string]interface{})
		if !ok {
			child = map[string]interface{}{}
			node[key] = child
		}
		node = child
	}
	node[keys[len(keys)-1]] = value
	return nil
}

// chartMetadata exposes Chart.yaml under Helm's capitalised names (.Chart.Name, .Chart.AppVersion).
func chartMetadata(chartDir string) (map[string]interface{}, error) {
	raw, err := readYAMLMap(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	if raw["apiVersion"] != "v2" {
		return nil, fmt.Errorf("Chart.yaml: apiVersion must be v2, got %v", raw["apiVersion"])
	}
	chart := map[string]interface{}{}
	for key, value := range raw {
		chart[strings.ToUpper(key[:1])+key[1:]] = value
	}
	if _, ok := chart["Name"].(string); !ok {
		return nil, errors.New("Chart.yaml: name is required")
	}
	return chart, nil
}

func toYAML(v interface{}) string {
	var buf bytes.Buffer
	encoder := yaml.NewEncoder(&buf)
	encoder.SetIndent(2)
	if err := encoder.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// funcMap is sprig's, minus what Helm removes (env access), plus Helm's own functions.
func funcMap(root *template.Template) template.FuncMap {
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, errors.New(message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, errors.New(message)
		}
		return value, nil
	}
	funcs["fail"] = func(message string) (string, error) { return "", errors.New(message) }
	funcs["lookup"] = func(string, string, string, string) map[string]interface{} { return map[string]interface{}{} }
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("tpl: %w", err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("tpl: %w", err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	return funcs
}

var documentSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// loadValues is values.yaml, then each values file merged over it, then the --set overrides.
func loadValues(chartDir string, valueFiles, sets []string) (map[string]interface{}, error) {
	values, err := readYAMLMap(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return nil, err
	}
	for _, file := range valueFiles {
		override, err := readYAMLMap(file)
		if err != nil {
			return nil, err
		}
		values = mergeValues(values, override)
	}
	for _, assignment := range sets {
		if err := applySet(values, assignment); err != nil {
			return nil, err
		}
	}
	return values, nil
}

func render(chartDir string, values map[string]interface{}, releaseName, namespace string, upgrade bool, kube string, apis apiVersions) (string, error) {
	chart, err := chartMetadata(chartDir)
	if err != nil {
		return "", err
	}
	chartName := chart["Name"].(string)

	files, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	root := template.New(chartName)
	root.Option("missingkey=zero")
	root.Funcs(funcMap(root))
	var manifests []string
	for _, file := range files {
		base := filepath.Base(file)
		if !strings.HasSuffix(base, ".yaml") && !strings.HasSuffix(base, ".yml") && !strings.HasSuffix(base, ".tpl") && base != "NOTES.txt" {
			continue
		}
		text, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		name := path.Join(chartName, "templates", base)
		if _, err := root.New(name).Parse(string(text)); err != nil {
			return "", err
		}
		if !strings.HasPrefix(base, "_") && base != "NOTES.txt" {
			manifests = append(manifests, name)
		}
	}

	major, minor := kubeMajorMinor(kube)
	top := map[string]interface{}{
		"Values": values,
		"Chart":  chart,
		"Release": map[string]interface{}{
			"Name": releaseName, "Namespace": namespace, "Service": "Helm",
			"IsInstall": !upgrade, "IsUpgrade": upgrade, "Revision": revision(upgrade),
		},
		"Capabilities": capabilities{
			KubeVersion: kubeVersion{Version: kube, GitVersion: kube, Major: major, Minor: minor},
			APIVersions: apis,
		},
		"Files": map[string]interface{}{},
	}

	var out strings.Builder
	for _, name := range manifests {
		top["Template"] = map[string]interface{}{"Name": name, "BasePath": path.Join(chartName, "templates")}
		var buf strings.Builder
		if err := root.ExecuteTemplate(&buf, name, top); err != nil {
			return "", err
		}
		rendered := strings.ReplaceAll(buf.String(), "<no value>", "")
		for _, document := range documentSeparator.Split(rendered, -1) {
			if strings.TrimSpace(stripComments(document)) == "" {
				continue
			}
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, strings.Trim(document, "\n"))
		}
	}
	return out.String(), nil
}

func revision(upgrade bool) int {
	if upgrade {
		return 2
	}
	return 1
}

func kubeMajorMinor(version string) (string, string) {
	parts := strings.SplitN(strings.TrimPrefix(version, "v"), ".", 3)
	if len(parts) < 2 {
		return "1", "30"
	}
	if _, err := strconv.Atoi(parts[1]); err != nil {
		return parts[0], "30"
	}
	return parts[0], parts[1]
}

// stripComments drops whole-line comments, so a document of comments only counts as empty.
func stripComments(document string) string {
	var kept []string
	for _, line := range strings.Split(document, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}
