// The one test for "a plain JSON object", for code that reads values from outside the program
// (the policy pack's resource properties, Hubble JSON, stack files). Arrays and null are not records.
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How much outside JSON the programs read: far above two kubeconfigs and a plan, far below V8's limits. */
export const JSON_LIMITS = { bytes: 16 * 1024 * 1024, depth: 64 } as const;

/**
 * Parses outside JSON that is at most `limits.bytes` long and `limits.depth` deep, and says "too
 * large" otherwise: before JSON.parse, and before any recursive walk or JSON.stringify of the value
 * could fail with "Maximum call stack size exceeded". Throws SyntaxError for text that is not JSON.
 */
export function parseBoundedJson(text: string, what: string, limits: { readonly bytes: number; readonly depth: number } = JSON_LIMITS): unknown {
    if (text.length > limits.bytes) {
        throw new RangeError(`${what} is too large: more than ${limits.bytes} bytes`);
    }
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
            if (c === "\\") {
                i++;
            } else if (c === '"') {
                inString = false;
            }
        } else if (c === '"') {
            inString = true;
        } else if (c === "[" || c === "{") {
            if (++depth > limits.depth) {
                throw new RangeError(`${what} is too large: nested more than ${limits.depth} levels deep`);
            }
        } else if (c === "]" || c === "}") {
            depth--;
        }
    }
    return JSON.parse(text);
}
