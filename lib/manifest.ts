// The pure functions in lib/ return plain JSON manifests; the @pulumi/kubernetes constructors take
// the same shape as their Args types. This is the one place the two meet.
export type Manifest = Record<string, unknown>;

export function asArgs<T>(manifest: Manifest): T {
    return manifest as T;
}
