// The check as the program wires it: the Command resource, its secrets, order, triggers, outputs;
// and the pure pieces of the Kubernetes backend.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { curlArgs, curlResponse } from "../check/core/curl";
import type * as k8s from "@kubernetes/client-node";
import { captureStartProblem } from "../check/k8s/capture";
import { describeApiError, httpStatusOf } from "../check/k8s/clients";
import { parseCheckInput } from "../check/main";
import { checkPlan } from "../check/core/plan";
import { CHECK_COMMAND, parseReport } from "../components/check";
import { capturePod } from "../lib/kube/capture";
import { parseLabConfig } from "../lib/config";
import { buildLab, byType, FAKE_KUBECONFIG, FAKE_OUTBOUND_IP, FAKE_REPORT, one, Recorder, SUBSCRIPTION_ID } from "./mocks";
import { NODE_GROUP } from "./azureFake";
import { INTERNAL_LOCAL, PLAIN } from "./checkFixtures";

const COMMAND = "command:local:Command";

async function value<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

describe("check command resource under mocks", function () {
    let recorder: Recorder;
    let lab: Awaited<ReturnType<typeof buildLab>>["lab"];

    before(async function () {
        ({ recorder, lab } = await buildLab());
    });

    it("hands the kubeconfigs over stdin as a secret, never on the command line or in the environment", function () {
        const check = one(recorder, COMMAND);
        expect(check.secretInputs).to.include("stdin");
        expect(check.inputs.create).to.equal(CHECK_COMMAND);
        expect(check.inputs.create).to.not.include("kubeconfig");
        expect(check.inputs).to.not.have.property("environment");
        const stdin = JSON.parse(check.inputs.stdin);
        expect(stdin.kubeconfigA).to.equal(FAKE_KUBECONFIG);
        expect(stdin.kubeconfigB).to.equal(FAKE_KUBECONFIG);
        expect(stdin.sourcePublicIp).to.equal(FAKE_OUTBOUND_IP);
        // The gateway pool, for the preflight's Azure read, and what pulumi up recorded there, its evidence when Azure cannot be read.
        expect(stdin.gatewayPool).to.deep.equal({ subscriptionId: SUBSCRIPTION_ID, nodeResourceGroup: "MC_egress-lab-rg_egress-lab-a_koreacentral", poolName: "egressgw" });
        expect(stdin.gatewayIpForwarding).to.deep.equal({ ipForwarding: true, changed: ["aks-egressgw-12345678-vmss: model", "aks-egressgw-12345678-vmss: instances 0 (aks-egressgw-12345678-vmss000000)"] });
        expect(stdin.checkPlan).to.deep.equal(checkPlan(parseLabConfig({})));
    });

    it("starts the check from the repository with its create command, and rejects bad input without echoing it", function () {
        const check = one(recorder, COMMAND);
        // Run as the command provider does (sh -c in dir, the secret on stdin), with input that
        // names no kubeconfig: the check must start and refuse it with exit 2.
        const input = JSON.stringify({ checkPlan: {}, kubeconfigA: "", note: "do-not-echo" });
        // No dir in the inputs (no absolute path in the state): the provider runs it in the project root.
        expect(check.inputs).to.not.have.property("dir");
        const result = spawnSync("sh", ["-c", check.inputs.create], { cwd: path.resolve(__dirname, ".."), input, encoding: "utf8", timeout: 15000 });
        expect(result.stderr).to.equal("check failed: the check's input lacks kubeconfigA, kubeconfigB; use --show-secrets so the kubeconfigs are included\n");
        expect(result.status).to.equal(2);
        expect(result.stdout).to.equal("");
    });

    it("logs only stderr (progress) and keeps previous output out of the environment", function () {
        const check = one(recorder, COMMAND);
        expect(check.inputs.logging).to.equal("stderr");
        expect(check.inputs.addPreviousOutputInEnv).to.equal(false);
    });

    it("runs after everything it probes, and after the capture namespace exists on B", function () {
        const check = one(recorder, COMMAND);
        const urnsOf = (type: string, filter: (r: Recorder["registrations"][number]) => boolean = () => true) =>
            byType(recorder, type).filter(filter).map((r) => r.urn);
        const probed = [
            ...urnsOf("kubernetes:apps/v1:Deployment"),
            ...urnsOf("kubernetes:core/v1:Service", (r) => r.inputs.metadata.namespace === "demo"),
            ...urnsOf("kubernetes:core/v1:Pod"),
            ...urnsOf("kubernetes:apps/v1:DaemonSet"),
            ...urnsOf("kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy"),
            ...urnsOf("kubernetes:cilium.io/v2:CiliumNetworkPolicy"),
        ];
        // Receiver, 4 Services, 3 clients + the allow-list's client, assigner and next-hop selector, 2 egress policies, the allow-list.
        expect(probed).to.have.length(1 + 4 + 4 + 2 + 2 + 1);
        expect(check.dependencies).to.include.members(probed);
        const namespace = byType(recorder, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "egress-lab-capture");
        expect(namespace?.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).to.equal("privileged");
        expect(namespace?.provider).to.match(/::cluster-b-k8s::/);
        expect(check.dependencies).to.include(namespace?.urn);
    });

    it("re-runs when the nonce, the plan or a probed resource changes", async function () {
        const check = one(recorder, COMMAND);
        const triggers: string[] = check.inputs.triggers;
        expect(triggers[0]).to.equal("initial");
        expect(JSON.parse(triggers[1])).to.deep.equal(checkPlan(parseLabConfig({})));
        expect(triggers).to.include.members(["uid-receiver", "uid-clients-curl1", "uid-egress-assigner", "uid-egress-app-client1", "cilium-a@1"]);
        const again = await buildLab({ checkNonce: "2026-11-27" });
        const rerun = one(again.recorder, COMMAND).inputs.triggers;
        expect(rerun[0]).to.equal("2026-11-27");
        expect(rerun.slice(1)).to.deep.equal(triggers.slice(1));
        const narrowed = await buildLab({ externalTrafficPolicies: ["Local"] });
        expect(one(narrowed.recorder, COMMAND).inputs.triggers[1]).to.not.equal(triggers[1]);
    });

    it("turns the check's JSON report into observations and a summary", async function () {
        expect(await value(lab.check.observations)).to.deep.equal(FAKE_REPORT.observations);
        expect(await value(lab.check.summary)).to.deep.equal(["check run egl-test, started 2026-11-27T00:00:00.000Z (aks): every row passed", ...FAKE_REPORT.summary]);
        expect(await pulumi.isSecret(lab.check.observations)).to.equal(false);
    });

    it("never throws on stdout that is not a report (the Command is saved first; a throw would fail every later preview)", function () {
        expect(parseReport("check failed: boom")).to.deep.equal({ unreadable: "the check printed no report; its output began with: check failed: boom" });
        expect(parseReport('{"ok": true}')).to.have.property("unreadable");
        expect(parseReport(JSON.stringify(FAKE_REPORT))).to.deep.equal(FAKE_REPORT);
    });
});

