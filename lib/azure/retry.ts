// Bounded retry of a read-rebuild-write pass that lost a race with another writer of the same Azure
// resource. On AKS the cloud controller writes the gateway pool's scale set and its instances with
// etags while the lab does (kubernetes-sigs/cloud-provider-azure pkg/provider/azure_vmss.go,
// ensureVMSSInPool and EnsureHostInPool; If-Match from Etag in pkg/azclient/.../zz_generated_client.go),
// so our If-Match write can get 412; an operation in progress gives 409, throttling 429.

/** How often and how long to try; tests pass a sleep that records instead of waiting. */
export interface RetryPolicy {
    readonly attempts: number;
    /** Wait before attempt n+1 (n from 1). */
    readonly delayMs: (attempt: number) => number;
    readonly sleep: (ms: number) => Promise<void>;
}

/** 5 attempts, 2 + 4 + 8 + 16 s apart: about half a minute, the span of a load balancer update. */
export const AZURE_RETRY: RetryPolicy = {
    attempts: 5,
    delayMs: (attempt) => 2000 * 2 ** (attempt - 1),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** 412 PreconditionFailed (stale etag), 409 Conflict (another operation), 429 throttled: read again and retry. */
export function retryableStatus(error: unknown): number | undefined {
    const status = (error as { statusCode?: number }).statusCode;
    return status === 412 || status === 409 || status === 429 ? status : undefined;
}

/**
 * Runs `pass` (which must read what it writes, each time) until it succeeds, retrying only
 * retryable refusals, at most `policy.attempts` times; then a clear error with the last refusal.
 */
export async function withAzureRetry<T>(what: string, policy: RetryPolicy, pass: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await pass(attempt);
        } catch (error) {
            const status = retryableStatus(error);
            if (status === undefined) {
                throw error;
            }
            if (attempt >= policy.attempts) {
                throw Object.assign(
                    new Error(
                        `${what}: Azure refused ${policy.attempts} times, each after a fresh read (last: ${(error as Error).message}). ` +
                            "Another writer (AKS, or the cloud controller updating load balancer backend pools) kept changing the scale set; wait until it is done and run pulumi up again.",
                    ),
                    { statusCode: status },
                );
            }
            await policy.sleep(policy.delayMs(attempt));
        }
    }
}
