// One bounded wait, shared by the core's probes and reads.

/** `promise`, or an error naming `what` once `seconds` have passed; the timer never outlives it. */
export async function within<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${seconds} s`)), seconds * 1000);
    });
    try {
        return await Promise.race([promise, expired]);
    } finally {
        clearTimeout(timer);
    }
}
