// Kubernetes workloads and Services: privileges, host network, capabilities, capture lifetimes,
// and explicit externalTrafficPolicy.
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { TRAFFIC_POLICIES } from "../lib/config";
import { CAPTURE_CAPABILITIES, CAPTURE_COMPONENT_LABEL, CAPTURE_MAX_SECONDS } from "../lib/kube/capture";
import { ASSIGNER_APP, GATEWAY_NAMESPACE, SELECTOR_APP } from "../lib/kube/egress";
import { isRecord } from "../lib/records";
import { peek, stateOf, subject } from "./props";

export const POD = "kubernetes:core/v1:Pod";
export const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";
export const SERVICE = "kubernetes:core/v1:Service";

/** The label that marks the check's packet-capture pods on B (lib/kube/capture.ts). */
export const CAPTURE_LABEL = { key: CAPTURE_COMPONENT_LABEL, value: "capture" } as const;

/** Where each workload type keeps its pod spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
    [POD]: ["spec"],
    "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    [DAEMON_SET]: ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};
export const WORKLOAD_TYPES: readonly string[] = Object.keys(POD_SPEC_PATHS);

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

interface PodSpecAt {
    readonly spec: Record<string, unknown>;
    /** Dotted path of the pod spec, e.g. "spec.template.spec". */
    readonly path: string;
}

function podSpecOf(args: ResourceValidationArgs): PodSpecAt | undefined {
    const path = POD_SPEC_PATHS[args.type];
    if (!path) {
        return undefined;
    }
    let current: unknown = args.props;
    for (const key of path) {
        current = isRecord(current) ? current[key] : undefined;
    }
    return isRecord(current) ? { spec: current, path: path.join(".") } : undefined;
}

interface ContainerAt {
    readonly container: Record<string, unknown>;
    /** e.g. "spec.template.spec.containers[0]". */
    readonly path: string;
    /** e.g. ` (container "assigner")`, or "" when unnamed. */
    readonly named: string;
}

function containersOf(pod: PodSpecAt): ContainerAt[] {
    const found: ContainerAt[] = [];
    for (const list of CONTAINER_LISTS) {
        const containers = pod.spec[list];
        if (!Array.isArray(containers)) {
            continue;
        }
        containers.forEach((container: unknown, i) => {
            if (isRecord(container)) {
                const name = container.name;
                found.push({ container, path: `${pod.path}.${list}[${i}]`, named: typeof name === "string" ? ` (container "${name}")` : "" });
            }
        });
    }
    return found;
}

function applicableWorkload(args: ResourceValidationArgs): PodSpecAt | undefined {
    if (!POD_SPEC_PATHS[args.type]) {
        args.notApplicable("applies only to workloads (Pod, Deployment, DaemonSet, StatefulSet, ReplicaSet, ReplicationController, Job, CronJob)");
    }
    return podSpecOf(args);
}

export const noPrivilegedPolicy: ResourceValidationPolicy = {
    name: "no-privileged-containers",
    description: "No container, init container or ephemeral container runs privileged.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const pod = applicableWorkload(args);
        if (!pod) {
            return;
        }
        for (const { container, path, named } of containersOf(pod)) {
            if (peek(container.securityContext, "privileged") === true) {
                reportViolation(`${subject(args)}: ${path}.securityContext.privileged is true${named}; privileged containers are not allowed`);
            }
        }
    },
};

/** Who may leave the pod network or add capabilities, and which capabilities. */
interface NetworkRole {
    readonly description: string;
    readonly capabilities: readonly string[];
}

const ASSIGNER_ROLE: NetworkRole = {
    description: `the egress IP assigner (DaemonSet ${GATEWAY_NAMESPACE}/${ASSIGNER_APP})`,
    capabilities: ["NET_ADMIN"],
};
/** The next hop's backends: hostNetwork so the LB's probe sees them per node; no capabilities (lib/kube/nextHopSelector.ts). */
const SELECTOR_ROLE: NetworkRole = {
    description: `the next hop's selector (DaemonSet ${GATEWAY_NAMESPACE}/${SELECTOR_APP})`,
    capabilities: [],
};
const CAPTURE_ROLE: NetworkRole = {
    description: `capture pods (Pods labelled ${CAPTURE_LABEL.key}=${CAPTURE_LABEL.value})`,
    capabilities: CAPTURE_CAPABILITIES,
};

