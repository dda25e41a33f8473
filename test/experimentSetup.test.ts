// The runner's front door: flags, prerequisites (each named with its fix), and the cost question.
import { expect } from "chai";
import { parseLabConfig } from "../lib/config";
import { confirmCost, costLines, NoTerminalError } from "../experiment/costPrompt";
import { FlagError, npmSwallowedFlags, parseFlags, USAGE } from "../experiment/flags";
import { Machine, missingPrerequisites, stackEnvironments } from "../experiment/prerequisites";
import { defaultRunDir } from "../experiment/main";

function flagProblems(argv: string[]): string[] {
    try {
        parseFlags(argv);
    } catch (error) {
        if (error instanceof FlagError) {
            expect(error.message.endsWith(USAGE)).to.equal(true);
            return [...error.problems];
        }
        throw error;
    }
    return [];
}

interface FakeMachine {
    /** Exit 0 or not; a string is the output of a command that exits 0. */
    readonly commands?: Readonly<Record<string, boolean | string>>;
    readonly env?: Record<string, string>;
    readonly files?: Readonly<Record<string, string>>;
}

function machine(m: FakeMachine): Machine & { ran: string[] } {
    const ran: string[] = [];
    const files = { "/repo/policies/node_modules/@pulumi/policy": "", ...m.files };
    return {
        ran,
        run: async (command, args) => {
            const line = [command, ...args].join(" ");
            ran.push(line);
            const answer = m.commands?.[line] ?? false;
            return { ok: answer !== false, output: typeof answer === "string" ? answer : "" };
        },
        env: m.env ?? {},
        exists: (file) => file in files,
        readFile: (file) => files[file as keyof typeof files],
    };
}

const READY = { "pulumi version": true, "pulumi whoami --json --non-interactive": true, "az account show --output none": true };

describe("experiment: flags", function () {
    it("reads the modes: --destroy-only alone with --stack/--yes, --refresh, -y", function () {
        expect(parseFlags(["--destroy-only", "-y", "--stack", "x"])).to.deep.include({ destroyOnly: true, yes: true, stack: "x", refresh: false });
        expect(parseFlags(["--refresh"])).to.deep.include({ refresh: true, destroyOnly: false });
        expect(flagProblems(["--destroy-only", "--ttl", "2"])).to.deep.equal(["--destroy-only takes only --stack and --yes: it neither deploys nor writes a run directory"]);
    });

    it("reads every flag, in both --flag value and --flag=value forms", function () {
        expect(parseFlags([])).to.deep.equal({ stack: "dev", yes: false, destroy: false, destroyOnly: false, refresh: false, ttlHours: undefined, outDir: undefined, failover: false, help: false });
        expect(parseFlags(["--stack", "myorg/egress-lab/try1", "--yes", "--destroy", "--ttl=0.5", "--out-dir", "/tmp/run"])).to.deep.equal({
            stack: "myorg/egress-lab/try1",
            yes: true,
            destroy: true,
            destroyOnly: false,
            refresh: false,
            ttlHours: 0.5,
            outDir: "/tmp/run",
            failover: false,
            help: false,
        });
        expect(parseFlags(["-h"]).help).to.equal(true);
    });

    it("lists every bad flag at once, each with what is allowed", function () {
        expect(flagProblems(["--ttl", "-1", "--stack", "my stack", "--fast", "extra", "--yes=no", "--out-dir"])).to.deep.equal([
            '--ttl "-1" is not a number of hours; allowed: more than 0, at most 720, e.g. --ttl 4 or --ttl 0.5',
            "--stack \"my stack\" is not a stack name; allowed: letters, digits, '-', '_' and '.', optionally as org/project/stack",
            "unknown option --fast",
            'unexpected argument "extra"',
            '--yes takes no value (got "no")',
            "--out-dir needs a value",
        ]);
        expect(flagProblems(["--ttl", "721"])).to.have.length(1);
        expect(flagProblems(["--ttl", "2h"])).to.deep.equal(['--ttl "2h" is not a number of hours; allowed: more than 0, at most 720, e.g. --ttl 4 or --ttl 0.5']);
        expect(flagProblems(["--stack", "--yes"])).to.deep.equal(["--stack needs a value"]);
    });

    it("names the default run directory after the stack and the UTC time", function () {
        expect(defaultRunDir("/repo", "org/p/dev", new Date("2026-11-27T18:00:05.123Z"))).to.equal("/repo/runs/org_p_dev-20261127T180005Z");
    });
});

