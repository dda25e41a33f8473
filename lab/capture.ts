// The lab's tcpdump, started with the capture pod's privileges, so the lab fails where a pod would.
import { CAPTURE_CAPABILITIES } from "../lib/kube/capture";

/**
 * The uid the lab's capture runs as. Everything else equals the pod: the capabilities
 * (CAPTURE_CAPABILITIES as bounding, permitted and effective set) and no_new_privs (the pod's
 * allowPrivilegeEscalation: false). The uid differs on purpose. The pod image's tcpdump (Alpine's,
 * built without a drop-to user) stays uid 0 when started as root. Debian's tcpdump here (4.99.3-1,
 * built --with-user=tcpdump, without libcap-ng) switches to "tcpdump" whenever it starts as uid 0,
 * which needs CAP_SETGID and fails under the pod's set. Started as another uid, it takes the image
 * build's path: no user switch at all (tcpdump.c 4.99: both the WITH_USER default and droproot()
 * run only when getuid() or geteuid() is 0). `timeout` runs as the same uid, as in the pod, so it
 * can end tcpdump at its bound without CAP_KILL.
 */
export const LAB_CAPTURE_UID = 65534;

/** setpriv's form of a capability set: "-all,+net_raw". */
export function setprivCapabilities(capabilities: readonly string[]): string {
    return ["-all", ...capabilities.map((c) => `+${c.toLowerCase().replace(/^cap_/, "")}`)].join(",");
}

/** setpriv (util-linux) giving a command exactly the capture's capabilities, as LAB_CAPTURE_UID. */
export function capturePrivileges(capabilities: readonly string[] = CAPTURE_CAPABILITIES): string[] {
    const set = setprivCapabilities(capabilities);
    return [
        "setpriv",
        `--reuid=${LAB_CAPTURE_UID}`,
        `--regid=${LAB_CAPTURE_UID}`,
        "--clear-groups",
        `--bounding-set=${set}`,
        // A non-root process keeps capabilities across exec only as ambient ones, which must also be inheritable.
        `--inh-caps=${set}`,
        `--ambient-caps=${set}`,
        "--no-new-privs",
    ];
}

/** The lab's capture command: the pod's `timeout <s> tcpdump <args>` under the pod's capabilities. */
export function labCaptureCommand(seconds: number, tcpdumpArgs: readonly string[]): string[] {
    return [...capturePrivileges(), "timeout", String(seconds), "tcpdump", ...tcpdumpArgs];
}
