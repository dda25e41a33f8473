// Shared Pulumi mocks: fake provider answers, plus a record of every registration with its
// parent and dependencies, taken from the real register requests the SDK sends.
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EgressLab } from "../components/egressLab";
import { parseLabConfig } from "../lib/config";
import { refusalOf, Registration } from "./registrations";

export const SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
export const FAKE_KUBECONFIG = "apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: fake-token}}]\n";
export const FAKE_OUTBOUND_IP = "198.51.100.7";

/** A report as check/main.ts prints it, for the Command resource's stdout under mocks. */
export const FAKE_REPORT = {
    runId: "egl-test",
    backend: "aks",
    startedAt: "2026-11-27T00:00:00.000Z",
    durationMs: 1234,
    ok: true,
    observations: [{ client: { pod: "curl1" }, service: "receiver-internal-local", verdict: "pass" }],
    summary: ["curl1 (app=client1) -> internal/Local 10.20.0.100: wire 10.10.100.51 -> 10.20.0.100, app 10.10.100.51 -> 10.220.0.15 [pass]"],
};

export interface Recorder {
    readonly registrations: Registration[];
    readonly invokes: { token: string; inputs: Record<string, unknown> }[];
    /** What the engine or the API server would have refused; the mocks themselves accept anything. */
    readonly refusals: string[];
}

