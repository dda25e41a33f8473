// The receiver on cluster B: nginx answering with what it saw, behind one LoadBalancer Service
// per (path, externalTrafficPolicy). Pure functions: plain objects in, manifests out.
import type * as k8s from "@pulumi/kubernetes";
import { ReceiverPath, TrafficPolicy } from "../config";
import { IMAGES } from "./images";
import { namespaceManifest } from "./namespace";
import { restrictedContainerSecurity } from "./podSecurity";

export const RECEIVER_APP = "traffic-receiver";
export const RECEIVER_PORT = 80;
export const RECEIVER_CONTAINER_PORT = 8080;
export const INTERNAL_LB_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal";

/** The app's view: every request is answered with the addresses nginx saw, as JSON. */
export const RECEIVER_JSON_FIELDS = ["remote_addr", "remote_port", "server_addr", "server_port", "hostname"] as const;

/** nginx.conf with one server block, for an nginx without root: pid and temp files in /tmp. */
export function unprivilegedNginxConf(options: { readonly workerConnections: number; readonly accessLog: string; readonly server: readonly string[] }): string {
    return [
        "worker_processes 1;",
        "pid /tmp/nginx.pid;",
        "error_log stderr warn;",
        `events { worker_connections ${options.workerConnections}; }`,
        "http {",
        `    access_log ${options.accessLog};`,
        "    client_body_temp_path /tmp/client_body;",
        "    proxy_temp_path /tmp/proxy;",
        "    fastcgi_temp_path /tmp/fastcgi;",
        "    uwsgi_temp_path /tmp/uwsgi;",
        "    scgi_temp_path /tmp/scgi;",
        "    server {",
        ...options.server.map((line) => `        ${line}`),
        "    }",
        "}",
        "",
    ].join("\n");
}

/**
 * nginx.conf for the receiver. Runs as non-root: pid and temp files in /tmp. The same text runs in
 * the offline lab, so it must not depend on the image's own config.
 */
export function nginxConf(port: number = RECEIVER_CONTAINER_PORT): string {
    const body = [...RECEIVER_JSON_FIELDS.map((f) => `"${f}":"$${f}"`), `"request_id":"$http_x_request_id"`].join(",");
    return unprivilegedNginxConf({
        workerConnections: 256,
        accessLog: "/dev/stdout",
        server: [`listen ${port};`, "default_type application/json;", `location / { return 200 '{${body}}\\n'; }`],
    });
}

export function serviceName(path: ReceiverPath, policy: TrafficPolicy): string {
    return `receiver-${path}-${policy.toLowerCase()}`;
}

export interface ReceiverManifestsInput {
    readonly namespace: string;
    readonly paths: readonly ReceiverPath[];
    readonly policies: readonly TrafficPolicy[];
}

/** One LoadBalancer Service of the receiver, with the name it is created under. */
export interface ReceiverService {
    readonly path: ReceiverPath;
    readonly policy: TrafficPolicy;
    readonly name: string;
    readonly manifest: k8s.types.input.core.v1.Service;
}

export interface ReceiverManifests {
    readonly namespace: k8s.types.input.core.v1.Namespace;
    readonly configMap: k8s.types.input.core.v1.ConfigMap;
    readonly deployment: k8s.types.input.apps.v1.Deployment;
    readonly services: readonly ReceiverService[];
}

export function receiverManifests(input: ReceiverManifestsInput): ReceiverManifests {
    const labels = { app: RECEIVER_APP };
    const services = input.paths.flatMap((path) =>
        input.policies.map((policy): ReceiverService => ({
            path,
            policy,
            name: serviceName(path, policy),
            manifest: {
                apiVersion: "v1",
                kind: "Service",
                metadata: {
                    name: serviceName(path, policy),
                    namespace: input.namespace,
                    labels: { ...labels, "egress-lab/path": path, "egress-lab/traffic-policy": policy.toLowerCase() },
                    annotations: path === "internal" ? { [INTERNAL_LB_ANNOTATION]: "true" } : {},
                },
                spec: {
                    type: "LoadBalancer",
                    externalTrafficPolicy: policy,
                    selector: labels,
                    ports: [{ name: "http", protocol: "TCP", port: RECEIVER_PORT, targetPort: RECEIVER_CONTAINER_PORT }],
                },
            },
        })),
    );
    return {
        namespace: namespaceManifest(input.namespace, "restricted"),
        configMap: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: `${RECEIVER_APP}-nginx`, namespace: input.namespace },
            data: { "nginx.conf": nginxConf() },
        },
        deployment: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: RECEIVER_APP, namespace: input.namespace, labels },
            spec: {
                // One backend: with two nodes, Cluster shows both the local and the forwarded case.
                replicas: 1,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        automountServiceAccountToken: false,
                        securityContext: { runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "nginx",
                                image: IMAGES.nginx,
                                args: ["nginx", "-g", "daemon off;", "-c", "/etc/egress-lab/nginx.conf"],
                                ports: [{ name: "http", containerPort: RECEIVER_CONTAINER_PORT }],
                                securityContext: restrictedContainerSecurity(),
                                readinessProbe: { httpGet: { path: "/", port: RECEIVER_CONTAINER_PORT }, periodSeconds: 5 },
                                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
                                volumeMounts: [
                                    { name: "config", mountPath: "/etc/egress-lab", readOnly: true },
                                    { name: "tmp", mountPath: "/tmp" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "config", configMap: { name: `${RECEIVER_APP}-nginx` } },
                            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
                        ],
                    },
                },
            },
        },
        services,
    };
}
