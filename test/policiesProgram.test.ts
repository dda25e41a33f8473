// The policy pack against the command's kubeconfig, the program's own registrations under mocks,
// and the SDK's real Analyze/Remediate handlers for what only they show (secrets unwrapped or kept,
// unknown values in preview, "remediate" reported as "mandatory"). No Pulumi CLI needed.
import { expect } from "chai";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { buildLab, FAKE_KUBECONFIG } from "./mocks";
import { Registration } from "./registrations";
import { commandKubeconfigPolicy, EGRESS_LAB_POLICIES, nodeBudgetPolicy } from "../policies/rules";
import { sdk, server, analyzerProto, Struct, UNKNOWN_STRING, wireSecret, MC, RELEASE, POD, COMMAND, urnOf, fakeArgs, validate, fakeResource, validateStack, cluster, release, CHECK_SCRIPT, AKS_KUBECONFIG } from "./policyHarness";

describe("policy pack: the program and the SDK", function () {
    describe("command-kubeconfig-secret", function () {
        const remediate = (props: Record<string, unknown>): unknown => commandKubeconfigPolicy.remediateResource!(fakeArgs(COMMAND, "check", props));

        it("passes a command that reads its kubeconfig from the environment", async function () {
            const props = { create: CHECK_SCRIPT, update: CHECK_SCRIPT, environment: { KUBECONFIG_A: FAKE_KUBECONFIG } };
            expect(await validate(commandKubeconfigPolicy, COMMAND, "check", props)).to.deep.equal({ violations: [] });
        });

        it("refuses a kubeconfig written into create or update", async function () {
            const props = { create: `cat > /tmp/kc <<EOF\n${FAKE_KUBECONFIG}EOF\nkubectl get pods`, update: "echo 'client-key-data: LS0t' > /tmp/kc", delete: `echo '${AKS_KUBECONFIG}' > /tmp/kc` };
            expect((await validate(commandKubeconfigPolicy, COMMAND, "check", props)).violations).to.deep.equal([
                'command:local:Command "check": create contains an inline kubeconfig ("apiVersion: v1\\nkind: Config"); pass it as a secret on stdin or in a KUBECONFIG environment variable instead',
                'command:local:Command "check": update contains an inline kubeconfig ("client-key-data"); pass it as a secret on stdin or in a KUBECONFIG environment variable instead',
                'command:local:Command "check": delete contains an inline kubeconfig ("kind: Config"); pass it as a secret on stdin or in a KUBECONFIG environment variable instead',
            ]);
        });

        it("remediation makes a plain KUBECONFIG* value secret and leaves other variables alone", function () {
            const result = remediate({ create: CHECK_SCRIPT, environment: { KUBECONFIG_A: FAKE_KUBECONFIG, kubeconfigB: "x", NAMESPACE: "demo" } }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- remediated props
            expect(result.create).to.equal(CHECK_SCRIPT);
            expect(result.environment.NAMESPACE).to.equal("demo");
            for (const key of ["KUBECONFIG_A", "kubeconfigB"]) {
                expect(result.environment[key]).to.be.instanceOf(sdk.Secret);
            }
            expect(result.environment.KUBECONFIG_A.value).to.equal(FAKE_KUBECONFIG);
        });

        it("remediation makes a plain stdin carrying kubeconfigs (as the check takes them) secret", function () {
            const stdin = JSON.stringify({ kubeconfigA: FAKE_KUBECONFIG, kubeconfigB: FAKE_KUBECONFIG, checkPlan: {} });
            const result = remediate({ create: CHECK_SCRIPT, stdin }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- remediated props
            expect(result.stdin).to.be.instanceOf(sdk.Secret);
            expect(result.stdin.value).to.equal(stdin);
            expect(remediate({ create: CHECK_SCRIPT, stdin: new sdk.Secret(stdin) })).to.equal(undefined);
            expect(remediate({ create: CHECK_SCRIPT, stdin: wireSecret(stdin) })).to.equal(undefined);
            expect(remediate({ create: CHECK_SCRIPT, stdin: '{"checkPlan": {}}' })).to.equal(undefined);
        });

        it("remediation leaves secrets alone: per variable, the whole environment, or in wire form", function () {
            expect(remediate({ environment: { KUBECONFIG: new sdk.Secret(FAKE_KUBECONFIG), NAMESPACE: "demo" } })).to.equal(undefined);
            expect(remediate({ environment: new sdk.Secret({ KUBECONFIG: FAKE_KUBECONFIG }) })).to.equal(undefined);
            expect(remediate({ environment: { KUBECONFIG: wireSecret(FAKE_KUBECONFIG) } })).to.equal(undefined);
            expect(remediate({ create: "true" })).to.equal(undefined);
        });
    });

    describe("the program's own resources under mocks", function () {
        let registrations: Registration[];

        before(async function () {
            ({
                recorder: { registrations },
            } = await buildLab());
        });

        it("pass every resource policy", async function () {
            const resourcePolicies = EGRESS_LAB_POLICIES.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
            const applied = new Set<string>();
            for (const r of registrations) {
                for (const policy of resourcePolicies) {
                    const outcome = await validate(policy, r.type, r.name, r.inputs);
                    expect(outcome.violations, `${policy.name} on ${r.type} ${r.name}`).to.deep.equal([]);
                    if (!outcome.notApplicable) {
                        applied.add(policy.name);
                    }
                }
            }
            // Everything the program registers today is covered; capture pods and commands come later.
            expect([...applied].sort()).to.deep.equal([
                "aks-byocni-custom-subnet",
                "cilium-egress-gateway-policy-valid",
                "cilium-network-policy-valid",
                "cilium-release-pinned-and-valid",
                "host-network-and-capabilities",
                "no-privileged-containers",
                "service-external-traffic-policy",
                ...(registrations.some((r) => r.type.startsWith("command:")) ? ["command-kubeconfig-secret"] : []),
                ...(registrations.some((r) => r.type === POD && r.inputs.metadata?.labels?.["egress-lab/component"] === "capture") ? ["capture-pods-bounded", "capture-pods-privileges"] : []),
            ].sort());
        });

        it("stay within the default budget, counting four load balancers, four public IPs and five OS disks", async function () {
            const providerUrn = (ref: string): string | undefined => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);
            const resources = registrations.map((r) => fakeResource(r.type, r.name, r.inputs, providerUrn(r.provider)));
            expect(await validateStack(nodeBudgetPolicy, resources)).to.deep.equal([]);
            const over = await validateStack(nodeBudgetPolicy, resources, { hourlyBudgetUsd: 0.1 });
            expect(over).to.have.length(1);
            expect(over[0].message).to.match(/^estimated cost \$1\.35\/h is over the hourly budget \$0\.10\/h/);
            expect(over[0].message).to.include(
                "outbound load balancers (one per cluster): 2 × Standard load balancer = $0.05/h; " +
                    "internal load balancers (one per cluster with internal Services): 2 × Standard load balancer = $0.05/h; " +
                    "public IPs (2 outbound, 2 public Service(s)): 4 × Standard public IP = $0.02/h; " +
                    "OS disks (one per managed-disk node): 5 × managed OS disk = $0.15/h",
            );
        });
    });

    describe("through the SDK's own Analyze and Remediate handlers", function () {
        const PACK = ["egress-lab", "0.1.0", "advisory", EGRESS_LAB_POLICIES] as const;

        function request(type: string, name: string, wire: Record<string, unknown>): unknown {
            const req = new analyzerProto.AnalyzeRequest();
            req.setType(type);
            req.setName(name);
            req.setUrn(urnOf(type, name));
            req.setProperties(Struct.fromJavaScript(wire));
            req.setOptions(new analyzerProto.AnalyzerResourceOptions());
            return req;
        }

        function call(handler: (call: unknown, callback: (err: unknown, resp: any) => void) => void, req: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- protobuf responses
            return new Promise((resolve, reject) => handler({ request: req }, (err, resp) => (err ? reject(err) : resolve(resp))));
        }

        async function analyze(type: string, name: string, wire: Record<string, unknown>): Promise<{ policy: string; level: string; message: string }[]> {
            const resp = await call(server.makeAnalyzeRpcFun(...PACK), request(type, name, wire));
            const levels: Record<number, string> = Object.fromEntries(Object.entries(analyzerProto.EnforcementLevel).map(([k, v]) => [v, k]));
            return resp.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: levels[d.getEnforcementlevel()], message: d.getMessage() })); // eslint-disable-line @typescript-eslint/no-explicit-any
        }

        async function remediate(type: string, name: string, wire: Record<string, unknown>): Promise<Record<string, unknown>[]> {
            const resp = await call(server.makeRemediateRpcFun(...PACK), request(type, name, wire));
            return resp.getRemediationsList().map((r: any) => r.getProperties().toJavaScript()); // eslint-disable-line @typescript-eslint/no-explicit-any
        }

        it("hands validations secrets unwrapped, so they cannot see secretness; remediation sees it", async function () {
            const wire = { create: CHECK_SCRIPT, environment: { KUBECONFIG_A: wireSecret(FAKE_KUBECONFIG) } };
            expect(await analyze(COMMAND, "check", wire)).to.deep.equal([]);
            expect(await remediate(COMMAND, "check", wire)).to.deep.equal([]);

            // What a validation gets for that secret: the plain string, nothing marking it.
            let seen: unknown;
            const probe: ResourceValidationPolicy = { name: "probe", description: "probe", enforcementLevel: "mandatory", validateResource: (args) => void (seen = args.props.environment.KUBECONFIG_A) };
            await call(server.makeAnalyzeRpcFun("probe", "0.0.0", "advisory", [probe]), request(COMMAND, "check", wire));
            expect(seen).to.equal(FAKE_KUBECONFIG);
        });

        it("turns a plain kubeconfig into a secret, and reports an inline one as mandatory", async function () {
            const wire = { create: "echo 'client-key-data: LS0t' > /tmp/kc", environment: { KUBECONFIG_A: FAKE_KUBECONFIG } };
            expect(await analyze(COMMAND, "check", wire)).to.deep.equal([
                {
                    policy: "command-kubeconfig-secret",
                    level: "MANDATORY",
                    message:
                        `${commandKubeconfigPolicy.description}\n` +
                        'command:local:Command "check": create contains an inline kubeconfig ("client-key-data"); pass it as a secret on stdin or in a KUBECONFIG environment variable instead',
                },
            ]);
            expect(await remediate(COMMAND, "check", wire)).to.deep.equal([{ ...wire, environment: { KUBECONFIG_A: wireSecret(FAKE_KUBECONFIG) } }]);
        });

        it("in preview, accepts a subnet ID that is not known yet", async function () {
            const wire = cluster({ agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: UNKNOWN_STRING }] });
            expect(await analyze(MC, "cluster-a", wire)).to.deep.equal([]);
        });

        it("in preview, defers Cilium values that are not known yet with an advisory", async function () {
            const diagnostics = await analyze(RELEASE, "cilium-a", release({ values: UNKNOWN_STRING }));
            expect(diagnostics).to.have.length(1);
            expect(diagnostics[0]).to.include({ policy: "cilium-release-pinned-and-valid", level: "ADVISORY" });
            expect(diagnostics[0].message).to.match(/^can't run policy 'cilium-release-pinned-and-valid' from policy pack 'egress-lab@v0\.1\.0' during preview: .* value at \.values can't be known during preview$/);
        });
    });
});