describe("experiment: npm's own flags", function () {
    it("stops when npm took the runner's flags (no `--`), showing the right spelling; only warns about npm_config_yes", function () {
        // What `npm run experiment --destroy --stack foo` leaves in the script's environment.
        expect(npmSwallowedFlags({ npm_config_destroy: "true", npm_config_stack: "foo" })).to.deep.equal({
            stop: "npm took --stack foo, --destroy for itself: options before `--` go to npm, not to the runner. Run: npm run experiment -- --stack foo --destroy",
            warn: undefined,
        });
        expect(npmSwallowedFlags({ npm_config_yes: "true" }).stop).to.equal(undefined);
        expect(npmSwallowedFlags({ npm_config_yes: "true" }).warn).to.match(/^npm_config_yes is set/);
        expect(npmSwallowedFlags({ npm_config_cache: "/x" })).to.deep.equal({ stop: undefined, warn: undefined });
    });
});

describe("experiment: prerequisites", function () {
    it("names the passphrase a self-managed backend needs when the runner cannot type it", async function () {
        const local = { ...READY, "pulumi whoami --json --non-interactive": '{"user":"me","url":"file://~"}' };
        expect(await missingPrerequisites(machine({ commands: local }), "/repo", "dev")).to.deep.equal([
            "Pulumi passphrase: the backend file://~ encrypts secrets with a passphrase, and the runner cannot type it. Export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE, a file holding it), or use `pulumi login` (Pulumi Cloud).",
        ]);
        // Set, even empty, is what the CLI accepts (os.LookupEnv); a _FILE must name a file.
        expect(await missingPrerequisites(machine({ commands: local, env: { PULUMI_CONFIG_PASSPHRASE: "" } }), "/repo", "dev")).to.deep.equal([]);
        expect(await missingPrerequisites(machine({ commands: local, env: { PULUMI_CONFIG_PASSPHRASE_FILE: "/p" } }), "/repo", "dev")).to.deep.equal([]);
        const cloud = { ...READY, "pulumi whoami --json --non-interactive": 'warning: a new version\n{"user":"me","url":"https://app.pulumi.com"}' };
        expect(await missingPrerequisites(machine({ commands: cloud }), "/repo", "dev")).to.deep.equal([]);
    });

    it("passes with the Pulumi CLI, a backend login, az logged in and the policy pack installed", async function () {
        expect(await missingPrerequisites(machine({ commands: READY }), "/repo", "dev")).to.deep.equal([]);
    });

    it("names every missing piece with its fix, before anything is created", async function () {
        const bare = machine({});
        expect(await missingPrerequisites(bare, "/nowhere", "dev")).to.deep.equal([
            "Pulumi CLI: `pulumi` is not on PATH. Install it with `curl -fsSL https://get.pulumi.com | sh` (https://www.pulumi.com/docs/iac/download-install/), then open a new shell.",
            "Azure login: none found. Either run `az login` then `az account set -s <subscription>`, or set ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID and ARM_CLIENT_SECRET (a service principal), or import a Pulumi ESC environment with azure-login in the stack file (docs/credentials.md).",
            "Policy pack: its packages are not installed. Run `(cd policies && npm ci)`.",
        ]);
        // No Pulumi CLI: no login check; no ARM_* variables: az is asked.
        expect(bare.ran).to.deep.equal(["pulumi version", "az account show --output none"]);
        const notLoggedIn = machine({ commands: { "pulumi version": true, "az account show --output none": true } });
        expect(await missingPrerequisites(notLoggedIn, "/repo", "dev")).to.deep.equal([
            "Pulumi backend: not logged in. Run `pulumi login` (Pulumi Cloud) or `pulumi login --local` (state on this machine).",
        ]);
    });

    it("names a Pulumi CLI older than 3.139, which passes dynamic providers no stack config", async function () {
        const old = machine({ commands: { ...READY, "pulumi version": "v3.138.2" } });
        expect(await missingPrerequisites(old, "/repo", "dev")).to.deep.equal([
            "Pulumi CLI: v3.138.2 is older than v3.139.0, which passes dynamic providers the stack config (the gateway forwarding signs in with it). Upgrade: `curl -fsSL https://get.pulumi.com | sh`.",
        ]);
        for (const fine of ["v3.139.0", "v3.276.0", "v4.0.0", "v3.276.0-alpha.x1234"]) {
            expect(await missingPrerequisites(machine({ commands: { ...READY, "pulumi version": fine } }), "/repo", "dev"), fine).to.deep.equal([]);
        }
        expect(await missingPrerequisites(machine({ commands: { ...READY, "pulumi version": "v2.25.2" } }), "/repo", "dev")).to.have.length(1);
    });

    it("accepts complete ARM_* credentials without az, and names what incomplete ones lack", async function () {
        const pulumiOnly = { "pulumi version": true, "pulumi whoami --json --non-interactive": true };
        const oidc = machine({ commands: pulumiOnly, env: { ARM_CLIENT_ID: "c", ARM_TENANT_ID: "t", ARM_SUBSCRIPTION_ID: "s", ARM_USE_OIDC: "true" } });
        expect(await missingPrerequisites(oidc, "/repo", "dev")).to.deep.equal([]);
        expect(oidc.ran).to.not.include("az account show --output none");
        const partial = machine({ commands: READY, env: { ARM_CLIENT_ID: "c", ARM_USE_MSI: "false" } });
        expect(await missingPrerequisites(partial, "/repo", "dev")).to.deep.equal([
            "Azure credentials: the ARM_* variables are incomplete, missing ARM_TENANT_ID and ARM_SUBSCRIPTION_ID and one of ARM_CLIENT_SECRET, ARM_CLIENT_CERTIFICATE_PATH, ARM_USE_OIDC, ARM_OIDC_TOKEN, ARM_USE_MSI. Set them, or unset them all and use az login (docs/credentials.md).",
        ]);
    });

    it("takes Azure credentials from a Pulumi ESC environment the stack file imports", async function () {
        const esc = machine({ commands: { "pulumi version": true, "pulumi whoami --json --non-interactive": true }, files: { "/repo/Pulumi.try1.yaml": "environment:\n  - egress-lab/azure\nconfig: {}\n" } });
        expect(await missingPrerequisites(esc, "/repo", "myorg/egress-lab/try1")).to.deep.equal([]);
        expect(stackEnvironments("config:\n  egress-lab:location: westeurope\n")).to.deep.equal([]);
        expect(stackEnvironments(undefined)).to.deep.equal([]);
    });
});

