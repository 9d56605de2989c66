// kbatch: `kustomize build` over many directories in one process (see
// main.go). A module of its own, apart from krust/tests, because it is
// built once per kustomize version: tests/oracles/build-kbatch copies it,
// sets the kustomize/v5 requirement to that version and lets `go mod tidy`
// pick every dependency as that release pins it.
module krust/kbatch

go 1.24.0

require sigs.k8s.io/kustomize/kustomize/v5 v5.8.1
