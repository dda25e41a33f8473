// The policy pack's workload policies: privileges, host network and capabilities, capture pods, Services.
import { expect } from "chai";
import { clientPod } from "../lib/kube/clients";
import { nextHopService } from "../lib/kube/egress";
import { networkToolSecurity, restrictedContainerSecurity } from "../lib/kube/podSecurity";
import { receiverManifests } from "../lib/kube/receiver";
import { captureBoundedPolicy, capturePrivilegesPolicy, hostNetworkCapabilitiesPolicy, noPrivilegedPolicy, serviceTrafficPolicyPolicy } from "../policies/rules";
import { POD, DEPLOYMENT, DAEMON_SET, SERVICE, validate, assigner, assignerWith, capturePod, checkCapturePod, deployment, service } from "./policyHarness";

describe("policy pack: workloads", function () {
    describe("no-privileged-containers", function () {
        it("passes the assigner, the receiver and a client pod", async function () {
            const receiver = receiverManifests({ namespace: "demo", paths: ["internal"], policies: ["Local"] });
            expect(await validate(noPrivilegedPolicy, DAEMON_SET, "egress-assigner", assigner())).to.deep.equal({ violations: [] });
            expect(await validate(noPrivilegedPolicy, DEPLOYMENT, "receiver", receiver.deployment)).to.deep.equal({ violations: [] });
            const client = clientPod({ client: { name: "curl1", label: { key: "app", value: "client1" } }, namespace: "demo" });
            expect(await validate(noPrivilegedPolicy, POD, "clients-curl1", client)).to.deep.equal({ violations: [] });
        });

        it("refuses privileged containers and init containers, in every workload kind", async function () {
            const props = deployment([{ name: "app", image: "nginx" }, { name: "sidecar", image: "busybox", securityContext: { privileged: true } }], [{ name: "setup", image: "busybox", securityContext: { privileged: true } }]);
            expect((await validate(noPrivilegedPolicy, DEPLOYMENT, "web", props)).violations).to.deep.equal([
                'kubernetes:apps/v1:Deployment "web": spec.template.spec.initContainers[0].securityContext.privileged is true (container "setup"); privileged containers are not allowed',
                'kubernetes:apps/v1:Deployment "web": spec.template.spec.containers[1].securityContext.privileged is true (container "sidecar"); privileged containers are not allowed',
            ]);
            const cronJob = { spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", securityContext: { privileged: true } }] } } } } } };
            expect((await validate(noPrivilegedPolicy, "kubernetes:batch/v1:CronJob", "tick", cronJob)).violations).to.deep.equal([
                'kubernetes:batch/v1:CronJob "tick": spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged is true (container "c"); privileged containers are not allowed',
            ]);
            const pod = capturePod({}, ["NET_ADMIN"]) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            pod.spec.containers[0].securityContext.privileged = true;
            expect((await validate(noPrivilegedPolicy, POD, "capture-0", pod)).violations).to.deep.equal([
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.privileged is true (container "tcpdump"); privileged containers are not allowed',
            ]);
        });

        it("does not apply to Services", async function () {
            expect(await validate(noPrivilegedPolicy, SERVICE, "s", {})).to.have.property("notApplicable");
        });
    });

    describe("host-network-and-capabilities", function () {
        it("lets the assigner use the host network with NET_ADMIN, and capture pods with NET_RAW", async function () {
            expect(await validate(hostNetworkCapabilitiesPolicy, DAEMON_SET, "egress-assigner", assigner())).to.deep.equal({ violations: [] });
            expect(await validate(hostNetworkCapabilitiesPolicy, POD, "capture-0", capturePod())).to.deep.equal({ violations: [] });
            const spelled = assignerWith({}, networkToolSecurity(["cap_net_admin"]));
            expect(await validate(hostNetworkCapabilitiesPolicy, DAEMON_SET, "egress-assigner", spelled)).to.deep.equal({ violations: [] });
        });

        it("passes restricted workloads that add nothing", async function () {
            const props = deployment([{ name: "app", image: "nginx", securityContext: restrictedContainerSecurity() }]);
            expect(await validate(hostNetworkCapabilitiesPolicy, DEPLOYMENT, "web", props)).to.deep.equal({ violations: [] });
        });

        it("holds the assigner and capture pods to their own capabilities", async function () {
            const props = assignerWith({}, networkToolSecurity(["NET_ADMIN", "NET_RAW"]));
            expect((await validate(hostNetworkCapabilitiesPolicy, DAEMON_SET, "egress-assigner", props)).violations).to.deep.equal([
                'kubernetes:apps/v1:DaemonSet "egress-assigner": spec.template.spec.containers[0].securityContext.capabilities.add has "NET_RAW" (container "assigner"); the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) may add only NET_ADMIN',
            ]);
            expect((await validate(hostNetworkCapabilitiesPolicy, POD, "capture-0", capturePod({}, ["NET_RAW", "NET_ADMIN", "SETGID"]))).violations).to.deep.equal([
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.capabilities.add has "NET_ADMIN" (container "tcpdump"); capture pods (Pods labelled egress-lab/component=capture) may add only NET_RAW',
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.capabilities.add has "SETGID" (container "tcpdump"); capture pods (Pods labelled egress-lab/component=capture) may add only NET_RAW',
            ]);
        });

        it("refuses the host network and any capability everywhere else, even an assigner look-alike", async function () {
            const elsewhere = assignerWith({}, undefined, { namespace: "default" });
            expect((await validate(hostNetworkCapabilitiesPolicy, DAEMON_SET, "fake-assigner", elsewhere)).violations).to.deep.equal([
                'kubernetes:apps/v1:DaemonSet "fake-assigner": spec.template.spec.hostNetwork is true; only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner), the next hop\'s selector (DaemonSet egress-gateway-system/egress-next-hop-selector) and capture pods (Pods labelled egress-lab/component=capture) may use the host network',
                'kubernetes:apps/v1:DaemonSet "fake-assigner": spec.template.spec.containers[0].securityContext.capabilities.add has "NET_ADMIN" (container "assigner"); only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) and capture pods (Pods labelled egress-lab/component=capture) may add capabilities',
            ]);
            const props = deployment([{ name: "app", securityContext: { capabilities: { add: ["ALL"] } } }], [{ name: "init", securityContext: { capabilities: { add: ["SYS_ADMIN"] } } }]);
            expect((await validate(hostNetworkCapabilitiesPolicy, DEPLOYMENT, "web", props)).violations).to.deep.equal([
                'kubernetes:apps/v1:Deployment "web": spec.template.spec.initContainers[0].securityContext.capabilities.add has "SYS_ADMIN" (container "init"); only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) and capture pods (Pods labelled egress-lab/component=capture) may add capabilities',
                'kubernetes:apps/v1:Deployment "web": spec.template.spec.containers[0].securityContext.capabilities.add has "ALL" (container "app"); only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner) and capture pods (Pods labelled egress-lab/component=capture) may add capabilities',
            ]);
            const unlabelled = capturePod({}, []) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            unlabelled.metadata.labels = { app: "debug" };
            expect((await validate(hostNetworkCapabilitiesPolicy, POD, "debug", unlabelled)).violations).to.deep.equal([
                'kubernetes:core/v1:Pod "debug": spec.hostNetwork is true; only the egress IP assigner (DaemonSet egress-gateway-system/egress-ip-assigner), the next hop\'s selector (DaemonSet egress-gateway-system/egress-next-hop-selector) and capture pods (Pods labelled egress-lab/component=capture) may use the host network',
            ]);
        });
    });

    describe("capture-pods-bounded", function () {
        it("passes capture pods that end within 1800 seconds, the check's own included", async function () {
            expect(await validate(captureBoundedPolicy, POD, "capture-0", capturePod())).to.deep.equal({ violations: [] });
            expect(await validate(captureBoundedPolicy, POD, "capture-0", capturePod({ activeDeadlineSeconds: 1800 }))).to.deep.equal({ violations: [] });
            expect(await validate(captureBoundedPolicy, POD, "capture-0", checkCapturePod(99999))).to.deep.equal({ violations: [] });
        });

        it("refuses a capture pod without a deadline, or with 0, 1801 or 1.5 seconds", async function () {
            const outcomes = await Promise.all([undefined, 0, 1801, 1.5].map((d) => validate(captureBoundedPolicy, POD, "capture-0", capturePod({ activeDeadlineSeconds: d }))));
            expect(outcomes.map((o) => o.violations)).to.deep.equal([
                ['kubernetes:core/v1:Pod "capture-0": spec.activeDeadlineSeconds is not set; a capture pod must end within 1800 seconds (a whole number from 1 to 1800)'],
                ['kubernetes:core/v1:Pod "capture-0": spec.activeDeadlineSeconds is 0; a capture pod must end within 1800 seconds (a whole number from 1 to 1800)'],
                ['kubernetes:core/v1:Pod "capture-0": spec.activeDeadlineSeconds is 1801; a capture pod must end within 1800 seconds (a whole number from 1 to 1800)'],
                ['kubernetes:core/v1:Pod "capture-0": spec.activeDeadlineSeconds is 1.5; a capture pod must end within 1800 seconds (a whole number from 1 to 1800)'],
            ]);
        });

        it("does not apply to other pods", async function () {
            const client = clientPod({ client: { name: "curl1", label: { key: "app", value: "client1" } }, namespace: "demo" });
            expect(await validate(captureBoundedPolicy, POD, "clients-curl1", client)).to.deep.equal({
                violations: [],
                notApplicable: "applies only to Pods labelled egress-lab/component=capture",
            });
        });
    });

    describe("capture-pods-privileges", function () {
        it("passes the check's own capture pod: NET_RAW only, no escalation, tcpdump without -Z", async function () {
            expect(await validate(capturePrivilegesPolicy, POD, "capture-0", checkCapturePod(600))).to.deep.equal({ violations: [] });
        });

        it("refuses a capture pod that would switch user, or lacks what tcpdump needs", async function () {
            const pod = capturePod({}, []) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            pod.spec.containers[0].command = ["timeout", "60", "tcpdump", "-i", "any", "-Z", "root"];
            pod.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
            delete pod.spec.containers[0].securityContext.capabilities.drop;
            expect((await validate(capturePrivilegesPolicy, POD, "capture-0", pod)).violations).to.deep.equal([
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.capabilities.add lacks NET_RAW (container "tcpdump"); tcpdump cannot open its socket without it',
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.capabilities.drop is not set (container "tcpdump"); a capture pod drops ALL and adds back only NET_RAW',
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0].securityContext.allowPrivilegeEscalation is true (container "tcpdump"); it must be false',
                'kubernetes:core/v1:Pod "capture-0": spec.containers[0] passes "-Z" to tcpdump (container "tcpdump"); switching user calls initgroups(), which needs CAP_SETGID, so tcpdump would exit before capturing',
            ]);
            for (const flag of ["-nnZ", "--relinquish-privileges=tcpdump"]) {
                const args = capturePod({}) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
                args.spec.containers[0].args = [flag];
                expect((await validate(capturePrivilegesPolicy, POD, "capture-0", args)).violations, flag).to.have.length(1);
            }
        });

        it("does not apply to other pods", async function () {
            expect(await validate(capturePrivilegesPolicy, POD, "x", { metadata: { labels: {} }, spec: {} })).to.have.property("notApplicable");
        });
    });

    describe("service-external-traffic-policy", function () {
        it("passes the receiver's and the next hop's LoadBalancer Services", async function () {
            for (const { manifest } of receiverManifests({ namespace: "demo", paths: ["internal", "public"], policies: ["Cluster", "Local"] }).services) {
                expect(await validate(serviceTrafficPolicyPolicy, SERVICE, "receiver", manifest)).to.deep.equal({ violations: [] });
            }
            const nextHop = nextHopService({ frontendIp: "10.10.8.250", subnetName: "lab-a-gateway" });
            expect(await validate(serviceTrafficPolicyPolicy, SERVICE, "egress-next-hop", nextHop)).to.deep.equal({ violations: [] });
        });

        it("refuses a LoadBalancer without externalTrafficPolicy and a NodePort with a misspelt one", async function () {
            expect((await validate(serviceTrafficPolicyPolicy, SERVICE, "web-lb", service({ type: "LoadBalancer" }))).violations).to.deep.equal([
                'kubernetes:core/v1:Service "web-lb": spec.externalTrafficPolicy is not set; a LoadBalancer Service must set it to "Cluster" or "Local"',
            ]);
            expect((await validate(serviceTrafficPolicyPolicy, SERVICE, "web-np", service({ type: "NodePort", externalTrafficPolicy: "local" }))).violations).to.deep.equal([
                'kubernetes:core/v1:Service "web-np": spec.externalTrafficPolicy is "local"; a NodePort Service must set it to "Cluster" or "Local"',
            ]);
        });

        it("does not apply to ClusterIP Services", async function () {
            expect(await validate(serviceTrafficPolicyPolicy, SERVICE, "web", service({}))).to.deep.equal({
                violations: [],
                notApplicable: "applies only to LoadBalancer and NodePort Services",
            });
        });
    });
});
