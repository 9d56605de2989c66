// Command kbatch is the real `kustomize build` of one kustomize version,
// run over many kustomization directories in one process: the difftest's
// oracle, since starting a kustomize process per tree costs more than the
// build. It runs the CLI's own build command
// (sigs.k8s.io/kustomize/kustomize/v5/commands/build, default flags), so
// its output and failures are the binary's.
//
// Protocol: one line per build on stdin, the kustomization directory, or
// the tree holding it, a tab, and the directory; for each, one frame on
// stdout: "ok <n>\n" or "error <n>\n" followed by n bytes (the YAML, or
// the error text). A build that panics is an error whose text starts with
// "panic:", as the binary's crash output does.
//
// kustomize keeps one piece of state across builds: kyaml's OpenAPI schema,
// which a kustomization's `openapi:` field selects and its `crds:` extend.
// It is reset before and after every tree that mentions either, so each
// tree sees the schema a fresh process would.
//
// Built per version by tests/oracles/install (a module that requires
// sigs.k8s.io/kustomize/kustomize/v5 at that version and nothing else, so
// every dependency is the version the binary is built with).
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kustomize/v5/commands/build"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		tree, dir, found := strings.Cut(in.Text(), "\t")
		if !found {
			dir = tree
		}
		// A tree that picks or extends a schema gets the state of a fresh
		// process, and leaves the builtin schema behind it. Looked at
		// before the build: the caller may remove the tree as soon as it
		// has the answer.
		reset := mentionsSchemas(tree)
		if reset {
			openapi.ResetOpenAPI()
		}
		text, err := run(dir)
		if reset {
			openapi.ResetOpenAPI()
		}
		if err != nil {
			frame(out, "error", err.Error())
		} else {
			frame(out, "ok", text)
		}
		if err := out.Flush(); err != nil {
			os.Exit(1)
		}
	}
}

func frame(w io.Writer, kind, body string) {
	fmt.Fprintf(w, "%s %d\n%s", kind, len(body), body)
}

// run builds dir as `kustomize build dir` does.
func run(dir string) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	var yml bytes.Buffer
	cmd := build.NewCmdBuild(
		filesys.MakeFsOnDisk(), build.MakeHelp("kustomize", "build"), &yml)
	cmd.SetArgs([]string{dir})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		return "", err
	}
	return yml.String(), nil
}

// mentionsSchemas reports whether any file under root may change kyaml's
// schema: an `openapi:` field, or `crds:`, whose definitions kustomize adds
// to it (a false positive only costs a reset).
func mentionsSchemas(root string) bool {
	found := false
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil && mentions(strings.ToLower(string(b))) {
			found = true
		}
		return nil
	})
	return found
}

func mentions(text string) bool {
	return strings.Contains(text, "openapi") || strings.Contains(text, "crds")
}
