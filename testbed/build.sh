#!/usr/bin/env bash
# Builds the live test bed's binaries with `go`, from the Go module proxy, at pinned versions, and
# caches them outside the repository, keyed by version and by this recipe. Nothing here is committed
# but this script: each piece gets a throwaway consumer module in the cache (one module per piece,
# because their dependency pins differ and Go's minimum version selection would merge them).
#
# Usage: testbed/build.sh            build what is missing, print the bin directory
#        testbed/build.sh NAME...    build only these pieces (etcd kwok kuberay kueue karpenter pulumi yaml provider kubernetes)
#        testbed/build.sh --print    print the bin directory only (no build)
# Needs: Go >= 1.26, openssl, unshare (util-linux), root (for the bed itself), the Go module proxy.
# Env:   KUBERAY_TESTBED_CACHE       cache root (default ~/.cache/kuberay-platform-testbed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${KUBERAY_TESTBED_CACHE:-$HOME/.cache/kuberay-platform-testbed}"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0

json() { node -e 'const v=require(process.argv[1]);const k=process.argv[2].split(".");let x=v;for(const p of k)x=x[p];process.stdout.write(String(x))' "$1" "$2"; }
# One source for each version: the package's own pins where it has them.
k8s_version="$(json "$here/versions.json" kubernetes)"
etcd_version="$(json "$here/versions.json" etcd)"
kwok_version="$(json "$here/versions.json" kwok)"
yaml_version="$(json "$here/versions.json" pulumiYaml)"
provider_version="$(json "$here/versions.json" pulumiKubernetesProvider)"
provider_reports_as="$(json "$here/versions.json" pulumiKubernetesProviderReportsAs)"
pulumi_version="$(json "$repo/node_modules/@pulumi/pulumi/package.json" version)"
kuberay_version="$(json "$here/versions.json" kuberayOperator)"
kueue_version="$(sed -n 's/^ *kueue: "\(.*\)",$/\1/p' "$repo/src/versions.ts")"
[ -n "$kueue_version" ] || { echo "build.sh: cannot read kueue from src/versions.ts" >&2; exit 1; }
# Karpenter's core at the release the package's Karpenter chart pins (its kwok cloud provider).
karpenter_version="$(sed -n 's/^ *karpenter: "\(.*\)",$/\1/p' "$repo/src/versions.ts")"
[ -n "$karpenter_version" ] || { echo "build.sh: cannot read karpenter from src/versions.ts" >&2; exit 1; }
k8s_minor="${k8s_version#1.}"; k8s_minor="${k8s_minor%%.*}"; staging="0.${k8s_version#1.}"

# One bin folder per set of versions and recipes: a bed of another checkout never sees its links move.
bin="$cache/bin-$( (cat "$0" "$here/versions.json"; echo "$pulumi_version $kueue_version $karpenter_version") | sha256sum | cut -c1-12)"
if [ "${1:-}" = "--print" ]; then echo "$bin"; exit 0; fi

# What the build and the bed need from the machine, said up front.
need() { command -v "$1" >/dev/null || { echo "testbed: $1 is needed ($2)" >&2; exit 1; }; }
need go "Go 1.26 or newer: apt-get install golang-go, or the go.dev toolchain"
need openssl "the bed's certificates: apt-get install openssl"
need unshare "Kueue's private mount namespace: apt-get install util-linux"
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
[ "${go_minor:-0}" -ge 26 ] || { echo "testbed: Go 1.26 or newer is needed (found $(go env GOVERSION))" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "testbed: run as root: Kueue runs in a private mount namespace (unshare --mount)" >&2; exit 1; }
mkdir -p "$cache/pieces" "$bin"

