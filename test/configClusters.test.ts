// Config of the clusters themselves (lib/config/clusters.ts): names, versions, node counts, VM sizes.
import { expect } from "chai";
import { parseLabConfig } from "../lib/config";
import { AKS_CALENDAR, CILIUM_CHART_INDEX as INDEX, CILIUM_LINES, standardSupportMinors } from "../lib/versions";
import { systemPoolAdvice, vmSizeProblem } from "../lib/azure/vmSizes";
import { BadInput, problemsOf, rejectsEach } from "./configProblems";

const BAD_CLUSTERS: readonly BadInput[] = [
    { raw: { location: "Korea Central" }, message: 'location: "Korea Central" is not an Azure region name; use the lower-case programmatic name, e.g. koreacentral' },
    { raw: { location: "" }, message: 'location: "" must not be empty' },
    { raw: { resourceGroupName: "rg." }, message: "resourceGroupName: \"rg.\" is not a valid resource group name; allowed: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'" },
    { raw: { clusterAName: "-aks" }, message: "clusterAName: \"-aks\" is not a valid AKS cluster name; allowed: 1-63 letters, digits, '_' or '-', starting and ending with a letter or digit" },
    { raw: { clusterBName: "egress-lab-a" }, message: 'clusterBName: "egress-lab-a" is the same name as clusterAName; the two clusters need different names' },
    { raw: { clusterBName: "egress_lab_a" }, message: "clusterBName: \"egress_lab_a\" gives the same DNS prefix as clusterAName (egress-lab-a); choose names that differ in more than '_' vs '-'" },
    {
        raw: { resourceGroupName: "r".repeat(60) },
        message: ["a", "b"].map(
            (c) => `cluster${c.toUpperCase()}Name: "egress-lab-${c}" makes AKS's node resource group name MC_${"r".repeat(60)}_egress-lab-${c}_koreacentral 89 characters long; shorten it or resourceGroupName so it fits in 80`,
        ),
    },
    { raw: { kubernetesVersion: "v1.35" }, message: 'kubernetesVersion: "v1.35" is not a Kubernetes version; expected 1.<minor> or 1.<minor>.<patch>, e.g. 1.35' },
    { raw: { clusterANodeCount: 0 }, message: "clusterANodeCount: 0 must be a whole number from 1 to 10" },
    { raw: { clusterBNodeCount: "2.5" }, message: 'clusterBNodeCount: "2.5" must be a whole number from 1 to 10' },
    { raw: { nodeVmSize: "DS2_v2" }, message: 'nodeVmSize: "DS2_v2" is not an Azure VM size name; expected the form Standard_<size>, e.g. Standard_D2s_v5' },
    { raw: { gatewayVmSize: "Standard_B1s" }, message: 'gatewayVmSize: "Standard_B1s" is too small for AKS; allowed: sizes with at least 2 vCPUs and 4 GiB, e.g. Standard_D2s_v5' },
    { raw: { nodeVmSize: "Standard_DS1_v2" }, message: 'nodeVmSize: "Standard_DS1_v2" is too small for AKS; allowed: sizes with at least 2 vCPUs and 4 GiB, e.g. Standard_D2s_v5' },
    { raw: { clusterANodeCount: "three" }, message: 'clusterANodeCount: "three" must be a whole number from 1 to 10' },
    { raw: { location: " koreacentral" }, message: 'location: " koreacentral" has leading or trailing spaces; remove them' },
    { raw: { location: 5 }, message: "location: 5 must be a string" },
    { raw: { ciliumVersion: "v1.19" }, message: 'ciliumVersion: "v1.19" is not a Cilium release; expected <major>.<minor>.<patch>, e.g. 1.19.6' },
    { raw: { ciliumVersion: "1.16.25" }, message: `ciliumVersion: "1.16.25" is not a published Cilium chart; the 1.16 line has 1.16.0 to 1.16.19 except 1.16.14 in ${INDEX} (a newer release: add its patch to CILIUM_LINES in lib/versions.ts)` },
    { raw: { ciliumVersion: "1.16.14" }, message: `ciliumVersion: "1.16.14" is not a published Cilium chart; the 1.16 line has 1.16.0 to 1.16.19 except 1.16.14 in ${INDEX} (a newer release: add its patch to CILIUM_LINES in lib/versions.ts)` },
    { raw: { ciliumVersion: "1.19.9" }, message: `ciliumVersion: "1.19.9" is not a published Cilium chart; the 1.19 line has 1.19.0 to 1.19.6 in ${INDEX} (a newer release: add its patch to CILIUM_LINES in lib/versions.ts)` },
    { raw: { ciliumVersion: "1.14.2" }, message: 'ciliumVersion: "1.14.2" is from Cilium line 1.14, which this lab has no compatibility data for; allowed lines: 1.16, 1.18, 1.19, 1.20' },
    { raw: { clusterBNodeCount: 11 }, message: "clusterBNodeCount: 11 must be a whole number from 1 to 10" },
    { raw: { gatewayNodeCount: 0 }, message: "gatewayNodeCount: 0 must be a whole number from 1 to 10" },
    { raw: { gatewayNodeCount: 11 }, message: "gatewayNodeCount: 11 must be a whole number from 1 to 10" },
];

