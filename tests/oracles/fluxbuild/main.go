// Command fluxbuild is the reference krust's `render flux` is checked
// against: it builds ONE Flux Kustomization exactly as kustomize-controller
// v1.8.x (Flux 2.8) does, with the controller's own code
// (github.com/fluxcd/pkg/kustomize v1.27.2, kustomize v5.8.1 as
// sigs.k8s.io/kustomize/api v0.21.1), minus the cluster.
//
// Usage:
//
//	fluxbuild --root REPO_DIR --kustomization FILE.yaml [--name NS/NAME]
//	          [--vars FILE.json] [--strict] [--ignore PATTERNS]
//	          [--no-remote-bases] [--kustomization-out FILE] [--canonical]
//	fluxbuild --canonicalize FILE.yaml
//
// What it does, step by step as the controller (internal/controller/
// kustomization_controller.go at v1.8.5) does it:
//
//  1. reads the Flux Kustomization from FILE.yaml (the document named
//     --name NS/NAME when the file holds several; a missing namespace is
//     "default") and decodes it into the typed kustomize.toolkit.fluxcd.io/v1
//     API, then back to unstructured as the controller does
//     (runtime.DefaultUnstructuredConverter.ToUnstructured), so unknown
//     fields are dropped and empty ones (`targetNamespace: ""`) vanish. Only
//     v1 is served by v1.8's CRD; another version (v1beta2) is read as v1
//     with a warning, its v1beta2-only fields (patchesStrategicMerge,
//     patchesJson6902) dropped;
//  2. makes the source artifact: copies REPO_DIR into a temporary directory
//     as source-controller v1.8 archives a GitRepository (fluxcd/pkg
//     artifact storage.Archive with SourceIgnoreFilter): regular files and
//     directories only (no symlinks), minus what `.sourceignore` files (and
//     --ignore, the GitRepository's spec.ignore) exclude. As in
//     source-controller, the built-in exclusions (VCS files, images,
//     archives, CI files, .sops.yaml...) apply in full only when there are no
//     such patterns at all; with any pattern, only the VCS ones (.git/,
//     .gitignore, .gitmodules, .gitattributes) are kept beside them. Point
//     REPO_DIR at a clean checkout: untracked files would be copied too;
//  3. joins spec.path to it with securejoin and fails with "kustomization
//     path not found" when it does not exist;
//  4. generator.NewGenerator(artifact, ks).WriteFile(dir): writes or
//     rewrites the kustomization.yaml (--kustomization-out FILE saves a copy
//     of what it wrote);
//  5. generator.SecureBuild(artifact, dir, !--no-remote-bases), then per
//     resource the controller's apiVersion/kind/name check and, when
//     spec.postBuild is set, generator.SubstituteVariables with
//     SubstituteWithStrict(--strict). The StrictPostBuildSubstitutions
//     feature gate is off by default in v1.8, hence --strict is off by
//     default. SOPS decryption (spec.decryption) is not done: encrypted
//     values stay as they are, with a warning;
//  6. prints m.AsYaml(), the bytes the controller records (their digest is
//     its history checksum), with spec.commonMetadata set on every object
//     as the controller does before applying (ssa utils.SetCommonMetadata:
//     labels and annotations on metadata only, overriding existing keys).
//     The owner labels the controller also adds at apply time
//     (kustomize.toolkit.fluxcd.io/name, .../namespace) are not added.
//
// substituteFrom: the oracle has no cluster. --vars FILE.json is a JSON
// object name -> value that the caller prepared: the merged data of the
// spec's substituteFrom ConfigMaps and Secrets (Secret values decoded), in
// the order the controller merges them (later references win). The oracle
// puts it in one ConfigMap of a fake Kubernetes client and points the
// Kustomization's substituteFrom at it, so the controller's LoadVariables
// (newlines removed from values) and the merge with spec.postBuild.substitute
// (inline values win) run unchanged. Without --vars, substituteFrom is
// dropped (a warning says so when it was not empty).
//
// Output: the objects as multi-document YAML ("---" between documents), as
// kustomize-controller's build yields them: kustomize's own serialization
// (resource.AsYAML: JSON, then sigs.k8s.io/yaml, so keys are sorted), in
// kustomize build order. This is what krust's `render flux -o OUT` writes
// into OUT/<namespace>/<name>.yaml for the same Kustomization, so the two
// compare byte for byte. --canonical prints each object re-serialized with
// sigs.k8s.io/yaml (sorted keys, values through JSON) instead;
// `--canonicalize FILE` prints any multi-document YAML file that way, so
// that a semantic comparison can ignore formatting: compare
// `fluxbuild ... --canonical` with `fluxbuild --canonicalize krust.yaml`.
//
// Exit status: 0 built, 1 the controller would fail (its error on stderr,
// temporary paths shown as REPO_DIR), 2 usage errors.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	generator "github.com/fluxcd/pkg/kustomize"
	"github.com/fluxcd/pkg/sourceignore"
	"github.com/fluxcd/pkg/sourceignore/gitignore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/kustomize/api/resmap"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"
)