function labelsOf(props: Record<string, unknown>): Record<string, unknown> {
    const metadata = props.metadata;
    return isRecord(metadata) && isRecord(metadata.labels) ? metadata.labels : {};
}

export function isCapturePod(args: { readonly type: string; readonly props: Record<string, unknown> }): boolean {
    return args.type === POD && labelsOf(args.props)[CAPTURE_LABEL.key] === CAPTURE_LABEL.value;
}

function networkRole(args: ResourceValidationArgs): NetworkRole | undefined {
    const metadata = isRecord(args.props.metadata) ? args.props.metadata : {};
    if (args.type === DAEMON_SET && metadata.name === ASSIGNER_APP && metadata.namespace === GATEWAY_NAMESPACE) {
        return ASSIGNER_ROLE;
    }
    if (args.type === DAEMON_SET && metadata.name === SELECTOR_APP && metadata.namespace === GATEWAY_NAMESPACE) {
        return SELECTOR_ROLE;
    }
    return isCapturePod(args) ? CAPTURE_ROLE : undefined;
}

/** "cap_net_admin" and "NET_ADMIN" are the same capability to the container runtime. */
function normalizeCapability(capability: unknown): string {
    return typeof capability === "string" ? capability.toUpperCase().replace(/^CAP_/, "") : JSON.stringify(capability);
}

export const hostNetworkCapabilitiesPolicy: ResourceValidationPolicy = {
    name: "host-network-and-capabilities",
    description:
        `Only ${ASSIGNER_ROLE.description} (adding ${ASSIGNER_ROLE.capabilities.join(", ")}), ${SELECTOR_ROLE.description} (adding none) and ${CAPTURE_ROLE.description} (adding ${CAPTURE_ROLE.capabilities.join(", ")}) ` +
        "may use the host network or add capabilities; nothing else adds any capability.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const pod = applicableWorkload(args);
        if (!pod) {
            return;
        }
        const what = subject(args);
        const role = networkRole(args);
        const allowed = role?.capabilities ?? [];
        if (pod.spec.hostNetwork === true && !role) {
            reportViolation(`${what}: ${pod.path}.hostNetwork is true; only ${ASSIGNER_ROLE.description}, ${SELECTOR_ROLE.description} and ${CAPTURE_ROLE.description} may use the host network`);
        }
        for (const { container, path, named } of containersOf(pod)) {
            const add = peek(peek(container.securityContext, "capabilities"), "add");
            if (!Array.isArray(add)) {
                continue;
            }
            for (const capability of add) {
                if (!allowed.includes(normalizeCapability(capability))) {
                    const why = role
                        ? `${role.description} may add only ${allowed.join(", ")}`
                        : `only ${ASSIGNER_ROLE.description} and ${CAPTURE_ROLE.description} may add capabilities`;
                    reportViolation(`${what}: ${path}.securityContext.capabilities.add has ${JSON.stringify(capability)}${named}; ${why}`);
                }
            }
        }
    },
};

export const captureBoundedPolicy: ResourceValidationPolicy = {
    name: "capture-pods-bounded",
    description: `Capture pods (label ${CAPTURE_LABEL.key}=${CAPTURE_LABEL.value}) end on their own: spec.activeDeadlineSeconds from 1 to ${CAPTURE_MAX_SECONDS}.`,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!isCapturePod(args)) {
            args.notApplicable(`applies only to Pods labelled ${CAPTURE_LABEL.key}=${CAPTURE_LABEL.value}`);
        }
        const deadline = peek(args.props.spec, "activeDeadlineSeconds");
        if (typeof deadline !== "number" || !Number.isInteger(deadline) || deadline < 1 || deadline > CAPTURE_MAX_SECONDS) {
            reportViolation(
                `${subject(args)}: spec.activeDeadlineSeconds ${stateOf(deadline)}; a capture pod must end within ${CAPTURE_MAX_SECONDS} seconds (a whole number from 1 to ${CAPTURE_MAX_SECONDS})`,
            );
        }
    },
};

