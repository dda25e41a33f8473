// A trigger's restore as commands a person runs (kubectl on cluster A, the Azure CLI), for when the
// runner cannot finish it: a restore step failed, or the runner was killed. The file is written
// before a trigger's first step and removed once its restore succeeded, so a runner killed with
// SIGKILL still leaves it in the run directory. Pure, but for the file.
import * as fs from "fs";
import * as path from "path";
import { RESELECT_ANNOTATION } from "../../check/k8s/egressPreflight";
import { ASSIGNER_APP, GATEWAY_NAMESPACE } from "../../lib/kube/egress";
import { Step, TriggerPlan } from "./plans";

/** The file in the run directory while a trigger is not yet restored. */
export const RESTORE_FILE = "restore-by-hand.txt";

function vmss(verb: string, i: Extract<Step, { instance: unknown }>["instance"]): string {
    // az vmss start|restart|deallocate: --resource-group, --name, --instance-ids (Azure CLI reference, az vmss).
    return `az vmss ${verb} --resource-group ${i.resourceGroup} --name ${i.scaleSet} --instance-ids ${i.instanceId}`;
}

/** One command (or check) per step, in order. */
export function stepCommand(step: Step): string {
    switch (step.kind) {
        case "set-label":
            return step.on
                ? `kubectl label ${step.object.toLowerCase()} ${step.node} ${step.label.key}=${step.label.value} --overwrite`
                : `kubectl label ${step.object.toLowerCase()} ${step.node} ${step.label.key}-`;
        case "delete-node":
            return `kubectl delete node ${step.node}`;
        case "deallocate":
        case "start":
        case "restart":
            return vmss(step.kind, step.instance);
        case "reapply-policies":
            return step.policies.map((p) => `kubectl annotate ciliumegressgatewaypolicy ${p} ${RESELECT_ANNOTATION}="$(date -u +%FT%TZ)" --overwrite`).join("\n  ");
        case "upgrade-node-image":
            return `az aks nodepool upgrade --node-image-only --nodepool-name ${step.pool} --resource-group <cluster A's group> --cluster-name <cluster A>`;
        case "wait": {
            const u = step.until;
            if (u.what === "node-ready") {
                return `kubectl wait --for=condition=Ready=${u.ready} node/${u.node} --timeout=${step.boundSeconds}s`;
            }
            if (u.what === "assigner-ready") {
                return `kubectl -n ${GATEWAY_NAMESPACE} wait pod -l app=${ASSIGNER_APP} --field-selector spec.nodeName=${u.node} --for=condition=Ready --timeout=${step.boundSeconds}s`;
            }
            if (u.what === "egress-ip") {
                return `kubectl -n kube-system exec $(kubectl -n kube-system get pod -l k8s-app=cilium --field-selector spec.nodeName=${u.node} -o name) -c cilium-agent -- cilium-dbg bpf egress list  # until EgressIP shows ${u.egressIps.join(", ")}, not 0.0.0.0`;
            }
            // Cilium selects the first labelled CiliumNode by name (lib/cilium/gatewaySelection.ts).
            return u.what === "ciliumnode-absent" ? `kubectl get ciliumnode ${u.node}  # until NotFound` : `kubectl get ciliumnodes -o name --sort-by=.metadata.name  # the first labelled one is Cilium's gateway${u.what === "selected" && u.node ? `: ${u.node}` : ""}`;
        }
    }
}

/** What to run by hand to restore a plan, with cluster A's kubeconfig. */
export function restoreByHand(plan: TriggerPlan, stack: string): string[] {
    return [
        `To restore ${plan.id} (${plan.title}) by hand, on cluster A:`,
        // Readable by the user only: the kubeconfig is a credential.
        `  (umask 077 && pulumi stack output kubeconfigA --show-secrets --stack ${stack} > kubeconfig-a) && export KUBECONFIG=$PWD/kubeconfig-a`,
        ...plan.restore.map((s) => `  ${stepCommand(s)}`),
        "  rm kubeconfig-a",
    ];
}

export function writeRestoreFile(runDir: string, lines: readonly string[]): void {
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, RESTORE_FILE), `${lines.join("\n")}\n`);
}

export function removeRestoreFile(runDir: string): void {
    fs.rmSync(path.join(runDir, RESTORE_FILE), { force: true });
}
