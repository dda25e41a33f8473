// The pure manifest and values functions, without Pulumi.
import { expect } from "chai";
import { cidrProblem } from "../lib/cidr";
import { ASSIGNER_SCRIPT } from "../lib/kube/assignerScript";
import { ciliumValues } from "../lib/cilium/values";
import { clientPod } from "../lib/kube/clients";
import { assignerDaemonSet, egressGatewayPolicy, egressRoutes } from "../lib/kube/egress";
import { namespaceManifest } from "../lib/kube/namespace";
import { ciliumValuesProblems } from "../policies/ciliumValues";
import { egressPolicyProblems } from "../policies/egressPolicy";
import { nginxConf, receiverManifests } from "../lib/kube/receiver";

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are read as plain JSON here */

const VALID_POLICY = egressGatewayPolicy({
    mapping: { policyName: "egress-app-client1", selector: { key: "app", value: "client1" }, egressIp: "10.10.100.51" },
    namespace: "demo",
    gatewayNodeLabel: { key: "egress-gateway", value: "true" },
    destinationCidrs: ["10.20.0.0/16"],
}) as any;

function withSpec(change: (spec: any) => void, metadata: any = { name: "p" }): any {
    const copy = JSON.parse(JSON.stringify(VALID_POLICY));
    copy.metadata = metadata;
    change(copy.spec);
    return copy;
}

describe("Cilium values", function () {
    const values = ciliumValues({ apiServerHost: "a.hcp.koreacentral.azmk8s.io", podCidr: "10.210.0.0/16", egressGateway: true }) as any;

    it("carries what the egress gateway and AKS BYOCNI need, with schema-correct types", function () {
        expect(ciliumValuesProblems(values, true)).to.deep.equal([]);
        expect(values.kubeProxyReplacement).to.equal(true);
        expect(typeof values.k8sServicePort).to.equal("number");
        expect(values.ipam.operator.clusterPoolIPv4MaskSize).to.be.a("number");
        expect(values.nodePort).to.deep.equal({ enableHealthCheck: false });
    });

    it("flags the seed's and removed settings", function () {
        const bad = { ...values, kubeProxyReplacement: "strict", k8sServicePort: "443", egressGateway: { enabled: true, installRoutes: false }, nodeinit: { enabled: true } };
        expect(ciliumValuesProblems(bad, true)).to.deep.equal([
            'kubeProxyReplacement is "strict"; must be true (the boolean true, not "strict")',
            'k8sServicePort is "443"; must be 443 (a number: the chart schema rejects strings)',
            "nodeinit.enabled is true; it runs a privileged DaemonSet that AKS BYOCNI does not need (cilium commit 4927820129)",
            "egressGateway.installRoutes is set, but Cilium 1.16+ removed it",
        ]);
        expect(ciliumValuesProblems({ ...values, bpf: {} }, true)).to.deep.equal([
            "bpf.masquerade is undefined; must be true (the egress gateway needs BPF masquerading)",
        ]);
    });
});

