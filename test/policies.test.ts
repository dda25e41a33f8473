// The policy pack (policies/): every policy against passing and violating fake resources, the
// program's own registrations under mocks, and the SDK's real Analyze/Remediate handlers for what
// only they show (secrets unwrapped or kept, unknown values in preview, "remediate" reported as
// "mandatory"). No Pulumi CLI needed.
import { expect } from "chai";
import { createRequire } from "module";
import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { capturePod as checkCapturePodManifest } from "../lib/capture";
import { ciliumValues } from "../lib/cilium";
import { clientPod } from "../lib/clients";
import { assignerDaemonSet, egressGatewayPolicy, nextHopService } from "../lib/egress";
import { fqdnPolicy } from "../lib/fqdn";
import { receiverManifests } from "../lib/receiver";
import { networkToolSecurity, restrictedContainerSecurity } from "../lib/podSecurity";
import {
    aksByocniPolicy,
    captureBoundedPolicy,
    capturePrivilegesPolicy,
    ciliumNetworkPolicyPolicy,
    ciliumReleasePolicy,
    commandKubeconfigPolicy,
    EGRESS_LAB_POLICIES,
    egressGatewayPolicyPolicy,
    hostNetworkCapabilitiesPolicy,
    nodeBudgetPolicy,
    noPrivilegedPolicy,
    serviceTrafficPolicyPolicy,
} from "../policies/rules";
import { tcpdumpArgs } from "../check/tcpdump";
import { buildLab, FAKE_KUBECONFIG, Registration } from "./mocks";

