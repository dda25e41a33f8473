// The Pulumi project's names: the project, and where the check's Command sits in the resource tree.
// The components register with them (components/egressLab.ts, components/check.ts, index.ts), and
// the experiment runner builds the Command's URN from them, to replace it on every run
// (`pulumi up --replace`) without writing a file. test/program.test.ts checks the URN against the
// one the SDK registers under mocks.

/** The project name in Pulumi.yaml; stack files and URNs carry it. */
export const PROJECT = "egress-lab";

export const LAB_COMPONENT = { type: "egress-lab:lab:EgressLab", name: "egress-lab" } as const;
export const CHECK_COMPONENT = { type: "egress-lab:check:Check", name: "check" } as const;
/** @pulumi/command's local Command; the Check names it as itself. */
export const CHECK_COMMAND_TYPE = "command:local:Command";

/**
 * The URN the engine gives the check's Command. pulumi/pulumi sdk/go/common/resource/urn/urn.go
 * New: "urn:pulumi:" + stack + "::" + project + "::" + type chain + "::" + name, where the type
 * chain is the parent's chain, "$", the type, and a child of the root Stack has no chain. The stack
 * part is the bare name, also for a stack given as org/project/name.
 */
export function checkCommandUrn(stack: string): string {
    const bare = stack.split("/").pop() ?? stack;
    const chain = [LAB_COMPONENT.type, CHECK_COMPONENT.type, CHECK_COMMAND_TYPE].join("$");
    return `urn:pulumi:${bare}::${PROJECT}::${chain}::${CHECK_COMPONENT.name}`;
}
