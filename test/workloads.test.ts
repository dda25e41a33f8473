// Cilium, receiver, clients, egress gateway: what the program registers on both clusters.
import { expect } from "chai";
import { EgressLab } from "../components/egressLab";
import { parseCidr, cidrProblem } from "../lib/cidr";
import { parseLabConfig } from "../lib/config";
import { egressPolicyProblems } from "../policies/egressPolicy";
import { fqdnPolicyProblems } from "../policies/fqdnPolicy";
import { buildLab, byType, installMocks, one, Recorder, settle, SUBSCRIPTION_ID, transitiveDependencies } from "./mocks";
import { deserialize, fakeConfig, INPUTS } from "./azureFake";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CEGP = "kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy";
const SERVICE = "kubernetes:core/v1:Service";
const FORWARDING = "pulumi-nodejs:dynamic/egresslab:GatewayIpForwarding";

describe("workloads under mocks (default config)", function () {
    let recorder: Recorder;

    before(async function () {
        ({ recorder } = await buildLab());
    });

    it("installs Cilium on each cluster from helm.cilium.io at the configured version", function () {
        const releases = byType(recorder, RELEASE);
        expect(releases.map((r) => r.name).sort()).to.deep.equal(["cilium-a", "cilium-b"]);
        for (const release of releases) {
            expect(release.inputs).to.include({ chart: "cilium", version: "1.19.6", namespace: "kube-system", name: "cilium" });
            expect(release.inputs.repositoryOpts).to.deep.equal({ repo: "https://helm.cilium.io/" });
        }
    });

    it("passes each cluster's own FQDN and pod range, with correctly typed values", function () {
        const a = one(recorder, RELEASE, "cilium-a").inputs.values;
        const b = one(recorder, RELEASE, "cilium-b").inputs.values;
        expect(a.k8sServiceHost).to.match(/^egress-lab-a-abcd1234\.hcp\.koreacentral\.azmk8s\.io$/);
        expect(b.k8sServiceHost).to.match(/^egress-lab-b-/);
        expect(a.k8sServicePort).to.equal(443);
        expect(a.kubeProxyReplacement).to.equal(true);
        expect(a.bpf).to.deep.equal({ masquerade: true });
        expect(a.aksbyocni).to.deep.equal({ enabled: true });
        // No nodeinit: it runs privileged and the AKS BYOCNI install steps dropped it (cilium 4927820129).
        expect(a).to.not.have.property("nodeinit");
        expect(a.egressGateway).to.deep.equal({ enabled: true });
        expect(a.ipam.operator).to.deep.equal({ clusterPoolIPv4PodCIDRList: ["10.210.0.0/16"], clusterPoolIPv4MaskSize: 24 });
        expect(b.ipam.operator.clusterPoolIPv4PodCIDRList).to.deep.equal(["10.220.0.0/16"]);
        expect(a.hubble).to.deep.equal({ enabled: true, relay: { enabled: false } });
        expect(a.l7Proxy).to.equal(true);
    });

    it("uses each cluster's own provider for its Helm release", function () {
        for (const [name, provider] of [
            ["cilium-a", "cluster-a-k8s"],
            ["cilium-b", "cluster-b-k8s"],
        ]) {
            const release = one(recorder, RELEASE, name);
            expect(release.provider, `${name} uses ${provider}`).to.match(new RegExp(`::${provider}::`));
        }
    });

    it("exposes the receiver on the internal and public path, each with Cluster and Local", function () {
        const services = byType(recorder, SERVICE).filter((s) => s.inputs.metadata.namespace === "demo");
        const matrix = services.map((s) => `${s.inputs.metadata.name}:${s.inputs.spec.externalTrafficPolicy}:${s.inputs.metadata.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] ?? "public"}`);
        expect(matrix.sort()).to.deep.equal([
            "receiver-internal-cluster:Cluster:true",
            "receiver-internal-local:Local:true",
            "receiver-public-cluster:Cluster:public",
            "receiver-public-local:Local:public",
        ]);
        for (const service of services) {
            expect(service.inputs.spec.type).to.equal("LoadBalancer");
            expect(service.inputs.spec.ports).to.deep.equal([{ name: "http", protocol: "TCP", port: 80, targetPort: 8080 }]);
        }
    });

    it("runs the receiver on B and the clients on A, after Cilium", function () {
        const deployment = one(recorder, "kubernetes:apps/v1:Deployment", "receiver");
        const ofReceiver = transitiveDependencies(recorder, deployment.urn);
        expect([...ofReceiver].some((u) => u.endsWith("::cilium-b"))).to.equal(true);
        expect([...ofReceiver].some((u) => u.endsWith("::cluster-a"))).to.equal(false);
        const pods = byType(recorder, "kubernetes:core/v1:Pod");
        expect(pods.map((p) => `${p.inputs.metadata.name}:${JSON.stringify(p.inputs.metadata.labels)}`).sort()).to.deep.equal([
            'curl-fqdn:{"app":"fqdn-client","egress-lab/role":"client"}',
            'curl1:{"app":"client1","egress-lab/role":"client"}',
            'curl2:{"app":"client2","egress-lab/role":"client"}',
            'curl:{"app":"client","egress-lab/role":"client"}',
        ]);
        for (const pod of pods) {
            expect([...transitiveDependencies(recorder, pod.urn)].some((u) => u.endsWith("::cilium-a"))).to.equal(true);
            expect(pod.inputs.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).to.deep.equal([
                { matchExpressions: [{ key: "egress-gateway", operator: "NotIn", values: ["true"] }] },
            ]);
        }
    });

    it("creates the domain allow-list after Cilium: a valid namespaced policy selecting only its own client", function () {
        const policies = byType(recorder, "kubernetes:cilium.io/v2:CiliumNetworkPolicy");
        expect(policies).to.have.length(1);
        const policy = policies[0];
        const manifest = { apiVersion: policy.inputs.apiVersion, kind: policy.inputs.kind, metadata: policy.inputs.metadata, spec: policy.inputs.spec };
        expect(fqdnPolicyProblems(manifest)).to.deep.equal([]);
        expect(policy.inputs.metadata).to.deep.equal({ name: "fqdn-allow-list", namespace: "demo" });
        expect(policy.inputs.spec.endpointSelector).to.deep.equal({ matchLabels: { app: "fqdn-client" } });
        expect(policy.inputs.spec.egress[1].toFQDNs).to.deep.equal([{ matchName: "google.com" }, { matchName: "github.com" }]);
        expect([...transitiveDependencies(recorder, policy.urn)].some((u) => u.endsWith("::cilium-a"))).to.equal(true);
        const check = one(recorder, "command:local:Command", "check");
        const beforeCheck = transitiveDependencies(recorder, check.urn);
        expect(beforeCheck.has(policy.urn)).to.equal(true);
        expect(beforeCheck.has(one(recorder, "kubernetes:core/v1:Pod", "fqdn-curl-fqdn").urn)).to.equal(true);
    });

    it("creates one valid, cluster-scoped policy per mapping, after Cilium and the assigner", function () {
        const policies = byType(recorder, CEGP);
        expect(policies.map((p) => [p.inputs.metadata.name, p.inputs.spec.egressGateway.egressIP])).to.deep.equal([
            ["egress-app-client1", "10.10.100.51"],
            ["egress-app-client2", "10.10.100.52"],
        ]);
        const assigner = one(recorder, "kubernetes:apps/v1:DaemonSet", "assigner");
        const cilium = one(recorder, RELEASE, "cilium-a");
        for (const policy of policies) {
            const manifest = { apiVersion: policy.inputs.apiVersion, kind: policy.inputs.kind, metadata: policy.inputs.metadata, spec: policy.inputs.spec };
            expect(egressPolicyProblems(manifest, cidrProblem)).to.deep.equal([]);
            expect(policy.inputs.metadata).to.not.have.property("namespace");
            expect(policy.inputs.spec.selectors).to.deep.equal([
                { podSelector: { matchLabels: { app: policy.inputs.metadata.name.replace("egress-app-", ""), "io.kubernetes.pod.namespace": "demo" } } },
            ]);
            expect(policy.inputs.spec.destinationCIDRs).to.deep.equal(["10.20.0.0/16"]);
            expect(policy.inputs.spec.egressGateway.nodeSelector).to.deep.equal({ matchLabels: { "egress-gateway": "true" } });
            expect(policy.dependencies).to.include.members([assigner.urn, cilium.urn]);
        }
    });

    it("puts the assigner on the gateway pool only after the pool exists, with NET_ADMIN only", function () {
        const assigner = one(recorder, "kubernetes:apps/v1:DaemonSet", "assigner");
        const pool = one(recorder, "azure-native:containerservice:AgentPool");
        expect(assigner.dependencies).to.include(pool.urn);
        const pod = assigner.inputs.spec.template.spec;
        expect(pod.hostNetwork).to.equal(true);
        expect(pod.nodeSelector).to.deep.equal({ "egress-gateway": "true" });
        expect(pod.containers[0].securityContext.privileged).to.equal(false);
        expect(pod.containers[0].securityContext.capabilities).to.deep.equal({ drop: ["ALL"], add: ["NET_ADMIN"] });
        expect(pod.containers[0].env).to.deep.equal([{ name: "EGRESS_IPS", value: "10.10.100.51 10.10.100.52" }]);
    });

    it("routes each egress IP /32 from B's subnet to the static HA-ports frontend", function () {
        const routes = byType(recorder, "azure-native:network:Route");
        expect(routes.map((r) => [r.inputs.addressPrefix, r.inputs.nextHopType, r.inputs.nextHopIpAddress, r.inputs.routeTableName])).to.deep.equal([
            ["10.10.100.51/32", "VirtualAppliance", "10.10.8.250", "lab-b-nodes-rt"],
            ["10.10.100.52/32", "VirtualAppliance", "10.10.8.250", "lab-b-nodes-rt"],
        ]);
        const nextHop = byType(recorder, SERVICE).find((s) => s.inputs.metadata.name === "egress-next-hop");
        expect(nextHop?.inputs.metadata.annotations).to.deep.equal({
            "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
            "service.beta.kubernetes.io/azure-load-balancer-enable-high-availability-ports": "true",
            "service.beta.kubernetes.io/azure-load-balancer-ipv4": "10.10.8.250",
            "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": "lab-a-gateway",
        });
        expect(nextHop?.inputs.spec).to.deep.include({ externalTrafficPolicy: "Local", selector: { app: "egress-next-hop-selector" } });
        // The frontend sits in the gateway subnet the routes assume.
        expect(parseCidr("10.10.8.0/24").first <= parseCidr("10.10.8.250/32").first).to.equal(true);
    });

    it("the program's provider loads the Azure SDK by package name only, and honours the stack config", async function () {
        const text: string = one(recorder, FORWARDING).inputs.__provider;
        const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).sort();
        expect(required).to.deep.equal(["@azure/arm-compute", "@azure/identity", "fs/promises"]);
        expect(text).to.not.include(__dirname.replace(/\/test$/, ""));
        const copy = deserialize(text);
        await copy.configure!({ config: fakeConfig({ "egress-lab:location": "koreacentral", "azure-native:environment": "usgovernment" }) });
        let message = "";
        await copy.read!("id", { ...INPUTS, ipForwarding: true, scaleSets: [], changed: [] }).catch((error: Error) => (message = error.message));
        expect(message).to.equal('Azure environment "usgovernment" (ARM_ENVIRONMENT or azure-native:environment) is not supported here; only the public cloud is');
    });

    it("is registered for A's gateway pool, after the pool", function () {
        const forwarding = one(recorder, FORWARDING);
        expect(forwarding.inputs).to.deep.include({
            subscriptionId: SUBSCRIPTION_ID,
            nodeResourceGroup: "MC_egress-lab-rg_egress-lab-a_koreacentral",
            poolName: "egressgw",
            // A pool update changes its eTag (or node image), and so re-applies forwarding.
            poolVersion: "etag-pool-1 AKSUbuntu-2204gen2containerd-202611.04.0",
        });
        expect(forwarding.dependencies).to.include(one(recorder, "azure-native:containerservice:AgentPool", "egressgw").urn);
    });

    it("comes before every egress policy and the check, and B never waits for it", function () {
        const forwarding = one(recorder, FORWARDING).urn;
        const policies = byType(recorder, "kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy");
        expect(policies).to.have.length(2);
        for (const policy of policies) {
            expect(policy.dependencies, policy.name).to.include(forwarding);
        }
        expect([...transitiveDependencies(recorder, one(recorder, "command:local:Command").urn)]).to.include(forwarding);
        expect([...transitiveDependencies(recorder, one(recorder, "kubernetes:helm.sh/v3:Release", "cilium-b").urn)]).to.not.include(forwarding);
    });

    it("keeps B's workloads independent of cluster A", function () {
        for (const r of byType(recorder, SERVICE).filter((s) => s.inputs.metadata.namespace === "demo")) {
            expect([...transitiveDependencies(recorder, r.urn)].filter((u) => /cluster-a|cilium-a/.test(u))).to.deep.equal([]);
        }
    });
});

