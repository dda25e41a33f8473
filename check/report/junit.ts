// The verdicts as JUnit XML, so CI systems show them: one test case per row (cross-cluster,
// Cluster coverage, domain), one suite per kind. Pure.
//
// The format CI systems read (Jenkins, GitLab, GitHub test reporters): <testsuites> of
// <testsuite name tests failures errors skipped time> of <testcase classname name time>, with a
// <failure message type> child when a check failed and <error> when it could not be decided.
import { coverageSummaryLine } from "../core/coverage";
import { summaryLine } from "../core/analyze";
import { domainSummaryLine } from "../core/domainVerdict";
import { CheckReport } from "../model/types";

export interface JunitCase {
    readonly name: string;
    readonly classname: string;
    readonly seconds: number;
    /** "inconclusive": the evidence was incomplete; reported as an error, not a pass. */
    readonly verdict: string;
    /** Why it failed, one reason per entry. */
    readonly reasons: readonly string[];
    /** The row's summary line and anything else worth reading in the CI view. */
    readonly output: string;
}

export interface JunitSuite {
    readonly name: string;
    readonly cases: readonly JunitCase[];
}

/**
 * Text as XML 1.0 allows it, escaped for attributes and content alike. Characters XML cannot hold
 * at all (controls other than tab, newline and return; lone surrogates; U+FFFE, U+FFFF) become U+FFFD.
 */
export function xmlEscape(text: string): string {
    return text
        .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;");
}

function attributes(values: Record<string, string | number>): string {
    return Object.entries(values)
        .map(([key, value]) => ` ${key}="${xmlEscape(String(value))}"`)
        .join("");
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

function testcase(c: JunitCase): string {
    const head = `    <testcase${attributes({ classname: c.classname, name: c.name, time: c.seconds.toFixed(3) })}>`;
    const message = c.reasons[0] ?? c.verdict;
    const body =
        c.verdict === "pass"
            ? ""
            : c.verdict === "fail"
              ? `      <failure${attributes({ message, type: "mismatch" })}>${xmlEscape(c.reasons.join("\n"))}</failure>\n`
              : `      <error${attributes({ message, type: c.verdict })}>${xmlEscape(c.reasons.join("\n"))}</error>\n`;
    return `${head}\n${body}      <system-out>${xmlEscape(c.output)}</system-out>\n    </testcase>`;
}

/** The document: every suite, with counts that add up. */
export function junitXml(suites: readonly JunitSuite[], name: string, timestamp?: string): string {
    const count = (cases: readonly JunitCase[], verdict: (v: string) => boolean): number => cases.filter((c) => verdict(c.verdict)).length;
    const all = suites.flatMap((s) => s.cases);
    const totals = (cases: readonly JunitCase[]) => ({
        tests: cases.length,
        failures: count(cases, (v) => v === "fail"),
        errors: count(cases, (v) => v !== "pass" && v !== "fail"),
        skipped: 0,
        time: cases.reduce((sum, c) => sum + c.seconds, 0).toFixed(3),
    });
    const lines = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites${attributes({ name, ...totals(all) })}>`];
    for (const suite of suites) {
        lines.push(`  <testsuite${attributes({ name: suite.name, ...totals(suite.cases), ...(timestamp ? { timestamp } : {}) })}>`);
        lines.push(...suite.cases.map(testcase));
        lines.push("  </testsuite>");
    }
    lines.push("</testsuites>", "");
    return lines.join("\n");
}

/** A check report as JUnit suites: cross-cluster rows, Cluster coverage, the domain allow-list. */
export function reportSuites(report: CheckReport): JunitSuite[] {
    const prefix = `egress-lab.${report.backend}`;
    const suites: JunitSuite[] = [
        {
            name: `${prefix}.cross-cluster`,
            cases: report.observations.map((o) => ({
                classname: `${prefix}.cross-cluster.${o.client.pod}`,
                name: `${o.client.pod} (${o.client.label}) -> ${o.path}/${o.externalTrafficPolicy} ${o.targetAddress}`,
                seconds: seconds(o.durationMs),
                verdict: o.verdict,
                reasons: [...o.mismatches, ...o.missingEvidence],
                output: [summaryLine(o), ...o.expected.reasons, ...o.errors].join("\n"),
            })),
        },
    ];
    if (report.coverage && report.coverage.length > 0) {
        suites.push({
            name: `${prefix}.cluster-coverage`,
            cases: report.coverage.map((row) => ({
                classname: `${prefix}.cluster-coverage`,
                name: `${row.service} ${row.targetAddress}: kept and forwarded`,
                seconds: 0,
                verdict: row.verdict,
                reasons: row.missingEvidence,
                output: [coverageSummaryLine(row), row.kept.by ?? "", row.forwarded.by ?? ""].filter((l) => l !== "").join("\n"),
            })),
        });
    }
    if (report.domains && report.domains.length > 0) {
        suites.push({
            name: `${prefix}.domain-allow-list`,
            cases: report.domains.map((d) => ({
                classname: `${prefix}.domain-allow-list.${d.client.pod}`,
                name: `${d.domain} (${d.expected === "connect" ? "allowed" : "blocked"})`,
                seconds: seconds(d.durationMs),
                verdict: d.verdict,
                reasons: [...d.mismatches, ...d.missingEvidence],
                output: [domainSummaryLine(d), ...d.flow.flows.map((f) => f.summary), ...d.errors].join("\n"),
            })),
        });
    }
    return suites;
}

/** The whole report as JUnit XML. */
export function reportJunit(report: CheckReport): string {
    return junitXml(reportSuites(report), `egress-lab ${report.runId} (${report.backend})`, report.startedAt);
}
