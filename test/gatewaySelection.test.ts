import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { selectGateway } from "../lib/cilium/gatewaySelection";
import { selectionClusterRole, selectionClusterRoleBinding, selectionServiceAccount } from "../lib/kube/gatewayRbac";
import { nextHopService, SELECTOR_APP } from "../lib/kube/egress";
import { nextHopSelectorDaemonSet } from "../lib/kube/nextHopSelector";
import { SELECTION_SCRIPT } from "../lib/kube/selectionScript";

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are read as plain JSON here */
const LABEL = { key: "egress-gateway", value: "true" };
const on = { "egress-gateway": "true" };

describe("gateway selection: Cilium's rule", function () {
    it("picks the first labelled CiliumNode by name, ignoring unlabelled ones", function () {
        const nodes = [
            { name: "aks-egressgw-0-vmss000001", labels: on },
            { name: "aks-egressgw-0-vmss000000", labels: { "egress-gateway": "false" } },
            { name: "aks-egressgw-0-vmss000002", labels: on },
        ];
        expect(selectGateway(nodes, LABEL)?.name).to.equal("aks-egressgw-0-vmss000001");
    });

    it("orders by bytes as Go's < does, not by number or locale", function () {
        expect(selectGateway([{ name: "node-9", labels: on }, { name: "node-10", labels: on }], LABEL)?.name).to.equal("node-10");
        expect(selectGateway([{ name: "b", labels: on }, { name: "B", labels: on }], LABEL)?.name).to.equal("B");
    });

    it("selects nothing when no node carries the label (Cilium then drops)", function () {
        expect(selectGateway([{ name: "a", labels: {} }], LABEL)).to.equal(undefined);
    });
});

/**
 * A fake `curl` for the selection script. It answers as the API server does for
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` with includeObject=None (kubernetes.io
 * docs, "Receiving resources as Tables": a meta.k8s.io/v1 Table whose rows' first cell is the name
 * for custom resources), in the compact JSON the API server writes; with --fail it exits 22 on an
 * HTTP error such as 403 (curl's man page, --fail).
 */
function runScript(nodeName: string, rows: readonly string[] | "forbidden"): { code: number; stderr: string; args: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-selection-"));
    const table = JSON.stringify({
        kind: "Table",
        apiVersion: "meta.k8s.io/v1",
        metadata: { resourceVersion: "4711" },
        columnDefinitions: [{ name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace.", priority: 0 }, { name: "Age", type: "date", format: "", description: "", priority: 0 }],
        rows: rows === "forbidden" ? [] : rows.map((name) => ({ cells: [name, "5m"], object: null })),
    });
    fs.writeFileSync(path.join(dir, "table.json"), table);
    const body = rows === "forbidden" ? 'echo "curl: (22) The requested URL returned error: 403" >&2; exit 22' : `cat "${dir}/table.json"`;
    fs.writeFileSync(path.join(dir, "curl"), `#!/bin/sh\necho "$@" > "${dir}/args"\n${body}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "token"), "fake-token");
    const result = spawnSync("sh", ["-c", SELECTION_SCRIPT], {
        env: { PATH: `${dir}:${process.env.PATH}`, NODE_NAME: nodeName, LABEL_SELECTOR: "egress-gateway%3Dtrue", TOKEN_DIR: dir, KUBERNETES_SERVICE_HOST: "10.110.0.1", KUBERNETES_SERVICE_PORT: "443" },
        encoding: "utf8",
    });
    const args = fs.existsSync(path.join(dir, "args")) ? fs.readFileSync(path.join(dir, "args"), "utf8") : "";
    fs.rmSync(dir, { recursive: true, force: true });
    return { code: result.status ?? -1, stderr: result.stderr, args };
}

describe("gateway selection: the readiness script", function () {
    it("is ready only on the first labelled CiliumNode by name", function () {
        const rows = ["aks-egressgw-0-vmss000002", "aks-egressgw-0-vmss000000", "aks-egressgw-0-vmss000001"];
        expect(runScript("aks-egressgw-0-vmss000000", rows).code).to.equal(0);
        const other = runScript("aks-egressgw-0-vmss000001", rows);
        expect(other.code).to.equal(1);
        expect(other.stderr).to.include("Cilium selects aks-egressgw-0-vmss000000, this is aks-egressgw-0-vmss000001");
    });

    it("lists labelled CiliumNodes as a Table over TLS with the projected token", function () {
        const { args } = runScript("n", ["n"]);
        expect(args).to.include("https://10.110.0.1:443/apis/cilium.io/v2/ciliumnodes?labelSelector=egress-gateway%3Dtrue&includeObject=None");
        expect(args).to.include("Accept: application/json;as=Table;v=v1;g=meta.k8s.io");
        expect(args).to.include("Authorization: Bearer fake-token");
        expect(args).to.match(/--cacert \S+\/ca\.crt/);
    });

    it("is not ready when no node is labelled or the API refuses", function () {
        expect(runScript("n", []).stderr).to.include("Cilium selects no node");
        expect(runScript("n", "forbidden").code).to.equal(22);
    });
});

describe("gateway selection: manifests", function () {
    const ds = nextHopSelectorDaemonSet(LABEL) as any;
    const pod = ds.spec.template.spec;

    it("runs on every gateway node, hostNetwork, Ready only through the selection check", function () {
        expect(pod.nodeSelector).to.deep.equal(on);
        expect(pod.hostNetwork).to.equal(true);
        expect(pod.containers[0].readinessProbe.exec.command).to.deep.equal(["/bin/sh", "/opt/egress-lab/selected.sh"]);
        expect(pod.containers[0].env[1]).to.deep.equal({ name: "LABEL_SELECTOR", value: "egress-gateway%3Dtrue" });
        // Only one pod is Ready by design, so Pulumi must not wait for all of them.
        expect(ds.metadata.annotations).to.deep.equal({ "pulumi.com/skipAwait": "true" });
    });

    it("gets a short-lived projected token, no default mount, and may only list CiliumNodes", function () {
        expect(pod.automountServiceAccountToken).to.equal(false);
        expect(pod.volumes[1].projected.sources[0]).to.deep.equal({ serviceAccountToken: { path: "token", expirationSeconds: 3600 } });
        expect(pod.containers[0].securityContext).to.deep.include({ runAsNonRoot: true, runAsUser: 100, privileged: false });
        expect(selectionClusterRole().rules).to.deep.equal([{ apiGroups: ["cilium.io"], resources: ["ciliumnodes"], verbs: ["list"] }]);
        expect((selectionClusterRoleBinding().subjects as any)[0]).to.deep.equal({ kind: "ServiceAccount", name: SELECTOR_APP, namespace: "egress-gateway-system" });
        expect(selectionServiceAccount().automountServiceAccountToken).to.equal(false);
    });

    it("is what the next hop's Service selects, with endpoints kept local", function () {
        const service = nextHopService({ frontendIp: "10.10.8.250", subnetName: "gw" }) as any;
        expect(service.spec.selector).to.deep.equal({ app: SELECTOR_APP });
        expect(service.spec.externalTrafficPolicy).to.equal("Local");
    });
});
