// IPv4 range math on top of the `ip-address` library; no hand-written bit twiddling.
import { Address4 } from "ip-address";

/** A parsed, canonical IPv4 CIDR (host bits zero). */
export interface Cidr {
    readonly text: string;
    readonly prefixLength: number;
    readonly first: bigint;
    readonly last: bigint;
}

/** Why a string is not an acceptable CIDR, or undefined if it is. */
export function cidrProblem(text: string): string | undefined {
    if (text.includes(":")) {
        return "is an IPv6 range; only IPv4 CIDRs are supported";
    }
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) || !Address4.isValid(text)) {
        return "is not an IPv4 CIDR; expected a.b.c.d/n with n from 0 to 32, e.g. 10.10.0.0/16";
    }
    const address = new Address4(text);
    const network = address.startAddress().correctForm();
    if (network !== address.correctForm()) {
        return `has host bits set; did you mean ${network}/${address.subnetMask}?`;
    }
    return undefined;
}

/** Parses a CIDR that `cidrProblem` accepted. Throws on anything else. */
export function parseCidr(text: string): Cidr {
    const problem = cidrProblem(text);
    if (problem) {
        throw new Error(`${text} ${problem}`);
    }
    const address = new Address4(text);
    return {
        text,
        prefixLength: address.subnetMask,
        first: address.startAddress().bigInt(),
        last: address.endAddress().bigInt(),
    };
}

/** Why a string is not a plain IPv4 address, or undefined if it is. */
export function ipProblem(text: string): string | undefined {
    if (text.includes(":")) {
        return "is an IPv6 address; only IPv4 is supported";
    }
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || !Address4.isValid(text)) {
        return "is not an IPv4 address; expected a.b.c.d, e.g. 10.10.100.51";
    }
    return undefined;
}

export function ipToBigInt(ip: string): bigint {
    return new Address4(ip).bigInt();
}

export function bigIntToIp(value: bigint): string {
    return Address4.fromBigInt(value).correctForm();
}

export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.first <= b.last && b.first <= a.last;
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
    return outer.first <= inner.first && inner.last <= outer.last;
}

export function containsIp(range: Cidr, ip: string): boolean {
    const value = ipToBigInt(ip);
    return range.first <= value && value <= range.last;
}

/** The address `offset` places after the network address, e.g. hostAt(10.0.0.0/24, 10) = 10.0.0.10. */
export function hostAt(range: Cidr, offset: number): string {
    const value = range.first + BigInt(offset);
    if (value > range.last) {
        throw new Error(`offset ${offset} is outside ${range.text}`);
    }
    return bigIntToIp(value);
}

export function size(range: Cidr): bigint {
    return range.last - range.first + 1n;
}

/**
 * Azure keeps five addresses of every subnet: the network address, .1 (gateway), .2 and .3 (DNS)
 * and the broadcast address. https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq
 */
export const AZURE_RESERVED_PER_SUBNET = 5;

/** True when Azure could hand `ip` to a NIC in `subnet` (inside it, and not one of the five kept). */
export function isAzureAllocatable(subnet: Cidr, ip: string): boolean {
    const value = ipToBigInt(ip);
    return value >= subnet.first + 4n && value < subnet.last;
}
