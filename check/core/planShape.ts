// The check plan arrives from outside when `npm run check` reads stack outputs: an older stack
// (labels as "key=value" text) or a hand-edited file must get a clear error, not a crash mid-run.
// Every field the run reads is checked here (check/core/plan.ts CheckPlan), so nothing downstream meets
// a missing list or a null.
import { RECEIVER_PATHS, TRAFFIC_POLICIES } from "../../lib/config";
import { dnsLabelProblem } from "../../lib/labels";
import { isRecord } from "../../lib/records";
import { CheckPlan } from "./plan";

type Problem = string | undefined;
type Check = (value: unknown, at: string) => Problem;

/** A value for a message: short, whatever was sent. */
function shown(value: unknown): string {
    const text = JSON.stringify(value) ?? "nothing";
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const text: Check = (value, at) => (typeof value === "string" && value !== "" ? undefined : `${at} must be a non-empty string (got ${shown(value)})`);

/** A Kubernetes object name the run sends to the API server (namespace, pod, Service, DaemonSet): a DNS-1123 label. */
const name: Check = (value, at) => {
    const problem = typeof value === "string" ? dnsLabelProblem(value) : "is not a string";
    return problem === undefined ? undefined : `${at} must be a Kubernetes name (${problem}; got ${shown(value)})`;
};

/** A CiliumEgressGatewayPolicy's name: a DNS-1123 subdomain (lower-case labels joined by dots, at most 253). */
const subdomain: Check = (value, at) =>
    typeof value === "string" && value.length <= 253 && value.split(".").every((part) => dnsLabelProblem(part) === undefined)
        ? undefined
        : `${at} must be a Kubernetes object name: lower-case labels of letters, digits or '-', joined by '.' (got ${shown(value)})`;

const port: Check = (value, at) =>
    typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535 ? undefined : `${at} must be a port number from 1 to 65535 (got ${shown(value)})`;

function oneOf(allowed: readonly string[]): Check {
    return (value, at) => (typeof value === "string" && allowed.includes(value) ? undefined : `${at} must be one of ${allowed.map((a) => `"${a}"`).join(", ")} (got ${shown(value)})`);
}

function list(item: Check, minimum = 0): Check {
    return (value, at) => {
        if (!Array.isArray(value)) {
            return `${at} must be a list (got ${shown(value)})`;
        }
        if (value.length < minimum) {
            // An empty list of probes would make zero rows, which would read as "every row passed".
            return `${at} must list at least ${minimum} (got ${shown(value)})`;
        }
        for (const [i, entry] of value.entries()) {
            const found = item(entry, `${at}[${i}]`);
            if (found) {
                return found;
            }
        }
        return undefined;
    };
}

/** An object whose named fields each pass their check; fields not named are not read by the run. */
function record(fields: Readonly<Record<string, Check>>): Check {
    return (value, at) => {
        if (!isRecord(value)) {
            return `${at} must be an object (got ${shown(value)})`;
        }
        for (const [name, check] of Object.entries(fields)) {
            const found = check(Object.prototype.hasOwnProperty.call(value, name) ? value[name] : undefined, `${at}.${name}`);
            if (found) {
                return found;
            }
        }
        return undefined;
    };
}

const label: Check = (value, at) =>
    isRecord(value) && typeof value.key === "string" && value.key !== "" && typeof value.value === "string"
        ? undefined
        : `${at} must be a label object {"key": ..., "value": ...} (got ${shown(value)})`;

const client = record({ name, label });

const PLAN: Check = record({
    namespace: name,
    captureNamespace: name,
    strict: (value, at) => (typeof value === "boolean" ? undefined : `${at} must be true or false (got ${shown(value)})`),
    clients: list(client, 1),
    egress: list(record({ policy: subdomain, selector: label, egressIp: text, destinationCidrs: list(text) })),
    targets: list(record({ service: name, path: oneOf(RECEIVER_PATHS), externalTrafficPolicy: oneOf(TRAFFIC_POLICIES) }), 1),
    receiver: record({ app: text, port, servicePort: port }),
    gatewayNodeLabel: label,
    assigner: record({ namespace: name, name }),
    // Absent when the config lists no domains.
    domains: (value, at) => (value === undefined ? undefined : record({ policy: subdomain, client, allowed: list(text), blocked: list(text) })(value, at)),
});

/** The plan, typed, or an error that names the field and says how to get a current plan. */
export function parseCheckPlan(value: unknown): CheckPlan {
    const found = PLAN(value, "checkPlan");
    if (found) {
        throw new Error(`${found}; the stack outputs may come from an older version of this program: run pulumi up, then pipe the new outputs`);
    }
    // Every field CheckPlan declares was checked above.
    return value as CheckPlan;
}
