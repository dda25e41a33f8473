// The Node versions this project runs on: the supported LTS lines that package.json's engines
// admits (22.12+, 24, 26; Node 20 left support on 2026-04-30). npm only warns about engines, and
// `pulumi up` runs whatever `node` is first on PATH, so each entry point imports this module first
// and stops on another Node with a message that says how to run the pinned one.

/** Why `version` (process.versions.node) is not a Node this project runs on, or undefined. */
export function nodeVersionProblem(version: string): string | undefined {
    const [major, minor] = version.split(".").map(Number);
    const supported = (major === 22 && minor >= 12) || major === 24 || major === 26;
    if (supported) {
        return undefined;
    }
    return (
        `Node ${version} is running egress-lab, which needs Node 22.12+, 24 or 26 (package.json engines). ` +
        "npm ci installs Node 24 into node_modules/.bin: run through npm (npm run experiment, npm exec -- pulumi up), " +
        "or put node_modules/.bin first on PATH (docs/development.md, Node and pinned versions)."
    );
}

const problem = nodeVersionProblem(process.versions.node);
if (problem !== undefined) {
    throw new Error(problem);
}
