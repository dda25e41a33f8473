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
// - The egress IPs: the assigner adds the /32s at run time (lib/kube/egress.ts), so a rebooted or
//   re-registered node has none until its DaemonSet pod, scheduled once the node is Ready, runs
//   and turns Ready. At 1.19/1.20 the gateway's agent derives the egress IP only on a policy,
//   CiliumNode or sync event (pkg/egressgateway/manager.go reconcileLocked) and keeps 0.0.0.0
//   when the IP is on no interface then (deriveFromPolicyGatewayConfig, EgressIPNotFoundIPv4);
//   the docs' fix is to re-apply the policy (egress-gateway.rst). Every other agent shows 0.0.0.0
//   (policy.go regenerateGatewayConfig). An exec into a pod on a stopped VM fails at the
//   kubelet (the API server proxies exec to it on port 10250).
import type { FailoverCluster, FailoverCompute } from "../experiment/failover/execute";
import type { GatewayInstance } from "../experiment/failover/plans";
import { GatewayCandidate, selectGateway } from "../lib/cilium/gatewaySelection";
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
    /** The assigner's /32s are on the node's interface. */
    ipsHeld: boolean;
    /** Polls of the assigner's readiness left until its pod on a booted node is Ready. */
    assignerIn: number;
}

export class FakeAks implements FailoverCluster, FailoverCompute {
    readonly nodes = new Map<string, { labels: Record<string, string>; ready: boolean }>();
    readonly ciliumNodes_ = new Map<string, { labels: Record<string, string>; owner: string }>();
    readonly vms = new Map<string, Vm>();
    readonly calls: string[] = [];
    private readonly gcPending = new Map<string, number>();
    /** The egress IP the gateway's agent derived per policy when it last evaluated it. */
    private readonly derived = new Map<string, string>();

    constructor(
        readonly poolLabels: Record<string, string>,
        names: readonly string[],
        /** Polls until the garbage collector removes an orphaned CiliumNode; Infinity: never. */
        readonly gcPolls = 2,
        readonly notReadyPolls = 2,
        /** The CiliumEgressGatewayPolicies: name to egress IP. */
        readonly policies: Readonly<Record<string, string>> = {},
        /** Polls until the assigner's pod on a booted node is Ready. */
        readonly assignerPolls = 2,
    ) {
        names.forEach((node, i) => {
            this.vms.set(String(i), { node, power: "running", notReadyIn: 0, ipsHeld: true, assignerIn: 0 });
            this.register(node);
        });
    }

    private register(node: string): void {
        this.nodes.set(node, { labels: { ...this.poolLabels }, ready: true });
        this.ciliumNodes_.set(node, { labels: { ...this.poolLabels }, owner: node });
        this.derive();
    }

    private vmOf(node: string): Vm | undefined {
        return [...this.vms.values()].find((v) => v.node === node);
    }

    private gateway(): string | undefined {
        const label = Object.entries(this.poolLabels).map(([key, value]) => ({ key, value }))[0];
        return label && selectGateway([...this.ciliumNodes_.entries()].map(([name, n]) => ({ name, labels: n.labels })), label)?.name;
    }

    /** A policy, CiliumNode or sync event: the gateway's agent looks for each egress IP on its interfaces now. */
    private derive(): void {
        const vm = this.vmOf(this.gateway() ?? "");
        for (const [policy, ip] of Object.entries(this.policies)) {
            this.derived.set(policy, vm?.power === "running" && vm.ipsHeld ? ip : "0.0.0.0");
        }
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
        if (object === "CiliumNode") {
            this.derive();
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
                this.derive();
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
        // A reboot loses the /32s; the assigner adds them again once its pod runs.
        vm.ipsHeld = false;
        vm.assignerIn = this.assignerPolls;
        const node = this.nodes.get(vm.node);
        if (node) {
            node.ready = true;
            // The restarted agent's sync event.
            this.derive();
        } else {
            this.gcPending.delete(vm.node);
            this.register(vm.node);
        }
    }

    async assignerReady(node: string): Promise<boolean> {
        const vm = this.vmOf(node);
        if (!this.nodes.get(node)?.ready || vm?.power !== "running") {
            return false;
        }
        if (!vm.ipsHeld && --vm.assignerIn <= 0) {
            vm.ipsHeld = true;
        }
        return vm.ipsHeld;
    }

    async reapplyPolicy(policy: string): Promise<void> {
        this.calls.push(`re-apply ${policy}`);
        if (!(policy in this.policies)) {
            throw new HttpError(404, `ciliumegressgatewaypolicies.cilium.io "${policy}" not found`);
        }
        this.derive();
    }

    async egressIps(node: string): Promise<string[]> {
        if (!this.nodes.has(node)) {
            throw new Error(`no Cilium agent on ${node}`);
        }
        if (this.vmOf(node)?.power !== "running") {
            throw new HttpError(500, `error dialing backend: dial tcp ${node}:10250: i/o timeout`);
        }
        const onGateway = this.gateway() === node;
        return Object.keys(this.policies).map((p) => (onGateway ? (this.derived.get(p) ?? "0.0.0.0") : "0.0.0.0"));
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