describe("receiver manifests", function () {
    it("answers every request with the addresses nginx saw, as JSON", function () {
        const conf = nginxConf();
        expect(conf).to.include("listen 8080;");
        for (const field of ["$remote_addr", "$remote_port", "$server_addr", "$server_port", "$hostname", "$http_x_request_id"]) {
            expect(conf).to.include(field);
        }
        expect(conf).to.include("pid /tmp/nginx.pid;");
    });

    it("runs nginx as non-root with no capabilities and a read-only root", function () {
        const deployment = receiverManifests({ namespace: "demo", paths: ["internal"], policies: ["Local"] }).deployment as any;
        const container = deployment.spec.template.spec.containers[0];
        expect(container.securityContext).to.deep.include({ runAsNonRoot: true, privileged: false, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        expect(container.securityContext.capabilities).to.deep.equal({ drop: ["ALL"] });
        expect(deployment.spec.template.spec).to.not.have.property("hostNetwork");
    });
});

describe("client pods", function () {
    it("are non-root curl pods that sleep, kept off the gateway when asked", function () {
        const pod = clientPod({ client: { name: "curl1", label: { key: "app", value: "client1" } }, namespace: "demo", avoidNodeLabel: { key: "egress-gateway", value: "true" } }) as any;
        expect(pod.spec.containers[0].image).to.match(/curlimages\/curl:/);
        expect(pod.spec.containers[0].command).to.deep.equal(["sleep", "365d"]);
        expect(pod.spec.containers[0].securityContext.capabilities).to.deep.equal({ drop: ["ALL"] });
        expect(pod.spec.securityContext.runAsNonRoot).to.equal(true);
        expect(JSON.stringify(pod.spec.affinity)).to.include('"operator":"NotIn","values":["true"]');
    });
});

describe("egress IP assigner", function () {
    const daemonSet = assignerDaemonSet({ egressIps: ["10.10.100.51", "10.10.100.52"], gatewayNodeLabel: { key: "egress-gateway", value: "true" } }) as any;
    const pod = daemonSet.spec.template.spec;
    const container = pod.containers[0];

    it("is hostNetwork with NET_ADMIN only, never privileged, one securityContext", function () {
        expect(pod.hostNetwork).to.equal(true);
        expect(container.securityContext).to.deep.include({ privileged: false, allowPrivilegeEscalation: false });
        expect(container.securityContext.capabilities).to.deep.equal({ drop: ["ALL"], add: ["NET_ADMIN"] });
        expect(Object.keys(container).filter((k) => k === "securityContext")).to.have.length(1);
    });

    it("stays running, checks readiness, and removes the IPs on preStop", function () {
        expect(container.command.slice(-1)).to.deep.equal(["run"]);
        expect(container.readinessProbe.exec.command.slice(-1)).to.deep.equal(["check"]);
        expect(container.lifecycle.preStop.exec.command.slice(-1)).to.deep.equal(["remove"]);
    });

    it("adds /32s (not the seed's /24), idempotently, and removes them on SIGTERM", function () {
        expect(ASSIGNER_SCRIPT).to.include('ip -4 addr add "$ip/32"');
        expect(ASSIGNER_SCRIPT).to.not.include("/24");
        expect(ASSIGNER_SCRIPT).to.include("if ! has \"$ip\"");
        expect(ASSIGNER_SCRIPT).to.match(/trap 'remove_all; exit 0' TERM INT/);
        expect(ASSIGNER_SCRIPT).to.match(/while :; do add_all;/);
    });
});

describe("CiliumEgressGatewayPolicy rules (DESIGN.md §3)", function () {
    it("accepts the lab's policy", function () {
        expect(egressPolicyProblems(VALID_POLICY, cidrProblem)).to.deep.equal([]);
    });

    const cases: [string, any, string][] = [
        ["a namespace on a cluster-scoped object", withSpec(() => undefined, { name: "p", namespace: "demo" }), "metadata.namespace is set; CiliumEgressGatewayPolicy is cluster-scoped"],
        ["the plural egressGateways (1.17+ only)", withSpec((s) => (s.egressGateways = [s.egressGateway])), "spec.egressGateways is not valid in every supported Cilium version (allowed: selectors, destinationCIDRs, excludedCIDRs, egressGateway)"],
        ["selectors[].nodeSelector (1.18+ only)", withSpec((s) => (s.selectors[0].nodeSelector = { matchLabels: { a: "b" } })), "spec.selectors[0].nodeSelector is not valid in every supported Cilium version (allowed: podSelector, namespaceSelector)"],
        ["a selector without namespace", withSpec((s) => delete s.selectors[0].podSelector.matchLabels["io.kubernetes.pod.namespace"]), "spec.selectors[0] selects pods in every namespace; add io.kubernetes.pod.namespace or a namespaceSelector"],
        ["both egressIP and interface", withSpec((s) => (s.egressGateway.interface = "eth0")), "spec.egressGateway must set exactly one of egressIP and interface"],
        ["no destination", withSpec((s) => (s.destinationCIDRs = [])), "spec.destinationCIDRs must list at least one CIDR"],
        ["a bad CIDR", withSpec((s) => (s.destinationCIDRs = ["10.20.0.0/33"])), 'CIDR "10.20.0.0/33" is not an IPv4 CIDR; expected a.b.c.d/n with n from 0 to 32, e.g. 10.10.0.0/16'],
        ["no nodeSelector", withSpec((s) => delete s.egressGateway.nodeSelector), "spec.egressGateway.nodeSelector is required"],
    ];
    for (const [what, policy, message] of cases) {
        it(`refuses ${what}`, function () {
            expect(egressPolicyProblems(policy, cidrProblem)).to.deep.equal([message]);
        });
    }

    it("refuses the seed's last example, valid in no version", function () {
        const seed = {
            apiVersion: "cilium.io/v2",
            kind: "CiliumEgressGatewayPolicy",
            metadata: { name: "example-egress-gateway-policy" },
            spec: { egressGateway: "kube-system/egress-gateway-node", endpointSelector: { matchLabels: { app: "frontend" } }, destinationCIDRs: ["0.0.0.0/0"] },
        };
        expect(egressPolicyProblems(seed, cidrProblem)).to.include.members([
            "spec.endpointSelector is not valid in every supported Cilium version (allowed: selectors, destinationCIDRs, excludedCIDRs, egressGateway)",
            "spec.selectors must list at least one selector",
            "spec.egressGateway is missing",
        ]);
    });
});

describe("Azure side of the egress IPs", function () {
    it("routes each egress IP as a /32 to the next hop, as a virtual appliance", function () {
        expect(egressRoutes(["10.10.100.51"], "10.10.8.250")).to.deep.equal([
            { name: "egress-10-10-100-51", addressPrefix: "10.10.100.51/32", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.10.8.250" },
        ]);
    });
});

describe("namespaces (lib/kube/namespace.ts)", function () {
    it("builds every namespace the lab creates from a name and a Pod Security level", function () {
        expect(namespaceManifest("demo", "restricted")).to.deep.equal({
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: "demo", labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" } },
        });
        expect(namespaceManifest("egress-gateway-system", "privileged").metadata).to.deep.equal({
            name: "egress-gateway-system",
            labels: { "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/enforce-version": "latest" },
        });
    });

    it("gives the receiver's namespace the restricted level", function () {
        expect(receiverManifests({ namespace: "demo", paths: ["internal"], policies: ["Local"] }).namespace).to.deep.equal(namespaceManifest("demo", "restricted"));
    });
});
