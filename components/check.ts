import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import { CheckPlan } from "../check/core/plan";
import { StackObservation, stackRows } from "../check/report/runDir";
import { CheckReport } from "../check/model/types";
import { CHECK_COMPONENT } from "../lib/project";
import { namespaceManifest } from "../lib/kube/namespace";

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

/**
 * What the Command runs: the same as `npm run check`, without npm's start-up. No `dir`: an absolute
 * path in the state would make every other checkout a diff that re-runs the check. The command
 * runs in the provider's working directory, which is the project root: pulumi-command falls back
 * to os.Getwd() (v1.2.1 provider/pkg/provider/local/commandOutputs.go), and Pulumi starts plugins
 * in the project's pwd (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go, cmd.Dir = pwd;
 * pkg/engine/project.go getPwdMain: the Pulumi.yaml directory, as this project sets no main).
 * `; exit $?` keeps /bin/sh as the check's parent also where sh execs a lone command (bash does,
 * dash does not): a cancel SIGKILLs that shell only, and the check notices and cleans up
 * (check/parentWatch.ts). --brief-failure keeps pulumi-command's error, which repeats stdout, short.
 */
export const CHECK_COMMAND = "node --require tsx/cjs check/main.ts --brief-failure; exit $?";

/** A report, or why the check's stdout is not one. */
export type ParsedReport = CheckReport | { readonly unreadable: string };

/**
 * Parses the check's stdout; the only place its JSON meets the stack. Never throws: the Command is
 * saved with its stdout before this runs, so a throw here would fail every later preview.
 */
export function parseReport(stdout: string): ParsedReport {
    try {
        const parsed = JSON.parse(stdout) as CheckReport;
        if (Array.isArray(parsed?.observations) && Array.isArray(parsed.summary)) {
            return parsed;
        }
    } catch {
        // fall through: not JSON
    }
    return { unreadable: `the check printed no report; its output began with: ${stdout.slice(0, 200)}` };
}

/** What the stack exports for an unreadable report: no rows, and a summary that says how to get out. */
export function unreadableSummary(why: string): string[] {
    return [why, "to run the check again: pulumi config set checkNonce $(date +%s), then pulumi up (docs/check.md, Running it again)"];
}

/**
 * The summary's first line: which run the rows are from. A failed `pulumi up` keeps the previous
 * outputs (a failed Command create saves no state), so the run id and start time are what tell a
 * reader of `pulumi stack output` that the rows are older than the last attempt.
 */
export function runLine(report: CheckReport): string {
    return `check run ${report.runId}, started ${report.startedAt} (${report.backend}): ${report.ok ? "every row passed" : "some rows did not pass"}`;
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
        super(CHECK_COMPONENT.type, name, {}, opts);
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
                stdin: input,
                // Progress (stderr) shows during `pulumi up`; the JSON report (stdout) becomes outputs.
                logging: command.types.enums.local.Logging.Stderr,
                addPreviousOutputInEnv: false,
                triggers: [args.nonce, JSON.stringify(args.plan), ...args.probedVersions],
            },
            { parent: this, dependsOn: [namespace, ...args.probed] },
        );
        // The command provider marks stdout secret because stdin is; the report holds addresses only.
        const report = pulumi.unsecret(this.command.stdout).apply((stdout) => {
            const parsed = parseReport(stdout);
            if ("unreadable" in parsed) {
                void pulumi.log.warn(parsed.unreadable, this);
            }
            return parsed;
        });
        this.observations = report.apply((r) => ("unreadable" in r ? [] : stackRows(r)));
        this.summary = report.apply((r) => ("unreadable" in r ? unreadableSummary(r.unreadable) : [runLine(r), ...r.summary]));
        this.registerOutputs({ summary: this.summary });
    }
}
