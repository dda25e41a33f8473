// The workloads: which receiver Services B exposes and which client pods A runs.
import { dnsLabelProblem, Label, parseLabel } from "../labels";
import { ClientSpec, RECEIVER_PATHS, ReceiverPath, TRAFFIC_POLICIES, TrafficPolicy } from "./model";
import { CLIENT_ROLE_LABEL, RESERVED_LABEL_PREFIX } from "./names";
import { Problems, Reader, readChoices } from "./reader";

export interface WorkloadReads {
    readonly receiverPaths: ReceiverPath[] | undefined;
    readonly externalTrafficPolicies: TrafficPolicy[] | undefined;
    readonly clients: ClientSpec[] | undefined;
    readonly clientsOnGatewayNode: boolean | undefined;
}

export function readWorkloads(reader: Reader, problems: Problems): WorkloadReads {
    return {
        receiverPaths: readChoices(reader, problems, "receiverPaths", RECEIVER_PATHS),
        externalTrafficPolicies: readChoices(reader, problems, "externalTrafficPolicies", TRAFFIC_POLICIES),
        clients: readClients(reader, problems),
        clientsOnGatewayNode: reader.boolean("clientsOnGatewayNode"),
    };
}

/** A label from user input: Kubernetes syntax, and not under the program's own prefix. */
export function parseUserLabel(text: string): Label | string {
    const label = parseLabel(text);
    if (typeof label !== "string" && label.key.startsWith(RESERVED_LABEL_PREFIX)) {
        return `uses the label key ${label.key}; keys starting with ${RESERVED_LABEL_PREFIX} are egress-lab's own (its client pods carry ${CLIENT_ROLE_LABEL.key}=${CLIENT_ROLE_LABEL.value}), so choose another key, e.g. app`;
    }
    return label;
}

/** The labels a client pod carries: its own and the program's role label (lib/kube/clients.ts). */
export function clientPodLabels(client: ClientSpec): Record<string, string> {
    return { [client.label.key]: client.label.value, [CLIENT_ROLE_LABEL.key]: CLIENT_ROLE_LABEL.value };
}

function readClients(reader: Reader, problems: Problems): ClientSpec[] | undefined {
    const values = reader.nonEmptyStringArray("clients", "one or more name:labelKey=labelValue, e.g. curl1:app=client1");
    if (values === undefined) {
        return undefined;
    }
    const clients: ClientSpec[] = [];
    for (const entry of values) {
        const colon = entry.indexOf(":");
        if (colon <= 0) {
            problems.add("clients", entry, "is not name:labelKey=labelValue, e.g. curl1:app=client1");
            continue;
        }
        const name = entry.slice(0, colon);
        const label = parseUserLabel(entry.slice(colon + 1));
        const found = dnsLabelProblem(name) ?? (typeof label === "string" ? label : undefined);
        if (found) {
            problems.add("clients", entry, found);
        } else if (clients.some((c) => c.name === name)) {
            problems.add("clients", entry, `repeats the pod name "${name}"; names must be unique`);
        } else if (typeof label !== "string") {
            clients.push({ name, label });
        }
    }
    return clients.length === values.length ? clients : undefined;
}