// varsConfigMap names the ConfigMap holding --vars in the fake cluster.
const varsConfigMap = "fluxbuild-substitute-from"

const fluxGroup = "kustomize.toolkit.fluxcd.io"

type usageError struct{ error }

func main() {
	var (
		root             = flag.String("root", "", "the source's files (a clean checkout of the repository)")
		ksFile           = flag.String("kustomization", "", "YAML file holding the Flux Kustomization")
		name             = flag.String("name", "", "NAMESPACE/NAME of the Kustomization when the file holds several")
		varsFile         = flag.String("vars", "", "JSON object name -> value: the substituteFrom variables")
		strict           = flag.Bool("strict", false, "StrictPostBuildSubstitutions feature gate (off by default in v1.8)")
		ignore           = flag.String("ignore", "", "the GitRepository's spec.ignore patterns (.sourceignore syntax)")
		noRemoteBases    = flag.Bool("no-remote-bases", false, "the controller's --no-remote-bases flag")
		kustomizationOut = flag.String("kustomization-out", "", "also write the kustomization.yaml the generator wrote to this file")
		canonical        = flag.Bool("canonical", false, "print objects re-serialized with sorted keys (see --canonicalize)")
		canonicalize     = flag.String("canonicalize", "", "print the objects of this YAML file in the --canonical form, and exit")
	)
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: fluxbuild --root REPO_DIR --kustomization FILE.yaml [--name NS/NAME] [--vars FILE.json] [flags]\n       fluxbuild --canonicalize FILE.yaml\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	var out []byte
	var err error
	switch {
	case flag.NArg() > 0:
		err = usageError{fmt.Errorf("unexpected arguments: %q", flag.Args())}
	case *canonicalize != "":
		var data []byte
		if data, err = os.ReadFile(*canonicalize); err == nil {
			out, err = canonicalYAML(data)
		}
	case *root == "" || *ksFile == "":
		err = usageError{errors.New("--root and --kustomization are required")}
	default:
		out, err = run(options{
			root:             *root,
			ksFile:           *ksFile,
			name:             *name,
			varsFile:         *varsFile,
			strict:           *strict,
			ignore:           *ignore,
			allowRemoteBases: !*noRemoteBases,
			kustomizationOut: *kustomizationOut,
		})
		if err == nil && *canonical {
			out, err = canonicalYAML(out)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "fluxbuild: %v\n", err)
		var usage usageError
		if errors.As(err, &usage) {
			flag.Usage()
			os.Exit(2)
		}
		os.Exit(1)
	}
	os.Stdout.Write(out)
}

type options struct {
	root, ksFile, name, varsFile, ignore, kustomizationOut string
	strict, allowRemoteBases                               bool
}

func warn(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fluxbuild: warning: "+format+"\n", args...)
}