/** The day of the review that found 1.34 still accepted (2026-12-06), and days around it. */
const DEC_6 = new Date("2026-12-06T20:00:00Z");
const CALENDAR = "the AKS release calendar (learn.microsoft.com/azure/aks/supported-kubernetes-versions, ms.date 2026-08-05)";
const PAST_EOL = "AKS creates no clusters on it after that (only the Premium tier with the LTS plan supports it, which this lab does not set)";

const BAD_VERSIONS_BY_DATE: readonly BadInput[] = [
    {
        raw: { kubernetesVersion: "1.34" },
        today: DEC_6,
        message: `kubernetesVersion: "1.34" left AKS standard support on 2026-11-30 by ${CALENDAR}; ${PAST_EOL}; allowed on 2026-12-06: 1.35, 1.36, 1.37`,
    },
    {
        raw: { kubernetesVersion: "1.33" },
        today: DEC_6,
        message: `kubernetesVersion: "1.33" left AKS standard support on 2026-07-31 by ${CALENDAR}; ${PAST_EOL}; allowed on 2026-12-06: 1.35, 1.36, 1.37`,
    },
    {
        raw: { kubernetesVersion: "1.37.1" },
        today: new Date("2026-09-30T23:00:00Z"),
        message: `kubernetesVersion: "1.37.1" is not generally available on AKS until 2026-10 by ${CALENDAR}; allowed on 2026-09-30: 1.34, 1.35, 1.36`,
    },
    { raw: { kubernetesVersion: "1.29" }, today: DEC_6, message: `kubernetesVersion: "1.29" is not in ${CALENDAR}; allowed on 2026-12-06: 1.35, 1.36, 1.37` },
    {
        raw: { kubernetesVersion: "1.37" },
        today: new Date("2027-11-01T00:00:00Z"),
        message: `kubernetesVersion: "1.37" left AKS standard support on 2027-10-31 by ${CALENDAR}; ${PAST_EOL}; allowed on 2027-11-01: none (the calendar in lib/versions.ts is out of date; update it from the AKS page)`,
    },
];

