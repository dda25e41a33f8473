// The failover's real adapters: client-node 1.4.0 against a loopback stand-in for the API server
// (as test/k8sTransport.test.ts), and the Azure port against fakes of arm-compute's operations.
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { boundedCall, cluster } from "../check/k8s/clients";
import { azureCompute } from "../experiment/failover/azureAdapter";
import { gatewayInstanceOf, kubernetesCluster } from "../experiment/failover/kubeAdapter";
import type { GatewayInstance } from "../experiment/failover/plans";
import { kubeconfig } from "./checkFixtures";
import { FakeAks, FakeScaleSetVms } from "./failoverFakes";

const LABEL = { key: "egress-gateway", value: "true" };
const N0 = "aks-egressgw-12345678-vmss000000";

/** The API server's Status for a missing object (apimachinery errors.NewNotFound). */
const notFound = (kind: string, name: string): object => ({ kind: "Status", apiVersion: "v1", status: "Failure", message: `${kind} "${name}" not found`, reason: "NotFound", code: 404 });

interface Seen {
    readonly method: string;
    readonly url: string;
    readonly contentType: string;
    readonly body: string;
}

describe("failover on AKS: the Kubernetes adapter (client-node against a stand-in API server)", function () {
    const seen: Seen[] = [];
    const nodes = new Set([N0]);
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            seen.push({ method: req.method ?? "", url: req.url ?? "", contentType: req.headers["content-type"] ?? "", body });
            const name = decodeURIComponent((req.url ?? "").split("?")[0].split("/").pop() ?? "");
            const answer = (code: number, value: object): void => void res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(value));
            if (req.url === "/apis/cilium.io/v2/ciliumnodes") {
                return answer(200, { apiVersion: "cilium.io/v2", kind: "CiliumNodeList", items: [{ metadata: { name: N0, labels: { [LABEL.key]: LABEL.value } } }] });
            }
            if (req.url?.startsWith("/api/v1/namespaces/egress-gateway-system/pods?")) {
                // The node's assigner pod, Ready (a PodList as the API server answers a list).
                return answer(200, { apiVersion: "v1", kind: "PodList", items: [{ metadata: { name: "egress-ip-assigner-x" }, status: { conditions: [{ type: "Ready", status: "True" }] } }] });
            }
            if (req.url?.startsWith("/api/v1/nodes/") && !nodes.has(name)) {
                return answer(404, notFound("nodes", name));
            }
            if (req.method === "DELETE") {
                nodes.delete(name);
                return answer(200, { kind: "Status", apiVersion: "v1", status: "Success" });
            }
            answer(200, { apiVersion: "v1", kind: "Node", metadata: { name }, status: { conditions: [{ type: "Ready", status: "True" }] } });
        });
    });
    let port: ReturnType<typeof kubernetesCluster>;

    before(async function () {
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        port = kubernetesCluster(cluster("A", kubeconfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)), { namespace: "egress-gateway-system", name: "egress-ip-assigner" });
    });
    after(() => new Promise((resolve) => server.close(resolve)));
    beforeEach(() => void seen.splice(0));

    it("removes a label with a JSON merge patch (null) on the Node and the CiliumNode, and sets it back", async function () {
        await port.setLabel("Node", N0, LABEL, false);
        await port.setLabel("CiliumNode", N0, LABEL, false);
        await port.setLabel("CiliumNode", N0, LABEL, true);
        expect(seen.map((s) => [s.method, s.url, s.contentType, s.body])).to.deep.equal([
            ["PATCH", `/api/v1/nodes/${N0}`, "application/merge-patch+json", '{"metadata":{"labels":{"egress-gateway":null}}}'],
            ["PATCH", `/apis/cilium.io/v2/ciliumnodes/${N0}`, "application/merge-patch+json", '{"metadata":{"labels":{"egress-gateway":null}}}'],
            ["PATCH", `/apis/cilium.io/v2/ciliumnodes/${N0}`, "application/merge-patch+json", '{"metadata":{"labels":{"egress-gateway":"true"}}}'],
        ]);
    });

    it("reads CiliumNodes and readiness; a deleted Node reads as absent, and deleting it again is a 404", async function () {
        expect(await port.ciliumNodes()).to.deep.equal([{ name: N0, labels: { [LABEL.key]: LABEL.value } }]);
        expect(await port.nodeReady(N0)).to.equal(true);
        await port.deleteNode(N0);
        expect(await port.nodeReady(N0)).to.equal(undefined);
        const again = await port.deleteNode(N0).catch((e: Error) => e);
        expect((again as Error).message).to.equal(`cluster A: delete Node ${N0}: not found (404)`);
        expect(seen.filter((s) => s.method === "DELETE").map((s) => s.url)).to.deep.equal([`/api/v1/nodes/${N0}`, `/api/v1/nodes/${N0}`]);
    });

    it("reads the assigner's pod on one node, re-applies a policy with a merge patch of an annotation, and bounds a call", async function () {
        expect(await port.assignerReady(N0)).to.equal(true);
        await port.reapplyPolicy("egress-app-client1");
        const [list, patch] = seen;
        expect(decodeURIComponent(list.url)).to.equal(`/api/v1/namespaces/egress-gateway-system/pods?fieldSelector=spec.nodeName=${N0}&labelSelector=app=egress-ip-assigner`);
        expect([patch.method, patch.url, patch.contentType]).to.deep.equal(["PATCH", "/apis/cilium.io/v2/ciliumegressgatewaypolicies/egress-app-client1", "application/merge-patch+json"]);
        expect(JSON.parse(patch.body).metadata.annotations).to.have.key("egress-lab/reselect-at");
        const c = cluster("A", kubeconfig("http://127.0.0.1:1"));
        const late = await boundedCall(c, "list Nodes", () => new Promise<never>(() => undefined), 0.01).catch((e: Error) => e);
        expect((late as Error).message).to.equal("cluster A: list Nodes: list Nodes took longer than 0.01 s");
    });

    it("reads the scale-set VM from the Node's providerID, and refuses one that is not a scale-set VM", function () {
        const providerID = `azure:///subscriptions/0000/resourceGroups/mc_egress-lab-rg_egress-lab-a_koreacentral/providers/Microsoft.Compute/virtualMachineScaleSets/aks-egressgw-12345678-vmss/virtualMachines/1`;
        expect(gatewayInstanceOf({ metadata: { name: N0 }, spec: { providerID } })).to.deep.equal({ node: N0, resourceGroup: "mc_egress-lab-rg_egress-lab-a_koreacentral", scaleSet: "aks-egressgw-12345678-vmss", instanceId: "1" });
        expect(() => gatewayInstanceOf({ metadata: { name: N0 }, spec: { providerID: "kind://docker/x" } })).to.throw(/not a scale-set VM's/);
    });
});

