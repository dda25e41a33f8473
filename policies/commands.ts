// Commands that talk to a cluster: the kubeconfig travels as a secret (on stdin, as the check does,
// or in a KUBECONFIG* environment variable), never inline in the script text.
//
// What @pulumi/policy 1.21.0 lets a policy see (server.js, deserialize.js):
// - validateResource gets `props` with every secret already unwrapped to its plain value
//   (deserializeProperties(..., false)); nothing in ResourceValidationArgs says which values were
//   secret (pulumi/pulumi-policy#241). A validation therefore cannot tell a secret kubeconfig from
//   a plain one, and must not guess: every real secret arrives looking plain.
// - remediateResource gets `props` where secrets are `Secret` objects behind a proxy
//   (deserializeProperties(..., true)), and may return new props in which `new Secret(value)` makes
//   the engine encrypt a value. That is the one place secretness is visible, so this policy runs at
//   enforcementLevel "remediate": the remediation turns a plain KUBECONFIG* value into a secret
//   before the engine stores it, and violations of the validation are still reported (and block)
//   as "mandatory" (the SDK downgrades "remediate" to "mandatory" for violations).
import { ResourceRemediation, ResourceValidationPolicy, Secret } from "@pulumi/policy";
import { isRecord } from "../lib/records";
import { isMarkedSecret, stateOf, subject, unproxy } from "./props";

export const COMMAND_TYPES: readonly string[] = ["command:local:Command", "command:remote:Command"];

/** Environment keys that carry a kubeconfig (KUBECONFIG, KUBECONFIG_A, kubeconfigB, ...). */
export const KUBECONFIG_KEY = /KUBECONFIG/i;

/** Script properties a command runs. */
export const SCRIPT_PROPERTIES = ["create", "update", "delete"] as const;

/** Text that only an inline kubeconfig document contains. */
export const INLINE_KUBECONFIG_MARKERS: readonly { readonly label: string; readonly pattern: RegExp }[] = [
    { label: "apiVersion: v1\nkind: Config", pattern: /apiVersion: v1\nkind: Config/ },
    // AKS writes "apiVersion: v1\nclusters: ..." with "kind: Config" further down.
    { label: "kind: Config", pattern: /^\s*kind:\s*["']?Config["']?\s*$/m },
    { label: "client-key-data", pattern: /client-key-data/ },
    { label: "client-certificate-data", pattern: /client-certificate-data/ },
];

/** The first inline-kubeconfig marker a script contains, or undefined. */
export function inlineKubeconfigMarker(script: string): string | undefined {
    return INLINE_KUBECONFIG_MARKERS.find((m) => m.pattern.test(script))?.label;
}

/**
 * Environment keys matching KUBECONFIG whose value is not marked secret, given the raw environment
 * as a remediation sees it (secrets still wrapped). An environment that is secret as a whole is fine.
 */
export function plainKubeconfigKeys(rawEnvironment: unknown): string[] {
    if (isMarkedSecret(rawEnvironment)) {
        return [];
    }
    const environment = unproxy(rawEnvironment);
    if (!isRecord(environment)) {
        return [];
    }
    return Object.keys(environment).filter((key) => KUBECONFIG_KEY.test(key) && !isMarkedSecret(environment[key]));
}

/** True when stdin carries a kubeconfig (inline, or as the check's kubeconfigA/B JSON) in the clear. */
export function plainKubeconfigStdin(rawStdin: unknown): boolean {
    if (isMarkedSecret(rawStdin)) {
        return false;
    }
    const stdin = unproxy(rawStdin);
    return typeof stdin === "string" && (inlineKubeconfigMarker(stdin) !== undefined || /"kubeconfig[AB]?"\s*:/i.test(stdin));
}

/** Makes every KUBECONFIG* environment value, and a stdin carrying a kubeconfig, a secret. */
export const secretKubeconfigRemediation: ResourceRemediation = (args) => {
    if (!COMMAND_TYPES.includes(args.type)) {
        return undefined;
    }
    const props = unproxy(args.props);
    if (!isRecord(props)) {
        return undefined;
    }
    const plain = plainKubeconfigKeys(props.environment);
    const plainStdin = plainKubeconfigStdin(props.stdin);
    if (plain.length === 0 && !plainStdin) {
        return undefined;
    }
    const result: Record<string, unknown> = { ...props };
    if (plain.length > 0) {
        const environment = { ...(unproxy(props.environment) as Record<string, unknown>) };
        for (const key of plain) {
            environment[key] = new Secret(environment[key]);
        }
        result.environment = environment;
    }
    if (plainStdin) {
        result.stdin = new Secret(unproxy(props.stdin));
    }
    return result;
};

export const commandKubeconfigPolicy: ResourceValidationPolicy = {
    name: "command-kubeconfig-secret",
    description:
        "Commands get their kubeconfig on stdin or in a KUBECONFIG* environment variable, as a secret (made one by " +
        "remediation when plain), never inline in create, update or delete.",
    // See the top of this file: remediation is the only place the SDK shows secretness.
    enforcementLevel: "remediate",
    remediateResource: secretKubeconfigRemediation,
    validateResource: (args, reportViolation) => {
        if (!COMMAND_TYPES.includes(args.type)) {
            args.notApplicable(`applies only to ${COMMAND_TYPES.join(", ")}`);
        }
        for (const property of SCRIPT_PROPERTIES) {
            const script: unknown = args.props[property];
            if (script === undefined || script === null) {
                continue;
            }
            if (typeof script !== "string") {
                reportViolation(`${subject(args)}: ${property} ${stateOf(script)}; expected a script`);
                continue;
            }
            const marker = inlineKubeconfigMarker(script);
            if (marker) {
                reportViolation(
                    `${subject(args)}: ${property} contains an inline kubeconfig (${JSON.stringify(marker)}); ` +
                        "pass it as a secret on stdin or in a KUBECONFIG environment variable instead",
                );
            }
        }
    },
};