// Load the SDK exactly as policies/ resolves it: after `npm ci` in policies/ it has its own copy,
// and Secret / UnknownValueError are only recognised by the copy that defined them.
const packRequire = createRequire(require.resolve("../policies/rules"));
const sdk: typeof import("@pulumi/policy") = packRequire("@pulumi/policy");
const sdkRequire = createRequire(packRequire.resolve("@pulumi/policy/server"));
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's internal modules ship no typings */
const server: any = sdkRequire("./server");
const analyzerProto: any = sdkRequire("@pulumi/pulumi/proto/analyzer_pb");
const { Struct }: any = createRequire(sdkRequire.resolve("@pulumi/pulumi/proto/analyzer_pb"))("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-explicit-any */

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // what the engine sends for an unknown value
const SIG = "4dabf18193072939515e22adb298388d"; // rpc.specialSigKey
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"; // rpc.specialSecretSig
const wireSecret = (value: unknown): Record<string, unknown> => ({ [SIG]: SECRET_SIG, value });

const MC = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CEGP = "kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy";
const POD = "kubernetes:core/v1:Pod";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";
const SERVICE = "kubernetes:core/v1:Service";
const COMMAND = "command:local:Command";
const SUBNET = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/lab-vnet-a/subnets/lab-a-nodes";

// ---- fake policy arguments ----

class NotApplicable extends Error {}

interface Outcome {
    readonly violations: string[];
    /** The reason the policy gave for not applying, if it did not. */
    readonly notApplicable?: string;
}

const OPTIONS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::egress-lab::${type}::${name}`;
}

function fakeArgs(type: string, name: string, props: Record<string, unknown>, config: object = {}): ResourceValidationArgs {
    return {
        type,
        name,
        props,
        urn: urnOf(type, name),
        opts: OPTIONS,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** Runs a resource policy's validations as the SDK would, collecting violations. */
async function validate(policy: ResourceValidationPolicy, type: string, name: string, props: Record<string, unknown>): Promise<Outcome> {
    const violations: string[] = [];
    const report: ReportViolation = (message) => void violations.push(message);
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    try {
        for (const validation of validations) {
            await validation(fakeArgs(type, name, props), report);
        }
    } catch (e) {
        if (e instanceof NotApplicable) {
            return { violations, notApplicable: e.message };
        }
        throw e;
    }
    return { violations };
}

/** Props as the SDK shows them in preview: reading an unknown value throws UnknownValueError. */
function preview(props: Record<string, unknown>): Record<string, unknown> {
    return sdk.unknownCheckingProxy(props);
}

function fakeResource(type: string, name: string, props: Record<string, unknown>, providerUrn?: string): PolicyResource {
    return {
        type,
        name,
        props,
        ...(providerUrn ? { provider: { type: "pulumi:providers:kubernetes", urn: providerUrn, name: providerUrn.split("::").pop() ?? "", props: {} } } : {}),
        urn: urnOf(type, name),
        opts: OPTIONS,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

interface StackViolation {
    readonly message: string;
    readonly urn?: string;
}

async function validateStack(policy: StackValidationPolicy, resources: PolicyResource[], config: object = {}): Promise<StackViolation[]> {
    const violations: StackViolation[] = [];
    await policy.validateStack(
        {
            resources,
            stackTags: new Map(),
            getConfig: <T extends object>() => config as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicable(reason);
            },
        },
        (message, urn) => void violations.push(urn === undefined ? { message } : { message, urn }),
    );
    return violations;
}

// ---- fixtures ----

function cluster(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        resourceName: "egress-lab-a",
        networkProfile: { networkPlugin: "none", serviceCidr: "10.110.0.0/16" },
        agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: SUBNET }],
        ...overrides,
    };
}

function pool(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { resourceName: "egress-lab-a", agentPoolName: "egressgw", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: SUBNET, ...overrides };
}

function release(overrides: Record<string, unknown> = {}, egressGateway = true): Record<string, unknown> {
    return {
        name: "cilium",
        chart: "cilium",
        version: "1.19.6",
        namespace: "kube-system",
        values: ciliumValues({ apiServerHost: "egress-lab-a-abcd.hcp.koreacentral.azmk8s.io", podCidr: "10.210.0.0/16", egressGateway }),
        ...overrides,
    };
}

const GATEWAY_LABEL = { key: "egress-gateway", value: "true" };

function egressPolicy(): Record<string, unknown> {
    return egressGatewayPolicy({
        mapping: { policyName: "egress-client1", selector: { key: "app", value: "client1" }, egressIp: "10.10.100.51" },
        namespace: "demo",
        gatewayNodeLabel: GATEWAY_LABEL,
        destinationCidrs: ["10.20.0.0/16"],
    });
}

function assigner(): Record<string, unknown> {
    return assignerDaemonSet({ egressIps: ["10.10.100.51"], gatewayNodeLabel: GATEWAY_LABEL });
}

/** The assigner manifest with its pod spec and first container changed. */
function assignerWith(podSpec: Record<string, unknown>, containerSecurity?: Record<string, unknown>, metadata?: Record<string, unknown>): Record<string, unknown> {
    const manifest = structuredClone(assigner()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
    Object.assign(manifest.spec.template.spec, podSpec);
    if (containerSecurity) {
        manifest.spec.template.spec.containers[0].securityContext = containerSecurity;
    }
    if (metadata) {
        Object.assign(manifest.metadata, metadata);
    }
    return manifest;
}

function capturePod(spec: Record<string, unknown> = {}, capabilities: string[] = ["NET_RAW"]): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "capture-node-0", namespace: "demo", labels: { "egress-lab/component": "capture" } },
        spec: {
            hostNetwork: true,
            activeDeadlineSeconds: 300,
            restartPolicy: "Never",
            containers: [{ name: "tcpdump", image: "docker.io/nicolaka/netshoot:v0.13", command: ["tcpdump", "-i", "any"], securityContext: networkToolSecurity(capabilities) }],
            ...spec,
        },
    };
}

/** The capture pod the check itself creates (lib/capture.ts), with the check's own tcpdump arguments. */
function checkCapturePod(seconds: number): Record<string, unknown> {
    const args = tcpdumpArgs({ destinations: [{ host: "10.20.0.100", port: 80 }], maxPackets: 100 });
    return checkCapturePodManifest({ name: "egl-x-cap-0", namespace: "egress-lab-capture", runId: "egl-x", node: "b-0", tcpdumpArgs: args, seconds });
}

function deployment(containers: Record<string, unknown>[], initContainers: Record<string, unknown>[] = []): Record<string, unknown> {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "demo" },
        spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { initContainers, containers } } },
    };
}

function service(spec: Record<string, unknown>): Record<string, unknown> {
    return { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "demo" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }], ...spec } };
}

const CHECK_SCRIPT = 'kubectl --kubeconfig <(printf %s "$KUBECONFIG_A") -n demo get pods -o wide';
/** What `az aks get-credentials --file -` prints: kind comes after clusters. */
const AKS_KUBECONFIG = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://a.hcp.azmk8s.io:443\n  name: a\nkind: Config\nusers:\n- name: u\n  user:\n    token: t\n";

describe("policy pack (policies/)", function () {
    it("lists eleven uniquely named policies; all but the budget and the kubeconfig remediation are mandatory", function () {
        const levels = Object.fromEntries(EGRESS_LAB_POLICIES.map((p) => [p.name, p.enforcementLevel]));
        expect(levels).to.deep.equal({
            "aks-byocni-custom-subnet": "mandatory",
            "cilium-release-pinned-and-valid": "mandatory",
            "cilium-egress-gateway-policy-valid": "mandatory",
            "cilium-network-policy-valid": "mandatory",
            "no-privileged-containers": "mandatory",
            "host-network-and-capabilities": "mandatory",
            "capture-pods-bounded": "mandatory",
            "capture-pods-privileges": "mandatory",
            "service-external-traffic-policy": "mandatory",
            "command-kubeconfig-secret": "remediate",
            "node-hourly-budget": "advisory",
        });
        expect(EGRESS_LAB_POLICIES).to.have.length(11);
    });

    describe("aks-byocni-custom-subnet", function () {
        it("passes a BYOCNI cluster whose pools have subnets, and a pool with a subnet", async function () {
            expect(await validate(aksByocniPolicy, MC, "cluster-a", cluster())).to.deep.equal({ violations: [] });
            expect(await validate(aksByocniPolicy, POOL, "cluster-a-egressgw", pool())).to.deep.equal({ violations: [] });
        });

        it("passes in preview when the subnet is created by the same stack (unknown)", async function () {
            const props = cluster({ agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: UNKNOWN_STRING }] });
            expect(await validate(aksByocniPolicy, MC, "cluster-a", preview(props))).to.deep.equal({ violations: [] });
            expect(await validate(aksByocniPolicy, POOL, "cluster-a-egressgw", preview(pool({ vnetSubnetID: UNKNOWN_STRING })))).to.deep.equal({ violations: [] });
        });

        it("refuses another network plugin and a pool without a subnet", async function () {
            const props = cluster({
                networkProfile: { networkPlugin: "azure" },
                agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: SUBNET }, { name: "user", count: 1, vmSize: "Standard_D2s_v5" }],
            });
            expect((await validate(aksByocniPolicy, MC, "cluster-a", props)).violations).to.deep.equal([
                'azure-native:containerservice:ManagedCluster "cluster-a": networkProfile.networkPlugin is "azure"; must be "none" (BYOCNI: Cilium is the CNI)',
                'azure-native:containerservice:ManagedCluster "cluster-a": agentPoolProfiles[1] ("user").vnetSubnetID is not set; every node pool must use the lab\'s own subnet',
            ]);
        });

        it("refuses a cluster without networkProfile or pools, and an AgentPool without a subnet", async function () {
            expect((await validate(aksByocniPolicy, MC, "cluster-b", { resourceName: "b" })).violations).to.deep.equal([
                'azure-native:containerservice:ManagedCluster "cluster-b": networkProfile.networkPlugin is not set; must be "none" (BYOCNI: Cilium is the CNI)',
                'azure-native:containerservice:ManagedCluster "cluster-b": agentPoolProfiles lists no node pool; AKS needs a system pool on the lab\'s own subnet',
            ]);
            expect((await validate(aksByocniPolicy, POOL, "cluster-a-egressgw", pool({ vnetSubnetID: "" }))).violations).to.deep.equal([
                'azure-native:containerservice:AgentPool "cluster-a-egressgw": vnetSubnetID is ""; every node pool must use the lab\'s own subnet',
            ]);
        });

        it("does not apply to other resources", async function () {
            expect(await validate(aksByocniPolicy, POD, "p", {})).to.have.property("notApplicable").that.matches(/ManagedCluster/);
        });
    });

    describe("cilium-release-pinned-and-valid", function () {
        it("passes the program's own values for A (egress gateway on) and B (off)", async function () {
            expect(await validate(ciliumReleasePolicy, RELEASE, "cilium-a", release())).to.deep.equal({ violations: [] });
            expect(await validate(ciliumReleasePolicy, RELEASE, "cilium-b", release({}, false))).to.deep.equal({ violations: [] });
            expect(await validate(ciliumReleasePolicy, RELEASE, "cilium-a", release({ chart: "cilium/cilium", version: "1.16.4" }))).to.deep.equal({ violations: [] });
        });

        it('refuses an unpinned version, "strict", a string port and removed values', async function () {
            const values = { ...(release().values as Record<string, unknown>), kubeProxyReplacement: "strict", k8sServicePort: "443", tunnel: "vxlan", egressGateway: { enabled: true, installRoutes: true } };
            expect((await validate(ciliumReleasePolicy, RELEASE, "cilium-a", release({ version: "1.19", values }))).violations).to.deep.equal([
                'kubernetes:helm.sh/v3:Release "cilium-a": version "1.19" is not a Cilium release; expected <major>.<minor>.<patch>, e.g. 1.19.6',
                'kubernetes:helm.sh/v3:Release "cilium-a": values.kubeProxyReplacement is "strict"; must be true (the boolean true, not "strict")',
                'kubernetes:helm.sh/v3:Release "cilium-a": values.k8sServicePort is "443"; must be 443 (a number: the chart schema rejects strings)',
                'kubernetes:helm.sh/v3:Release "cilium-a": values.egressGateway.installRoutes is set, but Cilium 1.16+ removed it',
                'kubernetes:helm.sh/v3:Release "cilium-a": values.tunnel is set, but Cilium 1.16+ removed it',
            ]);
        });

        it("refuses a missing version, values kept in files, and missing values", async function () {
            const props = release({ version: undefined, valueYamlFiles: [{ path: "values.yaml" }], values: undefined });
            expect((await validate(ciliumReleasePolicy, RELEASE, "cilium-b", props)).violations).to.deep.equal([
                'kubernetes:helm.sh/v3:Release "cilium-b": version is not set; pin the exact chart version (x.y.z), e.g. 1.19.6',
                'kubernetes:helm.sh/v3:Release "cilium-b": valueYamlFiles is set; put the values inline (values) so this policy can check them',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.kubeProxyReplacement is undefined; must be true (the boolean true, not "strict")',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.bpf.masquerade is undefined; must be true (the egress gateway needs BPF masquerading)',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.aksbyocni.enabled is undefined; must be true (AKS BYOCNI)',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.k8sServicePort is undefined; must be 443 (a number: the chart schema rejects strings)',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.k8sServiceHost is not set; kube-proxy replacement needs the API server host',
            ]);
        });

        it("does not apply to other charts", async function () {
            expect(await validate(ciliumReleasePolicy, RELEASE, "nginx", { chart: "ingress-nginx" })).to.deep.equal({ violations: [], notApplicable: "applies only to the cilium chart" });
        });
    });

    describe("cilium-network-policy-valid", function () {
        const CNP = "kubernetes:cilium.io/v2:CiliumNetworkPolicy";
        const allowList = (): Record<string, unknown> =>
            JSON.parse(JSON.stringify(fqdnPolicy({ name: "fqdn-allow-list", namespace: "demo", client: { key: "app", value: "fqdn-client" }, allowed: ["google.com"] })));

        it("passes the program's own allow-list", async function () {
            expect(await validate(ciliumNetworkPolicyPolicy, CNP, "fqdn-policy", allowList())).to.deep.equal({ violations: [] });
        });

        it("refuses an allow-list without its DNS rule, or one that selects every pod", async function () {
            const props = allowList() as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            props.spec.egress.shift();
            props.spec.endpointSelector = { matchLabels: {} };
            expect((await validate(ciliumNetworkPolicyPolicy, CNP, "fqdn-policy", props)).violations).to.deep.equal([
                `${CNP} "fqdn-policy": spec.endpointSelector is empty: it selects every pod in the namespace and default-denies their egress; select the domain client's label`,
                `${CNP} "fqdn-policy": spec.egress has toFQDNs but no DNS rule (toPorts with port 53 and rules.dns): Cilium's DNS proxy never sees the answers, so toFQDNs never matches`,
            ]);
        });

        it("leaves other kinds alone", async function () {
            expect(await validate(ciliumNetworkPolicyPolicy, "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy", "x", {})).to.have.property("notApplicable");
        });
    });

    describe("cilium-egress-gateway-policy-valid", function () {
        it("passes the program's own policy", async function () {
            expect(await validate(egressGatewayPolicyPolicy, CEGP, "egress-client1", egressPolicy())).to.deep.equal({ violations: [] });
        });

        it("refuses a namespaced policy with an unscoped selector, a bad CIDR and both egressIP and interface", async function () {
            const props = egressPolicy() as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            props.metadata.namespace = "demo";
            props.spec.selectors = [{ podSelector: { matchLabels: { app: "client1" } } }];
            props.spec.destinationCIDRs = ["10.20.0.1/16"];
            props.spec.egressGateway.interface = "eth0";
            expect((await validate(egressGatewayPolicyPolicy, CEGP, "egress-client1", props)).violations).to.deep.equal([
                'kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy "egress-client1": metadata.namespace is set; CiliumEgressGatewayPolicy is cluster-scoped',
                'kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy "egress-client1": spec.selectors[0] selects pods in every namespace; add io.kubernetes.pod.namespace or a namespaceSelector',
                'kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy "egress-client1": CIDR "10.20.0.1/16" has host bits set; did you mean 10.20.0.0/16?',
                'kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy "egress-client1": spec.egressGateway must set exactly one of egressIP and interface',
            ]);
        });

        it("checks other API versions too, and refuses a missing spec", async function () {
            const props = { apiVersion: "cilium.io/v2alpha1", kind: "CiliumEgressGatewayPolicy", metadata: { name: "old" } };
            expect((await validate(egressGatewayPolicyPolicy, "kubernetes:cilium.io/v2alpha1:CiliumEgressGatewayPolicy", "old", props)).violations).to.deep.equal([
                'kubernetes:cilium.io/v2alpha1:CiliumEgressGatewayPolicy "old": apiVersion is "cilium.io/v2alpha1"; must be "cilium.io/v2"',
                'kubernetes:cilium.io/v2alpha1:CiliumEgressGatewayPolicy "old": spec is missing',
            ]);
        });
    });

    describe("no-privileged-containers", function () {
        it("passes the assigner, the receiver and a client pod", async function () {
            const receiver = receiverManifests({ namespace: "demo", paths: ["internal"], policies: ["Local"] });
            expect(await validate(noPrivilegedPolicy, DAEMON_SET, "egress-assigner", assigner())).to.deep.equal({ violations: [] });
            expect(await validate(noPrivilegedPolicy, DEPLOYMENT, "receiver", receiver.deployment)).to.deep.equal({ violations: [] });
            const client = clientPod({ client: { name: "curl1", label: { key: "app", value: "client1" } }, namespace: "demo" });
            expect(await validate(noPrivilegedPolicy, POD, "clients-curl1", client)).to.deep.equal({ violations: [] });
        });

        it("refuses privileged containers and init containers, in every workload kind", async function () {
            const props = deployment([{ name: "app", image: "nginx" }, { name: "sidecar", image: "busybox", securityContext: { privileged: true } }], [{ name: "setup", image: "busybox", securityContext: { privileged: true } }]);
            expect((await validate(noPrivilegedPolicy, DEPLOYMENT, "web", props)).violations).to.deep.equal([
                'kubernetes:apps/v1:Deployment "web": spec.template.spec.initContainers[0].securityContext.privileged is true (container "setup"); privileged containers are not allowed',
                'kubernetes:apps/v1:Deployment "web": spec.template.spec.containers[1].securityContext.privileged is true (container "sidecar"); privileged containers are not allowed',
            ]);
            const cronJob = { spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", securityContext: { privileged: true } }] } } } } } };
            expect((await validate(noPrivilegedPolicy, "kubernetes:batch/v1:CronJob", "tick", cronJob)).violations).to.deep.equal([
                'kubernetes:batch/v1:CronJob "tick": spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged is true (container "c"); privileged containers are not allowed',
            ]);
            const pod = capturePod({}, ["NET_ADMIN"]) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            pod.spec.containers[0].securityContext.privileged = true;
            expect((await validate(noPrivilegedPolicy, POD, "capture-0", pod)).violations).to.deep.equal([
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.privileged is true (container "tcpdump"); privileged containers are not allowed',
            ]);
        });

        it("does not apply to Services", async function () {
            expect(await validate(noPrivilegedPolicy, SERVICE, "s", {})).to.have.property("notApplicable");
        });
    });

    describe("host-network-and-capabilities", function () {
        it("lets the assigner use the host network with NET_ADMIN, and capture pods with NET_RAW", async function () {
            expect(await validate(hostNetworkCapabilitiesPolicy, DAEMON_SET, "egress-assigner", assigner())).to.deep.equal({ violations: [] });
            expect(await validate(hostNetworkCapabilitiesPolicy, POD, "capture-0", capturePod())).to.deep.equal({ violations: [] });
            const spelled = assignerWith({}, networkToolSecurity(["cap_net_admin"]));
            expect(await validate(hostNetworkCapabilitiesPolicy, DAEMON_SET, "egress-assigner", spelled)).to.deep.equal({ violations: [] });
        });

        it("passes restricted workloads that add nothing", async function () {
            const props = deployment([{ name: "app", image: "nginx", securityContext: restrictedContainerSecurity() }]);
            expect(await validate(hostNetworkCapabilitiesPolicy, DEPLOYMENT, "web", props)).to.deep.equal({ violations: [] });
        });

        it("holds the assigner and capture pods to their own capabilities", async function () {
            const props = assignerWith({}, networkToolSecurity(["NET_ADMIN", "NET_RAW"]));
            expect((await validate(hostNetworkCapabilitiesPolicy, DAEMON_SET, "egress-assigner", props)).violations).to.deep.equal([
                'kubernetes:apps/v1:DaemonSet "egress-assigner": spec.template.spec.containers[0].securityContext.capabilities.add has "NET_RAW" (container "assigner"); the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) may add only NET_ADMIN',
            ]);
            expect((await validate(hostNetworkCapabilitiesPolicy, POD, "capture-0", capturePod({}, ["NET_RAW", "NET_ADMIN", "SETGID"]))).violations).to.deep.equal([
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.capabilities.add has "NET_ADMIN" (container "tcpdump"); capture pods (Pods labelled egress-lab/component=capture) may add only NET_RAW',
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.capabilities.add has "SETGID" (container "tcpdump"); capture pods (Pods labelled egress-lab/component=capture) may add only NET_RAW',
            ]);
        });

        it("refuses the host network and any capability everywhere else, even an assigner look-alike", async function () {
            const elsewhere = assignerWith({}, undefined, { namespace: "default" });
            expect((await validate(hostNetworkCapabilitiesPolicy, DAEMON_SET, "fake-assigner", elsewhere)).violations).to.deep.equal([
                'kubernetes:apps/v1:DaemonSet "fake-assigner": spec.template.spec.hostNetwork is true; only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) and capture pods (Pods labelled egress-lab/component=capture) may use the host network',
                'kubernetes:apps/v1:DaemonSet "fake-assigner": spec.template.spec.containers[0].securityContext.capabilities.add has "NET_ADMIN" (container "assigner"); only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) and capture pods (Pods labelled egress-lab/component=capture) may add capabilities',
            ]);
            const props = deployment([{ name: "app", securityContext: { capabilities: { add: ["ALL"] } } }], [{ name: "init", securityContext: { capabilities: { add: ["SYS_ADMIN"] } } }]);
            expect((await validate(hostNetworkCapabilitiesPolicy, DEPLOYMENT, "web", props)).violations).to.deep.equal([
                'kubernetes:apps/v1:Deployment "web": spec.template.spec.initContainers[0].securityContext.capabilities.add has "SYS_ADMIN" (container "init"); only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) and capture pods (Pods labelled egress-lab/component=capture) may add capabilities',
                'kubernetes:apps/v1:Deployment "web": spec.template.spec.containers[0].securityContext.capabilities.add has "ALL" (container "app"); only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) and capture pods (Pods labelled egress-lab/component=capture) may add capabilities',
            ]);
            const unlabelled = capturePod({}, []) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            unlabelled.metadata.labels = { app: "debug" };
            expect((await validate(hostNetworkCapabilitiesPolicy, POD, "debug", unlabelled)).violations).to.deep.equal([
                'kubernetes:core/v1:Pod "debug": spec.hostNetwork is true; only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) and capture pods (Pods labelled egress-lab/component=capture) may use the host network',
            ]);
        });
    });

    describe("capture-pods-bounded", function () {
        it("passes capture pods that end within 1800 seconds, the check's own included", async function () {
            expect(await validate(captureBoundedPolicy, POD, "capture-0", capturePod())).to.deep.equal({ violations: [] });
            expect(await validate(captureBoundedPolicy, POD, "capture-0", capturePod({ activeDeadlineSeconds: 1800 }))).to.deep.equal({ violations: [] });
            expect(await validate(captureBoundedPolicy, POD, "capture-0", checkCapturePod(99999))).to.deep.equal({ violations: [] });
        });

        it("refuses a capture pod without a deadline, or with 0, 1801 or 1.5 seconds", async function () {
            const outcomes = await Promise.all([undefined, 0, 1801, 1.5].map((d) => validate(captureBoundedPolicy, POD, "capture-0", capturePod({ activeDeadlineSeconds: d }))));
            expect(outcomes.map((o) => o.violations)).to.deep.equal([
                ['kubernetes:core/v1:Pod "capture-0": spec.activeDeadlineSeconds is not set; a capture pod must end within 1800 seconds (a whole number from 1 to 1800)'],
                ['kubernetes:core/v1:Pod "capture-0": spec.activeDeadlineSeconds is 0; a capture pod must end within 1800 seconds (a whole number from 1 to 1800)'],
                ['kubernetes:core/v1:Pod "capture-0": spec.activeDeadlineSeconds is 1801; a capture pod must end within 1800 seconds (a whole number from 1 to 1800)'],
                ['kubernetes:core/v1:Pod "capture-0": spec.activeDeadlineSeconds is 1.5; a capture pod must end within 1800 seconds (a whole number from 1 to 1800)'],
            ]);
        });

        it("does not apply to other pods", async function () {
            const client = clientPod({ client: { name: "curl1", label: { key: "app", value: "client1" } }, namespace: "demo" });
            expect(await validate(captureBoundedPolicy, POD, "clients-curl1", client)).to.deep.equal({
                violations: [],
                notApplicable: "applies only to Pods labelled egress-lab/component=capture",
            });
        });
    });

    describe("capture-pods-privileges", function () {
        it("passes the check's own capture pod: NET_RAW only, no escalation, tcpdump without -Z", async function () {
            expect(await validate(capturePrivilegesPolicy, POD, "capture-0", checkCapturePod(600))).to.deep.equal({ violations: [] });
        });

        it("refuses a capture pod that would switch user, or lacks what tcpdump needs", async function () {
            const pod = capturePod({}, []) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            pod.spec.containers[0].command = ["timeout", "60", "tcpdump", "-i", "any", "-Z", "root"];
            pod.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
            delete pod.spec.containers[0].securityContext.capabilities.drop;
            expect((await validate(capturePrivilegesPolicy, POD, "capture-0", pod)).violations).to.deep.equal([
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.capabilities.add lacks NET_RAW (container "tcpdump"); tcpdump cannot open its socket without it',
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.capabilities.drop is not set (container "tcpdump"); a capture pod drops ALL and adds back only NET_RAW',
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.allowPrivilegeEscalation is true (container "tcpdump"); it must be false',
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0] passes "-Z" to tcpdump (container "tcpdump"); switching user calls initgroups(), which needs CAP_SETGID, so tcpdump would exit before capturing',
            ]);
            for (const flag of ["-nnZ", "--relinquish-privileges=tcpdump"]) {
                const args = capturePod({}) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
                args.spec.containers[0].args = [flag];
                expect((await validate(capturePrivilegesPolicy, POD, "capture-0", args)).violations, flag).to.have.length(1);
            }
        });

        it("does not apply to other pods", async function () {
            expect(await validate(capturePrivilegesPolicy, POD, "x", { metadata: { labels: {} }, spec: {} })).to.have.property("notApplicable");
        });
    });

    describe("service-external-traffic-policy", function () {
        it("passes the receiver's and the next hop's LoadBalancer Services", async function () {
            for (const { manifest } of receiverManifests({ namespace: "demo", paths: ["internal", "public"], policies: ["Cluster", "Local"] }).services) {
                expect(await validate(serviceTrafficPolicyPolicy, SERVICE, "receiver", manifest)).to.deep.equal({ violations: [] });
            }
            const nextHop = nextHopService({ frontendIp: "10.10.8.250", subnetName: "lab-a-gateway" });
            expect(await validate(serviceTrafficPolicyPolicy, SERVICE, "egress-next-hop", nextHop)).to.deep.equal({ violations: [] });
        });

        it("refuses a LoadBalancer without externalTrafficPolicy and a NodePort with a misspelt one", async function () {
            expect((await validate(serviceTrafficPolicyPolicy, SERVICE, "web-lb", service({ type: "LoadBalancer" }))).violations).to.deep.equal([
                'kubernetes:core/v1:Service "web-lb": spec.externalTrafficPolicy is not set; a LoadBalancer Service must set it to "Cluster" or "Local"',
            ]);
            expect((await validate(serviceTrafficPolicyPolicy, SERVICE, "web-np", service({ type: "NodePort", externalTrafficPolicy: "local" }))).violations).to.deep.equal([
                'kubernetes:core/v1:Service "web-np": spec.externalTrafficPolicy is "local"; a NodePort Service must set it to "Cluster" or "Local"',
            ]);
        });

        it("does not apply to ClusterIP Services", async function () {
            expect(await validate(serviceTrafficPolicyPolicy, SERVICE, "web", service({}))).to.deep.equal({
                violations: [],
                notApplicable: "applies only to LoadBalancer and NodePort Services",
            });
        });
    });

    describe("command-kubeconfig-secret", function () {
        const remediate = (props: Record<string, unknown>): unknown => commandKubeconfigPolicy.remediateResource!(fakeArgs(COMMAND, "check", props));

        it("passes a command that reads its kubeconfig from the environment", async function () {
            const props = { create: CHECK_SCRIPT, update: CHECK_SCRIPT, environment: { KUBECONFIG_A: FAKE_KUBECONFIG } };
            expect(await validate(commandKubeconfigPolicy, COMMAND, "check", props)).to.deep.equal({ violations: [] });
        });

        it("refuses a kubeconfig written into create or update", async function () {
            const props = { create: `cat > /tmp/kc <<EOF\n${FAKE_KUBECONFIG}EOF\nkubectl get pods`, update: "echo 'client-key-data: LS0t' > /tmp/kc", delete: `echo '${AKS_KUBECONFIG}' > /tmp/kc` };
            expect((await validate(commandKubeconfigPolicy, COMMAND, "check", props)).violations).to.deep.equal([
                'command:local:Command "check": create contains an inline kubeconfig ("apiVersion: v1\\nkind: Config"); pass it as a secret on stdin or in a KUBECONFIG environment variable instead',
                'command:local:Command "check": update contains an inline kubeconfig ("client-key-data"); pass it as a secret on stdin or in a KUBECONFIG environment variable instead',
                'command:local:Command "check": delete contains an inline kubeconfig ("kind: Config"); pass it as a secret on stdin or in a KUBECONFIG environment variable instead',
            ]);
        });

        it("remediation makes a plain KUBECONFIG* value secret and leaves other variables alone", function () {
            const result = remediate({ create: CHECK_SCRIPT, environment: { KUBECONFIG_A: FAKE_KUBECONFIG, kubeconfigB: "x", NAMESPACE: "demo" } }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- remediated props
            expect(result.create).to.equal(CHECK_SCRIPT);
            expect(result.environment.NAMESPACE).to.equal("demo");
            for (const key of ["KUBECONFIG_A", "kubeconfigB"]) {
                expect(result.environment[key]).to.be.instanceOf(sdk.Secret);
            }
            expect(result.environment.KUBECONFIG_A.value).to.equal(FAKE_KUBECONFIG);
        });

        it("remediation makes a plain stdin carrying kubeconfigs (as the check takes them) secret", function () {
            const stdin = JSON.stringify({ kubeconfigA: FAKE_KUBECONFIG, kubeconfigB: FAKE_KUBECONFIG, checkPlan: {} });
            const result = remediate({ create: CHECK_SCRIPT, stdin }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- remediated props
            expect(result.stdin).to.be.instanceOf(sdk.Secret);
            expect(result.stdin.value).to.equal(stdin);
            expect(remediate({ create: CHECK_SCRIPT, stdin: new sdk.Secret(stdin) })).to.equal(undefined);
            expect(remediate({ create: CHECK_SCRIPT, stdin: wireSecret(stdin) })).to.equal(undefined);
            expect(remediate({ create: CHECK_SCRIPT, stdin: '{"checkPlan": {}}' })).to.equal(undefined);
        });

        it("remediation leaves secrets alone: per variable, the whole environment, or in wire form", function () {
            expect(remediate({ environment: { KUBECONFIG: new sdk.Secret(FAKE_KUBECONFIG), NAMESPACE: "demo" } })).to.equal(undefined);
            expect(remediate({ environment: new sdk.Secret({ KUBECONFIG: FAKE_KUBECONFIG }) })).to.equal(undefined);
            expect(remediate({ environment: { KUBECONFIG: wireSecret(FAKE_KUBECONFIG) } })).to.equal(undefined);
            expect(remediate({ create: "true" })).to.equal(undefined);
        });
    });

    describe("node-hourly-budget (advisory)", function () {
        const resources = (): PolicyResource[] => [
            fakeResource(MC, "cluster-a", cluster()),
            fakeResource(POOL, "cluster-a-egressgw", pool()),
            fakeResource(MC, "cluster-b", cluster({ resourceName: "egress-lab-b", agentPoolProfiles: [{ name: "system", count: 2, vmSize: "Standard_D2s_v5", vnetSubnetID: SUBNET }] })),
        ];

        it("passes a small lab's nodes, disks and outbound load balancers ($0.66/h) under the default $2.00/h budget", async function () {
            expect(await validateStack(nodeBudgetPolicy, resources())).to.deep.equal([]);
            expect(nodeBudgetPolicy.configSchema?.properties.hourlyBudgetUsd).to.include({ type: "number", default: 2.0 });
        });

        it("reports the estimate and every pool when over the configured budget", async function () {
            expect(await validateStack(nodeBudgetPolicy, resources(), { hourlyBudgetUsd: 0.4 })).to.deep.equal([
                {
                    message:
                        "estimated cost $0.66/h is over the hourly budget $0.40/h (hourlyBudgetUsd): " +
                        'azure-native:containerservice:AgentPool "cluster-a-egressgw" 1 × Standard_D2s_v5 = $0.12/h; ' +
                        'azure-native:containerservice:ManagedCluster "cluster-a" agentPoolProfiles[0] ("system") 1 × Standard_D2s_v5 = $0.12/h; ' +
                        'azure-native:containerservice:ManagedCluster "cluster-b" agentPoolProfiles[0] ("system") 2 × Standard_D2s_v5 = $0.24/h; ' +
                        "outbound load balancers (one per cluster): 2 × Standard load balancer = $0.05/h; " +
                        "public IPs (2 outbound, 0 public Service(s)): 2 × Standard public IP = $0.01/h; " +
                        "OS disks (one per managed-disk node): 4 × managed OS disk = $0.12/h",
                },
            ]);
        });

        it("counts a pool once when the cluster's outputs list it too, and autoscaling pools at maxCount", async function () {
            const listed = cluster({
                agentPoolProfiles: [
                    { name: "system", count: 1, vmSize: "Standard_D2s_v5" },
                    { name: "egressgw", count: 1, vmSize: "Standard_D2s_v5" },
                ],
            });
            // An ephemeral OS disk lives on the VM's own storage: the burst pool adds no managed disks.
            const scaling = pool({ agentPoolName: "burst", enableAutoScaling: true, count: 1, maxCount: 5, vmSize: "Standard_D4s_v5", osDiskType: "Ephemeral" });
            const violations = await validateStack(nodeBudgetPolicy, [fakeResource(MC, "cluster-a", listed), fakeResource(POOL, "cluster-a-egressgw", pool()), fakeResource(POOL, "cluster-a-burst", scaling)], { hourlyBudgetUsd: 0 });
            expect(violations).to.deep.equal([
                {
                    message:
                        "estimated cost $1.53/h is over the hourly budget $0.00/h (hourlyBudgetUsd): " +
                        'azure-native:containerservice:AgentPool "cluster-a-egressgw" 1 × Standard_D2s_v5 = $0.12/h; ' +
                        'azure-native:containerservice:AgentPool "cluster-a-burst" 5 × Standard_D4s_v5 = $1.20/h; ' +
                        'azure-native:containerservice:ManagedCluster "cluster-a" agentPoolProfiles[0] ("system") 1 × Standard_D2s_v5 = $0.12/h; ' +
                        "outbound load balancers (one per cluster): 1 × Standard load balancer = $0.03/h; " +
                        "public IPs (1 outbound, 0 public Service(s)): 1 × Standard public IP = $0.01/h; " +
                        "OS disks (one per managed-disk node): 2 × managed OS disk = $0.06/h",
                },
            ]);
        });

        it('reports sizes it cannot price, on the resource, and leaves them out of the estimate', async function () {
            const props = pool({ vmSize: "Standard_NC24ads_A100_v4" });
            const odd = cluster({ agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Basic_A1" }] });
            expect(await validateStack(nodeBudgetPolicy, [fakeResource(POOL, "cluster-a-gpu", props), fakeResource(MC, "cluster-a", odd)])).to.deep.equal([
                {
                    message: 'azure-native:containerservice:AgentPool "cluster-a-gpu": cannot price: vmSize "Standard_NC24ads_A100_v4" has no price in HOURLY_USD (lib/vmSizes.ts); the estimate leaves this pool out',
                    urn: urnOf(POOL, "cluster-a-gpu"),
                },
                {
                    message:
                        'azure-native:containerservice:ManagedCluster "cluster-a" agentPoolProfiles[0] ("system"): cannot price: vmSize "Basic_A1" is not an Azure VM size name; ' +
                        "expected the form Standard_<size>, e.g. Standard_D2s_v5; the estimate leaves this pool out",
                    urn: urnOf(MC, "cluster-a"),
                },
            ]);
        });
    });

    describe("the program's own resources under mocks", function () {
        let registrations: Registration[];

        before(async function () {
            ({
                recorder: { registrations },
            } = await buildLab());
        });

        it("pass every resource policy", async function () {
            const resourcePolicies = EGRESS_LAB_POLICIES.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
            const applied = new Set<string>();
            for (const r of registrations) {
                for (const policy of resourcePolicies) {
                    const outcome = await validate(policy, r.type, r.name, r.inputs);
                    expect(outcome.violations, `${policy.name} on ${r.type} ${r.name}`).to.deep.equal([]);
                    if (!outcome.notApplicable) {
                        applied.add(policy.name);
                    }
                }
            }
            // Everything the program registers today is covered; capture pods and commands come later.
            expect([...applied].sort()).to.deep.equal([
                "aks-byocni-custom-subnet",
                "cilium-egress-gateway-policy-valid",
                "cilium-network-policy-valid",
                "cilium-release-pinned-and-valid",
                "host-network-and-capabilities",
                "no-privileged-containers",
                "service-external-traffic-policy",
                ...(registrations.some((r) => r.type.startsWith("command:")) ? ["command-kubeconfig-secret"] : []),
                ...(registrations.some((r) => r.type === POD && r.inputs.metadata?.labels?.["egress-lab/component"] === "capture") ? ["capture-pods-bounded", "capture-pods-privileges"] : []),
            ].sort());
        });

        it("stay within the default budget, counting four load balancers, four public IPs and five OS disks", async function () {
            const providerUrn = (ref: string): string | undefined => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);
            const resources = registrations.map((r) => fakeResource(r.type, r.name, r.inputs, providerUrn(r.provider)));
            expect(await validateStack(nodeBudgetPolicy, resources)).to.deep.equal([]);
            const over = await validateStack(nodeBudgetPolicy, resources, { hourlyBudgetUsd: 0.1 });
            expect(over).to.have.length(1);
            expect(over[0].message).to.match(/^estimated cost \$1\.35\/h is over the hourly budget \$0\.10\/h/);
            expect(over[0].message).to.include(
                "outbound load balancers (one per cluster): 2 × Standard load balancer = $0.05/h; " +
                    "internal load balancers (one per cluster with internal Services): 2 × Standard load balancer = $0.05/h; " +
                    "public IPs (2 outbound, 2 public Service(s)): 4 × Standard public IP = $0.02/h; " +
                    "OS disks (one per managed-disk node): 5 × managed OS disk = $0.15/h",
            );
        });
    });

    describe("through the SDK's own Analyze and Remediate handlers", function () {
        const PACK = ["egress-lab", "0.1.0", "advisory", EGRESS_LAB_POLICIES] as const;

        function request(type: string, name: string, wire: Record<string, unknown>): unknown {
            const req = new analyzerProto.AnalyzeRequest();
            req.setType(type);
            req.setName(name);
            req.setUrn(urnOf(type, name));
            req.setProperties(Struct.fromJavaScript(wire));
            req.setOptions(new analyzerProto.AnalyzerResourceOptions());
            return req;
        }

        function call(handler: (call: unknown, callback: (err: unknown, resp: any) => void) => void, req: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- protobuf responses
            return new Promise((resolve, reject) => handler({ request: req }, (err, resp) => (err ? reject(err) : resolve(resp))));
        }

        async function analyze(type: string, name: string, wire: Record<string, unknown>): Promise<{ policy: string; level: string; message: string }[]> {
            const resp = await call(server.makeAnalyzeRpcFun(...PACK), request(type, name, wire));
            const levels: Record<number, string> = Object.fromEntries(Object.entries(analyzerProto.EnforcementLevel).map(([k, v]) => [v, k]));
            return resp.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: levels[d.getEnforcementlevel()], message: d.getMessage() })); // eslint-disable-line @typescript-eslint/no-explicit-any
        }

        async function remediate(type: string, name: string, wire: Record<string, unknown>): Promise<Record<string, unknown>[]> {
            const resp = await call(server.makeRemediateRpcFun(...PACK), request(type, name, wire));
            return resp.getRemediationsList().map((r: any) => r.getProperties().toJavaScript()); // eslint-disable-line @typescript-eslint/no-explicit-any
        }

        it("hands validations secrets unwrapped, so they cannot see secretness; remediation sees it", async function () {
            const wire = { create: CHECK_SCRIPT, environment: { KUBECONFIG_A: wireSecret(FAKE_KUBECONFIG) } };
            expect(await analyze(COMMAND, "check", wire)).to.deep.equal([]);
            expect(await remediate(COMMAND, "check", wire)).to.deep.equal([]);

            // What a validation gets for that secret: the plain string, nothing marking it.
            let seen: unknown;
            const probe: ResourceValidationPolicy = { name: "probe", description: "probe", enforcementLevel: "mandatory", validateResource: (args) => void (seen = args.props.environment.KUBECONFIG_A) };
            await call(server.makeAnalyzeRpcFun("probe", "0.0.0", "advisory", [probe]), request(COMMAND, "check", wire));
            expect(seen).to.equal(FAKE_KUBECONFIG);
        });

        it("turns a plain kubeconfig into a secret, and reports an inline one as mandatory", async function () {
            const wire = { create: "echo 'client-key-data: LS0t' > /tmp/kc", environment: { KUBECONFIG_A: FAKE_KUBECONFIG } };
            expect(await analyze(COMMAND, "check", wire)).to.deep.equal([
                {
                    policy: "command-kubeconfig-secret",
                    level: "MANDATORY",
                    message:
                        `${commandKubeconfigPolicy.description}\n` +
                        'command:local:Command "check": create contains an inline kubeconfig ("client-key-data"); pass it as a secret on stdin or in a KUBECONFIG environment variable instead',
                },
            ]);
            expect(await remediate(COMMAND, "check", wire)).to.deep.equal([{ ...wire, environment: { KUBECONFIG_A: wireSecret(FAKE_KUBECONFIG) } }]);
        });

        it("in preview, accepts a subnet ID that is not known yet", async function () {
            const wire = cluster({ agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: UNKNOWN_STRING }] });
            expect(await analyze(MC, "cluster-a", wire)).to.deep.equal([]);
        });

        it("in preview, defers Cilium values that are not known yet with an advisory", async function () {
            const diagnostics = await analyze(RELEASE, "cilium-a", release({ values: UNKNOWN_STRING }));
            expect(diagnostics).to.have.length(1);
            expect(diagnostics[0]).to.include({ policy: "cilium-release-pinned-and-valid", level: "ADVISORY" });
            expect(diagnostics[0].message).to.match(/^can't run policy 'cilium-release-pinned-and-valid' from policy pack 'egress-lab@v0\.1\.0' during preview: .* value at \.values can't be known during preview$/);
        });
    });
});
