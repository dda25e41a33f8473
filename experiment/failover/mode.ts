// The runner's --failover branch: an existing stack, its config and outputs, the clusters
// connected, then experiment/failover/command.ts. No preview, no up, no teardown.
import { watchParentAndPipes } from "../../check/parentWatch";
import { ConfigError, parseLabConfig } from "../../lib/config";
import { NoTerminalError } from "../costPrompt";
import type { RunnerDeps } from "../runnerDeps";
import { EXIT } from "../usage";
import { connectAks, failoverStackInput, proberMapping } from "./aksEnv";
import { runAksFailover } from "./command";

/** A DNS-label run id from the clock: failover-20261206t203446. */
export function failoverRunId(now: Date): string {
    return `failover-${now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase()}`;
}

export async function failoverMode(d: RunnerDeps): Promise<number> {
    const { flags, print } = d;
    if (!flags.yes && !d.asker.interactive) {
        print(new NoTerminalError().message);
        return EXIT.failed;
    }
    let stack;
    try {
        stack = await d.workspace.selectStack(flags.stack);
    } catch (error) {
        print(`opening stack ${flags.stack} failed: ${(error as Error).message}`);
        return EXIT.failed;
    }
    if (!stack) {
        print(`no stack ${flags.stack}: --failover runs against an existing lab; create it first with npm run experiment -- --stack ${flags.stack}`);
        return EXIT.failed;
    }
    let env;
    let egressIp: string;
    let config;
    try {
        config = parseLabConfig(await stack.config(), { today: d.now() });
        if (config.gateway.nodeCount < 2) {
            print(`gatewayNodeCount is ${config.gateway.nodeCount}: failover needs a second gateway node; set it (pulumi config set --stack ${stack.name} gatewayNodeCount 2), run npm run experiment, then --failover`);
            return EXIT.failed;
        }
        const input = failoverStackInput(await stack.outputs(), await stack.azureConfig());
        egressIp = proberMapping(input.plan).egressIp;
        env = await (d.connectFailover ?? ((i, id) => connectAks(i, id, process.env)))(input, failoverRunId(d.now()));
    } catch (error) {
        print(error instanceof ConfigError ? error.message : `cannot start the failover; nothing was changed: ${(error as Error).message}`);
        return EXIT.failed;
    }
    // As the check does on a signal or a killed parent (check/main.ts): the pods go at once, the trigger is restored.
    const connected = env;
    d.interrupt.notice = (signal) => `${signal}: deleting the prober and capture pods, cutting the current trigger short and restoring it; no other starts`;
    d.interrupt.onRequest(() => void connected.cleanup());
    const stopWatching = (d.watchParent ?? watchParentAndPipes)((was, now) => d.interrupt.request(`parent process ${was} is gone (now ${now})`));
    let outcome;
    try {
        const interrupted = (): boolean => d.interrupt.requested !== undefined;
        outcome = await runAksFailover({ config, env, egressIp, yes: flags.yes, asker: d.asker, print, runDir: d.runDir, stack: stack.name, interrupted });
    } catch (error) {
        print(`the failover stopped: ${(error as Error).message}`);
        print(`check the gateway Nodes' label ${config.gateway.nodeLabel.key}=${config.gateway.nodeLabel.value} and their VMs (docs/failover.md, "If a run fails")`);
        return EXIT.failed;
    } finally {
        stopWatching();
    }
    if (outcome.failures.length > 0) {
        outcome.failures.forEach((f) => print(`FAILED ${f}`));
        print(`a step or its restore failed: check the gateway Nodes and VMs (docs/failover.md, "If a run fails")`);
        return d.interrupt.requested ? EXIT.interrupted : EXIT.failed;
    }
    if (d.interrupt.requested) {
        return EXIT.interrupted;
    }
    if (outcome.run.results.length === 0) {
        return outcome.declined ? EXIT.declined : EXIT.failed;
    }
    return outcome.run.results.every((r) => r.mismatches.length === 0) ? EXIT.ok : EXIT.rowsFailed;
}
