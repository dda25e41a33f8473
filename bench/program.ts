// Benchmark (not a test): how long the program takes to evaluate under mocks, and the longest
// dependency chain of its resource graph (what bounds `pulumi up` however parallel it runs).
import { performance } from "perf_hooks";
import { installMocks, longestChain, runProgram, settle } from "../test/mocks";

async function main(): Promise<void> {
    const recorder = installMocks();
    const started = performance.now();
    runProgram();
    await settle();
    const elapsed = performance.now() - started;
    const chain = longestChain(recorder);
    const custom = recorder.registrations.filter((r) => !r.type.startsWith("egress-lab:"));
    console.log(`program evaluation under mocks: ${elapsed.toFixed(0)} ms (${recorder.registrations.length} registrations, ${custom.length} custom resources)`);
    console.log(`longest dependency chain: ${chain.length} resources`);
    for (const urn of chain) {
        console.log(`  ${urn.split("::").slice(2).join("::")}`);
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