describe("experiment: cost question", function () {
    it("prints the estimate from the policy pack's estimate function, pool by pool, with disks, load balancers and public IPs", function () {
        expect(costLines(parseLabConfig({ clusterBNodeCount: 3, nodeVmSize: "Standard_D4s_v5" }))).to.deep.equal([
            "Estimated cost while the lab exists: $1.62/h for nodes, OS disks, load balancers and public IPs (pay-as-you-go list prices):",
            "  egress-lab-a system pool 2 × Standard_D4s_v5 = $0.48/h",
            "  egress-lab-a gateway pool (egressgw) 1 × Standard_D2s_v5 = $0.12/h",
            "  egress-lab-b system pool 3 × Standard_D4s_v5 = $0.72/h",
            "  egress-lab-a load balancers (outbound; internal HA-ports next hop): 2 × Standard load balancer = $0.05/h",
            "  egress-lab-b load balancers (outbound and public receivers; internal receivers): 2 × Standard load balancer = $0.05/h",
            "  public IPs (egress-lab-a and egress-lab-b outbound, 2 public receiver Service(s)): 4 × Standard public IP = $0.02/h",
            "  OS disks (one per node): 6 × managed OS disk = $0.18/h",
            "  Check the Azure pricing calculator for your region (README, Cost).",
        ]);
        expect(costLines(parseLabConfig({ gatewayVmSize: "Standard_E2s_v5" }))).to.include('  egress-lab-a gateway pool (egressgw): not priced, vmSize "Standard_E2s_v5" has no price in HOURLY_USD (lib/azure/vmSizes.ts)');
    });

    it("goes on with --yes, asks on a terminal, and refuses without one", async function () {
        const asked: string[] = [];
        const terminal = (answer: string) => ({ interactive: true, ask: async (q: string) => (asked.push(q), answer) });
        expect(await confirmCost({ interactive: false, ask: async () => "y" }, true, "dev")).to.equal(true);
        expect(await confirmCost(terminal("yes"), false, "dev")).to.equal(true);
        expect(await confirmCost(terminal(""), false, "dev")).to.equal(false);
        expect(asked).to.deep.equal(["Create or update stack dev at this cost? [y/N] ", "Create or update stack dev at this cost? [y/N] "]);
        let refusal: unknown;
        await confirmCost({ interactive: false, ask: async () => "y" }, false, "dev").catch((e) => (refusal = e));
        expect(refusal).to.be.instanceOf(NoTerminalError);
    });
});
