// The egress IP assigner's shell script: one text for the DaemonSet on cluster A (lib/kube/egress.ts)
// and the offline lab (lab/backend.ts).

/**
 * Holds each egress IP as a /32 on the node's primary interface while running, re-adds it if it
 * disappears, and removes it on `remove`, SIGTERM or SIGINT. POSIX sh; works with busybox's `ip`
 * (the DaemonSet) and iproute2 (the offline lab, which runs this same text).
 */
export const ASSIGNER_SCRIPT = `#!/bin/sh
# usage: assigner.sh run|check|remove
# env: EGRESS_IPS="ip ip ...", EGRESS_DEVICE (default: the default route's device), EGRESS_INTERVAL (s)
set -eu
: "\${EGRESS_IPS:?EGRESS_IPS is empty}"
DEV="\${EGRESS_DEVICE:-}"
if [ -z "$DEV" ]; then
  DEV=$(ip -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
fi
if [ -z "$DEV" ]; then echo "egress-ip-assigner: no default route; set EGRESS_DEVICE" >&2; exit 1; fi
has() { ip -4 addr show dev "$DEV" | grep -qF "inet $1/32 "; }
add_all() {
  for ip in $EGRESS_IPS; do
    if ! has "$ip"; then ip -4 addr add "$ip/32" dev "$DEV"; echo "added $ip/32 on $DEV"; fi
  done
}
remove_all() {
  for ip in $EGRESS_IPS; do
    if has "$ip"; then ip -4 addr del "$ip/32" dev "$DEV"; echo "removed $ip/32 from $DEV"; fi
  done
}
check_all() {
  for ip in $EGRESS_IPS; do
    if ! has "$ip"; then echo "missing $ip/32 on $DEV" >&2; return 1; fi
  done
}
case "\${1:-run}" in
  run)
    trap 'remove_all; exit 0' TERM INT
    while :; do add_all; sleep "\${EGRESS_INTERVAL:-10}" & wait $! || true; done ;;
  check) check_all ;;
  remove) remove_all ;;
  *) echo "usage: $0 run|check|remove" >&2; exit 2 ;;
esac
`;