describe("failover on AKS: the Azure adapter (arm-compute's long-running operations, faked)", function () {
    const active: GatewayInstance = { node: N0, resourceGroup: "mc_rg", scaleSet: "aks-egressgw-12345678-vmss", instanceId: "0" };

    it("awaits each operation until Azure reports it done, and passes Azure's refusal on with its status", async function () {
        const aks = new FakeAks({ [LABEL.key]: LABEL.value }, [N0]);
        const vms = new FakeScaleSetVms(aks);
        const compute = azureCompute(vms);
        await compute.deallocate(active);
        expect(aks.vms.get("0")!.power).to.equal("deallocated");
        const refused = await compute.restart(active).catch((e: Error) => e);
        expect((refused as Error).message).to.equal("restart mc_rg/aks-egressgw-12345678-vmss/0: 409 OperationNotAllowed: Operation 'restart' is not allowed on VM since the VM is deallocated");
        await compute.start(active);
        expect(vms.calls).to.deep.equal(["deallocate mc_rg/aks-egressgw-12345678-vmss/0", "restart mc_rg/aks-egressgw-12345678-vmss/0", "start mc_rg/aks-egressgw-12345678-vmss/0"]);
    });

    it("bounds an operation that never finishes", async function () {
        const compute = azureCompute(new FakeScaleSetVms(new FakeAks({}, [N0]), true), 0.01);
        const late = await compute.start(active).catch((e: Error) => e);
        expect((late as Error).message).to.equal("start mc_rg/aks-egressgw-12345678-vmss/0: Azure did not finish within 0.01 s");
    });
});
