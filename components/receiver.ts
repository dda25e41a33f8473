import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ReceiverPath, TrafficPolicy } from "../lib/config";
import { receiverManifests } from "../lib/kube/receiver";

export interface ReceiverArgs {
    /** Kubernetes provider of cluster B. */
    readonly provider: k8s.Provider;
    /** Namespace to create, e.g. "demo". */
    readonly namespace: string;
    /** Paths to expose: internal and/or public. */
    readonly paths: readonly ReceiverPath[];
    /** externalTrafficPolicy values to expose. */
    readonly policies: readonly TrafficPolicy[];
    /** What must be ready first (the CNI). */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** One exposed Service and the address Azure gave it. */
export interface ReceiverEndpoint {
    readonly service: string;
    readonly path: ReceiverPath;
    readonly externalTrafficPolicy: TrafficPolicy;
    readonly address: pulumi.Output<string>;
}

/** nginx on cluster B answering with what it saw, behind one LoadBalancer per path and policy. */
export class Receiver extends pulumi.ComponentResource {
    public readonly deployment: k8s.apps.v1.Deployment;
    public readonly services: k8s.core.v1.Service[];
    public readonly endpoints: ReceiverEndpoint[];

    constructor(name: string, args: ReceiverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:receiver:Receiver", name, {}, opts);
        const manifests = receiverManifests({ namespace: args.namespace, paths: args.paths, policies: args.policies });
        const childOpts = { parent: this, provider: args.provider };

        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, manifests.namespace, { ...childOpts, dependsOn: args.dependsOn });
        const configMap = new k8s.core.v1.ConfigMap(`${name}-nginx`, manifests.configMap, { ...childOpts, dependsOn: [namespace] });
        this.deployment = new k8s.apps.v1.Deployment(name, manifests.deployment, { ...childOpts, dependsOn: [configMap] });
        this.services = manifests.services.map(
            (s) => new k8s.core.v1.Service(`${name}-${s.path}-${s.policy.toLowerCase()}`, s.manifest, { ...childOpts, dependsOn: [namespace] }),
        );
        this.endpoints = manifests.services.map((s, i) => ({
            service: s.name,
            path: s.path,
            externalTrafficPolicy: s.policy,
            address: this.services[i].status.loadBalancer.ingress.apply((ingress) => ingress?.[0]?.ip ?? ""),
        }));
        this.registerOutputs({ services: this.endpoints.map((e) => e.service) });
    }
}
