// Observations for the picture's tests: a pass per kind of hop, a failing row, a blocked row and
// a row nothing answered, plus a label with characters XML must escape.
import { Observation } from "../check/model/types";

const RECEIVER_POD = "10.220.0.15";

interface Row {
    readonly pod: string;
    readonly label: string;
    readonly path: "internal" | "public";
    readonly policy: "Cluster" | "Local";
    readonly target: string;
    readonly expectedWire?: string;
    readonly expectedApp?: string;
    readonly wire?: { readonly source: string; readonly node: string };
    readonly app?: string;
    readonly verdict: "pass" | "fail" | "inconclusive";
}

function observation(row: Row): Observation {
    return {
        client: { pod: row.pod, label: row.label, podIp: `10.210.0.${row.pod.length + 10}`, node: "aks-system-a-0", nodeIp: "10.10.0.4" },
        service: `receiver-${row.path}-${row.policy.toLowerCase()}`,
        path: row.path,
        externalTrafficPolicy: row.policy,
        targetAddress: row.target,
        expected: {
            outcome: row.expectedWire ? "connect" : "blocked",
            wireSource: row.expectedWire,
            wireTarget: row.target,
            appSource: row.expectedApp,
            appTarget: RECEIVER_POD,
            reasons: ["from the fixture"],
        },
        wire: row.wire
            ? {
                  receivingNode: row.wire.node,
                  source: row.wire.source,
                  target: row.target,
                  sightings: [{ node: row.wire.node, source: row.wire.source, sourcePort: 40000, target: row.target, targetPort: 80, raw: "fixture" }],
              }
            : { sightings: [] },
        app: row.app
            ? { remote_addr: row.app, remote_port: "40000", server_addr: RECEIVER_POD, server_port: "8080", hostname: "traffic-receiver", request_id: "r" }
            : undefined,
        hubble: { status: "unavailable", bestEffort: true, flows: [] },
        requestId: "r",
        verdict: row.verdict,
        mismatches: row.verdict === "fail" ? [`wire source ${row.wire?.source ?? "none"} != expected ${row.expectedWire ?? "none"}`] : [],
        missingEvidence: row.verdict === "inconclusive" ? ["outcome: a block needs curl to fail to connect (exit 7 or 28), observed no exit code"] : [],
        attempts: 1,
        errors: [],
        durationMs: 80,
    };
}

export const PICTURE_OBSERVATIONS: readonly Observation[] = [
    observation({ pod: "curl", label: "app=client", path: "internal", policy: "Local", target: "10.20.0.100", expectedWire: "10.10.0.4", expectedApp: "10.10.0.4", wire: { source: "10.10.0.4", node: "aks-system-b-0" }, app: "10.10.0.4", verdict: "pass" }),
    observation({ pod: "curl", label: "app=client", path: "internal", policy: "Cluster", target: "10.20.0.101", expectedWire: "10.10.0.4", expectedApp: "10.220.1.1", wire: { source: "10.10.0.4", node: "aks-system-b-1" }, app: "10.220.1.1", verdict: "pass" }),
    observation({ pod: "curl1", label: "app=client1", path: "internal", policy: "Local", target: "10.20.0.100", expectedWire: "10.10.100.51", expectedApp: "10.10.100.51", wire: { source: "10.10.0.4", node: "aks-system-b-0" }, app: "10.10.0.4", verdict: "fail" }),
    observation({ pod: "curl1", label: "app=client1", path: "public", policy: "Local", target: "203.0.113.20", expectedWire: "198.51.100.7", expectedApp: "198.51.100.7", wire: { source: "198.51.100.7", node: "aks-system-b-0" }, app: "198.51.100.7", verdict: "pass" }),
    observation({ pod: "curl2", label: "app=a&b<c>", path: "public", policy: "Cluster", target: "203.0.113.21", verdict: "pass" }),
    observation({ pod: "curl2", label: "app=a&b<c>", path: "internal", policy: "Cluster", target: "10.20.0.101", expectedWire: "10.10.100.52", expectedApp: "10.10.100.52", verdict: "fail" }),
];