const PLAN = checkPlan(parseLabConfig({}));

describe("check input and Kubernetes backend pieces", function () {
    it("rejects input without echoing it", function () {
        const secret = "client-key-data: SECRETSECRET";
        expect(() => parseCheckInput(`{"kubeconfigA": "${secret}"`)).to.throw("the check's input is not JSON; pipe `pulumi stack output --json --show-secrets` into it");
        try {
            parseCheckInput(JSON.stringify({ kubeconfigA: secret, checkPlan: {} }));
            expect.fail("accepted input without kubeconfigB");
        } catch (error) {
            expect((error as Error).message).to.equal("the check's input lacks kubeconfigB; use --show-secrets so the kubeconfigs are included");
            expect((error as Error).message).to.not.include("SECRET");
        }
        const input = parseCheckInput(JSON.stringify({ kubeconfigA: "a", kubeconfigB: "b", checkPlan: PLAN, sourcePublicIp: "" }));
        expect(input.sourcePublicIp).to.equal(undefined);
        // The stack output gatewayPool, as `pulumi stack output --json` gives it, is what the preflight reads.
        const pool = { subscriptionId: SUBSCRIPTION_ID, nodeResourceGroup: NODE_GROUP, poolName: "egressgw" };
        expect(parseCheckInput(JSON.stringify({ kubeconfigA: "a", kubeconfigB: "b", checkPlan: PLAN, gatewayPool: pool })).gatewayForwarding).to.deep.equal({ pool, azureConfig: {} });
        expect(parseCheckInput(JSON.stringify({ kubeconfigA: "a", kubeconfigB: "b", checkPlan: PLAN, gatewayPool: { ...pool, subscriptionId: "" } })).gatewayForwarding).to.equal(undefined);
    });

    it("builds a bounded curl with a request id, and reads its result", function () {
        expect(curlArgs({ client: PLAIN, target: INTERNAL_LOCAL, requestId: "egl-1-0-1", connectTimeoutSeconds: 3, maxTimeSeconds: 5, timeoutSeconds: 10 })).to.deep.equal([
            "curl", "-sS", "--connect-timeout", "3", "--max-time", "5", "-H", "X-Request-Id: egl-1-0-1", "http://10.20.0.100:80/",
        ]);
        expect(curlResponse(0, '{"remote_addr":"x"}\n', "")).to.deep.equal({ body: '{"remote_addr":"x"}', exitCode: 0 });
        expect(curlResponse(28, "", "curl: (28) Connection timed out after 3001 milliseconds\n")).to.deep.equal({
            error: "curl: (28) Connection timed out after 3001 milliseconds (exit 28)",
            exitCode: 28,
        });
        // An exec that ended without an exit code (the API server failed it): curl's outcome is unknown.
        expect(curlResponse(null, "", "")).to.deep.equal({ error: "no output (no exit code: curl did not run to its end)" });
    });

    it("explains RBAC and auth errors", function () {
        expect(describeApiError({ code: 403 }, "create capture pod on b-0", "B").message).to.equal(
            "cluster B: create capture pod on b-0: RBAC denied (403 Forbidden); the kubeconfig's user needs that permission",
        );
        expect(describeApiError({ code: 401 }, "list nodes", "A").message).to.equal("cluster A: list nodes: unauthorized (401); the kubeconfig's credentials are not accepted");
        // An exec's failed WebSocket handshake: ws's ErrorEvent has no code, only the status in its message.
        const handshake = { type: "error", message: "Unexpected server response: 403", error: new Error("Unexpected server response: 403") };
        expect(httpStatusOf(handshake)).to.equal(403);
        expect(describeApiError(handshake, "exec in demo/curl", "A").message).to.equal(
            "cluster A: exec in demo/curl: RBAC denied (403 Forbidden); the kubeconfig's user needs that permission",
        );
        expect(httpStatusOf({ message: "", error: new Error("Unexpected server response: 401") })).to.equal(401);
        expect(httpStatusOf(new Error("connect ECONNREFUSED 127.0.0.1:6443"))).to.equal(undefined);
    });

    it("makes capture pods pinned, bounded, labelled, with NET_RAW only, tcpdump's stderr as termination message", function () {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading a plain manifest
        const pod = capturePod({ name: "egl-x-cap-0", namespace: "egress-lab-capture", runId: "egl-x", node: "b-0", tcpdumpArgs: ["-i", "any"], seconds: 5000 }) as any;
        expect(pod.metadata.labels).to.deep.equal({ "egress-lab/component": "capture", "egress-lab/run": "egl-x" });
        expect(pod.spec).to.deep.include({ nodeName: "b-0", hostNetwork: true, restartPolicy: "Never", activeDeadlineSeconds: 1800 });
        expect(pod.spec.containers[0].command).to.deep.equal(["timeout", "1770", "tcpdump", "-i", "any"]);
        expect(pod.spec.containers[0].securityContext.capabilities).to.deep.equal({ drop: ["ALL"], add: ["NET_RAW"] });
        expect(pod.spec.containers[0].securityContext).to.deep.include({ privileged: false, allowPrivilegeEscalation: false, runAsUser: 0 });
        expect(pod.spec.containers[0].terminationMessagePolicy).to.equal("FallbackToLogsOnError");
    });

    it("names tcpdump's own message when a capture pod ends before it listens", function () {
        const ended = { status: { phase: "Failed", containerStatuses: [{ state: { terminated: { exitCode: 1, reason: "Error", message: "tcpdump: data link type LINUX_SLL2\ntcpdump: Couldn't change to 'root' uid=0 gid=0: Operation not permitted\n" } } }] } };
        expect(captureStartProblem(ended as k8s.V1Pod, "b-0")).to.equal(
            "capture pod on b-0 ended early (exit 1, Error); tcpdump said: tcpdump: Couldn't change to 'root' uid=0 gid=0: Operation not permitted",
        );
        const missing = { status: { containerStatuses: [{ state: { terminated: { exitCode: 127 } } }] } };
        expect(captureStartProblem(missing as k8s.V1Pod, "b-0")).to.equal("tcpdump is missing from the capture image on b-0 (exit 127)");
        expect(captureStartProblem({ status: { phase: "Pending", containerStatuses: [{ state: { waiting: { reason: "ContainerCreating" } } }] } } as k8s.V1Pod, "b-0")).to.equal(undefined);
    });
});
