// The check plan arrives from outside when `npm run check` reads stack outputs: an older stack
// (labels as "key=value" text) or a hand-edited file must get a clear error, not a crash mid-run.
import { isRecord } from "../lib/records";
import { CheckPlan } from "./plan";

type Problem = string | undefined;

function text(value: unknown, at: string): Problem {
    return typeof value === "string" && value !== "" ? undefined : `${at} must be a non-empty string`;
}

function label(value: unknown, at: string): Problem {
    return isRecord(value) && typeof value.key === "string" && typeof value.value === "string"
        ? undefined
        : `${at} must be a label object {"key": ..., "value": ...} (got ${JSON.stringify(value) ?? "nothing"})`;
}

function list(value: unknown, at: string, item: (entry: unknown, at: string) => Problem): Problem {
    if (!Array.isArray(value)) {
        return `${at} must be a list`;
    }
    for (const [i, entry] of value.entries()) {
        const found = item(entry, `${at}[${i}]`);
        if (found) {
            return found;
        }
    }
    return undefined;
}

function record(value: unknown, at: string, fields: (entry: Record<string, unknown>) => Problem): Problem {
    return isRecord(value) ? fields(value) : `${at} must be an object`;
}

function firstProblem(plan: unknown): Problem {
    return record(plan, "checkPlan", (p) =>
        [
            text(p.namespace, "checkPlan.namespace"),
            text(p.captureNamespace, "checkPlan.captureNamespace"),
            typeof p.strict === "boolean" ? undefined : "checkPlan.strict must be true or false",
            list(p.clients, "checkPlan.clients", (c, at) => record(c, at, (e) => text(e.name, `${at}.name`) ?? label(e.label, `${at}.label`))),
            list(p.egress, "checkPlan.egress", (m, at) => record(m, at, (e) => label(e.selector, `${at}.selector`) ?? text(e.egressIp, `${at}.egressIp`))),
            list(p.targets, "checkPlan.targets", (t, at) => record(t, at, (e) => text(e.service, `${at}.service`))),
            record(p.receiver, "checkPlan.receiver", (r) => (typeof r.port === "number" && typeof r.servicePort === "number" ? undefined : "checkPlan.receiver needs numeric port and servicePort")),
            label(p.gatewayNodeLabel, "checkPlan.gatewayNodeLabel"),
            p.domains === undefined ? undefined : record(p.domains, "checkPlan.domains", (d) => record(d.client, "checkPlan.domains.client", (c) => label(c.label, "checkPlan.domains.client.label"))),
        ].find((found) => found !== undefined),
    );
}

/** The plan, typed, or an error that names the field and says how to get a current plan. */
export function parseCheckPlan(value: unknown): CheckPlan {
    const found = firstProblem(value);
    if (found) {
        throw new Error(`${found}; the stack outputs may come from an older version of this program: run pulumi up, then pipe the new outputs`);
    }
    // Shape checked field by field above; the remaining fields are plain data the check reads defensively.
    return value as CheckPlan;
}
