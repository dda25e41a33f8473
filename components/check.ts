import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import { CheckPlan } from "../check/plan";
import { StackObservation } from "../check/runDir";
import { CheckReport } from "../check/types";
import { namespaceManifest } from "../lib/namespace";

export interface CheckArgs {
    /** Kubernetes provider of cluster B, where the capture namespace lives. */
    readonly providerB: k8s.Provider;
    /** Kubeconfigs of A and B; secrets, handed to the check on stdin only. */
    readonly kubeconfigA: pulumi.Input<string>;
    readonly kubeconfigB: pulumi.Input<string>;
    /** What to probe (no credentials). */
    readonly plan: CheckPlan;
    /** A's outbound public IP, the expected source on the public path. */
    readonly sourcePublicIp: pulumi.Input<string>;
    /** A's gateway pool, whose NICs' IP forwarding the check's preflight reads from Azure. */
    readonly gatewayPool: {
        readonly subscriptionId: pulumi.Input<string>;
        readonly nodeResourceGroup: pulumi.Input<string>;
        readonly poolName: pulumi.Input<string>;
    };
    /**
     * The azure-native stack config for those reads (lib/pulumiConfig.ts azureAuthConfig), secrets
     * included: it travels on the secret stdin only, as the engine gives stack config to the dynamic provider.
     */
    readonly azureConfig?: pulumi.Input<Record<string, string>>;
    /** What pulumi up recorded about the pool's forwarding: the evidence when the check cannot read Azure. */
    readonly gatewayIpForwarding?: pulumi.Input<{ readonly ipForwarding: boolean; readonly changed: readonly string[] }>;
    /** Change it to re-run the check on purpose (`pulumi config set checkNonce $(date +%s)`). */
    readonly nonce: pulumi.Input<string>;
    /** Everything the check probes; it runs after them. */
    readonly probed: pulumi.Resource[];
    /** Values that change when a probed thing changes (uids, revisions); a change re-runs the check. */
    readonly probedVersions: pulumi.Input<string>[];
}

/** The repository root, where `check/main.ts` lives. */
const ROOT = path.resolve(__dirname, "..");
/** What the Command runs in ROOT: the same as `npm run check`, without npm's start-up. */
export const CHECK_COMMAND = "node --require tsx/cjs check/main.ts";

/** Parses the check's stdout; the only place its JSON meets the stack. */
export function parseReport(stdout: string): CheckReport {
    try {
        return JSON.parse(stdout) as CheckReport;
    } catch {
        throw new Error(`the check printed no JSON report; its output began with: ${stdout.slice(0, 200)}`);
    }
}

/**
 * Runs the curl-and-capture check once the workloads are ready, and again whenever the plan, a
 * probed resource or the nonce changes (a changed trigger replaces the command, which re-runs it).
 */
export class Check extends pulumi.ComponentResource {
    public readonly command: command.local.Command;
    public readonly observations: pulumi.Output<readonly StackObservation[]>;
    public readonly summary: pulumi.Output<readonly string[]>;
    public readonly plan: CheckPlan;

    constructor(name: string, args: CheckArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:check:Check", name, {}, opts);
        this.plan = args.plan;
        const namespace = new k8s.core.v1.Namespace(`${name}-capture-ns`, namespaceManifest(args.plan.captureNamespace, "privileged"), {
            parent: this,
            provider: args.providerB,
        });
        const input = pulumi.secret(
            pulumi.jsonStringify({
                kubeconfigA: args.kubeconfigA,
                kubeconfigB: args.kubeconfigB,
                checkPlan: args.plan,
                sourcePublicIp: args.sourcePublicIp,
                gatewayPool: args.gatewayPool,
                azureConfig: args.azureConfig ?? {},
                gatewayIpForwarding: args.gatewayIpForwarding,
            }),
        );
        this.command = new command.local.Command(
            name,
            {
                // No secret on the command line: the kubeconfigs arrive on stdin. tsx's CommonJS
                // loader, as everywhere in the repo: no type check at run time (CI does that).
                create: CHECK_COMMAND,
                dir: ROOT,
                stdin: input,
                // Progress (stderr) shows during `pulumi up`; the JSON report (stdout) becomes outputs.
                logging: command.types.enums.local.Logging.Stderr,
                addPreviousOutputInEnv: false,
                triggers: [args.nonce, JSON.stringify(args.plan), ...args.probedVersions],
            },
            { parent: this, dependsOn: [namespace, ...args.probed] },
        );
        // The command provider marks stdout secret because stdin is; the report holds addresses only.
        const report = pulumi.unsecret(this.command.stdout).apply(parseReport);
        this.observations = report.apply((r) => [...r.observations, ...(r.coverage ?? []), ...(r.domains ?? [])]);
        this.summary = report.apply((r) => r.summary);
        this.registerOutputs({ summary: this.summary });
    }
}
