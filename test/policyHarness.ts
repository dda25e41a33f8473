// The policy pack's test harness: the SDK loaded as policies/ resolves it, fake validation
// arguments, and fixtures shared by the test/policies*.test.ts files.
import { createRequire } from "module";
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { tcpdumpArgs } from "../check/evidence/tcpdump";
import { capturePod as checkCapturePodManifest } from "../lib/kube/capture";
import { ciliumValues } from "../lib/cilium/values";
import { assignerDaemonSet, egressGatewayPolicy } from "../lib/kube/egress";
import { networkToolSecurity } from "../lib/kube/podSecurity";

// Load the SDK exactly as policies/ resolves it: after `npm ci` in policies/ it has its own copy,
// and Secret / UnknownValueError are only recognised by the copy that defined them.
const packRequire = createRequire(require.resolve("../policies/rules"));
export const sdk: typeof import("@pulumi/policy") = packRequire("@pulumi/policy");
const sdkRequire = createRequire(packRequire.resolve("@pulumi/policy/server"));
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's internal modules ship no typings */
export const server: any = sdkRequire("./server");
export const analyzerProto: any = sdkRequire("@pulumi/pulumi/proto/analyzer_pb");
export const { Struct }: any = createRequire(sdkRequire.resolve("@pulumi/pulumi/proto/analyzer_pb"))("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-explicit-any */

export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // what the engine sends for an unknown value
export const SIG = "4dabf18193072939515e22adb298388d"; // rpc.specialSigKey
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"; // rpc.specialSecretSig
export const wireSecret = (value: unknown): Record<string, unknown> => ({ [SIG]: SECRET_SIG, value });

export const MC = "azure-native:containerservice:ManagedCluster";
export const POOL = "azure-native:containerservice:AgentPool";
export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const CEGP = "kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy";
export const POD = "kubernetes:core/v1:Pod";
export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";
export const SERVICE = "kubernetes:core/v1:Service";
export const COMMAND = "command:local:Command";
export const SUBNET = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/lab-vnet-a/subnets/lab-a-nodes";

// ---- fake policy arguments ----

export class NotApplicable extends Error {}

export interface Outcome {
    readonly violations: string[];
    /** The reason the policy gave for not applying, if it did not. */
    readonly notApplicable?: string;
}

export const OPTIONS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::egress-lab::${type}::${name}`;
}

export function fakeArgs(type: string, name: string, props: object, config: object = {}): ResourceValidationArgs {
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
export async function validate(policy: ResourceValidationPolicy, type: string, name: string, props: object): Promise<Outcome> {
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
export function preview(props: Record<string, unknown>): Record<string, unknown> {
    return sdk.unknownCheckingProxy(props);
}

export function fakeResource(type: string, name: string, props: Record<string, unknown>, providerUrn?: string): PolicyResource {
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

export interface StackViolation {
    readonly message: string;
    readonly urn?: string;
}

export async function validateStack(policy: StackValidationPolicy, resources: PolicyResource[], config: object = {}): Promise<StackViolation[]> {
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

export function cluster(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        resourceName: "egress-lab-a",
        networkProfile: { networkPlugin: "none", serviceCidr: "10.110.0.0/16" },
        agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: SUBNET }],
        ...overrides,
    };
}

export function pool(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { resourceName: "egress-lab-a", agentPoolName: "egressgw", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: SUBNET, ...overrides };
}

export function release(overrides: Record<string, unknown> = {}, egressGateway = true): Record<string, unknown> {
    return {
        name: "cilium",
        chart: "cilium",
        version: "1.19.6",
        namespace: "kube-system",
        values: ciliumValues({ apiServerHost: "egress-lab-a-abcd.hcp.koreacentral.azmk8s.io", podCidr: "10.210.0.0/16", egressGateway }),
        ...overrides,
    };
}

export const GATEWAY_LABEL = { key: "egress-gateway", value: "true" };

export function egressPolicy(): object {
    return egressGatewayPolicy({
        mapping: { policyName: "egress-client1", selector: { key: "app", value: "client1" }, egressIp: "10.10.100.51" },
        namespace: "demo",
        gatewayNodeLabel: GATEWAY_LABEL,
        destinationCidrs: ["10.20.0.0/16"],
    });
}

export function assigner(): object {
    return assignerDaemonSet({ egressIps: ["10.10.100.51"], gatewayNodeLabel: GATEWAY_LABEL });
}

/** The assigner manifest with its pod spec and first container changed. */
export function assignerWith(podSpec: Record<string, unknown>, containerSecurity?: object, metadata?: Record<string, unknown>): Record<string, unknown> {
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

export function capturePod(spec: Record<string, unknown> = {}, capabilities: string[] = ["NET_RAW"]): Record<string, unknown> {
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

/** The capture pod the check itself creates (lib/kube/capture.ts), with the check's own tcpdump arguments. */
export function checkCapturePod(seconds: number): object {
    const args = tcpdumpArgs({ destinations: [{ host: "10.20.0.100", port: 80 }], maxPackets: 100 });
    return checkCapturePodManifest({ name: "egl-x-cap-0", namespace: "egress-lab-capture", runId: "egl-x", node: "b-0", tcpdumpArgs: args, seconds });
}

export function deployment(containers: Record<string, unknown>[], initContainers: Record<string, unknown>[] = []): Record<string, unknown> {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "demo" },
        spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { initContainers, containers } } },
    };
}

export function service(spec: Record<string, unknown>): Record<string, unknown> {
    return { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "demo" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }], ...spec } };
}

export const CHECK_SCRIPT = 'kubectl --kubeconfig <(printf %s "$KUBECONFIG_A") -n demo get pods -o wide';
/** What `az aks get-credentials --file -` prints: kind comes after clusters. */
export const AKS_KUBECONFIG = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://a.hcp.azmk8s.io:443\n  name: a\nkind: Config\nusers:\n- name: u\n  user:\n    token: t\n";
