// Kubernetes label syntax (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface Label {
    readonly key: string;
    readonly value: string;
}

export function labelKeyProblem(key: string): string | undefined {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
        return `has label key prefix "${prefix}", which is not a DNS subdomain`;
    }
    if (!NAME.test(name)) {
        return `has label key "${name}"; allowed: 1-63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`;
    }
    return undefined;
}

export function labelValueProblem(value: string): string | undefined {
    if (!NAME.test(value)) {
        return `has label value "${value}"; allowed: 1-63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`;
    }
    return undefined;
}

/** Parses "key=value"; returns the label or why it is not one. */
export function parseLabel(text: string): Label | string {
    const eq = text.indexOf("=");
    if (eq <= 0) {
        return "is not a label; expected key=value, e.g. app=client1";
    }
    const label = { key: text.slice(0, eq), value: text.slice(eq + 1) };
    return labelKeyProblem(label.key) ?? labelValueProblem(label.value) ?? label;
}

/** A DNS-1123 label, as Kubernetes object names (pods, services) must be. */
export function dnsLabelProblem(name: string): string | undefined {
    if (!DNS_LABEL.test(name)) {
        return `has name "${name}"; allowed: 1-63 lower-case letters, digits or '-', starting and ending alphanumeric`;
    }
    return undefined;
}

export function labelText(label: Label): string {
    return `${label.key}=${label.value}`;
}

export function sameLabel(a: Label, b: Label): boolean {
    return a.key === b.key && a.value === b.value;
}

/** Whether a matchLabels selector of one label selects an object carrying `labels`. */
export function selects(selector: Label, labels: Readonly<Record<string, string>>): boolean {
    return Object.prototype.hasOwnProperty.call(labels, selector.key) && labels[selector.key] === selector.value;
}
