import * as pulumi from "@pulumi/pulumi";
import { authSettings, ConfigLookup, credentialMethod } from "../lib/azure/auth";
import { azureScaleSetClient } from "../lib/azure/compute";
import { ensurePoolForwarding, PoolForwarding, poolGone, readPoolForwarding, ScaleSetClient, ScaleSetForwarding } from "../lib/azure/ipForwarding";

export interface GatewayForwardingArgs {
    /** Subscription of the cluster (azure-native's getClientConfig). */
    readonly subscriptionId: pulumi.Input<string>;
    /** The cluster's node resource group (MC_...), where AKS keeps the pool's scale set. */
    readonly nodeResourceGroup: pulumi.Input<string>;
    /** The AKS agent pool whose NICs must forward IP. */
    readonly poolName: pulumi.Input<string>;
    /**
     * Changes whenever AKS rewrites the pool (its eTag and node image version): AKS does not keep
     * changes made outside its API through an update or upgrade, so a new value re-applies forwarding.
     */
    readonly poolVersion: pulumi.Input<string>;
}

/** The provider's inputs, resolved. */
export interface ForwardingInputs {
    readonly subscriptionId: string;
    readonly nodeResourceGroup: string;
    readonly poolName: string;
    /** Absent in state written before it existed. */
    readonly poolVersion?: string;
}

/** What the stack records: the inputs, what Azure showed last, and what the last write changed. */
export interface ForwardingOutputs extends ForwardingInputs {
    readonly ipForwarding: boolean;
    readonly scaleSets: readonly ScaleSetForwarding[];
    readonly changed: readonly string[];
}

/** Makes the Azure client in the provider's own process; `config` reads azure-native:<key>. */
export type ClientFactory = (subscriptionId: string, config: ConfigLookup) => Promise<ScaleSetClient>;

const IDENTITY_KEYS = ["subscriptionId", "nodeResourceGroup", "poolName"] as const;

