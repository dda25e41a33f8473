// The one test for "a plain JSON object", for code that reads values from outside the program
// (the policy pack's resource properties, Hubble JSON, stack files). Arrays and null are not records.
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
