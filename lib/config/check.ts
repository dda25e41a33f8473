// The check's own settings and the lab's expiry.
import { CheckSettings } from "./model";
import { checkName, isComplete, Problems, Reader } from "./reader";

/** A UTC instant written the one way the runner writes it, so tags and comparisons stay simple. */
export function expiresAtProblem(value: string): string | undefined {
    if (value === "never") {
        return undefined;
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) {
        return "is not a UTC time of the form 2026-11-27T18:00:00Z, or never";
    }
    const time = Date.parse(value);
    if (Number.isNaN(time) || new Date(time).toISOString().replace(".000Z", "Z") !== value) {
        return "is not a real date and time; expected e.g. 2026-11-27T18:00:00Z";
    }
    return undefined;
}

export interface CheckReads {
    readonly check: CheckSettings;
    /** Undefined: never expires. */
    readonly expiresAt?: string;
}

/** A past expiry is legal (a stack can outlive it) but a new `up` would build a lab that is already due. */
export function expiresAtWarning(expiresAt: string, now: Date): string | undefined {
    if (expiresAt === "never" || Date.parse(expiresAt) > now.getTime()) {
        return undefined;
    }
    const utc = (time: Date): string => time.toISOString().replace(/\.\d{3}Z$/, "Z");
    // The example is four hours from now, so it is never itself in the past.
    const later = utc(new Date(now.getTime() + 4 * 3600_000));
    return `expiresAt: ${expiresAt} is already past (now ${utc(now)}), so the resource group's tag marks it due for teardown as soon as it exists; set a later time (pulumi config set expiresAt ${later}) or never.`;
}

export function readCheck(reader: Reader, problems: Problems, warnings: string[], now: Date): CheckReads | undefined {
    const check = { nonce: reader.string("checkNonce"), strict: reader.boolean("checkStrict") };
    const expiresAt = checkName(problems, "expiresAt", reader.string("expiresAt"), expiresAtProblem);
    if (!isComplete(check) || expiresAt === undefined) {
        return undefined;
    }
    const late = expiresAtWarning(expiresAt, now);
    if (late) {
        warnings.push(late);
    }
    return { check, expiresAt: expiresAt === "never" ? undefined : expiresAt };
}
