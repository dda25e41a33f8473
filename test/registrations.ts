// What test/mocks.ts records of each registered resource, and what the mocks cannot see but
// `pulumi up` meets: a name used twice.

/** One resource as the mocks saw it registered. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly parentUrn: string;
    readonly inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- provider inputs are untyped JSON
    /** Input property names whose values were secret when registered. */
    readonly secretInputs: readonly string[];
    /** URNs this resource depends on, from dependsOn and from the inputs it consumes. */
    readonly dependencies: readonly string[];
    /** Provider reference ("urn::id"), empty for the default provider. */
    readonly provider: string;
}

/**
 * The two name clashes real `pulumi up` meets and the mocks do not: the engine refuses a second
 * resource with the same URN ("Duplicate resource URN '%v'; try giving it a unique name",
 * pulumi/pulumi sdk/go/common/diag/errors.go, GetDuplicateResourceURNError), and the API server a
 * second object of one kind, namespace and name through the same provider (`%s %q already exists`,
 * kubernetes/apimachinery pkg/api/errors/errors.go, NewAlreadyExists).
 */
export function refusalOf(earlier: readonly Registration[], added: Registration): string | undefined {
    if (earlier.some((r) => r.urn === added.urn)) {
        return `Duplicate resource URN '${added.urn}'; try giving it a unique name`;
    }
    const identity = (r: Registration): string | undefined =>
        r.type.startsWith("kubernetes:") && typeof r.inputs.metadata?.name === "string" ? `${r.provider} ${r.type} ${r.inputs.metadata.namespace ?? ""}/${r.inputs.metadata.name}` : undefined;
    const key = identity(added);
    if (key !== undefined && earlier.some((r) => identity(r) === key)) {
        return `${added.type} "${added.inputs.metadata.name}" already exists (registered as ${added.name})`;
    }
    return undefined;
}
