// Reading raw settings: coerce each key to its declared type, and collect every problem so they
// are reported at once (ConfigError).
import { CONFIG_SCHEMA, ConfigKeySpec } from "./schema";

/** One bad value: which key, what it held, and what is allowed. */
export interface ConfigProblem {
    readonly key: string;
    readonly message: string;
}

export class ConfigError extends Error {
    constructor(readonly problems: readonly ConfigProblem[]) {
        super(
            `egress-lab configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
                problems.map((p) => `  - ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Raw values by key: strings as Pulumi passes them, or typed values as YAML holds them. */
export type RawConfig = Readonly<Record<string, unknown>>;

/**
 * A project's keys without their namespace, in an object without a prototype, so `__proto__` or
 * `constructor` is a key like any other (the Reader reports it as unknown) and sets nothing.
 */
export function projectConfig(project: string, entries: Iterable<readonly [string, unknown]>): RawConfig {
    const raw: Record<string, unknown> = Object.create(null);
    const prefix = `${project}:`;
    for (const [key, value] of entries) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = value;
        }
    }
    return raw;
}

/** Every field of T defined: what a domain validator returns once all its parts were read. */
export type Complete<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };

/** True when no field is undefined; narrows the parts to their checked types without assertions. */
export function isComplete<T extends object>(parts: T): parts is T & Complete<T> {
    return Object.values(parts).every((value) => value !== undefined);
}

export function show(value: unknown): string {
    return JSON.stringify(value) ?? String(value);
}

export class Problems {
    readonly list: ConfigProblem[] = [];
    add(key: string, value: unknown, allowed: string): void {
        this.list.push({ key, message: `${key}: ${show(value)} ${allowed}` });
    }
}

/** Reads one key, coerced to its declared type; reports and returns undefined when it cannot be. */
export class Reader {
    constructor(
        private readonly raw: RawConfig,
        private readonly problems: Problems,
    ) {
        const known = new Set(CONFIG_SCHEMA.map((s) => s.key));
        for (const key of Object.keys(raw)) {
            if (!known.has(key)) {
                problems.add(key, raw[key], `is not a known setting; known settings: ${[...known].join(", ")}`);
            }
        }
    }

    private spec(key: string): ConfigKeySpec {
        const spec = CONFIG_SCHEMA.find((s) => s.key === key);
        if (!spec) {
            throw new Error(`internal: ${key} is not in CONFIG_SCHEMA`);
        }
        return spec;
    }

    private value(key: string): unknown {
        const given = this.raw[key];
        return given === undefined || given === null ? this.spec(key).default : given;
    }

    isSet(key: string): boolean {
        return this.raw[key] !== undefined && this.raw[key] !== null;
    }

    string(key: string): string | undefined {
        const value = this.value(key);
        if (typeof value !== "string") {
            this.problems.add(key, value, "must be a string");
            return undefined;
        }
        if (value.trim() === "") {
            this.problems.add(key, value, "must not be empty");
            return undefined;
        }
        if (value !== value.trim()) {
            this.problems.add(key, value, "has leading or trailing spaces; remove them");
            return undefined;
        }
        return value;
    }

    integer(key: string, min: number, max: number): number | undefined {
        const value = this.value(key);
        const number =
            typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
        if (!Number.isInteger(number) || number < min || number > max) {
            this.problems.add(key, value, `must be a whole number from ${min} to ${max}`);
            return undefined;
        }
        return number;
    }

    boolean(key: string): boolean | undefined {
        const value = this.value(key);
        if (typeof value === "boolean") {
            return value;
        }
        if (value === "true" || value === "false") {
            return value === "true";
        }
        this.problems.add(key, value, "must be true or false");
        return undefined;
    }

    /** Arrays arrive as JSON text from Pulumi and as lists from YAML. */
    stringArray(key: string): string[] | undefined {
        let value = this.value(key);
        if (typeof value === "string") {
            try {
                value = JSON.parse(value);
            } catch {
                this.problems.add(key, value, "must be a list of strings, e.g. [\"a\", \"b\"]");
                return undefined;
            }
        }
        const strings = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "") : [];
        if (!Array.isArray(value) || strings.length !== value.length) {
            this.problems.add(key, value, "must be a list of non-empty strings, e.g. [\"a\", \"b\"]");
            return undefined;
        }
        return strings;
    }

    /** A list that must hold at least one entry; `allowed` says what entries may be. */
    nonEmptyStringArray(key: string, allowed: string): string[] | undefined {
        const values = this.stringArray(key);
        if (values !== undefined && values.length === 0) {
            this.problems.add(key, values, `is empty; allowed: ${allowed}`);
            return undefined;
        }
        return values;
    }
}

export function checkName(problems: Problems, key: string, value: string | undefined, problem: (v: string) => string | undefined): string | undefined {
    if (value === undefined) {
        return undefined;
    }
    const found = problem(value);
    if (found) {
        problems.add(key, value, found);
        return undefined;
    }
    return value;
}

/** A non-empty list of distinct values, each one of `allowed`. */
export function readChoices<T extends string>(reader: Reader, problems: Problems, key: string, allowed: readonly T[]): T[] | undefined {
    const allowedText = allowed.map((a) => `"${a}"`).join(", ");
    const values = reader.nonEmptyStringArray(key, `one or more of ${allowedText}`);
    if (values === undefined) {
        return undefined;
    }
    const isAllowed = (v: string): v is T => allowed.some((a) => a === v);
    const known = values.filter(isAllowed);
    const unknown = values.filter((v) => !isAllowed(v));
    if (unknown.length > 0) {
        problems.add(key, values, `has unknown value${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}; allowed: ${allowedText}`);
        return undefined;
    }
    const duplicates = known.filter((v, i) => known.indexOf(v) !== i);
    if (duplicates.length > 0) {
        problems.add(key, values, `lists "${duplicates[0]}" more than once`);
        return undefined;
    }
    return known;
}
