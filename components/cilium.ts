import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CILIUM_CHART, ciliumValues } from "../lib/cilium/values";

export interface CiliumArgs {
    /** Kubernetes provider of the cluster. */
    readonly provider: k8s.Provider;
    /** Chart version, e.g. "1.19.6". */
    readonly version: pulumi.Input<string>;
    /** API server FQDN of the AKS cluster. */
    readonly apiServerHost: pulumi.Input<string>;
    /** The cluster's own pod range. */
    readonly podCidr: pulumi.Input<string>;
    /** Turn on the egress gateway. */
    readonly egressGateway: boolean;
}

/** Cilium as the cluster's CNI, with kube-proxy replacement, BPF masquerade and Hubble relay. */
export class Cilium extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: CiliumArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:cilium:Cilium", name, {}, opts);
        const values = pulumi
            .all([args.apiServerHost, args.podCidr])
            .apply(([apiServerHost, podCidr]) => ciliumValues({ apiServerHost, podCidr, egressGateway: args.egressGateway }));
        this.release = new k8s.helm.v3.Release(
            name,
            {
                name: "cilium",
                chart: CILIUM_CHART.name,
                version: args.version,
                repositoryOpts: { repo: CILIUM_CHART.repo },
                namespace: CILIUM_CHART.namespace,
                values,
                // Helm waits for the agents and operator to be ready; nodes stay NotReady until then.
                timeout: 900,
                waitForJobs: true,
            },
            { parent: this, provider: args.provider },
        );
        this.registerOutputs({ status: this.release.status });
    }
}
