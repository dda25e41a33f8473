// The gateway-selection readiness check: the readiness probe of the next-hop selector DaemonSet
// (lib/kube/nextHopSelector.ts), Ready only on the node Cilium selects, so only that node passes the next hop's probe.

/**
 * Exits 0 when NODE_NAME is the first, by name, of the CiliumNodes carrying the gateway label:
 * the node Cilium's egress gateway uses (lib/cilium/gatewaySelection.ts states the rule and its sources).
 * POSIX sh with curl, grep, sed and sort, as in the curl image.
 *
 * It lists CiliumNodes, not Nodes: agents select from CiliumNodes, whose labels can lag the Node's
 * (cilium/cilium#41547). It asks for the Table form with includeObject=None ("Receiving resources
 * as Tables", kubernetes.io/docs/reference/using-api/api-concepts), whose rows start with the
 * object's name for custom resources; names hold no quotes (DNS subdomains). `LC_ALL=C sort` is
 * byte order, as Go's `<` in Cilium's manager.go.
 */
export const SELECTION_SCRIPT = `#!/bin/sh
# env: NODE_NAME, LABEL_SELECTOR (URL-encoded key%3Dvalue), TOKEN_DIR (token and ca.crt)
set -eu
: "\${NODE_NAME:?NODE_NAME is empty}"
: "\${LABEL_SELECTOR:?LABEL_SELECTOR is empty}"
TOKEN_DIR="\${TOKEN_DIR:-/var/run/secrets/egress-lab}"
api="https://\${KUBERNETES_SERVICE_HOST}:\${KUBERNETES_SERVICE_PORT}"
table=$(curl -sS --fail --max-time 3 --cacert "$TOKEN_DIR/ca.crt" \\
  -H "Authorization: Bearer $(cat "$TOKEN_DIR/token")" \\
  -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io' \\
  "$api/apis/cilium.io/v2/ciliumnodes?labelSelector=$LABEL_SELECTOR&includeObject=None")
first=$(printf '%s' "$table" | grep -o '"cells":\\["[^"]*"' | sed 's/^"cells":\\["//; s/"$//' | LC_ALL=C sort | head -n 1)
if [ "$first" = "$NODE_NAME" ]; then exit 0; fi
echo "not the selected gateway: Cilium selects \${first:-no node}, this is $NODE_NAME" >&2
exit 1
`;