/**
 * What the engine sends a dynamic provider for a value unknown during preview
 * (@pulumi/pulumi runtime/rpc.js `unknownValue`). An unknown identity is a change, not a replacement:
 * whether it really differs is known only at update time, when diff runs again with the value.
 */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * A key every stack of this project has: a Pulumi.yaml default, which `pulumi up` merges into the
 * stack config before the engine runs (pulumi/pulumi pkg/cmd/pulumi up: workspace.
 * ValidateStackConfigAndApplyProjectConfig), so the engine passes it on. CLIs before 3.139.0 pass dynamic
 * providers no stack config at all (pulumi/pulumi #17673 and #17697, first in v3.139.0), and the
 * provider would then sign in with another identity than azure-native's.
 */
export const STACK_CONFIG_PROBE = "egress-lab:location";

function outputsOf(inputs: ForwardingInputs, state: PoolForwarding, changed: readonly string[]): ForwardingOutputs {
    return {
        subscriptionId: inputs.subscriptionId,
        nodeResourceGroup: inputs.nodeResourceGroup,
        poolName: inputs.poolName,
        ...(inputs.poolVersion !== undefined ? { poolVersion: inputs.poolVersion } : {}),
        ipForwarding: state.ipForwarding,
        scaleSets: state.scaleSets,
        changed,
    };
}

/**
 * A dynamic provider over lib/azure/ipForwarding.ts. Pulumi serializes it with its closure into the state,
 * so it captures only small pure functions and `makeClient`; the Azure SDK is loaded inside calls.
 * - create/update: turn forwarding on where it is off (writes nothing when it is on);
 * - read (refresh): what Azure shows now, so a model AKS rewrote shows as off;
 * - diff: off in the last read means the next `pulumi up` turns it on again;
 * - delete: nothing; the pool's scale set goes with its cluster.
 */
export function forwardingProvider(makeClient: ClientFactory): pulumi.dynamic.ResourceProvider<ForwardingInputs, ForwardingOutputs> {
    // An object, not a `let`: the closure serializer copies captured variables into each function's
    // scope, but one captured object stays shared, so configure() reaches clientFor().
    const stack: { config?: pulumi.dynamic.Config } = {};
    const clientFor = (inputs: ForwardingInputs): Promise<ScaleSetClient> => {
        const config = stack.config;
        if (!config || config.get(STACK_CONFIG_PROBE) === undefined) {
            throw new Error(
                `this Pulumi CLI passed the gateway forwarding provider no stack config (${STACK_CONFIG_PROBE} is missing), so it cannot sign in as azure-native does; ` +
                    "dynamic providers get stack config from Pulumi CLI 3.139.0 on: upgrade the CLI (pulumi version shows it) and run again",
            );
        }
        return makeClient(inputs.subscriptionId, (key) => config.get(`azure-native:${key}`));
    };
    const ensure = async (inputs: ForwardingInputs): Promise<ForwardingOutputs> => {
        const { state, changed } = await ensurePoolForwarding(await clientFor(inputs), inputs);
        return outputsOf(inputs, state, changed);
    };
    return {
        async configure(request) {
            stack.config = request.config;
        },
        async create(inputs) {
            return { id: `${inputs.nodeResourceGroup}/${inputs.poolName}`, outs: await ensure(inputs) };
        },
        async read(id, props) {
            if (!props) {
                throw new Error(`cannot refresh ${id}: no recorded inputs`);
            }
            try {
                const state = await readPoolForwarding(await clientFor(props), props);
                return { id, props: outputsOf(props, state, props.changed ?? []) };
            } catch (error) {
                // No id tells the engine the resource is gone (cmd/dynamic-provider read: resp.setId(result.id)).
                if (poolGone(error)) {
                    return {};
                }
                throw error;
            }
        },
        async diff(_id, olds, news) {
            const replaces = IDENTITY_KEYS.filter((key) => olds[key] !== news[key] && news[key] !== UNKNOWN);
            if (replaces.length > 0) {
                return { changes: true, replaces, deleteBeforeReplace: false };
            }
            const unknown = IDENTITY_KEYS.some((key) => news[key] === UNKNOWN);
            // A new pool version: AKS rewrote the pool, and with it maybe the scale set's NICs.
            return { changes: unknown || olds.poolVersion !== news.poolVersion || olds.ipForwarding !== true };
        },
        async update(_id, _olds, news) {
            return { outs: await ensure(news) };
        },
        async delete() {
            // Forwarding stays as it is: the pool is deleted with its cluster, and turning it off
            // while a replacement is created would cut a running lab.
        },
    };
}

/** The production client: @azure/arm-compute with the credential azure-native would use. */
const azureClients: ClientFactory = (subscriptionId, config) => azureScaleSetClient(subscriptionId, credentialMethod(authSettings(config, process.env)));

/** One provider object, so Pulumi serializes it once per process. */
export const GATEWAY_FORWARDING_PROVIDER = forwardingProvider(azureClients);

/**
 * IP forwarding on every NIC of an AKS pool's scale set (model and instances). This changes a
 * resource AKS manages; see docs/design.md, "How the egress IPs work on Azure", and docs/ip-forwarding.md.
 */
export class GatewayForwarding extends pulumi.dynamic.Resource {
    declare public readonly ipForwarding: pulumi.Output<boolean>;
    declare public readonly scaleSets: pulumi.Output<ScaleSetForwarding[]>;
    declare public readonly changed: pulumi.Output<string[]>;
    declare public readonly subscriptionId: pulumi.Output<string>;
    declare public readonly nodeResourceGroup: pulumi.Output<string>;
    declare public readonly poolName: pulumi.Output<string>;
    declare public readonly poolVersion: pulumi.Output<string>;

    constructor(name: string, args: GatewayForwardingArgs, opts?: pulumi.CustomResourceOptions) {
        super(GATEWAY_FORWARDING_PROVIDER, name, { ...args, ipForwarding: undefined, scaleSets: undefined, changed: undefined }, opts, "egresslab", "GatewayIpForwarding");
    }
}
