import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { clientPod } from "../lib/kube/clients";
import { ClientSpec } from "../lib/config";
import { fqdnPolicy } from "../lib/kube/fqdn";
import { Label } from "../lib/labels";

export interface DomainAllowListArgs {
    /** Kubernetes provider of cluster A. */
    readonly provider: k8s.Provider;
    /** Namespace of the client and the policy, e.g. "demo". */
    readonly namespace: string;
    /** The namespace resource, created by the Clients component. */
    readonly namespaceResource: pulumi.Resource;
    /** Name of the CiliumNetworkPolicy. */
    readonly policyName: string;
    /** The client pod the policy selects: a pod of its own, so no cross-cluster row changes. */
    readonly client: ClientSpec;
    /** Names the client may reach on 443. */
    readonly allowed: readonly string[];
    /** Keep the client off nodes with this label (the gateway), or undefined to allow any node. */
    readonly avoidNodeLabel?: Label;
    /** Cilium on A: the CRD and the DNS proxy come with it. */
    readonly cilium: pulumi.Resource;
}

/** The notes' first exercise on A: a client whose egress is limited to allowed domain names. */
export class DomainAllowList extends pulumi.ComponentResource {
    public readonly pod: k8s.core.v1.Pod;
    public readonly policy: k8s.apiextensions.CustomResource;

    constructor(name: string, args: DomainAllowListArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:fqdn:DomainAllowList", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        this.policy = new k8s.apiextensions.CustomResource(
            `${name}-policy`,
            fqdnPolicy({ name: args.policyName, namespace: args.namespace, client: args.client.label, allowed: args.allowed }),
            { ...childOpts, dependsOn: [args.cilium, args.namespaceResource] },
        );
        this.pod = new k8s.core.v1.Pod(
            `${name}-${args.client.name}`,
            clientPod({ client: args.client, namespace: args.namespace, avoidNodeLabel: args.avoidNodeLabel }),
            { ...childOpts, dependsOn: [args.namespaceResource] },
        );
        this.registerOutputs({ policy: this.policy.metadata.name, pod: this.pod.metadata.name });
    }
}