# build NAME VERSION: each piece is cached in its own folder, keyed by its version and by its own
# recipe (the function's text and the values it reads), so changing one recipe rebuilds one piece. It is built in a temp
# module and renamed into place whole, so two runs at once never see half a build; $bin then links
# to every piece's files.
build() {
    local name="$1" version="$2"
    local key; key="$( (declare -f "build_$name"; echo "$k8s_minor $staging $provider_reports_as") | sha256sum | cut -c1-10)"
    local piece="$cache/pieces/$name-$version-$key"
    if [ ! -d "$piece" ]; then
        local work; work="$(mktemp -d "$cache/work-$name.XXXXXX")" || return 1
        local started=$SECONDS
        echo "testbed: building $name $version" >&2
        # A separate shell, so that `set -e` holds inside the recipe (it is off in a `||` context).
        ( cd "$work" && mkdir out && bash -euo pipefail -c "build_$name $version" ) >"$work/log" 2>&1 || {
            echo "testbed: building $name $version failed; the end of $work/log:" >&2
            tail -n 30 "$work/log" >&2; return 1; }
        echo "$((SECONDS - started))" >"$work/out/.build-seconds"
        mv "$work/out" "$piece.tmp.$$" && mv -T "$piece.tmp.$$" "$piece" 2>/dev/null || rm -rf "$piece.tmp.$$"
        rm -rf "$work"
        echo "testbed: built $name $version in $((SECONDS - started))s" >&2
    fi
    local f
    for f in "$piece"/*; do ln -sfn "$f" "$bin/$(basename "$f")"; done
}

gomod() { printf 'module testbed/%s\n\ngo 1.26.0\n' "$1" >go.mod; }

build_kubernetes() {
    gomod kubernetes
    # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local paths,
    # which a consumer ignores: point each at its real tag (kubernetes/kubernetes#79384).
    local m
    for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
        cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
        cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice \
        externaljwt kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl \
        kubelet metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin \
        sample-controller streaming; do
        echo "replace k8s.io/$m => k8s.io/$m v$staging" >>go.mod
    done
    go get "k8s.io/kubernetes@v$1" "k8s.io/kubernetes/cmd/kube-apiserver@v$1" \
        "k8s.io/kubernetes/cmd/kube-controller-manager@v$1" "k8s.io/kubernetes/cmd/kube-scheduler@v$1"
    # kwok and clients read the version: stamp it as the release build does (hack/lib/version.sh).
    local ld="-s -w" p
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ld="$ld -X $p.gitVersion=v$1 -X $p.gitMajor=1 -X $p.gitMinor=$k8s_minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
    done
    go build -trimpath -pgo=off -ldflags "$ld" -o out/ k8s.io/kubernetes/cmd/kube-apiserver \
        k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
}

build_etcd() {
    gomod etcd
    go get "go.etcd.io/etcd/server/v3@v$1"
    go build -trimpath -ldflags "-s -w" -o out/etcd go.etcd.io/etcd/server/v3
}

build_kwok() {
    gomod kwok
    go get "sigs.k8s.io/kwok@v$1" "sigs.k8s.io/kwok/cmd/kwok@v$1"
    go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=v$1" -o out/kwok sigs.k8s.io/kwok/cmd/kwok
    # Standalone kwok has no built-in stages: the bed passes kwok's own (kustomize/stage) in --config.
    cp -r "$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"/kustomize/stage out/kwok-stages
    chmod -R u+w out/kwok-stages
}

build_kuberay() {
    gomod kuberay
    go get "github.com/ray-project/kuberay/ray-operator@v$1"
    go build -trimpath -ldflags "-s -w" -o out/ray-operator github.com/ray-project/kuberay/ray-operator
    # The CRDs the bed installs come from the operator's own module (ray-operator/config/crd/bases).
    mkdir -p out/crds-kuberay && cp "$(go list -m -f '{{.Dir}}' github.com/ray-project/kuberay/ray-operator)"/config/crd/bases/*.yaml out/crds-kuberay/
    chmod -R u+w out/crds-kuberay
}

build_kueue() {
    gomod kueue
    go get "sigs.k8s.io/kueue@v$1" "sigs.k8s.io/kueue/cmd/kueue@v$1"
    go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kueue/pkg/version.GitVersion=v$1" -o out/kueue sigs.k8s.io/kueue/cmd/kueue
    local dir; dir="$(go list -m -f '{{.Dir}}' sigs.k8s.io/kueue)"
    mkdir -p out/crds-kueue && cp "$dir"/config/components/crd/bases/*.yaml out/crds-kueue/
    # Its webhook configurations; the bed points them at the host process by URL.
    cp "$dir/config/components/webhook/manifests.yaml" out/kueue-webhooks.yaml
    chmod -R u+w out/crds-kueue out/kueue-webhooks.yaml
}

build_karpenter() {
    gomod karpenter
    # Karpenter's core with its kwok cloud provider: the real provisioning and disruption controllers,
    # launching kwok nodes. The package path, not the module: `go get` of the module alone leaves
    # go.sum without the provider's imports. No replace directives (sigs.k8s.io/karpenter go.mod).
    go get "sigs.k8s.io/karpenter/kwok@v$1"
    go build -trimpath -ldflags "-s -w" -o out/karpenter-kwok sigs.k8s.io/karpenter/kwok
    # Its CRDs from the same module: NodePools and NodeClaims (the kwok chart's copies, which allow
    # the karpenter.kwok.sh label domain) and the provider's KWOKNodeClass.
    local dir; dir="$(go list -m -f '{{.Dir}}' sigs.k8s.io/karpenter)"
    mkdir -p out/crds-karpenter
    cp "$dir"/kwok/charts/crds/karpenter.sh_nodepools.yaml "$dir"/kwok/charts/crds/karpenter.sh_nodeclaims.yaml \
        "$dir"/kwok/apis/crds/karpenter.kwok.sh_kwoknodeclasses.yaml out/crds-karpenter/
    chmod -R u+w out/crds-karpenter
}

build_pulumi() {
    gomod pulumi
    # pkg/v3 replaces sdk/v3 with ../sdk; requiring both at the release is the consumer's equivalent.
    go get "github.com/pulumi/pulumi/pkg/v3@v$1" "github.com/pulumi/pulumi/sdk/v3@v$1" "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$1"
    go build -trimpath -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$1" \
        -o out/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_yaml() {
    gomod yaml
    go get "github.com/pulumi/pulumi-yaml@v$1" "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$1"
    go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$1" \
        -o out/pulumi-language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
}

build_provider() {
    gomod provider
    local mod=github.com/pulumi/pulumi-kubernetes/provider/v4
    go get "$mod@$1"
    local dir; dir="$(go list -m -f '{{.Dir}}' "$mod")"
    # The module's main go:embeds two generated, git-ignored files, so it cannot be built from the
    # module zip; this main embeds the same data, produced the way its generate.go does (schema with
    # the version set; the terraform mapping compacted), and serves the provider the same way.
    local generic="$provider_reports_as" # see versions.json: $pulumiKubernetesProvider
    mkdir -p cmd/pulumi-resource-kubernetes
    node -e 'const fs=require("fs");const s=JSON.parse(fs.readFileSync(process.argv[1]));s.version=process.argv[3];fs.writeFileSync(process.argv[2]+"/schema-embed.json",JSON.stringify(s));fs.writeFileSync(process.argv[2]+"/terraform-mapping-embed.json",JSON.stringify(JSON.parse(fs.readFileSync(process.argv[4]))))' \
        "$dir/cmd/pulumi-resource-kubernetes/schema.json" cmd/pulumi-resource-kubernetes "$generic" "$dir/cmd/pulumi-resource-kubernetes/terraform-mapping.json"
    cp "$dir/cmd/pulumi-resource-kubernetes/helm-mapping.json" cmd/pulumi-resource-kubernetes/ 2>/dev/null || true
    cat >cmd/pulumi-resource-kubernetes/main.go <<'GO'
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
GO
    go mod tidy
    go build -trimpath -ldflags "-s -w -X $mod/pkg/version.Version=$generic" -o out/pulumi-resource-kubernetes ./cmd/pulumi-resource-kubernetes
}

export -f gomod build_kubernetes build_etcd build_kwok build_kuberay build_kueue build_karpenter build_pulumi build_yaml build_provider
export k8s_minor staging provider_reports_as

# Two lanes at once: one piece's module downloads overlap another's compile (2 cores here).
# `build.sh NAME...` builds only those pieces.
failures="$(mktemp)"
lane() {
    local piece
    for piece in "$@"; do
        if [ ${#selected[@]} -gt 0 ] && [[ " ${selected[*]} " != *" ${piece%% *} "* ]]; then continue; fi
        # shellcheck disable=SC2086
        build $piece || echo "${piece%% *}" >>"$failures"
    done
}
selected=("$@")
lane "kubernetes $k8s_version" "etcd $etcd_version" "kwok $kwok_version" "karpenter $karpenter_version" &
lane "pulumi $pulumi_version" "provider $provider_version" "yaml $yaml_version" "kuberay $kuberay_version" "kueue $kueue_version" &
wait
if [ -s "$failures" ]; then echo "testbed: failed to build: $(tr '\n' ' ' <"$failures")" >&2; rm -f "$failures"; exit 1; fi
rm -f "$failures"
# Pieces no link points into and unused for a day are older recipes or versions: remove them.
linked="$(for f in "$bin"/*; do readlink "$f"; done)"
for piece in "$cache"/pieces/*/; do
    piece="${piece%/}"
    if ! grep -qF "$piece/" <<<"$linked" && [ -n "$(find "$piece" -maxdepth 0 -mtime +1)" ]; then rm -rf "$piece"; fi
done
echo "$bin"
