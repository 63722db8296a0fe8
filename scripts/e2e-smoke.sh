#!/usr/bin/env bash
# End-to-end smoke test on a real AWS account (never run by this repository's CI, which has no
# cloud). It deploys examples/gpu-quickstart, proves a Ray task sees a CUDA device, proves the
# autoscaler scaled the GPU group from zero and back, destroys the stack, and checks that nothing
# tagged by the stack is left.
#
# Needs: `npm install` in examples/gpu-quickstart (it brings the pinned Pulumi CLI), a Pulumi backend logged in, AWS credentials, AWS CLI v2, kubectl, python3 with `ray[default]`
# matching the cluster's Ray version (2.58.0), jq. Costs: ~$0.31/h plus one GPU node for a few minutes.
set -euo pipefail
STACK="${1:-e2e-$(date +%s)}"
REGION="${AWS_REGION:-us-west-2}"
cd "$(dirname "$0")/../examples/gpu-quickstart"
pulumi() { npx --no-install pulumi "$@"; }   # the CLI release pinned in package.json
log() { printf '\n==> %s\n' "$*"; }

cleanup() {
  # The package's own teardown: destroy; on failure remove what carries the stack's identity tag
  # (kuberay-platform/stack) and destroy again; remove the stack only when nothing is left.
  log "destroy (kuberay-platform env down)"
  npx --no-install kuberay-platform env down --name "$STACK" --region "$REGION" || true
}
trap cleanup EXIT

log "install and deploy (stack $STACK, region $REGION)"
(cd ../.. && npm install)
npm install
# Tagged with a 2-hour expiry before anything exists: if this script dies, `kuberay-platform env sweep` removes it.
npx --no-install kuberay-platform env up --name "$STACK" --ttl 120 --config "aws:region=$REGION"   # returns once the Ray head is Ready

pulumi stack output kubeconfig --show-secrets --stack "$STACK" > "$PWD/kubeconfig.json"
export KUBECONFIG="$PWD/kubeconfig.json"
CLUSTER=$(pulumi stack output rayClusters --json --stack "$STACK" | jq -r '.[0].name')
NS=$(pulumi stack output rayClusters --json --stack "$STACK" | jq -r '.[0].namespace')
CLUSTER_NAME=$(pulumi stack output clusterName --stack "$STACK")

log "GPU workers start at zero"
test "$(kubectl -n "$NS" get pods -l ray.io/node-type=worker --no-headers 2>/dev/null | wc -l)" -eq 0

log "submit a job that needs a GPU and checks CUDA sees it"
kubectl -n "$NS" port-forward "svc/${CLUSTER}-head-svc" 8265:8265 >/dev/null 2>&1 &
PF=$!
sleep 5
export RAY_AUTH_MODE=token
RAY_AUTH_TOKEN=$(kubectl -n "$NS" get secret "$CLUSTER" -o jsonpath='{.data.auth_token}' | base64 -d)
export RAY_AUTH_TOKEN
ray job submit --address http://localhost:8265 -- python -c "
import ray, subprocess
ray.init()
probe = ray.remote(num_gpus=1)(lambda: subprocess.check_output(['nvidia-smi', '-L']).decode())
out = ray.get(probe.remote())
print(out)
assert 'GPU 0' in out, 'no CUDA device visible'
"
kill "$PF" || true

log "the autoscaler scaled the GPU group up from zero (a Karpenter node was launched)"
kubectl get nodeclaims -o name | grep -q . || { echo "no NodeClaim was ever created"; exit 1; }

log "and back to zero after the idle timeout (up to 10 minutes)"
for _ in $(seq 60); do
  workers=$(kubectl -n "$NS" get pods -l ray.io/node-type=worker --no-headers 2>/dev/null | wc -l)
  nodes=$(kubectl get nodes -l kuberay-platform/pool=gpu --no-headers 2>/dev/null | wc -l)
  [ "$workers" -eq 0 ] && [ "$nodes" -eq 0 ] && break
  sleep 10
done
test "$workers" -eq 0 && test "$nodes" -eq 0

trap - EXIT
cleanup

log "nothing tagged by the stack is left"
left=$(aws resourcegroupstaggingapi get-resources --region "$REGION" \
  --tag-filters "Key=kuberay-platform/stack,Values=gpu-quickstart/${STACK}" --query 'ResourceTagMappingList[].ResourceARN' --output text)
instances=$(aws ec2 describe-instances --region "$REGION" --filters "Name=tag:kubernetes.io/cluster/${CLUSTER_NAME},Values=owned" \
  "Name=instance-state-name,Values=pending,running,stopping,stopped" --query 'Reservations[].Instances[].InstanceId' --output text)
if [ -n "$left$instances" ]; then echo "left behind: $left $instances"; exit 1; fi
echo "e2e smoke passed"