function urnFor(parent: string, type: string, name: string): string {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Computed values Azure would return, so applies downstream can run. */
function fakeState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "azure-native:containerservice:ManagedCluster":
            return {
                ...inputs,
                name: inputs.resourceName ?? name,
                fqdn: `${inputs.dnsPrefix}-abcd1234.hcp.${inputs.location}.azmk8s.io`,
                nodeResourceGroup: `MC_${inputs.resourceGroupName}_${inputs.resourceName}_${inputs.location}`,
                networkProfile: {
                    ...(inputs.networkProfile as object),
                    loadBalancerProfile: {
                        effectiveOutboundIPs: [
                            { id: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/MC_${inputs.resourceName}/providers/Microsoft.Network/publicIPAddresses/outbound-${name}` },
                        ],
                    },
                },
            };
        case "azure-native:containerservice:AgentPool":
            return { ...inputs, name: inputs.agentPoolName ?? name, eTag: "etag-pool-1", nodeImageVersion: "AKSUbuntu-2204gen2containerd-202611.04.0" };
        case "pulumi-nodejs:dynamic/egresslab:GatewayIpForwarding": {
            // What the provider's create returns for a new pool: forwarding was off, now on.
            const vmss = `aks-${inputs.poolName}-12345678-vmss`;
            return {
                ...inputs,
                ipForwarding: true,
                scaleSets: [{ name: vmss, nics: [vmss], modelIpForwarding: true, instances: [{ instanceId: "0", node: `${vmss}000000`, ipForwarding: true }] }],
                changed: [`${vmss}: model`, `${vmss}: instances 0 (${vmss}000000)`],
            };
        }
        case "command:local:Command":
            return { ...inputs, stdout: JSON.stringify(FAKE_REPORT), stderr: "" };
        case "kubernetes:helm.sh/v3:Release":
            return { ...inputs, status: { revision: 1, status: "deployed" } };
        case "azure-native:managedidentity:UserAssignedIdentity":
            return { ...inputs, name, principalId: `principal-${name}`, clientId: `client-${name}` };
        case "azure-native:resources:ResourceGroup":
            return { ...inputs, name: inputs.resourceGroupName ?? name };
        default:
            if (type.startsWith("kubernetes:") && typeof inputs.metadata === "object") {
                return { ...inputs, metadata: { ...(inputs.metadata as object), uid: `uid-${name}` } };
            }
            return { ...inputs, name: inputs.name ?? name };
    }
}

/** Installs the mocks and returns the recorder they fill. Call before importing any program code. */
export function installMocks(options: { preview?: boolean; project?: string; stack?: string } = {}): Recorder {
    const recorder: Recorder = { registrations: [], invokes: [], refusals: [] };
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
                const id = `/subscriptions/${SUBSCRIPTION_ID}/fake/${args.type.replace(/[:/]/g, "-")}/${args.name}`;
                return { id, state: fakeState(args.type, args.name, args.inputs) };
            },
            call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
                recorder.invokes.push({ token: args.token, inputs: args.inputs });
                switch (args.token) {
                    case "azure-native:authorization:getClientConfig":
                        return { subscriptionId: SUBSCRIPTION_ID, tenantId: "tenant", clientId: "client", objectId: "object" };
                    case "azure-native:network:getPublicIPAddress":
                        return { ipAddress: args.inputs.publicIpAddressName === "outbound-cluster-a" ? FAKE_OUTBOUND_IP : "198.51.100.8" };
                    case "azure-native:containerservice:listManagedClusterUserCredentials":
                        return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(FAKE_KUBECONFIG).toString("base64") }] };
                    default:
                        return args.inputs;
                }
            },
        },
        options.project ?? "egress-lab",
        options.stack ?? "test",
        options.preview ?? false,
    );

    // Wrap the mock monitor to see what the SDK really sends: parents, dependencies, secrets.
    const monitor = settings.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = async (req, callback) => {
        const parentUrn = req.getParent();
        const dependencies = new Set<string>(req.getDependenciesList());
        req.getPropertydependenciesMap().forEach((deps: { getUrnsList(): string[] }) => deps.getUrnsList().forEach((u) => dependencies.add(u)));
        const object = req.getObject();
        const raw = object?.toJavaScript() ?? {};
        const secretInputs = Object.keys(raw).filter((k) => isSecretValue(raw[k]));
        const registration: Registration = {
            type: req.getType(),
            name: req.getName(),
            urn: urnFor(parentUrn, req.getType(), req.getName()),
            parentUrn,
            inputs: object ? (unwrapSecrets(rpc.deserializeProperties(object)) as Record<string, unknown>) : {},
            secretInputs,
            dependencies: [...dependencies],
            provider: req.getProvider(),
        };
        const refusal = refusalOf(recorder.registrations, registration);
        if (refusal) {
            recorder.refusals.push(refusal);
        }
        recorder.registrations.push(registration);
        return original(req, callback);
    };
    return recorder;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getObject(): Struct | undefined;
}

/** The plain values, with secret wrappers removed (secretInputs says which were secret). */
function unwrapSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return unwrapSecrets((value as { value: unknown }).value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

function isSecretValue(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig
    );
}

/** Waits until every registration and invoke the program started has finished. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
        // waitForRPCs is marked internal in the SDK's typings; it is what runInPulumiStack awaits.
        await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        await new Promise((resolve) => setImmediate(resolve));
    }
}

export function byType(recorder: Recorder, type: string): Registration[] {
    return recorder.registrations.filter((r) => r.type === type);
}

export function one(recorder: Recorder, type: string, nameIncludes = ""): Registration {
    const found = byType(recorder, type).filter((r) => r.name.includes(nameIncludes));
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named *${nameIncludes}*, found ${found.map((r) => r.name).join(", ") || "none"}`);
    }
    return found[0];
}

/** All URNs `urn` depends on, directly or through its dependencies and parents' dependencies. */
export function transitiveDependencies(recorder: Recorder, urn: string): Set<string> {
    const byUrn = new Map(recorder.registrations.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const stack = [urn];
    while (stack.length > 0) {
        const current = byUrn.get(stack.pop()!);
        for (const dep of current?.dependencies ?? []) {
            if (!seen.has(dep)) {
                seen.add(dep);
                stack.push(dep);
            }
        }
    }
    return seen;
}

/** The longest chain of dependencies between custom resources (components excluded). */
export function longestChain(recorder: Recorder): string[] {
    const byUrn = new Map(recorder.registrations.map((r) => [r.urn, r]));
    // A dependency on a component means a dependency on all the custom resources inside it.
    const customInside = (urn: string): string[] => {
        const found = recorder.registrations.filter((r) => r.parentUrn === urn);
        const own = byUrn.get(urn);
        const isComponent = own ? !own.type.includes(":") || own.type.startsWith("egress-lab:") : false;
        return isComponent ? found.flatMap((r) => customInside(r.urn)) : [urn];
    };
    const memo = new Map<string, string[]>();
    const chain = (urn: string, visiting: Set<string>): string[] => {
        if (memo.has(urn)) {
            return memo.get(urn)!;
        }
        if (visiting.has(urn)) {
            return [urn];
        }
        visiting.add(urn);
        let best: string[] = [];
        for (const dep of byUrn.get(urn)?.dependencies ?? []) {
            for (const inner of customInside(dep)) {
                const candidate = chain(inner, visiting);
                if (candidate.length > best.length) {
                    best = candidate;
                }
            }
        }
        visiting.delete(urn);
        const result = [...best, urn];
        memo.set(urn, result);
        return result;
    };
    let longest: string[] = [];
    for (const r of recorder.registrations) {
        if (!r.type.startsWith("egress-lab:")) {
            const candidate = chain(r.urn, new Set());
            if (candidate.length > longest.length) {
                longest = candidate;
            }
        }
    }
    return longest;
}

/** Builds the whole lab from raw config under fresh mocks and waits for every registration. */
export async function buildLab(raw: Record<string, unknown> = {}): Promise<{ recorder: Recorder; lab: EgressLab }> {
    const recorder = installMocks();
    const lab = new EgressLab("egress-lab", { config: parseLabConfig(raw) });
    await settle();
    if (recorder.refusals.length > 0) {
        throw new Error(`pulumi up would stop: ${recorder.refusals.join("; ")}`);
    }
    return { recorder, lab };
}

/**
 * Evaluates index.ts afresh, as `pulumi up` would, under the mocks installed last; returns its
 * exports. A require rather than import(): the program must run now, and tsx's CommonJS loader,
 * which runs the tests, serves require only.
 */
export function runProgram(): Record<string, unknown> {
    const entry = require.resolve("../index");
    delete require.cache[entry];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(entry);
}
