// Reading resource properties the way the policy SDK hands them over. Pure helpers, no PolicyPack.
//
// @pulumi/policy 1.21.0 passes `args.props` through a proxy that throws UnknownValueError when a
// policy reads a value the engine does not know yet (preview); the SDK turns that error into an
// advisory "can't run policy during preview". `peek` reads without throwing, for checks where
// "known later" is a fine answer (a subnet ID that the same stack creates).
import { ResourceValidationArgs, Secret, UnknownValueError } from "@pulumi/policy";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { isRecord } from "../lib/records";

/** What `peek` returns for a value the engine does not know yet. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

/** The SDK's proxies answer these two keys (policy/proxy.js, policy/secret.js). */
const IS_SPECIAL_PROXY = "__isSpecialProxy";
const SPECIAL_PROXY_TARGET = "__getSpecialProxyTarget";

/** `container[key]`, or UNKNOWN when the SDK says the value is not known yet. */
export function peek(container: unknown, key: string | number): unknown {
    if (typeof container !== "object" || container === null) {
        return undefined;
    }
    try {
        return (container as Record<string | number, unknown>)[key];
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return UNKNOWN;
        }
        throw e;
    }
}

/** Follows a path of keys with `peek`; UNKNOWN as soon as one step is unknown. */
export function peekPath(container: unknown, path: readonly (string | number)[]): unknown {
    let current = container;
    for (const key of path) {
        if (current === UNKNOWN) {
            return UNKNOWN;
        }
        current = peek(current, key);
    }
    return current;
}

/** The plain object behind the SDK's proxies (unknown-checking and secrets-preserving). */
export function unproxy(value: unknown): unknown {
    let current = value;
    for (let depth = 0; depth < 4; depth++) {
        if (typeof current !== "object" || current === null) {
            return current;
        }
        const record = current as Record<string, unknown>;
        if (record[IS_SPECIAL_PROXY] !== true) {
            return current;
        }
        current = record[SPECIAL_PROXY_TARGET];
    }
    return current;
}

/**
 * True when a raw (unproxied) value still carries its secret marker: a policy `Secret` (how the SDK
 * hands secrets to remediations) or the wire form `{ [specialSigKey]: specialSecretSig, value }`.
 * Validations never see either: the SDK unwraps secrets before calling validateResource.
 */
export function isMarkedSecret(value: unknown): boolean {
    if (value instanceof Secret) {
        return true;
    }
    return isRecord(value) && value[specialSigKey] === specialSecretSig;
}

/** How messages name a resource: its type and Pulumi name. */
export function subject(args: { readonly type: string; readonly name: string }): string {
    return `${args.type} "${args.name}"`;
}

/** Marks the policy not applicable to a resource of another type (the SDK's own helpers do this too). */
export function notApplicableUnless(args: ResourceValidationArgs, types: readonly string[]): void {
    if (!types.includes(args.type)) {
        args.notApplicable(`applies only to ${types.join(", ")}`);
    }
}

/** A value for a message: "not set" or `is <json>`. */
export function stateOf(value: unknown): string {
    if (value === undefined) {
        return "is not set";
    }
    if (value === UNKNOWN) {
        return "is not known yet";
    }
    return `is ${JSON.stringify(value)}`;
}