/** tcpdump's options that switch user after opening the capture (-Z user, --relinquish-privileges=user). */
const USER_SWITCH = /^--relinquish-privileges(=|$)|^-[a-zA-Z]*Z/;

export const capturePrivilegesPolicy: ResourceValidationPolicy = {
    name: "capture-pods-privileges",
    description:
        `Capture pods run tcpdump with exactly ${CAPTURE_CAPABILITIES.join(", ")}, no privilege escalation, and never switch user (-Z): ` +
        "a switch needs CAP_SETGID, and a tcpdump under another uid outlives its `timeout`.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!isCapturePod(args)) {
            args.notApplicable(`applies only to Pods labelled ${CAPTURE_LABEL.key}=${CAPTURE_LABEL.value}`);
        }
        const pod = podSpecOf(args);
        for (const { container, path, named } of pod ? containersOf(pod) : []) {
            const security = container.securityContext;
            const add = peek(peek(security, "capabilities"), "add");
            const added = Array.isArray(add) ? add.map(normalizeCapability) : [];
            const missing = CAPTURE_CAPABILITIES.filter((c) => !added.includes(c));
            if (missing.length > 0) {
                reportViolation(`${subject(args)}: ${path}.securityContext.capabilities.add lacks ${missing.join(", ")}${named}; tcpdump cannot open its socket without it`);
            }
            const drop = peek(peek(security, "capabilities"), "drop");
            if (!Array.isArray(drop) || !drop.map(normalizeCapability).includes("ALL")) {
                reportViolation(`${subject(args)}: ${path}.securityContext.capabilities.drop ${stateOf(drop)}${named}; a capture pod drops ALL and adds back only ${CAPTURE_CAPABILITIES.join(", ")}`);
            }
            if (peek(security, "allowPrivilegeEscalation") !== false) {
                reportViolation(`${subject(args)}: ${path}.securityContext.allowPrivilegeEscalation ${stateOf(peek(security, "allowPrivilegeEscalation"))}${named}; it must be false`);
            }
            const argv = [peek(container, "command"), peek(container, "args")].flatMap((list) => (Array.isArray(list) ? list : []));
            const switchUser = argv.find((arg) => typeof arg === "string" && USER_SWITCH.test(arg));
            if (switchUser !== undefined) {
                reportViolation(
                    `${subject(args)}: ${path} passes ${JSON.stringify(switchUser)} to tcpdump${named}; switching user calls initgroups(), which needs CAP_SETGID, so tcpdump would exit before capturing`,
                );
            }
        }
    },
};

/** Service types that expose node ports, where externalTrafficPolicy decides the source IP. */
const EXTERNAL_SERVICE_TYPES = ["LoadBalancer", "NodePort"];

export const serviceTrafficPolicyPolicy: ResourceValidationPolicy = {
    name: "service-external-traffic-policy",
    description: `LoadBalancer and NodePort Services set spec.externalTrafficPolicy explicitly (${TRAFFIC_POLICIES.join(" or ")}): it decides which source IP the backend sees.`,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== SERVICE) {
            args.notApplicable(`applies only to ${SERVICE}`);
        }
        const spec = args.props.spec;
        const type = peek(spec, "type");
        if (typeof type !== "string" || !EXTERNAL_SERVICE_TYPES.includes(type)) {
            args.notApplicable("applies only to LoadBalancer and NodePort Services");
        }
        const policy = peek(spec, "externalTrafficPolicy");
        if (!(TRAFFIC_POLICIES as readonly unknown[]).includes(policy)) {
            reportViolation(`${subject(args)}: spec.externalTrafficPolicy ${stateOf(policy)}; a ${String(type)} Service must set it to ${TRAFFIC_POLICIES.map((p) => `"${p}"`).join(" or ")}`);
        }
    },
};
