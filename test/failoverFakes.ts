// Fakes of cluster A's API and Azure compute for the failover plans, behaving as upstream does:
// - deleting a Node deletes it at once and its CiliumNode later: the CiliumNode has the Node as
//   owner (cilium/cilium#17329) and the garbage collector removes dependents in the background
//   ("Background cascading deletion", kubernetes.io/docs/concepts/architecture/garbage-collection);
// - a missing object is a 404, as the API server answers (client-node throws an ApiException with code 404);
// - a label patch is a JSON merge patch: null removes the key (RFC 7386);
// - a deallocated VM keeps its Node, which goes NotReady after the node-monitor grace period; the
//   cloud provider only taints a shut-down node, it deletes the Node only when the VM is gone
//   (k8s.io/cloud-provider controllers/nodelifecycle);
// - a started VM's kubelet registers its Node if it is missing (kubelet --register-node, default
//   true) with the pool's labels, and the Cilium agent creates the CiliumNode from it;
// - Azure refuses to restart a deallocated VM: 409 OperationNotAllowed.
import type { FailoverCluster, FailoverCompute } from "../experiment/failover/execute";
import type { GatewayInstance } from "../experiment/failover/plans";
import type { GatewayCandidate } from "../lib/cilium/gatewaySelection";
import type { Label } from "../lib/labels";

export class HttpError extends Error {
    constructor(
        readonly code: number,
        message: string,
    ) {
        super(message);
    }
}

interface Vm {
    readonly node: string;
    power: "running" | "deallocated";
    /** Polls left until a deallocated VM's Node reads NotReady. */
    notReadyIn: number;
}

export class FakeAks implements FailoverCluster, FailoverCompute {
    readonly nodes = new Map<string, { labels: Record<string, string>; ready: boolean }>();
    readonly ciliumNodes_ = new Map<string, { labels: Record<string, string>; owner: string }>();
    readonly vms = new Map<string, Vm>();
    readonly calls: string[] = [];
    private readonly gcPending = new Map<string, number>();

    constructor(
        readonly poolLabels: Record<string, string>,
        names: readonly string[],
        /** Polls until the garbage collector removes an orphaned CiliumNode; Infinity: never. */
        readonly gcPolls = 2,
        readonly notReadyPolls = 2,
    ) {
        names.forEach((node, i) => {
            this.vms.set(String(i), { node, power: "running", notReadyIn: 0 });
            this.register(node);
        });
    }

    private register(node: string): void {
        this.nodes.set(node, { labels: { ...this.poolLabels }, ready: true });
        this.ciliumNodes_.set(node, { labels: { ...this.poolLabels }, owner: node });
    }

    private vm(instance: GatewayInstance): Vm {
        const vm = this.vms.get(instance.instanceId);
        if (!vm) {
            throw new HttpError(404, `ResourceNotFound: virtualMachines/${instance.instanceId} of ${instance.scaleSet} was not found`);
        }
        return vm;
    }

    async deleteNode(name: string): Promise<void> {
        this.calls.push(`delete Node ${name}`);
        if (!this.nodes.delete(name)) {
            throw new HttpError(404, `nodes "${name}" not found`);
        }
        this.gcPending.set(name, this.gcPolls);
    }

    async setLabel(object: "Node" | "CiliumNode", name: string, label: Label, on: boolean): Promise<void> {
        this.calls.push(`patch ${object} ${name} ${label.key}=${on ? label.value : "null"}`);
        const target = object === "Node" ? this.nodes.get(name) : this.ciliumNodes_.get(name);
        if (!target) {
            throw new HttpError(404, `${object === "Node" ? "nodes" : "ciliumnodes.cilium.io"} "${name}" not found`);
        }
        if (on) {
            target.labels[label.key] = label.value;
        } else {
            delete target.labels[label.key];
        }
    }

    async nodeReady(name: string): Promise<boolean | undefined> {
        const node = this.nodes.get(name);
        const vm = [...this.vms.values()].find((v) => v.node === name);
        if (node && vm?.power === "deallocated") {
            vm.notReadyIn -= 1;
            node.ready = vm.notReadyIn > 0;
        }
        return node?.ready;
    }

    async ciliumNodes(): Promise<GatewayCandidate[]> {
        for (const [name, left] of this.gcPending) {
            if (left <= 1) {
                this.ciliumNodes_.delete(name);
                this.gcPending.delete(name);
            } else {
                this.gcPending.set(name, left - 1);
            }
        }
        return [...this.ciliumNodes_.entries()].map(([name, n]) => ({ name, labels: { ...n.labels } }));
    }

    async deallocate(instance: GatewayInstance): Promise<void> {
        this.calls.push(`deallocate ${instance.instanceId}`);
        const vm = this.vm(instance);
        vm.power = "deallocated";
        vm.notReadyIn = this.notReadyPolls;
    }

    async start(instance: GatewayInstance): Promise<void> {
        this.calls.push(`start ${instance.instanceId}`);
        const vm = this.vm(instance);
        vm.power = "running";
        this.boot(vm);
    }

    async restart(instance: GatewayInstance): Promise<void> {
        this.calls.push(`restart ${instance.instanceId}`);
        const vm = this.vm(instance);
        if (vm.power === "deallocated") {
            throw new HttpError(409, `OperationNotAllowed: Operation 'restart' is not allowed on VM since the VM is deallocated`);
        }
        this.boot(vm);
    }

    private boot(vm: Vm): void {
        const node = this.nodes.get(vm.node);
        if (node) {
            node.ready = true;
        } else {
            this.gcPending.delete(vm.node);
            this.register(vm.node);
        }
    }
}

/**
 * Azure's scale-set VM operations as @azure/arm-compute 25.1.1 returns them: a PollerLike, which
 * is a Promise of the final result (@azure/core-lro 3, "PollerLike ... extends Promise"); it
 * settles when the long-running operation is done, later than the call, and a failed operation
 * rejects with a RestError carrying statusCode and code (@azure/core-rest-pipeline).
 */
export class FakeScaleSetVms {
    readonly calls: string[] = [];
    constructor(
        readonly aks: FakeAks,
        /** An operation that never finishes (Azure stuck), to exercise the bound. */
        readonly hang = false,
    ) {}

    private operation(verb: "deallocate" | "start" | "restart", resourceGroup: string, scaleSet: string, instanceId: string): Promise<void> {
        this.calls.push(`${verb} ${resourceGroup}/${scaleSet}/${instanceId}`);
        if (this.hang) {
            return new Promise<void>(() => undefined);
        }
        // Done on a later turn, as a polled operation is.
        return new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
            try {
                await this.aks[verb]({ node: "", resourceGroup, scaleSet, instanceId });
            } catch (error) {
                const e = error as HttpError;
                const [code] = e.message.split(":");
                throw Object.assign(new Error(e.message.slice(code.length + 2)), { name: "RestError", statusCode: e.code, code });
            }
        });
    }

    deallocate = (rg: string, vmss: string, id: string): Promise<void> => this.operation("deallocate", rg, vmss, id);
    start = (rg: string, vmss: string, id: string): Promise<void> => this.operation("start", rg, vmss, id);
    restart = (rg: string, vmss: string, id: string): Promise<void> => this.operation("restart", rg, vmss, id);
}

/** A kubeconfig for a loopback stand-in API server (plain HTTP, a token that means nothing). */
export function kubeconfig(server: string): string {
    return `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: t\ncurrent-context: x\n`;
}
