// The domain allow-list: the client it selects and the names it allows or the check expects blocked.
import { dnsLabelProblem, labelText, selects } from "../labels";
import { domainNameProblem, FQDN_POLICY_NAME } from "../kube/fqdn";
import { ClientSpec, DomainAllowList, EgressMapping, MAX_DOMAINS } from "./model";
import { Problems, Reader } from "./reader";
import { clientPodLabels, parseUserLabel } from "./workloads";

/** A list of distinct host names (lib/kube/fqdn.ts); every bad entry is its own problem. */
function readDomains(reader: Reader, problems: Problems, key: string): string[] | undefined {
    const values = reader.stringArray(key);
    if (values === undefined) {
        return undefined;
    }
    let bad = 0;
    for (const name of values) {
        const found = domainNameProblem(name);
        if (found) {
            problems.add(key, name, found);
            bad++;
        }
    }
    const duplicate = values.find((v, i) => values.indexOf(v) !== i);
    if (duplicate !== undefined) {
        problems.add(key, values, `lists "${duplicate}" more than once`);
    }
    return bad === 0 && duplicate === undefined ? values : undefined;
}

/**
 * Cilium enforces toFQDNs per IP, learned from every DNS answer on the node
 * (Documentation/security/policy/layer3.rst, v1.19.4): a blocked name that resolves to an address
 * of an allowed one connects. A subdomain is the likely case (one frontend or CDN for both).
 */
function sharedAddressWarnings(allowed: readonly string[], blocked: readonly string[]): string[] {
    return blocked.flatMap((name) => {
        const parent = allowed.find((a) => name.endsWith(`.${a}`));
        return parent
            ? [`fqdnBlockedDomains: "${name}" is a subdomain of the allowed "${parent}"; Cilium enforces toFQDNs per IP, so if both resolve to a shared address the blocked name connects (the lab serves them from one address and shows that).`]
            : [];
    });
}

/**
 * The allow-list's client must be a pod of its own: the policy default-denies every other egress
 * of the pods it selects, so a label that a cross-cluster client or an egress mapping uses would
 * change their rows.
 */
export function readDomainAllowList(
    reader: Reader,
    problems: Problems,
    warnings: string[],
    clients: readonly ClientSpec[] | undefined,
    mappings: readonly EgressMapping[] | undefined,
): { readonly allowList?: DomainAllowList } | undefined {
    const allowed = readDomains(reader, problems, "fqdnAllowedDomains");
    const blocked = readDomains(reader, problems, "fqdnBlockedDomains");
    const entry = reader.string("fqdnClient");
    if (allowed === undefined || blocked === undefined || entry === undefined) {
        return undefined;
    }
    const both = allowed.filter((name) => blocked.includes(name));
    if (both.length > 0) {
        problems.add("fqdnBlockedDomains", blocked, `also lists ${both.map((b) => `"${b}"`).join(", ")} in fqdnAllowedDomains; a name is either allowed or blocked`);
    }
    warnings.push(...sharedAddressWarnings(allowed, blocked));
    if (allowed.length + blocked.length > MAX_DOMAINS) {
        problems.add("fqdnAllowedDomains", allowed, `and fqdnBlockedDomains hold ${allowed.length + blocked.length} names together; at most ${MAX_DOMAINS} (each is one probe)`);
    }
    const colon = entry.indexOf(":");
    const name = colon > 0 ? entry.slice(0, colon) : "";
    const label = colon > 0 ? parseUserLabel(entry.slice(colon + 1)) : "is not name:labelKey=labelValue, e.g. curl-fqdn:app=fqdn-client";
    if (typeof label === "string") {
        problems.add("fqdnClient", entry, label);
        return undefined;
    }
    const found = dnsLabelProblem(name);
    if (found) {
        problems.add("fqdnClient", entry, found);
        return undefined;
    }
    const client: ClientSpec = { name, label };
    // The policy selects every demo pod carrying its label; a mapping selects the allow-list's pod the same way.
    const clash = clients?.find((c) => c.name === name || selects(label, clientPodLabels(c)));
    if (clash) {
        problems.add(
            "fqdnClient",
            entry,
            clash.name === name
                ? `repeats the pod name "${name}" of clients; the allow-list needs a pod of its own`
                : `carries ${labelText(client.label)} like client "${clash.name}"; the policy would default-deny that client's cross-cluster traffic, so give the allow-list a label of its own`,
        );
    } else if (mappings?.some((m) => selects(m.selector, clientPodLabels(client)))) {
        problems.add("fqdnClient", entry, `carries ${labelText(client.label)}, which egressMappings also selects; give the allow-list a label of its own`);
    }
    // Any problem above stops parseLabConfig before this value is used; no names turns the list off.
    return { allowList: allowed.length + blocked.length === 0 ? undefined : { policyName: FQDN_POLICY_NAME, client, allowed, blocked } };
}