describe("workloads under mocks (config variations)", function () {
    it("narrows the Services to a subset of externalTrafficPolicies and paths", async function () {
        const { recorder } = await buildLab({ externalTrafficPolicies: ["Local"], receiverPaths: ["internal"] });
        const names = byType(recorder, SERVICE)
            .filter((s) => s.inputs.metadata.namespace === "demo")
            .map((s) => s.inputs.metadata.name);
        expect(names).to.deep.equal(["receiver-internal-local"]);
    });

    it("follows custom mappings and 0.0.0.0/0", async function () {
        const { recorder, lab } = await buildLab({
            clients: ["web:tier=web", "batch:tier=batch"],
            egressMappings: ["tier=batch:10.10.100.77"],
            egressDestinationCidrs: ["0.0.0.0/0"],
            clientsOnGatewayNode: true,
        });
        const policies = byType(recorder, CEGP);
        expect(policies).to.have.length(1);
        expect(policies[0].inputs.metadata.name).to.equal("egress-tier-batch");
        expect(policies[0].inputs.spec.selectors[0].podSelector.matchLabels).to.deep.equal({ tier: "batch", "io.kubernetes.pod.namespace": "demo" });
        expect(policies[0].inputs.spec.destinationCIDRs).to.deep.equal(["0.0.0.0/0"]);
        expect(byType(recorder, "azure-native:network:Route").map((r) => r.inputs.addressPrefix)).to.deep.equal(["10.10.100.77/32"]);
        for (const pod of byType(recorder, "kubernetes:core/v1:Pod")) {
            expect(pod.inputs.spec).to.not.have.property("affinity");
        }
        expect(lab.clients.pods).to.have.length(2);
    });

    it("accepts the seed's Cilium 1.16.4 with a warning about the untested pairing", async function () {
        const { recorder } = await buildLab({ ciliumVersion: "1.16.4" });
        expect(one(recorder, RELEASE, "cilium-a").inputs.version).to.equal("1.16.4");
    });
});

describe("program in preview (unknown outputs)", function () {
    it("registers the same resources when cloud outputs are still unknown", async function () {
        const { recorder: full } = await buildLab();
        const recorder = installMocks({ preview: true });
        new EgressLab("egress-lab", { config: parseLabConfig({}) });
        await settle();
        const names = (r: Recorder) => r.registrations.map((x) => `${x.type}::${x.name}`).sort();
        expect(names(recorder)).to.deep.equal(names(full));
    });
});