func run(o options) ([]byte, error) {
	ks, err := readKustomization(o.ksFile, o.name)
	if err != nil {
		return nil, err
	}
	var vars map[string]string
	if o.varsFile != "" {
		data, err := os.ReadFile(o.varsFile)
		if err != nil {
			return nil, usageError{err}
		}
		if err := json.Unmarshal(data, &vars); err != nil {
			return nil, usageError{fmt.Errorf("%s: expected a JSON object of strings: %w", o.varsFile, err)}
		}
	}
	root, err := filepath.Abs(o.root)
	if err != nil {
		return nil, usageError{err}
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, usageError{fmt.Errorf("--root %s: not a directory", o.root)}
	}

	// The controller's MkdirTempAbs.
	tmpDir, err := os.MkdirTemp("", "kustomization-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmpDir)
	if tmpDir, err = filepath.EvalSymlinks(tmpDir); err != nil {
		return nil, err
	}
	if err := makeArtifact(root, tmpDir, o.ignore); err != nil {
		return nil, fmt.Errorf("making the artifact of %s: %w", root, err)
	}

	out, err := build(ks, tmpDir, vars, o)
	if err != nil {
		// Paths as the repository names them.
		return nil, errors.New(strings.ReplaceAll(err.Error(), tmpDir, root))
	}
	return out, nil
}

// build is the controller's reconcile from "check build path exists" to
// the YAML it applies (minus decryption and the cluster).
func build(ks *kustomizev1.Kustomization, tmpDir string, vars map[string]string, o options) (out []byte, err error) {
	// controller-runtime recovers a panicking reconcile (RecoverPanic is on
	// by default) and reports it as the reconcile error; envsubst v1.5.0
	// panics on ${v:1:-1}, for one.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("panic: %v [recovered]", r)
		}
	}()
	// check build path exists
	dirPath, err := securejoin.SecureJoin(tmpDir, ks.Spec.Path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dirPath); err != nil {
		return nil, fmt.Errorf("kustomization path not found: %w", err)
	}

	// Generate kustomization.yaml if needed.
	k, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ks)
	if err != nil {
		return nil, err
	}
	u := unstructured.Unstructured{Object: k}
	if _, err := generator.NewGenerator(tmpDir, u).WriteFile(dirPath); err != nil {
		return nil, err
	}
	if o.kustomizationOut != "" {
		if err := saveKustomization(dirPath, o.kustomizationOut); err != nil {
			return nil, err
		}
	}

	// Build the Kustomize overlay (the controller's build()).
	m, err := generator.SecureBuild(tmpDir, dirPath, o.allowRemoteBases)
	if err != nil {
		return nil, fmt.Errorf("kustomize build failed: %w", err)
	}

	varsKs, kubeClient, err := substitutionInputs(u, vars)
	if err != nil {
		return nil, err
	}
	if ks.Spec.Decryption != nil {
		warn("spec.decryption is set: SOPS-encrypted values are left encrypted (no keys offline)")
	}
	ctx := context.Background()
	for _, res := range m.Resources() {
		// check if resources conform to the Kubernetes API conventions
		if res.GetName() == "" || res.GetKind() == "" || res.GetApiVersion() == "" {
			return nil, fmt.Errorf("failed to decode Kubernetes apiVersion, kind and name from: %v", res.String())
		}

		// run variable substitutions
		if ks.Spec.PostBuild != nil {
			outRes, err := generator.SubstituteVariables(ctx, kubeClient, varsKs, res,
				generator.SubstituteWithStrict(o.strict))
			if err != nil {
				return nil, fmt.Errorf("post build failed for '%s/%s': %w", res.GetGvk(), res.GetName(), err)
			}

			if outRes != nil {
				_, err = m.Replace(res)
				if err != nil {
					return nil, err
				}
			}
		}
	}

	if cmeta := ks.Spec.CommonMetadata; cmeta != nil {
		if err := setCommonMetadata(m, cmeta.Labels, cmeta.Annotations); err != nil {
			return nil, err
		}
	}

	resources, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("kustomize build failed: %w", err)
	}
	return resources, nil
}

