// A stand-in for check/main.ts under pulumi-command: it watches its parent with the check's own
// watchParent and, once the parent is gone, runs a "cleanup" that leaves a marker file.
import * as fs from "fs";
import { watchParent } from "../check/parentWatch";

const marker = process.argv[2];
watchParent((was, now) => {
    process.stdout.on("error", () => undefined);
    fs.writeFileSync(marker, `parent ${was} gone, now ${now}`);
    process.exit(2);
}, 100);
process.stdout.write("ready\n");
// Stay alive like a long check would; bounded so a broken watch cannot leak the process.
setTimeout(() => process.exit(3), 20_000);