describe("config: clusters", function () {
    rejectsEach(BAD_CLUSTERS);
    rejectsEach(BAD_VERSIONS_BY_DATE);

    it("judges versions by the parser's clock: the last day of support passes, the next day is refused", function () {
        expect(problemsOf({ kubernetesVersion: "1.34" }, new Date("2026-11-30T23:59:00Z"))).to.deep.equal([]);
        expect(problemsOf({ kubernetesVersion: "1.34" }, new Date("2026-12-01T00:00:00Z"))).to.have.length(1);
        expect(standardSupportMinors(new Date("2026-08-05T12:00:00Z"))).to.deep.equal([34, 35, 36]);
        expect(standardSupportMinors(DEC_6)).to.deep.equal([35, 36, 37]);
    });

    it("accepts a minor that is GA only by the calendar's plan, with a warning to confirm it in the region", function () {
        expect(parseLabConfig({ kubernetesVersion: "1.37", location: "westeurope" }, { today: DEC_6 }).warnings).to.deep.equal([
            "Kubernetes 1.37 is GA on AKS from 2026-10 by the release calendar of 2026-08-05, which only planned it; confirm your region offers it: az aks get-versions --location westeurope --output table.",
            "Cilium 1.19.6 is not e2e-tested with Kubernetes 1.37 (Cilium 1.19 is tested with 1.32, 1.33, 1.34, 1.35); it may work, but upstream does not promise it.",
        ]);
        expect(parseLabConfig({ kubernetesVersion: "1.36", ciliumVersion: "1.20.0" }, { today: DEC_6 }).warnings).to.deep.equal([]);
    });

    it("lists the size, capacity and version problems together, each under its key", function () {
        expect(problemsOf({ nodeVmSize: "Standard_B4ms", clusterAPodCidr: "10.210.0.0/22", clusterANodeCount: 10, clusterBPodCidr: "10.220.0.0/22", clusterBNodeCount: 10, kubernetesVersion: "1.33" }).map((p) => p.split(":")[0])).to.deep.equal([
            "kubernetesVersion",
            "clusterAPodCidr",
            "clusterBPodCidr",
        ]);
        // A B-series gateway (a user pool) is fine; the default ranges hold the largest clusters.
        expect(problemsOf({ gatewayVmSize: "Standard_B2ms", clusterANodeCount: 10, clusterBNodeCount: 10 })).to.deep.equal([]);
    });

    it("refuses only what the AKS API refuses, and warns on the documented system-pool rules with the cost difference", function () {
        expect(systemPoolAdvice("Standard_D4s_v5")).to.equal(undefined);
        expect(vmSizeProblem("Standard_D2s_v5")).to.equal(undefined);
        expect(problemsOf({ nodeVmSize: "Standard_B2s", clusterANodeCount: 1, clusterBNodeCount: 1, gatewayVmSize: "Standard_D2as_v5" })).to.deep.equal([]);
        const USE = "(learn.microsoft.com/azure/aks/use-system-pools)";
        expect(parseLabConfig({ nodeVmSize: "Standard_D2s_v5" }).warnings).to.deep.equal([
            `nodeVmSize: Standard_D2s_v5 has fewer than the 4 vCPUs AKS documents for system node pools ${USE}; the AKS API accepts it (it refuses only sizes under 2 vCPUs or 4 GB), fine for a short lab. ` +
                "The 4 system nodes cost $0.48/h with it against $0.96/h with Standard_D4s_v5.",
        ]);
        expect(parseLabConfig({ nodeVmSize: "Standard_B2s", clusterBNodeCount: 1 }).warnings).to.deep.equal([
            `nodeVmSize: Standard_B2s is a B-series (burstable) size, which AKS documents as not supported for system node pools ${USE}; the AKS API accepts it (it refuses only sizes under 2 vCPUs or 4 GB), fine for a short lab. ` +
                "The 3 system nodes cost $0.15/h with it against $0.72/h with Standard_D4s_v5.",
            `clusterBNodeCount: 1 is below the 2 nodes AKS documents for a system pool ${USE}; the AKS API accepts one, fine for a short lab, but nothing takes over while that node is upgraded or repaired. ` +
                "It costs $0.05/h against $0.10/h for two. B's externalTrafficPolicy: Cluster Services then never forward to another node.",
        ]);
        expect(parseLabConfig({}).warnings).to.deep.equal([]);
    });

    it("gives the gateway pool one node by default and N when gatewayNodeCount says so", function () {
        expect(parseLabConfig({}).gateway.nodeCount).to.equal(1);
        expect(parseLabConfig({ gatewayNodeCount: 2 }).gateway.nodeCount).to.equal(2);
    });

    it("defaults to versions that exist and are supported: a published Cilium chart tested with an AKS minor in standard support", function () {
        const config = parseLabConfig({});
        expect(config.ciliumVersion).to.equal(CILIUM_LINES["1.19"].newestChart);
        expect(CILIUM_LINES["1.19"].testedKubernetes).to.include(35);
        expect(config.kubernetesVersion).to.equal("1.35");
        // In standard support until 2027-03-31, four months past this review (2026-11-28).
        expect(AKS_CALENDAR.minors.find((m) => m.minor === 35)?.endOfLife).to.equal("2027-03-31");
        // Every default and every version the tests use is a published chart (the newest of each line).
        for (const line of Object.values(CILIUM_LINES)) {
            expect(`${line.newestChart.split(".").slice(0, 2).join(".")}.${Math.max(...line.publishedPatches)}`).to.equal(line.newestChart);
        }
    });

    it("warns for the seed's Cilium 1.16.4, an untested pairing, an ending minor, and a mapping without a client", function () {
        expect(parseLabConfig({ ciliumVersion: "1.16.4" }).warnings).to.deep.equal([
            "Cilium 1.16 is the seed's line and out of maintenance (its last chart, 1.16.19, is from 2026-01-13); use it to reproduce the notes, not for new work. " +
                "Upstream's AKS CI at 1.16.4 ran neither kube-proxy replacement, nor BPF masquerade, nor the egress gateway, all of which this lab turns on.",
            "Cilium 1.16.4 is not e2e-tested with Kubernetes 1.35 (Cilium 1.16 is tested with 1.28, 1.29, 1.30, 1.31); it may work, but upstream does not promise it.",
        ]);
        expect(parseLabConfig({ ciliumVersion: "1.20.0", kubernetesVersion: "1.36" }).warnings).to.deep.equal([]);
        expect(parseLabConfig({ ciliumVersion: "1.19.6", kubernetesVersion: "1.36.1" }).warnings).to.deep.equal([
            "Cilium 1.19.6 is not e2e-tested with Kubernetes 1.36 (Cilium 1.19 is tested with 1.32, 1.33, 1.34, 1.35); it may work, but upstream does not promise it.",
        ]);
        expect(parseLabConfig({ kubernetesVersion: "1.34" }, { today: new Date("2026-11-01T00:00:00Z") }).warnings).to.deep.equal([
            `Kubernetes 1.34 leaves AKS standard support on 2026-11-30 by ${CALENDAR}; choose a newer minor for anything that must outlive it.`,
        ]);
        expect(parseLabConfig({ egressMappings: ["app=nobody:10.10.100.9"] }).warnings).to.deep.equal([
            "egressMappings: no client carries app=nobody, so the policy egress-app-nobody selects no probe.",
        ]);
    });
});