// readKustomization picks the Flux Kustomization out of file and reads it
// as the controller gets it from the API server: the typed v1 object.
func readKustomization(file, want string) (*kustomizev1.Kustomization, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, usageError{err}
	}
	docs, err := splitDocuments(data)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", file, err)}
	}
	type candidate struct {
		id         string
		apiVersion string
		doc        []byte
	}
	var found []candidate
	for _, doc := range docs {
		var head struct {
			APIVersion string            `json:"apiVersion"`
			Kind       string            `json:"kind"`
			Metadata   metav1.ObjectMeta `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", file, err)}
		}
		if head.Kind != kustomizev1.KustomizationKind || !strings.HasPrefix(head.APIVersion, fluxGroup+"/") {
			continue
		}
		ns := head.Metadata.Namespace
		if ns == "" {
			ns = "default"
		}
		found = append(found, candidate{ns + "/" + head.Metadata.Name, head.APIVersion, doc})
	}
	var pick []candidate
	for _, c := range found {
		if want == "" || c.id == want {
			pick = append(pick, c)
		}
	}
	switch {
	case len(pick) == 0 && want != "":
		return nil, usageError{fmt.Errorf("%s: no Flux Kustomization %s", file, want)}
	case len(pick) == 0:
		return nil, usageError{fmt.Errorf("%s: no Flux Kustomization", file)}
	case len(pick) > 1:
		var ids []string
		for _, c := range pick {
			ids = append(ids, c.id)
		}
		return nil, usageError{fmt.Errorf("%s: %d Flux Kustomizations (%s): choose one with --name", file, len(pick), strings.Join(ids, ", "))}
	}
	c := pick[0]
	if c.apiVersion != kustomizev1.GroupVersion.String() {
		warn("%s is %s, which kustomize-controller v1.8 does not serve: read as %s (fields v1 lacks are dropped)",
			c.id, c.apiVersion, kustomizev1.GroupVersion)
	}
	ks := &kustomizev1.Kustomization{}
	if err := yaml.Unmarshal(c.doc, ks); err != nil {
		return nil, fmt.Errorf("%s: Kustomization %s: %w", file, c.id, err)
	}
	ks.APIVersion = kustomizev1.GroupVersion.String()
	ks.Kind = kustomizev1.KustomizationKind
	if ks.Namespace == "" {
		ks.Namespace = "default"
	}
	return ks, nil
}

// splitDocuments splits a multi-document YAML stream, skipping empty ones.
func splitDocuments(data []byte) ([][]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var v any
		if err := yaml.Unmarshal(doc, &v); err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		docs = append(docs, doc)
	}
}

// makeArtifact copies root into dst as source-controller v1.8 archives a
// GitRepository checkout and kustomize-controller extracts it.
func makeArtifact(root, dst, extra string) error {
	domain := strings.Split(root, string(filepath.Separator))
	ps, err := sourceignore.LoadIgnorePatterns(root, domain)
	if err != nil {
		return fmt.Errorf("failed to load source ignore patterns from repository: %w", err)
	}
	if extra != "" {
		ps = append(ps, sourceignore.ReadPatterns(strings.NewReader(extra), domain)...)
	}
	filter := sourceIgnoreFilter(ps, domain)
	return filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		// Ignore anything that is not a file or directories e.g. symlinks
		if m := fi.Mode(); !(m.IsRegular() || m.IsDir()) {
			return nil
		}
		// Skip filtered files (a filtered directory is left out, not its
		// files: each is filtered on its own, as storage.Archive does).
		if filter(p, fi) {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o600)
		if fi.Mode()&0o111 != 0 {
			mode = 0o700
		}
		return os.WriteFile(target, data, mode)
	})
}

// sourceIgnoreFilter is fluxcd/pkg/artifact storage.SourceIgnoreFilter: the
// default exclusions only when there are no patterns, else the VCS ones
// before the patterns.
func sourceIgnoreFilter(ps []gitignore.Pattern, domain []string) func(string, os.FileInfo) bool {
	matcher := sourceignore.NewDefaultMatcher(ps, domain)
	if len(ps) > 0 {
		ps = append(sourceignore.VCSPatterns(domain), ps...)
		matcher = sourceignore.NewMatcher(ps)
	}
	return func(p string, fi os.FileInfo) bool {
		return matcher.Match(strings.Split(p, string(filepath.Separator)), fi.IsDir())
	}
}

// substitutionInputs is the Kustomization and the cluster
// generator.SubstituteVariables reads: substituteFrom replaced by one
// ConfigMap holding vars.
func substitutionInputs(u unstructured.Unstructured, vars map[string]string) (unstructured.Unstructured, client.Client, error) {
	u = *u.DeepCopy()
	builder := fake.NewClientBuilder()
	from, _, err := unstructured.NestedSlice(u.Object, "spec", "postBuild", "substituteFrom")
	if err != nil {
		return u, nil, err
	}
	if vars != nil {
		cm := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: varsConfigMap, Namespace: u.GetNamespace()},
			Data:       vars,
		}
		builder = builder.WithObjects(cm)
		if _, ok, _ := unstructured.NestedMap(u.Object, "spec", "postBuild"); ok {
			ref := []any{map[string]any{"kind": "ConfigMap", "name": varsConfigMap}}
			if err := unstructured.SetNestedSlice(u.Object, ref, "spec", "postBuild", "substituteFrom"); err != nil {
				return u, nil, err
			}
		}
	} else {
		if len(from) > 0 {
			warn("spec.postBuild.substituteFrom is set but no --vars given: its variables are left out")
		}
		unstructured.RemoveNestedField(u.Object, "spec", "postBuild", "substituteFrom")
	}
	return u, builder.Build(), nil
}

// setCommonMetadata is ssa utils.SetCommonMetadata on the resources:
// labels and annotations set on metadata, existing keys overridden (in key
// order; the controller's Go maps have none, and the output sorts keys).
func setCommonMetadata(m resmap.ResMap, labels, annotations map[string]string) error {
	for _, res := range m.Resources() {
		for _, k := range sortedKeys(labels) {
			if err := res.PipeE(kyaml.SetLabel(k, labels[k])); err != nil {
				return err
			}
		}
		for _, k := range sortedKeys(annotations) {
			if err := res.PipeE(kyaml.SetAnnotation(k, annotations[k])); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// canonicalYAML re-serializes every document with sigs.k8s.io/yaml (sorted
// keys, values through JSON), "---" between them.
func canonicalYAML(data []byte) ([]byte, error) {
	docs, err := splitDocuments(data)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for i, doc := range docs {
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		y, err := yaml.JSONToYAML(j)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(y)
	}
	return out.Bytes(), nil
}

// saveKustomization copies the kustomization file the generator left in dir.
func saveKustomization(dir, to string) error {
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return os.WriteFile(to, data, 0o644)
		}
		if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return errors.New("the generator left no kustomization file")
}
