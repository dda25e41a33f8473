// The runner's command line: parsed once, every problem reported together with the usage.
import { helpText } from "../lib/usage";
import { EXPERIMENT_USAGE, MAX_TTL_HOURS } from "./usage";

export interface ExperimentFlags {
    /** Stack to select or create: name, or org/project/name. */
    readonly stack: string;
    /** Skip the cost question. */
    readonly yes: boolean;
    /** Tear down after the report, and also after a failure or Ctrl-C. */
    readonly destroy: boolean;
    /** Only tear down an existing stack: no cost question, no preview, no up. */
    readonly destroyOnly: boolean;
    /** Refresh the state from Azure before preview and up (`pulumi up --refresh`). */
    readonly refresh: boolean;
    /** Record now + this many hours as the stack's intended teardown time (a stack tag). */
    readonly ttlHours?: number;
    /** Run directory; default runs/<stack>-<time> under the repository. */
    readonly outDir?: string;
    /** Run the failover triggers against the existing stack (experiment/failover/), no up. */
    readonly failover: boolean;
    readonly help: boolean;
}

/** The usage (experiment/usage.ts), as --help prints it and every flag error ends. */
export const USAGE = helpText(EXPERIMENT_USAGE);

export class FlagError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`${problems.join("\n")}\n${USAGE}`);
        this.name = "FlagError";
    }
}

/** Pulumi's stack name rule: letters, digits, '-', '_' and '.', optionally qualified as org/project/stack. */
export function stackNameProblem(name: string): string | undefined {
    const parts = name.split("/");
    if (parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) {
        return `--stack "${name}" is not a stack name; allowed: letters, digits, '-', '_' and '.', optionally as org/project/stack`;
    }
    return undefined;
}

export function parseFlags(argv: readonly string[]): ExperimentFlags {
    const problems: string[] = [];
    let stack = "dev";
    let yes = false;
    let destroy = false;
    let destroyOnly = false;
    let refresh = false;
    let help = false;
    let failover = false;
    let ttlHours: number | undefined;
    let outDir: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
        const value = (): string | undefined => {
            if (inline !== undefined) {
                return inline;
            }
            const next = argv[i + 1];
            if (next === undefined || next.startsWith("--")) {
                problems.push(`${flag} needs a value`);
                return undefined;
            }
            i++;
            return next;
        };
        const noValue = (): boolean => {
            if (inline !== undefined) {
                problems.push(`${flag} takes no value (got "${inline}")`);
            }
            return true;
        };
        switch (flag) {
            case "--stack": {
                const name = value();
                if (name !== undefined) {
                    const problem = stackNameProblem(name);
                    if (problem) {
                        problems.push(problem);
                    } else {
                        stack = name;
                    }
                }
                break;
            }
            case "--ttl": {
                const text = value();
                if (text !== undefined) {
                    const hours = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
                    if (!(hours > 0 && hours <= MAX_TTL_HOURS)) {
                        problems.push(`--ttl "${text}" is not a number of hours; allowed: more than 0, at most ${MAX_TTL_HOURS}, e.g. --ttl 4 or --ttl 0.5`);
                    } else {
                        ttlHours = hours;
                    }
                }
                break;
            }
            case "--out-dir":
                outDir = value() ?? outDir;
                break;
            case "--yes":
            case "-y":
                yes = noValue();
                break;
            case "--destroy":
                destroy = noValue();
                break;
            case "--destroy-only":
                destroyOnly = noValue();
                break;
            case "--refresh":
                refresh = noValue();
                break;
            case "--failover":
                failover = noValue();
                break;
            case "--help":
            case "-h":
                help = true;
                break;
            default:
                problems.push(flag.startsWith("-") ? `unknown option ${flag}` : `unexpected argument "${flag}"`);
        }
    }
    if (destroyOnly && (destroy || refresh || ttlHours !== undefined || outDir !== undefined)) {
        problems.push("--destroy-only takes only --stack and --yes: it neither deploys nor writes a run directory");
    }
    if (failover && (destroy || destroyOnly || refresh || ttlHours !== undefined)) {
        problems.push("--failover takes only --stack, --yes and --out-dir: it runs against the existing stack, neither deploying nor tearing down");
    }
    if (problems.length > 0) {
        throw new FlagError(problems);
    }
    return { stack, yes, destroy, destroyOnly, refresh, ttlHours, outDir, failover, help };
}

/** The runner's flags as npm_config_<name> (dashes as underscores); yes is npm's own flag too. */
const NPM_SWALLOWS = ["stack", "refresh", "destroy", "destroy_only", "ttl", "out_dir", "failover"] as const;

/**
 * `npm run experiment --destroy` (no `--`) hands --destroy to npm: npm warns "Unknown cli config",
 * drops it from the script's arguments and sets npm_config_destroy=true in its environment (npm
 * docs, using-npm/scripts, "Environment": config is exposed as npm_config_*; a following value,
 * as in `--stack foo`, becomes the variable's value). The run would silently skip the flag, so the
 * runner stops and shows the right spelling. npm_config_yes is only warned about: CI commonly sets
 * it for npx, so it may not come from this command line.
 */
export function npmSwallowedFlags(env: Readonly<Record<string, string | undefined>>): { stop?: string; warn?: string } {
    const found = NPM_SWALLOWS.filter((name) => env[`npm_config_${name}`] !== undefined);
    const spelled = found.map((name) => {
        const value = env[`npm_config_${name}`];
        return `--${name.replace(/_/g, "-")}${value && value !== "true" ? ` ${value}` : ""}`;
    });
    const yes = env.npm_config_yes === "true";
    return {
        stop:
            found.length > 0
                ? `npm took ${spelled.join(", ")} for itself: options before \`--\` go to npm, not to the runner. Run: npm run experiment -- ${spelled.join(" ")}`
                : undefined,
        warn: yes ? "npm_config_yes is set (npm's own --yes, or the environment); if you meant the runner's, run: npm run experiment -- --yes" : undefined,
    };
}
