import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { clientPod } from "../lib/kube/clients";
import { ClientSpec } from "../lib/config";
import { Label } from "../lib/labels";
import { namespaceManifest } from "../lib/kube/namespace";

export interface ClientsArgs {
    /** Kubernetes provider of cluster A. */
    readonly provider: k8s.Provider;
    /** Namespace to create, e.g. "demo". */
    readonly namespace: string;
    /** The client pods. */
    readonly clients: readonly ClientSpec[];
    /** Keep clients off nodes with this label (the gateway), or undefined to allow any node. */
    readonly avoidNodeLabel?: Label;
    /** What must be ready first (the CNI). */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** curl pods on cluster A, one per configured client. */
export class Clients extends pulumi.ComponentResource {
    public readonly pods: k8s.core.v1.Pod[];
    public readonly namespace: k8s.core.v1.Namespace;

    constructor(name: string, args: ClientsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:clients:Clients", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, namespaceManifest(args.namespace, "restricted"), { ...childOpts, dependsOn: args.dependsOn });
        this.namespace = namespace;
        this.pods = args.clients.map(
            (client) =>
                new k8s.core.v1.Pod(
                    `${name}-${client.name}`,
                    clientPod({ client, namespace: args.namespace, avoidNodeLabel: args.avoidNodeLabel }),
                    { ...childOpts, dependsOn: [namespace] },
                ),
        );
        this.registerOutputs({ pods: this.pods.map((p) => p.metadata.name) });
    }
}
